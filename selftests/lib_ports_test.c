// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi's V1 notification ports against the real module:
 * CreateClusterNotifyPort (new, not associated with a cluster, adding to a
 * port, bad handles), RegisterClusterNotify per group, node, resource and
 * registry key (with and without CLUSTER_CHANGE_REGISTRY_SUBTREE), 64-bit
 * keys, V1 and V2 ports side by side, WAIT_TIMEOUT, INFINITE and signals,
 * HANDLE_CLOSE from closing object handles and from CloseCluster (the
 * documented way to end a notification thread), closing a port under
 * blocked waiters, the producer going away (CLUSTER_STATE) and coming back
 * (CLUSTER_RECONNECT), queue overflow (V1 CLUSTER_RECONNECT, V2
 * LOST_NOTIFICATIONS_V2, the exact count through clusnotify_port_read),
 * batch reads (clusnotify_port_read, clusnotify_record_next) and epoll on
 * GetNotifyEventHandle. Events come from a raw netlink
 * producer (cn_util).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "cn_lib.h"
#include "cn_util.h"
#include "kselftest_harness.h"

#define RES2_ID "res-id-2"
#define RES2 "Disk Q:"

FIXTURE(pt) {
	struct cn_env env;
	HCLUSTER hc;
	unsigned int saved_max_records;
	bool restore_max_records;
};

FIXTURE_SETUP(pt)
{
	static const struct cn_obj_desc res2 = {
		.type = CLUSNOTIFY_OBJ_RESOURCE, .id = RES2_ID, .name = RES2,
		.parent = CN_GROUP2_ID, .type_name = "Physical Disk",
		.state = CN_RESOURCE_ONLINE, .has_state = true,
	};

	ASSERT_EQ(0, cn_env_setup(&self->env, "LibPt"));
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &res2, 1));
	self->hc = cn_lib_open(&self->env);
	ASSERT_NE(NULL, self->hc);
}

FIXTURE_TEARDOWN(pt)
{
	if (self->restore_max_records)
		cn_param_set("max_records", self->saved_max_records);
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

static int post(FIXTURE_DATA(pt) *self, const struct cn_event *ev)
{
	return cn_post1(&self->env.nl, self->env.cid, ev);
}

/* @n GROUP_STATE events of Group One in one batch (at most 32). */
static int post_many_events(FIXTURE_DATA(pt) *self, int n)
{
	struct cn_event ev[32];
	int i;

	for (i = 0; i < n && i < (int)CN_ARRAY_SIZE(ev); i++)
		ev[i] = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					  CN_GROUP_ONLINE);
	return cn_post(&self->env.nl, self->env.cid, ev, i, NULL);
}

/* The next record of a V1 port must be (@filter, @key, @name). */
#define EXPECT_V1(port, filter_, key_, name_)                                \
	do {                                                                 \
		struct cn_v1_got g_;                                         \
		EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(port, 2000, &g_));        \
		EXPECT_EQ((DWORD)(filter_), g_.filter);                      \
		EXPECT_EQ((DWORD_PTR)(key_), g_.key);                        \
		EXPECT_STREQ(name_, g_.name);                                \
	} while (0)

/* A port must hold nothing (events are queued before the post returns). */
#define EXPECT_NONE(port)                                                    \
	do {                                                                 \
		struct cn_v1_got g_;                                         \
		EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(port, 0, &g_))             \
			TH_LOG("unexpected filter 0x%x key 0x%lx name '%s'", \
			       g_.filter, (unsigned long)g_.key, g_.name);   \
	} while (0)

static HCHANGE empty_port(void)
{
	return CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
				       INVALID_HANDLE_VALUE, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Creating ports                                                      */
/* ------------------------------------------------------------------ */

TEST_F(pt, create_and_extend)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct cn_event n1 = cn_ev_node_state(CN_NODE1_ID, CN_NODE1, CN_NODE_UP);
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	HCHANGE none, same, v2;
	HGROUP grp;

	/* A port of no cluster: nothing reaches it until a registration. */
	none = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
				       INVALID_HANDLE_VALUE, CLUSTER_CHANGE_ALL,
				       1);
	ASSERT_NE(NULL, none);
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_NONE(none);
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotify(none,
						       CLUSTER_CHANGE_GROUP_STATE,
						       self->hc, 2));
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_V1(none, CLUSTER_CHANGE_GROUP_STATE, 2, CN_GROUP1);

	/* Adding to a port needs a cluster... */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(none, INVALID_HANDLE_VALUE,
						CLUSTER_CHANGE_NODE_STATE, 3));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	/* ... and returns that port, its filters added with their own key. */
	same = CreateClusterNotifyPort(none, self->hc,
				       CLUSTER_CHANGE_NODE_STATE, 4);
	EXPECT_EQ((uintptr_t)none, (uintptr_t)same);
	ASSERT_EQ(0, post(self, &n1));
	EXPECT_V1(none, CLUSTER_CHANGE_NODE_STATE, 4, CN_NODE1);
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_V1(none, CLUSTER_CHANGE_GROUP_STATE, 2, CN_GROUP1);
	EXPECT_NONE(none);

	/* Bad handles, as hCluster or as hChange. */
	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, grp);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						(HCLUSTER)grp,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						(HCLUSTER)(uintptr_t)0x12345671,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(INVALID_HANDLE_VALUE, NULL,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(NULL, self->hc,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort((HCHANGE)self->hc, self->hc,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort((HCHANGE)grp, self->hc,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	CloseClusterGroup(grp);

	/* A port keeps its version: V1 filters on V1 ports only. */
	v2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
				       5);
	ASSERT_NE(NULL, v2);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(v2, self->hc,
						CLUSTER_CHANGE_GROUP_STATE, 6));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(none, self->hc, &f, 1, 7));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(v2, CLUSTER_CHANGE_GROUP_STATE,
					self->hc, 8));
	/* The failed additions left both ports as they were. */
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_V1(none, CLUSTER_CHANGE_GROUP_STATE, 2, CN_GROUP1);
	EXPECT_NONE(none);
	CloseClusterNotifyPort(v2);

	/* A closed port cannot be added to. */
	EXPECT_TRUE(CloseClusterNotifyPort(none));
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPort(none, self->hc,
						CLUSTER_CHANGE_ALL, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(none, CLUSTER_CHANGE_GROUP_STATE,
					self->hc, 0));
}

TEST_F(pt, get_arguments)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	DWORD_PTR key;
	DWORD filter, cch;
	WCHAR name[64];
	HCHANGE port;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 9);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &g1));
	/* lpcchName is required. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  GetClusterNotify(port, &key, &filter, name, NULL, 0));
	/* A size without a buffer asks for the size. */
	cch = 64;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotify(port, &key, &filter, NULL, &cch, 0));
	EXPECT_EQ(strlen(CN_GROUP1), cch);
	/* The key and filter are optional; the event is still there. */
	cch = 64;
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotify(port, NULL, NULL, name, &cch, 0));
	EXPECT_EQ(strlen(CN_GROUP1), cch);
	EXPECT_STREQ(CN_GROUP1, cn_narrow(name));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

