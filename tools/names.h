/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the Windows notification vocabulary, for printing and parsing:
 * object types (CLUSTER_OBJECT_TYPE), V1 flags (CLUSTER_CHANGE), the V2
 * flags of each object type (CLUSTER_CHANGE_*_V2) and the states of each
 * object type (CLUSTER_*_STATE). The values are the SDK's; the spellings
 * are the SDK's too, so what a tool prints can be grepped for in clusapi.h.
 *
 * Printing uses the SDK name without its "CLUSTER_CHANGE_" (or, for the one
 * V2 flag spelled without CHANGE_, "CLUSTER_") prefix: GROUP_STATE for V1,
 * GROUP_STATE_V2 for V2. Parsing is case-insensitive and takes the full SDK
 * name, the name without that prefix and, for V2 flags, also the name
 * relative to the type (STATE for CLUSTER_CHANGE_GROUP_STATE_V2), with or
 * without the "_V2" suffix.
 *
 * Every function is pure (tables only): no I/O, no allocation.
 * Parsers return 0 on success and -EINVAL for a name they do not know.
 */
#ifndef CLUSNOTIFY_TOOLS_NAMES_H
#define CLUSNOTIFY_TOOLS_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* One named value of a table. */
struct names_entry {
	uint64_t value;
	const char *name;	/* the SDK's full spelling */
};

/* --- object types (CLUSNOTIFY_OBJ_*) ------------------------------- */

/* "GROUP" for CLUSNOTIFY_OBJ_GROUP, "NETWORK_INTERFACE", ...; NULL if none. */
const char *names_type(uint32_t type);

/*
 * A type by name: GROUP, group, CLUSTER_OBJECT_TYPE_GROUP, and the alias
 * NETINTERFACE for NETWORK_INTERFACE. NONE is not accepted.
 */
int names_type_parse(const char *s, uint32_t *type);

/* Every object type but NONE, in value order (*n gets the count). */
const uint32_t *names_types(size_t *n);

/* --- V1: CLUSTER_CHANGE -------------------------------------------- */

/* The SDK name of one CLUSTER_CHANGE bit, or NULL. */
const char *names_v1(uint32_t bit);

/*
 * One V1 name (NODE_STATE, cluster_change_node_state, ...) or ALL
 * (CLUSTER_CHANGE_ALL): *mask gets its bit(s).
 */
int names_v1_parse(const char *s, uint32_t *mask);

/*
 * The object type a V1 bit is about (CLUSNOTIFY_OBJ_NODE for NODE_STATE,
 * CLUSNOTIFY_OBJ_CLUSTER for CLUSTER_STATE, ...); CLUSNOTIFY_OBJ_NONE for
 * HANDLE_CLOSE, which every type has. This is RegisterClusterNotify's
 * table: a filter on an object takes its own type's bits only.
 */
uint32_t names_v1_type(uint32_t bit);

/* Every V1 bit, in value order. */
const struct names_entry *names_v1_table(size_t *n);

/* --- V2: CLUSTER_CHANGE_<TYPE>_V2 ---------------------------------- */

/* The SDK name of one V2 flag of type, or NULL. */
const char *names_v2(uint32_t type, uint64_t flag);

/* One V2 flag name of type, or ALL: *mask gets its bit(s). */
int names_v2_parse(uint32_t type, const char *s, uint64_t *mask);

/* Every V2 flag of type (NULL and 0 for a type without V2 flags). */
const struct names_entry *names_v2_table(uint32_t type, size_t *n);

/* The union of a type's V2 flags (its *_ALL_V2), 0 if it has none. */
uint64_t names_v2_all(uint32_t type);

/* --- printing ------------------------------------------------------ */

/* An SDK name without "CLUSTER_CHANGE_" or "CLUSTER_": GROUP_STATE_V2. */
const char *names_short(const char *sdk_name);

/* --- states -------------------------------------------------------- */

/*
 * The state's name for an object of type: "Online" for a group in
 * ClusterGroupOnline, "Up"/"Down" for the cluster itself (the module's
 * CLUSNOTIFY_CLUSTER_UP/DOWN). NULL for CLUSNOTIFY_STATE_UNKNOWN, a type
 * without named states, or a value the type does not define.
 */
const char *names_state(uint32_t type, uint32_t state);

/*
 * A state of type by name (case-insensitive: online, OnlinePending) or as a
 * decimal number (any value, for types without named states).
 */
int names_state_parse(uint32_t type, const char *s, uint32_t *state);

/* The named states of type, in value order (NULL and 0 if it has none). */
const struct names_entry *names_state_table(uint32_t type, size_t *n);

#endif
