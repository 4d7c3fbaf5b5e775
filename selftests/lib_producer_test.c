// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi's producer API (clusapi_linux.h) against the real module:
 * open/close and the session it is, register/unregister with options,
 * publish/remove, posts single and batched (checked on a raw port with
 * cn_util's ioctls), the V1-from-V2 table row by row (a V1 filter hears
 * events posted with their V2 kind only), batches split by max_batch and by
 * the send buffer, every error path's exact errno, and the listings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <clusapi_linux.h>
#include "cn_util.h"
#include "kselftest_harness.h"

#define NODE1_ID "node-1"
#define GROUP1_ID "group-1"
#define RES1_ID "res-1"

static const struct clusnotify_object_desc std_objs[] = {
	{ .type = CLUSNOTIFY_OBJ_NODE, .id = NODE1_ID, .name = "Node1",
	  .state = CN_NODE_UP, .has_state = 1 },
	{ .type = CLUSNOTIFY_OBJ_GROUP, .id = GROUP1_ID, .name = "Group One",
	  .parent = NODE1_ID, .state = CN_GROUP_ONLINE, .has_state = 1 },
	{ .type = CLUSNOTIFY_OBJ_RESOURCE, .id = RES1_ID,
	  .name = "IP Address 10.0.0.1", .parent = GROUP1_ID,
	  .type_name = "IP Address", .state = CN_RESOURCE_ONLINE,
	  .has_state = 1 },
};

#define N_STD ((int)CN_ARRAY_SIZE(std_objs))

FIXTURE(lp) {
	clusnotify_producer *p;
	__u32 cid;
	char name[64];
	int port;
	unsigned char *buf;
	struct cn_rec r;
	unsigned int saved_max_batch;
};

FIXTURE_SETUP(lp)
{
	size_t done = 99;

	self->port = -1;
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_param_get("max_batch", &self->saved_max_batch));
	ASSERT_EQ(0, clusnotify_producer_open(&self->p));
	cn_unique_name(self->name, sizeof(self->name), "LibProd");
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, self->name, NULL,
						 &self->cid));
	ASSERT_EQ(0, clusnotify_objects_publish(self->p, self->cid, std_objs,
						N_STD, &done));
	ASSERT_EQ(N_STD, done);
	self->port = cn_open_port(0);
	ASSERT_LE(0, self->port);
}

FIXTURE_TEARDOWN(lp)
{
	cn_param_set("max_batch", self->saved_max_batch);
	if (self->port >= 0)
		close(self->port);
	if (self->p) {
		clusnotify_cluster_unregister(self->p, self->cid);
		clusnotify_producer_close(self->p);
	}
	free(self->buf);
}

/* The next record of the port (no waiting), decoded into self->r. */
#define NEXT_REC() cn_get_rec(self->port, self->buf, 0, &self->r)

static const struct clusnotify_event ev_group_state = {
	.object_type = CLUSNOTIFY_OBJ_GROUP, .v2_flag = CN_V2_GROUP_STATE,
	.id = GROUP1_ID, .name = "Group One", .parent = NODE1_ID,
	.state = CN_GROUP_OFFLINE, .has_state = 1,
};

/* ------------------------------------------------------------------ */
/* Listings, as helpers for the other tests                            */
/* ------------------------------------------------------------------ */

struct find_cluster {
	__u32 id;
	int seen;		/* entries in the dump */
	int found;
	struct clusnotify_cluster_entry e;
	char name[CLUSNOTIFY_NAME_MAX + 1];
	int stop_after;		/* return 7 after this many entries (0: never) */
};

static int find_cluster_cb(const struct clusnotify_cluster_entry *c,
			   void *arg)
{
	struct find_cluster *f = arg;

	f->seen++;
	if (c->id == f->id) {
		f->found++;
		f->e = *c;
		snprintf(f->name, sizeof(f->name), "%s", c->name);
		f->e.name = f->name;
	}
	return f->stop_after && f->seen >= f->stop_after ? 7 : 0;
}

static int list_cluster(clusnotify_producer *p, __u32 id,
			struct find_cluster *f)
{
	memset(f, 0, sizeof(*f));
	f->id = id;
	return clusnotify_clusters_list(p, find_cluster_cb, f);
}

struct obj_list {
	int n;
	struct {
		__u32 type, state;
		__u64 state_seq;
		char id[64], name[64], parent[64], type_name[64];
	} o[16];
};

static int obj_list_cb(const struct clusnotify_object_entry *o, void *arg)
{
	struct obj_list *l = arg;

	if (l->n < (int)CN_ARRAY_SIZE(l->o)) {
		l->o[l->n].type = o->type;
		l->o[l->n].state = o->state;
		l->o[l->n].state_seq = o->state_seq;
		snprintf(l->o[l->n].id, 64, "%s", o->id);
		snprintf(l->o[l->n].name, 64, "%s", o->name);
		snprintf(l->o[l->n].parent, 64, "%s", o->parent);
		snprintf(l->o[l->n].type_name, 64, "%s", o->type_name);
	}
	l->n++;
	return 0;
}

/* Index of the object with this id in l, or -1. */
static int obj_find(const struct obj_list *l, const char *id)
{
	int i;

	for (i = 0; i < l->n && i < (int)CN_ARRAY_SIZE(l->o); i++)
		if (!strcmp(l->o[i].id, id))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Open, close, sessions                                               */
/* ------------------------------------------------------------------ */

TEST(open_close_and_errno_untouched)
{
	clusnotify_producer *p = NULL, *q = NULL;

	ASSERT_EQ(0, clusnotify_producer_open(&p));
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, clusnotify_producer_open(&q));
	EXPECT_STREQ("", clusnotify_producer_error(p));
	clusnotify_producer_close(q);
	clusnotify_producer_close(NULL);
	EXPECT_EQ(-EINVAL, clusnotify_producer_open(NULL));
	/* Failing or not, no call changes errno. */
	errno = EDOM;
	EXPECT_EQ(-ENOENT, clusnotify_cluster_unregister(p, 0xfffffff0));
	EXPECT_EQ(EDOM, errno);
	EXPECT_EQ(-EINVAL, clusnotify_cluster_register(p, "", NULL, NULL));
	EXPECT_EQ(EDOM, errno);
	clusnotify_producer_close(p);
	EXPECT_EQ(EDOM, errno);
}

static bool module_loaded(void)
{
	return access("/sys/module/clusnotify", F_OK) == 0;
}

