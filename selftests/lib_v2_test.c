// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi's V2 notification API against the real module:
 * CreateClusterNotifyPortV2 with several filters and keys,
 * RegisterClusterNotifyV2 (its filter passed by value) per object of every
 * type, RegisterClusterResourceTypeNotifyV2, GetClusterNotifyV2 with every
 * out pair NULL, a short buffer on each pair (ERROR_MORE_DATA, every size
 * updated with the NUL counted, the event kept), payload bytes up to the
 * biggest the module takes, ParentId of GROUP_OWNER_NODE_V2, and the
 * *_HANDLE_CLOSE_V2 of every handle type. Events come from a raw netlink
 * producer (cn_util).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>
#include "cn_lib.h"
#include "cn_util.h"
#include "kselftest_harness.h"

#define NIC1_ID "nic-id-1"
#define NIC1 "Node1 - Ethernet"
#define GS1_ID "gs-id-1"
#define GS1 "Set One"
#define RT_IP_ID "rt-id-ip"
#define RT_IP "IP Address"
#define RT_DISK_ID "rt-id-disk"
#define RT_DISK "Physical Disk"

static const struct cn_obj_desc extra_objects[] = {
	{ .type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE, .id = NIC1_ID,
	  .name = NIC1, .parent = CN_NODE1_ID, .state = 3, .has_state = true },
	{ .type = CLUSNOTIFY_OBJ_GROUPSET, .id = GS1_ID, .name = GS1 },
	{ .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE, .id = RT_IP_ID, .name = RT_IP },
	{ .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE, .id = RT_DISK_ID,
	  .name = RT_DISK },
};

FIXTURE(v2) {
	struct cn_env env;
	HCLUSTER hc;
	struct cn_v2_got *g;
};

FIXTURE_SETUP(v2)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "LibV2"));
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, extra_objects,
				CN_ARRAY_SIZE(extra_objects)));
	self->hc = cn_lib_open(&self->env);
	ASSERT_NE(NULL, self->hc);
	self->g = malloc(sizeof(*self->g));
	ASSERT_NE(NULL, self->g);
}

FIXTURE_TEARDOWN(v2)
{
	free(self->g);
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

static int post(FIXTURE_DATA(v2) *self, const struct cn_event *ev)
{
	return cn_post1(&self->env.nl, self->env.cid, ev);
}

/* The next record of a V2 port must be (@type, @flag, @key, @id). */
#define EXPECT_V2(port, type_, flag_, key_, id_)                             \
	do {                                                                 \
		EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 2000, self->g));    \
		EXPECT_EQ((DWORD)(type_), self->g->fat.dwObjectType);        \
		EXPECT_EQ((LONGLONG)(flag_), self->g->fat.FilterFlags);      \
		EXPECT_EQ((DWORD_PTR)(key_), self->g->key);                  \
		EXPECT_STREQ(id_, self->g->str[CN_S_ID]);                    \
	} while (0)

#define EXPECT_NONE(port)                                                    \
	do {                                                                 \
		EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g))         \
			TH_LOG("unexpected type %u flags 0x%llx id '%s'",    \
			       self->g->fat.dwObjectType,                    \
			       (unsigned long long)self->g->fat.FilterFlags, \
			       self->g->str[CN_S_ID]);                       \
	} while (0)

static HCHANGE empty_v2(HCLUSTER hc)
{
	return CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, NULL, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Ports and filters                                                   */
/* ------------------------------------------------------------------ */

TEST_F(v2, create_with_several_filters)
{
	NOTIFY_FILTER_AND_TYPE f[4] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_RESOURCE,
		  CLUSTER_CHANGE_RESOURCE_STATE_V2 |
			  CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER,
		  CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2 },
	};
	NOTIFY_FILTER_AND_TYPE owner = { CLUSTER_OBJECT_TYPE_GROUP,
					 CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 };
	const DWORD_PTR key = (DWORD_PTR)0xfedcba9876543210ULL;
	HCHANGE port, same;

	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, f, 4,
					 key);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NODE,
				 .v2 = CN_V2_NODE_STATE, .id = CN_NODE2_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE,
				 .v2 = CN_V2_RESOURCE_STATE, .id = CN_RES1_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE,
				 .v2 = CN_V2_RESOURCE_OWNER_GROUP,
				 .id = CN_RES1_ID, .parent = CN_GROUP1_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_CLUSTER,
				 .v2 = CN_V2_CLUSTER_COMMON_PROPERTY,
				 .name = self->env.name }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2,
		  key, CN_GROUP1_ID);
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2,
		  key, CN_NODE2_ID);
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE,
		  CLUSTER_CHANGE_RESOURCE_STATE_V2, key, CN_RES1_ID);
	/* One flag per record, even with two in the filter. */
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE,
		  CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2, key, CN_RES1_ID);
	EXPECT_STREQ(CN_GROUP1_ID, self->g->str[CN_S_PARENT]);
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_CLUSTER,
		  CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2, key, "");
	EXPECT_STREQ(self->env.name, self->g->str[CN_S_NAME]);
	EXPECT_NONE(port);
	/* Filters not asked for stay out. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_OWNER_NODE,
				 .id = CN_GROUP1_ID }));
	EXPECT_NONE(port);

	/* Adding to the port: the same port, the new filters' own key. */
	same = CreateClusterNotifyPortV2(port, self->hc, &owner, 1, 0x88);
	EXPECT_EQ((uintptr_t)port, (uintptr_t)same);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_OWNER_NODE,
				 .id = CN_GROUP1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUP,
		  CLUSTER_CHANGE_GROUP_OWNER_NODE_V2, 0x88, CN_GROUP1_ID);
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

