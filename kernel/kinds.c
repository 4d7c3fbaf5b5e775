// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows event kinds the module has to understand: which V2 flags each
 * object type has, which kinds only the module may generate, and what an
 * event does to the object directory. Values from the Windows SDK's
 * clusapi.h (CLUSTER_CHANGE and the CLUSTER_CHANGE_*_V2 enums).
 */
#include <linux/bitops.h>
#include <linux/kernel.h>

#include "clusnotify.h"

struct cn_type_info {
	u64 v2_all;		/* every flag of the type's V2 enum */
	u64 v2_handle_close;	/* its *_HANDLE_CLOSE_V2, or 0 */
	u64 v2_state;		/* its *_STATE_V2, or 0 */
	u32 v1_state;		/* its V1 *_STATE bit, or 0 */
	bool valid;
};

static const struct cn_type_info cn_types[CLUSNOTIFY_OBJ_MAX + 1] = {
	[CLUSNOTIFY_OBJ_CLUSTER] = { 0x1fff, 0x8, 0, 0, true },
	[CLUSNOTIFY_OBJ_GROUP] = { 0x3ff, 0x200, 0x8, 0x00001000, true },
	[CLUSNOTIFY_OBJ_RESOURCE] = { 0x7ff, 0x200, 0x4, 0x00000100, true },
	[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = { 0x3f, 0, 0, 0, true },
	[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = { 0x1f, 0x10, 0x8, 0x01000000,
					       true },
	[CLUSNOTIFY_OBJ_NETWORK] = { 0x1f, 0x10, 0x8, 0x00100000, true },
	[CLUSNOTIFY_OBJ_NODE] = { 0xff, 0x80, 0x10, 0x00000001, true },
	[CLUSNOTIFY_OBJ_REGISTRY] = { 0x1f, 0x10, 0, 0, true },
	[CLUSNOTIFY_OBJ_QUORUM] = { 0x1, 0, 0x1, 0x10000000, true },
	[CLUSNOTIFY_OBJ_SHARED_VOLUME] = { 0x7, 0, 0x1, 0, true },
	[CLUSNOTIFY_OBJ_GROUPSET] = { 0x1ff, 0x100, 0x8, 0, true },
	/* No V2 flags are published for these two: objects only. */
	[CLUSNOTIFY_OBJ_AFFINITYRULE] = { 0, 0, 0, 0, true },
	[CLUSNOTIFY_OBJ_FAULTDOMAIN] = { 0, 0, 0, 0, true },
};

bool cn_type_valid(u32 type)
{
	return type <= CLUSNOTIFY_OBJ_MAX && cn_types[type].valid;
}

u64 cn_v2_all(u32 type)
{
	return cn_type_valid(type) ? cn_types[type].v2_all : 0;
}

u64 cn_v2_handle_close(u32 type)
{
	return cn_type_valid(type) ? cn_types[type].v2_handle_close : 0;
}

/*
 * Kinds Windows' client library generates itself and a server never sends:
 * a producer may not post them, the module makes them.
 */
bool cn_v2_kernel_only(u32 type, u64 flag)
{
	if (flag & cn_v2_handle_close(type))
		return true;
	if (type == CLUSNOTIFY_OBJ_CLUSTER)
		return flag & (CLUSNOTIFY_V2_CLUSTER_RECONNECT |
			       CLUSNOTIFY_V2_CLUSTER_STATE |
			       CLUSNOTIFY_V2_CLUSTER_LOST_NOTIFICATIONS);
	if (type == CLUSNOTIFY_OBJ_REGISTRY)
		return flag & CLUSNOTIFY_V2_REGISTRY_SUBTREE;
	return false;
}

bool cn_v1_kernel_only(u32 bit)
{
	return bit & (CLUSNOTIFY_V1_HANDLE_CLOSE |
		      CLUSNOTIFY_V1_CLUSTER_RECONNECT |
		      CLUSNOTIFY_V1_CLUSTER_STATE |
		      CLUSNOTIFY_V1_REGISTRY_SUBTREE);
}

/* The object type a V1 CLUSTER_CHANGE bit is about (0 for HANDLE_CLOSE). */
u32 cn_v1_type(u32 bit)
{
	static const u8 by_bit[32] = {
		[0 ... 3] = CLUSNOTIFY_OBJ_NODE,
		[4 ... 7] = CLUSNOTIFY_OBJ_REGISTRY,
		[8 ... 11] = CLUSNOTIFY_OBJ_RESOURCE,
		[12 ... 15] = CLUSNOTIFY_OBJ_GROUP,
		[16 ... 18] = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
		[19] = CLUSNOTIFY_OBJ_CLUSTER,
		[20 ... 23] = CLUSNOTIFY_OBJ_NETWORK,
		[24 ... 27] = CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
		[28] = CLUSNOTIFY_OBJ_QUORUM,
		[29 ... 30] = CLUSNOTIFY_OBJ_CLUSTER,
		[31] = CLUSNOTIFY_OBJ_NONE,
	};

	return bit ? by_bit[__ffs(bit)] : CLUSNOTIFY_OBJ_NONE;
}

static enum cn_fold cn_v1_fold(u32 bit)
{
	switch (bit) {
	case 0x00000001: case 0x00000100: case 0x00001000:
	case 0x00100000: case 0x01000000: case 0x10000000:
		return CN_FOLD_STATE;
	case 0x00000002: case 0x00000200: case 0x00002000:
	case 0x00010000: case 0x00200000: case 0x02000000:
		return CN_FOLD_DELETE;
	case 0x00000004: case 0x00000400: case 0x00004000:
	case 0x00020000: case 0x00400000: case 0x04000000:
		return CN_FOLD_ADD;
	}
	return CN_FOLD_NONE;
}

struct cn_v2_fold {
	u8 type;
	u64 flag;
	u8 fold;
	u8 subject;
};

static const struct cn_v2_fold cn_v2_folds[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x04, CN_FOLD_ADD, CLUSNOTIFY_OBJ_GROUP },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x10, CN_FOLD_ADD, CLUSNOTIFY_OBJ_NETWORK },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x20, CN_FOLD_ADD, CLUSNOTIFY_OBJ_NODE },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0x40, CN_FOLD_ADD,
	  CLUSNOTIFY_OBJ_RESOURCE_TYPE },
	{ CLUSNOTIFY_OBJ_GROUP, 0x01, CN_FOLD_DELETE, CLUSNOTIFY_OBJ_GROUP },
	{ CLUSNOTIFY_OBJ_GROUP, 0x08, CN_FOLD_STATE, CLUSNOTIFY_OBJ_GROUP },
	{ CLUSNOTIFY_OBJ_GROUP, 0x40, CN_FOLD_ADD, CLUSNOTIFY_OBJ_RESOURCE },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x04, CN_FOLD_STATE,
	  CLUSNOTIFY_OBJ_RESOURCE },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0x80, CN_FOLD_DELETE,
	  CLUSNOTIFY_OBJ_RESOURCE },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0x01, CN_FOLD_DELETE,
	  CLUSNOTIFY_OBJ_RESOURCE_TYPE },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x01, CN_FOLD_DELETE,
	  CLUSNOTIFY_OBJ_NETWORK_INTERFACE },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0x08, CN_FOLD_STATE,
	  CLUSNOTIFY_OBJ_NETWORK_INTERFACE },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x01, CN_FOLD_DELETE, CLUSNOTIFY_OBJ_NETWORK },
	{ CLUSNOTIFY_OBJ_NETWORK, 0x08, CN_FOLD_STATE, CLUSNOTIFY_OBJ_NETWORK },
	{ CLUSNOTIFY_OBJ_NODE, 0x01, CN_FOLD_ADD,
	  CLUSNOTIFY_OBJ_NETWORK_INTERFACE },
	{ CLUSNOTIFY_OBJ_NODE, 0x02, CN_FOLD_DELETE, CLUSNOTIFY_OBJ_NODE },
	{ CLUSNOTIFY_OBJ_NODE, 0x10, CN_FOLD_STATE, CLUSNOTIFY_OBJ_NODE },
	{ CLUSNOTIFY_OBJ_QUORUM, 0x01, CN_FOLD_STATE, CLUSNOTIFY_OBJ_QUORUM },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x01, CN_FOLD_STATE,
	  CLUSNOTIFY_OBJ_SHARED_VOLUME },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x02, CN_FOLD_ADD,
	  CLUSNOTIFY_OBJ_SHARED_VOLUME },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME, 0x04, CN_FOLD_DELETE,
	  CLUSNOTIFY_OBJ_SHARED_VOLUME },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x01, CN_FOLD_DELETE,
	  CLUSNOTIFY_OBJ_GROUPSET },
	{ CLUSNOTIFY_OBJ_GROUPSET, 0x08, CN_FOLD_STATE,
	  CLUSNOTIFY_OBJ_GROUPSET },
};

