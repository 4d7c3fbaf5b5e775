/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusnotify internals: the objects of the module and how they are locked.
 *
 * Lock order (outer first):
 *   port->filter_lock > cn_clusters_lock > cluster->lock > cluster->sub_lock
 *   > cn_cluster_event_lock > port->read_lock > port->lock (spinlock)
 *
 * - cn_clusters_lock (mutex): the list of registered clusters.
 * - cluster->lock (mutex): the cluster's directory, session and up state.
 *   Posting holds it for the whole batch, so every port sees one cluster's
 *   events in the order they were posted.
 * - cluster->sub_lock (mutex): writers of the subscription index and of the
 *   cluster's filter list. Readers of the index (posts) use RCU only, so
 *   filters come and go while a post walks the index.
 * - cn_cluster_event_lock (mutex, filter.c): serialises CLUSTER_STATE and
 *   CLUSTER_RECONNECT deliveries, which mark the ports they reached.
 * - port->filter_lock (mutex): the port's own filter list.
 * - port->read_lock (mutex): serialises readers (GET, read, the shutdown
 *   flush), so a record being copied to userspace stays at the head of the
 *   queue until the copy succeeded and is never lost to a fault.
 * - port->lock (spinlock): the queue, the counters, the shut flag.
 */
#ifndef _CLUSNOTIFY_H
#define _CLUSNOTIFY_H

#include <linux/clusnotify.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

struct cred;
struct file;
struct mem_cgroup;
struct poll_table_struct;
struct seq_file;

extern unsigned int cn_max_records;
extern unsigned int cn_max_ports;
extern unsigned int cn_max_filters;
extern unsigned int cn_max_objects;
extern unsigned int cn_max_clusters;
extern unsigned int cn_max_batch;
extern unsigned int cn_max_ring;
extern unsigned int cn_ring_default;

/*
 * A string as it crosses the ABI: UTF-8, validated, not NUL-terminated in
 * the ABI but always NUL-terminated here.
 */
struct cn_str {
	const char *s;
	u32 len;
};

/*
 * The immutable, shared part of an event: its strings and payload, laid out
 * exactly as they follow struct clusnotify_record in a record. Allocated once
 * per posted event and referenced by every queued record it produced; freed
 * when the last record is read or flushed.
 */
struct cn_payload {
	refcount_t ref;
	u32 cluster_id;
	u32 payload_len;
	u32 id_len;
	u32 parent_len;
	u32 name_len;
	u32 type_len;
	u32 data_len;	/* bytes of data[], a multiple of 8 */
	u32 utf16_len[4];	/* id, parent, name, type in UTF-16 units */
	char data[];	/* payload, pad to 8, id\0 parent\0 name\0 type\0, pad */
};

const char *cn_payload_id(const struct cn_payload *pl);
const char *cn_payload_name(const struct cn_payload *pl);
struct cn_payload *cn_payload_new(u32 cluster_id, const void *payload,
				  u32 payload_len, const struct cn_str *id,
				  const struct cn_str *parent,
				  const struct cn_str *name,
				  const struct cn_str *type, gfp_t gfp);
void cn_payload_put(struct cn_payload *pl);

static inline struct cn_payload *cn_payload_get(struct cn_payload *pl)
{
	refcount_inc(&pl->ref);
	return pl;
}

static inline u32 cn_record_size(const struct cn_payload *pl)
{
	return sizeof(struct clusnotify_record) + pl->data_len;
}

/*
 * One queued record: the kind of event as this port's filter saw it, plus a
 * reference to the shared payload. Allocated from cn_rec_cache, charged to
 * the port owner's memory cgroup.
 */
struct cn_rec {
	struct list_head node;
	struct cn_payload *pl;
	u64 seq;
	u64 key;
	u64 token;
	u64 lost;
	u64 v2_flag;
	u64 timestamp_ns;
	u32 v1_change;
	u32 object_type;
	u32 state;
	u16 version;
	u16 flags;
};

