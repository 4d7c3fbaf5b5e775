// SPDX-License-Identifier: GPL-2.0
/*
 * The tables behind names.h. Each entry is written with its SDK constant
 * from clusapi.h and stringified, so a value and its name cannot disagree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <clusapi.h>
#include <linux/clusnotify.h>

#include "names.h"

#define N(x) { (uint64_t)(x), #x }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- object types -------------------------------------------------- */

static const struct {
	uint32_t type;
	const char *name;
	const char *flag_prefix;	/* of its V2 flags, after CHANGE_ */
} types[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, "CLUSTER", "CLUSTER_" },
	{ CLUSNOTIFY_OBJ_GROUP, "GROUP", "GROUP_" },
	{ CLUSNOTIFY_OBJ_RESOURCE, "RESOURCE", "RESOURCE_" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, "RESOURCE_TYPE", "RESOURCE_TYPE_" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "NETWORK_INTERFACE",
	  "NETINTERFACE_" },
	{ CLUSNOTIFY_OBJ_NETWORK, "NETWORK", "NETWORK_" },
	{ CLUSNOTIFY_OBJ_NODE, "NODE", "NODE_" },
	{ CLUSNOTIFY_OBJ_REGISTRY, "REGISTRY", "REGISTRY_" },
	{ CLUSNOTIFY_OBJ_QUORUM, "QUORUM", "QUORUM_" },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, "SHARED_VOLUME", "SHARED_VOLUME_" },
	{ CLUSNOTIFY_OBJ_GROUPSET, "GROUPSET", "GROUPSET_" },
	{ CLUSNOTIFY_OBJ_AFFINITYRULE, "AFFINITYRULE", "AFFINITYRULE_" },
	{ CLUSNOTIFY_OBJ_FAULTDOMAIN, "FAULTDOMAIN", "FAULTDOMAIN_" },
};

static const uint32_t type_values[] = {
	CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_OBJ_GROUP,
	CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE_TYPE,
	CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_OBJ_NETWORK,
	CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_OBJ_QUORUM,
	CLUSNOTIFY_OBJ_SHARED_VOLUME, CLUSNOTIFY_OBJ_GROUPSET,
	CLUSNOTIFY_OBJ_AFFINITYRULE, CLUSNOTIFY_OBJ_FAULTDOMAIN,
};

static int type_index(uint32_t type)
{
	size_t i;

	for (i = 0; i < COUNT(types); i++)
		if (types[i].type == type)
			return (int)i;
	return -1;
}

const char *names_type(uint32_t type)
{
	int i = type_index(type);

	return i < 0 ? NULL : types[i].name;
}

int names_type_parse(const char *s, uint32_t *type)
{
	static const char pfx[] = "CLUSTER_OBJECT_TYPE_";
	size_t i;

	if (!strncasecmp(s, pfx, sizeof(pfx) - 1))
		s += sizeof(pfx) - 1;
	if (!strcasecmp(s, "NETINTERFACE")) {
		*type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE;
		return 0;
	}
	for (i = 0; i < COUNT(types); i++) {
		if (!strcasecmp(s, types[i].name)) {
			*type = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

const uint32_t *names_types(size_t *n)
{
	*n = COUNT(type_values);
	return type_values;
}

/* --- V1 ------------------------------------------------------------ */

static const struct names_entry v1[] = {
	N(CLUSTER_CHANGE_NODE_STATE),
	N(CLUSTER_CHANGE_NODE_DELETED),
	N(CLUSTER_CHANGE_NODE_ADDED),
	N(CLUSTER_CHANGE_NODE_PROPERTY),
	N(CLUSTER_CHANGE_REGISTRY_NAME),
	N(CLUSTER_CHANGE_REGISTRY_ATTRIBUTES),
	N(CLUSTER_CHANGE_REGISTRY_VALUE),
	N(CLUSTER_CHANGE_REGISTRY_SUBTREE),
	N(CLUSTER_CHANGE_RESOURCE_STATE),
	N(CLUSTER_CHANGE_RESOURCE_DELETED),
	N(CLUSTER_CHANGE_RESOURCE_ADDED),
	N(CLUSTER_CHANGE_RESOURCE_PROPERTY),
	N(CLUSTER_CHANGE_GROUP_STATE),
	N(CLUSTER_CHANGE_GROUP_DELETED),
	N(CLUSTER_CHANGE_GROUP_ADDED),
	N(CLUSTER_CHANGE_GROUP_PROPERTY),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_DELETED),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_ADDED),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY),
	N(CLUSTER_CHANGE_CLUSTER_RECONNECT),
	N(CLUSTER_CHANGE_NETWORK_STATE),
	N(CLUSTER_CHANGE_NETWORK_DELETED),
	N(CLUSTER_CHANGE_NETWORK_ADDED),
	N(CLUSTER_CHANGE_NETWORK_PROPERTY),
	N(CLUSTER_CHANGE_NETINTERFACE_STATE),
	N(CLUSTER_CHANGE_NETINTERFACE_DELETED),
	N(CLUSTER_CHANGE_NETINTERFACE_ADDED),
	N(CLUSTER_CHANGE_NETINTERFACE_PROPERTY),
	N(CLUSTER_CHANGE_QUORUM_STATE),
	N(CLUSTER_CHANGE_CLUSTER_STATE),
	N(CLUSTER_CHANGE_CLUSTER_PROPERTY),
	N(CLUSTER_CHANGE_HANDLE_CLOSE),
};

