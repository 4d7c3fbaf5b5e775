// SPDX-License-Identifier: GPL-2.0
/*
 * OBJECT_LOOKUP and the object directory: lookup by (type, name) and by
 * id, the struct clusnotify_object and strings it returns, -EMSGSIZE with
 * the size needed, -ENOENT/-EINVAL/-EILSEQ/-ENAMETOOLONG/-EFAULT; and the
 * directory as the fold of what the producer publishes, removes and posts
 * (*_ADDED inserts, *_DELETED removes, *_STATE sets state and state_seq,
 * any event renames, a rename keeps the id).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(obj) {
	struct cn_env env;
	unsigned char buf[4096];
	struct cn_object o;
};

FIXTURE_SETUP(obj)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "Obj"));
}

FIXTURE_TEARDOWN(obj)
{
	cn_env_teardown(&self->env);
}

/* Look up into self->buf / self->o: 0 or -errno. */
static int lookup(FIXTURE_DATA(obj) *self, __u32 type, const char *key,
		  __u32 flags)
{
	__u32 size = sizeof(self->buf);

	memset(self->buf, 0xee, sizeof(self->buf));
	return cn_object_lookup(self->env.port, self->env.cid, type, key,
				flags, self->buf, &size, &self->o);
}

TEST_F(obj, lookup_by_type_and_name)
{
	__u32 size = sizeof(self->buf);

	ASSERT_EQ(0, cn_object_lookup(self->env.port, self->env.cid,
				      CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0,
				      self->buf, &size, &self->o));
	EXPECT_EQ(self->o.hdr.size, size);
	/* The struct, then id, parent, name and type, each NUL-ended. */
	EXPECT_EQ(CN_ALIGN8(sizeof(struct clusnotify_object) +
			    strlen(CN_GROUP1_ID) + 1 + strlen(CN_NODE1_ID) + 1 +
			    strlen(CN_GROUP1) + 1 + 0 + 1), self->o.hdr.size);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->o.hdr.type);
	EXPECT_EQ(CN_GROUP_ONLINE, self->o.hdr.state);
	EXPECT_EQ(self->env.cid, self->o.hdr.cluster_id);
	EXPECT_STREQ(CN_GROUP1_ID, self->o.id);
	EXPECT_STREQ(CN_NODE1_ID, self->o.parent);
	EXPECT_STREQ(CN_GROUP1, self->o.name);
	EXPECT_STREQ("", self->o.type);
}

TEST_F(obj, resource_carries_parent_and_type_name)
{
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_RESOURCE, CN_RES1, 0));
	EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE, self->o.hdr.type);
	EXPECT_EQ(CN_RESOURCE_ONLINE, self->o.hdr.state);
	EXPECT_STREQ(CN_RES1_ID, self->o.id);
	EXPECT_STREQ(CN_GROUP1_ID, self->o.parent);
	EXPECT_STREQ(CN_RES1_TYPE, self->o.type);
	EXPECT_EQ(strlen(CN_RES1_TYPE), self->o.hdr.type_len);
}

TEST_F(obj, object_without_state_reports_unknown)
{
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_REGISTRY, CN_REGKEY_AB, 0));
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, self->o.hdr.state);
	EXPECT_STREQ(CN_REGKEY_AB, self->o.id);
}

TEST_F(obj, names_compare_case_insensitively)
{
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, "group one", 0));
	EXPECT_STREQ(CN_GROUP1_ID, self->o.id);
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, "GROUP ONE", 0));
	EXPECT_STREQ(CN_GROUP1, self->o.name);	/* as published */
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_NODE, "NODE2", 0));
	EXPECT_STREQ(CN_NODE2_ID, self->o.id);
}

TEST_F(obj, lookup_by_id_with_and_without_type)
{
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP2_ID,
			    CLUSNOTIFY_LOOKUP_BY_ID));
	EXPECT_STREQ(CN_GROUP2, self->o.name);
	EXPECT_EQ(CN_GROUP_OFFLINE, self->o.hdr.state);
	/* Type 0 with BY_ID: any type. */
	ASSERT_EQ(0, lookup(self, 0, CN_RES1_ID, CLUSNOTIFY_LOOKUP_BY_ID));
	EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE, self->o.hdr.type);
	EXPECT_STREQ(CN_RES1, self->o.name);
	/* The right id with the wrong type is not found. */
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_NODE, CN_GROUP2_ID,
				  CLUSNOTIFY_LOOKUP_BY_ID));
}

