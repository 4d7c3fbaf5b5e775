// SPDX-License-Identifier: GPL-2.0
/*
 * model.c: building and freeing the bridge's cluster model, and the
 * registry view derived from it.
 */
#include <string.h>

#include "model.h"

bm_props *bm_props_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void bm_props_set(bm_props *p, const char *name, const char *value)
{
	g_hash_table_replace(p, g_strdup(name), g_strdup(value ? value : ""));
}

int bm_props_equal(bm_props *a, bm_props *b)
{
	GHashTableIter it;
	gpointer k, v;

	if (g_hash_table_size(a) != g_hash_table_size(b))
		return 0;
	g_hash_table_iter_init(&it, a);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *o = g_hash_table_lookup(b, k);

		if (!o || strcmp(o, v))
			return 0;
	}
	return 1;
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *bm_sorted_keys(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, cmp_str_ptr);
	return a;
}

GPtrArray *bm_props_names(bm_props *p)
{
	return bm_sorted_keys(p);
}

static void node_free(gpointer data)
{
	struct bm_node *n = data;

	g_free(n->id);
	g_free(n->name);
	g_hash_table_unref(n->props);
	g_free(n);
}

static void group_free(gpointer data)
{
	struct bm_group *g = data;

	g_free(g->id);
	g_free(g->owner);
	g_hash_table_unref(g->common);
	g_free(g);
}

static void resource_free(gpointer data)
{
	struct bm_resource *r = data;

	g_free(r->id);
	g_free(r->group);
	g_free(r->type);
	g_hash_table_unref(r->common);
	g_hash_table_unref(r->priv);
	g_free(r);
}

static void network_free(gpointer data)
{
	struct bm_network *n = data;

	g_free(n->id);
	g_free(n->name);
	g_free(n);
}

static void netif_free(gpointer data)
{
	struct bm_netif *i = data;

	g_free(i->id);
	g_free(i->name);
	g_free(i->node);
	g_free(i->network);
	g_free(i->address);
	g_free(i);
}

static GHashTable *table(GDestroyNotify free_value)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_value);
}

struct bm_model *bm_model_new(void)
{
	struct bm_model *m = g_new0(struct bm_model, 1);

	m->name = g_strdup("");
	m->props = bm_props_new();
	/* Keys are the objects' own id strings, freed with them. */
	m->nodes = table(node_free);
	m->groups = table(group_free);
	m->resources = table(resource_free);
	m->networks = table(network_free);
	m->netifs = table(netif_free);
	m->types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 NULL);
	m->registry = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_hash_table_unref);
	return m;
}

void bm_model_free(struct bm_model *m)
{
	if (!m)
		return;
	g_free(m->name);
	g_hash_table_unref(m->props);
	g_hash_table_unref(m->nodes);
	g_hash_table_unref(m->groups);
	g_hash_table_unref(m->resources);
	g_hash_table_unref(m->types);
	g_hash_table_unref(m->networks);
	g_hash_table_unref(m->netifs);
	g_hash_table_unref(m->registry);
	g_free(m);
}

struct bm_node *bm_model_add_node(struct bm_model *m, const char *id,
				  const char *name)
{
	struct bm_node *n = g_new0(struct bm_node, 1);

	n->id = g_strdup(id);
	n->name = g_strdup(name);
	n->props = bm_props_new();
	g_hash_table_replace(m->nodes, n->id, n);
	return n;
}

struct bm_group *bm_model_add_group(struct bm_model *m, const char *id,
				    enum bm_group_kind kind)
{
	struct bm_group *g = g_new0(struct bm_group, 1);

	g->id = g_strdup(id);
	g->kind = kind;
	g->common = bm_props_new();
	g_hash_table_replace(m->groups, g->id, g);
	return g;
}

struct bm_resource *bm_model_add_resource(struct bm_model *m, const char *id,
					  const char *group, const char *type)
{
	struct bm_resource *r = g_new0(struct bm_resource, 1);

	r->id = g_strdup(id);
	r->group = g_strdup(group);
	r->type = g_strdup(type);
	r->common = bm_props_new();
	r->priv = bm_props_new();
	g_hash_table_replace(m->resources, r->id, r);
	g_hash_table_add(m->types, g_strdup(type));
	return r;
}

struct bm_network *bm_model_add_network(struct bm_model *m, const char *id,
					const char *name)
{
	struct bm_network *n = g_new0(struct bm_network, 1);

	n->id = g_strdup(id);
	n->name = g_strdup(name);
	g_hash_table_replace(m->networks, n->id, n);
	return n;
}