/*
 * What an event does to the directory, and which object type it is about.
 * The V1 bit decides when present, since V1 bits name their object type;
 * otherwise the V2 kind does, and a V2 kind the table does not list is about
 * an object of its own type.
 */
enum cn_fold cn_event_fold(u32 object_type, u64 v2_flag, u32 v1_change,
			   u32 *subject_type)
{
	size_t i;

	if (v1_change) {
		*subject_type = cn_v1_type(v1_change);
		return cn_v1_fold(v1_change);
	}
	for (i = 0; i < ARRAY_SIZE(cn_v2_folds); i++) {
		if (cn_v2_folds[i].type == object_type &&
		    cn_v2_folds[i].flag == v2_flag) {
			*subject_type = cn_v2_folds[i].subject;
			return cn_v2_folds[i].fold;
		}
	}
	*subject_type = object_type;
	return CN_FOLD_NONE;
}

/* The *_STATE kinds of a type, for the records the module makes itself. */
bool cn_state_kind(u32 type, u32 *v1_change, u64 *v2_flag)
{
	if (!cn_type_valid(type))
		return false;
	*v1_change = cn_types[type].v1_state;
	*v2_flag = cn_types[type].v2_state;
	return *v1_change || *v2_flag;
}

/* Registry events: their scope follows the key a filter is on. */
bool cn_kind_is_registry(u32 version, u32 object_type, u64 bit)
{
	if (version == CLUSNOTIFY_FILTER_V1)
		return bit & (CLUSNOTIFY_V1_REGISTRY_NAME |
			      CLUSNOTIFY_V1_REGISTRY_ATTRIBUTES |
			      CLUSNOTIFY_V1_REGISTRY_VALUE);
	return object_type == CLUSNOTIFY_OBJ_REGISTRY;
}