/* V1 names count UTF-16 units, without the NUL on output. */
TEST_F(pt, v1_non_ascii_name_sizes)
{
	static const char nm[] = "Gr\xc3\xbcppe \xf0\x9f\x98\x80!";
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, nm,
					       CN_GROUP_ONLINE);
	struct cn_v1_got g;
	HCHANGE port;

	ASSERT_EQ(10, cn_units(nm));
	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 1);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &ev));
	EXPECT_EQ(ERROR_MORE_DATA, cn_v1_get_cap(port, 1000, 10, &g));
	EXPECT_EQ(10, g.cch);
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get_cap(port, 1000, 11, &g));
	EXPECT_EQ(10, g.cch);
	EXPECT_STREQ(nm, g.name);
	CloseClusterNotifyPort(port);
}

/* ------------------------------------------------------------------ */
/* Registrations                                                       */
/* ------------------------------------------------------------------ */

TEST_F(pt, register_per_object)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_FAILED);
	struct cn_event g2 = cn_ev_group_state(CN_GROUP2_ID, CN_GROUP2,
					       CN_GROUP_FAILED);
	struct cn_event n1 = cn_ev_node_state(CN_NODE1_ID, CN_NODE1,
					      CN_NODE_DOWN);
	struct cn_event n2 = cn_ev_node_state(CN_NODE2_ID, CN_NODE2,
					      CN_NODE_DOWN);
	struct cn_event r1 = cn_ev_res_state(CN_RES1_ID, CN_RES1,
					     CN_RESOURCE_OFFLINE);
	struct cn_event r2 = cn_ev_res_state(RES2_ID, RES2,
					     CN_RESOURCE_OFFLINE);
	struct cn_event ren = g1;
	HGROUP grp, gone;
	HNODE node;
	HRESOURCE res;
	HKEY root;
	HCHANGE port, v2;
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };

	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	node = OpenClusterNode(self->hc, cn_wide(CN_NODE1));
	res = OpenClusterResource(self->hc, cn_wide(CN_RES1));
	root = GetClusterKey(self->hc, KEY_READ);
	port = empty_port();
	ASSERT_NE(NULL, grp);
	ASSERT_NE(NULL, node);
	ASSERT_NE(NULL, res);
	ASSERT_NE(NULL, root);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, grp,
					0x10));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE, node,
					0x20));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_RESOURCE_STATE,
					res, 0x30));
	/* Other objects' events do not reach a per-handle registration. */
	ASSERT_EQ(0, post(self, &g2));
	ASSERT_EQ(0, post(self, &n2));
	ASSERT_EQ(0, post(self, &r2));
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &g1));
	ASSERT_EQ(0, post(self, &n1));
	ASSERT_EQ(0, post(self, &r1));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x10, CN_GROUP1);
	EXPECT_V1(port, CLUSTER_CHANGE_NODE_STATE, 0x20, CN_NODE1);
	EXPECT_V1(port, CLUSTER_CHANGE_RESOURCE_STATE, 0x30, CN_RES1);
	EXPECT_NONE(port);
	/* A registration follows its object through a rename. */
	ren.name = "Group One Renamed";
	ASSERT_EQ(0, post(self, &ren));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x10, "Group One Renamed");
	/* One record per matching registration. */
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE,
					self->hc, 0x40));
	ASSERT_EQ(0, post(self, &ren));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x10, "Group One Renamed");
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x40, "Group One Renamed");
	EXPECT_NONE(port);

	/* What cannot be registered. */
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE,
					(HANDLE)port, 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, NULL,
					1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE,
					INVALID_HANDLE_VALUE, 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(port, 0, grp, 1));
	/* Registry kinds need a key, a key takes registry kinds only. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE,
					grp, 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, root,
					1));
	/* A V1 registration on a V2 port, and a V2 one on a V1 port. */
	v2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, NULL, 0,
				       0);
	ASSERT_NE(NULL, v2);
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(v2, CLUSTER_CHANGE_GROUP_STATE, grp, 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotifyV2(port, f, grp, 1));
	CloseClusterNotifyPort(v2);
	/* A closed object handle. */
	gone = OpenClusterGroup(self->hc, cn_wide(CN_GROUP2));
	ASSERT_NE(NULL, gone);
	CloseClusterGroup(gone);
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, gone,
					1));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
	ClusterRegCloseKey(root);
	CloseClusterGroup(grp);
	CloseClusterNode(node);
	CloseClusterResource(res);
}

static struct cn_event regev(const char *path, __u32 v1, __u64 v2)
{
	struct cn_event e = cn_ev_reg_value(path);

	e.v1 = v1;
	e.v2 = v2;
	return e;
}