/*
 * The object type of each V1 bit, by bit position: the enum groups them
 * four by four (NODE, REGISTRY, RESOURCE, GROUP, ...), with the cluster's
 * own bits among them.
 */
static const uint8_t v1_types[32] = {
	CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_OBJ_NODE,
	CLUSNOTIFY_OBJ_NODE,
	CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_OBJ_REGISTRY,
	CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_OBJ_REGISTRY,
	CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE,
	CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE,
	CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_OBJ_GROUP,
	CLUSNOTIFY_OBJ_GROUP,
	CLUSNOTIFY_OBJ_RESOURCE_TYPE, CLUSNOTIFY_OBJ_RESOURCE_TYPE,
	CLUSNOTIFY_OBJ_RESOURCE_TYPE,
	CLUSNOTIFY_OBJ_CLUSTER,
	CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_OBJ_NETWORK,
	CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_OBJ_NETWORK,
	CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	CLUSNOTIFY_OBJ_QUORUM,
	CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_OBJ_CLUSTER,
	CLUSNOTIFY_OBJ_NONE,
};

const char *names_v1(uint32_t bit)
{
	size_t i;

	for (i = 0; i < COUNT(v1); i++)
		if (v1[i].value == bit)
			return v1[i].name;
	return NULL;
}

const char *names_short(const char *sdk_name)
{
	if (!strncmp(sdk_name, "CLUSTER_CHANGE_", 15))
		return sdk_name + 15;
	if (!strncmp(sdk_name, "CLUSTER_", 8))
		return sdk_name + 8;
	return sdk_name;
}

