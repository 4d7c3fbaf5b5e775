// SPDX-License-Identifier: GPL-2.0
/*
 * The size-versioned ioctl structs: for every ioctl that takes a struct,
 * the size in the command below *_SIZE_VER0 is -EINVAL, a bigger struct
 * with a zero tail is accepted, a non-zero tail is -E2BIG (for structs the
 * kernel reads; an output-only struct gets its unknown tail zeroed), more
 * than a page is -E2BIG, and a bad pointer is -EFAULT; none of these
 * failures changes anything. Then the reserved fields and unknown flag bits
 * of each struct, which must be zero (-EINVAL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define PAGE 4096
#define KEEP_TOKEN 0x77

struct sized_ctx {
	struct cn_env env;
	int port;
	unsigned char *rbuf;		/* records */
	unsigned char obuf[4096];	/* object lookups */
};

/* Each fill() writes a valid struct of its ioctl at buf (zeroed). */
static void fill_info(struct sized_ctx *c, void *buf)
{
}

static void fill_cluster(struct sized_ctx *c, void *buf)
{
	struct clusnotify_cluster_query *q = buf;

	q->flags = CLUSNOTIFY_LOOKUP_BY_ID;
	q->cluster_id = c->env.cid;
}

static void fill_object(struct sized_ctx *c, void *buf)
{
	struct clusnotify_object_query *q = buf;

	q->cluster_id = c->env.cid;
	q->type = CLUSNOTIFY_OBJ_GROUP;
	q->key = (uintptr_t)CN_GROUP1;
	q->key_len = strlen(CN_GROUP1);
	q->buf = (uintptr_t)c->obuf;
	q->buf_size = sizeof(c->obuf);
}

static void fill_filter(struct sized_ctx *c, void *buf)
{
	struct clusnotify_filter *f = buf;

	f->cluster_id = c->env.cid;
	f->version = CLUSNOTIFY_FILTER_V2;
	f->object_type = CLUSNOTIFY_OBJ_NODE;
	f->mask = CN_V2_NODE_ALL;
	f->key = 1;
	f->token = 2;
}

static void fill_remove(struct sized_ctx *c, void *buf)
{
	struct clusnotify_remove *r = buf;

	r->token = KEEP_TOKEN;
}

static void fill_get(struct sized_ctx *c, void *buf)
{
	struct clusnotify_get *g = buf;

	g->buf = (uintptr_t)c->rbuf;
	g->buf_size = CN_REC_BUF;
	g->timeout_ms = 0;
}

static void fill_stats(struct sized_ctx *c, void *buf)
{
}

static void fill_ring(struct sized_ctx *c, void *buf)
{
	struct clusnotify_ring_setup *rs = buf;

	rs->size = CLUSNOTIFY_RING_MIN;
}

FIXTURE(sized) {
	struct sized_ctx c;
	unsigned char *big;
	void *unmapped;
};

FIXTURE_VARIANT(sized) {
	unsigned long cmd;
	size_t ver0;
	size_t known;		/* the size the kernel knows, if not ver0 */
	bool in;		/* the kernel reads the struct */
	bool env;		/* needs a cluster, a filter and a record */
	long ok;		/* what a valid call returns */
	void (*fill)(struct sized_ctx *c, void *buf);
};

FIXTURE_VARIANT_ADD(sized, get_info) {
	.cmd = CLUSNOTIFY_IOC_GET_INFO,
	.ver0 = CLUSNOTIFY_INFO_SIZE_VER0,
	.known = CLUSNOTIFY_INFO_SIZE_VER1,
	.fill = fill_info,
};

FIXTURE_VARIANT_ADD(sized, cluster_lookup) {
	.cmd = CLUSNOTIFY_IOC_CLUSTER_LOOKUP,
	.ver0 = CLUSNOTIFY_CLUSTER_QUERY_SIZE_VER0,
	.in = true,
	.env = true,
	.fill = fill_cluster,
};

FIXTURE_VARIANT_ADD(sized, object_lookup) {
	.cmd = CLUSNOTIFY_IOC_OBJECT_LOOKUP,
	.ver0 = CLUSNOTIFY_OBJECT_QUERY_SIZE_VER0,
	.in = true,
	.env = true,
	.fill = fill_object,
};

