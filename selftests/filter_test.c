// SPDX-License-Identifier: GPL-2.0
/*
 * ADD_FILTER / REMOVE_FILTERS and what filters match: V1 masks of
 * CLUSTER_CHANGE bits, V2 (type, flags), per-object filters (V1 and V2,
 * surviving renames), registry keys with and without SUBTREE, 64-bit keys
 * and tokens, one record per matching filter, removal by token with and
 * without HANDLE_CLOSE; and every rejected input: empty masks, bits outside
 * the type, unknown types and versions, inconsistent V1 object fields,
 * missing clusters and objects, bad strings, max_filters (-EMFILE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(flt) {
	struct cn_env env;
	unsigned char *buf;
	struct cn_rec r;
	unsigned int saved_max_filters;
};

FIXTURE_SETUP(flt)
{
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_param_get("max_filters", &self->saved_max_filters));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Flt"));
}

FIXTURE_TEARDOWN(flt)
{
	cn_param_set("max_filters", self->saved_max_filters);
	cn_env_teardown(&self->env);
	free(self->buf);
}

static int post(FIXTURE_DATA(flt) *self, const struct cn_event *ev)
{
	return cn_post1(&self->env.nl, self->env.cid, ev);
}

/* The next record, without waiting: 0 or -errno (-ETIMEDOUT: none). */
static int next(FIXTURE_DATA(flt) *self)
{
	return cn_get_rec(self->env.port, self->buf, 0, &self->r);
}

static const struct cn_event group1_state = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
	.parent = CN_NODE1_ID, .state = CN_GROUP_FAILED, .has_state = true,
};

static const struct cn_event group2_state = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP2_ID, .name = CN_GROUP2,
	.state = CN_GROUP_ONLINE, .has_state = true,
};

static const struct cn_event res_state = {
	.type = CLUSNOTIFY_OBJ_RESOURCE, .v1 = CN_V1_RESOURCE_STATE,
	.v2 = CN_V2_RESOURCE_STATE, .id = CN_RES1_ID, .name = CN_RES1,
	.state = CN_RESOURCE_OFFLINE, .has_state = true,
};

/* RESOURCE OWNER_GROUP_V2 is bit 0x8, the same bit as GROUP STATE_V2. */
static const struct cn_event res_owner = {
	.type = CLUSNOTIFY_OBJ_RESOURCE, .v2 = CN_V2_RESOURCE_OWNER_GROUP,
	.id = CN_RES1_ID, .name = CN_RES1, .parent = CN_GROUP2_ID,
};

static struct cn_event regev(const char *key)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_REGISTRY, .v1 = CN_V1_REGISTRY_VALUE,
		.v2 = CN_V2_REGISTRY_VALUE, .id = key, .name = key,
	};

	return e;
}

TEST_F(flt, v1_filter_matches_its_bits)
{
	struct cn_event v2only = group1_state;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE | CN_V1_NODE_STATE, 0x51, 0x52));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
	EXPECT_EQ(0, self->r.hdr.flags);
	EXPECT_EQ(CN_V1_GROUP_STATE, self->r.hdr.v1_change);
	EXPECT_EQ(0x51, self->r.hdr.key);
	EXPECT_EQ(0x52, self->r.hdr.token);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->r.hdr.object_type);
	EXPECT_EQ(self->env.cid, self->r.hdr.cluster_id);
	EXPECT_EQ(CN_GROUP_FAILED, self->r.hdr.state);
	EXPECT_STREQ(CN_GROUP1_ID, self->r.id);
	EXPECT_STREQ(CN_NODE1_ID, self->r.parent);
	EXPECT_STREQ(CN_GROUP1, self->r.name);
	EXPECT_EQ(-ETIMEDOUT, next(self));
	/* Other bits, and events without a V1 bit, do not match. */
	ASSERT_EQ(0, post(self, &res_state));
	v2only.v1 = 0;
	ASSERT_EQ(0, post(self, &v2only));
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, v2_filter_matches_type_and_flag)
{
	struct cn_event v1only = group1_state;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 7, 8));
	/* The same bit of another type is another event. */
	ASSERT_EQ(0, post(self, &res_owner));
	v1only.v2 = 0;
	ASSERT_EQ(0, post(self, &v1only));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &group2_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
	EXPECT_EQ(CN_V2_GROUP_STATE, self->r.hdr.v2_flag);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->r.hdr.object_type);
	EXPECT_EQ(CN_GROUP_ONLINE, self->r.hdr.state);
	EXPECT_EQ(7, self->r.hdr.key);
	EXPECT_EQ(8, self->r.hdr.token);
	EXPECT_STREQ(CN_GROUP2_ID, self->r.id);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