TEST_F(pt, registry_keys_and_subtree)
{
	struct cn_event val_a = regev(CN_REGKEY_A, CN_V1_REGISTRY_VALUE,
				      CN_V2_REGISTRY_VALUE);
	struct cn_event val_ab = regev(CN_REGKEY_AB, CN_V1_REGISTRY_VALUE,
				       CN_V2_REGISTRY_VALUE);
	struct cn_event val_abc = regev(CN_REGKEY_ABC, CN_V1_REGISTRY_VALUE,
					CN_V2_REGISTRY_VALUE);
	struct cn_event val_other = regev(CN_REGKEY_OTHER, CN_V1_REGISTRY_VALUE,
					  CN_V2_REGISTRY_VALUE);
	struct cn_event val_root = regev("", CN_V1_REGISTRY_VALUE,
					 CN_V2_REGISTRY_VALUE);
	struct cn_event name_root = regev("", CN_V1_REGISTRY_NAME,
					  CN_V2_REGISTRY_NAME);
	struct cn_event name_a = regev(CN_REGKEY_A, CN_V1_REGISTRY_NAME,
				       CN_V2_REGISTRY_NAME);
	struct cn_event attr_abc = regev(CN_REGKEY_ABC,
					 CN_V1_REGISTRY_ATTRIBUTES,
					 CN_V2_REGISTRY_ATTRIBUTES);
	struct cn_event attr_other = regev(CN_REGKEY_OTHER,
					   CN_V1_REGISTRY_ATTRIBUTES,
					   CN_V2_REGISTRY_ATTRIBUTES);
	HKEY root, a, ab;
	HCHANGE port, rootp, allp;

	root = GetClusterKey(self->hc, KEY_READ);
	ASSERT_NE(NULL, root);
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_A),
						   KEY_READ, &a));
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_AB),
						   KEY_READ, &ab));
	port = empty_port();
	ASSERT_NE(NULL, port);
	/* A key alone; a key and below; the root alone; the whole tree. */
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE, a,
					1));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE |
						      CLUSTER_CHANGE_REGISTRY_SUBTREE,
					ab, 2));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_NAME,
					root, 3));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_ATTRIBUTES |
						      CLUSTER_CHANGE_REGISTRY_SUBTREE,
					root, 4));
	ASSERT_EQ(0, post(self, &val_a));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_VALUE, 1, CN_REGKEY_A);
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &val_ab));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_VALUE, 2, CN_REGKEY_AB);
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &val_abc));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_VALUE, 2, CN_REGKEY_ABC);
	EXPECT_NONE(port);
	/* "ResourcesX" shares a prefix with "Resources", nothing more. */
	ASSERT_EQ(0, post(self, &val_other));
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &val_root));
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &name_a));
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &name_root));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_NAME, 3, "");
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &attr_abc));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_ATTRIBUTES, 4, CN_REGKEY_ABC);
	ASSERT_EQ(0, post(self, &attr_other));
	EXPECT_V1(port, CLUSTER_CHANGE_REGISTRY_ATTRIBUTES, 4, CN_REGKEY_OTHER);
	EXPECT_NONE(port);

	/* Registry flags given to the port apply to the root... */
	rootp = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					CLUSTER_CHANGE_REGISTRY_VALUE, 5);
	/* ... and with SUBTREE to the whole database. */
	allp = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_REGISTRY_VALUE |
					       CLUSTER_CHANGE_REGISTRY_SUBTREE,
				       6);
	ASSERT_NE(NULL, rootp);
	ASSERT_NE(NULL, allp);
	ASSERT_EQ(0, post(self, &val_abc));
	ASSERT_EQ(0, post(self, &val_root));
	EXPECT_V1(rootp, CLUSTER_CHANGE_REGISTRY_VALUE, 5, "");
	EXPECT_NONE(rootp);
	/* SUBTREE is a scope, never itself the reported change. */
	EXPECT_V1(allp, CLUSTER_CHANGE_REGISTRY_VALUE, 6, CN_REGKEY_ABC);
	EXPECT_V1(allp, CLUSTER_CHANGE_REGISTRY_VALUE, 6, "");
	EXPECT_NONE(allp);
	/* SUBTREE alone asks for nothing. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_SUBTREE,
					a, 7));
	CloseClusterNotifyPort(port);
	CloseClusterNotifyPort(rootp);
	CloseClusterNotifyPort(allp);
	ClusterRegCloseKey(ab);
	ClusterRegCloseKey(a);
	ClusterRegCloseKey(root);
}

TEST_F(pt, keys_round_trip_64bit)
{
	int local;
	const DWORD_PTR keys[] = {
		0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
		(DWORD_PTR)0x100000000ULL, (DWORD_PTR)0xfedcba9876543210ULL,
		(DWORD_PTR)0x8000000000000000ULL, UINTPTR_MAX,
		(DWORD_PTR)&local,
	};
	struct cn_event n1 = cn_ev_node_state(CN_NODE1_ID, CN_NODE1, CN_NODE_UP);
	bool seen[CN_ARRAY_SIZE(keys)] = { false };
	struct cn_v1_got g;
	HCHANGE port;
	size_t i, j;

	/* The first through CreateClusterNotifyPort, the rest registered. */
	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_NODE_STATE, keys[0]);
	ASSERT_NE(NULL, port);
	for (i = 1; i < CN_ARRAY_SIZE(keys); i++) {
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE,
						self->hc, keys[i]));
	}
	/* One event, one record per registration, each with its own key. */
	ASSERT_EQ(0, post(self, &n1));
	for (i = 0; i < CN_ARRAY_SIZE(keys); i++) {
		ASSERT_EQ(ERROR_SUCCESS, cn_v1_get(port, 1000, &g));
		EXPECT_EQ(CLUSTER_CHANGE_NODE_STATE, g.filter);
		for (j = 0; j < CN_ARRAY_SIZE(keys); j++)
			if (keys[j] == g.key && !seen[j])
				break;
		ASSERT_GT(CN_ARRAY_SIZE(keys), j)
			TH_LOG("key 0x%lx not registered or seen twice",
			       (unsigned long)g.key);
		seen[j] = true;
	}
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

TEST_F(pt, v1_and_v2_ports_side_by_side)
{
	NOTIFY_FILTER_AND_TYPE f[2] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 },
	};
	struct cn_event both = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
						 CN_GROUP_ONLINE);
	struct cn_event v1only = both, v2only = both;
	struct cn_event node = cn_ev_node_state(CN_NODE2_ID, CN_NODE2,
						CN_NODE_UP);
	struct cn_v2_got *g2 = malloc(sizeof(*g2));
	HCHANGE p1, p2;

	ASSERT_NE(NULL, g2);
	v1only.v2 = 0;
	v2only.v1 = 0;
	p1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE |
					     CLUSTER_CHANGE_NODE_STATE, 0x11);
	p2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, f, 2,
				       0x22);
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_EQ(0, post(self, &both));
	EXPECT_V1(p1, CLUSTER_CHANGE_GROUP_STATE, 0x11, CN_GROUP1);
	EXPECT_NONE(p1);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(p2, 1000, g2));
	EXPECT_EQ(0x22, g2->key);
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_GROUP, g2->fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, g2->fat.FilterFlags);
	EXPECT_STREQ(CN_GROUP1_ID, g2->str[CN_S_ID]);
	EXPECT_STREQ(CN_GROUP1, g2->str[CN_S_NAME]);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(p2, 0, g2));
	/* V1 filters match the V1 bit, V2 filters the V2 kind. */
	ASSERT_EQ(0, post(self, &v1only));
	EXPECT_V1(p1, CLUSTER_CHANGE_GROUP_STATE, 0x11, CN_GROUP1);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(p2, 0, g2));
	ASSERT_EQ(0, post(self, &v2only));
	EXPECT_NONE(p1);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(p2, 1000, g2));
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, g2->fat.FilterFlags);
	ASSERT_EQ(0, post(self, &node));
	EXPECT_V1(p1, CLUSTER_CHANGE_NODE_STATE, 0x11, CN_NODE2);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(p2, 1000, g2));
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_NODE, g2->fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_NODE_STATE_V2, g2->fat.FilterFlags);
	EXPECT_STREQ(CN_NODE2, g2->str[CN_S_NAME]);
	EXPECT_NONE(p1);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(p2, 0, g2));
	CloseClusterNotifyPort(p1);
	CloseClusterNotifyPort(p2);
	free(g2);
}

/* ------------------------------------------------------------------ */
/* Timeouts                                                            */
/* ------------------------------------------------------------------ */

struct poster {
	struct cn_nl *nl;
	__u32 cid;
	unsigned int delay_ms;
	struct cn_event ev;
	int ret;
};