/* The same bit means different events for different object types. */
TEST_F(v2, flags_are_per_object_type)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };	/* 0x8 */
	HCHANGE port;

	ASSERT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2,
		  CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2);
	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
					 1);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE,
				 .v2 = CN_V2_RESOURCE_OWNER_GROUP,
				 .id = CN_RES1_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NETWORK,
				 .v2 = CN_V2_NETWORK_STATE, .id = CN_NET1_ID }));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

TEST_F(v2, create_errors)
{
	NOTIFY_FILTER_AND_TYPE bad[] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, 0 },			/* empty */
		{ CLUSTER_OBJECT_TYPE_GROUP, 0x400 },			/* past ALL */
		{ CLUSTER_OBJECT_TYPE_NODE, 0x100 },
		{ CLUSTER_OBJECT_TYPE_REGISTRY,
		  CLUSTER_CHANGE_REGISTRY_SUBTREE_V2 },			/* scope only */
		{ 0x0e, 1 },						/* no such type */
		{ 0x12, 1 },
		{ CLUSTER_OBJECT_TYPE_NONE, 1 },
		{ CLUSTER_OBJECT_TYPE_GROUP, (LONGLONG)1 << 40 },
	};
	NOTIFY_FILTER_AND_TYPE two[2] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, 0x400 },
	};
	NOTIFY_FILTER_AND_TYPE ok = { CLUSTER_OBJECT_TYPE_GROUP,
				      CLUSTER_CHANGE_GROUP_STATE_V2 };
	HCHANGE port, none, v1;
	size_t i;

	for (i = 0; i < CN_ARRAY_SIZE(bad); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
							  self->hc, &bad[i], 1,
							  0))
			TH_LOG("filter %zu", i);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("filter %zu", i);
	}
	/* One bad filter fails the whole new port. */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
						  self->hc, two, 2, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	/* A count without filters. */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
						  self->hc, NULL, 1, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	/* No filters at all is a port waiting for registrations. */
	port = empty_v2(self->hc);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID }));
	EXPECT_NONE(port);
	/* Adding needs a cluster; a port of no cluster ignores its filters. */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(port, INVALID_HANDLE_VALUE,
						  &ok, 1, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	none = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
					 INVALID_HANDLE_VALUE, &ok, 1, 0);
	ASSERT_NE(NULL, none);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID }));
	EXPECT_NONE(none);
	/* Bad handles. */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
						  (HCLUSTER)(uintptr_t)0x71,
						  &ok, 1, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(NULL, self->hc, &ok, 1, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 0);
	ASSERT_NE(NULL, v1);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(v1, self->hc, &ok, 1, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	CloseClusterNotifyPort(v1);
	CloseClusterNotifyPort(none);
	CloseClusterNotifyPort(port);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateClusterNotifyPortV2(port, self->hc, &ok, 1, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
}

/* ------------------------------------------------------------------ */
/* Per-object registrations                                            */
/* ------------------------------------------------------------------ */

TEST_F(v2, register_per_object)
{
	HGROUP grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
	HNODE node = OpenClusterNode(self->hc, cn_wide(CN_NODE1));
	HRESOURCE res = OpenClusterResource(self->hc, cn_wide(CN_RES1));
	HNETWORK net = OpenClusterNetwork(self->hc, cn_wide(CN_NET1));
	HNETINTERFACE nic = OpenClusterNetInterface(self->hc, cn_wide(NIC1));
	HGROUPSET gs = OpenClusterGroupSet(self->hc, cn_wide(GS1));
	HKEY root = GetClusterKey(self->hc, KEY_READ), a = NULL, ab = NULL;
	NOTIFY_FILTER_AND_TYPE f;
	HCHANGE port, v1;

	ASSERT_NE(NULL, grp);
	ASSERT_NE(NULL, node);
	ASSERT_NE(NULL, res);
	ASSERT_NE(NULL, net);
	ASSERT_NE(NULL, nic);
	ASSERT_NE(NULL, gs);
	ASSERT_NE(NULL, root);
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_A),
						   KEY_READ, &a));
	ASSERT_EQ(ERROR_SUCCESS, ClusterRegOpenKey(root, cn_wide(CN_REGKEY_AB),
						   KEY_READ, &ab));
	port = empty_v2(self->hc);
	ASSERT_NE(NULL, port);

	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_GROUP,
				      CLUSTER_CHANGE_GROUP_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, grp, 1));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_NODE,
				      CLUSTER_CHANGE_NODE_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, node, 2));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_RESOURCE,
				      CLUSTER_CHANGE_RESOURCE_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, res, 3));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_NETWORK,
				      CLUSTER_CHANGE_NETWORK_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, net, 4));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE,
				      CLUSTER_CHANGE_NETINTERFACE_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, nic, 5));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_GROUPSET,
				      CLUSTER_CHANGE_GROUPSET_STATE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, gs, 6));
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_REGISTRY,
				      CLUSTER_CHANGE_REGISTRY_VALUE_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, a, 7));
	f.FilterFlags |= CLUSTER_CHANGE_REGISTRY_SUBTREE_V2;
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, ab, 8));

	/* Other objects of each type: nothing. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP2_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NODE,
				 .v2 = CN_V2_NODE_STATE, .id = CN_NODE2_ID }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_REGISTRY,
				 .v2 = CN_V2_REGISTRY_VALUE,
				 .id = CN_REGKEY_OTHER }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_REGISTRY,
				 .v2 = CN_V2_REGISTRY_VALUE, .id = "" }));
	EXPECT_NONE(port);
	/* Each registered object: one record with its key. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2,
		  1, CN_GROUP1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NODE,
				 .v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2,
		  2, CN_NODE1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE,
				 .v2 = CN_V2_RESOURCE_STATE, .id = CN_RES1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE,
		  CLUSTER_CHANGE_RESOURCE_STATE_V2, 3, CN_RES1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NETWORK,
				 .v2 = CN_V2_NETWORK_STATE, .id = CN_NET1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_NETWORK,
		  CLUSTER_CHANGE_NETWORK_STATE_V2, 4, CN_NET1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
				 .v2 = CN_V2_NETINTERFACE_STATE, .id = NIC1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE,
		  CLUSTER_CHANGE_NETINTERFACE_STATE_V2, 5, NIC1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUPSET,
				 .v2 = CLUSTER_CHANGE_GROUPSET_STATE_V2,
				 .id = GS1_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUPSET,
		  CLUSTER_CHANGE_GROUPSET_STATE_V2, 6, GS1_ID);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_REGISTRY,
				 .v2 = CN_V2_REGISTRY_VALUE, .id = CN_REGKEY_A }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_REGISTRY,
		  CLUSTER_CHANGE_REGISTRY_VALUE_V2, 7, CN_REGKEY_A);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_REGISTRY,
				 .v2 = CN_V2_REGISTRY_VALUE,
				 .id = CN_REGKEY_ABC }));
	/* SUBTREE_V2 is a scope, never reported. */
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_REGISTRY,
		  CLUSTER_CHANGE_REGISTRY_VALUE_V2, 8, CN_REGKEY_ABC);
	EXPECT_NONE(port);
	/* The cluster handle registers the whole cluster. */
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_GROUP,
				      CLUSTER_CHANGE_GROUP_DELETED_V2 };
	EXPECT_EQ(ERROR_SUCCESS, RegisterClusterNotifyV2(port, f, self->hc, 9));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_DELETED, .id = CN_GROUP2_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUP,
		  CLUSTER_CHANGE_GROUP_DELETED_V2, 9, CN_GROUP2_ID);
	EXPECT_NONE(port);

	/* What cannot be registered. */
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_GROUP,
				      CLUSTER_CHANGE_GROUP_STATE_V2 };
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotifyV2(port, f, NULL, 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotifyV2(port, f, (HANDLE)port, 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterNotifyV2(NULL, f, grp, 1));
	f.FilterFlags = 0x400;
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotifyV2(port, f, grp, 1));
	f.FilterFlags = 0;
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotifyV2(port, f, grp, 1));
	/* Cluster-wide kinds need the cluster handle. */
	f = (NOTIFY_FILTER_AND_TYPE){ CLUSTER_OBJECT_TYPE_CLUSTER,
				      CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2 };
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotifyV2(port, f, grp, 1));
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 0);
	ASSERT_NE(NULL, v1);
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterNotifyV2(v1, f, self->hc, 1));
	CloseClusterNotifyPort(v1);
	CloseClusterNotifyPort(port);
	CloseClusterGroup(grp);
	CloseClusterNode(node);
	CloseClusterResource(res);
	CloseClusterNetwork(net);
	CloseClusterNetInterface(nic);
	CloseClusterGroupSet(gs);
	ClusterRegCloseKey(ab);
	ClusterRegCloseKey(a);
	ClusterRegCloseKey(root);
}