static int module_load(void)
{
	int fd = open(CN_MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

TEST(open_without_the_module_is_enoent)
{
	clusnotify_producer *p = (clusnotify_producer *)1;

	if (access(CN_MODULE_PATH, R_OK))
		SKIP(return, "%s not present", CN_MODULE_PATH);
	ASSERT_EQ(0, syscall(SYS_delete_module, "clusnotify", O_NONBLOCK));
	EXPECT_EQ(-ENOENT, clusnotify_producer_open(&p));
	EXPECT_EQ(NULL, p);
	ASSERT_EQ(0, module_load());
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(0, clusnotify_producer_open(&p));
	clusnotify_producer_close(p);
}

/*
 * Closing the producer ends its session: the cluster goes down (its ports
 * get CLUSTER_STATE) and stays listed; registering the name again, from
 * another producer, brings it back up with its id (CLUSTER_RECONNECT).
 */
TEST_F(lp, close_ends_the_session_and_register_reconnects)
{
	clusnotify_producer *p2;
	struct find_cluster *f = calloc(1, sizeof(*f));
	char name[64];
	__u32 id, id2;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, clusnotify_producer_open(&p2));
	cn_unique_name(name, sizeof(name), "LibSess");
	ASSERT_EQ(0, clusnotify_cluster_register(p2, name, NULL, &id));
	ASSERT_EQ(0, cn_add_v1(self->port, id, CN_V1_CLUSTER_STATE |
			       CN_V1_CLUSTER_RECONNECT, 1, 1));
	clusnotify_producer_close(p2);

	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CN_V1_CLUSTER_STATE, self->r.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_DOWN, self->r.hdr.state);
	EXPECT_TRUE(self->r.hdr.flags & CLUSNOTIFY_RECORD_F_KERNEL);
	ASSERT_EQ(0, list_cluster(self->p, id, f));
	EXPECT_EQ(1, f->found);
	EXPECT_EQ(0, f->e.up);

	/* Down: posting is -ENOTCONN, even for the right name's new owner. */
	EXPECT_EQ(-ENOTCONN, clusnotify_post(self->p, id, &ev_group_state, 1,
					     NULL));
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, name, NULL, &id2));
	EXPECT_EQ(id, id2);
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CN_V1_CLUSTER_RECONNECT, self->r.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_UP, self->r.hdr.state);
	ASSERT_EQ(0, list_cluster(self->p, id, f));
	EXPECT_EQ(1, f->e.up);

	/* Unregistering is for good: CLUSTER_STATE, and it leaves the list. */
	ASSERT_EQ(0, clusnotify_cluster_unregister(self->p, id));
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CN_V1_CLUSTER_STATE, self->r.hdr.v1_change);
	ASSERT_EQ(0, list_cluster(self->p, id, f));
	EXPECT_EQ(0, f->found);
	EXPECT_EQ(-ENOENT, clusnotify_cluster_unregister(self->p, id));
	free(f);
}

TEST_F(lp, another_session_is_eacces)
{
	struct clusnotify_object_desc g = { .type = CLUSNOTIFY_OBJ_GROUP,
					    .id = "g-x" };
	clusnotify_producer *p2;
	size_t done = 99;

	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, clusnotify_producer_open(&p2));
	/* A second session cannot take the name while it is up. */
	EXPECT_EQ(-EEXIST, clusnotify_cluster_register(p2, self->name, NULL,
						       NULL));
	EXPECT_EQ(-EACCES, clusnotify_post(p2, self->cid, &ev_group_state, 1,
					   NULL));
	EXPECT_EQ(-EACCES, clusnotify_objects_publish(p2, self->cid, &g, 1,
						      &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EACCES, clusnotify_objects_remove(p2, self->cid, std_objs,
						     1, NULL));
	EXPECT_EQ(-EACCES, clusnotify_cluster_unregister(p2, self->cid));
	clusnotify_producer_close(p2);
	EXPECT_EQ(0, cn_drain(self->port));
}

struct unpriv {
	__u32 cid;
	int open, reg, post, publish, remove, unreg, list, nlisted;
};

static int count_cb(const struct clusnotify_cluster_entry *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static int unpriv_child(void *arg)
{
	struct unpriv *u = arg;
	struct clusnotify_object_desc g = { .type = CLUSNOTIFY_OBJ_GROUP,
					    .id = "g-nobody" };
	clusnotify_producer *p;
	char name[64];

	if (cn_become(CN_NOBODY, CN_NOBODY))
		return 2;
	u->open = clusnotify_producer_open(&p);
	if (u->open)
		return 0;
	cn_unique_name(name, sizeof(name), "LibNobody");
	u->reg = clusnotify_cluster_register(p, name, NULL, NULL);
	u->post = clusnotify_post(p, u->cid, &ev_group_state, 1, NULL);
	u->publish = clusnotify_objects_publish(p, u->cid, &g, 1, NULL);
	u->remove = clusnotify_objects_remove(p, u->cid, std_objs, 1, NULL);
	u->unreg = clusnotify_cluster_unregister(p, u->cid);
	/* Listing is not privileged. */
	u->list = clusnotify_clusters_list(p, count_cb, &u->nlisted);
	clusnotify_producer_close(p);
	return 0;
}

TEST_F(lp, unprivileged_is_eperm)
{
	struct unpriv *u = cn_shared_alloc(sizeof(*u));
	struct find_cluster f;

	ASSERT_NE(NULL, u);
	u->cid = self->cid;
	ASSERT_EQ(0, cn_run_child(unpriv_child, u));
	ASSERT_EQ(0, u->open);
	EXPECT_EQ(-EPERM, u->reg);
	EXPECT_EQ(-EPERM, u->post);
	EXPECT_EQ(-EPERM, u->publish);
	EXPECT_EQ(-EPERM, u->remove);
	EXPECT_EQ(-EPERM, u->unreg);
	EXPECT_EQ(0, u->list);
	EXPECT_LE(1, u->nlisted);
	ASSERT_EQ(0, list_cluster(self->p, self->cid, &f));
	EXPECT_EQ(1, f.e.up);
	munmap(u, sizeof(*u));
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

TEST_F(lp, register_with_opts_and_defaults)
{
	struct clusnotify_cluster_opts o = {
		.uid = 1234, .gid = 5678, .mode = 0640,
		.flags = CLUSNOTIFY_CLUSTER_F_DEFAULT,
	};
	struct clusnotify_cluster_opts zero = { 0 };
	struct find_cluster *f = calloc(1, sizeof(*f));
	char name[64];
	__u32 id = 0;

	ASSERT_NE(NULL, f);
	cn_unique_name(name, sizeof(name), "LibOpts");
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, name, &o, &id));
	EXPECT_NE(0, id);
	EXPECT_NE(self->cid, id);
	ASSERT_EQ(0, list_cluster(self->p, id, f));
	ASSERT_EQ(1, f->found);
	EXPECT_STREQ(name, f->e.name);
	EXPECT_EQ(1234, f->e.uid);
	EXPECT_EQ(5678, f->e.gid);
	EXPECT_EQ(0640, f->e.mode);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_F_DEFAULT, f->e.flags);
	EXPECT_EQ(1, f->e.up);
	EXPECT_EQ(0, f->e.objects);
	ASSERT_EQ(0, clusnotify_cluster_unregister(self->p, id));

	/* NULL and zeroed options are the kernel's defaults: 0644. */
	ASSERT_EQ(0, list_cluster(self->p, self->cid, f));
	EXPECT_EQ(0, f->e.uid);
	EXPECT_EQ(0644, f->e.mode);
	EXPECT_EQ(0, f->e.flags);
	EXPECT_EQ(N_STD, f->e.objects);
	cn_unique_name(name, sizeof(name), "LibZero");
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, name, &zero, &id));
	ASSERT_EQ(0, list_cluster(self->p, id, f));
	EXPECT_EQ(0644, f->e.mode);
	EXPECT_EQ(0, f->e.flags);
	EXPECT_EQ(0, clusnotify_cluster_unregister(self->p, id));
	free(f);
}

