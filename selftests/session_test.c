// SPDX-License-Identifier: GPL-2.0
/*
 * Producer sessions: the netlink socket that registered a cluster is its
 * session. Closing it, or killing its process, takes the cluster down and
 * sends CLUSTER_STATE to every port with a filter on it (through each
 * filter holding the flag, else the port's oldest filter on the cluster);
 * registering the name again brings it back with the same id and sends
 * CLUSTER_RECONNECT; republishing then queues the *_STATE record of each
 * object whose state changed, and nothing for the others; unregistering
 * sends CLUSTER_STATE and makes every lookup fail with ENOENT.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define WAIT_MS 3000	/* for records the module makes asynchronously */

FIXTURE(ses) {
	struct cn_nl nl;	/* the producer; closed to end the session */
	struct cn_nl admin;	/* takes over and cleans up */
	char name[64];
	__u32 cid;
	unsigned char *buf;
	struct cn_rec r;
};

FIXTURE_SETUP(ses)
{
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_nl_open(&self->admin));
	ASSERT_EQ(0, cn_nl_open(&self->nl));
	cn_unique_name(self->name, sizeof(self->name), "Ses");
	ASSERT_EQ(0, cn_register(&self->nl, self->name, &self->cid));
	ASSERT_EQ(0, cn_publish(&self->nl, self->cid, cn_std_objects,
				cn_std_nobjects));
}

FIXTURE_TEARDOWN(ses)
{
	__u32 id;

	/* Whoever holds it now, end with the cluster unregistered. */
	if (self->nl.fd >= 0 && !cn_unregister(&self->nl, self->cid))
		self->cid = 0;
	if (self->cid && !cn_register(&self->admin, self->name, &id))
		cn_unregister(&self->admin, id);
	cn_nl_close(&self->nl);
	cn_nl_close(&self->admin);
	free(self->buf);
}

static void check_cluster_record(struct __test_metadata *_metadata,
				 const struct cn_rec *r, __u32 cid,
				 const char *name, bool down)
{
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, r->hdr.flags);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, r->hdr.object_type);
	EXPECT_EQ(cid, r->hdr.cluster_id);
	EXPECT_STREQ(name, r->name);
	if (down) {
		EXPECT_EQ(CN_V1_CLUSTER_STATE, r->hdr.v1_change);
		EXPECT_EQ(CN_V2_CLUSTER_STATE, r->hdr.v2_flag);
		EXPECT_EQ(CLUSNOTIFY_CLUSTER_DOWN, r->hdr.state);
	} else {
		EXPECT_EQ(CN_V1_CLUSTER_RECONNECT, r->hdr.v1_change);
		EXPECT_EQ(CN_V2_CLUSTER_RECONNECT, r->hdr.v2_flag);
		EXPECT_EQ(CLUSNOTIFY_CLUSTER_UP, r->hdr.state);
	}
}

/* Collect the keys of the records on a port (the first one may wait). */
static int keys_of(int port, unsigned char *buf, __u64 *keys, int max,
		   struct cn_rec *last)
{
	int n = 0, ret;

	ret = cn_get_rec(port, buf, WAIT_MS, last);
	while (!ret) {
		if (n < max)
			keys[n] = last->hdr.key;
		n++;
		ret = cn_get_rec(port, buf, 200, last);
	}
	return ret == -ETIMEDOUT ? n : ret;
}

