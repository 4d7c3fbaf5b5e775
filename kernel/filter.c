// SPDX-License-Identifier: GPL-2.0
/*
 * Filters and the per-cluster subscription index that fans events out.
 *
 * Each cluster has one RCU list per postable event kind: 32 for the V1
 * CLUSTER_CHANGE bits and 64 per object type for the V2 flags. A filter on
 * the whole cluster (or on a registry subtree) sits in the list of every
 * kind its mask names, through its subs[]. A filter on one object sits in
 * the list of that object's entry (cn_objsub) in the index's hash, found by
 * the object's type and id. A post walks only the lists of its own kinds
 * and the entry of its own object, so its cost grows with the filters that
 * can match, never with the filters that exist. Writers (add, remove) hold
 * cluster->sub_lock and use the _rcu list and hash operations; filters and
 * entries are freed after a grace period, so a post still walking past
 * them stays safe.
 *
 * For one event, a port gets one record per matching filter: its V1
 * filters' records, then its V2 filters', each oldest filter first. A kind's
 * list and an object's list are both in creation order, so a post merges
 * the two by the filters' serials.
 */
#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "clusnotify.h"

static atomic64_t cn_filter_serial = ATOMIC64_INIT(0);

struct cn_index *cn_index_new(void)
{
	struct cn_index *idx;
	int i, j;

	idx = kvzalloc(sizeof(*idx), GFP_KERNEL_ACCOUNT);
	if (!idx)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(idx->v1); i++)
		INIT_LIST_HEAD(&idx->v1[i]);
	for (i = 0; i <= CLUSNOTIFY_OBJ_MAX; i++)
		for (j = 0; j < 64; j++)
			INIT_LIST_HEAD(&idx->v2[i][j]);
	hash_init(idx->objsubs);
	idx->seed = get_random_u32();
	return idx;
}

/* Every filter is gone (each held a cluster reference), so every entry. */
void cn_index_free(struct cn_index *idx)
{
	kvfree(idx);
}

static u32 cn_objsub_hash(const struct cn_index *idx, u32 type,
			  const char *id, u32 len)
{
	return jhash(id, len, idx->seed ^ type);
}

/* The entry of an object, under RCU or sub_lock; NULL if none watches it. */
static struct cn_objsub *cn_objsub_find(struct cn_index *idx, u32 type,
					const char *id, u32 len)
{
	u32 h = cn_objsub_hash(idx, type, id, len);
	struct cn_objsub *os;

	hash_for_each_possible_rcu(idx->objsubs, os, node, h)
		if (os->hash == h && os->type == type && os->len == len &&
		    !memcmp(os->id, id, len))
			return os;
	return NULL;
}

static struct list_head *cn_index_list(struct cn_index *idx, u32 version,
				       u32 type, unsigned int bit)
{
	return version == CLUSNOTIFY_FILTER_V1 ? &idx->v1[bit] :
						 &idx->v2[type][bit];
}

/*
 * Check a filter from userspace and work out the mask of kinds it is indexed
 * under, which leaves out the REGISTRY_SUBTREE scope modifier.
 */
