// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi's notification ports against the real module: the documented
 * V1 flow (keys as indexes, ERROR_MORE_DATA keeping the event, WAIT_TIMEOUT,
 * HANDLE_CLOSE from CloseCluster ending the port thread), the V2 flow with
 * os-win's retry, and closing a port while another thread waits on it.
 * Events come from a raw netlink producer (cn_util).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <clusapi.h>
#include "cn_util.h"
#include "kselftest_harness.h"

/* UTF-8 of a NUL-terminated WCHAR string, ASCII only (the tests' names). */
static const char *narrow(const WCHAR *w)
{
	static __thread char buf[1024];
	size_t i;

	for (i = 0; w[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (char)w[i];
	buf[i] = 0;
	return buf;
}

/* A WCHAR copy of an ASCII string. */
static WCHAR *widen(const char *s, WCHAR *out)
{
	size_t i;

	for (i = 0; s[i]; i++)
		out[i] = (WCHAR)(unsigned char)s[i];
	out[i] = 0;
	return out;
}

FIXTURE(lib) {
	struct cn_env env;
	HCLUSTER hc;
};

FIXTURE_SETUP(lib)
{
	WCHAR name[64];

	ASSERT_EQ(0, cn_env_setup(&self->env, "Lib"));
	self->hc = OpenCluster(widen(self->env.name, name));
	ASSERT_NE(NULL, self->hc);
}

FIXTURE_TEARDOWN(lib)
{
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

static const struct cn_event grp1_online = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
	.state = CN_GROUP_ONLINE, .has_state = true,
};

static const struct cn_event node1_state = {
	.type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_STATE,
	.v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID, .name = CN_NODE1,
};

TEST_F(lib, v1_port_keys_and_names)
{
	DWORD_PTR key = 0;
	DWORD filter = 0, cch;
	WCHAR name[256];
	HCHANGE port, again;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 0x1111);
	ASSERT_NE(NULL, port);
	/* Adding to the port with another key returns the same port. */
	again = CreateClusterNotifyPort(port, self->hc,
					CLUSTER_CHANGE_NODE_STATE,
					(DWORD_PTR)0xfedcba9876543210ULL);
	EXPECT_EQ(port, again);
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &grp1_online));
	cch = 256;
	ASSERT_EQ(ERROR_SUCCESS, GetClusterNotify(port, &key, &filter, name,
						  &cch, 1000));
	EXPECT_EQ(0x1111, key);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE, filter);
	EXPECT_EQ(strlen(CN_GROUP1), cch);
	EXPECT_STREQ(CN_GROUP1, narrow(name));

	/* A 64-bit key round-trips bit for bit. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &node1_state));
	cch = 256;
	ASSERT_EQ(ERROR_SUCCESS, GetClusterNotify(port, &key, &filter, name,
						  &cch, 1000));
	EXPECT_EQ((DWORD_PTR)0xfedcba9876543210ULL, key);
	EXPECT_EQ(CLUSTER_CHANGE_NODE_STATE, filter);

	/* Nothing more: WAIT_TIMEOUT, and 0 ms does not wait. */
	cch = 256;
	EXPECT_EQ(WAIT_TIMEOUT, GetClusterNotify(port, &key, &filter, name,
						 &cch, 50));
	EXPECT_EQ(WAIT_TIMEOUT, GetClusterNotify(port, &key, &filter, name,
						 &cch, 0));
	EXPECT_TRUE(CloseClusterNotifyPort(port));
	/* A closed port is an invalid handle, and closing again is TRUE. */
	cch = 256;
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetClusterNotify(port, &key, &filter,
							 name, &cch, 0));
	EXPECT_TRUE(CloseClusterNotifyPort(port));
}

TEST_F(lib, more_data_keeps_the_event)
{
	DWORD_PTR key;
	DWORD filter, cch;
	WCHAR name[64];
	HCHANGE port;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 7);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &grp1_online));
	/* "Group One" is 9 characters: 9 do not hold its NUL. */
	cch = 9;
	EXPECT_EQ(ERROR_MORE_DATA, GetClusterNotify(port, &key, &filter, name,
						    &cch, 1000));
	EXPECT_EQ(9, cch);
	cch = 0;
	EXPECT_EQ(ERROR_MORE_DATA, GetClusterNotify(port, &key, &filter, name,
						    &cch, 1000));
	EXPECT_EQ(9, cch);
	cch = 10;
	ASSERT_EQ(ERROR_SUCCESS, GetClusterNotify(port, &key, &filter, name,
						  &cch, 1000));
	EXPECT_EQ(9, cch);
	EXPECT_STREQ(CN_GROUP1, narrow(name));
	CloseClusterNotifyPort(port);
}

/* The documented pattern: CloseCluster ends the port's thread. */
struct waiter {
	HCHANGE port;
	int records;
	int handle_close;
	DWORD last;
};