TEST_F(obj, ids_compare_exactly)
{
	char upper[64];
	size_t i;

	for (i = 0; CN_GROUP1_ID[i]; i++)
		upper[i] = (CN_GROUP1_ID[i] >= 'a' && CN_GROUP1_ID[i] <= 'z') ?
			   CN_GROUP1_ID[i] - 32 : CN_GROUP1_ID[i];
	upper[i] = 0;
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, upper,
				  CLUSNOTIFY_LOOKUP_BY_ID));
	/* And a name is not an id, nor an id a name. */
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1,
				  CLUSNOTIFY_LOOKUP_BY_ID));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID, 0));
}

TEST_F(obj, wrong_type_or_missing_name_is_enoent)
{
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_RESOURCE, CN_GROUP1, 0));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "No Such Group",
				  0));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "Group On", 0));
}

TEST_F(obj, unknown_cluster_is_enoent)
{
	__u32 size = sizeof(self->buf);

	EXPECT_EQ(-ENOENT, cn_object_lookup(self->env.port,
					    self->env.cid + 100000,
					    CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0,
					    self->buf, &size, NULL));
}

TEST_F(obj, unknown_type_is_einval)
{
	/* 0 only means "any" together with BY_ID. */
	EXPECT_EQ(-EINVAL, lookup(self, 0, CN_GROUP1, 0));
	EXPECT_EQ(-EINVAL, lookup(self, CLUSNOTIFY_OBJ_MAX + 1, CN_GROUP1, 0));
	EXPECT_EQ(-EINVAL, lookup(self, 0x0e, CN_GROUP1, 0));
	EXPECT_EQ(-EINVAL, lookup(self, 0xffffffff, CN_GROUP1_ID,
				  CLUSNOTIFY_LOOKUP_BY_ID));
}

TEST_F(obj, small_buffer_is_emsgsize_with_size)
{
	__u32 need, size = sizeof(self->buf);

	ASSERT_EQ(0, cn_object_lookup(self->env.port, self->env.cid,
				      CLUSNOTIFY_OBJ_RESOURCE, CN_RES1, 0,
				      self->buf, &size, NULL));
	need = size;
	size = 8;
	ASSERT_EQ(-EMSGSIZE, cn_object_lookup(self->env.port, self->env.cid,
					      CLUSNOTIFY_OBJ_RESOURCE, CN_RES1,
					      0, self->buf, &size, NULL));
	EXPECT_EQ(need, size);
	size = need - 1;
	ASSERT_EQ(-EMSGSIZE, cn_object_lookup(self->env.port, self->env.cid,
					      CLUSNOTIFY_OBJ_RESOURCE, CN_RES1,
					      0, self->buf, &size, NULL));
	EXPECT_EQ(need, size);
	/* No buffer at all: a pure size query. */
	size = 0;
	ASSERT_EQ(-EMSGSIZE, cn_object_lookup(self->env.port, self->env.cid,
					      CLUSNOTIFY_OBJ_RESOURCE, CN_RES1,
					      0, NULL, &size, NULL));
	EXPECT_EQ(need, size);
	/* Exactly the size needed works. */
	size = need;
	memset(self->buf, 0xee, sizeof(self->buf));
	ASSERT_EQ(0, cn_object_lookup(self->env.port, self->env.cid,
				      CLUSNOTIFY_OBJ_RESOURCE, CN_RES1, 0,
				      self->buf, &size, &self->o));
	EXPECT_EQ(need, size);
	EXPECT_EQ(0xee, self->buf[need]);	/* nothing written past it */
}

