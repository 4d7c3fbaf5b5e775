/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusapi_linux.h: libclusapi's Linux extensions, all named clusnotify_*.
 *
 * This header stands on its own: it needs <stdint.h>, <stddef.h> and the
 * kernel ABI <linux/clusnotify.h> (object types CLUSNOTIFY_OBJ_*, limits,
 * CLUSNOTIFY_CLUSTER_F_*, CLUSNOTIFY_STATE_UNKNOWN), not <clusapi.h>. The
 * Windows CLUSTER_CHANGE and CLUSTER_CHANGE_*_V2 values it takes are those
 * of <clusapi.h>.
 *
 * Conventions, for every function here:
 *   - the result is 0 (or a count where said) on success and a negative
 *     errno on failure; errno itself is left as the caller had it;
 *   - nothing is ever printed;
 *   - a kernel error is returned exactly as the kernel reported it (the
 *     errno of its netlink error message, see the ABI's top comment in
 *     <linux/clusnotify.h>); netlink library codes never leak out.
 */
#ifndef CLUSAPI_LINUX_H
#define CLUSAPI_LINUX_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <linux/clusnotify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================== */
/* Producer API: the generic netlink family "clusnotify"               */
/* ================================================================== */
/*
 * A producer is the service that knows a cluster: it registers the
 * cluster, publishes its objects and posts their changes, which the
 * kernel fans out to the notification ports that consumers (the
 * GetClusterNotify[V2] side) hold. Every mutating call needs
 * CAP_SYS_ADMIN (else -EPERM); the listings do not.
 *
 * A clusnotify_producer is one netlink socket, and that socket is the
 * session of every cluster registered through it: only it may publish,
 * post to or unregister them (another session gets -EACCES). Closing the
 * producer, or the process dying, ends the session: its clusters go down
 * (every port with a filter on them receives CLUSTER_STATE) but keep
 * their names, ids, objects and filters, and registering the same name
 * again, from any producer, brings one back up (CLUSTER_RECONNECT).
 *
 * A producer may be used by one thread at a time; give each thread its
 * own, or serialise calls. Callbacks of the listings must not call back
 * into the same producer.
 */
typedef struct clusnotify_producer clusnotify_producer;

/*
 * Open a producer: a generic netlink socket with the family resolved.
 * -ENOENT when the clusnotify module is not loaded, -ENOMEM, or the
 * socket's errno. No privilege is needed to open one.
 */
int clusnotify_producer_open(clusnotify_producer **out);

/*
 * Close it, ending its session (see above: its clusters go down, they
 * are not unregistered). NULL is a no-op.
 */
void clusnotify_producer_close(clusnotify_producer *p);

/*
 * Why the last failed call on p failed, for logs and tools: the kernel's
 * extended-ack text, prefixed with "event N: " or "object N: " when the
 * kernel named an entry of a batch, or the library's own text for what it
 * refused before sending. "" when there is nothing to say; never NULL.
 * Valid until the next call on p.
 */
const char *clusnotify_producer_error(const clusnotify_producer *p);

/* ------------------------------------------------------------------ */
/* Clusters                                                            */
/* ------------------------------------------------------------------ */

/*
 * Who may read a cluster's events: consumers are granted access by the
 * owner/group/other bits of mode against their uid and gid (CAP_SYS_ADMIN
 * reads everything).
 */
struct clusnotify_cluster_opts {
	uint32_t uid;		/* owner; default 0 */
	uint32_t gid;		/* group; default 0 */
	uint32_t mode;		/* 0..0777; 0 means the default, 0644 */
	uint32_t flags;		/* CLUSNOTIFY_CLUSTER_F_* (F_DEFAULT) */
};

/*
 * Register the cluster name (UTF-8, 1..CLUSNOTIFY_NAME_MAX bytes) in this
 * session and return its id in *cluster_id (which may be NULL). opts may
 * be NULL: owner root, mode 0644, no flags. A zeroed opts is the same. A
 * mode of 0 cannot be asked for; a cluster only root may read is uid 0
 * with mode 0600.
 *
 * The name compares case-insensitively. If a cluster of that name exists
 * but is down (its session ended), it comes back up in this session with
 * its old id; opts then replace its owner, mode and flags.
 *
 * Errors: -EEXIST (up in another session), -EALREADY (this producer holds
 * it already), -ENOSPC (max_clusters), -EINVAL (empty name, unknown flag),
 * -ERANGE (mode above 0777), -ENAMETOOLONG, -EILSEQ (not UTF-8), -EPERM.
 */
