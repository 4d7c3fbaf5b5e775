/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapping.h: Pacemaker's states to the Windows state enums. The table,
 * and why each row is what it is, is in man/clusnotify-pacemaker.8.
 */
#ifndef BRIDGE_MAPPING_H
#define BRIDGE_MAPPING_H

#include <stddef.h>
#include <stdint.h>

/* The booleans crm_mon reports for a node (nodes-2.24.rng). */
struct bm_node_flags {
	int online;
	int pending;
	int standby;		/* standby or standby_onfail */
	int maintenance;
};

/* CLUSTER_NODE_STATE of a node. */
uint32_t bm_map_node(const struct bm_node_flags *f);

/*
 * CLUSTER_RESOURCE_STATE of one primitive instance: its role, whether it
 * is active and failed, and its pending operation ("Starting", ...; NULL
 * or "" for none), as crm_mon reports them (resources-2.24.rng).
 */
uint32_t bm_map_resource(const char *role, int active, int failed,
			 const char *pending);

/*
 * CLUSTER_GROUP_STATE of a group from its members' resource states, or
 * the state of one resource from its clone instances (as_resource).
 */
uint32_t bm_map_group(const uint32_t *states, size_t n);
uint32_t bm_map_instances(const uint32_t *states, size_t n);

/* Names of the state values, for the JSON output; "?" if unknown. */
const char *bm_state_name(uint32_t object_type, uint32_t state);

#endif /* BRIDGE_MAPPING_H */
