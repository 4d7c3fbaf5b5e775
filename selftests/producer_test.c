// SPDX-License-Identifier: GPL-2.0
/*
 * The producer plane, generic netlink family "clusnotify": every command
 * and its errors. Registration (reply, defaults, EEXIST across sessions,
 * EALREADY on the same socket), CAP_SYS_ADMIN (EPERM), sessions (EACCES
 * from another socket, ENOTCONN when down, ENOENT unknown), strict
 * attribute policies, event validation (one bit per flag, bits inside the
 * type, EILSEQ) with the batch validated whole, the POSTED/QUEUED/LOST
 * reply, max_batch, and the CLUSTER_GET, PORT_GET and OBJECT_GET dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(prod) {
	struct cn_env env;
	unsigned char *buf;
	struct cn_rec r;
	unsigned int saved_max_batch;
};

FIXTURE_SETUP(prod)
{
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_param_get("max_batch", &self->saved_max_batch));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Prod"));
}

FIXTURE_TEARDOWN(prod)
{
	cn_param_set("max_batch", self->saved_max_batch);
	cn_env_teardown(&self->env);
	free(self->buf);
}

static const struct cn_event ev_group1 = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
	.state = CN_GROUP_OFFLINE, .has_state = true,
};

TEST_F(prod, register_replies_with_an_id_that_get_reports)
{
	struct cn_cluster_opts o = { .uid = 1234, .gid = 5678, .mode = 0640,
				     .flags = CLUSNOTIFY_CLUSTER_F_DEFAULT };
	struct cn_cluster_desc *d = calloc(1, sizeof(*d));
	char name[64];
	__u32 id;

	ASSERT_NE(NULL, d);
	cn_unique_name(name, sizeof(name), "Reg");
	ASSERT_EQ(0, cn_register_opts(&self->env.nl, name, &o, &id));
	EXPECT_NE(self->env.cid, id);
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, id, d));
	EXPECT_EQ(id, d->id);
	EXPECT_STREQ(name, d->name);
	EXPECT_EQ(1234, d->uid);
	EXPECT_EQ(5678, d->gid);
	EXPECT_EQ(0640, d->mode);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_F_DEFAULT, d->flags);
	EXPECT_EQ(1, d->up);
	EXPECT_EQ(0, d->objects);
	EXPECT_EQ(0, d->filters);
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
	free(d);
}

/*
 * CLUSTER_GET's reply is sized for its cluster: the longest name and every
 * attribute fit.
 */
TEST_F(prod, get_replies_with_the_longest_name)
{
	struct cn_cluster_desc *d = calloc(1, sizeof(*d));
	char *name = malloc(CLUSNOTIFY_NAME_MAX + 1);
	__u32 id;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, name);
	cn_unique_name(name, CLUSNOTIFY_NAME_MAX + 1, "Long");
	memset(name + strlen(name), 'l', CLUSNOTIFY_NAME_MAX - strlen(name));
	name[CLUSNOTIFY_NAME_MAX] = 0;
	ASSERT_EQ(0, cn_register(&self->env.nl, name, &id));
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, id, d));
	EXPECT_EQ(id, d->id);
	EXPECT_STREQ(name, d->name);
	EXPECT_EQ(1, d->up);
	EXPECT_EQ(0x1ff, d->attrs >> CLUSNOTIFY_A_CLUSTER_ID & 0x1ff);
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
	free(name);
	free(d);
}

TEST_F(prod, register_defaults_and_filter_count)
{
	struct cn_cluster_desc *d = calloc(1, sizeof(*d));
	int p2;

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, self->env.cid, d));
	EXPECT_EQ(0, d->uid);
	EXPECT_EQ(0, d->gid);
	EXPECT_EQ(0644, d->mode);
	EXPECT_EQ(0, d->flags);
	EXPECT_EQ(cn_std_nobjects, d->objects);
	/* Filters on the cluster, over every port. */
	p2 = cn_open_port(0);
	ASSERT_LE(0, p2);
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_ALL, 1, 2));
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, self->env.cid, d));
	EXPECT_EQ(3, d->filters);
	close(p2);
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, self->env.cid, d));
	EXPECT_EQ(1, d->filters);
	free(d);
}

