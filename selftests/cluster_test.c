// SPDX-License-Identifier: GPL-2.0
/*
 * CLUSTER_LOOKUP: by name (ASCII case-insensitive), by node name, by id,
 * the default cluster; the access a cluster's owner/mode grant (checked
 * from a child that became uid/gid 65534); name_out and its -EMSGSIZE
 * protocol; and the string rules: -EILSEQ for invalid UTF-8,
 * -ENAMETOOLONG past CLUSNOTIFY_NAME_MAX, -EFAULT for bad pointers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(cl) {
	struct cn_env env;
};

FIXTURE_SETUP(cl)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "Cl"));
}

FIXTURE_TEARDOWN(cl)
{
	cn_env_teardown(&self->env);
}

static void upcase(char *dst, const char *src)
{
	for (; *src; src++, dst++)
		*dst = (*src >= 'a' && *src <= 'z') ? *src - 32 : *src;
	*dst = 0;
}

static void downcase(char *dst, const char *src)
{
	for (; *src; src++, dst++)
		*dst = (*src >= 'A' && *src <= 'Z') ? *src + 32 : *src;
	*dst = 0;
}

TEST_F(cl, lookup_by_name_returns_id_state_access_and_name)
{
	struct clusnotify_cluster_query q;
	char out[128];

	memset(out, 0x7f, sizeof(out));
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, self->env.name, 0, &q,
				       out, sizeof(out)));
	EXPECT_EQ(self->env.cid, q.cluster_id);
	EXPECT_EQ(1, q.up);
	/*
	 * The mode's bits map r -> READ, w -> CHANGE; root is the owner
	 * (uid 0) of a cluster registered with the default 0644.
	 */
	EXPECT_EQ(CLUSNOTIFY_ACCESS_READ | CLUSNOTIFY_ACCESS_CHANGE, q.access);
	EXPECT_EQ(strlen(self->env.name) + 1, q.name_out_size);
	EXPECT_STREQ(self->env.name, out);
}

TEST_F(cl, lookup_by_name_is_ascii_case_insensitive)
{
	struct clusnotify_cluster_query q;
	char name[64], out[64];

	upcase(name, self->env.name);
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, name, 0, &q, out,
				       sizeof(out)));
	EXPECT_EQ(self->env.cid, q.cluster_id);
	/* The name comes back as registered, not as asked. */
	EXPECT_STREQ(self->env.name, out);
	downcase(name, self->env.name);
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, name, 0, &q, NULL, 0));
	EXPECT_EQ(self->env.cid, q.cluster_id);
}

/* Folding is ASCII only: U+00FC and U+00DC are different names. */
TEST_F(cl, non_ascii_letters_do_not_fold)
{
	struct clusnotify_cluster_query q;
	char name[64], other[64];
	__u32 id;

	snprintf(name, sizeof(name), "cl\xc3\xbcster-%d", getpid());
	snprintf(other, sizeof(other), "CL\xc3\x9cSTER-%d", getpid());
	ASSERT_EQ(0, cn_register(&self->env.nl, name, &id));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, other, 0, &q,
					     NULL, 0));
	snprintf(other, sizeof(other), "CL\xc3\xbcSTER-%d", getpid());
	EXPECT_EQ(0, cn_cluster_lookup(self->env.port, other, 0, &q, NULL, 0));
	EXPECT_EQ(id, q.cluster_id);
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
}

TEST_F(cl, lookup_by_node_name)
{
	struct cn_obj_desc node = {
		.type = CLUSNOTIFY_OBJ_NODE, .id = "uniq-node-id",
		.state = CN_NODE_UP, .has_state = true,
	};
	struct clusnotify_cluster_query q;
	char nname[64], upper[64], out[64];

	snprintf(nname, sizeof(nname), "Node-%d", getpid());
	node.name = nname;
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &node, 1));
	upcase(upper, nname);
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, upper,
				       CLUSNOTIFY_LOOKUP_BY_NODE, &q, out,
				       sizeof(out)));
	EXPECT_EQ(self->env.cid, q.cluster_id);
	EXPECT_STREQ(self->env.name, out);
	/* A node name is not a cluster name, nor the other way round. */
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, nname, 0, &q,
					     NULL, 0));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, self->env.name,
					     CLUSNOTIFY_LOOKUP_BY_NODE, &q,
					     NULL, 0));
	/* The node's id is not its name. */
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, "uniq-node-id",
					     CLUSNOTIFY_LOOKUP_BY_NODE, &q,
					     NULL, 0));
}