/*
 * A record describes its event: the event's V1 bit and V2 flag both, or 0
 * for the one it was posted without, whichever filter version matched.
 */
TEST_F(flt, records_carry_the_events_bit_and_flag)
{
	struct cn_event v1only = res_state;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE | CN_V1_RESOURCE_STATE, 1, 1));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CN_V1_GROUP_STATE, self->r.hdr.v1_change);
	EXPECT_EQ(CN_V2_GROUP_STATE, self->r.hdr.v2_flag);
	v1only.v2 = 0;
	ASSERT_EQ(0, post(self, &v1only));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CN_V1_RESOURCE_STATE, self->r.hdr.v1_change);
	EXPECT_EQ(0, self->r.hdr.v2_flag);
}

TEST_F(flt, one_record_per_matching_filter)
{
	struct clusnotify_port_stats st;
	__u64 seq0, seen = 0;
	int i;

	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	seq0 = st.next_seq;
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 1, 10));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 2, 10));
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 4,
			       10));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_ALL, 8, 10));
	ASSERT_EQ(0, post(self, &group1_state));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, next(self));
		EXPECT_EQ(0, seen & self->r.hdr.key);
		seen |= self->r.hdr.key;
		EXPECT_EQ(seq0 + i, self->r.hdr.seq);
		EXPECT_EQ(self->r.hdr.key == 4 ? CLUSNOTIFY_FILTER_V1 :
			  CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
	}
	EXPECT_EQ(7, seen);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, payload_and_timestamp_round_trip)
{
	unsigned char payload[300];
	struct cn_event ev = group1_state;
	__u64 t0, t1;
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i * 7 + 3;
	ev.payload = payload;
	ev.payload_len = sizeof(payload);
	ev.type_name = "Group Type";
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 1, 1));
	t0 = cn_now_ns();
	ASSERT_EQ(0, post(self, &ev));
	t1 = cn_now_ns();
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(sizeof(payload), self->r.hdr.payload_len);
	EXPECT_EQ(0, memcmp(payload, self->r.payload, sizeof(payload)));
	EXPECT_STREQ("Group Type", self->r.type);
	EXPECT_EQ(cn_record_size(sizeof(payload), strlen(CN_GROUP1_ID),
				 strlen(CN_NODE1_ID), strlen(CN_GROUP1),
				 strlen("Group Type")), self->r.hdr.size);
	EXPECT_LE(t0, self->r.hdr.timestamp_ns);
	EXPECT_GE(t1, self->r.hdr.timestamp_ns);
}

TEST_F(flt, key_and_token_are_64_bit)
{
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 0xfedcba9876543210ULL,
			       0x8000000000000001ULL));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(0xfedcba9876543210ULL, self->r.hdr.key);
	EXPECT_EQ(0x8000000000000001ULL, self->r.hdr.token);
}

TEST_F(flt, v2_per_object_filter)
{
	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
				   CN_GROUP1_ID, 1, 1));
	ASSERT_EQ(0, post(self, &group2_state));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ(CN_GROUP1_ID, self->r.id);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, v1_per_object_filter)
{
	ASSERT_EQ(0, cn_add_v1_obj(self->env.port, self->env.cid,
				   CN_V1_GROUP_STATE, CLUSNOTIFY_OBJ_GROUP,
				   CN_GROUP2_ID, 3, 3));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, post(self, &res_state));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &group2_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
	EXPECT_STREQ(CN_GROUP2_ID, self->r.id);
}