TEST_F(ses, closing_the_socket_sends_cluster_state)
{
	struct cn_env other;
	struct clusnotify_cluster_query q;
	__u64 keys[4];
	int a, b, c, d, e;

	ASSERT_EQ(0, cn_env_setup(&other, "SesOther"));
	a = cn_open_port(0);
	b = cn_open_port(0);
	c = cn_open_port(0);
	d = cn_open_port(0);
	e = cn_open_port(0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	ASSERT_LE(0, d);
	ASSERT_LE(0, e);
	/* a: the second filter holds CLUSTER_STATE. */
	ASSERT_EQ(0, cn_add_v2(a, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, 1, 1));
	ASSERT_EQ(0, cn_add_v1(a, self->cid, CN_V1_CLUSTER_STATE, 2, 2));
	/* b: none holds it: one record through the oldest. */
	ASSERT_EQ(0, cn_add_v2(b, other.cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, 30, 30));
	ASSERT_EQ(0, cn_add_v2(b, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, 3, 3));
	ASSERT_EQ(0, cn_add_v2(b, self->cid, CLUSNOTIFY_OBJ_NODE,
			       CN_V2_NODE_ALL, 4, 4));
	/* c: two filters hold it, V1 and V2: two records. */
	ASSERT_EQ(0, cn_add_v1(c, self->cid,
			       CN_V1_CLUSTER_STATE | CN_V1_GROUP_STATE, 5, 5));
	ASSERT_EQ(0, cn_add_v2(c, self->cid, CLUSNOTIFY_OBJ_CLUSTER,
			       CN_V2_CLUSTER_STATE, 6, 6));
	/* d: filters on another cluster only; e: no filters. */
	ASSERT_EQ(0, cn_add_v1(d, other.cid, CN_V1_ALL, 7, 7));

	cn_nl_close(&self->nl);

	ASSERT_EQ(1, keys_of(a, self->buf, keys, 4, &self->r));
	EXPECT_EQ(2, keys[0]);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, self->r.hdr.version);
	check_cluster_record(_metadata, &self->r, self->cid, self->name, true);
	ASSERT_EQ(1, keys_of(b, self->buf, keys, 4, &self->r));
	EXPECT_EQ(3, keys[0]);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, self->r.hdr.version);
	check_cluster_record(_metadata, &self->r, self->cid, self->name, true);
	ASSERT_EQ(2, keys_of(c, self->buf, keys, 4, &self->r));
	EXPECT_EQ(11, keys[0] + keys[1]);
	EXPECT_EQ(0, cn_drain(d));
	EXPECT_EQ(0, cn_drain(e));

	/* The cluster is down, not gone: found, reported down. */
	ASSERT_EQ(0, cn_cluster_lookup(a, self->name, 0, &q, NULL, 0));
	EXPECT_EQ(self->cid, q.cluster_id);
	EXPECT_EQ(0, q.up);
	close(a);
	close(b);
	close(c);
	close(d);
	close(e);
	cn_env_teardown(&other);
}

TEST_F(ses, a_down_cluster_keeps_its_handles_working)
{
	unsigned char buf[512];
	__u32 size = sizeof(buf);
	struct cn_object o;
	int p = cn_open_port(0);

	ASSERT_LE(0, p);
	cn_nl_close(&self->nl);
	/* Its directory and filters stay usable while it is away. */
	ASSERT_EQ(0, cn_object_lookup(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CN_GROUP1, 0, buf, &size, &o));
	EXPECT_STREQ(CN_GROUP1_ID, o.id);
	EXPECT_EQ(0, cn_add_v2_obj(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE, CN_GROUP1_ID, 1, 1));
	close(p);
}

struct killed {
	char name[64];
	__u32 cid;
	int ready;
};

static int producer_child(void *arg)
{
	struct killed *k = arg;
	struct cn_nl nl;

	if (cn_nl_open(&nl))
		return 1;
	if (cn_register(&nl, k->name, (__u32 *)&k->cid))
		return 2;
	CN_SET(k->ready);
	for (;;)
		pause();
}

TEST_F(ses, killed_producer_sends_cluster_state_then_reconnect)
{
	struct killed *k = cn_shared_alloc(sizeof(*k));
	struct clusnotify_cluster_query q;
	__u64 t0 = cn_now_ms();
	pid_t pid;
	__u32 id;
	int p, status;

	ASSERT_NE(NULL, k);
	cn_unique_name(k->name, sizeof(k->name), "Killed");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(producer_child(k));
	while (!CN_TEST(k->ready) && cn_now_ms() - t0 < 10000)
		cn_sleep_ms(10);
	ASSERT_TRUE(CN_TEST(k->ready));
	p = cn_open_port(0);
	ASSERT_LE(0, p);
	ASSERT_EQ(0, cn_add_v2(p, k->cid, CLUSNOTIFY_OBJ_CLUSTER,
			       CN_V2_CLUSTER_ALL, 0xdead, 1));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	ASSERT_EQ(0, cn_get_rec(p, self->buf, WAIT_MS, &self->r));
	EXPECT_EQ(0xdead, self->r.hdr.key);
	check_cluster_record(_metadata, &self->r, k->cid, k->name, true);
	EXPECT_EQ(-ETIMEDOUT, cn_get_rec(p, self->buf, 200, &self->r));
	ASSERT_EQ(0, cn_cluster_lookup_id(p, k->cid, &q));
	EXPECT_EQ(0, q.up);

	/* Another process takes the name over: same cluster, back up. */
	ASSERT_EQ(0, cn_register(&self->admin, k->name, &id));
	EXPECT_EQ(k->cid, id);
	ASSERT_EQ(0, cn_get_rec(p, self->buf, WAIT_MS, &self->r));
	EXPECT_EQ(0xdead, self->r.hdr.key);
	check_cluster_record(_metadata, &self->r, k->cid, k->name, false);
	ASSERT_EQ(0, cn_cluster_lookup_id(p, k->cid, &q));
	EXPECT_EQ(1, q.up);
	EXPECT_EQ(0, cn_unregister(&self->admin, id));
	close(p);
	munmap(k, sizeof(*k));
}