TEST_F(v2, resource_type_registration)
{
	const LONGLONG flags = CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2 |
			       CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2;
	static const WCHAR bad[] = { 'I', 0xd800, 0 };
	HCHANGE port, v1;
	HCLUSTER h2;

	port = empty_v2(self->hc);
	ASSERT_NE(NULL, port);
	EXPECT_EQ(ERROR_SUCCESS,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, flags,
						      cn_wide(RT_IP), 0x99));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2,
				 .id = RT_DISK_ID, .name = RT_DISK }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2,
				 .id = RT_IP_ID, .name = RT_IP }));
	EXPECT_NONE(port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2,
				 .id = RT_IP_ID, .name = RT_IP }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE_TYPE,
		  CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2, 0x99,
		  RT_IP_ID);
	EXPECT_STREQ(RT_IP, self->g->str[CN_S_NAME]);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2,
				 .id = RT_IP_ID, .name = RT_IP }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE_TYPE,
		  CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2, 0x99,
		  RT_IP_ID);
	EXPECT_NONE(port);
	/* Type names compare case-insensitively. */
	EXPECT_EQ(ERROR_SUCCESS,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc,
						      CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
						      u"physical DISK", 0x9a));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
				 .id = RT_DISK_ID, .name = RT_DISK }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_RESOURCE_TYPE,
		  CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2, 0x9a, RT_DISK_ID);
	EXPECT_NONE(port);

	/* Errors. */
	EXPECT_EQ(ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, flags,
						      u"No Such Type", 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, flags,
						      NULL, 1));
	EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, flags,
						      bad, 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, 0,
						      cn_wide(RT_IP), 1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterResourceTypeNotifyV2(port, self->hc, 0x40,
						      cn_wide(RT_IP), 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterResourceTypeNotifyV2(NULL, self->hc, flags,
						      cn_wide(RT_IP), 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterResourceTypeNotifyV2(port, NULL, flags,
						      cn_wide(RT_IP), 1));
	EXPECT_EQ(ERROR_INVALID_HANDLE,
		  RegisterClusterResourceTypeNotifyV2(port, (HCLUSTER)port,
						      flags, cn_wide(RT_IP),
						      1));
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				     CLUSTER_CHANGE_GROUP_STATE, 0);
	ASSERT_NE(NULL, v1);
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  RegisterClusterResourceTypeNotifyV2(v1, self->hc, flags,
						      cn_wide(RT_IP), 1));
	CloseClusterNotifyPort(v1);

	/* The registration goes with the cluster handle it was made with. */
	h2 = cn_lib_open(&self->env);
	ASSERT_NE(NULL, h2);
	EXPECT_EQ(ERROR_SUCCESS,
		  RegisterClusterResourceTypeNotifyV2(port, h2,
						      CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2,
						      cn_wide(RT_IP), 0x9b));
	EXPECT_TRUE(CloseCluster(h2));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
				 .v2 = CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2,
				 .id = RT_IP_ID, .name = RT_IP }));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