TEST_F(obj, bad_strings_are_eilseq_and_enametoolong)
{
	char *key = malloc(CLUSNOTIFY_NAME_MAX + 2);

	ASSERT_NE(NULL, key);
	EXPECT_EQ(-EILSEQ, lookup(self, CLUSNOTIFY_OBJ_GROUP, "G\xc0\x80", 0));
	EXPECT_EQ(-EILSEQ, lookup(self, CLUSNOTIFY_OBJ_GROUP, "\xed\xbf\xbf",
				  CLUSNOTIFY_LOOKUP_BY_ID));
	memset(key, 'k', CLUSNOTIFY_NAME_MAX + 1);
	key[CLUSNOTIFY_NAME_MAX + 1] = 0;
	EXPECT_EQ(-ENAMETOOLONG, lookup(self, CLUSNOTIFY_OBJ_GROUP, key, 0));
	key[CLUSNOTIFY_NAME_MAX] = 0;
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, key, 0));
	free(key);
}

TEST_F(obj, bad_pointers_are_efault)
{
	void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct clusnotify_object_query q = {
		.cluster_id = self->env.cid,
		.type = CLUSNOTIFY_OBJ_GROUP,
		.key_len = 5,
		.buf = (uintptr_t)self->buf,
		.buf_size = sizeof(self->buf),
	};
	__u32 size = 512;

	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 4096);
	/* The object is found but cannot be written out. */
	EXPECT_EQ(-EFAULT, cn_object_lookup(self->env.port, self->env.cid,
					    CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0,
					    gone, &size, NULL));
	/* The key cannot be read. */
	q.key = (uintptr_t)gone;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->env.port,
				    CLUSNOTIFY_IOC_OBJECT_LOOKUP, &q));
}

/* ------------------------------------------------------------------ */
/* The directory follows the events                                    */
/* ------------------------------------------------------------------ */

TEST_F(obj, state_event_sets_state_and_bumps_state_seq)
{
	struct cn_event st = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.v1 = CN_V1_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
		.state = CN_GROUP_FAILED, .has_state = true,
	};
	struct cn_event prop = {
		.type = CLUSNOTIFY_OBJ_GROUP,
		.v2 = CN_V2_GROUP_COMMON_PROPERTY, .v1 = CN_V1_GROUP_PROPERTY,
		.id = CN_GROUP1_ID, .name = CN_GROUP1,
	};
	__u64 seq0;

	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	seq0 = self->o.hdr.state_seq;
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &st));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_EQ(CN_GROUP_FAILED, self->o.hdr.state);
	EXPECT_EQ(seq0 + 1, self->o.hdr.state_seq);
	/* A V2-only STATE event does the same. */
	st.v1 = 0;
	st.state = CN_GROUP_OFFLINE;
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &st));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_EQ(CN_GROUP_OFFLINE, self->o.hdr.state);
	EXPECT_EQ(seq0 + 2, self->o.hdr.state_seq);
	/* A property event leaves state and state_seq alone. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &prop));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_EQ(CN_GROUP_OFFLINE, self->o.hdr.state);
	EXPECT_EQ(seq0 + 2, self->o.hdr.state_seq);
}

TEST_F(obj, added_events_insert)
{
	struct cn_event ev[] = {
		/* V2 CLUSTER GROUP_ADDED: the event is the cluster's. */
		{ .type = CLUSNOTIFY_OBJ_CLUSTER,
		  .v2 = CN_V2_CLUSTER_GROUP_ADDED, .id = "grp-new",
		  .name = "New Group", .parent = CN_NODE1_ID },
		/* V1 RESOURCE_ADDED */
		{ .type = CLUSNOTIFY_OBJ_RESOURCE, .v1 = CN_V1_RESOURCE_ADDED,
		  .id = "res-new", .name = "New Disk", .parent = "grp-new",
		  .type_name = "Physical Disk" },
		/* V2 NODE NETINTERFACE_ADDED */
		{ .type = CLUSNOTIFY_OBJ_NODE,
		  .v2 = CN_V2_NODE_NETINTERFACE_ADDED, .id = "nic-new",
		  .name = "Node1 - eth1", .parent = CN_NODE1_ID },
		/* V2 SHARED_VOLUME ADDED */
		{ .type = CLUSNOTIFY_OBJ_SHARED_VOLUME,
		  .v2 = CN_V2_SHARED_VOLUME_ADDED, .id = "csv-new",
		  .name = "Volume1" },
		/* V2 CLUSTER NODE_ADDED */
		{ .type = CLUSNOTIFY_OBJ_CLUSTER,
		  .v2 = CN_V2_CLUSTER_NODE_ADDED, .id = "node-new",
		  .name = "Node9" },
	};

	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "New Group", 0));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev,
			     CN_ARRAY_SIZE(ev), NULL));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, "New Group", 0));
	EXPECT_STREQ("grp-new", self->o.id);
	EXPECT_STREQ(CN_NODE1_ID, self->o.parent);
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_RESOURCE, "new disk", 0));
	EXPECT_STREQ("res-new", self->o.id);
	EXPECT_STREQ("grp-new", self->o.parent);
	EXPECT_STREQ("Physical Disk", self->o.type);
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "nic-new",
			    CLUSNOTIFY_LOOKUP_BY_ID));
	EXPECT_STREQ("Node1 - eth1", self->o.name);
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_SHARED_VOLUME, "Volume1", 0));
	EXPECT_STREQ("csv-new", self->o.id);
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_NODE, "Node9", 0));
	EXPECT_STREQ("node-new", self->o.id);
}

