// SPDX-License-Identifier: GPL-2.0
/*
 * The limits that stop a local denial of service, lowered at runtime
 * through /sys/module/clusnotify/parameters and restored afterwards:
 * max_ports per user (open() EMFILE), max_objects per cluster (ENOSPC,
 * all or nothing), max_clusters (ENOSPC), and GET_INFO reporting the
 * current values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

static const char *const params[] = {
	"max_records", "max_ports", "max_filters", "max_objects",
	"max_clusters", "max_batch",
};

#define NPARAMS CN_ARRAY_SIZE(params)

FIXTURE(lim) {
	unsigned int saved[NPARAMS];
	struct cn_env env;
};

FIXTURE_SETUP(lim)
{
	size_t i;

	for (i = 0; i < NPARAMS; i++)
		ASSERT_EQ(0, cn_param_get(params[i], &self->saved[i]));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Lim"));
}

FIXTURE_TEARDOWN(lim)
{
	size_t i;

	cn_env_teardown(&self->env);
	for (i = 0; i < NPARAMS; i++)
		cn_param_set(params[i], self->saved[i]);
}

TEST_F(lim, get_info_reports_the_current_limits)
{
	struct clusnotify_info info;

	ASSERT_EQ(0, cn_param_set("max_records", 123));
	ASSERT_EQ(0, cn_param_set("max_ports", 45));
	ASSERT_EQ(0, cn_param_set("max_filters", 67));
	ASSERT_EQ(0, cn_param_set("max_objects", 890));
	ASSERT_EQ(0, cn_param_set("max_clusters", 33));
	ASSERT_EQ(0, cn_param_set("max_batch", 21));
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET_INFO, &info));
	EXPECT_EQ(123, info.max_records);
	EXPECT_EQ(45, info.max_ports);
	EXPECT_EQ(67, info.max_filters);
	EXPECT_EQ(890, info.max_objects);
	EXPECT_EQ(33, info.max_clusters);
	EXPECT_EQ(21, info.max_batch);
}

struct ports_probe {
	int opened;		/* ports opened before the first failure */
	int err;		/* that failure */
	int reopen;		/* open() after closing one */
	int sibling_opened;	/* a second process of the same user */
	int sibling_err;
};

static int open_until_failure(int max, int *err, int *fds)
{
	int n = 0, fd;

	for (;;) {
		fd = cn_open_port(0);
		if (fd < 0) {
			*err = fd;
			return n;
		}
		if (n < max)
			fds[n] = fd;
		n++;
		if (n >= max)
			return n;
	}
}

static int ports_child(void *arg)
{
	struct ports_probe *p = arg;
	int fds[16], sfds[16], n, fd, status;
	pid_t pid;

	if (cn_become(CN_NOBODY, CN_NOBODY))
		return 1;
	n = open_until_failure(16, &p->err, fds);
	p->opened = n;
	if (n < 1)
		return 0;
	/* The same user in another process is the same budget. */
	pid = fork();
	if (pid == 0) {
		p->sibling_opened = open_until_failure(16, &p->sibling_err,
						       sfds);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	close(fds[n - 1]);
	fd = cn_open_port(0);
	p->reopen = fd < 0 ? fd : 0;
	return 0;
}

TEST_F(lim, max_ports_per_user_is_emfile)
{
	struct ports_probe *p = cn_shared_alloc(sizeof(*p));
	int fd;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, cn_param_set("max_ports", 3));
	ASSERT_EQ(0, cn_run_child(ports_child, p));
	EXPECT_EQ(3, p->opened);
	EXPECT_EQ(-EMFILE, p->err);
	EXPECT_EQ(0, p->sibling_opened);
	EXPECT_EQ(-EMFILE, p->sibling_err);
	EXPECT_EQ(0, p->reopen);
	/* Another user (root here, holding one port already) is not held back. */
	fd = cn_open_port(0);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	munmap(p, sizeof(*p));
}

TEST_F(lim, max_objects_is_enospc_and_all_or_nothing)
{
	struct cn_obj_desc objs[3] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "lim-1", .name = "L1" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "lim-2", .name = "L2" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "lim-3", .name = "L3" },
	};
	struct cn_obj_desc upd = cn_std_objects[2];
	struct cn_event added = {
		.type = CLUSNOTIFY_OBJ_CLUSTER, .v2 = CN_V2_CLUSTER_GROUP_ADDED,
		.id = "lim-ev", .name = "LEv",
	};
	unsigned char buf[512];
	__u32 size;

	ASSERT_EQ(0, cn_param_set("max_objects", cn_std_nobjects + 2));
	/* Three new objects do not fit in two slots: none goes in. */
	EXPECT_EQ(-ENOSPC, cn_publish(&self->env.nl, self->env.cid, objs, 3));
	size = sizeof(buf);
	EXPECT_EQ(-ENOENT, cn_object_lookup(self->env.port, self->env.cid,
					    CLUSNOTIFY_OBJ_GROUP, "L1", 0, buf,
					    &size, NULL));
	EXPECT_EQ(0, cn_publish(&self->env.nl, self->env.cid, objs, 2));
	EXPECT_EQ(-ENOSPC, cn_publish(&self->env.nl, self->env.cid, &objs[2],
				      1));
	/* At the limit, an event adding an object is refused too. */
	EXPECT_EQ(-ENOSPC, cn_post1(&self->env.nl, self->env.cid, &added));
	/* Updating an existing object needs no slot. */
	upd.name = "Group One Again";
	EXPECT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &upd, 1));
	/* Removing one frees its slot. */
	EXPECT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid, objs, 1));
	EXPECT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &objs[2], 1));
	size = sizeof(buf);
	EXPECT_EQ(0, cn_object_lookup(self->env.port, self->env.cid,
				      CLUSNOTIFY_OBJ_GROUP, "L3", 0, buf,
				      &size, NULL));
}

/*
 * A cluster whose producer went away is still registered (its name is
 * held for the producer's return), so it still counts.
 */
TEST_F(lim, max_clusters_is_enospc)
{
	struct cn_cluster_desc *d = calloc(256, sizeof(*d));
	struct cn_nl nl2;
	char a[64], b[64], c[64];
	__u32 ida, idb, idc;
	int n;

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_cluster_dump(&self->env.nl, d, 256, &n));
	free(d);
	ASSERT_EQ(0, cn_param_set("max_clusters", n + 2));
	cn_unique_name(a, sizeof(a), "LimA");
	cn_unique_name(b, sizeof(b), "LimB");
	cn_unique_name(c, sizeof(c), "LimC");
	ASSERT_EQ(0, cn_nl_open(&nl2));
	ASSERT_EQ(0, cn_register(&self->env.nl, a, &ida));
	ASSERT_EQ(0, cn_register(&nl2, b, &idb));
	EXPECT_EQ(-ENOSPC, cn_register(&self->env.nl, c, &idc));
	cn_nl_close(&nl2);		/* b goes down but stays registered */
	EXPECT_EQ(-ENOSPC, cn_register(&self->env.nl, c, &idc));
	/* Bringing b back up is no new cluster: allowed at the limit. */
	EXPECT_EQ(0, cn_register(&self->env.nl, b, &idc));
	EXPECT_EQ(idb, idc);
	EXPECT_EQ(0, cn_unregister(&self->env.nl, idb));
	EXPECT_EQ(0, cn_register(&self->env.nl, c, &idc));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, idc));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, ida));
}

TEST_HARNESS_MAIN