/* ------------------------------------------------------------------ */
/* GetClusterNotifyV2's buffers                                        */
/* ------------------------------------------------------------------ */

TEST_F(v2, every_out_pair_null)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	static const BYTE pl[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	NOTIFY_FILTER_AND_TYPE fat = { 0 };
	DWORD_PTR key = 0;
	HCHANGE port;

	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
					 0x31);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID,
				 .parent = CN_NODE1_ID, .name = CN_GROUP1,
				 .type_name = "Generic", .payload = pl,
				 .payload_len = sizeof(pl) }));
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP2_ID }));
	/* Everything NULL: the event is consumed, nothing written. */
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, NULL, NULL, NULL, 1000));
	/* Only the key and the kind. */
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, &key, &fat, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, NULL, NULL, NULL, 1000));
	EXPECT_EQ(0x31, key);
	EXPECT_EQ(CLUSTER_OBJECT_TYPE_GROUP, fat.dwObjectType);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, fat.FilterFlags);
	EXPECT_EQ(WAIT_TIMEOUT,
		  GetClusterNotifyV2(port, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, NULL, NULL, NULL, 0));
	CloseClusterNotifyPort(port);
}

/* The event every short-buffer case reads. */
#define SB_ID "7d1c5f5e-0001-4c1a-9f00-\xc3\xa9\xf0\x9f\x98\x80"
#define SB_PARENT CN_NODE2_ID
#define SB_NAME "Gr\xc3\xbcppe \xf0\x9f\x98\x80 One"
#define SB_TYPE "Generic Application"