int clusnotify_cluster_register(clusnotify_producer *p, const char *name,
				const struct clusnotify_cluster_opts *opts,
				uint32_t *cluster_id);

/*
 * Take the cluster down for good: it leaves the name table, its ports get
 * CLUSTER_STATE. Errors: -ENOENT, -EACCES (another session's), -EPERM.
 */
int clusnotify_cluster_unregister(clusnotify_producer *p,
				  uint32_t cluster_id);

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */
/*
 * clusnotify_objects_publish, clusnotify_objects_remove and clusnotify_post
 * take arrays of any length. The kernel applies one netlink message all or
 * nothing, but a message holds at most max_batch entries (a module
 * parameter, CLUSNOTIFY_IOC_GET_INFO) and what the socket's send buffer
 * takes, so the library splits a longer array into consecutive messages,
 * transparently and in order. A split array is no longer all or nothing:
 * on an error, the messages before the failing one stay applied, and the
 * count the call returns through its out-parameter says how many leading
 * entries that is; the failing message applied nothing.
 *
 * Before sending anything the library checks every entry for what it can
 * see alone, so these errors always leave everything untouched: -EINVAL
 * (a NULL array with n > 0, a NULL required string, unknown
 * CLUSNOTIFY_EVENT_* flags, a NULL payload with a length),
 * -ENAMETOOLONG (a string over CLUSNOTIFY_NAME_MAX bytes), -ERANGE (a
 * payload over CLUSNOTIFY_PAYLOAD_MAX bytes). n == 0 sends nothing and
 * returns 0.
 *
 * Common kernel errors: -ENOENT (unknown cluster), -EACCES (another
 * session's cluster), -ENOTCONN (the cluster is down), -EPERM, -EILSEQ
 * (a string is not UTF-8), -EINVAL.
 */

/* An entry of the object directory. Strings are UTF-8; NULL = absent. */
struct clusnotify_object_desc {
	uint32_t type;		/* CLUSNOTIFY_OBJ_* */
	uint32_t state;		/* the type's state enum, if has_state */
	int has_state;
	const char *id;		/* required: stable, unique within the type */
	const char *name;	/* NULL: the id; "" is refused (-EINVAL) */
	const char *parent;	/* parent or owner object's id */
	const char *type_name;	/* e.g. a resource's resource type */
};

/*
 * Insert objects, or update those whose (type, id) exists: silently,
 * except that an update changing an object's state queues its *_STATE
 * record (so republishing after a reconnect announces what changed).
 * -ENOSPC past max_objects. *done (may be NULL) gets the number of
 * leading objects applied, also on error.
 */
int clusnotify_objects_publish(clusnotify_producer *p, uint32_t cluster_id,
			       const struct clusnotify_object_desc *objs,
			       size_t n, size_t *done);

/*
 * Remove objects by (type, id); the other fields are ignored. Silent.
 * Every object of a message must exist, else -ENOENT and that message
 * removes nothing. *done as for publish.
 */
int clusnotify_objects_remove(clusnotify_producer *p, uint32_t cluster_id,
			      const struct clusnotify_object_desc *objs,
			      size_t n, size_t *done);

/* clusnotify_event.flags */
#define CLUSNOTIFY_EVENT_NO_V1 (1U << 0)	/* no V1 bit unless v1_change */

