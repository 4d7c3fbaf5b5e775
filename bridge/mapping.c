// SPDX-License-Identifier: GPL-2.0
/*
 * mapping.c: Pacemaker's states to the Windows state enums, read the way
 * a Windows cluster administrator would read them.
 */
#include <string.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "mapping.h"
#include "model.h"

uint32_t bm_map_node(const struct bm_node_flags *f)
{
	/* Offline and lost (unclean) are both gone from the membership. */
	if (!f->online)
		return ClusterNodeDown;
	if (f->pending)
		return ClusterNodeJoining;
	/*
	 * Standby drains the node and accepts nothing new: Windows' "pause
	 * with drain". Maintenance keeps what runs there but manages
	 * nothing on it, which is what a paused Windows node does too.
	 */
	if (f->standby || f->maintenance)
		return ClusterNodePaused;
	return ClusterNodeUp;
}

/*
 * An operation under way, named as crm_mon names it: in the pending
 * attribute (record-pending), or as the role itself ("Stopping"), which
 * is what Pacemaker 2.1 prints for an operation recorded as pending.
 */
static uint32_t pending_state(const char *task)
{
	static const char *const down[] = { "Stopping", "Demoting" };
	static const char *const up[] = {
		"Starting", "Promoting", "Migrating",
	};
	size_t i;

	if (!task)
		return 0;
	for (i = 0; i < G_N_ELEMENTS(down); i++)
		if (!strcmp(task, down[i]))
			return ClusterResourceOfflinePending;
	for (i = 0; i < G_N_ELEMENTS(up); i++)
		if (!strcmp(task, up[i]))
			return ClusterResourceOnlinePending;
	/* A monitor under way changes nothing a client would see. */
	return 0;
}

uint32_t bm_map_resource(const char *role, int active, int failed,
			 const char *pending)
{
	uint32_t p;

	if (failed)
		return ClusterResourceFailed;
	p = pending_state(pending);
	if (!p)
		p = pending_state(role);
	if (p)
		return p;
	/* Started, Promoted, Unpromoted: running, which is all V2 shows. */
	if (active && role && strcmp(role, "Stopped"))
		return ClusterResourceOnline;
	return ClusterResourceOffline;
}

static int any(const uint32_t *s, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == v)
			return 1;
	return 0;
}

static int all(const uint32_t *s, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != v)
			return 0;
	return 1;
}

uint32_t bm_map_group(const uint32_t *s, size_t n)
{
	if (any(s, n, ClusterResourceFailed))
		return ClusterGroupFailed;
	if (any(s, n, ClusterResourceOnlinePending) ||
	    any(s, n, ClusterResourceOfflinePending))
		return ClusterGroupPending;
	if (all(s, n, ClusterResourceOffline))
		return ClusterGroupOffline;
	if (all(s, n, ClusterResourceOnline))
		return ClusterGroupOnline;
	return ClusterGroupPartialOnline;
}

uint32_t bm_map_instances(const uint32_t *s, size_t n)
{
	/* One failed or moving instance is what the admin must see. */
	if (any(s, n, ClusterResourceFailed))
		return ClusterResourceFailed;
	if (any(s, n, ClusterResourceOnlinePending))
		return ClusterResourceOnlinePending;
	if (any(s, n, ClusterResourceOfflinePending))
		return ClusterResourceOfflinePending;
	if (any(s, n, ClusterResourceOnline))
		return ClusterResourceOnline;
	return ClusterResourceOffline;
}

const char *bm_state_name(uint32_t type, uint32_t state)
{
	static const char *const node[] = {
		"Up", "Down", "Paused", "Joining",
	};
	static const char *const group[] = {
		"Online", "Offline", "Failed", "PartialOnline", "Pending",
	};
	static const char *const rsc[] = {
		"Inherited", "Initializing", "Online", "Offline", "Failed",
	};
	static const char *const net[] = {
		"Unavailable", "Down", "Partitioned", "Up",
	};
	static const char *const netif[] = {
		"Unavailable", "Failed", "Unreachable", "Up",
	};

	switch (type) {
	case CLUSNOTIFY_OBJ_NODE:
		return state < G_N_ELEMENTS(node) ? node[state] : "?";
	case CLUSNOTIFY_OBJ_GROUP:
		return state < G_N_ELEMENTS(group) ? group[state] : "?";
	case CLUSNOTIFY_OBJ_RESOURCE:
		if (state < G_N_ELEMENTS(rsc))
			return rsc[state];
		if (state == ClusterResourcePending)
			return "Pending";
		if (state == ClusterResourceOnlinePending)
			return "OnlinePending";
		if (state == ClusterResourceOfflinePending)
			return "OfflinePending";
		return "?";
	case CLUSNOTIFY_OBJ_NETWORK:
		return state < G_N_ELEMENTS(net) ? net[state] : "?";
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		return state < G_N_ELEMENTS(netif) ? netif[state] : "?";
	case CLUSNOTIFY_OBJ_QUORUM:
		return state == BM_QUORUM_UP ? "Quorate" :
		       state == BM_QUORUM_LOST ? "Lost" : "?";
	}
	return "?";
}
