// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The V1 CLUSTER_CHANGE bit that reports each V2 event kind to V1
 * consumers: the one table behind clusnotify_v1_from_v2(), so producers
 * post V2 kinds only and V1 ports (CreateClusterNotifyPort) still hear of
 * them.
 *
 * Values are the Windows SDK's (clusapi.h; shared/reference/clusapi-api.md
 * sections 2.1 and 2.2), spelled here without the CLUSTER_CHANGE_ prefix so
 * that this file needs no <clusapi.h>.
 *
 * How the rows were decided
 * -------------------------
 * V1 (CreateClusterNotifyPort's documentation, reference section 2.1) has
 * *_STATE, *_ADDED, *_DELETED and *_PROPERTY per object type, the registry
 * bits and QUORUM_STATE; V2 splits these finer. A row maps a V2 kind to the
 * V1 bit whose documented meaning covers it:
 *
 *  - *_COMMON_PROPERTY_V2 and *_PRIVATE_PROPERTY_V2 -> the type's *_PROPERTY
 *    (V1 does not tell common from private properties).
 *  - The *_ADDED kinds of the container -> the V1 *_ADDED of what was added:
 *    (CLUSTER, GROUP_ADDED_V2) -> GROUP_ADDED, (GROUP, RESOURCE_ADDED_V2) ->
 *    RESOURCE_ADDED, (NODE, NETINTERFACE_ADDED_V2) -> NETINTERFACE_ADDED ...
 *    The kernel's directory then folds the event the same way whichever of
 *    the two it looks at (kernel/kinds.c: the V1 bit decides when present).
 *  - RESOURCE_PROPERTY is documented as "properties, dependencies, or
 *    possible owner nodes of a resource": so DEPENDENCIES_V2 and
 *    POSSIBLE_OWNERS_V2 map to it. DEPENDENTS_V2 is the same change seen
 *    from the other resource, already reported by that resource's
 *    DEPENDENCIES_V2; mapping it too would report one change twice: 0.
 *  - RESOURCE_STATE is documented to fire also when a resource moves to
 *    another group (ChangeClusterResourceGroup): OWNER_GROUP_V2 maps to it.
 *  - GROUP_PROPERTY is documented to fire also "when a resource is added or
 *    removed from a group": RESOURCE_GAINED_V2 and RESOURCE_LOST_V2 map to
 *    it; PREFERRED_OWNERS_V2 (the group's node list) is a group property.
 *  - GROUP_OWNER_NODE_V2 -> GROUP_STATE: V1 has no owner bit, and its API
 *    reports a group's owner together with its state (GetClusterGroupState
 *    returns both), so a V1 client learns of a move through GROUP_STATE.
 *  - The NODE kinds GROUP_GAINED_V2 and GROUP_LOST_V2 are the node's view
 *    of a group's move, which the group's own OWNER_NODE_V2 reports: 0.
 *  - CLUSTER RENAME_V2 and UPGRADED_V2 change cluster properties (its name,
 *    its functional level): CLUSTER_PROPERTY. MEMBERSHIP_V2 has no V1
 *    counterpart at the cluster level (V1 learns of membership per node,
 *    through NODE_STATE, which the producer posts for each node): 0.
 *  - TERMINAL_STATE_V2 reports a transition RESOURCE_STATE_V2 reports
 *    already (V1 would get it twice); DLL_UPGRADED_V2 and
 *    RESOURCE_TYPE_SPECIFIC_V2 have nothing in V1: 0.
 *  - RESOURCE_TYPE POSSIBLE_OWNERS_V2 -> RESOURCE_TYPE_PROPERTY, by analogy
 *    with a resource's possible owners.
 *  - QUORUM STATE_V2 -> QUORUM_STATE. SHARED_VOLUME and GROUPSET are newer
 *    than V1 and have no bits there: 0. AFFINITYRULE and FAULTDOMAIN have
 *    no V2 flags at all.
 *  - Never a row: the kinds only the kernel makes (CLUSTER RECONNECT_V2,
 *    STATE_V2, LOST_NOTIFICATIONS_V2, every *_HANDLE_CLOSE_V2) and the
 *    REGISTRY SUBTREE_V2 scope modifier. They map to 0, and the kernel
 *    refuses them in a post anyway.
 */
#include <stddef.h>
#include <stdint.h>

#include "clusapi_linux.h"

#define CNP_EXPORT __attribute__((visibility("default")))

/* CLUSTER_CHANGE (V1) */
#define V1_NODE_STATE 0x00000001U
#define V1_NODE_DELETED 0x00000002U
#define V1_NODE_ADDED 0x00000004U
#define V1_NODE_PROPERTY 0x00000008U
#define V1_REGISTRY_NAME 0x00000010U
#define V1_REGISTRY_ATTRIBUTES 0x00000020U
#define V1_REGISTRY_VALUE 0x00000040U
#define V1_RESOURCE_STATE 0x00000100U
#define V1_RESOURCE_DELETED 0x00000200U
#define V1_RESOURCE_ADDED 0x00000400U
#define V1_RESOURCE_PROPERTY 0x00000800U
#define V1_GROUP_STATE 0x00001000U
#define V1_GROUP_DELETED 0x00002000U
#define V1_GROUP_ADDED 0x00004000U
#define V1_GROUP_PROPERTY 0x00008000U
#define V1_RESOURCE_TYPE_DELETED 0x00010000U
#define V1_RESOURCE_TYPE_ADDED 0x00020000U
#define V1_RESOURCE_TYPE_PROPERTY 0x00040000U
#define V1_NETWORK_STATE 0x00100000U
#define V1_NETWORK_DELETED 0x00200000U
#define V1_NETWORK_ADDED 0x00400000U
#define V1_NETWORK_PROPERTY 0x00800000U
#define V1_NETINTERFACE_STATE 0x01000000U
#define V1_NETINTERFACE_DELETED 0x02000000U
#define V1_NETINTERFACE_ADDED 0x04000000U
#define V1_NETINTERFACE_PROPERTY 0x08000000U
#define V1_QUORUM_STATE 0x10000000U
#define V1_CLUSTER_PROPERTY 0x40000000U

struct cnp_v1_row {
	uint8_t type;		/* CLUSNOTIFY_OBJ_* */
	uint16_t v2;		/* CLUSTER_CHANGE_<type>_<kind>_V2 */
	uint32_t v1;		/* CLUSTER_CHANGE_* */
};

#define ROW(t, v2, v1) { CLUSNOTIFY_OBJ_##t, (v2), (v1) }

/* Only the rows with a V1 bit; every other kind maps to 0. */
static const struct cnp_v1_row cnp_v1_rows[] = {
	/* CLUSTER_CHANGE_CLUSTER_V2 */
	ROW(CLUSTER, 0x0004, V1_GROUP_ADDED),		/* GROUP_ADDED */
	ROW(CLUSTER, 0x0010, V1_NETWORK_ADDED),		/* NETWORK_ADDED */
	ROW(CLUSTER, 0x0020, V1_NODE_ADDED),		/* NODE_ADDED */
	ROW(CLUSTER, 0x0040, V1_RESOURCE_TYPE_ADDED),	/* RESOURCE_TYPE_ADDED */
	ROW(CLUSTER, 0x0080, V1_CLUSTER_PROPERTY),	/* COMMON_PROPERTY */
	ROW(CLUSTER, 0x0100, V1_CLUSTER_PROPERTY),	/* PRIVATE_PROPERTY */
	ROW(CLUSTER, 0x0400, V1_CLUSTER_PROPERTY),	/* RENAME */
	ROW(CLUSTER, 0x1000, V1_CLUSTER_PROPERTY),	/* UPGRADED */

	/* CLUSTER_CHANGE_GROUP_V2 */
	ROW(GROUP, 0x0001, V1_GROUP_DELETED),		/* DELETED */
	ROW(GROUP, 0x0002, V1_GROUP_PROPERTY),		/* COMMON_PROPERTY */
	ROW(GROUP, 0x0004, V1_GROUP_PROPERTY),		/* PRIVATE_PROPERTY */
	ROW(GROUP, 0x0008, V1_GROUP_STATE),		/* STATE */
	ROW(GROUP, 0x0010, V1_GROUP_STATE),		/* OWNER_NODE */
	ROW(GROUP, 0x0020, V1_GROUP_PROPERTY),		/* PREFERRED_OWNERS */
	ROW(GROUP, 0x0040, V1_RESOURCE_ADDED),		/* RESOURCE_ADDED */
	ROW(GROUP, 0x0080, V1_GROUP_PROPERTY),		/* RESOURCE_GAINED */
	ROW(GROUP, 0x0100, V1_GROUP_PROPERTY),		/* RESOURCE_LOST */

	/* CLUSTER_CHANGE_RESOURCE_V2 */
	ROW(RESOURCE, 0x0001, V1_RESOURCE_PROPERTY),	/* COMMON_PROPERTY */
	ROW(RESOURCE, 0x0002, V1_RESOURCE_PROPERTY),	/* PRIVATE_PROPERTY */
	ROW(RESOURCE, 0x0004, V1_RESOURCE_STATE),	/* STATE */
	ROW(RESOURCE, 0x0008, V1_RESOURCE_STATE),	/* OWNER_GROUP */
	ROW(RESOURCE, 0x0010, V1_RESOURCE_PROPERTY),	/* DEPENDENCIES */
	ROW(RESOURCE, 0x0040, V1_RESOURCE_PROPERTY),	/* POSSIBLE_OWNERS */
	ROW(RESOURCE, 0x0080, V1_RESOURCE_DELETED),	/* DELETED */

	/* CLUSTER_CHANGE_RESOURCE_TYPE_V2 */
	ROW(RESOURCE_TYPE, 0x0001, V1_RESOURCE_TYPE_DELETED),	/* DELETED */
	ROW(RESOURCE_TYPE, 0x0002, V1_RESOURCE_TYPE_PROPERTY),	/* COMMON_PROPERTY */
	ROW(RESOURCE_TYPE, 0x0004, V1_RESOURCE_TYPE_PROPERTY),	/* PRIVATE_PROPERTY */
	ROW(RESOURCE_TYPE, 0x0008, V1_RESOURCE_TYPE_PROPERTY),	/* POSSIBLE_OWNERS */

	/* CLUSTER_CHANGE_NETINTERFACE_V2 */
	ROW(NETWORK_INTERFACE, 0x0001, V1_NETINTERFACE_DELETED),	/* DELETED */
	ROW(NETWORK_INTERFACE, 0x0002, V1_NETINTERFACE_PROPERTY),	/* COMMON_PROPERTY */
	ROW(NETWORK_INTERFACE, 0x0004, V1_NETINTERFACE_PROPERTY),	/* PRIVATE_PROPERTY */
	ROW(NETWORK_INTERFACE, 0x0008, V1_NETINTERFACE_STATE),		/* STATE */

	/* CLUSTER_CHANGE_NETWORK_V2 */
	ROW(NETWORK, 0x0001, V1_NETWORK_DELETED),	/* DELETED */
	ROW(NETWORK, 0x0002, V1_NETWORK_PROPERTY),	/* COMMON_PROPERTY */
	ROW(NETWORK, 0x0004, V1_NETWORK_PROPERTY),	/* PRIVATE_PROPERTY */
	ROW(NETWORK, 0x0008, V1_NETWORK_STATE),		/* STATE */

	/* CLUSTER_CHANGE_NODE_V2 */
	ROW(NODE, 0x0001, V1_NETINTERFACE_ADDED),	/* NETINTERFACE_ADDED */
	ROW(NODE, 0x0002, V1_NODE_DELETED),		/* DELETED */
	ROW(NODE, 0x0004, V1_NODE_PROPERTY),		/* COMMON_PROPERTY */
	ROW(NODE, 0x0008, V1_NODE_PROPERTY),		/* PRIVATE_PROPERTY */
	ROW(NODE, 0x0010, V1_NODE_STATE),		/* STATE */

	/* CLUSTER_CHANGE_REGISTRY_V2 */
	ROW(REGISTRY, 0x0001, V1_REGISTRY_ATTRIBUTES),	/* ATTRIBUTES */
	ROW(REGISTRY, 0x0002, V1_REGISTRY_NAME),	/* NAME */
	ROW(REGISTRY, 0x0008, V1_REGISTRY_VALUE),	/* VALUE */

	/* CLUSTER_CHANGE_QUORUM_V2 */
	ROW(QUORUM, 0x0001, V1_QUORUM_STATE),		/* STATE */
};

CNP_EXPORT uint32_t clusnotify_v1_from_v2(uint32_t object_type,
					  uint64_t v2_flag)
{
	size_t i;

	for (i = 0; i < sizeof(cnp_v1_rows) / sizeof(cnp_v1_rows[0]); i++)
		if (cnp_v1_rows[i].type == object_type &&
		    cnp_v1_rows[i].v2 == v2_flag)
			return cnp_v1_rows[i].v1;
	return 0;
}