static void *port_thread(void *arg)
{
	struct waiter *w = arg;
	DWORD_PTR key;
	DWORD filter, cch, st;
	WCHAR name[256];

	for (;;) {
		cch = 256;
		st = GetClusterNotify(w->port, &key, &filter, name, &cch,
				      INFINITE);
		w->last = st;
		if (st != ERROR_SUCCESS)
			break;
		w->records++;
		if (filter == CLUSTER_CHANGE_HANDLE_CLOSE) {
			w->handle_close++;
			break;
		}
	}
	return NULL;
}

TEST_F(lib, closecluster_posts_handle_close)
{
	struct waiter w = { 0 };
	pthread_t th;

	w.port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					 CLUSTER_CHANGE_GROUP_STATE |
						 CLUSTER_CHANGE_HANDLE_CLOSE,
					 3);
	ASSERT_NE(NULL, w.port);
	ASSERT_EQ(0, pthread_create(&th, NULL, port_thread, &w));
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &grp1_online));
	cn_sleep_ms(100);
	EXPECT_TRUE(CloseCluster(self->hc));
	self->hc = NULL;
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ERROR_SUCCESS, w.last);
	EXPECT_EQ(2, w.records);
	EXPECT_EQ(1, w.handle_close);
	/* The port stays usable after its cluster handle closed. */
	EXPECT_TRUE(CloseClusterNotifyPort(w.port));
}

TEST_F(lib, close_port_while_blocked)
{
	struct waiter w = { 0 };
	pthread_t th;

	w.port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					 CLUSTER_CHANGE_GROUP_STATE, 3);
	ASSERT_NE(NULL, w.port);
	ASSERT_EQ(0, pthread_create(&th, NULL, port_thread, &w));
	cn_sleep_ms(200);
	EXPECT_TRUE(CloseClusterNotifyPort(w.port));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, w.last);
	EXPECT_EQ(0, w.records);
}

/* os-win's V2 listener: group state with a 4-byte payload, MORE_DATA retry. */
TEST_F(lib, v2_group_state_and_retry)
{
	NOTIFY_FILTER_AND_TYPE f[2] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 },
	};
	NOTIFY_FILTER_AND_TYPE fat;
	DWORD_PTR key;
	BYTE buf[4];
	DWORD bsz, cid, cpar, cname, ctype, state = CN_GROUP_FAILED;
	WCHAR id[64], par[64], name[4], type[64], big[16];
	struct cn_event ev = grp1_online;
	HCHANGE port;

	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, f, 2,
					 0x22);
	ASSERT_NE(NULL, port);
	ev.payload = &state;
	ev.payload_len = sizeof(state);
	ev.parent = CN_NODE2_ID;
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	bsz = sizeof(buf);
	cid = cpar = ctype = 64;
	cname = 4;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotifyV2(port, &key, &fat, buf, &bsz, id, &cid,
				     par, &cpar, name, &cname, type, &ctype,
				     1000));
	/* V2 sizes count the NUL, so exactly that much fits. */
	EXPECT_EQ(strlen(CN_GROUP1) + 1, cname);
	EXPECT_EQ(strlen(CN_GROUP1_ID) + 1, cid);
	EXPECT_EQ(4, bsz);
	ASSERT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, &key, &fat, buf, &bsz, id, &cid,
				     par, &cpar, big, &cname, type, &ctype,
				     1000));
	EXPECT_STREQ(CN_GROUP1, narrow(big));
	EXPECT_EQ(0x22, key);
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_GROUP, fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, fat.FilterFlags);
	EXPECT_EQ(4, bsz);
	EXPECT_EQ(0, memcmp(buf, &state, 4));
	EXPECT_STREQ(CN_GROUP1_ID, narrow(id));
	EXPECT_STREQ(CN_NODE2_ID, narrow(par));
	/* A V1 registration on a V2 port is refused. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE,
					self->hc, 1));
	CloseClusterNotifyPort(port);
}

TEST_F(lib, objects_and_states)
{
	WCHAR w[64], node[64];
	DWORD cch = 64;
	HGROUP g;
	HNODE n;

	g = OpenClusterGroup(self->hc, widen(CN_GROUP1, w));
	ASSERT_NE(NULL, g);
	EXPECT_EQ(NULL, OpenClusterGroup(self->hc, widen("No Such Group", w)));
	EXPECT_EQ(ERROR_GROUP_NOT_FOUND, GetLastError());
	n = OpenClusterNode(self->hc, widen(CN_NODE1, w));
	ASSERT_NE(NULL, n);
	EXPECT_NE(ClusterNodeStateUnknown, GetClusterNodeState(n));
	EXPECT_NE(ClusterGroupStateUnknown, GetClusterGroupState(g, node, &cch));
	EXPECT_TRUE(CloseClusterNode(n));
	EXPECT_FALSE(CloseClusterNode(n));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(ClusterNodeStateUnknown, GetClusterNodeState(n));
	EXPECT_TRUE(CloseClusterGroup(g));
	/* A forged handle is invalid, never a crash. */
	EXPECT_EQ(ClusterNodeStateUnknown,
		  GetClusterNodeState((HNODE)(uintptr_t)0x123456789abcdef1ULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
}

TEST_HARNESS_MAIN