TEST_F(prod, register_taken_name_is_eexist_or_ealready)
{
	struct cn_nl nl2;
	char upper[64];
	__u32 id;
	size_t i;

	/* This socket holds it already. */
	EXPECT_EQ(-EALREADY, cn_register(&self->env.nl, self->env.name, &id));
	/* Another session, and names compare case-insensitively. */
	ASSERT_EQ(0, cn_nl_open(&nl2));
	for (i = 0; self->env.name[i]; i++)
		upper[i] = (self->env.name[i] >= 'a' &&
			    self->env.name[i] <= 'z') ?
			   self->env.name[i] - 32 : self->env.name[i];
	upper[i] = 0;
	EXPECT_EQ(-EEXIST, cn_register(&nl2, self->env.name, &id));
	EXPECT_EQ(-EEXIST, cn_register(&nl2, upper, &id));
	cn_nl_close(&nl2);
}

TEST_F(prod, register_rejects_bad_attributes)
{
	struct cn_cluster_opts o = { .mode = 01000 };
	struct cn_msg m;
	char name[64];
	__u32 id;

	cn_unique_name(name, sizeof(name), "Bad");
	/* CLUSTER_NAME is required. */
	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		    NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_MODE, 0644);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	cn_msg_free(&m);
	/* The netlink policy's own errnos: a range, a mask. */
	EXPECT_EQ(-ERANGE, cn_register_opts(&self->env.nl, name, &o, &id));
	o.mode = 0644;
	o.flags = 1U << 1;
	EXPECT_EQ(-EINVAL, cn_register_opts(&self->env.nl, name, &o, &id));
	/* Names: UTF-8, and not empty (name_len 0 is the default cluster). */
	EXPECT_EQ(-EILSEQ, cn_register(&self->env.nl, "bad\xc0\x80", &id));
	EXPECT_EQ(-EINVAL, cn_register(&self->env.nl, "", &id));
	/* Nothing was registered by any of these. */
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(self->env.port, name, 0,
					     &(struct clusnotify_cluster_query){},
					     NULL, 0));
}

TEST_F(prod, unknown_and_output_only_attributes_are_einval)
{
	struct cn_msg m;
	char name[64];

	cn_unique_name(name, sizeof(name), "Attr");
	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		    NLM_F_ACK);
	cn_msg_put_str(&m, CLUSNOTIFY_A_CLUSTER_NAME, name);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_MAX + 1, 0);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	TH_LOG("extack: %s", self->env.nl.ext_msg);
	cn_msg_free(&m);

	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		    NLM_F_ACK);
	cn_msg_put_str(&m, CLUSNOTIFY_A_CLUSTER_NAME, name);
	cn_msg_put_u8(&m, CLUSNOTIFY_A_CLUSTER_UP, 1);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	cn_msg_free(&m);

	/* STATE_SEQ is the kernel's to report, not the producer's to set. */
	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_OBJECT_PUBLISH,
		    NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, self->env.cid);
	cn_msg_nest_start(&m, CLUSNOTIFY_A_OBJECT);
	cn_msg_put_u32(&m, CLUSNOTIFY_OBJ_A_TYPE, CLUSNOTIFY_OBJ_GROUP);
	cn_msg_put_str(&m, CLUSNOTIFY_OBJ_A_ID, "g-seq");
	cn_msg_put_u64(&m, CLUSNOTIFY_OBJ_A_STATE_SEQ, 5);
	cn_msg_nest_end(&m);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	cn_msg_free(&m);

	/* An unknown attribute inside an event. */
	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_EVENT_POST, NLM_F_ACK);
	cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, self->env.cid);
	cn_msg_nest_start(&m, CLUSNOTIFY_A_EVENT);
	cn_msg_put_u32(&m, CLUSNOTIFY_EV_A_OBJECT_TYPE, CLUSNOTIFY_OBJ_GROUP);
	cn_msg_put_u64(&m, CLUSNOTIFY_EV_A_V2_FLAG, CN_V2_GROUP_STATE);
	cn_msg_put_u32(&m, CLUSNOTIFY_EV_A_MAX + 1, 0);
	cn_msg_nest_end(&m);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	cn_msg_free(&m);
}

