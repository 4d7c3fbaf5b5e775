// SPDX-License-Identifier: GPL-2.0
/*
 * GET_INFO and the ioctl dispatcher: version, features, limits, and the
 * errors for commands the module does not know.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/clusnotify.h>
#include "cn_util.h"
#include "kselftest_harness.h"

TEST(get_info_reports_version_and_limits)
{
	struct clusnotify_info info;
	int fd = open("/dev/clusnotify", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, CLUSNOTIFY_IOC_GET_INFO, &info));
	EXPECT_EQ(CLUSNOTIFY_API_VERSION, info.api_version);
	EXPECT_EQ(0, info.__reserved);
	EXPECT_TRUE(info.features & CLUSNOTIFY_FEAT_V1);
	EXPECT_TRUE(info.features & CLUSNOTIFY_FEAT_V2);
	EXPECT_TRUE(info.features & CLUSNOTIFY_FEAT_RING);
	EXPECT_EQ(4096, info.max_records);
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, info.max_name);
	EXPECT_EQ(CLUSNOTIFY_PAYLOAD_MAX, info.max_payload);
	/* VER1: the ring's limits, powers of two from RING_MIN up. */
	EXPECT_LE(CLUSNOTIFY_RING_MIN, info.ring_default);
	EXPECT_LE(info.ring_default, info.max_ring);
	EXPECT_EQ(0, info.max_ring & (info.max_ring - 1));
	EXPECT_EQ(0, info.ring_default & (info.ring_default - 1));
	close(fd);
}

/* The ring's limits are the module's parameters, read at each call. */
TEST(get_info_follows_the_ring_parameters)
{
	struct clusnotify_info info;
	unsigned int max, def;
	int fd = open("/dev/clusnotify", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cn_param_get("max_ring", &max));
	ASSERT_EQ(0, cn_param_get("ring_default", &def));
	ASSERT_EQ(0, ioctl(fd, CLUSNOTIFY_IOC_GET_INFO, &info));
	EXPECT_EQ(max, info.max_ring);
	EXPECT_EQ(def, info.ring_default);
	ASSERT_EQ(0, cn_param_set("ring_default", 2 * CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, ioctl(fd, CLUSNOTIFY_IOC_GET_INFO, &info));
	cn_param_set("ring_default", def);
	EXPECT_EQ(2 * CLUSNOTIFY_RING_MIN, info.ring_default);
	close(fd);
}

TEST(unknown_ioctl_is_enotty)
{
	int fd = open("/dev/clusnotify", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, _IO(CLUSNOTIFY_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('x', 0x00)));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_HARNESS_MAIN