TEST_F(cl, lookup_by_id)
{
	struct clusnotify_cluster_query q;
	char out[64];

	memset(&q, 0, sizeof(q));
	q.flags = CLUSNOTIFY_LOOKUP_BY_ID;
	q.cluster_id = self->env.cid;
	q.name_out = (uintptr_t)out;
	q.name_out_size = sizeof(out);
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_CLUSTER_LOOKUP,
			      &q));
	EXPECT_EQ(self->env.cid, q.cluster_id);
	EXPECT_EQ(1, q.up);
	EXPECT_STREQ(self->env.name, out);
}

TEST_F(cl, unknown_name_node_and_id_are_enoent)
{
	struct clusnotify_cluster_query q;
	char name[80];

	snprintf(name, sizeof(name), "%s-nope", self->env.name);
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, name, 0, &q, NULL,
					     0));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, name,
					     CLUSNOTIFY_LOOKUP_BY_NODE, &q,
					     NULL, 0));
	/* A prefix of the name is not the name. */
	snprintf(name, sizeof(name), "%.*s", (int)strlen(self->env.name) - 1,
		 self->env.name);
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, name, 0, &q, NULL,
					     0));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup_id(self->env.port,
						self->env.cid + 100000, &q));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup_id(self->env.port, 0, &q));
}

TEST_F(cl, default_cluster_is_the_flagged_one)
{
	struct cn_cluster_opts o = { .mode = 0644,
				     .flags = CLUSNOTIFY_CLUSTER_F_DEFAULT };
	struct clusnotify_cluster_query q;
	char name[64], out[64];
	__u32 id;

	cn_unique_name(name, sizeof(name), "Dflt");
	ASSERT_EQ(0, cn_register_opts(&self->env.nl, name, &o, &id));
	EXPECT_EQ(0, cn_cluster_lookup(self->env.port, NULL, 0, &q, out,
				       sizeof(out)));
	EXPECT_EQ(id, q.cluster_id);
	EXPECT_STREQ(name, out);
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
	/* Without it, some other cluster (ours, at least) is the default. */
	EXPECT_EQ(0, cn_cluster_lookup(self->env.port, NULL, 0, &q, NULL, 0));
	EXPECT_NE(id, q.cluster_id);
}

/* Needs a machine with no other cluster: skipped otherwise. */
TEST(default_cluster_is_the_oldest_else_enoent)
{
	struct cn_cluster_desc *d = calloc(8, sizeof(*d));
	struct clusnotify_cluster_query q;
	char a[64], b[64];
	struct cn_nl nl;
	__u32 ida, idb;
	int n, port;

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_nl_open(&nl));
	ASSERT_EQ(0, cn_cluster_dump(&nl, d, 8, &n));
	free(d);
	if (n)
		SKIP(return, "%d clusters exist already", n);
	port = cn_open_port(0);
	ASSERT_LE(0, port);
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(port, NULL, 0, &q, NULL, 0));

	cn_unique_name(a, sizeof(a), "Old");
	cn_unique_name(b, sizeof(b), "New");
	ASSERT_EQ(0, cn_register(&nl, a, &ida));
	ASSERT_EQ(0, cn_register(&nl, b, &idb));
	EXPECT_EQ(0, cn_cluster_lookup(port, NULL, 0, &q, NULL, 0));
	EXPECT_EQ(ida, q.cluster_id);
	EXPECT_EQ(0, cn_unregister(&nl, ida));
	EXPECT_EQ(0, cn_cluster_lookup(port, NULL, 0, &q, NULL, 0));
	EXPECT_EQ(idb, q.cluster_id);
	EXPECT_EQ(0, cn_unregister(&nl, idb));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(port, NULL, 0, &q, NULL, 0));
	close(port);
	cn_nl_close(&nl);
}

TEST_F(cl, name_out_too_small_is_emsgsize_with_size)
{
	struct clusnotify_cluster_query q;
	size_t need = strlen(self->env.name) + 1;
	char out[128];

	memset(out, 'x', sizeof(out));
	ASSERT_EQ(-EMSGSIZE, cn_cluster_lookup(self->env.port, self->env.name,
					       0, &q, out, 4));
	EXPECT_EQ(need, q.name_out_size);
	/* Room for the name but not its NUL is still too small. */
	ASSERT_EQ(-EMSGSIZE, cn_cluster_lookup(self->env.port, self->env.name,
					       0, &q, out, need - 1));
	EXPECT_EQ(need, q.name_out_size);
	/* Retrying with the size given back works, NUL included. */
	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, self->env.name, 0, &q,
				       out, need));
	EXPECT_EQ(need, q.name_out_size);
	EXPECT_STREQ(self->env.name, out);
	/* Nothing written past what the kernel said it needs. */
	EXPECT_EQ('x', out[need]);
}