/* A port: one open file of /dev/clusnotify. Freed after an RCU grace period. */
struct cn_port {
	spinlock_t lock;			/* queue, counters, shut, tail */
	struct list_head queue;		/* of cn_rec, under lock */
	u32 nr_queued;			/* records counted against max_records */
	u32 nr_entries;			/* entries in queue, overflow ones too */
	u64 queued_bytes;		/* bytes the queue would read as */
	u64 next_seq;
	u64 delivered;
	u64 lost_total;
	/*
	 * Records lost after the last queued entry: tail_lost of them from
	 * tail.seq on. They become an overflow record when the next record is
	 * queued, or when a reader finds the queue empty, whichever comes
	 * first, so counting them never needs memory.
	 */
	u64 tail_lost;
	struct cn_rec tail;		/* kind of the overflow record due */
	bool shut;
	/* Set once, before any filter (ring.c); then the queue is unused. */
	struct cn_ring *ring;
	bool had_filter;		/* a filter was ever added: no ring */
	wait_queue_head_t wq;

	struct mutex read_lock;		/* one reader at a time */
	struct mutex filter_lock;	/* filters, nr_filters */
	struct list_head filters;	/* of cn_filter, under filter_lock */
	u32 nr_filters;

	u64 id;
	kuid_t uid;
	pid_t pid;
	/* Generation of the last cluster event it got: filter.c's rule. */
	u64 cluster_event_mark;
	struct mem_cgroup *memcg;	/* where its records are charged */
	struct list_head all_node;	/* in cn_ports, under cn_ports_lock */
	struct rcu_head rcu;
};

struct cn_cluster;

/* One entry of the subscription index: a filter in one kind's list. */
struct cn_sub {
	struct list_head node;
	struct cn_filter *filter;
};

/*
 * A filter. Lives in its port's list (port->filter_lock), in its cluster's
 * list (cluster->sub_lock) and, through subs[], in the cluster's index under
 * RCU. Freed by call_rcu() once unlinked; holds a reference on its cluster.
 */
struct cn_filter {
	struct cn_port *port;
	struct cn_cluster *cluster;
	struct list_head port_node;
	struct list_head cluster_node;
	u64 key;
	u64 token;
	u64 mask;
	u64 serial;		/* creation order, oldest first */
	u32 version;
	u32 object_type;	/* V2 type; V1: the object's type or 0 */
	bool subtree;
	bool has_object;
	bool dead;		/* removed: due nothing more, under port->lock */
	char *object_id;
	u32 object_len;
	struct rcu_head rcu;
	/* An exact-object filter is in its objsub's list, not in subs[]. */
	struct cn_objsub *objsub;
	struct list_head obj_node;	/* in objsub->filters, RCU */
	u32 nr_subs;
	struct cn_sub subs[];
};

/*
 * The filters watching one object (type and id), whatever their kinds: one
 * entry of the index's hash. Created by the first such filter, unhashed
 * when the last goes and freed after a grace period; under sub_lock for
 * writers, RCU for posts.
 */
struct cn_objsub {
	struct hlist_node node;		/* in cn_index.objsubs */
	struct list_head filters;	/* of cn_filter.obj_node */
	u32 hash;
	u32 type;
	u32 len;
	struct rcu_head rcu;
	char id[];
};

#define CN_OBJSUB_HASH_BITS 12

/*
 * The subscription index: one RCU list per postable event kind for the
 * filters that watch a whole cluster (or a registry subtree), and a hash of
 * the objects that exact-object filters watch.
 */
struct cn_index {
	struct list_head v1[32];
	struct list_head v2[CLUSNOTIFY_OBJ_MAX + 1][64];
	u32 seed;			/* of the objsub hash, per cluster */
	DECLARE_HASHTABLE(objsubs, CN_OBJSUB_HASH_BITS);
};

/* An object of a cluster's directory, under cluster->lock. */
struct cn_object {
	struct hlist_node id_node;
	struct hlist_node name_node;
	u32 type;
	u32 state;
	u8 has;			/* in a prepared change: CN_HAS_* it sets */
	u32 post_gen;		/* last post that looked at it */
	u64 state_seq;
	char *id;
	char *name;
	char *parent;
	char *type_name;
};