FIXTURE_VARIANT_ADD(sized, add_filter) {
	.cmd = CLUSNOTIFY_IOC_ADD_FILTER,
	.ver0 = CLUSNOTIFY_FILTER_SIZE_VER0,
	.in = true,
	.env = true,
	.fill = fill_filter,
};

FIXTURE_VARIANT_ADD(sized, remove_filters) {
	.cmd = CLUSNOTIFY_IOC_REMOVE_FILTERS,
	.ver0 = CLUSNOTIFY_REMOVE_SIZE_VER0,
	.in = true,
	.env = true,
	.ok = 1,		/* one filter carries KEEP_TOKEN */
	.fill = fill_remove,
};

FIXTURE_VARIANT_ADD(sized, get) {
	.cmd = CLUSNOTIFY_IOC_GET,
	.ver0 = CLUSNOTIFY_GET_SIZE_VER0,
	.in = true,
	.env = true,
	.fill = fill_get,
};

FIXTURE_VARIANT_ADD(sized, port_stats) {
	.cmd = CLUSNOTIFY_IOC_PORT_STATS,
	.ver0 = CLUSNOTIFY_PORT_STATS_SIZE_VER0,
	.fill = fill_stats,
};

/* In and out; a port takes one ring, so only the valid call sets it up. */
FIXTURE_VARIANT_ADD(sized, ring_setup) {
	.cmd = CLUSNOTIFY_IOC_RING_SETUP,
	.ver0 = CLUSNOTIFY_RING_SETUP_SIZE_VER0,
	.in = true,
	.fill = fill_ring,
};

FIXTURE_SETUP(sized)
{
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.v1 = CN_V1_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
		.state = CN_GROUP_FAILED, .has_state = true,
	};

	self->c.port = -1;
	self->big = calloc(1, 4 * PAGE);
	ASSERT_NE(NULL, self->big);
	self->c.rbuf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->c.rbuf);
	self->unmapped = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->unmapped);
	munmap(self->unmapped, PAGE);

	if (!variant->env) {
		self->c.port = cn_open_port(0);
		ASSERT_LE(0, self->c.port);
		return;
	}
	ASSERT_EQ(0, cn_env_setup(&self->c.env, "sized"));
	self->c.port = self->c.env.port;
	/* A filter to remove and a record to GET. */
	ASSERT_EQ(0, cn_add_v2(self->c.port, self->c.env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 5,
			       KEEP_TOKEN));
	ASSERT_EQ(0, cn_post1(&self->c.env.nl, self->c.env.cid, &ev));
}

FIXTURE_TEARDOWN(sized)
{
	if (variant->env)
		cn_env_teardown(&self->c.env);
	else if (self->c.port >= 0)
		close(self->c.port);
	free(self->big);
	free(self->c.rbuf);
}

/* Call the variant's ioctl with size in the command, a valid struct at big. */
static long call(FIXTURE_DATA(sized) *self, const FIXTURE_VARIANT(sized) *v,
		 size_t size)
{
	memset(self->big, 0, 4 * PAGE);
	v->fill(&self->c, self->big);
	return cn_ioctl(self->c.port, cn_ioc_resize(v->cmd, size), self->big);
}

TEST_F(sized, exact_ver0_size_works)
{
	ASSERT_EQ(variant->ok, call(self, variant, variant->ver0));
}

TEST_F(sized, size_below_ver0_is_einval)
{
	ASSERT_EQ(-EINVAL, call(self, variant, variant->ver0 - 8));
	ASSERT_EQ(-EINVAL, call(self, variant, 4));
	ASSERT_EQ(-EINVAL, call(self, variant, 0));
	/* Nothing happened: the valid call still does what it should. */
	ASSERT_EQ(variant->ok, call(self, variant, variant->ver0));
}

TEST_F(sized, bigger_struct_with_zero_tail_is_accepted)
{
	ASSERT_EQ(variant->ok, call(self, variant, variant->ver0 + 64));
}

