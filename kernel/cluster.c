// SPDX-License-Identifier: GPL-2.0
/*
 * Clusters: the table of registered clusters, who may read them, and the
 * producer sessions that keep them up.
 *
 * Lifetime: a cluster is created by the first CLUSTER_REGISTER of its name
 * and holds one reference for being in cn_clusters; every filter on it holds
 * one more. A producer's session ending only takes it down (it stays in the
 * table, so the same name registering again is a reconnect); unregistering
 * takes it out of the table, after which only its filters keep it, inert.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "clusnotify.h"

static DEFINE_MUTEX(cn_clusters_lock);
static LIST_HEAD(cn_clusters);		/* registered, in id order */
static u32 cn_nr_clusters;
static u32 cn_cluster_last_id;
static u64 cn_cluster_serial;

static void cn_cluster_release(struct kref *ref)
{
	struct cn_cluster *c = container_of(ref, struct cn_cluster, ref);

	/* No filter is left, so no post or reader can reach it. */
	cn_objects_free(c);
	cn_payload_put(c->name_pl);
	cn_index_free(c->index);
	kfree(c->name);
	kfree(c);
}

/* May be called from an RCU callback (the last filter going). */
void cn_cluster_put(struct cn_cluster *c)
{
	if (c)
		kref_put(&c->ref, cn_cluster_release);
}

struct cn_cluster *cn_cluster_get_by_id(u32 id)
{
	struct cn_cluster *c, *found = NULL;

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node) {
		if (c->id == id) {
			kref_get(&c->ref);
			found = c;
			break;
		}
	}
	mutex_unlock(&cn_clusters_lock);
	return found;
}

/*
 * What @cred may do with @c, decided like a file's permission bits against
 * the owner and group the producer gave it; CAP_SYS_ADMIN may do all. Read
 * is needed for everything a consumer does; without it nothing is granted,
 * as Windows refuses change access without read access.
 */
u32 cn_cluster_access(const struct cn_cluster *c, const struct cred *cred)
{
	u32 bits;

	if (capable(CAP_SYS_ADMIN))
		return CLUSNOTIFY_ACCESS_READ | CLUSNOTIFY_ACCESS_CHANGE;
	if (uid_eq(cred->fsuid, c->uid))
		bits = c->mode >> 6;
	else if (in_group_p(c->gid))
		bits = c->mode >> 3;
	else
		bits = c->mode;
	if (!(bits & 4))
		return 0;
	return CLUSNOTIFY_ACCESS_READ | ((bits & 2) ? CLUSNOTIFY_ACCESS_CHANGE : 0);
}

static struct cn_cluster *cn_cluster_find_name(const char *name)
{
	struct cn_cluster *c;

	lockdep_assert_held(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node)
		if (cn_name_eq(c->name, name))
			return c;
	return NULL;
}

/*
 * Find a registered cluster: by id (CLUSNOTIFY_LOOKUP_BY_ID), by the name of
 * one of its nodes (CLUSNOTIFY_LOOKUP_BY_NODE), by its name, or the default
 * (empty name): the one flagged CLUSNOTIFY_CLUSTER_F_DEFAULT, else the
 * oldest. Returns it with a reference, or an ERR_PTR.
 */
struct cn_cluster *cn_cluster_lookup(u32 flags, u32 id, const char *name,
				     u32 name_len)
{
	struct cn_cluster *c, *found = NULL;

	if ((flags & CLUSNOTIFY_LOOKUP_BY_ID) &&
	    (flags & CLUSNOTIFY_LOOKUP_BY_NODE))
		return ERR_PTR(-EINVAL);
	if ((flags & CLUSNOTIFY_LOOKUP_BY_ID) && name_len)
		return ERR_PTR(-EINVAL);
	if ((flags & CLUSNOTIFY_LOOKUP_BY_NODE) && !name_len)
		return ERR_PTR(-EINVAL);

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node) {
		if (flags & CLUSNOTIFY_LOOKUP_BY_ID) {
			if (c->id != id)
				continue;
		} else if (flags & CLUSNOTIFY_LOOKUP_BY_NODE) {
			bool has;

			mutex_lock(&c->lock);
			has = cn_object_find_name(c, CLUSNOTIFY_OBJ_NODE, name);
			mutex_unlock(&c->lock);
			if (!has)
				continue;
		} else if (!name_len) {
			if (!found)
				found = c;
			if (!(c->flags & CLUSNOTIFY_CLUSTER_F_DEFAULT))
				continue;
		} else if (!cn_name_eq(c->name, name)) {
			continue;
		}
		found = c;
		break;
	}
	if (found)
		kref_get(&found->ref);
	mutex_unlock(&cn_clusters_lock);
	return found ?: ERR_PTR(-ENOENT);
}