TEST_F(prod, required_attributes_are_einval_when_missing)
{
	struct cn_msg m;
	const __u8 cmds[] = { CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
			      CLUSNOTIFY_CMD_OBJECT_PUBLISH,
			      CLUSNOTIFY_CMD_OBJECT_REMOVE,
			      CLUSNOTIFY_CMD_EVENT_POST };
	size_t i;

	for (i = 0; i < CN_ARRAY_SIZE(cmds); i++) {
		TH_LOG("command %u", cmds[i]);
		/* No CLUSTER_ID. */
		cn_msg_init(&m, &self->env.nl, cmds[i], NLM_F_ACK);
		EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL,
						  NULL));
		cn_msg_free(&m);
		if (cmds[i] == CLUSNOTIFY_CMD_CLUSTER_UNREGISTER)
			continue;
		/* CLUSTER_ID but no OBJECT / EVENT. */
		cn_msg_init(&m, &self->env.nl, cmds[i], NLM_F_ACK);
		cn_msg_put_u32(&m, CLUSNOTIFY_A_CLUSTER_ID, self->env.cid);
		EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL,
						  NULL));
		cn_msg_free(&m);
	}
}

/* ------------------------------------------------------------------ */
/* Privilege and sessions                                              */
/* ------------------------------------------------------------------ */

struct unpriv {
	__u32 cid;
	int how;		/* 0: root without CAP_SYS_ADMIN; 1: nobody */
	int open, reg, post, publish, remove, unreg, dump;
	int ndump;
};

static int unpriv_child(void *arg)
{
	struct unpriv *u = arg;
	struct cn_cluster_desc *d = calloc(64, sizeof(*d));
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP, .id = "x" };
	char name[64];
	struct cn_nl nl;
	__u32 id;

	if (!d)
		return 1;
	if (u->how == 0 ? cn_drop_cap_sys_admin() : cn_become(CN_NOBODY,
							      CN_NOBODY))
		return 2;
	u->open = cn_nl_open(&nl);
	if (u->open)
		return 0;
	cn_unique_name(name, sizeof(name), "Unpriv");
	u->reg = cn_register(&nl, name, &id);
	u->post = cn_post1(&nl, u->cid, &ev_group1);
	u->publish = cn_publish(&nl, u->cid, &g, 1);
	u->remove = cn_obj_remove(&nl, u->cid, &g, 1);
	u->unreg = cn_unregister(&nl, u->cid);
	/* Reading is not privileged. */
	u->dump = cn_cluster_dump(&nl, d, 64, &u->ndump);
	cn_nl_close(&nl);
	free(d);
	return 0;
}

static void check_unpriv(struct __test_metadata *_metadata,
			 FIXTURE_DATA(prod) *self, int how)
{
	struct unpriv *u = cn_shared_alloc(sizeof(*u));
	struct clusnotify_cluster_query q;

	ASSERT_NE(NULL, u);
	u->cid = self->env.cid;
	u->how = how;
	ASSERT_EQ(0, cn_run_child(unpriv_child, u));
	ASSERT_EQ(0, u->open);
	EXPECT_EQ(-EPERM, u->reg);
	EXPECT_EQ(-EPERM, u->post);
	EXPECT_EQ(-EPERM, u->publish);
	EXPECT_EQ(-EPERM, u->remove);
	EXPECT_EQ(-EPERM, u->unreg);
	EXPECT_EQ(0, u->dump);
	EXPECT_LE(1, u->ndump);
	/* Our cluster is intact. */
	ASSERT_EQ(0, cn_cluster_lookup_id(self->env.port, self->env.cid, &q));
	EXPECT_EQ(1, q.up);
	munmap(u, sizeof(*u));
}

TEST_F(prod, mutating_without_cap_sys_admin_is_eperm)
{
	check_unpriv(_metadata, self, 0);
}

TEST_F(prod, mutating_as_nobody_is_eperm)
{
	check_unpriv(_metadata, self, 1);
}