TEST_F(sized, nonzero_tail_is_e2big_or_zeroed_for_output)
{
	size_t size = variant->ver0 + 64;
	size_t i;

	memset(self->big, 0, 4 * PAGE);
	variant->fill(&self->c, self->big);
	memset(self->big + variant->ver0, 0xa5, 64);
	if (variant->in) {
		/* A field this kernel does not know is set: refuse. */
		ASSERT_EQ(-E2BIG, cn_ioctl(self->c.port,
					   cn_ioc_resize(variant->cmd, size),
					   self->big));
		/* Only the very last byte set is refused too. */
		memset(self->big, 0, 4 * PAGE);
		variant->fill(&self->c, self->big);
		self->big[size - 1] = 1;
		ASSERT_EQ(-E2BIG, cn_ioctl(self->c.port,
					   cn_ioc_resize(variant->cmd, size),
					   self->big));
		/* ... and changed nothing. */
		ASSERT_EQ(variant->ok, call(self, variant, variant->ver0));
		return;
	}
	/*
	 * Output only: the kernel never reads the tail, and zeroes what it
	 * does not know (as copy_struct_to_user() does), so a newer program
	 * can tell "not provided" from garbage.
	 */
	ASSERT_EQ(variant->ok, cn_ioctl(self->c.port,
					cn_ioc_resize(variant->cmd, size),
					self->big));
	for (i = variant->known ? variant->known : variant->ver0; i < size;
	     i++)
		ASSERT_EQ(0, self->big[i]);
}

TEST_F(sized, more_than_a_page_is_e2big)
{
	ASSERT_EQ(-E2BIG, call(self, variant, PAGE + 8));
	ASSERT_EQ(-E2BIG, call(self, variant, 3 * PAGE));
	/* A page exactly is still fine. */
	ASSERT_EQ(variant->ok, call(self, variant, PAGE));
}

TEST_F(sized, bad_pointer_is_efault)
{
	ASSERT_EQ(-EFAULT, cn_ioctl(self->c.port, variant->cmd, NULL));
	ASSERT_EQ(-EFAULT, cn_ioctl(self->c.port, variant->cmd,
				    self->unmapped));
	/* Nothing was consumed or changed by the faulting calls. */
	ASSERT_EQ(variant->ok, call(self, variant, variant->ver0));
}

/* ------------------------------------------------------------------ */
/* Reserved fields and unknown flags                                   */
/* ------------------------------------------------------------------ */

FIXTURE(fields) {
	struct cn_env env;
	unsigned char *rbuf;
};

FIXTURE_SETUP(fields)
{
	self->rbuf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->rbuf);
	ASSERT_EQ(0, cn_env_setup(&self->env, "fields"));
}

FIXTURE_TEARDOWN(fields)
{
	cn_env_teardown(&self->env);
	free(self->rbuf);
}

static int nfilters(int port)
{
	struct clusnotify_port_stats st;

	if (cn_port_stats(port, &st))
		return -1;
	return st.filters;
}

TEST_F(fields, filter_flags_must_be_zero)
{
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
	};

	f.flags = 1;
	ASSERT_EQ(-EINVAL, cn_add_filter(self->env.port, &f));
	f.flags = 0x80000000U;
	ASSERT_EQ(-EINVAL, cn_add_filter(self->env.port, &f));
	ASSERT_EQ(0, nfilters(self->env.port));
	f.flags = 0;
	ASSERT_EQ(0, cn_add_filter(self->env.port, &f));
	ASSERT_EQ(1, nfilters(self->env.port));
}

/*
 * object_type_v1 only means something for a V1 filter with an object; a
 * V2 filter must leave it zero like any unused field.
 */
TEST_F(fields, v2_filter_with_object_type_v1_is_einval)
{
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
		.object_type_v1 = CLUSNOTIFY_OBJ_GROUP,
	};

	ASSERT_EQ(-EINVAL, cn_add_filter(self->env.port, &f));
	ASSERT_EQ(0, nfilters(self->env.port));
}

TEST_F(fields, remove_reserved_and_unknown_flags_are_einval)
{
	struct clusnotify_remove r = { .token = 9 };

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 9));
	r.__reserved = 1;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_REMOVE_FILTERS, &r));
	r.__reserved = 0;
	r.flags = 1U << 1;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_REMOVE_FILTERS, &r));
	r.flags = 1U << 31;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_REMOVE_FILTERS, &r));
	ASSERT_EQ(1, nfilters(self->env.port));
	r.flags = 0;
	ASSERT_EQ(1, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_REMOVE_FILTERS,
			      &r));
}