TEST_F(obj, deleted_events_remove)
{
	struct cn_event ev[] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_DELETED,
		  .v1 = CN_V1_GROUP_DELETED, .id = CN_GROUP2_ID,
		  .name = CN_GROUP2 },
		{ .type = CLUSNOTIFY_OBJ_RESOURCE,
		  .v1 = CN_V1_RESOURCE_DELETED, .id = CN_RES1_ID,
		  .name = CN_RES1 },
		{ .type = CLUSNOTIFY_OBJ_SHARED_VOLUME,
		  .v2 = CN_V2_SHARED_VOLUME_ADDED, .id = "csv",
		  .name = "Vol" },
		{ .type = CLUSNOTIFY_OBJ_SHARED_VOLUME,
		  .v2 = CN_V2_SHARED_VOLUME_REMOVED, .id = "csv",
		  .name = "Vol" },
	};

	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev,
			     CN_ARRAY_SIZE(ev), NULL));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP2, 0));
	EXPECT_EQ(-ENOENT, lookup(self, 0, CN_GROUP2_ID,
				  CLUSNOTIFY_LOOKUP_BY_ID));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_RESOURCE, CN_RES1, 0));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_SHARED_VOLUME, "Vol",
				  0));
	/* The others are untouched. */
	EXPECT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
}

TEST_F(obj, rename_keeps_the_id)
{
	struct cn_event ren = {
		.type = CLUSNOTIFY_OBJ_GROUP,
		.v2 = CN_V2_GROUP_COMMON_PROPERTY, .v1 = CN_V1_GROUP_PROPERTY,
		.id = CN_GROUP1_ID, .name = "Group Renamed",
		.parent = CN_NODE2_ID,
	};

	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ren));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, "group renamed", 0));
	EXPECT_STREQ(CN_GROUP1_ID, self->o.id);
	EXPECT_STREQ("Group Renamed", self->o.name);
	/* An owner-node change carries the new owner in parent. */
	EXPECT_STREQ(CN_NODE2_ID, self->o.parent);
	EXPECT_EQ(CN_GROUP_ONLINE, self->o.hdr.state);
}

/*
 * Each event of a post applies on top of the ones before it in the same
 * post, including those that leave the directory as it was before the
 * post: a rename and its undoing, a state and its return, a deletion and
 * the object added again.
 */