/* The keys of the records waiting, in order, into @keys; their count. */
static int drain_keys(FIXTURE_DATA(flt) *self, __u64 *keys, int max)
{
	int n = 0;

	while (n < max && next(self) == 0)
		keys[n++] = self->r.hdr.key;
	return n;
}

/*
 * Filters on one object share its entry in the index: it comes with the
 * first, goes with the last and comes back with the next. For one event a
 * port gets its V1 filters' records, then its V2 filters', each oldest
 * filter first, whether on the object or the whole cluster.
 */
TEST_F(flt, object_filters_share_an_index_entry)
{
	int port = self->env.port, cid = self->env.cid;
	__u64 k[8];

	ASSERT_EQ(0, cn_add_v2(port, cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 10, 10));
	ASSERT_EQ(0, cn_add_v2_obj(port, cid, CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE, CN_GROUP1_ID, 11, 11));
	ASSERT_EQ(0, cn_add_v1_obj(port, cid, CN_V1_GROUP_STATE,
				   CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID, 12, 12));
	ASSERT_EQ(0, cn_add_v1(port, cid, CN_V1_GROUP_STATE, 13, 13));
	ASSERT_EQ(0, cn_add_v2_obj(port, cid, CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE, CN_GROUP2_ID, 14, 14));

	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(4, drain_keys(self, k, 8));
	EXPECT_EQ(12, k[0]);
	EXPECT_EQ(13, k[1]);
	EXPECT_EQ(10, k[2]);
	EXPECT_EQ(11, k[3]);

	/* The object's last filters go: only the cluster-wide ones are left. */
	ASSERT_EQ(1, cn_remove(port, 11, 0));
	ASSERT_EQ(1, cn_remove(port, 12, 0));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(2, drain_keys(self, k, 8));
	EXPECT_EQ(13, k[0]);
	EXPECT_EQ(10, k[1]);

	/* A new filter on it brings the entry back. */
	ASSERT_EQ(0, cn_add_v2_obj(port, cid, CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE, CN_GROUP1_ID, 15, 15));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(3, drain_keys(self, k, 8));
	EXPECT_EQ(13, k[0]);
	EXPECT_EQ(10, k[1]);
	EXPECT_EQ(15, k[2]);

	/* The other object's filter saw only its own object. */
	ASSERT_EQ(0, post(self, &group2_state));
	ASSERT_EQ(3, drain_keys(self, k, 8));
	EXPECT_EQ(13, k[0]);
	EXPECT_EQ(10, k[1]);
	EXPECT_EQ(14, k[2]);
}

/*
 * Many objects, each watched by its own port: an event reaches exactly the
 * ports watching its object, through V1 and V2 object filters alike.
 */
TEST_F(flt, object_filters_reach_only_their_object)
{
	static const char *const ids[] = { CN_GROUP1_ID, CN_GROUP2_ID };
	int ports[8], i, cid = self->env.cid;
	struct cn_rec r;

	for (i = 0; i < 8; i++) {
		ports[i] = cn_open_port(0);
		ASSERT_LE(0, ports[i]);
		if (i % 2) {
			ASSERT_EQ(0, cn_add_v1_obj(ports[i], cid,
						   CN_V1_GROUP_STATE,
						   CLUSNOTIFY_OBJ_GROUP,
						   ids[i / 4], i, i));
		} else {
			ASSERT_EQ(0, cn_add_v2_obj(ports[i], cid,
						   CLUSNOTIFY_OBJ_GROUP,
						   CN_V2_GROUP_STATE,
						   ids[i / 4], i, i));
		}
	}
	ASSERT_EQ(0, post(self, &group2_state));
	for (i = 0; i < 8; i++) {
		int ret = cn_get_rec(ports[i], self->buf, 0, &r);

		if (i < 4) {
			EXPECT_EQ(-ETIMEDOUT, ret);
		} else {
			ASSERT_EQ(0, ret);
			EXPECT_EQ(i, r.hdr.key);
			EXPECT_STREQ(CN_GROUP2_ID, r.id);
			EXPECT_EQ(-ETIMEDOUT,
				  cn_get_rec(ports[i], self->buf, 0, &r));
		}
		close(ports[i]);
	}
}