/*
 * One event. Its V2 kind is (object_type, v2_flag), one flag of that
 * type's CLUSTER_CHANGE_*_V2 enum; its V1 bit is one CLUSTER_CHANGE value.
 * With v1_change 0 the library derives the V1 bit from the V2 kind with
 * clusnotify_v1_from_v2(), so that V1 consumers see the event too, unless
 * flags has CLUSNOTIFY_EVENT_NO_V1. A non-zero v1_change is sent as given.
 * With v2_flag 0 the event is V1 only. The kinds the kernel makes itself
 * (CLUSTER_STATE, CLUSTER_RECONNECT, LOST_NOTIFICATIONS, HANDLE_CLOSE,
 * REGISTRY_SUBTREE) cannot be posted: -EINVAL.
 *
 * The event also keeps the directory current: *_ADDED inserts (id
 * required, -ENOSPC past max_objects), *_DELETED removes, *_STATE with
 * has_state sets the state, and any event updates the name, parent and
 * type name it carries.
 */
struct clusnotify_event {
	uint32_t object_type;	/* CLUSNOTIFY_OBJ_* */
	uint32_t flags;		/* CLUSNOTIFY_EVENT_* */
	uint64_t v2_flag;	/* one CLUSTER_CHANGE_*_V2 flag, or 0 */
	uint32_t v1_change;	/* one CLUSTER_CHANGE bit, or 0: derived */
	uint32_t state;		/* new state of a *_STATE event */
	int has_state;
	uint32_t payload_len;	/* bytes, at most CLUSNOTIFY_PAYLOAD_MAX */
	const void *payload;	/* e.g. a property list; NULL = none */
	const char *id;		/* the object's id; NULL = none */
	const char *parent;	/* e.g. GROUP_OWNER_NODE_V2: the new owner */
	const char *name;
	const char *type_name;
};

/* What a post did, summed over every message it took. */
struct clusnotify_post_result {
	uint64_t posted;	/* leading events applied */
	uint64_t queued;	/* records queued on ports */
	uint64_t lost;		/* records lost to full queues */
};

/*
 * Post n events to the cluster, in order. res (may be NULL) is filled
 * also on error, with what the applied messages did. -E2BIG only if the
 * kernel refuses even one entry per message (max_batch 0).
 */
int clusnotify_post(clusnotify_producer *p, uint32_t cluster_id,
		    const struct clusnotify_event *ev, size_t n,
		    struct clusnotify_post_result *res);

/*
 * The V1 CLUSTER_CHANGE bit that reports the V2 kind (object_type,
 * v2_flag) to V1 consumers, or 0 when V1 has no equivalent (and for
 * anything that is not exactly one flag of the type, and for the kinds
 * only the kernel makes). The table, and why each row is what it is, is
 * in lib/producer_v1map.c:
 *
 *   CLUSTER   GROUP_ADDED -> GROUP_ADDED, NETWORK_ADDED -> NETWORK_ADDED,
 *             NODE_ADDED -> NODE_ADDED,
 *             RESOURCE_TYPE_ADDED -> RESOURCE_TYPE_ADDED,
 *             COMMON_PROPERTY, PRIVATE_PROPERTY, RENAME, UPGRADED
 *             -> CLUSTER_PROPERTY; MEMBERSHIP -> 0
 *   GROUP     DELETED -> GROUP_DELETED, STATE and OWNER_NODE
 *             -> GROUP_STATE, COMMON_PROPERTY, PRIVATE_PROPERTY,
 *             PREFERRED_OWNERS, RESOURCE_GAINED, RESOURCE_LOST
 *             -> GROUP_PROPERTY, RESOURCE_ADDED -> RESOURCE_ADDED
 *   RESOURCE  STATE and OWNER_GROUP -> RESOURCE_STATE, DELETED
 *             -> RESOURCE_DELETED, COMMON_PROPERTY, PRIVATE_PROPERTY,
 *             DEPENDENCIES, POSSIBLE_OWNERS -> RESOURCE_PROPERTY;
 *             DEPENDENTS, DLL_UPGRADED, TERMINAL_STATE -> 0
 *   RESOURCE_TYPE  DELETED -> RESOURCE_TYPE_DELETED, COMMON_PROPERTY,
 *             PRIVATE_PROPERTY, POSSIBLE_OWNERS -> RESOURCE_TYPE_PROPERTY;
 *             DLL_UPGRADED, RESOURCE_TYPE_SPECIFIC -> 0
 *   NETWORK_INTERFACE, NETWORK  DELETED, STATE, COMMON_PROPERTY and
 *             PRIVATE_PROPERTY -> NETINTERFACE_* / NETWORK_* alike
 *   NODE      NETINTERFACE_ADDED -> NETINTERFACE_ADDED, DELETED
 *             -> NODE_DELETED, STATE -> NODE_STATE, COMMON_PROPERTY,
 *             PRIVATE_PROPERTY -> NODE_PROPERTY; GROUP_GAINED,
 *             GROUP_LOST -> 0
 *   REGISTRY  ATTRIBUTES, NAME, VALUE -> REGISTRY_ATTRIBUTES, _NAME, _VALUE
 *   QUORUM    STATE -> QUORUM_STATE
 *   SHARED_VOLUME, GROUPSET, AFFINITYRULE, FAULTDOMAIN: all 0
 */