TEST_F(lp, register_errors_are_exact)
{
	struct clusnotify_cluster_opts o = { .mode = 01000 };
	char *longname = malloc(CLUSNOTIFY_NAME_MAX + 2);
	char name[64], upper[64];
	size_t i;
	__u32 id = 77;

	ASSERT_NE(NULL, longname);
	EXPECT_EQ(-EALREADY, clusnotify_cluster_register(self->p, self->name,
							 NULL, &id));
	EXPECT_EQ(77, id);	/* untouched on error */
	for (i = 0; self->name[i]; i++)
		upper[i] = (self->name[i] >= 'a' && self->name[i] <= 'z') ?
			   self->name[i] - 32 : self->name[i];
	upper[i] = 0;
	EXPECT_EQ(-EALREADY, clusnotify_cluster_register(self->p, upper, NULL,
							 NULL));
	EXPECT_EQ(-EINVAL, clusnotify_cluster_register(self->p, NULL, NULL,
						       NULL));
	EXPECT_EQ(-EINVAL, clusnotify_cluster_register(NULL, "x", NULL, NULL));
	EXPECT_EQ(-EINVAL, clusnotify_cluster_register(self->p, "", NULL,
						       NULL));
	TH_LOG("empty name: %s", clusnotify_producer_error(self->p));
	EXPECT_EQ(-EILSEQ, clusnotify_cluster_register(self->p, "bad\xc0\x80",
						       NULL, NULL));
	cn_unique_name(name, sizeof(name), "LibBad");
	EXPECT_EQ(-ERANGE, clusnotify_cluster_register(self->p, name, &o,
						       NULL));
	EXPECT_STRNE("", clusnotify_producer_error(self->p));
	TH_LOG("mode 01000: %s", clusnotify_producer_error(self->p));
	o.mode = 0600;
	o.flags = 1U << 1;
	EXPECT_EQ(-EINVAL, clusnotify_cluster_register(self->p, name, &o,
						       NULL));
	memset(longname, 'n', CLUSNOTIFY_NAME_MAX + 1);
	longname[CLUSNOTIFY_NAME_MAX + 1] = 0;
	EXPECT_EQ(-ENAMETOOLONG, clusnotify_cluster_register(self->p, longname,
							     NULL, NULL));
	/* CLUSNOTIFY_NAME_MAX bytes are fine. */
	longname[CLUSNOTIFY_NAME_MAX] = 0;
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, longname, NULL, &id));
	EXPECT_EQ(0, clusnotify_cluster_unregister(self->p, id));
	/* None of the failures registered anything. */
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->port, name, 0,
					     &(struct clusnotify_cluster_query){},
					     NULL, 0));
	free(longname);
}

/* ------------------------------------------------------------------ */
/* Objects                                                             */
/* ------------------------------------------------------------------ */

TEST_F(lp, publish_list_lookup_remove)
{
	struct clusnotify_object_desc objs[] = {
		{ .type = CLUSNOTIFY_OBJ_NETWORK, .id = "net-1",
		  .name = "Cluster Network 1", .state = 3, .has_state = 1 },
		{ .type = CLUSNOTIFY_OBJ_REGISTRY, .id = "Resources\\res-1" },
	};
	struct obj_list *l = calloc(1, sizeof(*l));
	struct cn_object o;
	unsigned char buf[512];
	__u32 size = sizeof(buf);
	size_t done = 99;
	int i;

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, clusnotify_objects_publish(self->p, self->cid, objs, 2,
						&done));
	EXPECT_EQ(2, done);
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	EXPECT_EQ(N_STD + 2, l->n);
	i = obj_find(l, RES1_ID);
	ASSERT_LE(0, i);
	EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE, l->o[i].type);
	EXPECT_STREQ("IP Address 10.0.0.1", l->o[i].name);
	EXPECT_STREQ(GROUP1_ID, l->o[i].parent);
	EXPECT_STREQ("IP Address", l->o[i].type_name);
	EXPECT_EQ(CN_RESOURCE_ONLINE, l->o[i].state);
	i = obj_find(l, "Resources\\res-1");
	ASSERT_LE(0, i);
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, l->o[i].state);
	/* Published without a name: named after its id; no parent. */
	EXPECT_STREQ("Resources\\res-1", l->o[i].name);
	EXPECT_STREQ("", l->o[i].parent);
	/* The consumer side finds it by name. */
	ASSERT_EQ(0, cn_object_lookup(self->port, self->cid,
				      CLUSNOTIFY_OBJ_NETWORK,
				      "Cluster Network 1", 0, buf, &size, &o));
	EXPECT_STREQ("net-1", o.id);
	EXPECT_EQ(3, o.hdr.state);

	/* Republishing with a new state bumps state_seq. */
	objs[0].state = 1;
	ASSERT_EQ(0, clusnotify_objects_publish(self->p, self->cid, objs, 1,
						NULL));
	memset(l, 0, sizeof(*l));
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	i = obj_find(l, "net-1");
	ASSERT_LE(0, i);
	EXPECT_EQ(1, l->o[i].state);
	EXPECT_LE(1, l->o[i].state_seq);

	ASSERT_EQ(0, clusnotify_objects_remove(self->p, self->cid, objs, 2,
					       &done));
	EXPECT_EQ(2, done);
	/* Every object of a message must exist: nothing is removed. */
	EXPECT_EQ(-ENOENT, clusnotify_objects_remove(self->p, self->cid, objs,
						     1, &done));
	EXPECT_EQ(0, done);
	memset(l, 0, sizeof(*l));
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	EXPECT_EQ(N_STD, l->n);
	size = sizeof(buf);
	EXPECT_EQ(-ENOENT, cn_object_lookup(self->port, self->cid,
					    CLUSNOTIFY_OBJ_NETWORK,
					    "Cluster Network 1", 0, buf, &size,
					    NULL));
	free(l);
}