TEST_F(flt, per_object_filter_survives_rename)
{
	struct cn_event ren = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_PROPERTY,
		.v2 = CN_V2_GROUP_COMMON_PROPERTY, .id = CN_GROUP1_ID,
		.name = "Group One Renamed",
	};
	struct cn_event st = group1_state;

	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
				   CN_GROUP1_ID, 1, 1));
	ASSERT_EQ(0, post(self, &ren));
	st.name = "Group One Renamed";
	ASSERT_EQ(0, post(self, &st));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ(CN_GROUP1_ID, self->r.id);
	EXPECT_STREQ("Group One Renamed", self->r.name);
}

TEST_F(flt, registry_key_without_subtree_sees_only_itself)
{
	struct cn_event a = regev(CN_REGKEY_A), ab = regev(CN_REGKEY_AB);
	struct cn_event other = regev(CN_REGKEY_OTHER);

	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_VALUE,
				   CN_REGKEY_A, 1, 1));
	ASSERT_EQ(0, post(self, &ab));
	ASSERT_EQ(0, post(self, &other));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &a));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ(CN_REGKEY_A, self->r.id);
	EXPECT_EQ(CN_V2_REGISTRY_VALUE, self->r.hdr.v2_flag);
}

TEST_F(flt, registry_subtree_sees_the_key_and_below)
{
	static const char *const keys[] = {
		CN_REGKEY_A, CN_REGKEY_AB, CN_REGKEY_ABC, CN_REGKEY_OTHER, "",
	};
	struct cn_event ev;
	size_t i;

	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_REGISTRY,
				   CN_V2_REGISTRY_VALUE | CN_V2_REGISTRY_SUBTREE,
				   CN_REGKEY_A, 1, 1));
	for (i = 0; i < CN_ARRAY_SIZE(keys); i++) {
		ev = regev(keys[i]);
		ASSERT_EQ(0, post(self, &ev));
	}
	/* "ResourcesX" shares a prefix but is not below "Resources". */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, next(self));
		EXPECT_STREQ(keys[i], self->r.id);
		/* SUBTREE is a scope, never itself reported. */
		EXPECT_EQ(CN_V2_REGISTRY_VALUE, self->r.hdr.v2_flag);
	}
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, registry_filter_without_object_is_the_root)
{
	struct cn_event root = regev(""), a = regev(CN_REGKEY_A);
	struct cn_event abc = regev(CN_REGKEY_ABC);

	/* Port 1: root only. */
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_REGISTRY_VALUE, 1, 1));
	ASSERT_EQ(0, post(self, &a));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &root));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ("", self->r.id);
	EXPECT_EQ(CN_V1_REGISTRY_VALUE, self->r.hdr.v1_change);
	/* With SUBTREE: the whole database. */
	ASSERT_EQ(1, cn_remove(self->env.port, 1, 0));
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_REGISTRY_VALUE | CN_V1_REGISTRY_SUBTREE,
			       2, 2));
	ASSERT_EQ(0, post(self, &abc));
	ASSERT_EQ(0, post(self, &root));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ(CN_REGKEY_ABC, self->r.id);
	EXPECT_EQ(CN_V1_REGISTRY_VALUE, self->r.hdr.v1_change);
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ("", self->r.id);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, v1_registry_key_filter_with_subtree)
{
	struct cn_event a = regev(CN_REGKEY_A), abc = regev(CN_REGKEY_ABC);

	ASSERT_EQ(0, cn_add_v1_obj(self->env.port, self->env.cid,
				   CN_V1_REGISTRY_VALUE | CN_V1_REGISTRY_SUBTREE,
				   CLUSNOTIFY_OBJ_REGISTRY, CN_REGKEY_AB, 1, 1));
	ASSERT_EQ(0, post(self, &a));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &abc));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ(CN_REGKEY_ABC, self->r.id);
}