TEST_F(v2, short_buffer_on_each_pair)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_STATE_V2 };
	static const char *const strs[4] = { SB_ID, SB_PARENT, SB_NAME,
					     SB_TYPE };
	BYTE pl[13], buf[64];
	WCHAR s[4][64];
	DWORD need[5], size[5], exact[5];
	NOTIFY_FILTER_AND_TYPE fat;
	DWORD_PTR key;
	HCHANGE port;
	int pair, i, round;

	for (i = 0; i < (int)sizeof(pl); i++)
		pl[i] = 0xa0 + i;
	/* Sizes as V2 reports them: bytes, and units with the NUL. */
	need[0] = sizeof(pl);
	for (i = 0; i < 4; i++)
		need[i + 1] = cn_units(strs[i]) + 1;
	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
					 0x41);
	ASSERT_NE(NULL, port);

	/*
	 * For each pair: too small by one, then zero, then a NULL buffer
	 * with a size (a size query): ERROR_MORE_DATA with every size
	 * updated; then exactly the sizes returned fit.
	 */
	for (pair = 0; pair < 5; pair++) {
		ASSERT_EQ(0, post(self, &(struct cn_event){
					 .type = CLUSNOTIFY_OBJ_GROUP,
					 .v2 = CN_V2_GROUP_STATE,
					 .id = SB_ID, .parent = SB_PARENT,
					 .name = SB_NAME, .type_name = SB_TYPE,
					 .payload = pl,
					 .payload_len = sizeof(pl) }));
		for (round = 0; round < 3; round++) {
			bool null_buf = round == 2;

			for (i = 0; i < 5; i++)
				size[i] = i ? 64 : sizeof(buf);
			size[pair] = round == 0 ? need[pair] - 1 :
				     round == 1 ? 0 : 64;
			EXPECT_EQ(ERROR_MORE_DATA,
				  GetClusterNotifyV2(port, &key, &fat,
						     null_buf && pair == 0 ?
							NULL : buf, &size[0],
						     null_buf && pair == 1 ?
							NULL : s[0], &size[1],
						     null_buf && pair == 2 ?
							NULL : s[1], &size[2],
						     null_buf && pair == 3 ?
							NULL : s[2], &size[3],
						     null_buf && pair == 4 ?
							NULL : s[3], &size[4],
						     1000))
				TH_LOG("pair %d round %d", pair, round);
			for (i = 0; i < 5; i++) {
				EXPECT_EQ(need[i], size[i])
					TH_LOG("pair %d round %d size %d",
					       pair, round, i);
			}
		}
		/* os-win allocates exactly what came back, and it fits. */
		memcpy(exact, size, sizeof(exact));
		memset(s, 0, sizeof(s));
		ASSERT_EQ(ERROR_SUCCESS,
			  GetClusterNotifyV2(port, &key, &fat, buf, &exact[0],
					     s[0], &exact[1], s[1], &exact[2],
					     s[2], &exact[3], s[3], &exact[4],
					     1000))
			TH_LOG("pair %d", pair);
		EXPECT_EQ(0x41, key);
		EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE_V2, fat.FilterFlags);
		EXPECT_EQ(sizeof(pl), exact[0]);
		EXPECT_EQ(0, memcmp(buf, pl, sizeof(pl)));
		for (i = 0; i < 4; i++) {
			/* On success the lengths leave the NUL out. */
			EXPECT_EQ(cn_units(strs[i]), exact[i + 1])
				TH_LOG("string %d", i);
			EXPECT_EQ(0, s[i][exact[i + 1]]) TH_LOG("string %d", i);
			EXPECT_STREQ(strs[i], cn_narrow(s[i]))
				TH_LOG("string %d", i);
		}
		EXPECT_NONE(port);
	}
	CloseClusterNotifyPort(port);
}