uint32_t clusnotify_v1_from_v2(uint32_t object_type, uint64_t v2_flag);

/* ------------------------------------------------------------------ */
/* Listings (CLUSTER_GET, OBJECT_GET and PORT_GET dumps)               */
/* ------------------------------------------------------------------ */
/*
 * Each listing calls cb once per entry, with a struct (and strings) valid
 * during that call only. The callback returns 0 to go on, or anything
 * else to stop: the rest of the dump is then read and dropped, and the
 * listing returns that value. Otherwise the listing returns 0 or -errno.
 * A listing is a snapshot taken in pieces: entries changing meanwhile may
 * be seen in either state. No privilege is needed.
 */

struct clusnotify_cluster_entry {
	uint32_t id;
	uint32_t uid, gid, mode, flags;
	uint32_t objects;	/* objects in its directory */
	uint32_t filters;	/* filters on it, over every port */
	int up;			/* its session is open */
	const char *name;
};

typedef int (*clusnotify_cluster_cb)(const struct clusnotify_cluster_entry *c,
				     void *arg);

/* Every registered cluster, up or down. */
int clusnotify_clusters_list(clusnotify_producer *p, clusnotify_cluster_cb cb,
			     void *arg);

struct clusnotify_object_entry {
	uint32_t type;		/* CLUSNOTIFY_OBJ_* */
	uint32_t state;		/* or CLUSNOTIFY_STATE_UNKNOWN */
	uint64_t state_seq;	/* bumped on every state change */
	const char *id;
	const char *name;	/* published without one: the id */
	const char *parent;	/* "" when it has none */
	const char *type_name;	/* "" when it has none */
};

typedef int (*clusnotify_object_cb)(const struct clusnotify_object_entry *o,
				    void *arg);

/*
 * The directory of one cluster, in no particular order. -ENOENT (unknown
 * cluster), -EACCES (its mode grants the caller no read access).
 */
int clusnotify_objects_list(clusnotify_producer *p, uint32_t cluster_id,
			    clusnotify_object_cb cb, void *arg);

struct clusnotify_port_entry {
	uint64_t id;		/* as in fdinfo and CLUSNOTIFY_IOC_PORT_STATS */
	uint32_t uid;		/* the opener's */
	uint32_t pid;		/* the opener's process (tgid) */
	uint64_t queued;	/* records waiting */
	uint64_t delivered;	/* records read */
	uint64_t lost;		/* records lost to overflow, ever */
	uint64_t next_seq;	/* seq of the next record */
	uint32_t filters;
};

typedef int (*clusnotify_port_cb)(const struct clusnotify_port_entry *pt,
				  void *arg);

/* Every open notification port. */
int clusnotify_ports_list(clusnotify_producer *p, clusnotify_port_cb cb,
			  void *arg);

/* ================================================================== */
/* Consumer extensions                                                 */
/* ================================================================== */
/*
 * For consumers that read many events: a port handle (HCHANGE, passed as
 * void * so this header needs no clusapi.h) can be read a batch at a time,
 * bypassing GetClusterNotify's one record per call. Records are the
 * kernel's own (struct clusnotify_record, see <linux/clusnotify.h>): each
 * carries its port's sequence number, and an overflow record
 * (CLUSNOTIFY_RECORD_F_LOST) the exact number of records lost before it.
 * Mixing batch reads and GetClusterNotify on one port is allowed: each
 * record goes to exactly one of them.
 */

