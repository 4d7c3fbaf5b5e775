// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: delete_module() is refused while a port is open (the
 * open file pins the module), succeeds with none open even while a
 * producer still holds a cluster (its session just ends), and the module
 * loads again with finit_module() from /clusnotify.ko. Every test leaves
 * the module loaded, as the runner requires.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define MOD_NAME "clusnotify"
#define MOD_SYSFS "/sys/module/" MOD_NAME

static bool loaded(void)
{
	return access(MOD_SYSFS, F_OK) == 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, MOD_NAME, O_NONBLOCK) ? -errno : 0;
}

static int load(void)
{
	int fd = open(CN_MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

FIXTURE(mod) {
	int dummy;
};

FIXTURE_SETUP(mod)
{
	if (access(CN_MODULE_PATH, R_OK))
		SKIP(return, "%s not present", CN_MODULE_PATH);
	ASSERT_TRUE(loaded());
}

FIXTURE_TEARDOWN(mod)
{
	/* Whatever happened, leave the module loaded for later tests. */
	if (!loaded() && load())
		TH_LOG("could not reload %s", CN_MODULE_PATH);
}

TEST_F(mod, unload_with_a_port_open_is_refused)
{
	struct clusnotify_info info;
	int port = cn_open_port(0);

	ASSERT_LE(0, port);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(loaded());
	EXPECT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_GET_INFO, &info));
	/* A shut-down port is still an open file: still refused. */
	ASSERT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(loaded());
	close(port);
}

TEST_F(mod, unload_with_no_port_and_reload)
{
	struct clusnotify_info info;
	unsigned int v;
	int port;

	ASSERT_EQ(0, unload());
	EXPECT_FALSE(loaded());
	EXPECT_EQ(-ENOENT, cn_open_port(0));	/* the device node is gone */
	ASSERT_EQ(0, load());
	ASSERT_TRUE(loaded());
	port = cn_open_port(0);
	ASSERT_LE(0, port);
	EXPECT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_GET_INFO, &info));
	EXPECT_EQ(CLUSNOTIFY_API_VERSION, info.api_version);
	/* Fresh parameters: the defaults. */
	ASSERT_EQ(0, cn_param_get("max_records", &v));
	EXPECT_EQ(4096, v);
	EXPECT_EQ(4096, info.max_records);
	close(port);
}

TEST_F(mod, unload_while_a_producer_holds_a_cluster)
{
	struct clusnotify_cluster_query q;
	struct cn_nl nl, nl2;
	char name[64];
	__u32 id;
	int port;

	ASSERT_EQ(0, cn_nl_open(&nl));
	cn_unique_name(name, sizeof(name), "Mod");
	ASSERT_EQ(0, cn_register(&nl, name, &id));
	ASSERT_EQ(0, cn_publish(&nl, id, cn_std_objects, cn_std_nobjects));
	/* A netlink socket does not pin the module. */
	ASSERT_EQ(0, unload());
	EXPECT_FALSE(loaded());
	/* The family is gone: the old socket's requests fail. */
	EXPECT_EQ(-ENOENT, cn_post1(&nl, id, &(struct cn_event){
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.id = CN_GROUP1_ID }));
	ASSERT_EQ(0, load());
	/* A fresh module knows nothing of the old cluster. */
	port = cn_open_port(0);
	ASSERT_LE(0, port);
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(port, name, 0, &q, NULL, 0));
	ASSERT_EQ(0, cn_nl_open(&nl2));
	ASSERT_EQ(0, cn_register(&nl2, name, &id));
	EXPECT_EQ(0, cn_cluster_lookup(port, name, 0, &q, NULL, 0));
	EXPECT_EQ(0, cn_unregister(&nl2, id));
	cn_nl_close(&nl2);
	cn_nl_close(&nl);
	close(port);
}

TEST_HARNESS_MAIN
