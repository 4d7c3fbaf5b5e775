// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c: two models to the ordered list of changes between them.
 *
 * A new object is announced by its *_ADDED event and then its *_STATE
 * event: the kernel's directory takes the state from *_STATE only, and a
 * Windows client sees a new group or resource the same way (created,
 * then brought to its state). Property events carry the object's whole
 * property set after the change, so that a removed property shows as
 * missing; the registry events say which key changed.
 */
#include <string.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "diff.h"

static const struct {
	uint32_t type;
	uint64_t flag;
	const char *name;
} kinds[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2,
	  "CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_CLUSTER, CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2,
	  "CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_CLUSTER, CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2,
	  "CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_CLUSTER, CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2,
	  "CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2" },
	{ CLUSNOTIFY_OBJ_CLUSTER, CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2,
	  "CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_NETWORK, CLUSTER_CHANGE_NETWORK_STATE_V2,
	  "CLUSTER_CHANGE_NETWORK_STATE_V2" },
	{ CLUSNOTIFY_OBJ_NETWORK, CLUSTER_CHANGE_NETWORK_DELETED_V2,
	  "CLUSTER_CHANGE_NETWORK_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_NODE, CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2,
	  "CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSTER_CHANGE_NETINTERFACE_STATE_V2,
	  "CLUSTER_CHANGE_NETINTERFACE_STATE_V2" },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	  CLUSTER_CHANGE_NETINTERFACE_DELETED_V2,
	  "CLUSTER_CHANGE_NETINTERFACE_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_GROUP, CLUSTER_CHANGE_GROUP_DELETED_V2,
	  "CLUSTER_CHANGE_GROUP_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_GROUP, CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2,
	  "CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2" },
	{ CLUSNOTIFY_OBJ_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2,
	  "CLUSTER_CHANGE_GROUP_STATE_V2" },
	{ CLUSNOTIFY_OBJ_GROUP, CLUSTER_CHANGE_GROUP_OWNER_NODE_V2,
	  "CLUSTER_CHANGE_GROUP_OWNER_NODE_V2" },
	{ CLUSNOTIFY_OBJ_GROUP, CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2,
	  "CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE, CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2,
	  "CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE, CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2,
	  "CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE, CLUSTER_CHANGE_RESOURCE_STATE_V2,
	  "CLUSTER_CHANGE_RESOURCE_STATE_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE, CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2,
	  "CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE, CLUSTER_CHANGE_RESOURCE_DELETED_V2,
	  "CLUSTER_CHANGE_RESOURCE_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
	  "CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_NODE, CLUSTER_CHANGE_NODE_DELETED_V2,
	  "CLUSTER_CHANGE_NODE_DELETED_V2" },
	{ CLUSNOTIFY_OBJ_NODE, CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2,
	  "CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2" },
	{ CLUSNOTIFY_OBJ_NODE, CLUSTER_CHANGE_NODE_STATE_V2,
	  "CLUSTER_CHANGE_NODE_STATE_V2" },
	{ CLUSNOTIFY_OBJ_REGISTRY, CLUSTER_CHANGE_REGISTRY_NAME_V2,
	  "CLUSTER_CHANGE_REGISTRY_NAME_V2" },
	{ CLUSNOTIFY_OBJ_REGISTRY, CLUSTER_CHANGE_REGISTRY_VALUE_V2,
	  "CLUSTER_CHANGE_REGISTRY_VALUE_V2" },
	{ CLUSNOTIFY_OBJ_QUORUM, CLUSTER_CHANGE_QUORUM_STATE_V2,
	  "CLUSTER_CHANGE_QUORUM_STATE_V2" },
};

const char *bm_kind_name(uint32_t type, uint64_t flag)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (kinds[i].type == type && kinds[i].flag == flag)
			return kinds[i].name;
	return "?";
}

const char *bm_type_name(uint32_t type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_CLUSTER: return "CLUSTER";
	case CLUSNOTIFY_OBJ_GROUP: return "GROUP";
	case CLUSNOTIFY_OBJ_RESOURCE: return "RESOURCE";
	case CLUSNOTIFY_OBJ_RESOURCE_TYPE: return "RESOURCE_TYPE";
	case CLUSNOTIFY_OBJ_NODE: return "NODE";
	case CLUSNOTIFY_OBJ_REGISTRY: return "REGISTRY";
	case CLUSNOTIFY_OBJ_QUORUM: return "QUORUM";
	case CLUSNOTIFY_OBJ_NETWORK: return "NETWORK";
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE: return "NETWORK_INTERFACE";
	}
	return "?";
}