static struct cn_cluster *cn_cluster_new(const char *name)
{
	struct cn_cluster *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	kref_init(&c->ref);
	mutex_init(&c->lock);
	mutex_init(&c->sub_lock);
	INIT_LIST_HEAD(&c->filters);
	hash_init(c->obj_by_id);
	hash_init(c->obj_by_name);
	c->name = kstrdup(name, GFP_KERNEL_ACCOUNT);
	c->index = cn_index_new();
	if (!c->name || !c->index)
		goto err;
	return c;
err:
	cn_index_free(c->index);
	kfree(c->name);
	kfree(c);
	return NULL;
}

/*
 * Register @name for the session @portid: create it, or bring it back up if
 * it is down (CLUSTER_RECONNECT to its ports). Returns the cluster's id.
 */
int cn_cluster_register(const char *name, kuid_t uid, kgid_t gid, u32 mode,
			u32 flags, u32 portid)
{
	struct cn_str n = { name, strlen(name) };
	struct cn_cluster *c;
	int ret;

	mutex_lock(&cn_clusters_lock);
	c = cn_cluster_find_name(name);
	if (c) {
		mutex_lock(&c->lock);
		if (c->up) {
			ret = c->portid == portid ? -EALREADY : -EEXIST;
		} else {
			c->up = true;
			c->portid = portid;
			c->uid = uid;
			c->gid = gid;
			c->mode = mode;
			c->flags = flags;
			cn_post_cluster_event(c, true);
			ret = c->id;
		}
		mutex_unlock(&c->lock);
		goto out;
	}
	if (cn_nr_clusters >= READ_ONCE(cn_max_clusters)) {
		ret = -ENOSPC;
		goto out;
	}
	c = cn_cluster_new(name);
	if (!c) {
		ret = -ENOMEM;
		goto out;
	}
	c->id = ++cn_cluster_last_id;
	c->name_pl = cn_payload_new(c->id, NULL, 0, NULL, NULL, &n, NULL,
				    GFP_KERNEL_ACCOUNT);
	if (!c->name_pl) {
		cn_cluster_put(c);
		ret = -ENOMEM;
		goto out;
	}
	c->serial = ++cn_cluster_serial;
	c->registered = true;
	c->up = true;
	c->portid = portid;
	c->uid = uid;
	c->gid = gid;
	c->mode = mode;
	c->flags = flags;
	list_add_tail(&c->node, &cn_clusters);
	cn_nr_clusters++;
	ret = c->id;
out:
	mutex_unlock(&cn_clusters_lock);
	return ret;
}

/*
 * The cluster of session @portid, with a reference and its lock held, for a
 * producer command: -ENOENT unknown, -ENOTCONN down, -EACCES another
 * session's.
 */
struct cn_cluster *cn_cluster_session(u32 id, u32 portid)
{
	struct cn_cluster *c = cn_cluster_get_by_id(id);
	int ret;

	if (!c)
		return ERR_PTR(-ENOENT);
	mutex_lock(&c->lock);
	if (!c->up)
		ret = -ENOTCONN;
	else if (c->portid != portid)
		ret = -EACCES;
	else
		return c;
	mutex_unlock(&c->lock);
	cn_cluster_put(c);
	return ERR_PTR(ret);
}

int cn_cluster_unregister(u32 id, u32 portid)
{
	struct cn_cluster *c;
	int ret = -ENOENT;

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node) {
		if (c->id != id)
			continue;
		mutex_lock(&c->lock);
		if (!c->up) {
			ret = -ENOTCONN;
		} else if (c->portid != portid) {
			ret = -EACCES;
		} else {
			c->up = false;
			c->registered = false;
			list_del(&c->node);
			cn_nr_clusters--;
			cn_post_cluster_event(c, false);
			ret = 0;
		}
		mutex_unlock(&c->lock);
		if (!ret)
			cn_cluster_put(c);
		break;
	}
	mutex_unlock(&cn_clusters_lock);
	return ret;
}

/* The producer's socket closed: its clusters go down, CLUSTER_STATE. */
void cn_clusters_session_end(u32 portid)
{
	struct cn_cluster *c;

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node) {
		mutex_lock(&c->lock);
		if (c->up && c->portid == portid) {
			c->up = false;
			c->portid = 0;
			cn_post_cluster_event(c, false);
		}
		mutex_unlock(&c->lock);
	}
	mutex_unlock(&cn_clusters_lock);
}

/* For dumps: @fn for each cluster with id >= @from_id until it says stop. */
int cn_clusters_walk(u32 from_id, int (*fn)(struct cn_cluster *, void *),
		     void *arg)
{
	struct cn_cluster *c;
	int ret = 0;

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry(c, &cn_clusters, node) {
		if (c->id < from_id)
			continue;
		ret = fn(c, arg);
		if (ret)
			break;
	}
	mutex_unlock(&cn_clusters_lock);
	return ret;
}

/* Module exit: no port is open, so the table holds the last references. */
void cn_clusters_exit(void)
{
	struct cn_cluster *c, *tmp;

	mutex_lock(&cn_clusters_lock);
	list_for_each_entry_safe(c, tmp, &cn_clusters, node) {
		list_del(&c->node);
		cn_cluster_put(c);
	}
	cn_nr_clusters = 0;
	mutex_unlock(&cn_clusters_lock);
}