TEST_F(prod, another_session_gets_eacces)
{
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP,
				 .id = CN_GROUP1_ID };
	struct cn_nl nl2;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_nl_open(&nl2));
	EXPECT_EQ(-EACCES, cn_post1(&nl2, self->env.cid, &ev_group1));
	EXPECT_EQ(-EACCES, cn_publish(&nl2, self->env.cid, &g, 1));
	EXPECT_EQ(-EACCES, cn_obj_remove(&nl2, self->env.cid, &g, 1));
	EXPECT_EQ(-EACCES, cn_unregister(&nl2, self->env.cid));
	cn_nl_close(&nl2);
	/* Nothing got through. */
	EXPECT_EQ(-ETIMEDOUT, cn_get_rec(self->env.port, self->buf, 0,
					 &self->r));
	EXPECT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev_group1));
	EXPECT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
}

TEST_F(prod, unknown_cluster_is_enoent)
{
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP, .id = "g" };
	struct cn_cluster_desc *d = calloc(1, sizeof(*d));
	__u32 bogus = self->env.cid + 100000;

	ASSERT_NE(NULL, d);
	EXPECT_EQ(-ENOENT, cn_post1(&self->env.nl, bogus, &ev_group1));
	EXPECT_EQ(-ENOENT, cn_publish(&self->env.nl, bogus, &g, 1));
	EXPECT_EQ(-ENOENT, cn_obj_remove(&self->env.nl, bogus, &g, 1));
	EXPECT_EQ(-ENOENT, cn_unregister(&self->env.nl, bogus));
	EXPECT_EQ(-ENOENT, cn_cluster_get(&self->env.nl, bogus, d));
	free(d);
}

TEST_F(prod, posting_to_a_down_cluster_is_enotconn)
{
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP, .id = "g",
				 .name = "G" };
	struct cn_nl nl2;
	char name[64];
	__u32 id, id2;

	ASSERT_EQ(0, cn_nl_open(&nl2));
	cn_unique_name(name, sizeof(name), "Down");
	ASSERT_EQ(0, cn_register(&nl2, name, &id));
	cn_nl_close(&nl2);		/* the session ends: down */
	EXPECT_EQ(-ENOTCONN, cn_post1(&self->env.nl, id, &ev_group1));
	EXPECT_EQ(-ENOTCONN, cn_publish(&self->env.nl, id, &g, 1));
	/* Taking it over makes this socket its session. */
	ASSERT_EQ(0, cn_register(&self->env.nl, name, &id2));
	EXPECT_EQ(id, id2);
	EXPECT_EQ(0, cn_publish(&self->env.nl, id, &g, 1));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

static void expect_rejected(struct __test_metadata *_metadata,
			    FIXTURE_DATA(prod) *self, struct cn_event ev,
			    int err)
{
	struct clusnotify_port_stats st0, st;

	ASSERT_EQ(0, cn_port_stats(self->env.port, &st0));
	EXPECT_EQ(err, cn_post1(&self->env.nl, self->env.cid, &ev));
	if (self->env.nl.ext_msg[0])
		TH_LOG("extack: %s", self->env.nl.ext_msg);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(st0.next_seq, st.next_seq);
	EXPECT_EQ(0, st.queued);
}

TEST_F(prod, event_flags_must_be_single_bits_of_the_type)
{
	struct cn_event ev;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 2, 2));
	/* A V2 flag with two bits. */
	ev = ev_group1;
	ev.v2 = CN_V2_GROUP_STATE | CN_V2_GROUP_DELETED;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* A V1 change with two bits. */
	ev = ev_group1;
	ev.v1 = CN_V1_GROUP_STATE | CN_V1_GROUP_PROPERTY;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* A V2 flag outside the type's enum. */
	ev = ev_group1;
	ev.v2 = CN_V2_GROUP_ALL + 1;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* Neither flag. */
	ev = ev_group1;
	ev.v1 = 0;
	ev.v2 = 0;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* No object type. */
	ev = ev_group1;
	ev.no_type = true;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* A value that is no CLUSTER_OBJECT_TYPE. */
	ev = ev_group1;
	ev.type = 0x0e;
	ev.v1 = 0;
	ev.v2 = 1;
	expect_rejected(_metadata, self, ev, -EINVAL);
	/* SUBTREE is a filter scope, never an event. */
	ev = (struct cn_event){ .type = CLUSNOTIFY_OBJ_REGISTRY,
				.v1 = CN_V1_REGISTRY_SUBTREE,
				.id = CN_REGKEY_A };
	expect_rejected(_metadata, self, ev, -EINVAL);
	ev.v1 = 0;
	ev.v2 = CN_V2_REGISTRY_SUBTREE;
	expect_rejected(_metadata, self, ev, -EINVAL);
}