/* The one QUORUM object's id. */
#define QUORUM_ID "Quorum"

static void change_free(gpointer d)
{
	struct bm_change *c = d;

	g_free(c->id);
	g_free(c->parent);
	g_free(c->name);
	g_free(c->type_name);
	if (c->props)
		g_hash_table_unref(c->props);
	g_free(c);
}

static struct bm_change *add(GPtrArray *out, enum bm_op op, uint32_t type,
			     uint64_t flag, const char *id)
{
	struct bm_change *c = g_new0(struct bm_change, 1);

	c->op = op;
	c->object_type = type;
	c->v2_flag = flag;
	c->id = g_strdup(id);
	g_ptr_array_add(out, c);
	return c;
}

static struct bm_change *event(GPtrArray *out, uint32_t type, uint64_t flag,
			       const char *id)
{
	return add(out, BM_OP_EVENT, type, flag, id);
}

static void set_state(struct bm_change *c, uint32_t state)
{
	c->state = state;
	c->has_state = 1;
}

static void set_props(struct bm_change *c, bm_props *p)
{
	c->props = g_hash_table_ref(p);
}

static const char *last_component(const char *path)
{
	const char *s = strrchr(path, '\\');

	return s ? s + 1 : path;
}

/* ---- nodes ---- */

static void node_event(GPtrArray *out, const struct bm_node *n,
		       uint64_t flag)
{
	struct bm_change *c = event(out, CLUSNOTIFY_OBJ_NODE, flag, n->id);

	c->name = g_strdup(n->name);
	if (flag == CLUSTER_CHANGE_NODE_STATE_V2)
		set_state(c, n->state);
	if (flag == CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2)
		set_props(c, n->props);
}

static void diff_nodes(GPtrArray *out, const struct bm_model *a,
		       const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->nodes);
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct bm_node *n = g_hash_table_lookup(b->nodes, ids->pdata[i]);
		struct bm_node *o = g_hash_table_lookup(a->nodes, n->id);

		if (!o) {
			struct bm_change *c;

			c = event(out, CLUSNOTIFY_OBJ_CLUSTER,
				  CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2, n->id);
			c->name = g_strdup(n->name);
			node_event(out, n, CLUSTER_CHANGE_NODE_STATE_V2);
			continue;
		}
		if (o->state != n->state)
			node_event(out, n, CLUSTER_CHANGE_NODE_STATE_V2);
		if (!bm_props_equal(o->props, n->props))
			node_event(out, n,
				   CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2);
	}
	g_ptr_array_unref(ids);
}

/* ---- networks ---- */

static void net_event(GPtrArray *out, const struct bm_network *n,
		      uint64_t flag)
{
	struct bm_change *c = event(out, CLUSNOTIFY_OBJ_NETWORK, flag, n->id);

	c->name = g_strdup(n->name);
	if (flag == CLUSTER_CHANGE_NETWORK_STATE_V2)
		set_state(c, n->state);
}

static void netif_event(GPtrArray *out, const struct bm_netif *i,
			uint32_t type, uint64_t flag)
{
	struct bm_change *c = event(out, type, flag, i->id);

	c->name = g_strdup(i->name);
	c->parent = g_strdup(i->node);
	if (flag == CLUSTER_CHANGE_NETINTERFACE_STATE_V2)
		set_state(c, i->state);
}

