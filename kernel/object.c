// SPDX-License-Identifier: GPL-2.0
/*
 * A cluster's object directory: nodes, groups, resources, networks... keyed
 * by (type, id) and findable by (type, name). It is what lets a consumer open
 * an object by name, filter on one object across renames, and what lets a
 * reconnecting producer re-announce exactly the states that changed.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "clusnotify.h"

enum {
	CN_HAS_NAME = 1 << 0,
	CN_HAS_PARENT = 1 << 1,
	CN_HAS_TYPE_NAME = 1 << 2,
	CN_HAS_STATE = 1 << 3,
};

static void cn_object_free(struct cn_object *obj)
{
	kfree(obj->id);
	kfree(obj->name);
	kfree(obj->parent);
	kfree(obj->type_name);
	kfree(obj);
}

void cn_object_discard(struct cn_object *cand)
{
	if (cand)
		cn_object_free(cand);
}

static char *cn_dup(const struct cn_str *s)
{
	return kmemdup_nul(s->s, s->len, GFP_KERNEL_ACCOUNT);
}

/*
 * Everything a change to object (spec->type, spec->id) needs, allocated up
 * front. Strings the spec does not set stay NULL, except that a new object's
 * name defaults to its id, so one is prepared for that case too.
 */
struct cn_object *cn_object_prepare(const struct cn_object_spec *spec)
{
	struct cn_object *cand;

	cand = kzalloc(sizeof(*cand), GFP_KERNEL_ACCOUNT);
	if (!cand)
		return NULL;
	cand->type = spec->type;
	cand->state = spec->has_state ? spec->state : CLUSNOTIFY_STATE_UNKNOWN;
	cand->has = (spec->has_name ? CN_HAS_NAME : 0) |
		    (spec->has_parent ? CN_HAS_PARENT : 0) |
		    (spec->has_type_name ? CN_HAS_TYPE_NAME : 0) |
		    (spec->has_state ? CN_HAS_STATE : 0);
	cand->id = cn_dup(&spec->id);
	cand->name = cn_dup(spec->has_name ? &spec->name : &spec->id);
	cand->parent = cn_dup(&spec->parent);
	cand->type_name = cn_dup(&spec->type_name);
	if (!cand->id || !cand->name || !cand->parent || !cand->type_name) {
		cn_object_free(cand);
		return NULL;
	}
	return cand;
}

/*
 * Would the change @spec describes leave @obj (NULL: not in the directory)
 * as it is? Then a post need not prepare it: most events (a state that
 * did not change, the same names again) change nothing, and preparing
 * costs an allocation and a copy of every string. Only the first event of
 * post @post_gen on an object is compared with the directory: a later one
 * follows changes that are not applied yet (an earlier event of the same
 * post may rename or delete the object), so it is always prepared. Marks
 * @obj as seen by the post; under cluster->lock.
 */
bool cn_object_unchanged(struct cn_object *obj,
			 const struct cn_object_spec *spec, u32 post_gen)
{
	bool seen;

	if (!obj)
		return false;
	seen = obj->post_gen == post_gen;
	obj->post_gen = post_gen;
	if (seen)
		return false;
	return (!spec->has_name || !strcmp(obj->name, spec->name.s)) &&
	       (!spec->has_parent || !strcmp(obj->parent, spec->parent.s)) &&
	       (!spec->has_type_name ||
		!strcmp(obj->type_name, spec->type_name.s)) &&
	       (!spec->has_state || obj->state == spec->state);
}

struct cn_object *cn_object_find_id(struct cn_cluster *c, u32 type,
				    const char *id)
{
	struct cn_object *obj;

	lockdep_assert_held(&c->lock);
	hash_for_each_possible(c->obj_by_id, obj, id_node, cn_id_hash(type, id))
		if (obj->type == type && !strcmp(obj->id, id))
			return obj;
	return NULL;
}

struct cn_object *cn_object_find_name(struct cn_cluster *c, u32 type,
				      const char *name)
{
	struct cn_object *obj;

	lockdep_assert_held(&c->lock);
	hash_for_each_possible(c->obj_by_name, obj, name_node,
			       cn_name_hash(type, name))
		if (obj->type == type && cn_name_eq(obj->name, name))
			return obj;
	return NULL;
}

static void cn_swap_str(char **dst, char **src)
{
	swap(*dst, *src);
}