int names_v1_parse(const char *s, uint32_t *mask)
{
	size_t i;

	if (!strncasecmp(s, "CLUSTER_CHANGE_", 15))
		s += 15;
	if (!strcasecmp(s, "ALL")) {
		*mask = CLUSTER_CHANGE_ALL;
		return 0;
	}
	for (i = 0; i < COUNT(v1); i++) {
		if (!strcasecmp(s, names_short(v1[i].name))) {
			*mask = (uint32_t)v1[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

uint32_t names_v1_type(uint32_t bit)
{
	if (!bit || (bit & (bit - 1)))
		return CLUSNOTIFY_OBJ_NONE;
	return v1_types[__builtin_ctz(bit)];
}

const struct names_entry *names_v1_table(size_t *n)
{
	*n = COUNT(v1);
	return v1;
}

/* --- V2 ------------------------------------------------------------ */

static const struct names_entry v2_cluster[] = {
	N(CLUSTER_CHANGE_CLUSTER_RECONNECT_V2),
	N(CLUSTER_CHANGE_CLUSTER_STATE_V2),
	N(CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2),
	N(CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2),
	N(CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2),
	N(CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2),
	N(CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2),
	N(CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2),
	N(CLUSTER_CHANGE_CLUSTER_RENAME_V2),
	N(CLUSTER_CHANGE_CLUSTER_MEMBERSHIP_V2),
	N(CLUSTER_CHANGE_CLUSTER_UPGRADED_V2),
};

static const struct names_entry v2_group[] = {
	N(CLUSTER_CHANGE_GROUP_DELETED_V2),
	N(CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_GROUP_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_GROUP_STATE_V2),
	N(CLUSTER_CHANGE_GROUP_OWNER_NODE_V2),
	N(CLUSTER_CHANGE_GROUP_PREFERRED_OWNERS_V2),
	N(CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2),
	N(CLUSTER_CHANGE_GROUP_RESOURCE_GAINED_V2),
	N(CLUSTER_CHANGE_GROUP_RESOURCE_LOST_V2),
	N(CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2),
};

static const struct names_entry v2_resource[] = {
	N(CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_RESOURCE_STATE_V2),
	N(CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2),
	N(CLUSTER_CHANGE_RESOURCE_DEPENDENCIES_V2),
	N(CLUSTER_CHANGE_RESOURCE_DEPENDENTS_V2),
	N(CLUSTER_CHANGE_RESOURCE_POSSIBLE_OWNERS_V2),
	N(CLUSTER_CHANGE_RESOURCE_DELETED_V2),
	N(CLUSTER_CHANGE_RESOURCE_DLL_UPGRADED_V2),
	N(CLUSTER_CHANGE_RESOURCE_HANDLE_CLOSE_V2),
	N(CLUSTER_CHANGE_RESOURCE_TERMINAL_STATE_V2),
};

static const struct names_entry v2_resource_type[] = {
	N(CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2),
	N(CLUSTER_CHANGE_RESOURCE_TYPE_DLL_UPGRADED_V2),
	N(CLUSTER_RESOURCE_TYPE_SPECIFIC_V2),
};

static const struct names_entry v2_netinterface[] = {
	N(CLUSTER_CHANGE_NETINTERFACE_DELETED_V2),
	N(CLUSTER_CHANGE_NETINTERFACE_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_NETINTERFACE_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_NETINTERFACE_STATE_V2),
	N(CLUSTER_CHANGE_NETINTERFACE_HANDLE_CLOSE_V2),
};

static const struct names_entry v2_network[] = {
	N(CLUSTER_CHANGE_NETWORK_DELETED_V2),
	N(CLUSTER_CHANGE_NETWORK_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_NETWORK_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_NETWORK_STATE_V2),
	N(CLUSTER_CHANGE_NETWORK_HANDLE_CLOSE_V2),
};

static const struct names_entry v2_node[] = {
	N(CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2),
	N(CLUSTER_CHANGE_NODE_DELETED_V2),
	N(CLUSTER_CHANGE_NODE_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_NODE_STATE_V2),
	N(CLUSTER_CHANGE_NODE_GROUP_GAINED_V2),
	N(CLUSTER_CHANGE_NODE_GROUP_LOST_V2),
	N(CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2),
};

static const struct names_entry v2_registry[] = {
	N(CLUSTER_CHANGE_REGISTRY_ATTRIBUTES_V2),
	N(CLUSTER_CHANGE_REGISTRY_NAME_V2),
	N(CLUSTER_CHANGE_REGISTRY_SUBTREE_V2),
	N(CLUSTER_CHANGE_REGISTRY_VALUE_V2),
	N(CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2),
};

static const struct names_entry v2_quorum[] = {
	N(CLUSTER_CHANGE_QUORUM_STATE_V2),
};

static const struct names_entry v2_shared_volume[] = {
	N(CLUSTER_CHANGE_SHARED_VOLUME_STATE_V2),
	N(CLUSTER_CHANGE_SHARED_VOLUME_ADDED_V2),
	N(CLUSTER_CHANGE_SHARED_VOLUME_REMOVED_V2),
};

static const struct names_entry v2_groupset[] = {
	N(CLUSTER_CHANGE_GROUPSET_DELETED_v2),
	N(CLUSTER_CHANGE_GROUPSET_COMMON_PROPERTY_V2),
	N(CLUSTER_CHANGE_GROUPSET_PRIVATE_PROPERTY_V2),
	N(CLUSTER_CHANGE_GROUPSET_STATE_V2),
	N(CLUSTER_CHANGE_GROUPSET_GROUP_ADDED),
	N(CLUSTER_CHANGE_GROUPSET_GROUP_REMOVED),
	N(CLUSTER_CHANGE_GROUPSET_DEPENDENCIES_V2),
	N(CLUSTER_CHANGE_GROUPSET_DEPENDENTS_V2),
	N(CLUSTER_CHANGE_GROUPSET_HANDLE_CLOSE_v2),
};

#define TABLE(t) t, COUNT(t)

static const struct {
	uint32_t type;
	const struct names_entry *tab;
	size_t n;
} v2[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, TABLE(v2_cluster) },
	{ CLUSNOTIFY_OBJ_GROUP, TABLE(v2_group) },
	{ CLUSNOTIFY_OBJ_RESOURCE, TABLE(v2_resource) },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, TABLE(v2_resource_type) },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, TABLE(v2_netinterface) },
	{ CLUSNOTIFY_OBJ_NETWORK, TABLE(v2_network) },
	{ CLUSNOTIFY_OBJ_NODE, TABLE(v2_node) },
	{ CLUSNOTIFY_OBJ_REGISTRY, TABLE(v2_registry) },
	{ CLUSNOTIFY_OBJ_QUORUM, TABLE(v2_quorum) },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, TABLE(v2_shared_volume) },
	{ CLUSNOTIFY_OBJ_GROUPSET, TABLE(v2_groupset) },
};