TEST_F(ses, reregistering_sends_reconnect)
{
	__u64 keys[4];
	__u32 id;
	int p = cn_open_port(0);

	ASSERT_LE(0, p);
	/* The oldest filter does not hold RECONNECT, the second does. */
	ASSERT_EQ(0, cn_add_v1(p, self->cid, CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p, self->cid, CN_V1_CLUSTER_RECONNECT, 2, 2));
	cn_nl_close(&self->nl);
	/* Neither holds CLUSTER_STATE: it comes through the oldest. */
	ASSERT_EQ(1, keys_of(p, self->buf, keys, 4, &self->r));
	EXPECT_EQ(1, keys[0]);
	check_cluster_record(_metadata, &self->r, self->cid, self->name, true);

	ASSERT_EQ(0, cn_nl_open(&self->nl));
	ASSERT_EQ(0, cn_register(&self->nl, self->name, &id));
	EXPECT_EQ(self->cid, id);
	ASSERT_EQ(1, keys_of(p, self->buf, keys, 4, &self->r));
	EXPECT_EQ(2, keys[0]);
	check_cluster_record(_metadata, &self->r, self->cid, self->name,
			     false);
	close(p);
}

/*
 * After a reconnect, republishing the directory queues the *_STATE record
 * of each object whose state changed while the cluster was away (as
 * ApiReAddNotify* does with state sequences), and nothing for the others.
 * These records are made by the module, so they carry F_KERNEL; the V2
 * ones carry the new state as a 4-byte payload.
 */
TEST_F(ses, republishing_queues_only_changed_states)
{
	struct cn_obj_desc objs[4];
	struct clusnotify_port_stats st;
	unsigned char obuf[512];
	__u32 size = sizeof(obuf), state;
	struct cn_object o;
	__u64 seq0;
	int i, n, seen = 0, p = cn_open_port(0);
	__u64 key;
	__u32 id;

	ASSERT_LE(0, p);
	ASSERT_EQ(0, cn_add_v2(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p, self->cid,
			       CN_V1_GROUP_STATE | CN_V1_NODE_STATE |
			       CN_V1_RESOURCE_STATE, 2, 2));
	ASSERT_EQ(0, cn_add_v2(p, self->cid, CLUSNOTIFY_OBJ_RESOURCE,
			       CN_V2_RESOURCE_ALL, 3, 3));
	ASSERT_EQ(0, cn_object_lookup(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CN_GROUP1, 0, obuf, &size, &o));
	seq0 = o.hdr.state_seq;

	cn_nl_close(&self->nl);
	ASSERT_EQ(1, keys_of(p, self->buf, &key, 1, &self->r));
	ASSERT_EQ(0, cn_nl_open(&self->nl));
	ASSERT_EQ(0, cn_register(&self->nl, self->name, &id));
	ASSERT_EQ(1, keys_of(p, self->buf, &key, 1, &self->r));

	/* Group 1 and the resource changed; group 2 and node 1 did not. */
	objs[0] = cn_std_objects[2];		/* group 1: online */
	objs[0].state = CN_GROUP_OFFLINE;
	objs[1] = cn_std_objects[3];		/* group 2: offline */
	objs[2] = cn_std_objects[0];		/* node 1: up */
	objs[3] = cn_std_objects[4];		/* resource: online */
	objs[3].state = 4;			/* failed */
	ASSERT_EQ(0, cn_publish(&self->nl, self->cid, objs, 4));

	ASSERT_EQ(0, cn_port_stats(p, &st));
	n = st.queued;
	EXPECT_EQ(4, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, cn_get_rec(p, self->buf, 0, &self->r));
		seen |= 1 << self->r.hdr.key;
		EXPECT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, self->r.hdr.flags);
		if (!strcmp(self->r.id, CN_GROUP1_ID)) {
			EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, self->r.hdr.object_type);
			EXPECT_EQ(CN_GROUP_OFFLINE, self->r.hdr.state);
			EXPECT_STREQ(CN_GROUP1, self->r.name);
			if (self->r.hdr.version == CLUSNOTIFY_FILTER_V2) {
				EXPECT_EQ(1, self->r.hdr.key);
				EXPECT_EQ(CN_V2_GROUP_STATE,
					  self->r.hdr.v2_flag);
			} else {
				EXPECT_EQ(2, self->r.hdr.key);
				EXPECT_EQ(CN_V1_GROUP_STATE,
					  self->r.hdr.v1_change);
			}
		} else {
			EXPECT_STREQ(CN_RES1_ID, self->r.id);
			EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE,
				  self->r.hdr.object_type);
			EXPECT_EQ(4, self->r.hdr.state);
			if (self->r.hdr.version == CLUSNOTIFY_FILTER_V2) {
				EXPECT_EQ(3, self->r.hdr.key);
				EXPECT_EQ(CN_V2_RESOURCE_STATE,
					  self->r.hdr.v2_flag);
			} else {
				EXPECT_EQ(2, self->r.hdr.key);
				EXPECT_EQ(CN_V1_RESOURCE_STATE,
					  self->r.hdr.v1_change);
			}
		}
		if (self->r.hdr.version == CLUSNOTIFY_FILTER_V2) {
			ASSERT_EQ(4, self->r.hdr.payload_len);
			memcpy(&state, self->r.payload, 4);
			EXPECT_EQ(self->r.hdr.state, state);
		}
	}
	EXPECT_EQ(0xe, seen);
	EXPECT_EQ(0, cn_drain(p));
	size = sizeof(obuf);
	ASSERT_EQ(0, cn_object_lookup(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CN_GROUP1, 0, obuf, &size, &o));
	EXPECT_EQ(CN_GROUP_OFFLINE, o.hdr.state);
	EXPECT_EQ(seq0 + 1, o.hdr.state_seq);

	/* Publishing the same states again is silent. */
	ASSERT_EQ(0, cn_publish(&self->nl, self->cid, objs, 4));
	EXPECT_EQ(0, cn_drain(p));
	close(p);
}