TEST_F(flt, filters_only_see_their_cluster)
{
	struct cn_obj_desc g = { .type = CLUSNOTIFY_OBJ_GROUP,
				 .id = CN_GROUP1_ID, .name = CN_GROUP1 };
	struct cn_nl nl2;
	char name[64];
	__u32 other;

	ASSERT_EQ(0, cn_nl_open(&nl2));
	cn_unique_name(name, sizeof(name), "FltOther");
	ASSERT_EQ(0, cn_register(&nl2, name, &other));
	ASSERT_EQ(0, cn_publish(&nl2, other, &g, 1));
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, cn_post1(&nl2, other, &group1_state));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(self->env.cid, self->r.hdr.cluster_id);
	EXPECT_EQ(0, cn_unregister(&nl2, other));
	cn_nl_close(&nl2);
}

/* ------------------------------------------------------------------ */
/* Removal                                                             */
/* ------------------------------------------------------------------ */

TEST_F(flt, remove_by_token_returns_the_count)
{
	struct clusnotify_port_stats st;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 0xa));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 2, 0xa));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 3, 0xb));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(3, st.filters);
	ASSERT_EQ(2, cn_remove(self->env.port, 0xa, 0));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(1, st.filters);
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(3, self->r.hdr.key);
	EXPECT_EQ(-ETIMEDOUT, next(self));
	ASSERT_EQ(-ENOENT, cn_remove(self->env.port, 0xa, 0));
	ASSERT_EQ(-ENOENT, cn_remove(self->env.port, 0xa,
				     CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(1, cn_remove(self->env.port, 0xb, 0));
	ASSERT_EQ(-ENOENT, cn_remove(self->env.port, 0, 0));
}

/* Records already queued stay queued when their filter goes. */
TEST_F(flt, remove_keeps_queued_records)
{
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, post(self, &group1_state));
	ASSERT_EQ(1, cn_remove(self->env.port, 1, 0));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(1, self->r.hdr.key);
	ASSERT_EQ(0, post(self, &group1_state));
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, remove_with_handle_close_v2_object)
{
	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE | CN_V2_GROUP_HANDLE_CLOSE,
				   CN_GROUP1_ID, 0x77, 0x88));
	ASSERT_EQ(1, cn_remove(self->env.port, 0x88,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, self->r.hdr.flags);
	EXPECT_EQ(CN_V2_GROUP_HANDLE_CLOSE, self->r.hdr.v2_flag);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->r.hdr.object_type);
	EXPECT_EQ(0x77, self->r.hdr.key);
	EXPECT_EQ(0x88, self->r.hdr.token);
	EXPECT_STREQ(CN_GROUP1_ID, self->r.id);
	EXPECT_STREQ(CN_GROUP1, self->r.name);
	EXPECT_EQ(-ETIMEDOUT, next(self));
	/* And the filter is gone. */
	ASSERT_EQ(0, post(self, &group1_state));
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, remove_with_handle_close_v1_cluster)
{
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE | CN_V1_HANDLE_CLOSE, 5, 6));
	ASSERT_EQ(1, cn_remove(self->env.port, 6,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, self->r.hdr.flags);
	EXPECT_EQ(CN_V1_HANDLE_CLOSE, self->r.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, self->r.hdr.object_type);
	EXPECT_EQ(5, self->r.hdr.key);
	/* Named after the cluster the filter was on. */
	EXPECT_STREQ(self->env.name, self->r.name);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

/*
 * A V1 filter on an object: the HANDLE_CLOSE record has the object's type
 * and its name as it is now, after a rename.
 */
TEST_F(flt, remove_with_handle_close_v1_object_after_rename)
{
	struct cn_event ren = {
		.type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_PROPERTY,
		.v2 = CN_V2_NODE_COMMON_PROPERTY, .id = CN_NODE2_ID,
		.name = "Node2-new",
	};

	ASSERT_EQ(0, cn_add_v1_obj(self->env.port, self->env.cid,
				   CN_V1_NODE_STATE | CN_V1_HANDLE_CLOSE,
				   CLUSNOTIFY_OBJ_NODE, CN_NODE2_ID, 0x31, 0x32));
	ASSERT_EQ(0, post(self, &ren));		/* the mask does not hold it */
	ASSERT_EQ(1, cn_remove(self->env.port, 0x32,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, self->r.hdr.flags);
	EXPECT_EQ(CN_V1_HANDLE_CLOSE, self->r.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_OBJ_NODE, self->r.hdr.object_type);
	EXPECT_EQ(0x31, self->r.hdr.key);
	EXPECT_STREQ(CN_NODE2_ID, self->r.id);
	EXPECT_STREQ("Node2-new", self->r.name);
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

TEST_F(flt, registry_key_handle_close)
{
	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_REGISTRY,
				   CN_V2_REGISTRY_VALUE |
				   CN_V2_REGISTRY_HANDLE_CLOSE, CN_REGKEY_AB,
				   0x41, 0x42));
	ASSERT_EQ(1, cn_remove(self->env.port, 0x42,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, next(self));
	EXPECT_EQ(CN_V2_REGISTRY_HANDLE_CLOSE, self->r.hdr.v2_flag);
	EXPECT_EQ(CLUSNOTIFY_OBJ_REGISTRY, self->r.hdr.object_type);
	EXPECT_STREQ(CN_REGKEY_AB, self->r.id);
}

/*
 * Events about objects the directory does not know still reach
 * whole-cluster filters; only *_ADDED inserts into the directory.
 */
TEST_F(flt, events_on_unknown_objects_are_delivered)
{
	struct cn_event ev = res_state;
	unsigned char obuf[512];
	__u32 size = sizeof(obuf);

	ev.id = "res-unknown";
	ev.name = "Unknown Resource";
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE, 1,
			       1));
	ASSERT_EQ(0, post(self, &ev));
	ASSERT_EQ(0, next(self));
	EXPECT_STREQ("res-unknown", self->r.id);
	EXPECT_STREQ("Unknown Resource", self->r.name);
	EXPECT_EQ(CN_RESOURCE_OFFLINE, self->r.hdr.state);
	EXPECT_EQ(-ENOENT, cn_object_lookup(self->env.port, self->env.cid,
					    CLUSNOTIFY_OBJ_RESOURCE,
					    "res-unknown",
					    CLUSNOTIFY_LOOKUP_BY_ID, obuf,
					    &size, NULL));
}