static void *poster_thread(void *arg)
{
	struct poster *p = arg;

	cn_sleep_ms(p->delay_ms);
	p->ret = cn_post1(p->nl, p->cid, &p->ev);
	return NULL;
}

TEST_F(pt, timeouts)
{
	struct poster ps = {
		.nl = &self->env.nl, .cid = self->env.cid, .delay_ms = 300,
		.ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					CN_GROUP_ONLINE),
	};
	struct cn_v1_got g;
	struct cn_v2_got *g2 = malloc(sizeof(*g2));
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	HCHANGE port, v2;
	pthread_t th;
	__u64 t0, dt;

	ASSERT_NE(NULL, g2);
	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 1);
	v2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
				       2);
	ASSERT_NE(NULL, port);
	ASSERT_NE(NULL, v2);
	/* dwMilliseconds elapses: WAIT_TIMEOUT, not earlier. */
	t0 = cn_now_ms();
	EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(port, 300, &g));
	dt = cn_now_ms() - t0;
	EXPECT_LE(290, dt);
	EXPECT_GT(5000, dt);
	t0 = cn_now_ms();
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(v2, 300, g2));
	dt = cn_now_ms() - t0;
	EXPECT_LE(290, dt);
	/* 0 does not wait. */
	t0 = cn_now_ms();
	EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(port, 0, &g));
	EXPECT_GT(250, cn_now_ms() - t0);
	/* A timeout leaves the queue alone. */
	ASSERT_EQ(0, post(self, &ps.ev));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 1, CN_GROUP1);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(v2, 0, g2));

	/* INFINITE waits for the event, however long it takes. */
	ASSERT_EQ(0, pthread_create(&th, NULL, poster_thread, &ps));
	t0 = cn_now_ms();
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(port, INFINITE, &g));
	dt = cn_now_ms() - t0;
	EXPECT_LE(250, dt);
	EXPECT_STREQ(CN_GROUP1, g.name);
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(0, ps.ret);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(v2, 0, g2));
	ASSERT_EQ(0, pthread_create(&th, NULL, poster_thread, &ps));
	EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(v2, INFINITE, g2));
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, g2->fat.FilterFlags);
	ASSERT_EQ(0, pthread_join(th, NULL));
	CloseClusterNotifyPort(port);
	CloseClusterNotifyPort(v2);
	free(g2);
}

/* Signals interrupt the wait; the library restarts it, counting down. */
static void on_sigusr1(int sig)
{
	(void)sig;
}

struct sigwaiter {
	HCHANGE port;
	DWORD ms;
	DWORD status;
	__u64 elapsed;
	int started;
	struct cn_v1_got g;
};

static void *sig_wait_thread(void *arg)
{
	struct sigwaiter *w = arg;
	__u64 t0 = cn_now_ms();

	CN_SET(w->started);
	w->status = cn_v1_get(w->port, w->ms, &w->g);
	w->elapsed = cn_now_ms() - t0;
	return NULL;
}

TEST_F(pt, signals_do_not_end_the_wait)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct sigwaiter w = { 0 };
	pthread_t th;
	int i;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	w.port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					 CLUSTER_CHANGE_GROUP_STATE, 1);
	ASSERT_NE(NULL, w.port);

	/*
	 * 1000 ms with a signal every 100 ms for 900 ms: WAIT_TIMEOUT after
	 * about 1000 ms, never an error, and not 1000 ms after the last
	 * signal (a restart counts down what is left).
	 */
	w.ms = 1000;
	ASSERT_EQ(0, pthread_create(&th, NULL, sig_wait_thread, &w));
	while (!CN_TEST(w.started))
		cn_sleep_ms(1);
	for (i = 0; i < 9; i++) {
		cn_sleep_ms(100);
		pthread_kill(th, SIGUSR1);
	}
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(WAIT_TIMEOUT, w.status);
	EXPECT_LE(990, w.elapsed);
	EXPECT_GT(1800, w.elapsed);

	/* INFINITE under signals still ends with the event. */
	w.ms = INFINITE;
	w.started = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, sig_wait_thread, &w));
	while (!CN_TEST(w.started))
		cn_sleep_ms(1);
	for (i = 0; i < 5; i++) {
		cn_sleep_ms(60);
		pthread_kill(th, SIGUSR1);
	}
	ASSERT_EQ(0, post(self, &ev));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ERROR_SUCCESS, w.status);
	EXPECT_STREQ(CN_GROUP1, w.g.name);
	CloseClusterNotifyPort(w.port);
}

/* ------------------------------------------------------------------ */
/* HANDLE_CLOSE                                                        */
/* ------------------------------------------------------------------ */

TEST_F(pt, handle_close_from_object_handles)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	HCHANGE port, other;
	HGROUP grp;
	HNODE node;
	HRESOURCE res;
	HKEY root, key;
	HCLUSTER h2;

	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	node = OpenClusterNode(self->hc, cn_wide(CN_NODE1));
	res = OpenClusterResource(self->hc, cn_wide(CN_RES1));
	root = GetClusterKey(self->hc, KEY_READ);
	h2 = cn_lib_open(&self->env);
	port = empty_port();
	other = empty_port();
	ASSERT_NE(NULL, grp);
	ASSERT_NE(NULL, node);
	ASSERT_NE(NULL, res);
	ASSERT_NE(NULL, root);
	ASSERT_NE(NULL, h2);
	ASSERT_NE(NULL, port);
	ASSERT_NE(NULL, other);
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_A),
						   KEY_READ, &key));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE |
						      CLUSTER_CHANGE_HANDLE_CLOSE,
					grp, 1));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE, node,
					2));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_RESOURCE_STATE |
						      CLUSTER_CHANGE_HANDLE_CLOSE,
					res, 3));
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE |
						      CLUSTER_CHANGE_HANDLE_CLOSE,
					key, 4));
	/* HANDLE_CLOSE alone goes with a cluster handle. */
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_HANDLE_CLOSE, h2,
					5));
	/* Another port registered the group without HANDLE_CLOSE. */
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(other, CLUSTER_CHANGE_GROUP_STATE, grp,
					6));

	EXPECT_TRUE(CloseClusterGroup(grp));
	EXPECT_V1(port, CLUSTER_CHANGE_HANDLE_CLOSE, 1, CN_GROUP1);
	EXPECT_NONE(port);
	EXPECT_NONE(other);
	EXPECT_TRUE(CloseClusterNode(node));
	EXPECT_NONE(port);
	EXPECT_TRUE(CloseClusterResource(res));
	EXPECT_V1(port, CLUSTER_CHANGE_HANDLE_CLOSE, 3, CN_RES1);
	EXPECT_EQ(ERROR_SUCCESS, ClusterRegCloseKey(key));
	EXPECT_V1(port, CLUSTER_CHANGE_HANDLE_CLOSE, 4, CN_REGKEY_A);
	EXPECT_NONE(port);
	EXPECT_TRUE(CloseCluster(h2));
	EXPECT_V1(port, CLUSTER_CHANGE_HANDLE_CLOSE, 5, self->env.name);
	EXPECT_NONE(port);
	/* The closed handles' registrations are gone, on every port. */
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_NONE(port);
	EXPECT_NONE(other);
	/* Closing an unregistered handle posts nothing anywhere. */
	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	ASSERT_NE(NULL, grp);
	EXPECT_TRUE(CloseClusterGroup(grp));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
	CloseClusterNotifyPort(other);
	ClusterRegCloseKey(root);
}

