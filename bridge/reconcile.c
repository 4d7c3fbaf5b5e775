// SPDX-License-Identifier: GPL-2.0
/*
 * reconcile.c: a fresh start (the bridge started, or restarted after it
 * died) against a cluster the kernel still has from an earlier session.
 *
 * The kernel kept the cluster's directory: objects with their states,
 * owners and types. What changed since is found by diffing a model of
 * that directory against the fresh snapshot, so that objects added or
 * deleted meanwhile get their *_ADDED and *_DELETED events, moved groups
 * their OWNER_NODE, changed states their *_STATE, once. The kernel keeps
 * no properties or registry values: those are taken as unchanged, since
 * nothing says what they were (the man page says so).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <clusapi.h>

#include "output.h"
#include "reconcile.h"

static bm_props *copy(bm_props *src)
{
	bm_props *p = bm_props_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, src);
	while (g_hash_table_iter_next(&it, &k, &v))
		bm_props_set(p, k, v);
	return p;
}

static int add_object(const struct clusnotify_object_entry *o, void *arg)
{
	struct bm_model *k = arg;
	int known = o->state != CLUSNOTIFY_STATE_UNKNOWN;
	struct bm_resource *r;
	struct bm_group *g;
	struct bm_node *n;

	switch (o->type) {
	case CLUSNOTIFY_OBJ_NODE:
		n = bm_model_add_node(k, o->id, o->name);
		n->state = known ? o->state : (uint32_t)ClusterNodeDown;
		break;
	case CLUSNOTIFY_OBJ_GROUP:
		g = bm_model_add_group(k, o->id, BM_GROUP_GROUP);
		g->state = known ? o->state : (uint32_t)ClusterGroupOffline;
		if (*o->parent)
			g->owner = g_strdup(o->parent);
		break;
	case CLUSNOTIFY_OBJ_RESOURCE:
		r = bm_model_add_resource(k, o->id, o->parent, o->type_name);
		r->state = known ? o->state :
			   (uint32_t)ClusterResourceOffline;
		break;
	case CLUSNOTIFY_OBJ_RESOURCE_TYPE:
		g_hash_table_add(k->types, g_strdup(o->id));
		break;
	case CLUSNOTIFY_OBJ_REGISTRY:
		g_hash_table_replace(k->registry, g_strdup(o->id),
				     bm_props_new());
		break;
	case CLUSNOTIFY_OBJ_QUORUM:
		k->quorate = o->state == BM_QUORUM_UP;
		break;
	case CLUSNOTIFY_OBJ_NETWORK:
		bm_model_add_network(k, o->id, o->name)->state =
			known ? o->state : (uint32_t)ClusterNetworkDown;
		break;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		/* Only what the directory says; the diff needs no more. */
		bm_model_add_netif(k, o->id, o->name, o->parent, "", "")->state =
			known ? o->state :
			(uint32_t)ClusterNetInterfaceUnavailable;
		break;
	}
	return 0;
}

/* What the kernel cannot tell is taken from the fresh model. */
static void same_values(struct bm_model *k, const struct bm_model *m)
{
	GHashTableIter it;
	gpointer key, v;

	g_hash_table_unref(k->props);
	k->props = copy(m->props);
	g_hash_table_iter_init(&it, k->nodes);
	while (g_hash_table_iter_next(&it, &key, &v)) {
		struct bm_node *n = v, *f = g_hash_table_lookup(m->nodes, key);

		if (f) {
			g_hash_table_unref(n->props);
			n->props = copy(f->props);
		}
	}
	g_hash_table_iter_init(&it, k->groups);
	while (g_hash_table_iter_next(&it, &key, &v)) {
		struct bm_group *g = v, *f = g_hash_table_lookup(m->groups, key);

		if (f) {
			g_hash_table_unref(g->common);
			g->common = copy(f->common);
		}
	}
	g_hash_table_iter_init(&it, k->resources);
	while (g_hash_table_iter_next(&it, &key, &v)) {
		struct bm_resource *r = v;
		struct bm_resource *f = g_hash_table_lookup(m->resources, key);

		if (f) {
			g_hash_table_unref(r->common);
			g_hash_table_unref(r->priv);
			r->common = copy(f->common);
			r->priv = copy(f->priv);
		}
	}
	g_hash_table_iter_init(&it, k->registry);
	while (g_hash_table_iter_next(&it, &key, &v)) {
		bm_props *f = g_hash_table_lookup(m->registry, key);

		if (f)
			g_hash_table_replace(k->registry, g_strdup(key),
					     copy(f));
	}
	/* The root key always exists. */
	if (!g_hash_table_contains(k->registry, ""))
		g_hash_table_replace(k->registry, g_strdup(""),
				     copy(m->props));
}

GPtrArray *bm_fresh_start(clusnotify_producer *p, uint32_t cluster_id,
			  struct bm_model *m, int *err)
{
	struct bm_model *k = bm_model_new();
	GPtrArray *changes, *dir;
	guint i;

	*err = clusnotify_objects_list(p, cluster_id, add_object, k);
	if (*err) {
		bm_model_free(k);
		return NULL;
	}
	if (!g_hash_table_size(k->nodes) && !g_hash_table_size(k->groups) &&
	    !g_hash_table_size(k->registry)) {
		/* A new cluster: the directory is all there is to say. */
		bm_model_free(k);
		return bm_directory(m);
	}
	same_values(k, m);
	g_free(k->name);
	k->name = g_strdup(m->name);
	bm_model_carry(k, m);
	changes = bm_diff(k, m);
	/*
	 * Then the whole directory, which changes no state any more but
	 * fills in what the events do not carry (names, types, the quorum
	 * object of a directory that had none).
	 */
	dir = bm_directory(m);
	for (i = 0; i < dir->len; i++)
		g_ptr_array_add(changes, dir->pdata[i]);
	g_ptr_array_set_free_func(dir, NULL);
	g_ptr_array_unref(dir);
	bm_model_free(k);
	return changes;
}

static int count_object(const struct clusnotify_object_entry *o, void *arg)
{
	(void)o;
	++*(size_t *)arg;
	return 0;
}

int bm_kernel_objects(clusnotify_producer *p, uint32_t cluster_id)
{
	size_t n = 0;
	int ret = clusnotify_objects_list(p, cluster_id, count_object, &n);

	return ret ? ret : (int)MIN(n, (size_t)INT_MAX);
}