TEST_F(lp, object_errors_are_exact)
{
	struct clusnotify_object_desc bad[2] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "fine", .name = "Fine" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = NULL },
	};
	char *longname = malloc(CLUSNOTIFY_NAME_MAX + 2);
	struct obj_list *l = calloc(1, sizeof(*l));
	size_t done = 99;

	ASSERT_NE(NULL, longname);
	ASSERT_NE(NULL, l);
	/* Refused before sending: nothing applied, not even entry 0. */
	EXPECT_EQ(-EINVAL, clusnotify_objects_publish(self->p, self->cid, bad,
						      2, &done));
	EXPECT_EQ(0, done);
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "object 1"));
	memset(longname, 'x', CLUSNOTIFY_NAME_MAX + 1);
	longname[CLUSNOTIFY_NAME_MAX + 1] = 0;
	bad[1].id = "ok";
	bad[1].name = longname;
	EXPECT_EQ(-ENAMETOOLONG, clusnotify_objects_publish(self->p, self->cid,
							    bad, 2, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, clusnotify_objects_publish(self->p, self->cid, NULL,
						      1, NULL));
	/* Nothing to do is done. */
	EXPECT_EQ(0, clusnotify_objects_publish(self->p, self->cid, NULL, 0,
						&done));
	EXPECT_EQ(0, done);
	/* Kernel errors: bad UTF-8, an unknown type, an unknown cluster. */
	bad[1].name = "\xed\xa0\x80";
	EXPECT_EQ(-EILSEQ, clusnotify_objects_publish(self->p, self->cid, bad,
						      2, &done));
	EXPECT_EQ(0, done);
	TH_LOG("bad UTF-8: %s", clusnotify_producer_error(self->p));
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "object 1"));
	bad[1].name = NULL;
	bad[1].type = 0x0e;	/* no CLUSTER_OBJECT_TYPE */
	EXPECT_EQ(-EINVAL, clusnotify_objects_publish(self->p, self->cid, bad,
						      2, NULL));
	bad[1].type = CLUSNOTIFY_OBJ_MAX + 1;	/* outside the policy's range */
	EXPECT_EQ(-ERANGE, clusnotify_objects_publish(self->p, self->cid, bad,
						      2, NULL));
	EXPECT_EQ(-ENOENT, clusnotify_objects_publish(self->p, self->cid + 100000,
						      bad, 1, NULL));
	EXPECT_EQ(-ENOENT, clusnotify_objects_list(self->p, self->cid + 100000,
						   obj_list_cb, l));
	EXPECT_EQ(-EINVAL, clusnotify_objects_list(self->p, self->cid, NULL,
						   NULL));
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	EXPECT_EQ(N_STD, l->n);
	free(l);
	free(longname);
}

/* ------------------------------------------------------------------ */
/* Posting                                                             */
/* ------------------------------------------------------------------ */

TEST_F(lp, post_one_event_reaches_v1_and_v2_filters)
{
	__u32 dw = CN_GROUP_OFFLINE;
	struct clusnotify_event ev = ev_group_state;
	struct clusnotify_post_result res;
	struct obj_list *l = calloc(1, sizeof(*l));
	int i;

	ASSERT_NE(NULL, l);
	ev.payload = &dw;
	ev.payload_len = sizeof(dw);
	ev.type_name = "";
	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_GROUP_STATE, 11,
			       1));
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 22, 2));
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, &ev, 1, &res));
	EXPECT_EQ(1, res.posted);
	EXPECT_EQ(2, res.queued);
	EXPECT_EQ(0, res.lost);

	/* The V1 bit was derived from the V2 kind. */
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
	EXPECT_EQ(11, self->r.hdr.key);
	EXPECT_EQ(CN_V1_GROUP_STATE, self->r.hdr.v1_change);
	EXPECT_STREQ("Group One", self->r.name);
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
	EXPECT_EQ(22, self->r.hdr.key);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->r.hdr.object_type);
	EXPECT_EQ(CN_V2_GROUP_STATE, self->r.hdr.v2_flag);
	EXPECT_EQ(CN_GROUP_OFFLINE, self->r.hdr.state);
	ASSERT_EQ(sizeof(dw), self->r.hdr.payload_len);
	EXPECT_EQ(0, memcmp(&dw, self->r.payload, sizeof(dw)));
	EXPECT_STREQ(GROUP1_ID, self->r.id);
	EXPECT_STREQ(NODE1_ID, self->r.parent);
	EXPECT_STREQ("Group One", self->r.name);
	EXPECT_STREQ("", self->r.type);
	EXPECT_EQ(-ETIMEDOUT, NEXT_REC());

	/* The directory followed: the group is offline now. */
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	i = obj_find(l, GROUP1_ID);
	ASSERT_LE(0, i);
	EXPECT_EQ(CN_GROUP_OFFLINE, l->o[i].state);
	free(l);
}

TEST_F(lp, post_batch_in_order_and_counts)
{
	struct clusnotify_event ev[3] = { ev_group_state, ev_group_state,
					  ev_group_state };
	struct clusnotify_post_result res;
	int i;

	ev[0].state = CN_GROUP_OFFLINE;
	ev[1].state = CN_GROUP_FAILED;
	ev[2].state = CN_GROUP_ONLINE;
	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, 2, 2));
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, ev, 3, &res));
	EXPECT_EQ(3, res.posted);
	EXPECT_EQ(6, res.queued);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, NEXT_REC());
		EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
		ASSERT_EQ(0, NEXT_REC());
		EXPECT_EQ(CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
		EXPECT_EQ(ev[i].state, self->r.hdr.state);
	}
	EXPECT_EQ(0, cn_drain(self->port));
	/* An empty batch is a no-op, whatever the cluster. */
	EXPECT_EQ(0, clusnotify_post(self->p, 0xfffffff0, NULL, 0, &res));
	EXPECT_EQ(0, res.posted);
}

/*
 * The V1 bit for every V2 kind a producer may post, written from the
 * Windows documentation independently of lib/producer_v1map.c.
 */