/*
 * CLUSTER_STATE, CLUSTER_RECONNECT, HANDLE_CLOSE and LOST_NOTIFICATIONS
 * are the module's to make (on Windows, the client library's); a
 * producer forging them would make consumers tear down or resync for
 * nothing, so they are not postable.
 */
TEST_F(prod, module_made_kinds_cannot_be_posted)
{
	static const struct { __u32 type; __u64 v2; __u32 v1; } kinds[] = {
		{ CLUSNOTIFY_OBJ_CLUSTER, 0, CN_V1_CLUSTER_STATE },
		{ CLUSNOTIFY_OBJ_CLUSTER, 0, CN_V1_CLUSTER_RECONNECT },
		{ CLUSNOTIFY_OBJ_GROUP, 0, CN_V1_HANDLE_CLOSE },
		{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_STATE, 0 },
		{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_RECONNECT, 0 },
		{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_HANDLE_CLOSE, 0 },
		{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_LOST_NOTIFICATIONS, 0 },
		{ CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_HANDLE_CLOSE, 0 },
		{ CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_HANDLE_CLOSE, 0 },
	};
	struct cn_event ev;
	size_t i;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	for (i = 0; i < CN_ARRAY_SIZE(kinds); i++) {
		TH_LOG("kind #%zu", i);
		ev = (struct cn_event){ .type = kinds[i].type,
					.v2 = kinds[i].v2, .v1 = kinds[i].v1,
					.id = CN_GROUP1_ID,
					.name = CN_GROUP1 };
		expect_rejected(_metadata, self, ev, -EINVAL);
	}
}

TEST_F(prod, event_strings_must_be_utf8)
{
	struct cn_event ev = ev_group1;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ev.name = "Group \xf8\x88\x80\x80\x80";
	expect_rejected(_metadata, self, ev, -EILSEQ);
	ev = ev_group1;
	ev.parent = "\xed\xb0\x80";
	expect_rejected(_metadata, self, ev, -EILSEQ);
}

TEST_F(prod, batch_is_validated_whole)
{
	struct cn_event ev[] = {
		{ .type = CLUSNOTIFY_OBJ_CLUSTER,
		  .v2 = CN_V2_CLUSTER_GROUP_ADDED, .v1 = CN_V1_GROUP_ADDED,
		  .id = "batch-grp", .name = "Batch Group" },
		ev_group1,
		ev_group1,
	};
	struct clusnotify_port_stats st0, st;
	unsigned char buf[512];
	__u32 size = sizeof(buf);

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st0));
	ev[2].v2 = CN_V2_GROUP_STATE | CN_V2_GROUP_DELETED;	/* bad */
	EXPECT_EQ(-EINVAL, cn_post(&self->env.nl, self->env.cid, ev, 3, NULL));
	/* Not one record, and the directory did not change. */
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(st0.next_seq, st.next_seq);
	EXPECT_EQ(-ENOENT, cn_object_lookup(self->env.port, self->env.cid,
					    CLUSNOTIFY_OBJ_GROUP, "Batch Group",
					    0, buf, &size, NULL));
	/* Fixed, the same batch goes through. */
	ev[2] = ev_group1;
	EXPECT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 3, NULL));
	EXPECT_EQ(3, cn_drain(self->env.port));
	size = sizeof(buf);
	EXPECT_EQ(0, cn_object_lookup(self->env.port, self->env.cid,
				      CLUSNOTIFY_OBJ_GROUP, "Batch Group", 0,
				      buf, &size, NULL));
}

TEST_F(prod, post_reply_counts_posted_queued_lost)
{
	struct cn_event ev[2] = { ev_group1, ev_group1 };
	struct cn_post_reply rep;
	int p2;

	ev[1].v1 = 0;			/* V2 only */
	p2 = cn_open_port(0);
	ASSERT_LE(0, p2);
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_GROUP_STATE, 2, 2));
	ASSERT_EQ(0, cn_add_v2(p2, self->env.cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 3, 3));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 2, &rep));
	EXPECT_TRUE(rep.has_posted);
	EXPECT_TRUE(rep.has_queued);
	EXPECT_TRUE(rep.has_lost);
	EXPECT_EQ(2, rep.posted);
	EXPECT_EQ(5, rep.queued);	/* 2 on the first port, 3 on p2 */
	EXPECT_EQ(0, rep.lost);
	EXPECT_EQ(2, cn_drain(self->env.port));
	EXPECT_EQ(3, cn_drain(p2));
	close(p2);
}