TEST_F(v2, empty_strings_and_no_payload)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE,
				     CLUSTER_CHANGE_NODE_STATE_V2 };
	WCHAR s[4][8];
	DWORD size[5];
	BYTE buf[4];
	HCHANGE port;
	int i;

	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
					 1);
	ASSERT_NE(NULL, port);
	/* A node event: no parent, no type, no payload. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NODE,
				 .v2 = CN_V2_NODE_STATE, .id = "n1",
				 .name = "N" }));
	/* An empty string still needs its NUL. */
	size[0] = 4;
	for (i = 1; i < 5; i++)
		size[i] = 2;
	size[2] = 0;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotifyV2(port, NULL, NULL, buf, &size[0], s[0],
				     &size[1], s[1], &size[2], s[2], &size[3],
				     s[3], &size[4], 1000));
	EXPECT_EQ(0, size[0]);
	EXPECT_EQ(3, size[1]);
	EXPECT_EQ(1, size[2]);
	EXPECT_EQ(2, size[3]);
	EXPECT_EQ(1, size[4]);
	/* A NULL payload buffer is fine when there is no payload. */
	size[1] = 3;
	s[1][0] = s[3][0] = 0x55;
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, NULL, NULL, NULL, &size[0], s[0],
				     &size[1], s[1], &size[2], s[2], &size[3],
				     s[3], &size[4], 1000));
	EXPECT_EQ(0, size[0]);
	EXPECT_EQ(2, size[1]);
	EXPECT_EQ(0, size[2]);
	EXPECT_EQ(0, s[1][0]);
	EXPECT_EQ(1, size[3]);
	EXPECT_EQ(0, size[4]);
	EXPECT_EQ(0, s[3][0]);
	CloseClusterNotifyPort(port);
}

TEST_F(v2, payload_bytes)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP,
				     CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2 };
	static BYTE pl[CLUSNOTIFY_PAYLOAD_MAX];
	static char longname[CLUSNOTIFY_NAME_MAX + 1];
	DWORD size;
	HCHANGE port;
	size_t i;

	for (i = 0; i < sizeof(pl); i++)
		pl[i] = (BYTE)(i * 7 + (i >> 8));
	memset(longname, 'x', CLUSNOTIFY_NAME_MAX);
	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, &f, 1,
					 1);
	ASSERT_NE(NULL, port);
	/* A small payload. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_COMMON_PROPERTY,
				 .id = CN_GROUP1_ID, .payload = pl,
				 .payload_len = 300 }));
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(port, 1000, self->g));
	EXPECT_EQ(300, self->g->payload_len);
	EXPECT_EQ(0, memcmp(pl, self->g->payload, 300));
	/*
	 * The biggest payload with names of the biggest size: a record far
	 * beyond any small stack buffer the library may start with.
	 */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_COMMON_PROPERTY,
				 .id = longname, .parent = longname,
				 .name = longname, .type_name = longname,
				 .payload = pl, .payload_len = sizeof(pl) }));
	size = sizeof(pl) - 1;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotifyV2(port, NULL, NULL, self->g->payload, &size,
				     NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, 1000));
	EXPECT_EQ(sizeof(pl), size);
	ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(port, 1000, self->g));
	EXPECT_EQ(sizeof(pl), self->g->payload_len);
	EXPECT_EQ(0, memcmp(pl, self->g->payload, sizeof(pl)));
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, self->g->cch[CN_S_NAME]);
	EXPECT_STREQ(longname, self->g->str[CN_S_ID]);
	EXPECT_STREQ(longname, self->g->str[CN_S_TYPE]);
	/* Just the payload, the strings not asked for. */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_COMMON_PROPERTY,
				 .id = longname, .name = longname,
				 .payload = pl, .payload_len = sizeof(pl) }));
	size = sizeof(pl);
	memset(self->g->payload, 0, sizeof(pl));
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, NULL, NULL, self->g->payload, &size,
				     NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, 1000));
	EXPECT_EQ(sizeof(pl), size);
	EXPECT_EQ(0, memcmp(pl, self->g->payload, sizeof(pl)));
	EXPECT_NONE(port);
	CloseClusterNotifyPort(port);
}

TEST_F(v2, owner_node_in_parent_id)
{
	NOTIFY_FILTER_AND_TYPE f[2] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 },
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 },
	};
	HCHANGE port;

	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, self->hc, f, 2,
					 1);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_GROUP,
				 .v2 = CN_V2_GROUP_OWNER_NODE,
				 .id = CN_GROUP1_ID, .name = CN_GROUP1,
				 .parent = CN_NODE2_ID }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_GROUP,
		  CLUSTER_CHANGE_GROUP_OWNER_NODE_V2, 1, CN_GROUP1_ID);
	EXPECT_STREQ(CN_NODE2_ID, self->g->str[CN_S_PARENT]);
	EXPECT_EQ(strlen(CN_NODE2_ID), self->g->cch[CN_S_PARENT]);
	EXPECT_STREQ(CN_GROUP1, self->g->str[CN_S_NAME]);
	/* Node events: "The ParentId is not set". */
	ASSERT_EQ(0, post(self, &(struct cn_event){
				 .type = CLUSNOTIFY_OBJ_NODE,
				 .v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID,
				 .name = CN_NODE1 }));
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2,
		  1, CN_NODE1_ID);
	EXPECT_STREQ("", self->g->str[CN_S_PARENT]);
	EXPECT_EQ(0, self->g->cch[CN_S_PARENT]);
	CloseClusterNotifyPort(port);
}