TEST_F(flt, handle_close_needs_the_flag_and_the_mask_bit)
{
	/* Mask holds HANDLE_CLOSE but no F_HANDLE_CLOSE: silent. */
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE | CN_V2_GROUP_HANDLE_CLOSE,
			       1, 1));
	ASSERT_EQ(1, cn_remove(self->env.port, 1, 0));
	EXPECT_EQ(-ETIMEDOUT, next(self));
	/* F_HANDLE_CLOSE but the mask lacks it: silent too. */
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 2, 2));
	ASSERT_EQ(1, cn_remove(self->env.port, 2,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	EXPECT_EQ(-ETIMEDOUT, next(self));
}

/* ------------------------------------------------------------------ */
/* Rejected filters                                                    */
/* ------------------------------------------------------------------ */

static int nfilters(int port)
{
	struct clusnotify_port_stats st;

	return cn_port_stats(port, &st) ? -1 : (int)st.filters;
}

TEST_F(flt, empty_mask_is_einval)
{
	int p = self->env.port;
	__u32 c = self->env.cid;

	EXPECT_EQ(-EINVAL, cn_add_v1(p, c, 0, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_GROUP, 0, 1, 1));
	/* A scope modifier alone is empty after modifiers. */
	EXPECT_EQ(-EINVAL, cn_add_v1(p, c, CN_V1_REGISTRY_SUBTREE, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_REGISTRY,
				     CN_V2_REGISTRY_SUBTREE, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2_obj(p, c, CLUSNOTIFY_OBJ_REGISTRY,
					 CN_V2_REGISTRY_SUBTREE, CN_REGKEY_A,
					 1, 1));
	EXPECT_EQ(0, nfilters(p));
}

TEST_F(flt, bits_outside_the_type_are_einval)
{
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V1,
	};
	int p = self->env.port;
	__u32 c = self->env.cid;

	/* V1: the upper 32 bits must be zero. */
	f.mask = (1ULL << 32) | CN_V1_GROUP_STATE;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	f.mask = 1ULL << 63;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	/* V2: inside the type's enum only. */
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_GROUP,
				     CN_V2_GROUP_ALL + 1, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_CLUSTER,
				     CN_V2_CLUSTER_ALL + 1, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_QUORUM, 0x2, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x40,
				     1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, c, CLUSNOTIFY_OBJ_NODE,
				     CN_V2_NODE_STATE | (1ULL << 63), 1, 1));
	EXPECT_EQ(0, nfilters(p));
	/* Each type's ALL is fine. */
	EXPECT_EQ(0, cn_add_v2(p, c, CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_ALL,
			       1, 1));
	EXPECT_EQ(0, cn_add_v2(p, c, CLUSNOTIFY_OBJ_RESOURCE,
			       CN_V2_RESOURCE_ALL, 1, 1));
	EXPECT_EQ(0, cn_add_v2(p, c, CLUSNOTIFY_OBJ_SHARED_VOLUME,
			       CN_V2_SHARED_VOLUME_ALL, 1, 1));
	EXPECT_EQ(0, cn_add_v1(p, c, CN_V1_ALL, 1, 1));
	EXPECT_EQ(4, nfilters(p));
}