TEST_F(cl, no_name_out_just_returns_the_cluster)
{
	struct clusnotify_cluster_query q;

	ASSERT_EQ(0, cn_cluster_lookup(self->env.port, self->env.name, 0, &q,
				       NULL, 0));
	EXPECT_EQ(self->env.cid, q.cluster_id);
}

/* Invalid UTF-8 of every kind the specification names. */
static const char *const bad_utf8[] = {
	"\xc0\xaf",		/* overlong '/' */
	"\xe0\x80\xaf",		/* overlong, 3 bytes */
	"\xed\xa0\x80",		/* surrogate U+D800 */
	"\xf4\x90\x80\x80",	/* U+110000, above U+10FFFF */
	"abc\xe2\x82",		/* truncated sequence */
	"\x80xyz",		/* stray continuation byte */
	"\xff",			/* never valid */
};

TEST_F(cl, invalid_utf8_is_eilseq)
{
	struct clusnotify_cluster_query q;
	size_t i;

	for (i = 0; i < CN_ARRAY_SIZE(bad_utf8); i++) {
		TH_LOG("name #%zu", i);
		EXPECT_EQ(-EILSEQ, cn_cluster_lookup(self->env.port,
						     bad_utf8[i], 0, &q, NULL,
						     0));
		EXPECT_EQ(-EILSEQ, cn_cluster_lookup(self->env.port,
						     bad_utf8[i],
						     CLUSNOTIFY_LOOKUP_BY_NODE,
						     &q, NULL, 0));
	}
}

/*
 * A string never contains a NUL byte; one inside (pointer, length) is an
 * invalid string, reported like invalid UTF-8.
 */
TEST_F(cl, embedded_nul_is_eilseq)
{
	struct clusnotify_cluster_query q;
	char name[64];

	memset(&q, 0, sizeof(q));
	snprintf(name, sizeof(name), "%s", self->env.name);
	q.name = (uintptr_t)name;
	q.name_len = strlen(name) + 1;	/* the NUL is inside */
	ASSERT_EQ(-EILSEQ, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
}

TEST_F(cl, name_length_limit)
{
	struct clusnotify_cluster_query q;
	char *name = malloc(CLUSNOTIFY_NAME_MAX + 2);

	ASSERT_NE(NULL, name);
	memset(name, 'n', CLUSNOTIFY_NAME_MAX + 1);
	name[CLUSNOTIFY_NAME_MAX + 1] = 0;
	EXPECT_EQ(-ENAMETOOLONG, cn_cluster_lookup(self->env.port, name, 0, &q,
						   NULL, 0));
	/* CLUSNOTIFY_NAME_MAX bytes is a valid name: just no such cluster. */
	name[CLUSNOTIFY_NAME_MAX] = 0;
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, name, 0, &q,
					     NULL, 0));
	free(name);
}

TEST_F(cl, longest_name_registers_and_is_found)
{
	struct clusnotify_cluster_query q;
	char *name = malloc(CLUSNOTIFY_NAME_MAX + 1);
	char *out = malloc(CLUSNOTIFY_NAME_MAX + 1);
	int len;
	__u32 id;

	ASSERT_NE(NULL, name);
	ASSERT_NE(NULL, out);
	len = snprintf(name, 32, "Long-%d-", getpid());
	memset(name + len, 'L', CLUSNOTIFY_NAME_MAX - len);
	name[CLUSNOTIFY_NAME_MAX] = 0;
	ASSERT_EQ(0, cn_register(&self->env.nl, name, &id));
	EXPECT_EQ(0, cn_cluster_lookup(self->env.port, name, 0, &q, out,
				       CLUSNOTIFY_NAME_MAX + 1));
	EXPECT_EQ(id, q.cluster_id);
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX + 1, q.name_out_size);
	EXPECT_EQ(0, strcmp(name, out));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
	free(name);
	free(out);
}

TEST_F(cl, bad_pointers_are_efault)
{
	struct clusnotify_cluster_query q;
	void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 4096);
	memset(&q, 0, sizeof(q));
	q.name = (uintptr_t)gone;
	q.name_len = 8;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
	/* A found cluster whose name cannot be written back. */
	memset(&q, 0, sizeof(q));
	q.name = (uintptr_t)self->env.name;
	q.name_len = strlen(self->env.name);
	q.name_out = (uintptr_t)gone;
	q.name_out_size = 64;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_CLUSTER_LOOKUP, &q));
}