/* ------------------------------------------------------------------ */
/* *_HANDLE_CLOSE_V2                                                   */
/* ------------------------------------------------------------------ */

static HANDLE open_node(HCLUSTER h) { return OpenClusterNode(h, cn_wide(CN_NODE1)); }
static HANDLE open_group(HCLUSTER h) { return OpenClusterGroup(h, cn_wide(CN_GROUP1)); }
static HANDLE open_res(HCLUSTER h) { return OpenClusterResource(h, cn_wide(CN_RES1)); }
static HANDLE open_net(HCLUSTER h) { return OpenClusterNetwork(h, cn_wide(CN_NET1)); }
static HANDLE open_nic(HCLUSTER h) { return OpenClusterNetInterface(h, cn_wide(NIC1)); }
static HANDLE open_gs(HCLUSTER h) { return OpenClusterGroupSet(h, cn_wide(GS1)); }

static HANDLE open_key(HCLUSTER h)
{
	HKEY root = GetClusterKey(h, KEY_READ), k = NULL;

	if (!root)
		return NULL;
	if (ClusterRegOpenKey(root, cn_wide(CN_REGKEY_AB), KEY_READ, &k))
		k = NULL;
	ClusterRegCloseKey(root);
	return k;
}

static BOOL close_node(HANDLE h) { return CloseClusterNode(h); }
static BOOL close_group(HANDLE h) { return CloseClusterGroup(h); }
static BOOL close_res(HANDLE h) { return CloseClusterResource(h); }
static BOOL close_net(HANDLE h) { return CloseClusterNetwork(h); }
static BOOL close_nic(HANDLE h) { return CloseClusterNetInterface(h); }
static BOOL close_gs(HANDLE h) { return CloseClusterGroupSet(h); }

static BOOL close_key(HANDLE h)
{
	return ClusterRegCloseKey(h) == ERROR_SUCCESS;
}

static const struct hc_kind {
	const char *what;
	DWORD type;
	LONGLONG other, handle_close;
	const char *id, *name;
	HANDLE (*open)(HCLUSTER h);
	BOOL (*close)(HANDLE h);
} hc_kinds[] = {
	{ "group", CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2,
	  CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2, CN_GROUP1_ID, CN_GROUP1,
	  open_group, close_group },
	{ "resource", CLUSTER_OBJECT_TYPE_RESOURCE,
	  CLUSTER_CHANGE_RESOURCE_STATE_V2,
	  CLUSTER_CHANGE_RESOURCE_HANDLE_CLOSE_V2, CN_RES1_ID, CN_RES1,
	  open_res, close_res },
	{ "node", CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2,
	  CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2, CN_NODE1_ID, CN_NODE1,
	  open_node, close_node },
	{ "network", CLUSTER_OBJECT_TYPE_NETWORK,
	  CLUSTER_CHANGE_NETWORK_STATE_V2,
	  CLUSTER_CHANGE_NETWORK_HANDLE_CLOSE_V2, CN_NET1_ID, CN_NET1,
	  open_net, close_net },
	{ "netinterface", CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE,
	  CLUSTER_CHANGE_NETINTERFACE_STATE_V2,
	  CLUSTER_CHANGE_NETINTERFACE_HANDLE_CLOSE_V2, NIC1_ID, NIC1,
	  open_nic, close_nic },
	{ "groupset", CLUSTER_OBJECT_TYPE_GROUPSET,
	  CLUSTER_CHANGE_GROUPSET_STATE_V2,
	  CLUSTER_CHANGE_GROUPSET_HANDLE_CLOSE_v2, GS1_ID, GS1, open_gs,
	  close_gs },
	{ "registry key", CLUSTER_OBJECT_TYPE_REGISTRY,
	  CLUSTER_CHANGE_REGISTRY_VALUE_V2,
	  CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2, CN_REGKEY_AB, CN_REGKEY_AB,
	  open_key, close_key },
};