TEST_F(fields, get_flags_and_reserved_are_einval)
{
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_NODE, .v2 = CN_V2_NODE_STATE,
		.id = CN_NODE1_ID, .state = CN_NODE_DOWN, .has_state = true,
	};
	struct clusnotify_get g = {
		.buf = (uintptr_t)self->rbuf,
		.buf_size = CN_REC_BUF,
	};
	struct clusnotify_port_stats st;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_ALL, 1, 1));
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	g.flags = CLUSNOTIFY_GET_F_LIMITS << 1;	/* no such flag */
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	g.flags = 0;
	g.__reserved = 1;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	/* The record is still there. */
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	ASSERT_EQ(1, st.queued);
	g.__reserved = 0;
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
}

TEST_F(fields, object_query_reserved_and_unknown_flags_are_einval)
{
	unsigned char buf[1024];
	struct clusnotify_object_query q = {
		.cluster_id = self->env.cid,
		.type = CLUSNOTIFY_OBJ_GROUP,
		.key = (uintptr_t)CN_GROUP1,
		.key_len = strlen(CN_GROUP1),
		.buf = (uintptr_t)buf,
		.buf_size = sizeof(buf),
	};

	q.__reserved = 1;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q));
	q.__reserved = 0;
	/* BY_NODE is a cluster lookup flag, meaningless for objects. */
	q.flags = CLUSNOTIFY_LOOKUP_BY_NODE;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q));
	q.flags = 1U << 7;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q));
	q.flags = 0;
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_OBJECT_LOOKUP,
			      &q));
}

TEST_F(fields, cluster_query_unknown_flags_are_einval)
{
	struct clusnotify_cluster_query q = {
		.name = (uintptr_t)self->env.name,
		.name_len = strlen(self->env.name),
	};

	q.flags = 1U << 2;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
	q.flags = 1U << 31;
	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
	q.flags = 0;
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_CLUSTER_LOOKUP,
			      &q));
	ASSERT_EQ(self->env.cid, q.cluster_id);
}

/* By node and by id at once contradict each other. */
TEST_F(fields, cluster_query_by_node_and_by_id_is_einval)
{
	struct clusnotify_cluster_query q = {
		.name = (uintptr_t)CN_NODE1,
		.name_len = strlen(CN_NODE1),
		.cluster_id = self->env.cid,
		.flags = CLUSNOTIFY_LOOKUP_BY_NODE | CLUSNOTIFY_LOOKUP_BY_ID,
	};

	ASSERT_EQ(-EINVAL, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
}

/*
 * RING_SETUP works once per port: after calls refused for their size, the
 * valid call is the first to set a ring up, and a second is -EBUSY. The
 * struct is in and out: the answer comes back in a bigger struct, whose
 * tail the kernel zeroes.
 */
TEST(ring_setup_sizes_change_nothing)
{
	unsigned char buf[CLUSNOTIFY_RING_SETUP_SIZE_VER0 + 64];
	struct clusnotify_ring_setup *rs = (void *)buf;
	unsigned long cmd = CLUSNOTIFY_IOC_RING_SETUP;
	int port = cn_open_port(0);
	unsigned int i;

	ASSERT_LE(0, port);
	memset(buf, 0, sizeof(buf));
	rs->size = CLUSNOTIFY_RING_MIN;
	EXPECT_EQ(-EINVAL, cn_ioctl(port, cn_ioc_resize(cmd, 8), buf));
	EXPECT_EQ(-E2BIG, cn_ioctl(port, cn_ioc_resize(cmd, PAGE + 8), buf));
	buf[sizeof(buf) - 1] = 1;
	EXPECT_EQ(-E2BIG, cn_ioctl(port, cn_ioc_resize(cmd, sizeof(buf)),
				   buf));
	buf[sizeof(buf) - 1] = 0;
	EXPECT_EQ(-EFAULT, cn_ioctl(port, cmd, NULL));
	ASSERT_EQ(0, cn_ioctl(port, cn_ioc_resize(cmd, sizeof(buf)), buf));
	EXPECT_EQ(CLUSNOTIFY_RING_MIN, rs->size);
	EXPECT_EQ(sysconf(_SC_PAGESIZE) + 2 * CLUSNOTIFY_RING_MIN,
		  rs->mmap_size);
	for (i = CLUSNOTIFY_RING_SETUP_SIZE_VER0; i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
	EXPECT_EQ(-EBUSY, cn_ioctl(port, cmd, buf));
	close(port);
}

TEST_F(fields, ring_setup_flags_must_be_zero)
{
	struct clusnotify_ring_setup rs = { .size = CLUSNOTIFY_RING_MIN };
	int port = cn_open_port(0);

	ASSERT_LE(0, port);
	rs.flags = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(port, CLUSNOTIFY_IOC_RING_SETUP, &rs));
	rs.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, cn_ioctl(port, CLUSNOTIFY_IOC_RING_SETUP, &rs));
	/* mmap_size is output only: what the caller puts there is ignored. */
	rs.flags = 0;
	rs.mmap_size = 0xdeadbeef;
	EXPECT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_RING_SETUP, &rs));
	EXPECT_EQ(CLUSNOTIFY_RING_MIN, rs.size);
	EXPECT_EQ(sysconf(_SC_PAGESIZE) + 2 * CLUSNOTIFY_RING_MIN,
		  rs.mmap_size);
	close(port);
}

