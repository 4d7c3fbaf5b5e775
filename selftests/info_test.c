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
	EXPECT_EQ(4096, info.max_records);
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, info.max_name);
	EXPECT_EQ(CLUSNOTIFY_PAYLOAD_MAX, info.max_payload);
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