/* The Notification Port Example: CloseCluster ends the port's thread. */
struct example {
	HCHANGE port;
	DWORD mask;
	int n, timeouts;
	DWORD last;
	struct cn_v1_got got[16];
};

static void *example_thread(void *arg)
{
	struct example *x = arg;
	struct cn_v1_got g;

	for (;;) {
		/* The example resets the size before every call. */
		DWORD st = cn_v1_get(x->port, 500, &g);

		x->last = st;
		if (st == WAIT_TIMEOUT) {
			__atomic_add_fetch(&x->timeouts, 1, __ATOMIC_RELEASE);
			continue;
		}
		if (st != ERROR_SUCCESS)
			break;
		if (x->n < (int)CN_ARRAY_SIZE(x->got))
			x->got[x->n++] = g;
		if (g.filter == CLUSTER_CHANGE_HANDLE_CLOSE && g.key == x->mask)
			break;
	}
	return NULL;
}

TEST_F(pt, closecluster_ends_the_port_thread)
{
	struct example *x = calloc(1, sizeof(*x));
	struct cn_event added = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_ADDED,
		.id = "group-id-new", .name = "New Group",
	};
	struct cn_event deleted = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_DELETED,
		.id = "group-id-new", .name = "New Group",
	};
	struct cn_event rstate = cn_ev_res_state(CN_RES1_ID, CN_RES1,
						 CN_RESOURCE_OFFLINE);
	HGROUP grp;
	pthread_t th;
	int i;

	ASSERT_NE(NULL, x);
	x->mask = CLUSTER_CHANGE_GROUP_ADDED | CLUSTER_CHANGE_GROUP_DELETED |
		  CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_RESOURCE_ADDED |
		  CLUSTER_CHANGE_RESOURCE_DELETED |
		  CLUSTER_CHANGE_RESOURCE_STATE | CLUSTER_CHANGE_HANDLE_CLOSE;
	/* The example uses its filter as its key. */
	x->port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					  x->mask, x->mask);
	ASSERT_NE(NULL, x->port);
	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP2));
	ASSERT_NE(NULL, grp);
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(x->port, CLUSTER_CHANGE_GROUP_STATE |
							 CLUSTER_CHANGE_HANDLE_CLOSE,
					grp, 0x77));
	ASSERT_EQ(0, pthread_create(&th, NULL, example_thread, x));
	ASSERT_EQ(0, post(self, &added));
	ASSERT_EQ(0, post(self, &rstate));
	ASSERT_EQ(0, post(self, &deleted));
	/*
	 * Let the thread see a timeout too: wait for one (its wait is 500 ms;
	 * a loaded debug kernel can take far longer than that to get there).
	 */
	for (i = 0; i < 200 && !__atomic_load_n(&x->timeouts, __ATOMIC_ACQUIRE);
	     i++)
		cn_sleep_ms(50);
	EXPECT_TRUE(CloseCluster(self->hc));
	self->hc = NULL;
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ERROR_SUCCESS, x->last);
	EXPECT_LE(1, x->timeouts);
	ASSERT_EQ(5, x->n);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_ADDED, x->got[0].filter);
	EXPECT_STREQ("New Group", x->got[0].name);
	EXPECT_EQ(x->mask, x->got[0].key);
	EXPECT_EQ(CLUSTER_CHANGE_RESOURCE_STATE, x->got[1].filter);
	EXPECT_STREQ(CN_RES1, x->got[1].name);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_DELETED, x->got[2].filter);
	/* The group handle closes first (CloseCluster closes it)... */
	EXPECT_EQ(CLUSTER_CHANGE_HANDLE_CLOSE, x->got[3].filter);
	EXPECT_EQ(0x77, x->got[3].key);
	EXPECT_STREQ(CN_GROUP2, x->got[3].name);
	/* ... then the cluster's own, named after the cluster. */
	EXPECT_EQ(CLUSTER_CHANGE_HANDLE_CLOSE, x->got[4].filter);
	EXPECT_EQ(x->mask, x->got[4].key);
	EXPECT_STREQ(self->env.name, x->got[4].name);
	/* The port stays readable, and empty, after its cluster closed. */
	EXPECT_NONE(x->port);
	EXPECT_TRUE(CloseClusterNotifyPort(x->port));
	free(x);
}

/* ------------------------------------------------------------------ */
/* Closing a port under its waiters                                    */
/* ------------------------------------------------------------------ */

struct blocked {
	HCHANGE port;
	bool v2;
	DWORD ms;
	DWORD status;
	__u64 returned_at;
	int started;
	DWORD filter;		/* V1: what was read */
	DWORD_PTR key;
};

static void *blocked_thread(void *arg)
{
	struct blocked *b = arg;

	CN_SET(b->started);
	if (b->v2) {
		b->status = GetClusterNotifyV2(b->port, NULL, NULL, NULL, NULL,
					       NULL, NULL, NULL, NULL, NULL,
					       NULL, NULL, NULL, b->ms);
	} else {
		struct cn_v1_got g;

		b->status = cn_v1_get(b->port, b->ms, &g);
		b->filter = g.filter;
		b->key = g.key;
	}
	b->returned_at = cn_now_ms();
	return NULL;
}

TEST_F(pt, close_port_wakes_every_waiter)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	struct blocked b[4] = { 0 };
	pthread_t th[4];
	HCHANGE p1, p2;
	__u64 closed_at;
	int i;

	p1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 1);
	p2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
				       2);
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	b[0] = (struct blocked){ .port = p1, .ms = INFINITE };
	b[1] = (struct blocked){ .port = p1, .ms = 20000 };
	b[2] = (struct blocked){ .port = p1, .ms = INFINITE };
	b[3] = (struct blocked){ .port = p2, .ms = INFINITE, .v2 = true };
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_create(&th[i], NULL, blocked_thread,
					    &b[i]));
	}
	for (i = 0; i < 4; i++) {
		while (!CN_TEST(b[i].started))
			cn_sleep_ms(1);
	}
	cn_sleep_ms(200);
	closed_at = cn_now_ms();
	EXPECT_TRUE(CloseClusterNotifyPort(p1));
	EXPECT_TRUE(CloseClusterNotifyPort(p2));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(ERROR_INVALID_HANDLE, b[i].status) TH_LOG("waiter %d", i);
		EXPECT_GT(closed_at + 3000, b[i].returned_at)
			TH_LOG("waiter %d", i);
	}
	/* Closing again, or using the stale handle, is harmless. */
	EXPECT_TRUE(CloseClusterNotifyPort(p1));
	b[0].ms = 0;
	blocked_thread(&b[0]);
	EXPECT_EQ(ERROR_INVALID_HANDLE, b[0].status);
}