static void diff_networks(GPtrArray *out, const struct bm_model *a,
			  const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->networks);
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct bm_network *n = g_hash_table_lookup(b->networks,
							   ids->pdata[i]);
		struct bm_network *o = g_hash_table_lookup(a->networks, n->id);

		if (!o) {
			event(out, CLUSNOTIFY_OBJ_CLUSTER,
			      CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2,
			      n->id)->name = g_strdup(n->name);
			net_event(out, n, CLUSTER_CHANGE_NETWORK_STATE_V2);
		} else if (o->state != n->state) {
			net_event(out, n, CLUSTER_CHANGE_NETWORK_STATE_V2);
		}
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(b->netifs);
	for (i = 0; i < ids->len; i++) {
		struct bm_netif *n = g_hash_table_lookup(b->netifs,
							 ids->pdata[i]);
		struct bm_netif *o = g_hash_table_lookup(a->netifs, n->id);

		if (!o) {
			netif_event(out, n, CLUSNOTIFY_OBJ_NODE,
				    CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2);
			netif_event(out, n, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
				    CLUSTER_CHANGE_NETINTERFACE_STATE_V2);
		} else if (o->state != n->state) {
			netif_event(out, n, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
				    CLUSTER_CHANGE_NETINTERFACE_STATE_V2);
		}
	}
	g_ptr_array_unref(ids);
}

static void deleted_networks(GPtrArray *out, const struct bm_model *a,
			     const struct bm_model *b)
{
	GPtrArray *ids;
	guint i;

	ids = bm_sorted_keys(a->netifs);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->netifs, ids->pdata[i]))
			netif_event(out, g_hash_table_lookup(a->netifs,
							     ids->pdata[i]),
				    CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
				    CLUSTER_CHANGE_NETINTERFACE_DELETED_V2);
	g_ptr_array_unref(ids);
	ids = bm_sorted_keys(a->networks);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->networks, ids->pdata[i]))
			net_event(out, g_hash_table_lookup(a->networks,
							   ids->pdata[i]),
				  CLUSTER_CHANGE_NETWORK_DELETED_V2);
	g_ptr_array_unref(ids);
}

/* ---- groups and resources ---- */

static void group_event(GPtrArray *out, const struct bm_group *g,
			uint64_t flag)
{
	struct bm_change *c = event(out, CLUSNOTIFY_OBJ_GROUP, flag, g->id);

	c->parent = g_strdup(g->owner);
	if (flag == CLUSTER_CHANGE_GROUP_STATE_V2)
		set_state(c, g->state);
	if (flag == CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2)
		set_props(c, g->common);
}

static void rsc_event(GPtrArray *out, const struct bm_resource *r,
		      uint64_t flag)
{
	struct bm_change *c = event(out, CLUSNOTIFY_OBJ_RESOURCE, flag, r->id);

	c->parent = g_strdup(r->group);
	c->type_name = g_strdup(r->type);
	if (flag == CLUSTER_CHANGE_RESOURCE_STATE_V2)
		set_state(c, r->state);
	if (flag == CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2)
		set_props(c, r->common);
	if (flag == CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2)
		set_props(c, r->priv);
}

static void added_types(GPtrArray *out, const struct bm_model *a,
			const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->types);
	guint i;

	for (i = 0; i < ids->len; i++) {
		const char *t = ids->pdata[i];

		if (!g_hash_table_contains(a->types, t))
			event(out, CLUSNOTIFY_OBJ_CLUSTER,
			      CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2,
			      t)->name = g_strdup(t);
	}
	g_ptr_array_unref(ids);
}

static void added_groups(GPtrArray *out, const struct bm_model *a,
			 const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->groups);
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct bm_group *g = g_hash_table_lookup(b->groups,
							 ids->pdata[i]);
		struct bm_change *c;

		if (g_hash_table_contains(a->groups, g->id))
			continue;
		c = event(out, CLUSNOTIFY_OBJ_CLUSTER,
			  CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2, g->id);
		c->parent = g_strdup(g->owner);
		group_event(out, g, CLUSTER_CHANGE_GROUP_STATE_V2);
	}
	g_ptr_array_unref(ids);
}

static void resources(GPtrArray *out, const struct bm_model *a,
		      const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->resources);
	guint i;

	/* Added first, so that later events may name them. */
	for (i = 0; i < ids->len; i++) {
		struct bm_resource *r = g_hash_table_lookup(b->resources,
							    ids->pdata[i]);
		struct bm_change *c;

		if (g_hash_table_contains(a->resources, r->id))
			continue;
		c = event(out, CLUSNOTIFY_OBJ_GROUP,
			  CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2, r->id);
		c->parent = g_strdup(r->group);
		c->type_name = g_strdup(r->type);
		rsc_event(out, r, CLUSTER_CHANGE_RESOURCE_STATE_V2);
	}
	for (i = 0; i < ids->len; i++) {
		struct bm_resource *r = g_hash_table_lookup(b->resources,
							    ids->pdata[i]);
		struct bm_resource *o = g_hash_table_lookup(a->resources,
							    r->id);

		if (!o)
			continue;
		if (strcmp(o->group, r->group))
			rsc_event(out, r,
				  CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2);
		if (o->state != r->state)
			rsc_event(out, r, CLUSTER_CHANGE_RESOURCE_STATE_V2);
		if (!bm_props_equal(o->common, r->common))
			rsc_event(out, r,
				  CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2);
		if (!bm_props_equal(o->priv, r->priv))
			rsc_event(out, r,
				  CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2);
	}
	g_ptr_array_unref(ids);
}