/* One record of a batch, with its payload and strings (UTF-8, NUL-ended). */
struct clusnotify_record_view {
	const struct clusnotify_record *hdr;
	const void *payload;		/* hdr->payload_len bytes */
	const char *id;
	const char *parent;
	const char *name;
	const char *type;
};

/*
 * Move as many whole records as fit into buf, waiting up to timeout_ms
 * (CLUSNOTIFY_INFINITE: forever) for the first. Returns the bytes read,
 * -ETIMEDOUT, -EBADF (not a live port handle), -ESHUTDOWN (the port was
 * closed by another thread meanwhile), -EMSGSIZE (len smaller than the
 * next record) or another -errno.
 */
ssize_t clusnotify_port_read(void *port, void *buf, size_t len,
			     uint32_t timeout_ms);

/*
 * Iterate a batch: 1 with *view filled and *off advanced, 0 at the end,
 * -EPROTO if what is at *off is not a well-formed record, -EINVAL if buf
 * is not 8-byte aligned (records are). Start at 0.
 */
int clusnotify_record_next(const void *buf, size_t len, size_t *off,
			   struct clusnotify_record_view *view);

/* The port's counters: queued, delivered, lost, next_seq, filters, id. */
int clusnotify_port_stats(void *port, struct clusnotify_port_stats *stats);

/*
 * Cluster property lists: the payload of V2 *_COMMON_PROPERTY_V2 and
 * *_PRIVATE_PROPERTY_V2 events, laid out as Windows lays them out (see
 * CLUSPROP_* in clusapi.h). Producers build them from UTF-8; consumers
 * parse them with full validation. Start a list zeroed
 * (CLUSNOTIFY_PROPLIST_INIT); each add returns 0 or -errno, and the first
 * failure sticks, so checking the last call (or _data) is enough.
 */
struct clusnotify_proplist {
	unsigned char *buf;
	size_t len;
	size_t cap;
	uint32_t count;		/* properties added */
	int err;		/* first failure, or 0 */
};

#define CLUSNOTIFY_PROPLIST_INIT { NULL, 0, 0, 0, 0 }

int clusnotify_proplist_add_dword(struct clusnotify_proplist *pl,
				  const char *name, uint32_t value);
int clusnotify_proplist_add_long(struct clusnotify_proplist *pl,
				 const char *name, int32_t value);
int clusnotify_proplist_add_ulargeint(struct clusnotify_proplist *pl,
				      const char *name, uint64_t value);
int clusnotify_proplist_add_largeint(struct clusnotify_proplist *pl,
				     const char *name, int64_t value);
int clusnotify_proplist_add_sz(struct clusnotify_proplist *pl,
			       const char *name, const char *value);
int clusnotify_proplist_add_multi_sz(struct clusnotify_proplist *pl,
				     const char *name,
				     const char *const *values, size_t n);
int clusnotify_proplist_add_binary(struct clusnotify_proplist *pl,
				   const char *name, const void *data,
				   size_t len);
/* The list in wire form (a valid empty list if nothing was added), or NULL. */
const void *clusnotify_proplist_data(const struct clusnotify_proplist *pl,
				     size_t *len);
void clusnotify_proplist_free(struct clusnotify_proplist *pl);

/* One property of a parsed list. */
struct clusnotify_prop {
	const char *name;	/* UTF-8, valid during the callback only */
	uint32_t syntax;	/* CLUSPROP_SYNTAX_* of its first value */
	const void *value;	/* first value's data, in the list's buffer */
	uint32_t value_len;	/* bytes */
	uint32_t nvalues;	/* values before the end mark */
};

/*
 * Check a whole list, then call cb for each property in order. Returns 0,
 * -EPROTO (malformed: nothing was handed out), -ENOMEM, or cb's non-zero
 * return, which stops the walk.
 */
int clusnotify_proplist_parse(const void *buf, size_t len,
			      int (*cb)(const struct clusnotify_prop *p,
					void *arg),
			      void *arg);

/* ================================================================== */
/* End of consumer extensions                                          */
/* ================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* CLUSAPI_LINUX_H */