static const struct v1_row {
	__u32 type;
	__u64 v2;
	__u32 v1;
	const char *kind;
} v1_rows[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0004, CN_V1_GROUP_ADDED, "CLUSTER GROUP_ADDED" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0010, CN_V1_NETWORK_ADDED, "CLUSTER NETWORK_ADDED" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0020, CN_V1_NODE_ADDED, "CLUSTER NODE_ADDED" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0040, CN_V1_RESOURCE_TYPE_ADDED, "CLUSTER RESOURCE_TYPE_ADDED" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0080, CN_V1_CLUSTER_PROPERTY, "CLUSTER COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0100, CN_V1_CLUSTER_PROPERTY, "CLUSTER PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0400, CN_V1_CLUSTER_PROPERTY, "CLUSTER RENAME" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x0800, 0, "CLUSTER MEMBERSHIP" },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x1000, CN_V1_CLUSTER_PROPERTY, "CLUSTER UPGRADED" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0001, CN_V1_GROUP_DELETED, "GROUP DELETED" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0002, CN_V1_GROUP_PROPERTY, "GROUP COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0004, CN_V1_GROUP_PROPERTY, "GROUP PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0008, CN_V1_GROUP_STATE, "GROUP STATE" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0010, CN_V1_GROUP_STATE, "GROUP OWNER_NODE" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0020, CN_V1_GROUP_PROPERTY, "GROUP PREFERRED_OWNERS" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0040, CN_V1_RESOURCE_ADDED, "GROUP RESOURCE_ADDED" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0080, CN_V1_GROUP_PROPERTY, "GROUP RESOURCE_GAINED" },
	{ CLUSNOTIFY_OBJ_GROUP, 0x0100, CN_V1_GROUP_PROPERTY, "GROUP RESOURCE_LOST" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0001, CN_V1_RESOURCE_PROPERTY, "RESOURCE COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0002, CN_V1_RESOURCE_PROPERTY, "RESOURCE PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0004, CN_V1_RESOURCE_STATE, "RESOURCE STATE" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0008, CN_V1_RESOURCE_STATE, "RESOURCE OWNER_GROUP" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0010, CN_V1_RESOURCE_PROPERTY, "RESOURCE DEPENDENCIES" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0020, 0, "RESOURCE DEPENDENTS" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0040, CN_V1_RESOURCE_PROPERTY, "RESOURCE POSSIBLE_OWNERS" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0080, CN_V1_RESOURCE_DELETED, "RESOURCE DELETED" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0100, 0, "RESOURCE DLL_UPGRADED" },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x0400, 0, "RESOURCE TERMINAL_STATE" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0001, CN_V1_RESOURCE_TYPE_DELETED, "RESOURCE_TYPE DELETED" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0002, CN_V1_RESOURCE_TYPE_PROPERTY, "RESOURCE_TYPE COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0004, CN_V1_RESOURCE_TYPE_PROPERTY, "RESOURCE_TYPE PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0008, CN_V1_RESOURCE_TYPE_PROPERTY, "RESOURCE_TYPE POSSIBLE_OWNERS" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0010, 0, "RESOURCE_TYPE DLL_UPGRADED" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x0020, 0, "RESOURCE_TYPE SPECIFIC" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x0001, CN_V1_NETINTERFACE_DELETED, "NETINTERFACE DELETED" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x0002, CN_V1_NETINTERFACE_PROPERTY, "NETINTERFACE COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x0004, CN_V1_NETINTERFACE_PROPERTY, "NETINTERFACE PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x0008, CN_V1_NETINTERFACE_STATE, "NETINTERFACE STATE" },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x0001, CN_V1_NETWORK_DELETED, "NETWORK DELETED" },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x0002, CN_V1_NETWORK_PROPERTY, "NETWORK COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x0004, CN_V1_NETWORK_PROPERTY, "NETWORK PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x0008, CN_V1_NETWORK_STATE, "NETWORK STATE" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0001, CN_V1_NETINTERFACE_ADDED, "NODE NETINTERFACE_ADDED" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0002, CN_V1_NODE_DELETED, "NODE DELETED" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0004, CN_V1_NODE_PROPERTY, "NODE COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0008, CN_V1_NODE_PROPERTY, "NODE PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0010, CN_V1_NODE_STATE, "NODE STATE" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0020, 0, "NODE GROUP_GAINED" },
	{ CLUSNOTIFY_OBJ_NODE, 0x0040, 0, "NODE GROUP_LOST" },
	{ CLUSNOTIFY_OBJ_REGISTRY, 0x0001, CN_V1_REGISTRY_ATTRIBUTES, "REGISTRY ATTRIBUTES" },
	{ CLUSNOTIFY_OBJ_REGISTRY, 0x0002, CN_V1_REGISTRY_NAME, "REGISTRY NAME" },
	{ CLUSNOTIFY_OBJ_REGISTRY, 0x0008, CN_V1_REGISTRY_VALUE, "REGISTRY VALUE" },
	{ CLUSNOTIFY_OBJ_QUORUM, 0x0001, CN_V1_QUORUM_STATE, "QUORUM STATE" },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x0001, 0, "SHARED_VOLUME STATE" },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x0002, 0, "SHARED_VOLUME ADDED" },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x0004, 0, "SHARED_VOLUME REMOVED" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0001, 0, "GROUPSET DELETED" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0002, 0, "GROUPSET COMMON_PROPERTY" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0004, 0, "GROUPSET PRIVATE_PROPERTY" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0008, 0, "GROUPSET STATE" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0010, 0, "GROUPSET GROUP_ADDED" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0020, 0, "GROUPSET GROUP_REMOVED" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0040, 0, "GROUPSET DEPENDENCIES" },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x0080, 0, "GROUPSET DEPENDENTS" },
};

/* The kinds only the module makes, and the registry scope modifier. */
static const struct { __u32 type; __u64 v2; } kernel_kinds[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_RECONNECT },
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_STATE },
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_HANDLE_CLOSE },
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_LOST_NOTIFICATIONS },
	{ CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_HANDLE_CLOSE },
	{ CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_HANDLE_CLOSE },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x10 },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x10 },
	{ CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_HANDLE_CLOSE },
	{ CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_SUBTREE },
	{ CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_HANDLE_CLOSE },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x100 },
};