static void changed_groups(GPtrArray *out, const struct bm_model *a,
			   const struct bm_model *b)
{
	GPtrArray *ids = bm_sorted_keys(b->groups);
	guint i;

	for (i = 0; i < ids->len; i++) {
		struct bm_group *g = g_hash_table_lookup(b->groups,
							 ids->pdata[i]);
		struct bm_group *o = g_hash_table_lookup(a->groups, g->id);

		if (!o)
			continue;
		/* A group is never moved to "no node": it stays put. */
		if (g->owner && g_strcmp0(o->owner, g->owner))
			group_event(out, g, CLUSTER_CHANGE_GROUP_OWNER_NODE_V2);
		if (o->state != g->state)
			group_event(out, g, CLUSTER_CHANGE_GROUP_STATE_V2);
		if (!bm_props_equal(o->common, g->common))
			group_event(out, g,
				    CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2);
	}
	g_ptr_array_unref(ids);
}

static void deleted(GPtrArray *out, const struct bm_model *a,
		    const struct bm_model *b)
{
	GPtrArray *ids;
	guint i;

	ids = bm_sorted_keys(a->resources);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->resources, ids->pdata[i]))
			rsc_event(out, g_hash_table_lookup(a->resources,
							   ids->pdata[i]),
				  CLUSTER_CHANGE_RESOURCE_DELETED_V2);
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(a->groups);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->groups, ids->pdata[i]))
			event(out, CLUSNOTIFY_OBJ_GROUP,
			      CLUSTER_CHANGE_GROUP_DELETED_V2, ids->pdata[i]);
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(a->types);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->types, ids->pdata[i]))
			event(out, CLUSNOTIFY_OBJ_RESOURCE_TYPE,
			      CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2,
			      ids->pdata[i]);
	g_ptr_array_unref(ids);

	/* A node's interfaces go before it does. */
	deleted_networks(out, a, b);

	ids = bm_sorted_keys(a->nodes);
	for (i = 0; i < ids->len; i++)
		if (!g_hash_table_contains(b->nodes, ids->pdata[i]))
			node_event(out, g_hash_table_lookup(a->nodes,
							    ids->pdata[i]),
				   CLUSTER_CHANGE_NODE_DELETED_V2);
	g_ptr_array_unref(ids);
}

/* ---- the registry ---- */

static void publish_key(GPtrArray *out, const char *path)
{
	/* The root always exists in the kernel. */
	if (!*path)
		return;
	add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_REGISTRY, 0, path)->name =
		g_strdup(last_component(path));
}

static void registry_keys_new(GPtrArray *out, const struct bm_model *a,
			      const struct bm_model *b)
{
	GPtrArray *keys = bm_sorted_keys(b->registry);
	guint i;

	for (i = 0; i < keys->len; i++)
		if (!g_hash_table_contains(a->registry, keys->pdata[i]))
			publish_key(out, keys->pdata[i]);
	g_ptr_array_unref(keys);
}

