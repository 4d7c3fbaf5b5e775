// SPDX-License-Identifier: GPL-2.0
/*
 * post.c: changes through the producer API of libclusapi.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

/* Buffers an event batch holds until it is posted. */
struct batch {
	GArray *ev;			/* struct clusnotify_event */
	GPtrArray *lists;		/* struct clusnotify_proplist * */
	GArray *states;			/* uint32_t payloads, stable */
};

static void free_list(gpointer d)
{
	clusnotify_proplist_free(d);
	g_free(d);
}

/*
 * The property list of a property event, values as CLUSPROP_SYNTAX_LIST_
 * VALUE_SZ (Pacemaker's values are strings), names sorted.
 */
static int props_payload(struct batch *b, struct clusnotify_event *e,
			 bm_props *props)
{
	struct clusnotify_proplist *pl = g_new0(struct clusnotify_proplist, 1);
	GPtrArray *names = bm_props_names(props);
	const void *data;
	size_t len;
	guint i;

	for (i = 0; i < names->len; i++)
		clusnotify_proplist_add_sz(pl, names->pdata[i],
					   g_hash_table_lookup(props,
							       names->pdata[i]));
	g_ptr_array_unref(names);
	g_ptr_array_add(b->lists, pl);
	data = clusnotify_proplist_data(pl, &len);
	if (!data)
		return pl->err ? pl->err : -ENOMEM;
	if (len > CLUSNOTIFY_PAYLOAD_MAX) {
		/* The registry events still say which key changed. */
		g_warning("%s: property list of %zu bytes is over the limit, sent without it",
			  e->id ? e->id : "cluster", len);
		return 0;
	}
	e->payload = data;
	e->payload_len = len;
	return 0;
}

static int flush_events(clusnotify_producer *p, uint32_t id,
			struct batch *b)
{
	struct clusnotify_post_result res;
	guint i;
	int ret;

	if (!b->ev->len)
		return 0;
	/* The state payloads are in place only once the array stops growing. */
	for (i = 0; i < b->ev->len; i++) {
		struct clusnotify_event *e = &g_array_index(b->ev,
			struct clusnotify_event, i);

		if (e->has_state && !e->payload) {
			e->payload = &g_array_index(b->states, uint32_t, i);
			e->payload_len = sizeof(uint32_t);
		}
	}
	ret = clusnotify_post(p, id, (struct clusnotify_event *)b->ev->data,
			      b->ev->len, &res);
	g_array_set_size(b->ev, 0);
	g_array_set_size(b->states, 0);
	g_ptr_array_set_size(b->lists, 0);
	return ret;
}

static int flush_objects(clusnotify_producer *p, uint32_t id, GArray *objs,
			 enum bm_op op)
{
	const struct clusnotify_object_desc *o = (const void *)objs->data;
	int ret = 0;

	if (!objs->len)
		return 0;
	if (op == BM_OP_PUBLISH)
		ret = clusnotify_objects_publish(p, id, o, objs->len, NULL);
	else
		ret = clusnotify_objects_remove(p, id, o, objs->len, NULL);
	g_array_set_size(objs, 0);
	return ret;
}

int bm_post_changes(clusnotify_producer *p, uint32_t id,
		    const GPtrArray *changes, const char **what)
{
	struct batch b = {
		g_array_new(FALSE, TRUE, sizeof(struct clusnotify_event)),
		g_ptr_array_new_with_free_func(free_list),
		g_array_new(FALSE, TRUE, sizeof(uint32_t)),
	};
	GArray *objs = g_array_new(FALSE, TRUE,
				   sizeof(struct clusnotify_object_desc));
	enum bm_op run = BM_OP_EVENT;
	int ret = 0;
	guint i;

	for (i = 0; i <= changes->len && !ret; i++) {
		const struct bm_change *c = i < changes->len ?
					    changes->pdata[i] : NULL;

		/* A run ends where the kind of call changes: order holds. */
		if (!c || c->op != run) {
			if (run == BM_OP_EVENT) {
				*what = "clusnotify_post";
				ret = flush_events(p, id, &b);
			} else {
				*what = run == BM_OP_PUBLISH ?
					"clusnotify_objects_publish" :
					"clusnotify_objects_remove";
				ret = flush_objects(p, id, objs, run);
			}
			if (!c || ret)
				break;
			run = c->op;
		}
		if (c->op == BM_OP_EVENT) {
			struct clusnotify_event e = {
				.object_type = c->object_type,
				.v2_flag = c->v2_flag,
				.state = c->state,
				.has_state = c->has_state,
				.id = c->id,
				.parent = c->parent,
				/*
				 * Pacemaker's groups and resources have only
				 * an id, which is their name: an event must
				 * carry it, as a V1 program (GetClusterNotify)
				 * knows the object only by name.
				 */
				.name = c->name ? c->name : c->id,
				.type_name = c->type_name,
			};
			uint32_t st = c->state;

			if (c->props)
				ret = props_payload(&b, &e, c->props);
			g_array_append_val(b.ev, e);
			g_array_append_val(b.states, st);
			if (ret)
				*what = "clusnotify_proplist_add_sz";
		} else {
			struct clusnotify_object_desc o = {
				.type = c->object_type,
				.state = c->state,
				.has_state = c->has_state,
				.id = c->id,
				.name = c->name,
				.parent = c->parent,
				.type_name = c->type_name,
			};

			g_array_append_val(objs, o);
		}
	}
	g_array_unref(b.ev);
	g_array_unref(b.states);
	g_ptr_array_unref(b.lists);
	g_array_unref(objs);
	return ret;
}

int bm_producer_open(clusnotify_producer **p)
{
	int ret = clusnotify_producer_open(p);

	if (ret)
		fprintf(stderr, "clusnotify-pacemaker: cannot open a producer: %s%s\n",
			strerror(-ret), ret == -ENOENT ?
			" (the clusnotify module is not loaded)" : "");
	return ret;
}