static int cn_filter_check(const struct clusnotify_filter *uf, u64 *idxmask,
			   bool *subtree, u32 *obj_type)
{
	bool has_object = uf->object != 0;
	u64 mask = uf->mask;

	if (uf->flags)
		return -EINVAL;
	if (!has_object && uf->object_len)
		return -EINVAL;
	if (uf->version == CLUSNOTIFY_FILTER_V1) {
		if (mask >> 32 || uf->object_type)
			return -EINVAL;
		*subtree = mask & CLUSNOTIFY_V1_REGISTRY_SUBTREE;
		*idxmask = mask & ~(u64)CLUSNOTIFY_V1_REGISTRY_SUBTREE;
		*obj_type = uf->object_type_v1;
		if (has_object != !!uf->object_type_v1)
			return -EINVAL;
		if (has_object) {
			unsigned long bits = mask & ~(u64)CLUSNOTIFY_V1_HANDLE_CLOSE;
			unsigned int bit;

			if (!cn_type_valid(*obj_type) ||
			    *obj_type == CLUSNOTIFY_OBJ_CLUSTER)
				return -EINVAL;
			/*
			 * RegisterClusterNotify's table: an object's filter
			 * takes that object's kinds (a key's, the registry
			 * ones), and HANDLE_CLOSE.
			 */
			for_each_set_bit(bit, &bits, 32)
				if (cn_v1_type(BIT(bit)) != *obj_type)
					return -EINVAL;
		}
	} else if (uf->version == CLUSNOTIFY_FILTER_V2) {
		u32 type = uf->object_type;

		if (uf->object_type_v1 || !cn_v2_all(type))
			return -EINVAL;
		if (mask & ~cn_v2_all(type))
			return -EINVAL;
		*subtree = type == CLUSNOTIFY_OBJ_REGISTRY &&
			   (mask & CLUSNOTIFY_V2_REGISTRY_SUBTREE);
		*idxmask = *subtree ? mask & ~CLUSNOTIFY_V2_REGISTRY_SUBTREE :
				      mask;
		*obj_type = type;
		if (has_object && type == CLUSNOTIFY_OBJ_CLUSTER)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (!*idxmask)
		return -EINVAL;
	/* Only the registry root may have an empty id. */
	if (has_object && !uf->object_len && *obj_type != CLUSNOTIFY_OBJ_REGISTRY)
		return -EINVAL;
	return 0;
}

static void cn_filter_free_rcu(struct rcu_head *rcu)
{
	struct cn_filter *f = container_of(rcu, struct cn_filter, rcu);

	cn_cluster_put(f->cluster);
	kfree(f->object_id);
	kfree(f);
}

int cn_filter_add(struct cn_port *port, const struct clusnotify_filter *uf)
{
	struct cn_str object = { "", 0 };
	struct cn_objsub *spare = NULL;
	struct cn_cluster *c;
	struct cn_filter *f;
	char *object_id = NULL;
	bool subtree, on_object;
	u64 idxmask;
	u32 obj_type, bit;
	int ret, i;

	ret = cn_filter_check(uf, &idxmask, &subtree, &obj_type);
	if (ret)
		return ret;
	c = cn_cluster_get_by_id(uf->cluster_id);
	if (!c)
		return -ENOENT;
	if (!(cn_cluster_access(c, current_cred()) & CLUSNOTIFY_ACCESS_READ)) {
		ret = -EACCES;
		goto err_put;
	}
	if (uf->object) {
		object_id = cn_str_from_user(uf->object, uf->object_len,
					     &object);
		if (IS_ERR(object_id)) {
			ret = PTR_ERR(object_id);
			object_id = NULL;
			goto err_put;
		}
	}

	on_object = uf->object && !subtree;
	/*
	 * The object's entry in the index, in case this is its first filter:
	 * allocated here, outside the locks, and freed below if not needed.
	 */
	if (on_object) {
		spare = kzalloc(struct_size(spare, id, object.len),
				GFP_KERNEL_ACCOUNT);
		if (!spare) {
			ret = -ENOMEM;
			goto err_put;
		}
	}
	f = kzalloc(struct_size(f, subs, on_object ? 0 : hweight64(idxmask)),
		    GFP_KERNEL_ACCOUNT);
	if (!f) {
		ret = -ENOMEM;
		goto err_put;
	}
	f->port = port;
	f->cluster = c;
	f->key = uf->key;
	f->token = uf->token;
	f->mask = uf->mask;
	f->version = uf->version;
	f->object_type = obj_type;
	f->subtree = subtree;
	f->has_object = uf->object != 0;
	f->object_id = object_id;
	f->object_len = object.len;
	f->serial = atomic64_inc_return(&cn_filter_serial);

	mutex_lock(&port->filter_lock);
	if (READ_ONCE(port->shut)) {
		ret = -ESHUTDOWN;
		goto err_unlock;
	}
	if (port->nr_filters >= READ_ONCE(cn_max_filters)) {
		ret = -EMFILE;
		goto err_unlock;
	}
	/*
	 * Under the cluster's lock, so that an unregister is either before
	 * (the cluster is gone: -ENOENT) or after (its CLUSTER_STATE reaches
	 * this filter): never a filter on a cluster that went unannounced.
	 * The registry root always exists; other objects must.
	 */
	mutex_lock(&c->lock);
	if (!c->registered ||
	    (object.len && !cn_object_find_id(c, obj_type, object.s))) {
		mutex_unlock(&c->lock);
		ret = -ENOENT;
		goto err_unlock;
	}
	mutex_lock(&c->sub_lock);
	if (on_object) {
		struct cn_objsub *os = cn_objsub_find(c->index, obj_type,
						      object.s, object.len);

		if (!os) {
			os = spare;
			spare = NULL;
			INIT_LIST_HEAD(&os->filters);
			os->type = obj_type;
			os->len = object.len;
			memcpy(os->id, object.s, object.len);
			os->hash = cn_objsub_hash(c->index, obj_type, os->id,
						  os->len);
			hash_add_rcu(c->index->objsubs, &os->node, os->hash);
		}
		f->objsub = os;
		list_add_tail_rcu(&f->obj_node, &os->filters);
	} else {
		i = 0;
		for_each_set_bit(bit, (unsigned long *)&idxmask, 64) {
			f->subs[i].filter = f;
			list_add_tail_rcu(&f->subs[i].node,
					  cn_index_list(c->index, f->version,
							obj_type, bit));
			i++;
		}
		f->nr_subs = i;
	}
	list_add_tail(&f->cluster_node, &c->filters);
	c->nr_filters++;
	mutex_unlock(&c->sub_lock);
	mutex_unlock(&c->lock);
	list_add_tail(&f->port_node, &port->filters);
	WRITE_ONCE(port->nr_filters, port->nr_filters + 1);
	port->had_filter = true;
	mutex_unlock(&port->filter_lock);
	kfree(spare);
	return 0;

err_unlock:
	mutex_unlock(&port->filter_lock);
	kfree(f);
err_put:
	kfree(spare);
	kfree(object_id);
	cn_cluster_put(c);
	return ret;
}

/* Take a filter out of the index and its lists; freed after a grace period. */
static void cn_filter_unlink(struct cn_port *port, struct cn_filter *f)
{
	struct cn_cluster *c = f->cluster;
	u32 i;

	lockdep_assert_held(&port->filter_lock);
	mutex_lock(&c->sub_lock);
	for (i = 0; i < f->nr_subs; i++)
		list_del_rcu(&f->subs[i].node);
	if (f->objsub) {
		list_del_rcu(&f->obj_node);
		if (list_empty(&f->objsub->filters)) {
			hash_del_rcu(&f->objsub->node);
			kfree_rcu(f->objsub, rcu);
		}
	}
	list_del(&f->cluster_node);
	c->nr_filters--;
	mutex_unlock(&c->sub_lock);
	list_del(&f->port_node);
	WRITE_ONCE(port->nr_filters, port->nr_filters - 1);
	call_rcu(&f->rcu, cn_filter_free_rcu);
}

/*
 * Retire a filter from its port: with @handle_close, and if its mask asks
 * for it, its last record is HANDLE_CLOSE (V1 CLUSTER_CHANGE_HANDLE_CLOSE or
 * the type's V2 *_HANDLE_CLOSE_V2, named after the object or the cluster).
 * Either way the filter is dead for the port from here on (see
 * cn_port_filter_gone), even for a post still walking past it.
 */
static void cn_filter_close(struct cn_port *port, struct cn_filter *f,
			    bool handle_close)
{
	u32 type = f->has_object ? f->object_type : CLUSNOTIFY_OBJ_CLUSTER;
	struct cn_cluster *c = f->cluster;
	struct cn_event ev = {
		.object_type = type,
		.v1_change = CLUSNOTIFY_V1_HANDLE_CLOSE,
		.v2_flag = cn_v2_handle_close(type),
		.state = CLUSNOTIFY_STATE_UNKNOWN,
		.flags = CLUSNOTIFY_RECORD_F_KERNEL,
		.timestamp_ns = ktime_get_ns(),
	};
	struct cn_object *obj;

	if (!handle_close ||
	    (f->version == CLUSNOTIFY_FILTER_V1 ?
		     !(f->mask & CLUSNOTIFY_V1_HANDLE_CLOSE) :
		     !(f->mask & cn_v2_handle_close(f->object_type)))) {
		cn_port_filter_gone(port, f, NULL);
		return;
	}
	if (!f->has_object) {
		ev.pl = cn_payload_get(c->name_pl);
	} else {
		struct cn_str id = { f->object_id, f->object_len };

		mutex_lock(&c->lock);
		obj = cn_object_find_id(c, type, f->object_id);
		if (obj)
			ev.pl = cn_object_payload(c, obj, false);
		else
			ev.pl = cn_payload_new(c->id, NULL, 0, &id, NULL, &id,
					       NULL, GFP_KERNEL_ACCOUNT);
		mutex_unlock(&c->lock);
		/* No memory for its own payload: named after the cluster. */
		if (!ev.pl)
			ev.pl = cn_payload_get(c->name_pl);
	}
	cn_port_filter_gone(port, f, &ev);
	cn_payload_put(ev.pl);
}

int cn_filter_remove(struct cn_port *port, u64 token, bool handle_close)
{
	struct cn_filter *f, *tmp;
	int n = 0;

	mutex_lock(&port->filter_lock);
	if (READ_ONCE(port->shut)) {
		mutex_unlock(&port->filter_lock);
		return -ESHUTDOWN;
	}
	list_for_each_entry_safe(f, tmp, &port->filters, port_node) {
		if (f->token != token)
			continue;
		cn_filter_close(port, f, handle_close);
		cn_filter_unlink(port, f);
		n++;
	}
	mutex_unlock(&port->filter_lock);
	return n ? n : -ENOENT;
}

void cn_filter_remove_all(struct cn_port *port)
{
	struct cn_filter *f, *tmp;

	mutex_lock(&port->filter_lock);
	list_for_each_entry_safe(f, tmp, &port->filters, port_node) {
		cn_filter_close(port, f, false);
		cn_filter_unlink(port, f);
	}
	mutex_unlock(&port->filter_lock);
}

/*
 * Does filter @f, found in the list of the event's kind, take this event?
 * Only its object scope is left to check. Registry filters without an
 * object watch the root key, and with SUBTREE the whole database.
 */
static bool cn_filter_match(const struct cn_filter *f,
			    const struct cn_event *ev, u32 subject_type,
			    bool registry)
{
	const char *id = cn_payload_id(ev->pl);
	u32 len = ev->pl->id_len;

	if (!f->has_object)
		return !registry || f->subtree || len == 0;
	if (subject_type != f->object_type)
		return false;
	if (len == f->object_len && !memcmp(id, f->object_id, len))
		return true;
	if (!f->subtree)
		return false;
	if (!f->object_len)
		return true;
	return len > f->object_len && id[f->object_len] == '\\' &&
	       !memcmp(id, f->object_id, f->object_len);
}

static void cn_deliver_count(struct cn_filter *f, const struct cn_event *ev,
			     u64 *queued, u64 *lost)
{
	switch (cn_port_deliver(f->port, f, ev)) {
	case CN_QUEUED:
		(*queued)++;
		break;
	case CN_LOST:
		(*lost)++;
		break;
	default:
		break;
	}
}

/*
 * The filters of @version that take the event: those of its kind's list
 * @wide (whole cluster, registry subtree) and those of its object's entry
 * that ask for @kind (the V1 bit or the V2 flag), merged oldest first.
 */
static void cn_fanout(struct cn_index *idx, struct list_head *wide, u32 version,
		      u64 kind, const struct cn_event *ev, u32 subject_type,
		      bool registry, u64 *queued, u64 *lost)
{
	struct cn_objsub *os = cn_objsub_find(idx, subject_type,
					      cn_payload_id(ev->pl),
					      ev->pl->id_len);
	struct cn_sub *w = list_first_or_null_rcu(wide, struct cn_sub, node);
	struct cn_filter *o = NULL, *f;
	bool take;

	if (os)
		o = list_first_or_null_rcu(&os->filters, struct cn_filter,
					   obj_node);
	while (w || o) {
		if (w && (!o || w->filter->serial < o->serial)) {
			f = w->filter;
			take = cn_filter_match(f, ev, subject_type, registry);
			w = list_next_or_null_rcu(wide, &w->node, struct cn_sub,
						  node);
		} else {
			f = o;
			take = f->version == version && (f->mask & kind);
			o = list_next_or_null_rcu(&os->filters, &o->obj_node,
						  struct cn_filter, obj_node);
		}
		if (take)
			cn_deliver_count(f, ev, queued, lost);
	}
}

/*
 * Fan one event out to every filter of @c that matches it: one record per
 * matching filter, V1 filters by the V1 bit, V2 filters by the V2 kind. The
 * caller holds c->lock, which orders the cluster's events for every port.
 */
void cn_post_event(struct cn_cluster *c, const struct cn_event *ev,
		   u64 *queued, u64 *lost)
{
	lockdep_assert_held(&c->lock);
	rcu_read_lock();
	if (ev->v1_change) {
		unsigned int bit = __ffs(ev->v1_change);
		u32 type = cn_v1_type(ev->v1_change);

		cn_fanout(c->index, &c->index->v1[bit], CLUSNOTIFY_FILTER_V1,
			  ev->v1_change, ev, type,
			  cn_kind_is_registry(CLUSNOTIFY_FILTER_V1, 0,
					      ev->v1_change),
			  queued, lost);
	}
	if (ev->v2_flag) {
		unsigned int bit = __ffs64(ev->v2_flag);

		cn_fanout(c->index, &c->index->v2[ev->object_type][bit],
			  CLUSNOTIFY_FILTER_V2, ev->v2_flag, ev, ev->object_type,
			  ev->object_type == CLUSNOTIFY_OBJ_REGISTRY, queued,
			  lost);
	}
	rcu_read_unlock();
}

static bool cn_filter_wants(const struct cn_filter *f, u32 v1, u64 v2)
{
	if (f->version == CLUSNOTIFY_FILTER_V1)
		return f->mask & v1;
	return f->object_type == CLUSNOTIFY_OBJ_CLUSTER && (f->mask & v2);
}

/*
 * Which ports a cluster event already reached: a port is marked with the
 * event's generation. Marking needs no memory, so an allocation failure can
 * never make a port get the event twice (an XArray of seen ports did, when
 * xa_store failed). The mark is per port but a port may have filters on
 * several clusters, so cluster events are serialised by this mutex: they
 * are rare (a cluster coming up or going down), and it is the innermost
 * mutex, taken under cluster->sub_lock.
 */
static DEFINE_MUTEX(cn_cluster_event_lock);
static u64 cn_cluster_event_gen;	/* under cn_cluster_event_lock */

/*
 * CLUSTER_STATE (down) or CLUSTER_RECONNECT (up) for every port with a
 * filter on @c: through each filter that asks for it, and through the oldest
 * filter of a port where none does, since Windows' client library always
 * tells a port that its cluster went away or came back. Caller holds c->lock.
 */
void cn_post_cluster_event(struct cn_cluster *c, bool up)
{
	struct cn_event ev = {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.v1_change = up ? CLUSNOTIFY_V1_CLUSTER_RECONNECT :
				  CLUSNOTIFY_V1_CLUSTER_STATE,
		.v2_flag = up ? CLUSNOTIFY_V2_CLUSTER_RECONNECT :
				CLUSNOTIFY_V2_CLUSTER_STATE,
		.state = up ? CLUSNOTIFY_CLUSTER_UP : CLUSNOTIFY_CLUSTER_DOWN,
		.flags = CLUSNOTIFY_RECORD_F_KERNEL,
		.timestamp_ns = ktime_get_ns(),
		.pl = c->name_pl,
	};
	struct cn_filter *f;
	u64 gen;

	lockdep_assert_held(&c->lock);
	/* sub_lock keeps every filter on the list, and so its port, alive. */
	mutex_lock(&c->sub_lock);
	mutex_lock(&cn_cluster_event_lock);
	gen = ++cn_cluster_event_gen;
	list_for_each_entry(f, &c->filters, cluster_node) {
		if (!cn_filter_wants(f, ev.v1_change, ev.v2_flag))
			continue;
		cn_port_deliver(f->port, f, &ev);
		f->port->cluster_event_mark = gen;
	}
	list_for_each_entry(f, &c->filters, cluster_node) {
		if (f->port->cluster_event_mark == gen)
			continue;
		cn_port_deliver(f->port, f, &ev);
		f->port->cluster_event_mark = gen;
	}
	mutex_unlock(&cn_cluster_event_lock);
	mutex_unlock(&c->sub_lock);
}

void cn_filter_show(struct seq_file *m, struct cn_port *port)
{
	struct cn_filter *f;

	mutex_lock(&port->filter_lock);
	list_for_each_entry(f, &port->filters, port_node) {
		seq_printf(m,
			   "filter:\tcluster=%u version=%u type=%u mask=%#llx key=%#llx token=%#llx",
			   f->cluster->id, f->version, f->object_type, f->mask,
			   f->key, f->token);
		if (f->has_object) {
			seq_puts(m, " object=");
			seq_escape(m, f->object_id, " \t\n\\");
		}
		seq_putc(m, '\n');
	}
	mutex_unlock(&port->filter_lock);
}