TEST_F(v2, handle_close_v2_of_every_handle_type)
{
	NOTIFY_FILTER_AND_TYPE f;
	HANDLE h, h_plain;
	HCHANGE port;
	size_t i;

	port = empty_v2(self->hc);
	ASSERT_NE(NULL, port);
	for (i = 0; i < CN_ARRAY_SIZE(hc_kinds); i++) {
		const struct hc_kind *k = &hc_kinds[i];

		h = k->open(self->hc);
		h_plain = k->open(self->hc);
		ASSERT_NE(NULL, h) TH_LOG("%s", k->what);
		ASSERT_NE(NULL, h_plain) TH_LOG("%s", k->what);
		f.dwObjectType = k->type;
		f.FilterFlags = k->other | k->handle_close;
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotifyV2(port, f, h, 0x100 + i))
			TH_LOG("%s", k->what);
		/* Without the flag, closing posts nothing. */
		f.FilterFlags = k->other;
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotifyV2(port, f, h_plain, 0x200 + i))
			TH_LOG("%s", k->what);
		EXPECT_TRUE(k->close(h_plain)) TH_LOG("%s", k->what);
		EXPECT_NONE(port);
		EXPECT_TRUE(k->close(h)) TH_LOG("%s", k->what);
		EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 1000, self->g))
			TH_LOG("%s", k->what);
		EXPECT_EQ(k->type, self->g->fat.dwObjectType)
			TH_LOG("%s", k->what);
		EXPECT_EQ(k->handle_close, self->g->fat.FilterFlags)
			TH_LOG("%s", k->what);
		EXPECT_EQ(0x100 + i, self->g->key) TH_LOG("%s", k->what);
		EXPECT_STREQ(k->id, self->g->str[CN_S_ID]) TH_LOG("%s", k->what);
		EXPECT_STREQ(k->name, self->g->str[CN_S_NAME])
			TH_LOG("%s", k->what);
		EXPECT_NONE(port);
	}
	CloseClusterNotifyPort(port);
}

TEST_F(v2, closecluster_posts_every_handle_close_v2)
{
	NOTIFY_FILTER_AND_TYPE cf = { CLUSTER_OBJECT_TYPE_CLUSTER,
				      CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2 |
					      CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2 };
	NOTIFY_FILTER_AND_TYPE f;
	HANDLE h[CN_ARRAY_SIZE(hc_kinds)];
	bool seen[CN_ARRAY_SIZE(hc_kinds)] = { false };
	HCLUSTER h2;
	HCHANGE port;
	size_t i, j;

	h2 = cn_lib_open(&self->env);
	ASSERT_NE(NULL, h2);
	port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, h2, &cf, 1,
					 0xc1);
	ASSERT_NE(NULL, port);
	for (i = 0; i < CN_ARRAY_SIZE(hc_kinds); i++) {
		h[i] = hc_kinds[i].open(h2);
		ASSERT_NE(NULL, h[i]) TH_LOG("%s", hc_kinds[i].what);
		f.dwObjectType = hc_kinds[i].type;
		f.FilterFlags = hc_kinds[i].handle_close;
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotifyV2(port, f, h[i], 0x100 + i))
			TH_LOG("%s", hc_kinds[i].what);
	}
	EXPECT_TRUE(CloseCluster(h2));
	/* Every derived handle's record, then the cluster's own, last. */
	for (i = 0; i < CN_ARRAY_SIZE(hc_kinds); i++) {
		ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(port, 1000, self->g));
		for (j = 0; j < CN_ARRAY_SIZE(hc_kinds); j++)
			if (self->g->key == 0x100 + j)
				break;
		ASSERT_GT(CN_ARRAY_SIZE(hc_kinds), j)
			TH_LOG("key 0x%lx", (unsigned long)self->g->key);
		EXPECT_FALSE(seen[j]);
		seen[j] = true;
		EXPECT_EQ(hc_kinds[j].type, self->g->fat.dwObjectType);
		EXPECT_EQ(hc_kinds[j].handle_close, self->g->fat.FilterFlags);
		EXPECT_STREQ(hc_kinds[j].name, self->g->str[CN_S_NAME]);
	}
	EXPECT_V2(port, CLUSTER_OBJECT_TYPE_CLUSTER,
		  CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2, 0xc1, "");
	EXPECT_STREQ(self->env.name, self->g->str[CN_S_NAME]);
	EXPECT_NONE(port);
	for (i = 0; i < CN_ARRAY_SIZE(hc_kinds); i++) {
		EXPECT_FALSE(hc_kinds[i].close(h[i]))
			TH_LOG("%s", hc_kinds[i].what);
	}
	CloseClusterNotifyPort(port);
}

TEST_HARNESS_MAIN