/*
 * GET_INFO is versioned by size: a VER0 caller gets 48 bytes and nothing
 * past them; a VER1 caller gets max_ring and ring_default as well.
 */
TEST(get_info_ver0_and_ver1)
{
	unsigned char buf[CLUSNOTIFY_INFO_SIZE_VER1 + 16];
	struct clusnotify_info *info = (void *)buf;
	unsigned int i;
	int port = cn_open_port(0);

	ASSERT_LE(0, port);
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, cn_ioctl(port, cn_ioc_resize(CLUSNOTIFY_IOC_GET_INFO,
						  CLUSNOTIFY_INFO_SIZE_VER0),
			      buf));
	EXPECT_EQ(CLUSNOTIFY_API_VERSION, info->api_version);
	for (i = CLUSNOTIFY_INFO_SIZE_VER0; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, cn_ioctl(port, cn_ioc_resize(CLUSNOTIFY_IOC_GET_INFO,
						  CLUSNOTIFY_INFO_SIZE_VER1),
			      buf));
	EXPECT_LE(CLUSNOTIFY_RING_MIN, info->max_ring);
	EXPECT_LE(CLUSNOTIFY_RING_MIN, info->ring_default);
	EXPECT_LE(info->ring_default, info->max_ring);
	for (i = CLUSNOTIFY_INFO_SIZE_VER1; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
	/* The command as the header spells it is the VER1 struct. */
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_GET_INFO, buf));
	EXPECT_NE(0xa5a5a5a5, info->ring_default);
	close(port);
}

/* An ioctl of our magic with a number the module does not have. */
TEST(get_info_advertises_every_feature)
{
	struct clusnotify_info info;
	int port = cn_open_port(0);
	__u64 all = CLUSNOTIFY_FEAT_V1 | CLUSNOTIFY_FEAT_V2 |
		    CLUSNOTIFY_FEAT_REGISTRY | CLUSNOTIFY_FEAT_BATCH_READ |
		    CLUSNOTIFY_FEAT_LOST_COUNT | CLUSNOTIFY_FEAT_RING;

	ASSERT_LE(0, port);
	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_GET_INFO, &info));
	EXPECT_EQ(CLUSNOTIFY_API_VERSION, info.api_version);
	EXPECT_EQ(0, info.__reserved);
	EXPECT_EQ(all, info.features);
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, info.max_name);
	EXPECT_EQ(CLUSNOTIFY_PAYLOAD_MAX, info.max_payload);
	close(port);
}

TEST(unknown_command_numbers_are_enotty)
{
	struct clusnotify_get g = { 0 };
	int port = cn_open_port(0);

	ASSERT_LE(0, port);
	EXPECT_EQ(-ENOTTY, cn_ioctl(port, _IOWR(CLUSNOTIFY_IOC_MAGIC, 0x0a,
						struct clusnotify_get), &g));
	EXPECT_EQ(-ENOTTY, cn_ioctl(port, _IOWR(CLUSNOTIFY_IOC_MAGIC, 0xff,
						struct clusnotify_get), &g));
	close(port);
}

TEST_HARNESS_MAIN