static void registry_events(GPtrArray *out, const struct bm_model *a,
			    const struct bm_model *b)
{
	GPtrArray *keys = bm_sorted_keys(b->registry);
	guint i;

	for (i = 0; i < keys->len; i++) {
		const char *k = keys->pdata[i];
		bm_props *v = g_hash_table_lookup(b->registry, k);
		bm_props *o = g_hash_table_lookup(a->registry, k);

		if (!o)
			event(out, CLUSNOTIFY_OBJ_REGISTRY,
			      CLUSTER_CHANGE_REGISTRY_NAME_V2, k);
		if (o ? !bm_props_equal(o, v) : g_hash_table_size(v) > 0)
			set_props(event(out, CLUSNOTIFY_OBJ_REGISTRY,
					CLUSTER_CHANGE_REGISTRY_VALUE_V2, k),
				  v);
	}
	g_ptr_array_unref(keys);

	keys = bm_sorted_keys(a->registry);
	for (i = 0; i < keys->len; i++)
		if (!g_hash_table_contains(b->registry, keys->pdata[i]))
			event(out, CLUSNOTIFY_OBJ_REGISTRY,
			      CLUSTER_CHANGE_REGISTRY_NAME_V2, keys->pdata[i]);
	/* Removed after their last event, deepest first. */
	for (i = keys->len; i-- > 0;)
		if (!g_hash_table_contains(b->registry, keys->pdata[i]))
			add(out, BM_OP_REMOVE, CLUSNOTIFY_OBJ_REGISTRY, 0,
			    keys->pdata[i]);
	g_ptr_array_unref(keys);
}

GPtrArray *bm_diff(const struct bm_model *a, const struct bm_model *b)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(change_free);

	registry_keys_new(out, a, b);
	if (!bm_props_equal(a->props, b->props)) {
		struct bm_change *c = event(out, CLUSNOTIFY_OBJ_CLUSTER,
			CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2, NULL);

		if (*b->name)
			c->name = g_strdup(b->name);
		set_props(c, b->props);
	}
	if (a->quorate != b->quorate)
		set_state(event(out, CLUSNOTIFY_OBJ_QUORUM,
				CLUSTER_CHANGE_QUORUM_STATE_V2, QUORUM_ID),
			  b->quorate ? BM_QUORUM_UP : BM_QUORUM_LOST);
	diff_nodes(out, a, b);
	diff_networks(out, a, b);
	added_types(out, a, b);
	added_groups(out, a, b);
	resources(out, a, b);
	changed_groups(out, a, b);
	deleted(out, a, b);
	registry_events(out, a, b);
	return out;
}

GPtrArray *bm_directory(const struct bm_model *m)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(change_free);
	GPtrArray *ids;
	struct bm_change *c;
	guint i;

	c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_QUORUM, 0, QUORUM_ID);
	set_state(c, m->quorate ? BM_QUORUM_UP : BM_QUORUM_LOST);

	ids = bm_sorted_keys(m->nodes);
	for (i = 0; i < ids->len; i++) {
		struct bm_node *n = g_hash_table_lookup(m->nodes,
							ids->pdata[i]);

		c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_NODE, 0, n->id);
		c->name = g_strdup(n->name);
		set_state(c, n->state);
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->networks);
	for (i = 0; i < ids->len; i++) {
		struct bm_network *n = g_hash_table_lookup(m->networks,
							   ids->pdata[i]);

		c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_NETWORK, 0, n->id);
		c->name = g_strdup(n->name);
		set_state(c, n->state);
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->netifs);
	for (i = 0; i < ids->len; i++) {
		struct bm_netif *n = g_hash_table_lookup(m->netifs,
							 ids->pdata[i]);

		c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, 0,
			n->id);
		c->name = g_strdup(n->name);
		c->parent = g_strdup(n->node);
		set_state(c, n->state);
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->types);
	for (i = 0; i < ids->len; i++)
		add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0,
		    ids->pdata[i]);
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->groups);
	for (i = 0; i < ids->len; i++) {
		struct bm_group *g = g_hash_table_lookup(m->groups,
							 ids->pdata[i]);

		c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_GROUP, 0, g->id);
		c->parent = g_strdup(g->owner);
		set_state(c, g->state);
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->resources);
	for (i = 0; i < ids->len; i++) {
		struct bm_resource *r = g_hash_table_lookup(m->resources,
							    ids->pdata[i]);

		c = add(out, BM_OP_PUBLISH, CLUSNOTIFY_OBJ_RESOURCE, 0, r->id);
		c->parent = g_strdup(r->group);
		c->type_name = g_strdup(r->type);
		set_state(c, r->state);
	}
	g_ptr_array_unref(ids);

	ids = bm_sorted_keys(m->registry);
	for (i = 0; i < ids->len; i++)
		publish_key(out, ids->pdata[i]);
	g_ptr_array_unref(ids);
	return out;
}
