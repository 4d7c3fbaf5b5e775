/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h: the cluster as a Windows client sees it, built from one
 * Pacemaker snapshot (bridge/parse.c) and compared with the previous one
 * (bridge/diff.c). Every id is Pacemaker's own, so it is stable across
 * snapshots; states are already the Windows enums (bridge/mapping.c).
 */
#ifndef BRIDGE_MODEL_H
#define BRIDGE_MODEL_H

#include <stdint.h>
#include <glib.h>

/* A property set: name -> value, both owned strings. */
typedef GHashTable bm_props;

struct bm_node {
	char *id;		/* Pacemaker node id (Corosync nodeid) */
	char *name;		/* uname */
	uint32_t state;		/* CLUSTER_NODE_STATE */
	bm_props *props;	/* node attributes, permanent and transient */
};

/* What kind of Pacemaker object a Windows group stands for. */
enum bm_group_kind {
	BM_GROUP_GROUP,		/* a Pacemaker group */
	BM_GROUP_SOLO,		/* one ungrouped primitive */
	BM_GROUP_CLONE,		/* a clone (or promotable clone) */
	BM_GROUP_BUNDLE,	/* a bundle */
};

struct bm_group {
	char *id;
	enum bm_group_kind kind;
	uint32_t state;		/* CLUSTER_GROUP_STATE */
	/*
	 * The owner node's id. A stopped group keeps the owner it had (as a
	 * Windows group does), see bm_model_carry(); clones and bundles run
	 * on several nodes and have none.
	 */
	char *owner;
	bm_props *common;	/* meta attributes */
};

struct bm_resource {
	char *id;
	char *group;		/* the Windows group's id */
	char *type;		/* class[:provider]:type */
	uint32_t state;		/* CLUSTER_RESOURCE_STATE */
	bm_props *common;	/* meta attributes */
	bm_props *priv;		/* instance attributes ("Parameters") */
};

/* A Corosync (knet) link, as a cluster network. */
struct bm_network {
	char *id;		/* "link<n>" */
	char *name;		/* "Link <n>" */
	uint32_t state;		/* CLUSTER_NETWORK_STATE */
};

/* One node's address on one link, as a network interface. */
struct bm_netif {
	char *id;		/* "<nodeid>-link<n>" */
	char *name;		/* "<node> - Link <n>" */
	char *node;		/* node id: its parent */
	char *network;		/* network id */
	char *address;		/* ring<n>_addr */
	uint32_t state;		/* CLUSTER_NETINTERFACE_STATE */
};

struct bm_model {
	char *name;		/* cluster name */
	int quorate;		/* 1, 0 */
	bm_props *props;	/* crm_config cluster properties */
	GHashTable *nodes;	/* id -> struct bm_node */
	GHashTable *groups;	/* id -> struct bm_group */
	GHashTable *resources;	/* id -> struct bm_resource */
	GHashTable *types;	/* resource type names (a set) */
	GHashTable *networks;	/* id -> struct bm_network */
	GHashTable *netifs;	/* id -> struct bm_netif */
	/* The cluster database: key path -> bm_props of its values. */
	GHashTable *registry;
};

/* QUORUM STATE_V2 values: Windows has no enum for them (see the man page). */
#define BM_QUORUM_LOST 0
#define BM_QUORUM_UP 1

bm_props *bm_props_new(void);
void bm_props_set(bm_props *p, const char *name, const char *value);
int bm_props_equal(bm_props *a, bm_props *b);
/* The names, sorted, in a GPtrArray the caller frees (strings borrowed). */
GPtrArray *bm_props_names(bm_props *p);

struct bm_model *bm_model_new(void);
void bm_model_free(struct bm_model *m);

struct bm_node *bm_model_add_node(struct bm_model *m, const char *id,
				  const char *name);
struct bm_group *bm_model_add_group(struct bm_model *m, const char *id,
				    enum bm_group_kind kind);
struct bm_resource *bm_model_add_resource(struct bm_model *m, const char *id,
					  const char *group, const char *type);
struct bm_network *bm_model_add_network(struct bm_model *m, const char *id,
					const char *name);
struct bm_netif *bm_model_add_netif(struct bm_model *m, const char *id,
				    const char *name, const char *node,
				    const char *network, const char *address);
struct bm_node *bm_model_node_by_name(struct bm_model *m, const char *name);

/*
 * Fill the registry view from the objects, once they are complete:
 * Nodes\<id>, Groups\<id>, Resources\<id>, Resources\<id>\Parameters,
 * ResourceTypes\<type>, Networks\<id>, NetworkInterfaces\<id>, and the
 * root's values (the cluster properties).
 */
void bm_model_build_registry(struct bm_model *m);

/* Keys of a hash table, sorted with strcmp (strings borrowed). */
GPtrArray *bm_sorted_keys(GHashTable *h);

/*
 * Give next's stopped groups the owner they had in prev: Windows groups
 * always have an owner node, and one that stops stays where it was.
 */
void bm_model_carry(const struct bm_model *prev, struct bm_model *next);

#endif /* BRIDGE_MODEL_H */