/*
 * The biggest payload a producer may send, CLUSNOTIFY_PAYLOAD_MAX bytes,
 * travels intact with four strings of CLUSNOTIFY_NAME_MAX bytes beside it,
 * and one byte more is refused by the attribute policy (-ERANGE).
 */
TEST_F(prod, biggest_payload_round_trips)
{
	size_t len = CLUSNOTIFY_PAYLOAD_MAX, i;
	unsigned char *pl = malloc(len + 1);
	char *s = malloc(CLUSNOTIFY_NAME_MAX + 1);
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
	};

	ASSERT_NE(NULL, pl);
	ASSERT_NE(NULL, s);
	for (i = 0; i <= len; i++)
		pl[i] = (i * 31) ^ (i >> 8);
	memset(s, 's', CLUSNOTIFY_NAME_MAX);
	s[CLUSNOTIFY_NAME_MAX] = 0;
	ev.payload = pl;
	ev.payload_len = len;
	ev.id = ev.parent = ev.name = ev.type_name = s;
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	ASSERT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
	EXPECT_EQ(len, self->r.hdr.payload_len);
	EXPECT_EQ(0, memcmp(pl, self->r.payload, len));
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, self->r.hdr.name_len);
	EXPECT_EQ(cn_record_size(len, CLUSNOTIFY_NAME_MAX, CLUSNOTIFY_NAME_MAX,
				 CLUSNOTIFY_NAME_MAX, CLUSNOTIFY_NAME_MAX),
		  self->r.hdr.size);

	ev.payload_len = len + 1;
	ev.id = ev.parent = ev.name = ev.type_name = NULL;
	EXPECT_EQ(-ERANGE, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_EQ(0, cn_drain(self->env.port));
	free(s);
	free(pl);
}

/*
 * Events are top-level attributes, so a batch is not capped by one
 * attribute's 64 KiB: 2048 events with names (about 170 KiB, within the
 * default socket send buffer) go in one message.
 */
TEST_F(prod, batch_bigger_than_64k_in_one_message)
{
	struct cn_event *ev = calloc(2048, sizeof(*ev));
	struct cn_post_reply rep;
	int i;

	ASSERT_NE(NULL, ev);
	for (i = 0; i < 2048; i++) {
		ev[i] = ev_group1;
		ev[i].name = "a-group-name-of-some-length";
	}
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 2048, &rep));
	EXPECT_EQ(2048, rep.posted);
	EXPECT_EQ(2048, rep.queued);
	EXPECT_EQ(2048, cn_drain(self->env.port));
	free(ev);
}

/* Over-long names get the same errno as on the ioctl side. */
TEST_F(prod, overlong_names_are_enametoolong)
{
	char *name = malloc(CLUSNOTIFY_NAME_MAX + 2);
	struct cn_event ev = ev_group1;
	__u32 id;

	ASSERT_NE(NULL, name);
	memset(name, 'n', CLUSNOTIFY_NAME_MAX + 1);
	name[CLUSNOTIFY_NAME_MAX + 1] = 0;
	EXPECT_EQ(-ENAMETOOLONG, cn_register(&self->env.nl, name, &id));
	ev.name = name;
	EXPECT_EQ(-ENAMETOOLONG, cn_post1(&self->env.nl, self->env.cid, &ev));
	/* CLUSNOTIFY_NAME_MAX bytes are fine. */
	name[CLUSNOTIFY_NAME_MAX] = 0;
	EXPECT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	free(name);
}

TEST_F(prod, max_batch_is_e2big)
{
	struct cn_event ev[5] = { ev_group1, ev_group1, ev_group1, ev_group1,
				  ev_group1 };
	struct cn_post_reply rep;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_param_set("max_batch", 4));
	EXPECT_EQ(-E2BIG, cn_post(&self->env.nl, self->env.cid, ev, 5, &rep));
	EXPECT_EQ(0, cn_drain(self->env.port));
	EXPECT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 4, &rep));
	EXPECT_EQ(4, rep.posted);
	EXPECT_EQ(4, cn_drain(self->env.port));
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */
/* ------------------------------------------------------------------ */