/* Every V2 flag of each type (CLUSTER_CHANGE_*_ALL_V2). */
static __u64 v2_all(__u32 type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_CLUSTER: return CN_V2_CLUSTER_ALL;
	case CLUSNOTIFY_OBJ_GROUP: return CN_V2_GROUP_ALL;
	case CLUSNOTIFY_OBJ_RESOURCE: return CN_V2_RESOURCE_ALL;
	case CLUSNOTIFY_OBJ_RESOURCE_TYPE: return CN_V2_RESOURCE_TYPE_ALL;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE: return CN_V2_NETINTERFACE_ALL;
	case CLUSNOTIFY_OBJ_NETWORK: return CN_V2_NETWORK_ALL;
	case CLUSNOTIFY_OBJ_NODE: return CN_V2_NODE_ALL;
	case CLUSNOTIFY_OBJ_REGISTRY: return CN_V2_REGISTRY_ALL;
	case CLUSNOTIFY_OBJ_QUORUM: return 0x1;
	case CLUSNOTIFY_OBJ_SHARED_VOLUME: return CN_V2_SHARED_VOLUME_ALL;
	case CLUSNOTIFY_OBJ_GROUPSET: return 0x1ff;
	}
	return 0;
}

TEST(v1_from_v2_matches_the_documented_table)
{
	__u64 covered[CLUSNOTIFY_OBJ_MAX + 1] = { 0 };
	__u32 type, want;
	size_t i;
	int bit;

	/* The rows and the module's kinds cover every flag of every type. */
	for (i = 0; i < CN_ARRAY_SIZE(v1_rows); i++)
		covered[v1_rows[i].type] |= v1_rows[i].v2;
	for (i = 0; i < CN_ARRAY_SIZE(kernel_kinds); i++)
		covered[kernel_kinds[i].type] |= kernel_kinds[i].v2;
	for (type = 0; type <= CLUSNOTIFY_OBJ_MAX; type++)
		EXPECT_EQ(v2_all(type), covered[type]);

	/* Every (type, single bit), listed or not, and a few beyond. */
	for (type = 0; type <= CLUSNOTIFY_OBJ_MAX + 2; type++) {
		for (bit = 0; bit < 64; bit++) {
			want = 0;
			for (i = 0; i < CN_ARRAY_SIZE(v1_rows); i++)
				if (v1_rows[i].type == type &&
				    v1_rows[i].v2 == 1ULL << bit)
					want = v1_rows[i].v1;
			if (want != clusnotify_v1_from_v2(type, 1ULL << bit))
				TH_LOG("type %#x bit %d", type, bit);
			EXPECT_EQ(want, clusnotify_v1_from_v2(type, 1ULL << bit));
		}
	}
	/* Not one flag: no V1 bit. */
	EXPECT_EQ(0, clusnotify_v1_from_v2(CLUSNOTIFY_OBJ_GROUP, 0));
	EXPECT_EQ(0, clusnotify_v1_from_v2(CLUSNOTIFY_OBJ_GROUP,
					   CN_V2_GROUP_STATE |
					   CN_V2_GROUP_DELETED));
	EXPECT_EQ(0, clusnotify_v1_from_v2(CLUSNOTIFY_OBJ_GROUP,
					   CN_V2_GROUP_STATE << 32));
}

/*
 * Every row against the module: each postable V2 kind is posted with its
 * V2 flag only, and a V1 filter hears it with the table's bit (or not at
 * all when the row has none), while a V2 filter hears the kind itself.
 */
TEST_F(lp, every_v2_kind_reaches_v1_filters_by_the_table)
{
	struct clusnotify_post_result res;
	char id[64];
	size_t i;
	__u32 type;
	int v1n, v2n, ret;

	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	for (type = 1; type <= CLUSNOTIFY_OBJ_MAX; type++)
		if (v2_all(type))
			ASSERT_EQ(0, cn_add_v2(self->port, self->cid, type,
					       v2_all(type), 100 + type, 2));
	for (i = 0; i < CN_ARRAY_SIZE(v1_rows); i++) {
		struct clusnotify_event ev = {
			.object_type = v1_rows[i].type,
			.v2_flag = v1_rows[i].v2,
			.id = id, .name = v1_rows[i].kind,
		};

		snprintf(id, sizeof(id), "row-%zu", i);
		ret = clusnotify_post(self->p, self->cid, &ev, 1, &res);
		if (ret)
			TH_LOG("%s: %s", v1_rows[i].kind,
			       clusnotify_producer_error(self->p));
		ASSERT_EQ(0, ret);
		v1n = v2n = 0;
		while (NEXT_REC() == 0) {
			EXPECT_STREQ(v1_rows[i].kind, self->r.name);
			if (self->r.hdr.version == CLUSNOTIFY_FILTER_V1) {
				v1n++;
				EXPECT_EQ(v1_rows[i].v1, self->r.hdr.v1_change);
			} else {
				v2n++;
				EXPECT_EQ(100 + v1_rows[i].type, self->r.hdr.key);
				EXPECT_EQ(v1_rows[i].v2, self->r.hdr.v2_flag);
			}
		}
		if (v1n != !!v1_rows[i].v1 || v2n != 1)
			TH_LOG("%s: %d V1, %d V2 records", v1_rows[i].kind,
			       v1n, v2n);
		EXPECT_EQ(!!v1_rows[i].v1, v1n);
		EXPECT_EQ(1, v2n);
		EXPECT_EQ(1 + !!v1_rows[i].v1, res.queued);
	}
}

TEST_F(lp, no_v1_flag_and_explicit_v1)
{
	struct clusnotify_event ev = ev_group_state;

	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	/* NO_V1: V2 filters only, and here there are none. */
	ev.flags = CLUSNOTIFY_EVENT_NO_V1;
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, &ev, 1, NULL));
	EXPECT_EQ(-ETIMEDOUT, NEXT_REC());
	/* A V1 bit given is sent as given, NO_V1 or not. */
	ev.v1_change = CN_V1_GROUP_PROPERTY;
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, &ev, 1, NULL));
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CN_V1_GROUP_PROPERTY, self->r.hdr.v1_change);
	/* V1 only. */
	ev.flags = 0;
	ev.v2_flag = 0;
	ev.v1_change = CN_V1_GROUP_STATE;
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, &ev, 1, NULL));
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CN_V1_GROUP_STATE, self->r.hdr.v1_change);
	EXPECT_EQ(0, self->r.hdr.v2_flag);
	/* Neither: the kernel's -EINVAL. */
	ev.v1_change = 0;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, &ev, 1, NULL));
	EXPECT_EQ(0, cn_drain(self->port));
}