TEST_F(ses, unregistering_sends_cluster_state_and_forgets)
{
	struct clusnotify_cluster_query q;
	unsigned char obuf[512];
	__u32 size = sizeof(obuf), id;
	int p = cn_open_port(0);

	ASSERT_LE(0, p);
	ASSERT_EQ(0, cn_add_v2(p, self->cid, CLUSNOTIFY_OBJ_CLUSTER,
			       CN_V2_CLUSTER_STATE, 9, 9));
	ASSERT_EQ(0, cn_unregister(&self->nl, self->cid));
	ASSERT_EQ(0, cn_get_rec(p, self->buf, WAIT_MS, &self->r));
	EXPECT_EQ(9, self->r.hdr.key);
	check_cluster_record(_metadata, &self->r, self->cid, self->name, true);
	EXPECT_EQ(-ENOENT, cn_cluster_lookup(p, self->name, 0, &q, NULL, 0));
	EXPECT_EQ(-ENOENT, cn_cluster_lookup_id(p, self->cid, &q));
	EXPECT_EQ(-ENOENT, cn_object_lookup(p, self->cid, CLUSNOTIFY_OBJ_GROUP,
					    CN_GROUP1, 0, obuf, &size, NULL));
	EXPECT_EQ(-ENOENT, cn_add_v1(p, self->cid, CN_V1_ALL, 1, 1));
	EXPECT_EQ(-ENOENT, cn_unregister(&self->nl, self->cid));

	/* The name is free: a new cluster, unrelated to the old filters. */
	ASSERT_EQ(0, cn_register(&self->nl, self->name, &id));
	EXPECT_EQ(0, cn_drain(p));
	self->cid = id;
	close(p);
}

/* The session is the socket: another socket of the process is another. */
TEST_F(ses, sessions_are_sockets_not_processes)
{
	struct clusnotify_cluster_query q;
	char name2[64];
	__u32 id2;
	int p = cn_open_port(0);

	ASSERT_LE(0, p);
	cn_unique_name(name2, sizeof(name2), "Ses2");
	ASSERT_EQ(0, cn_register(&self->admin, name2, &id2));
	ASSERT_EQ(0, cn_add_v1(p, id2, CN_V1_CLUSTER_STATE, 1, 1));
	cn_nl_close(&self->nl);
	cn_sleep_ms(100);
	ASSERT_EQ(0, cn_cluster_lookup_id(p, id2, &q));
	EXPECT_EQ(1, q.up);
	ASSERT_EQ(0, cn_cluster_lookup_id(p, self->cid, &q));
	EXPECT_EQ(0, q.up);
	EXPECT_EQ(0, cn_drain(p));
	EXPECT_EQ(0, cn_unregister(&self->admin, id2));
	close(p);
}

TEST_HARNESS_MAIN