TEST_F(pt, close_port_flushes_its_queue)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct clusnotify_port_stats st;
	struct cn_v1_got g;
	HCHANGE port;
	HANDLE ev;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 1);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &g1));
	ASSERT_EQ(0, post(self, &g1));
	ASSERT_EQ(0, clusnotify_port_stats(port, &st));
	EXPECT_EQ(2, st.queued);
	EXPECT_TRUE(CloseClusterNotifyPort(port));
	EXPECT_EQ(ERROR_INVALID_HANDLE, cn_v1_get(port, 0, &g));
	EXPECT_EQ(-EBADF, clusnotify_port_stats(port, &st));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetNotifyEventHandle(port, &ev));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE,
					self->hc, 1));
}

/* ------------------------------------------------------------------ */
/* The producer going away and coming back                             */
/* ------------------------------------------------------------------ */

TEST_F(pt, producer_gone_and_back)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	struct cn_obj_desc changed[2];
	struct cn_v2_got *g2 = malloc(sizeof(*g2));
	HCHANGE p1, p2, v2;
	HNODE node;
	HGROUP grp;
	HCLUSTER h;
	struct cn_nl nl;
	__u32 cid;

	ASSERT_NE(NULL, g2);
	node = OpenClusterNode(self->hc, cn_wide(CN_NODE1));
	ASSERT_NE(NULL, node);
	/* Asks for CLUSTER_STATE. */
	p1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE |
					     CLUSTER_CHANGE_CLUSTER_STATE |
					     CLUSTER_CHANGE_CLUSTER_RECONNECT,
				     0xa);
	/* Does not: still told, through its oldest registration. */
	p2 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 0xb);
	v2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
				       0xd);
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_NE(NULL, v2);
	ASSERT_EQ(ERROR_SUCCESS,
		  RegisterClusterNotify(p2, CLUSTER_CHANGE_NODE_STATE, node,
					0xc));

	/* The producer's socket closes. */
	cn_nl_close(&self->env.nl);
	EXPECT_V1(p1, CLUSTER_CHANGE_CLUSTER_STATE, 0xa, self->env.name);
	EXPECT_NONE(p1);
	EXPECT_V1(p2, CLUSTER_CHANGE_CLUSTER_STATE, 0xb, self->env.name);
	EXPECT_NONE(p2);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(v2, 1000, g2));
	EXPECT_EQ(0xd, g2->key);
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_CLUSTER, g2->fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_STATE_V2, g2->fat.FilterFlags);
	EXPECT_STREQ(self->env.name, g2->str[CN_S_NAME]);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(v2, 0, g2));

	/* The cluster's handles keep working while it is down. */
	EXPECT_EQ(ClusterNodeUp, GetClusterNodeState(node));
	grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	EXPECT_NE(NULL, grp);
	EXPECT_EQ(ClusterGroupOnline, GetClusterGroupState(grp, NULL, NULL));
	CloseClusterGroup(grp);
	h = cn_lib_open(&self->env);
	EXPECT_NE(NULL, h);
	CloseCluster(h);

	/* A producer registers the name again: CLUSTER_RECONNECT. */
	ASSERT_EQ(0, cn_nl_open(&nl));
	ASSERT_EQ(0, cn_register(&nl, self->env.name, &cid));
	EXPECT_EQ(self->env.cid, cid);
	self->env.nl = nl;	/* the teardown unregisters it */
	EXPECT_V1(p1, CLUSTER_CHANGE_CLUSTER_RECONNECT, 0xa, self->env.name);
	EXPECT_NONE(p1);
	EXPECT_V1(p2, CLUSTER_CHANGE_CLUSTER_RECONNECT, 0xb, self->env.name);
	EXPECT_NONE(p2);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(v2, 1000, g2));
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_CLUSTER, g2->fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_RECONNECT_V2, g2->fat.FilterFlags);
	/* Republishing announces what changed meanwhile, only that. */
	changed[1] = cn_std_objects[1];		/* Node2, unchanged */
	changed[0] = (struct cn_obj_desc){
		.type = CLUSNOTIFY_OBJ_GROUP, .id = CN_GROUP1_ID,
		.name = CN_GROUP1, .parent = CN_NODE1_ID,
		.state = CN_GROUP_FAILED, .has_state = true,
	};
	ASSERT_EQ(0, cn_publish(&nl, cid, changed, 2));
	EXPECT_V1(p1, CLUSTER_CHANGE_GROUP_STATE, 0xa, CN_GROUP1);
	EXPECT_NONE(p1);
	EXPECT_V1(p2, CLUSTER_CHANGE_GROUP_STATE, 0xb, CN_GROUP1);
	EXPECT_NONE(p2);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(v2, 1000, g2));
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, g2->fat.FilterFlags);
	EXPECT_STREQ(CN_GROUP1_ID, g2->str[CN_S_ID]);
	EXPECT_EQ(4, g2->payload_len);
	EXPECT_EQ(CN_GROUP_FAILED, *(DWORD *)g2->payload);
	CloseClusterNotifyPort(p1);
	CloseClusterNotifyPort(p2);
	CloseClusterNotifyPort(v2);
	CloseClusterNode(node);
	free(g2);
}

struct forked_producer {
	char name[64];
	__u32 cid;
	int ready;
	int err;
};

static void producer_child(struct forked_producer *fp)
{
	struct cn_nl nl;

	fp->err = cn_nl_open(&nl);
	if (!fp->err)
		fp->err = cn_register(&nl, fp->name, &fp->cid);
	if (!fp->err)
		fp->err = cn_publish(&nl, fp->cid, cn_std_objects,
				     cn_std_nobjects);
	CN_SET(fp->ready);
	for (;;)
		pause();
}