/*
 * Apply a prepared change. An unknown object is inserted only if @insert
 * (its *_ADDED event, or a publish); otherwise the change is dropped. A known
 * one takes the strings the change sets, and its state, bumping state_seq
 * when the state differs. Consumes @cand. Returns the object, or NULL.
 */
struct cn_object *cn_object_commit(struct cn_cluster *c,
				   struct cn_object *cand, bool insert,
				   bool *state_changed)
{
	struct cn_object *obj;

	lockdep_assert_held(&c->lock);
	*state_changed = false;
	obj = cn_object_find_id(c, cand->type, cand->id);
	if (!obj) {
		if (!insert) {
			cn_object_free(cand);
			return NULL;
		}
		cand->has = 0;
		hash_add(c->obj_by_id, &cand->id_node,
			 cn_id_hash(cand->type, cand->id));
		hash_add(c->obj_by_name, &cand->name_node,
			 cn_name_hash(cand->type, cand->name));
		c->nr_objects++;
		return cand;
	}
	if (cand->has & CN_HAS_NAME) {
		hash_del(&obj->name_node);
		cn_swap_str(&obj->name, &cand->name);
		hash_add(c->obj_by_name, &obj->name_node,
			 cn_name_hash(obj->type, obj->name));
	}
	if (cand->has & CN_HAS_PARENT)
		cn_swap_str(&obj->parent, &cand->parent);
	if (cand->has & CN_HAS_TYPE_NAME)
		cn_swap_str(&obj->type_name, &cand->type_name);
	if ((cand->has & CN_HAS_STATE) && cand->state != obj->state) {
		obj->state = cand->state;
		obj->state_seq++;
		*state_changed = true;
	}
	cn_object_free(cand);
	return obj;
}

void cn_object_delete(struct cn_cluster *c, struct cn_object *obj)
{
	lockdep_assert_held(&c->lock);
	hash_del(&obj->id_node);
	hash_del(&obj->name_node);
	c->nr_objects--;
	cn_object_free(obj);
}

/* At the cluster's end; nothing else can reach it any more. */
void cn_objects_free(struct cn_cluster *c)
{
	struct hlist_node *tmp;
	struct cn_object *obj;
	int bkt;

	hash_for_each_safe(c->obj_by_id, bkt, tmp, obj, id_node)
		cn_object_free(obj);
	c->nr_objects = 0;
}

/*
 * Write struct clusnotify_object and its strings to @ubuf. -EMSGSIZE, with
 * *size set to the bytes needed, when *size is too small.
 */
int cn_object_to_user(const struct cn_object *obj, u32 cluster_id, u64 ubuf,
		      u32 *size)
{
	struct clusnotify_object *o;
	size_t id = strlen(obj->id), parent = strlen(obj->parent);
	size_t name = strlen(obj->name), type = strlen(obj->type_name);
	size_t need = ALIGN(sizeof(*o) + id + parent + name + type + 4, 8);
	char *p;
	int ret = 0;

	if (*size < need) {
		*size = need;
		return -EMSGSIZE;
	}
	o = kzalloc(need, GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->size = need;
	o->type = obj->type;
	o->state = obj->state;
	o->cluster_id = cluster_id;
	o->state_seq = obj->state_seq;
	o->id_len = id;
	o->parent_len = parent;
	o->name_len = name;
	o->type_len = type;
	p = (char *)(o + 1);
	memcpy(p, obj->id, id + 1);
	p += id + 1;
	memcpy(p, obj->parent, parent + 1);
	p += parent + 1;
	memcpy(p, obj->name, name + 1);
	p += name + 1;
	memcpy(p, obj->type_name, type + 1);
	if (copy_to_user(u64_to_user_ptr(ubuf), o, need))
		ret = -EFAULT;
	else
		*size = need;
	kfree(o);
	return ret;
}

/*
 * The payload of a record the module makes about @obj. A V2 *_STATE record
 * carries the new state as one 4-byte value, as Windows' GROUP_STATE_V2 does.
 */
struct cn_payload *cn_object_payload(struct cn_cluster *c,
				     const struct cn_object *obj,
				     bool with_state)
{
	struct cn_str id = { obj->id, strlen(obj->id) };
	struct cn_str parent = { obj->parent, strlen(obj->parent) };
	struct cn_str name = { obj->name, strlen(obj->name) };
	struct cn_str type = { obj->type_name, strlen(obj->type_name) };
	u32 state = obj->state;

	return cn_payload_new(c->id, &state, with_state ? sizeof(state) : 0,
			      &id, &parent, &name, &type, GFP_KERNEL_ACCOUNT);
}