TEST_F(flt, unknown_type_or_version_is_einval)
{
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
	};
	int p = self->env.port;

	EXPECT_EQ(-EINVAL, cn_add_v2(p, self->env.cid, 0, 1, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, self->env.cid, 0x0e, 1, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v2(p, self->env.cid, CLUSNOTIFY_OBJ_MAX + 1,
				     1, 1, 1));
	f.version = 0;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	f.version = 3;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	EXPECT_EQ(0, nfilters(p));
}

TEST_F(flt, inconsistent_v1_object_fields_are_einval)
{
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V1,
		.mask = CN_V1_GROUP_STATE,
	};
	int p = self->env.port;

	/* V1 has no object_type: its objects name their type separately. */
	f.object_type = CLUSNOTIFY_OBJ_GROUP;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	f.object_type = 0;
	/* An object without its type. */
	f.object = (uintptr_t)CN_GROUP1_ID;
	f.object_len = strlen(CN_GROUP1_ID);
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	/* A type without an object. */
	f.object = 0;
	f.object_len = 0;
	f.object_type_v1 = CLUSNOTIFY_OBJ_GROUP;
	EXPECT_EQ(-EINVAL, cn_add_filter(p, &f));
	EXPECT_EQ(0, nfilters(p));
	/* The right id under the wrong type names no object. */
	EXPECT_EQ(-ENOENT, cn_add_v1_obj(p, self->env.cid,
					 CN_V1_RESOURCE_STATE,
					 CLUSNOTIFY_OBJ_RESOURCE, CN_GROUP1_ID,
					 1, 1));
}

/*
 * RegisterClusterNotify's table: an object's V1 filter takes that object's
 * kinds and HANDLE_CLOSE; a kind of another type is -EINVAL.
 */