TEST_F(pt, producer_killed_wakes_a_blocked_waiter)
{
	struct forked_producer *fp = cn_shared_alloc(sizeof(*fp));
	struct blocked b = { .ms = INFINITE };
	struct cn_v1_got g;
	struct cn_nl nl;
	pthread_t th;
	HCLUSTER h;
	__u64 end;
	pid_t pid;
	int status;

	ASSERT_NE(NULL, fp);
	cn_unique_name(fp->name, sizeof(fp->name), "LibFork");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		producer_child(fp);
	end = cn_now_ms() + 10000;
	while (!CN_TEST(fp->ready) && cn_now_ms() < end)
		cn_sleep_ms(5);
	ASSERT_EQ(0, fp->err);
	h = OpenCluster(cn_wide(fp->name));
	ASSERT_NE(NULL, h);
	b.port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, h,
					 CLUSTER_CHANGE_CLUSTER_STATE, 0x42);
	ASSERT_NE(NULL, b.port);
	/* A waiter blocked on the port when the producer dies... */
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_thread, &b));
	while (!CN_TEST(b.started))
		cn_sleep_ms(1);
	cn_sleep_ms(100);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* ... wakes with CLUSTER_STATE. */
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(ERROR_SUCCESS, b.status);
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_STATE, b.filter);
	EXPECT_EQ(0x42, b.key);
	/* Exactly one. */
	b.ms = 0;
	blocked_thread(&b);
	EXPECT_EQ(WAIT_TIMEOUT, b.status);
	/* Back, then gone for good: RECONNECT, then CLUSTER_STATE again. */
	ASSERT_EQ(0, cn_nl_open(&nl));
	ASSERT_EQ(0, cn_register(&nl, fp->name, NULL));
	EXPECT_V1(b.port, CLUSTER_CHANGE_CLUSTER_RECONNECT, 0x42, fp->name);
	cn_unregister(&nl, fp->cid);
	cn_nl_close(&nl);
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(b.port, 1000, &g));
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_STATE, g.filter);
	EXPECT_STREQ(fp->name, g.name);
	CloseClusterNotifyPort(b.port);
	CloseCluster(h);
	munmap(fp, sizeof(*fp));
}

/* ------------------------------------------------------------------ */
/* Overflow                                                            */
/* ------------------------------------------------------------------ */

/*
 * max_records bounds a port's queue, not a mapped ring (lib_ring_test
 * overflows those): the ports made after this read by ioctl. Each test
 * runs in a process of its own, so the setting ends with the test.
 */
static int lower_max_records(FIXTURE_DATA(pt) *self, unsigned int n)
{
	int ret = cn_param_get("max_records", &self->saved_max_records);

	if (ret)
		return ret;
	if (setenv("CLUSAPI_RING", "0", 1))
		return -errno;
	self->restore_max_records = true;
	return cn_param_set("max_records", n);
}

TEST_F(pt, overflow_is_reported_v1_and_v2)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	struct cn_v2_got *g2 = malloc(sizeof(*g2));
	HCHANGE p1, p2;
	int i;

	ASSERT_NE(NULL, g2);
	ASSERT_EQ(0, lower_max_records(self, 4));
	p1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 0x51);
	p2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
				       0x52);
	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_EQ(0, post_many_events(self, 10));
	for (i = 0; i < 4; i++) {
		EXPECT_V1(p1, CLUSTER_CHANGE_GROUP_STATE, 0x51, CN_GROUP1);
	}
	/* V1: the loss reads as CLUSTER_RECONNECT, with the filter's key. */
	EXPECT_V1(p1, CLUSTER_CHANGE_CLUSTER_RECONNECT, 0x51, self->env.name);
	EXPECT_NONE(p1);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(p2, 1000, g2));
		EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, g2->fat.FilterFlags);
	}
	/* V2: LOST_NOTIFICATIONS_V2 of the cluster. */
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(p2, 1000, g2));
	EXPECT_EQ(0x52, g2->key);
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_CLUSTER, g2->fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2,
		  g2->fat.FilterFlags);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(p2, 0, g2));
	/* And the port works on. */
	ASSERT_EQ(0, post_many_events(self, 1));
	EXPECT_V1(p1, CLUSTER_CHANGE_GROUP_STATE, 0x51, CN_GROUP1);
	EXPECT_NONE(p1);
	CloseClusterNotifyPort(p1);
	CloseClusterNotifyPort(p2);
	free(g2);
}

TEST_F(pt, overflow_exact_count_by_batch_read)
{
	struct clusnotify_record_view v;
	struct clusnotify_port_stats st;
	static char buf[64 * 1024] __attribute__((aligned(8)));
	__u64 seq0 = 0, expect;
	size_t off = 0;
	ssize_t n;
	HCHANGE port;
	int ret, recs = 0;

	ASSERT_EQ(0, lower_max_records(self, 4));
	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 0x61);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post_many_events(self, 10));
	/* The overflow record keeps counting while it waits. */
	ASSERT_EQ(0, post_many_events(self, 3));
	n = clusnotify_port_read(port, buf, sizeof(buf), 1000);
	ASSERT_LT(0, n);
	while ((ret = clusnotify_record_next(buf, n, &off, &v)) > 0) {
		if (!recs)
			seq0 = v.hdr->seq;
		if (recs < 4) {
			EXPECT_EQ(seq0 + recs, v.hdr->seq);
			EXPECT_EQ(0, v.hdr->flags & CLUSNOTIFY_RECORD_F_LOST);
			EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE, v.hdr->v1_change);
			EXPECT_EQ(0x61, v.hdr->key);
		} else {
			EXPECT_EQ(seq0 + 4, v.hdr->seq);
			EXPECT_TRUE(v.hdr->flags & CLUSNOTIFY_RECORD_F_LOST);
			EXPECT_EQ(9, v.hdr->lost);
			EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_RECONNECT,
				  v.hdr->v1_change);
			EXPECT_EQ(0x61, v.hdr->key);
		}
		recs++;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(5, recs);
	/* The next record's seq proves nothing else went missing. */
	ASSERT_EQ(0, post_many_events(self, 1));
	n = clusnotify_port_read(port, buf, sizeof(buf), 1000);
	ASSERT_LT(0, n);
	off = 0;
	ASSERT_EQ(1, clusnotify_record_next(buf, n, &off, &v));
	expect = seq0 + 4 + 9;
	EXPECT_EQ(expect, v.hdr->seq);
	EXPECT_EQ(0, clusnotify_record_next(buf, n, &off, &v));
	ASSERT_EQ(0, clusnotify_port_stats(port, &st));
	EXPECT_EQ(9, st.lost);
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(expect + 1, st.next_seq);
	/* A batch read with nothing queued times out. */
	EXPECT_EQ(-ETIMEDOUT, clusnotify_port_read(port, buf, sizeof(buf), 50));
	CloseClusterNotifyPort(port);
	EXPECT_EQ(-EBADF, clusnotify_port_read(port, buf, sizeof(buf), 0));
}

/* ------------------------------------------------------------------ */
/* Batch reads                                                         */
/* ------------------------------------------------------------------ */

struct batch {
	HCHANGE port;
	ssize_t ret;
	int started;
};

static void *batch_thread(void *arg)
{
	static char buf[4096] __attribute__((aligned(8)));
	struct batch *b = arg;

	CN_SET(b->started);
	b->ret = clusnotify_port_read(b->port, buf, sizeof(buf),
				      CLUSNOTIFY_INFINITE);
	return NULL;
}