const struct names_entry *names_v2_table(uint32_t type, size_t *n)
{
	size_t i;

	for (i = 0; i < COUNT(v2); i++) {
		if (v2[i].type == type) {
			*n = v2[i].n;
			return v2[i].tab;
		}
	}
	*n = 0;
	return NULL;
}

uint64_t names_v2_all(uint32_t type)
{
	const struct names_entry *t;
	uint64_t all = 0;
	size_t n, i;

	t = names_v2_table(type, &n);
	for (i = 0; i < n; i++)
		all |= t[i].value;
	return all;
}

const char *names_v2(uint32_t type, uint64_t flag)
{
	const struct names_entry *t;
	size_t n, i;

	t = names_v2_table(type, &n);
	for (i = 0; i < n; i++)
		if (t[i].value == flag)
			return t[i].name;
	return NULL;
}

/*
 * Reduce a V2 flag name to the part after its type: strip CLUSTER_CHANGE_
 * (or CLUSTER_), then the type's prefix, then _V2. Applied to the input and
 * to the table's names alike, so every accepted spelling meets in one form:
 * "STATE" for CLUSTER_CHANGE_GROUP_STATE_V2, "SPECIFIC" for
 * CLUSTER_RESOURCE_TYPE_SPECIFIC_V2, "GROUP_ADDED" for
 * CLUSTER_CHANGE_GROUPSET_GROUP_ADDED.
 */
static void v2_reduce(const char *s, const char *type_prefix, char *out,
		      size_t cap)
{
	size_t len, plen = strlen(type_prefix);

	if (!strncasecmp(s, "CLUSTER_CHANGE_", 15))
		s += 15;
	else if (!strncasecmp(s, "CLUSTER_", 8))
		s += 8;
	if (!strncasecmp(s, type_prefix, plen) && s[plen])
		s += plen;
	len = strlen(s);
	if (len > 3 && !strcasecmp(s + len - 3, "_V2"))
		len -= 3;
	if (len >= cap)
		len = cap - 1;
	memcpy(out, s, len);
	out[len] = 0;
}