#define CN_OBJ_HASH_BITS 10

struct cn_cluster {
	struct kref ref;
	struct list_head node;		/* in cn_clusters while registered */
	u32 id;
	u64 serial;			/* registration order */
	char *name;
	struct cn_payload *name_pl;	/* the cluster's name, for records */

	struct mutex lock;		/* all below, up to sub_lock */
	bool registered;
	bool up;
	u32 portid;			/* the session: producer's socket */
	kuid_t uid;
	kgid_t gid;
	u32 mode;
	u32 flags;
	u32 nr_objects;
	u32 post_gen;			/* posts parsed so far */
	DECLARE_HASHTABLE(obj_by_id, CN_OBJ_HASH_BITS);
	DECLARE_HASHTABLE(obj_by_name, CN_OBJ_HASH_BITS);

	struct mutex sub_lock;		/* filters, index writers */
	struct list_head filters;	/* of cn_filter, oldest first */
	u32 nr_filters;
	struct cn_index *index;
};

/* An event being posted, as the fan-out sees it. */
struct cn_event {
	u32 object_type;	/* V2 kind type */
	u64 v2_flag;		/* 0 or one bit */
	u32 v1_change;		/* 0 or one bit */
	u32 state;
	u64 timestamp_ns;
	u16 flags;		/* CLUSNOTIFY_RECORD_F_KERNEL */
	struct cn_payload *pl;
};

/* kinds.c: the Windows event kinds the module interprets */
enum cn_fold {
	CN_FOLD_NONE,
	CN_FOLD_ADD,
	CN_FOLD_DELETE,
	CN_FOLD_STATE,
};

bool cn_type_valid(u32 type);
u64 cn_v2_all(u32 type);
u64 cn_v2_handle_close(u32 type);
bool cn_v2_kernel_only(u32 type, u64 flag);
bool cn_v1_kernel_only(u32 bit);
u32 cn_v1_type(u32 bit);
enum cn_fold cn_event_fold(u32 object_type, u64 v2_flag, u32 v1_change,
			   u32 *subject_type);
bool cn_state_kind(u32 type, u32 *v1_change, u64 *v2_flag);
bool cn_kind_is_registry(u32 version, u32 object_type, u64 bit);

/* str.c: strings crossing the ABI */
int cn_str_check(const char *s, u32 len);
char *cn_str_from_user(u64 uptr, u32 len, struct cn_str *out);
bool cn_name_eq(const char *a, const char *b);
u32 cn_name_hash(u32 type, const char *name);
u32 cn_id_hash(u32 type, const char *id);

/* port.c */
extern struct kmem_cache *cn_rec_cache;
struct cn_port *cn_port_new(void);
void cn_port_release(struct cn_port *port);
void cn_port_shutdown(struct cn_port *port);
/* What became of a record; CN_RETRY never leaves port.c. */
enum cn_delivery { CN_DROPPED_SHUT, CN_QUEUED, CN_LOST, CN_RETRY };
enum cn_delivery cn_port_deliver(struct cn_port *port,
				 const struct cn_filter *f,
				 const struct cn_event *ev);
void cn_port_filter_gone(struct cn_port *port, struct cn_filter *f,
			 const struct cn_event *last);
long cn_port_get(struct cn_port *port, struct clusnotify_get *get);
ssize_t cn_port_read(struct cn_port *port, char __user *buf, size_t len,
		     bool nonblock);
__poll_t cn_port_poll(struct cn_port *port, struct file *file,
		      struct poll_table_struct *wait);
void cn_port_stats(struct cn_port *port, struct clusnotify_port_stats *st);
bool cn_port_readable(struct cn_port *port);
int cn_ports_init(void);
void cn_ports_exit(void);
typedef int (*cn_port_visit_t)(struct cn_port *port, void *arg);
int cn_ports_walk(u64 from_id, cn_port_visit_t fn, void *arg);

void cn_rec_set(struct cn_rec *r, const struct cn_filter *f,
		const struct cn_event *ev, u64 seq);