struct bm_netif *bm_model_add_netif(struct bm_model *m, const char *id,
				    const char *name, const char *node,
				    const char *network, const char *address)
{
	struct bm_netif *i = g_new0(struct bm_netif, 1);

	i->id = g_strdup(id);
	i->name = g_strdup(name);
	i->node = g_strdup(node);
	i->network = g_strdup(network);
	i->address = g_strdup(address);
	g_hash_table_replace(m->netifs, i->id, i);
	return i;
}

struct bm_node *bm_model_node_by_name(struct bm_model *m, const char *name)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, m->nodes);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct bm_node *n = v;

		if (!strcmp(n->name, name))
			return n;
	}
	return NULL;
}

static bm_props *copy_props(bm_props *src)
{
	bm_props *p = bm_props_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, src);
	while (g_hash_table_iter_next(&it, &k, &v))
		bm_props_set(p, k, v);
	return p;
}

static void reg_put(struct bm_model *m, char *path, bm_props *values)
{
	g_hash_table_replace(m->registry, path, values);
}

void bm_model_build_registry(struct bm_model *m)
{
	static const char *const tops[] = {
		"Nodes", "Groups", "Resources", "ResourceTypes",
	};
	static const char *const net_tops[] = {
		"Networks", "NetworkInterfaces",
	};
	GHashTableIter it;
	gpointer k, v;
	size_t i;

	g_hash_table_remove_all(m->registry);
	reg_put(m, g_strdup(""), copy_props(m->props));
	for (i = 0; i < G_N_ELEMENTS(tops); i++)
		reg_put(m, g_strdup(tops[i]), bm_props_new());

	g_hash_table_iter_init(&it, m->nodes);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_node *n = v;
		bm_props *p = copy_props(n->props);

		bm_props_set(p, "NodeName", n->name);
		reg_put(m, g_strdup_printf("Nodes\\%s", n->id), p);
	}
	g_hash_table_iter_init(&it, m->groups);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_group *g = v;

		reg_put(m, g_strdup_printf("Groups\\%s", g->id),
			copy_props(g->common));
	}
	g_hash_table_iter_init(&it, m->resources);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_resource *r = v;
		bm_props *p = copy_props(r->common);

		/* The values Windows keeps beside a resource's properties. */
		bm_props_set(p, "Type", r->type);
		bm_props_set(p, "Group", r->group);
		reg_put(m, g_strdup_printf("Resources\\%s", r->id), p);
		reg_put(m, g_strdup_printf("Resources\\%s\\Parameters", r->id),
			copy_props(r->priv));
	}
	g_hash_table_iter_init(&it, m->types);
	while (g_hash_table_iter_next(&it, &k, NULL))
		reg_put(m, g_strdup_printf("ResourceTypes\\%s", (char *)k),
			bm_props_new());

	/* Networks only where Corosync was asked (the live daemon). */
	if (!g_hash_table_size(m->networks))
		return;
	for (i = 0; i < G_N_ELEMENTS(net_tops); i++)
		reg_put(m, g_strdup(net_tops[i]), bm_props_new());
	g_hash_table_iter_init(&it, m->networks);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_network *n = v;
		bm_props *p = bm_props_new();

		bm_props_set(p, "Name", n->name);
		reg_put(m, g_strdup_printf("Networks\\%s", n->id), p);
	}
	g_hash_table_iter_init(&it, m->netifs);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct bm_netif *ni = v;
		bm_props *p = bm_props_new();

		bm_props_set(p, "Name", ni->name);
		bm_props_set(p, "Node", ni->node);
		bm_props_set(p, "Network", ni->network);
		bm_props_set(p, "Address", ni->address);
		reg_put(m, g_strdup_printf("NetworkInterfaces\\%s", ni->id),
			p);
	}
}

void bm_model_carry(const struct bm_model *prev, struct bm_model *next)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, next->groups);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct bm_group *g = v, *old;

		if (g->owner || g->kind == BM_GROUP_CLONE ||
		    g->kind == BM_GROUP_BUNDLE)
			continue;
		old = g_hash_table_lookup(prev->groups, g->id);
		/* Only to a node that still exists. */
		if (old && old->owner &&
		    g_hash_table_contains(next->nodes, old->owner))
			g->owner = g_strdup(old->owner);
	}
}