TEST_F(prod, cluster_dump_lists_every_cluster)
{
	struct cn_cluster_desc *d = calloc(128, sizeof(*d));
	struct cn_nl nl2;
	char name[64];
	int i, n, found = 0;
	__u32 id;

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_nl_open(&nl2));
	cn_unique_name(name, sizeof(name), "Dump");
	ASSERT_EQ(0, cn_register(&nl2, name, &id));
	cn_nl_close(&nl2);		/* down, but still listed */
	ASSERT_EQ(0, cn_cluster_dump(&self->env.nl, d, 128, &n));
	EXPECT_LE(2, n);
	for (i = 0; i < n && i < 128; i++) {
		if (d[i].id == self->env.cid) {
			found |= 1;
			EXPECT_STREQ(self->env.name, d[i].name);
			EXPECT_EQ(1, d[i].up);
			EXPECT_EQ(cn_std_nobjects, d[i].objects);
		} else if (d[i].id == id) {
			found |= 2;
			EXPECT_STREQ(name, d[i].name);
			EXPECT_EQ(0, d[i].up);
			/* Every attribute the spec lists is there. */
			EXPECT_TRUE(d[i].attrs & (1U << CLUSNOTIFY_A_CLUSTER_UP));
			EXPECT_TRUE(d[i].attrs &
				    (1U << CLUSNOTIFY_A_CLUSTER_MODE));
			EXPECT_TRUE(d[i].attrs &
				    (1U << CLUSNOTIFY_A_CLUSTER_FILTERS));
		}
	}
	EXPECT_EQ(3, found);
	/* Clean up the down one: take it over, then unregister. */
	ASSERT_EQ(0, cn_register(&self->env.nl, name, &id));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, id));
	free(d);
}

TEST_F(prod, port_dump_lists_this_processes_ports)
{
	struct cn_port_desc *d = calloc(256, sizeof(*d));
	struct cn_event ev[3] = { ev_group1, ev_group1, ev_group1 };
	int i, n, mine = 0, p2;
	__u64 ids[2] = { 0, 0 };

	ASSERT_NE(NULL, d);
	p2 = cn_open_port(0);
	ASSERT_LE(0, p2);
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_NODE_STATE, 1, 2));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 3, NULL));
	ASSERT_EQ(0, cn_get_rec(p2, self->buf, 0, &self->r));
	ASSERT_EQ(0, cn_port_dump(&self->env.nl, d, 256, &n));
	for (i = 0; i < n && i < 256; i++) {
		if (d[i].pid != (__u32)getpid())
			continue;
		EXPECT_EQ(0, d[i].uid);
		EXPECT_TRUE(d[i].attrs & (1U << CLUSNOTIFY_PORT_A_ID));
		EXPECT_TRUE(d[i].attrs & (1U << CLUSNOTIFY_PORT_A_NEXT_SEQ));
		if (d[i].filters == 2) {
			EXPECT_EQ(2, d[i].queued);
			EXPECT_EQ(1, d[i].delivered);
			EXPECT_EQ(0, d[i].lost);
		} else {
			EXPECT_EQ(0, d[i].filters);
			EXPECT_EQ(0, d[i].queued);
		}
		if (mine < 2)
			ids[mine] = d[i].id;
		mine++;
	}
	EXPECT_EQ(2, mine);
	EXPECT_NE(ids[0], ids[1]);
	close(p2);
	free(d);
}

TEST_F(prod, object_dump_needs_a_known_cluster)
{
	struct cn_obj_info *d = calloc(4, sizeof(*d));
	struct cn_msg m;
	int n;

	ASSERT_NE(NULL, d);
	EXPECT_EQ(-ENOENT, cn_object_dump(&self->env.nl, self->env.cid + 100000,
					  d, 4, &n));
	cn_msg_init(&m, &self->env.nl, CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP);
	EXPECT_EQ(-EINVAL, cn_nl_transact(&self->env.nl, &m, NULL, NULL));
	cn_msg_free(&m);
	free(d);
}

TEST_HARNESS_MAIN