void cn_port_tail_start(struct cn_port *port, const struct cn_filter *f,
			u64 seq);

/* ring.c: the mapped ring of a port */
struct cn_ring;
struct vm_area_struct;
struct cn_ring *cn_port_ring(struct cn_port *port);
int cn_ring_setup(struct cn_port *port, struct clusnotify_ring_setup *rs);
int cn_ring_mmap(struct cn_port *port, struct vm_area_struct *vma);
void cn_ring_free(struct cn_ring *ring);
u64 cn_ring_mmap_size(const struct cn_ring *ring);
u32 cn_ring_size(const struct cn_ring *ring);
enum cn_delivery cn_ring_queue(struct cn_port *port, const struct cn_filter *f,
			       const struct cn_event *ev, bool *wake);
int cn_ring_sync(struct cn_port *port);
void cn_ring_shut(struct cn_ring *ring);
bool cn_ring_readable(struct cn_port *port);
void cn_ring_stats(struct cn_port *port, struct clusnotify_port_stats *st);

/* filter.c */
int cn_filter_add(struct cn_port *port, const struct clusnotify_filter *uf);
int cn_filter_remove(struct cn_port *port, u64 token, bool handle_close);
void cn_filter_remove_all(struct cn_port *port);
struct cn_index *cn_index_new(void);
void cn_index_free(struct cn_index *idx);
void cn_post_event(struct cn_cluster *c, const struct cn_event *ev,
		   u64 *queued, u64 *lost);
void cn_post_cluster_event(struct cn_cluster *c, bool up);
void cn_filter_show(struct seq_file *m, struct cn_port *port);

/* cluster.c */
struct cn_cluster *cn_cluster_get_by_id(u32 id);
void cn_cluster_put(struct cn_cluster *c);
u32 cn_cluster_access(const struct cn_cluster *c, const struct cred *cred);
struct cn_cluster *cn_cluster_lookup(u32 flags, u32 id, const char *name,
				     u32 name_len);
int cn_cluster_register(const char *name, kuid_t uid, kgid_t gid, u32 mode,
			u32 flags, u32 portid);
int cn_cluster_unregister(u32 id, u32 portid);
struct cn_cluster *cn_cluster_session(u32 id, u32 portid);
void cn_clusters_session_end(u32 portid);
int cn_clusters_walk(u32 from_id, int (*fn)(struct cn_cluster *, void *),
		     void *arg);
void cn_clusters_exit(void);

/*
 * object.c. Changes are two-phase so a batch is all or nothing: prepare
 * allocates everything an object change needs (no lock), commit applies it
 * under cluster->lock and cannot fail. Everything else needs cluster->lock.
 */
struct cn_object_spec {
	u32 type;
	struct cn_str id;
	struct cn_str name;
	struct cn_str parent;
	struct cn_str type_name;
	bool has_name;
	bool has_parent;
	bool has_type_name;
	bool has_state;
	u32 state;
};

struct cn_object *cn_object_prepare(const struct cn_object_spec *spec);
bool cn_object_unchanged(struct cn_object *obj,
			 const struct cn_object_spec *spec, u32 post_gen);
struct cn_object *cn_object_commit(struct cn_cluster *c,
				   struct cn_object *cand, bool insert,
				   bool *state_changed);
void cn_object_discard(struct cn_object *cand);
struct cn_object *cn_object_find_id(struct cn_cluster *c, u32 type,
				    const char *id);
struct cn_object *cn_object_find_name(struct cn_cluster *c, u32 type,
				      const char *name);
void cn_object_delete(struct cn_cluster *c, struct cn_object *obj);
void cn_objects_free(struct cn_cluster *c);
int cn_object_to_user(const struct cn_object *obj, u32 cluster_id,
		      u64 ubuf, u32 *size);
struct cn_payload *cn_object_payload(struct cn_cluster *c,
				     const struct cn_object *obj,
				     bool with_state);

/* chardev.c */
int cn_chardev_init(void);
void cn_chardev_exit(void);

/* genl.c */
int cn_genl_init(void);
void cn_genl_exit(void);

#endif /* _CLUSNOTIFY_H */