TEST_F(lp, module_made_kinds_are_einval)
{
	static const __u32 v1_kernel[] = {
		CN_V1_CLUSTER_STATE, CN_V1_CLUSTER_RECONNECT,
		CN_V1_HANDLE_CLOSE, CN_V1_REGISTRY_SUBTREE,
	};
	struct clusnotify_post_result res;
	size_t i;

	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_CLUSTER,
			       CN_V2_CLUSTER_ALL, 2, 2));
	for (i = 0; i < CN_ARRAY_SIZE(kernel_kinds); i++) {
		struct clusnotify_event ev = {
			.object_type = kernel_kinds[i].type,
			.v2_flag = kernel_kinds[i].v2, .id = "k",
		};

		EXPECT_EQ(0, clusnotify_v1_from_v2(ev.object_type, ev.v2_flag));
		EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, &ev, 1,
						   &res));
		EXPECT_EQ(0, res.posted);
	}
	for (i = 0; i < CN_ARRAY_SIZE(v1_kernel); i++) {
		struct clusnotify_event ev = {
			.object_type = CLUSNOTIFY_OBJ_CLUSTER,
			.v1_change = v1_kernel[i],
		};

		EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, &ev, 1,
						   NULL));
	}
	EXPECT_EQ(0, cn_drain(self->port));
}

TEST_F(lp, post_errors_are_exact)
{
	struct clusnotify_event ev[3] = { ev_group_state, ev_group_state,
					  ev_group_state };
	struct clusnotify_post_result res;
	char *longname = malloc(CLUSNOTIFY_NAME_MAX + 2);
	unsigned char *pl = calloc(1, CLUSNOTIFY_PAYLOAD_MAX + 1);

	ASSERT_NE(NULL, longname);
	ASSERT_NE(NULL, pl);
	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));

	/* Refused by the library before anything is sent. */
	ev[2].flags = 1U << 5;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, ev, 3, &res));
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "event 2"));
	ev[2].flags = 0;
	ev[1].payload_len = 4;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, ev, 3, &res));
	ev[1].payload = pl;
	ev[1].payload_len = CLUSNOTIFY_PAYLOAD_MAX + 1;
	EXPECT_EQ(-ERANGE, clusnotify_post(self->p, self->cid, ev, 3, &res));
	ev[1].payload = NULL;
	ev[1].payload_len = 0;
	memset(longname, 'n', CLUSNOTIFY_NAME_MAX + 1);
	longname[CLUSNOTIFY_NAME_MAX + 1] = 0;
	ev[1].type_name = longname;
	EXPECT_EQ(-ENAMETOOLONG, clusnotify_post(self->p, self->cid, ev, 3,
						 &res));
	EXPECT_EQ(0, res.posted);
	ev[1].type_name = NULL;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, NULL, 1, &res));
	EXPECT_EQ(-EINVAL, clusnotify_post(NULL, self->cid, ev, 1, &res));
	EXPECT_EQ(0, cn_drain(self->port));

	/* Refused by the kernel, the whole message, named in the text. */
	ev[2].v2_flag = CN_V2_GROUP_STATE | CN_V2_GROUP_DELETED;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, ev, 3, &res));
	TH_LOG("two flags: %s", clusnotify_producer_error(self->p));
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "event 2"));
	EXPECT_EQ(0, res.posted);
	ev[2] = ev_group_state;
	ev[0].object_type = 0x0e;
	EXPECT_EQ(-EINVAL, clusnotify_post(self->p, self->cid, ev, 3, &res));
	TH_LOG("type 0x0e: %s", clusnotify_producer_error(self->p));
	ev[0].object_type = CLUSNOTIFY_OBJ_MAX + 1;
	EXPECT_EQ(-ERANGE, clusnotify_post(self->p, self->cid, ev, 3, &res));
	TH_LOG("type 0x12: %s", clusnotify_producer_error(self->p));
	ev[0] = ev_group_state;
	ev[1].name = "Group \xf8\x88\x80\x80\x80";
	EXPECT_EQ(-EILSEQ, clusnotify_post(self->p, self->cid, ev, 3, &res));
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "event 1"));
	ev[1] = ev_group_state;
	EXPECT_EQ(-ENOENT, clusnotify_post(self->p, self->cid + 100000, ev, 3,
					   &res));
	EXPECT_EQ(0, cn_drain(self->port));

	/* The biggest payload and strings go through. */
	ev[0].payload = pl;
	ev[0].payload_len = CLUSNOTIFY_PAYLOAD_MAX;
	longname[CLUSNOTIFY_NAME_MAX] = 0;
	ev[0].id = ev[0].parent = ev[0].name = ev[0].type_name = longname;
	EXPECT_EQ(0, clusnotify_post(self->p, self->cid, ev, 1, &res));
	EXPECT_EQ(1, res.posted);
	ASSERT_EQ(0, NEXT_REC());
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, self->r.hdr.name_len);
	free(pl);
	free(longname);
}

/* ------------------------------------------------------------------ */
/* Batches split into several messages                                 */
/* ------------------------------------------------------------------ */

TEST_F(lp, batches_longer_than_max_batch_are_split)
{
	struct clusnotify_event ev[10];
	struct clusnotify_object_desc objs[10];
	struct clusnotify_post_result res;
	struct obj_list *l = calloc(1, sizeof(*l));
	char ids[10][24];
	size_t done;
	int i;

	ASSERT_NE(NULL, l);
	for (i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "split-%d", i);
		ev[i] = ev_group_state;
		ev[i].name = ids[i];
		objs[i] = (struct clusnotify_object_desc){
			.type = CLUSNOTIFY_OBJ_NODE, .id = ids[i],
			.name = ids[i],
		};
	}
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_param_set("max_batch", 4));

	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, ev, 10, &res));
	EXPECT_EQ(10, res.posted);
	EXPECT_EQ(10, res.queued);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, NEXT_REC());
		EXPECT_STREQ(ids[i], self->r.name);
	}
	EXPECT_EQ(-ETIMEDOUT, NEXT_REC());

	ASSERT_EQ(0, clusnotify_objects_publish(self->p, self->cid, objs, 10,
						&done));
	EXPECT_EQ(10, done);
	ASSERT_EQ(0, clusnotify_objects_list(self->p, self->cid, obj_list_cb,
					     l));
	EXPECT_EQ(N_STD + 10, l->n);
	ASSERT_EQ(0, clusnotify_objects_remove(self->p, self->cid, objs, 10,
					       &done));
	EXPECT_EQ(10, done);

	/* A smaller limit later is learned again. */
	ASSERT_EQ(0, cn_param_set("max_batch", 3));
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, ev, 10, &res));
	EXPECT_EQ(10, res.posted);
	EXPECT_EQ(10, cn_drain(self->port));
	free(l);
}