TEST_F(pt, batch_reads)
{
	static char buf[16 * 1024] __attribute__((aligned(8)));
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct clusnotify_record_view v;
	struct batch b = { 0 };
	struct cn_v1_got g;
	pthread_t th;
	HCHANGE port;
	size_t off;
	ssize_t n;
	__u64 t0, seq = 0;
	int i;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 0x71);
	ASSERT_NE(NULL, port);
	/* Several records in one read, in order, with consecutive seqs. */
	ASSERT_EQ(0, post_many_events(self, 5));
	n = clusnotify_port_read(port, buf, sizeof(buf), 1000);
	ASSERT_LT(0, n);
	off = 0;
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(1, clusnotify_record_next(buf, n, &off, &v));
		if (!i)
			seq = v.hdr->seq;
		EXPECT_EQ(seq + i, v.hdr->seq);
		EXPECT_EQ(0x71, v.hdr->key);
		EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE, v.hdr->v1_change);
		EXPECT_STREQ(CN_GROUP1, v.name);
		EXPECT_STREQ(CN_GROUP1_ID, v.id);
	}
	EXPECT_EQ(0, clusnotify_record_next(buf, n, &off, &v));
	/* Mixed with GetClusterNotify: each record goes to one of them. */
	ASSERT_EQ(0, post_many_events(self, 3));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x71, CN_GROUP1);
	n = clusnotify_port_read(port, buf, sizeof(buf), 1000);
	ASSERT_LT(0, n);
	off = 0;
	for (i = 0; clusnotify_record_next(buf, n, &off, &v) > 0; i++) {
		EXPECT_EQ(seq + 6 + i, v.hdr->seq);
	}
	EXPECT_EQ(2, i);
	/* A buffer too small for the next record: -EMSGSIZE, it stays. */
	ASSERT_EQ(0, post(self, &ev));
	EXPECT_EQ(-EMSGSIZE, clusnotify_port_read(port, buf, 32, 1000));
	EXPECT_V1(port, CLUSTER_CHANGE_GROUP_STATE, 0x71, CN_GROUP1);
	/* Nothing queued: -ETIMEDOUT when the time is up. */
	t0 = cn_now_ms();
	EXPECT_EQ(-ETIMEDOUT, clusnotify_port_read(port, buf, sizeof(buf),
						   300));
	EXPECT_LE(290, cn_now_ms() - t0);
	/* Not a port. */
	EXPECT_EQ(-EBADF, clusnotify_port_read(self->hc, buf, sizeof(buf), 0));
	EXPECT_EQ(-EBADF, clusnotify_port_read(NULL, buf, sizeof(buf), 0));
	/* A blocked batch read ends with -ESHUTDOWN when the port closes. */
	b.port = port;
	ASSERT_EQ(0, pthread_create(&th, NULL, batch_thread, &b));
	while (!CN_TEST(b.started))
		cn_sleep_ms(1);
	cn_sleep_ms(200);
	EXPECT_TRUE(CloseClusterNotifyPort(port));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(-ESHUTDOWN, b.ret);
	EXPECT_EQ(-EBADF, clusnotify_port_read(port, buf, sizeof(buf), 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, cn_v1_get(port, 0, &g));
}

/* ------------------------------------------------------------------ */
/* epoll                                                               */
/* ------------------------------------------------------------------ */

static int ready(int ep, int ms, __u32 *events)
{
	struct epoll_event e = { 0 };
	int n = epoll_wait(ep, &e, 1, ms);

	if (events)
		*events = n > 0 ? e.events : 0;
	return n;
}

TEST_F(pt, epoll_on_the_event_handle)
{
	struct cn_event g1 = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	struct poster ps = {
		.nl = &self->env.nl, .cid = self->env.cid, .delay_ms = 200,
		.ev = g1,
	};
	static char buf[16 * 1024] __attribute__((aligned(8)));
	struct epoll_event e = { .events = EPOLLIN };
	HANDLE h = NULL, h2 = NULL;
	struct cn_v1_got g;
	HCHANGE port;
	pthread_t th;
	int fd, ep, dupfd;
	__u32 events;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_GROUP_STATE, 1);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(ERROR_SUCCESS, GetNotifyEventHandle(port, &h));
	ASSERT_EQ(ERROR_SUCCESS, GetNotifyEventHandle(port, &h2));
	EXPECT_EQ((uintptr_t)h, (uintptr_t)h2);
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetNotifyEventHandle(port, NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  GetNotifyEventHandle((HCHANGE)self->hc, &h2));
	fd = (int)(intptr_t)h;
	ASSERT_LE(0, fd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));

	EXPECT_EQ(0, ready(ep, 0, NULL));
	ASSERT_EQ(0, post(self, &g1));
	ASSERT_EQ(0, post(self, &g1));
	EXPECT_EQ(1, ready(ep, 0, &events));
	EXPECT_TRUE(events & EPOLLIN);
	/* Level-triggered: still ready until read. */
	EXPECT_EQ(1, ready(ep, 0, NULL));
	/* ERROR_MORE_DATA leaves the record, and the readiness. */
	EXPECT_EQ(ERROR_MORE_DATA, cn_v1_get_cap(port, 0, 2, &g));
	EXPECT_EQ(1, ready(ep, 0, NULL));
	/* Each GetClusterNotify takes one record from the kernel. */
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(port, 0, &g));
	EXPECT_EQ(1, ready(ep, 0, NULL));
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(port, 0, &g));
	/* Drained: the library kept nothing back. */
	EXPECT_EQ(0, ready(ep, 0, NULL));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(port, 0, &g));

	/* A blocked epoll_wait wakes when an event arrives. */
	ASSERT_EQ(0, pthread_create(&th, NULL, poster_thread, &ps));
	EXPECT_EQ(1, ready(ep, 5000, &events));
	EXPECT_TRUE(events & EPOLLIN);
	ASSERT_EQ(0, pthread_join(th, NULL));
	/* A batch read drains it too. */
	EXPECT_LT(0, clusnotify_port_read(port, buf, sizeof(buf), 0));
	EXPECT_EQ(0, ready(ep, 0, NULL));

	/*
	 * The descriptor belongs to the port: CloseClusterNotifyPort shuts
	 * it down (EPOLLHUP on a duplicate) and closes it.
	 */
	dupfd = dup(fd);
	ASSERT_LE(0, dupfd);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	e.events = EPOLLIN;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, dupfd, &e));
	EXPECT_EQ(0, ready(ep, 0, NULL));
	EXPECT_TRUE(CloseClusterNotifyPort(port));
	EXPECT_EQ(1, ready(ep, 1000, &events));
	EXPECT_TRUE(events & EPOLLHUP);
	close(dupfd);
	close(ep);
}

TEST_HARNESS_MAIN