TEST_F(obj, a_post_sees_its_own_earlier_events)
{
	struct cn_event g = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.v1 = CN_V1_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
		.state = CN_GROUP_ONLINE, .has_state = true,
	};
	struct cn_event ev[4];
	__u64 seq0;

	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	ASSERT_EQ(CN_GROUP_ONLINE, self->o.hdr.state);
	seq0 = self->o.hdr.state_seq;

	/* Renamed and back; FAILED and back to ONLINE. */
	ev[0] = g;
	ev[0].v2 = CN_V2_GROUP_COMMON_PROPERTY;
	ev[0].v1 = CN_V1_GROUP_PROPERTY;
	ev[0].has_state = false;
	ev[0].name = "Interim";
	ev[1] = ev[0];
	ev[1].name = CN_GROUP1;
	ev[2] = g;
	ev[2].state = CN_GROUP_FAILED;
	ev[3] = g;
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 4, NULL));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "Interim", 0));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_STREQ(CN_GROUP1, self->o.name);
	EXPECT_EQ(CN_GROUP_ONLINE, self->o.hdr.state);
	EXPECT_EQ(seq0 + 2, self->o.hdr.state_seq);

	/* Deleted, then added again as it was. */
	ev[0] = g;
	ev[0].v2 = CN_V2_GROUP_DELETED;
	ev[0].v1 = CN_V1_GROUP_DELETED;
	ev[0].has_state = false;
	ev[1] = ev[0];
	ev[1].v2 = 0;
	ev[1].v1 = CN_V1_GROUP_ADDED;
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 2, NULL));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_STREQ(CN_GROUP1_ID, self->o.id);

	/* An event that changes nothing leaves it so. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev[1]));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0));
	EXPECT_STREQ(CN_GROUP1, self->o.name);
}

TEST_F(obj, republish_updates_remove_deletes)
{
	struct cn_obj_desc upd = {
		.type = CLUSNOTIFY_OBJ_NODE, .id = CN_NODE2_ID,
		.name = "Node2-renamed", .state = CN_NODE_UP, .has_state = true,
	};

	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &upd, 1));
	ASSERT_EQ(0, lookup(self, CLUSNOTIFY_OBJ_NODE, "Node2-renamed", 0));
	EXPECT_STREQ(CN_NODE2_ID, self->o.id);
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_NODE, CN_NODE2, 0));
	ASSERT_EQ(0, cn_obj_remove(&self->env.nl, self->env.cid, &upd, 1));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_NODE, CN_NODE2_ID,
				  CLUSNOTIFY_LOOKUP_BY_ID));
}

TEST_F(obj, publish_is_all_or_nothing)
{
	struct cn_obj_desc objs[] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "ok-1", .name = "Ok 1" },
		/* 0x0e is no CLUSTER_OBJECT_TYPE (AFFINITYRULE is 0x10) */
		{ .type = 0x0e, .id = "bad", .name = "Bad" },
	};
	struct cn_obj_desc utf[] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "ok-2", .name = "Ok 2" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "bad",
		  .name = "Bad \xc0\x80" },
	};

	EXPECT_EQ(-EINVAL, cn_publish(&self->env.nl, self->env.cid, objs, 2));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "Ok 1", 0));
	EXPECT_EQ(-EILSEQ, cn_publish(&self->env.nl, self->env.cid, utf, 2));
	EXPECT_EQ(-ENOENT, lookup(self, CLUSNOTIFY_OBJ_GROUP, "Ok 2", 0));
}

TEST_F(obj, object_dump_lists_the_directory)
{
	struct cn_obj_info *d = calloc(32, sizeof(*d));
	struct cn_cluster_desc *c = calloc(1, sizeof(*c));
	int i, j, n;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, cn_object_dump(&self->env.nl, self->env.cid, d, 32, &n));
	EXPECT_EQ(cn_std_nobjects, n);
	for (i = 0; i < cn_std_nobjects; i++) {
		for (j = 0; j < n && j < 32; j++)
			if (d[j].type == cn_std_objects[i].type &&
			    !strcmp(d[j].id, cn_std_objects[i].id))
				break;
		EXPECT_LT(j, n);
		if (j >= n)
			continue;
		EXPECT_STREQ(cn_std_objects[i].name, d[j].name);
		if (cn_std_objects[i].has_state)
			EXPECT_EQ(cn_std_objects[i].state, d[j].state);
		EXPECT_TRUE(d[j].attrs & (1U << CLUSNOTIFY_OBJ_A_STATE_SEQ));
	}
	ASSERT_EQ(0, cn_cluster_get(&self->env.nl, self->env.cid, c));
	EXPECT_EQ(cn_std_nobjects, c->objects);
	free(d);
	free(c);
}

TEST_HARNESS_MAIN