TEST_F(flt, v1_object_filter_takes_only_its_kinds)
{
	int p = self->env.port;

	EXPECT_EQ(0, cn_add_v1_obj(p, self->env.cid,
				   CN_V1_GROUP_STATE | CN_V1_GROUP_DELETED |
					   CN_V1_HANDLE_CLOSE,
				   CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v1_obj(p, self->env.cid, CN_V1_NODE_STATE,
					 CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID,
					 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v1_obj(p, self->env.cid,
					 CN_V1_GROUP_STATE |
						 CN_V1_CLUSTER_PROPERTY,
					 CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID,
					 1, 1));
	EXPECT_EQ(0, cn_add_v1_obj(p, self->env.cid,
				   CN_V1_REGISTRY_VALUE | CN_V1_REGISTRY_SUBTREE,
				   CLUSNOTIFY_OBJ_REGISTRY, CN_REGKEY_A, 1, 1));
	EXPECT_EQ(-EINVAL, cn_add_v1_obj(p, self->env.cid, CN_V1_GROUP_STATE,
					 CLUSNOTIFY_OBJ_REGISTRY, CN_REGKEY_A,
					 1, 1));
}

TEST_F(flt, missing_cluster_or_object_is_enoent)
{
	int p = self->env.port;

	EXPECT_EQ(-ENOENT, cn_add_v1(p, self->env.cid + 100000, CN_V1_ALL, 1,
				     1));
	EXPECT_EQ(-ENOENT, cn_add_v2_obj(p, self->env.cid,
					 CLUSNOTIFY_OBJ_GROUP,
					 CN_V2_GROUP_STATE, "no-such-group",
					 1, 1));
	/* Objects are found by id, not by name. */
	EXPECT_EQ(-ENOENT, cn_add_v2_obj(p, self->env.cid,
					 CLUSNOTIFY_OBJ_GROUP,
					 CN_V2_GROUP_STATE, CN_GROUP1, 1, 1));
	EXPECT_EQ(-ENOENT, cn_add_v1_obj(p, self->env.cid,
					 CN_V1_REGISTRY_VALUE,
					 CLUSNOTIFY_OBJ_REGISTRY, "No\\Such",
					 1, 1));
	EXPECT_EQ(0, nfilters(p));
}

TEST_F(flt, bad_object_strings)
{
	char *id = malloc(CLUSNOTIFY_NAME_MAX + 2);
	void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct clusnotify_filter f = {
		.cluster_id = self->env.cid,
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
	};
	int p = self->env.port;

	ASSERT_NE(NULL, id);
	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 4096);
	EXPECT_EQ(-EILSEQ, cn_add_v2_obj(p, self->env.cid, CLUSNOTIFY_OBJ_GROUP,
					 CN_V2_GROUP_STATE, "g\xed\xa0\x80",
					 1, 1));
	memset(id, 'i', CLUSNOTIFY_NAME_MAX + 1);
	id[CLUSNOTIFY_NAME_MAX + 1] = 0;
	EXPECT_EQ(-ENAMETOOLONG, cn_add_v2_obj(p, self->env.cid,
					       CLUSNOTIFY_OBJ_GROUP,
					       CN_V2_GROUP_STATE, id, 1, 1));
	f.object = (uintptr_t)gone;
	f.object_len = 10;
	EXPECT_EQ(-EFAULT, cn_add_filter(p, &f));
	EXPECT_EQ(0, nfilters(p));
	free(id);
}

TEST_F(flt, max_filters_is_emfile)
{
	int p = self->env.port, p2, i;

	ASSERT_EQ(0, cn_param_set("max_filters", 4));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, cn_add_v1(p, self->env.cid, CN_V1_GROUP_STATE, i,
				       i));
	EXPECT_EQ(-EMFILE, cn_add_v1(p, self->env.cid, CN_V1_GROUP_STATE, 9,
				     9));
	EXPECT_EQ(4, nfilters(p));
	/* The limit is per port. */
	p2 = cn_open_port(0);
	ASSERT_LE(0, p2);
	EXPECT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_GROUP_STATE, 1, 1));
	close(p2);
	ASSERT_EQ(1, cn_remove(p, 0, 0));
	EXPECT_EQ(0, cn_add_v1(p, self->env.cid, CN_V1_GROUP_STATE, 9, 9));
}

TEST_HARNESS_MAIN