int names_v2_parse(uint32_t type, const char *s, uint64_t *mask)
{
	const struct names_entry *t;
	char want[128], have[128];
	int ti = type_index(type);
	size_t n, i;

	t = names_v2_table(type, &n);
	if (ti < 0 || !t)
		return -EINVAL;
	if (!strcasecmp(s, "ALL")) {
		*mask = names_v2_all(type);
		return 0;
	}
	if (strlen(s) >= sizeof(want))
		return -EINVAL;
	v2_reduce(s, types[ti].flag_prefix, want, sizeof(want));
	for (i = 0; i < n; i++) {
		v2_reduce(t[i].name, types[ti].flag_prefix, have,
			  sizeof(have));
		if (!strcasecmp(want, have)) {
			*mask = t[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

/* --- states -------------------------------------------------------- */

/* Named as the SDK's enumerators are, without their ClusterXxx prefix. */
static const struct names_entry st_node[] = {
	{ ClusterNodeUp, "Up" },
	{ ClusterNodeDown, "Down" },
	{ ClusterNodePaused, "Paused" },
	{ ClusterNodeJoining, "Joining" },
};

static const struct names_entry st_group[] = {
	{ ClusterGroupOnline, "Online" },
	{ ClusterGroupOffline, "Offline" },
	{ ClusterGroupFailed, "Failed" },
	{ ClusterGroupPartialOnline, "PartialOnline" },
	{ ClusterGroupPending, "Pending" },
};

static const struct names_entry st_resource[] = {
	{ ClusterResourceInherited, "Inherited" },
	{ ClusterResourceInitializing, "Initializing" },
	{ ClusterResourceOnline, "Online" },
	{ ClusterResourceOffline, "Offline" },
	{ ClusterResourceFailed, "Failed" },
	{ ClusterResourcePending, "Pending" },
	{ ClusterResourceOnlinePending, "OnlinePending" },
	{ ClusterResourceOfflinePending, "OfflinePending" },
};

static const struct names_entry st_network[] = {
	{ ClusterNetworkUnavailable, "Unavailable" },
	{ ClusterNetworkDown, "Down" },
	{ ClusterNetworkPartitioned, "Partitioned" },
	{ ClusterNetworkUp, "Up" },
};

static const struct names_entry st_netinterface[] = {
	{ ClusterNetInterfaceUnavailable, "Unavailable" },
	{ ClusterNetInterfaceFailed, "Failed" },
	{ ClusterNetInterfaceUnreachable, "Unreachable" },
	{ ClusterNetInterfaceUp, "Up" },
};

/* The module's own states of a cluster (CLUSTER_STATE records). */
static const struct names_entry st_cluster[] = {
	{ CLUSNOTIFY_CLUSTER_DOWN, "Down" },
	{ CLUSNOTIFY_CLUSTER_UP, "Up" },
};

static const struct {
	uint32_t type;
	const struct names_entry *tab;
	size_t n;
} states[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, TABLE(st_cluster) },
	{ CLUSNOTIFY_OBJ_GROUP, TABLE(st_group) },
	{ CLUSNOTIFY_OBJ_RESOURCE, TABLE(st_resource) },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, TABLE(st_netinterface) },
	{ CLUSNOTIFY_OBJ_NETWORK, TABLE(st_network) },
	{ CLUSNOTIFY_OBJ_NODE, TABLE(st_node) },
};

const struct names_entry *names_state_table(uint32_t type, size_t *n)
{
	size_t i;

	for (i = 0; i < COUNT(states); i++) {
		if (states[i].type == type) {
			*n = states[i].n;
			return states[i].tab;
		}
	}
	*n = 0;
	return NULL;
}

const char *names_state(uint32_t type, uint32_t state)
{
	const struct names_entry *t;
	size_t n, i;

	if (state == CLUSNOTIFY_STATE_UNKNOWN)
		return NULL;
	t = names_state_table(type, &n);
	for (i = 0; i < n; i++)
		if (t[i].value == state)
			return t[i].name;
	return NULL;
}

int names_state_parse(uint32_t type, const char *s, uint32_t *state)
{
	const struct names_entry *t;
	unsigned long v;
	char *end;
	size_t n, i;

	t = names_state_table(type, &n);
	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, t[i].name)) {
			*state = (uint32_t)t[i].value;
			return 0;
		}
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v >= CLUSNOTIFY_STATE_UNKNOWN)
		return -EINVAL;
	*state = (uint32_t)v;
	return 0;
}