/* ------------------------------------------------------------------ */
/* Access, as seen by uid/gid 65534                                    */
/* ------------------------------------------------------------------ */

struct as_nobody {
	__u32 cid;
	char name[64];
	int lookup_name;	/* 0 or -errno */
	int lookup_id;
	int add_filter;
	int object_lookup;
	__u32 access;
};

static int nobody_probe(void *arg)
{
	struct as_nobody *r = arg;
	struct clusnotify_cluster_query q;
	unsigned char buf[1024];
	__u32 size = sizeof(buf);
	int port;

	if (cn_become(CN_NOBODY, CN_NOBODY))
		return 1;
	port = cn_open_port(0);
	if (port < 0)
		return 2;
	r->lookup_name = cn_cluster_lookup(port, r->name, 0, &q, NULL, 0);
	r->access = q.access;
	r->lookup_id = cn_cluster_lookup_id(port, r->cid, &q);
	r->add_filter = cn_add_v2(port, r->cid, CLUSNOTIFY_OBJ_GROUP,
				  CN_V2_GROUP_STATE, 1, 1);
	r->object_lookup = cn_object_lookup(port, r->cid, CLUSNOTIFY_OBJ_GROUP,
					    "G", 0, buf, &size, NULL);
	close(port);
	return 0;
}

/* Register a cluster with owner/mode and probe it as nobody. */
static int probe_mode(struct cn_env *e, __u32 uid, __u32 gid, __u32 mode,
		      struct as_nobody *r)
{
	struct cn_cluster_opts o = { .uid = uid, .gid = gid, .mode = mode };
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP, .id = "g",
				 .name = "G" };
	__u32 id;
	int ret;

	memset(r, 0, sizeof(*r));
	cn_unique_name(r->name, sizeof(r->name), "Mode");
	ret = cn_register_opts(&e->nl, r->name, &o, &id);
	if (ret)
		return ret;
	ret = cn_publish(&e->nl, id, &g, 1);
	r->cid = id;
	if (!ret)
		ret = cn_run_child(nobody_probe, r);
	cn_unregister(&e->nl, id);
	return ret;
}

TEST_F(cl, mode_granting_nothing_is_eacces)
{
	struct as_nobody *r = cn_shared_alloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, probe_mode(&self->env, 0, 0, 0600, r));
	EXPECT_EQ(-EACCES, r->lookup_name);
	EXPECT_EQ(-EACCES, r->lookup_id);
	EXPECT_EQ(-EACCES, r->add_filter);
	EXPECT_EQ(-EACCES, r->object_lookup);
	/* Same with group bits that do not match nobody's group. */
	ASSERT_EQ(0, probe_mode(&self->env, 0, 0, 0660, r));
	EXPECT_EQ(-EACCES, r->lookup_name);
	munmap(r, sizeof(*r));
}

TEST_F(cl, other_bits_grant_read)
{
	struct as_nobody *r = cn_shared_alloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, probe_mode(&self->env, 0, 0, 0644, r));
	EXPECT_EQ(0, r->lookup_name);
	EXPECT_EQ(CLUSNOTIFY_ACCESS_READ, r->access);
	EXPECT_EQ(0, r->lookup_id);
	EXPECT_EQ(0, r->add_filter);
	EXPECT_EQ(0, r->object_lookup);
	ASSERT_EQ(0, probe_mode(&self->env, 0, 0, 0646, r));
	EXPECT_EQ(0, r->lookup_name);
	EXPECT_EQ(CLUSNOTIFY_ACCESS_READ | CLUSNOTIFY_ACCESS_CHANGE,
		  r->access);
	munmap(r, sizeof(*r));
}

TEST_F(cl, group_and_owner_bits_apply)
{
	struct as_nobody *r = cn_shared_alloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	/* nobody's group (65534) gets the group bits. */
	ASSERT_EQ(0, probe_mode(&self->env, 0, CN_NOBODY, 0640, r));
	EXPECT_EQ(0, r->lookup_name);
	EXPECT_EQ(CLUSNOTIFY_ACCESS_READ, r->access);
	EXPECT_EQ(0, r->add_filter);
	/* nobody as owner gets the owner bits, even if others get nothing. */
	ASSERT_EQ(0, probe_mode(&self->env, CN_NOBODY, 0, 0600, r));
	EXPECT_EQ(0, r->lookup_name);
	EXPECT_EQ(CLUSNOTIFY_ACCESS_READ | CLUSNOTIFY_ACCESS_CHANGE,
		  r->access);
	munmap(r, sizeof(*r));
}

TEST_HARNESS_MAIN
