/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h: what the producer API must be told to turn one model into
 * another, or to publish one from scratch, in a deterministic order.
 */
#ifndef BRIDGE_DIFF_H
#define BRIDGE_DIFF_H

#include <stdint.h>

#include "model.h"

enum bm_op {
	BM_OP_PUBLISH,		/* clusnotify_objects_publish */
	BM_OP_EVENT,		/* clusnotify_post */
	BM_OP_REMOVE,		/* clusnotify_objects_remove */
};

struct bm_change {
	enum bm_op op;
	uint32_t object_type;	/* CLUSNOTIFY_OBJ_* */
	uint64_t v2_flag;	/* events: one CLUSTER_CHANGE_*_V2 flag */
	uint32_t state;
	int has_state;
	char *id, *parent, *name, *type_name;	/* NULL: absent */
	bm_props *props;	/* property events: the payload's list */
};

/*
 * The changes from a to b (b's stopped groups should have been given
 * their owners with bm_model_carry() first). The order, which the man
 * page documents: registry keys published; cluster properties; quorum;
 * nodes added, their states, their properties; resource types added;
 * groups added; resources added; resources changing group, state,
 * properties; groups changing owner, state, properties; resources,
 * groups, resource types, interfaces, networks and nodes deleted; registry keys and values;
 * registry keys removed. Each block is sorted by id.
 */
GPtrArray *bm_diff(const struct bm_model *a, const struct bm_model *b);

/* The whole directory of m, as objects to publish (a fresh start). */
GPtrArray *bm_directory(const struct bm_model *m);

/* The SDK's name of an event kind, e.g. CLUSTER_CHANGE_NODE_STATE_V2. */
const char *bm_kind_name(uint32_t object_type, uint64_t v2_flag);
/* NODE, GROUP, ... */
const char *bm_type_name(uint32_t object_type);

#endif /* BRIDGE_DIFF_H */