/* A split batch is applied message by message: the error's prefix stays. */
TEST_F(lp, a_split_batch_fails_from_the_bad_message_on)
{
	struct clusnotify_event ev[10];
	struct clusnotify_object_desc objs[10];
	struct clusnotify_post_result res;
	char ids[10][24];
	size_t done = 99;
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "part-%d", i);
		ev[i] = ev_group_state;
		ev[i].name = ids[i];
		objs[i] = (struct clusnotify_object_desc){
			.type = CLUSNOTIFY_OBJ_NODE, .id = ids[i],
		};
	}
	ev[6].name = "\xc0\xaf";	/* overlong '/' */
	objs[5].name = "\xc0\xaf";
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_param_set("max_batch", 4));

	/* Messages of 4: [0-3] applied, [4-7] refused whole, [8-9] unsent. */
	EXPECT_EQ(-EILSEQ, clusnotify_post(self->p, self->cid, ev, 10, &res));
	EXPECT_EQ(4, res.posted);
	EXPECT_EQ(4, res.queued);
	TH_LOG("split post: %s", clusnotify_producer_error(self->p));
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p), "event 6"));
	EXPECT_EQ(4, cn_drain(self->port));

	EXPECT_EQ(-EILSEQ, clusnotify_objects_publish(self->p, self->cid, objs,
						      10, &done));
	EXPECT_EQ(4, done);
	EXPECT_NE(NULL, strstr(clusnotify_producer_error(self->p),
			       "object 5"));

	/* Nothing fits when max_batch is 0. */
	ASSERT_EQ(0, cn_param_set("max_batch", 0));
	EXPECT_EQ(-E2BIG, clusnotify_post(self->p, self->cid, ev, 1, &res));
	EXPECT_EQ(0, res.posted);
	EXPECT_EQ(-E2BIG, clusnotify_objects_remove(self->p, self->cid, objs,
						    1, &done));
	EXPECT_EQ(0, done);
}

/*
 * More bytes than the socket's send buffer takes in one message (150
 * payloads of 60000 bytes, 9 MB, against at most 8 MiB of buffer) go out
 * as several messages.
 */
TEST_F(lp, batches_bigger_than_the_send_buffer_are_split)
{
	const int n = 150;
	struct clusnotify_event *ev = calloc(n, sizeof(*ev));
	unsigned char *pl = malloc(CLUSNOTIFY_PAYLOAD_MAX);
	struct clusnotify_post_result res;
	int i;

	ASSERT_NE(NULL, ev);
	ASSERT_NE(NULL, pl);
	for (i = 0; i < CLUSNOTIFY_PAYLOAD_MAX; i++)
		pl[i] = (i * 7) ^ (i >> 8);
	for (i = 0; i < n; i++) {
		ev[i] = ev_group_state;
		ev[i].payload = pl;
		ev[i].payload_len = CLUSNOTIFY_PAYLOAD_MAX;
		ev[i].state = i;
	}
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, ev, n, &res));
	EXPECT_EQ(n, res.posted);
	EXPECT_EQ(n, res.queued);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, NEXT_REC());
		EXPECT_EQ((__u32)i, self->r.hdr.state);
		ASSERT_EQ(CLUSNOTIFY_PAYLOAD_MAX, self->r.hdr.payload_len);
		if (i % 50 == 0)
			EXPECT_EQ(0, memcmp(pl, self->r.payload,
					    CLUSNOTIFY_PAYLOAD_MAX));
	}
	free(pl);
	free(ev);
}

/* ------------------------------------------------------------------ */
/* Listings                                                            */
/* ------------------------------------------------------------------ */

TEST_F(lp, cluster_list_and_a_callback_that_stops)
{
	struct find_cluster *f = calloc(1, sizeof(*f));
	int all = 0;
	char name[64];
	__u32 id;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v2(self->port, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, 2, 2));
	ASSERT_EQ(0, list_cluster(self->p, self->cid, f));
	EXPECT_EQ(1, f->found);
	EXPECT_STREQ(self->name, f->e.name);
	EXPECT_EQ(1, f->e.up);
	EXPECT_EQ(N_STD, f->e.objects);
	EXPECT_EQ(2, f->e.filters);

	/* Two more, so the dump has several entries. */
	cn_unique_name(name, sizeof(name), "LibList");
	ASSERT_EQ(0, clusnotify_cluster_register(self->p, name, NULL, &id));
	ASSERT_EQ(0, clusnotify_clusters_list(self->p, count_cb, &all));
	EXPECT_LE(2, all);

	/* Stopping returns the callback's value and leaves the socket clean. */
	memset(f, 0, sizeof(*f));
	f->stop_after = 1;
	EXPECT_EQ(7, clusnotify_clusters_list(self->p, find_cluster_cb, f));
	EXPECT_EQ(1, f->seen);
	EXPECT_EQ(0, clusnotify_cluster_unregister(self->p, id));
	ASSERT_EQ(0, list_cluster(self->p, self->cid, f));
	EXPECT_EQ(all - 1, f->seen);
	EXPECT_EQ(-EINVAL, clusnotify_clusters_list(self->p, NULL, NULL));
	free(f);
}

struct find_port {
	__u64 id;
	int found;
	struct clusnotify_port_entry e;
};

static int find_port_cb(const struct clusnotify_port_entry *pt, void *arg)
{
	struct find_port *f = arg;

	if (pt->id == f->id) {
		f->found++;
		f->e = *pt;
	}
	return 0;
}

TEST_F(lp, port_list_shows_the_raw_port)
{
	struct clusnotify_event ev[3] = { ev_group_state, ev_group_state,
					  ev_group_state };
	struct clusnotify_port_stats st;
	struct find_port f = { 0 };

	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_add_v1(self->port, self->cid, CN_V1_NODE_STATE, 1, 2));
	ASSERT_EQ(0, clusnotify_post(self->p, self->cid, ev, 3, NULL));
	ASSERT_EQ(0, NEXT_REC());
	ASSERT_EQ(0, cn_port_stats(self->port, &st));
	f.id = st.port_id;
	ASSERT_EQ(0, clusnotify_ports_list(self->p, find_port_cb, &f));
	ASSERT_EQ(1, f.found);
	EXPECT_EQ((__u32)getpid(), f.e.pid);
	EXPECT_EQ(0, f.e.uid);
	EXPECT_EQ(2, f.e.filters);
	EXPECT_EQ(2, f.e.queued);
	EXPECT_EQ(1, f.e.delivered);
	EXPECT_EQ(0, f.e.lost);
	EXPECT_EQ(st.next_seq, f.e.next_seq);
	EXPECT_EQ(-EINVAL, clusnotify_ports_list(self->p, NULL, NULL));
}

TEST_HARNESS_MAIN
