/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the clusnotify selftests: the consumer side (ioctls on
 * /dev/clusnotify, record decoding) and the producer side (the generic
 * netlink family "clusnotify", spoken with raw AF_NETLINK sockets and no
 * libnl, so that cn_util.c doubles as a commented reference client of the
 * ABI in include/uapi/linux/clusnotify.h).
 *
 * Every function returns 0 (or a non-negative count) on success and a
 * negative errno on failure; none of them aborts, so tests can assert the
 * exact errno with ASSERT_EQ(-EINVAL, cn_...()).
 */
#ifndef CN_UTIL_H
#define CN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/clusnotify.h>

#define CN_DEV_PATH "/dev/" CLUSNOTIFY_DEVICE_NAME
#define CN_PARAM_DIR "/sys/module/clusnotify/parameters"
#define CN_MODULE_PATH "/clusnotify.ko"

#define CN_ALIGN8(x) (((x) + 7) & ~(size_t)7)
#define CN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An unprivileged identity for access and capability tests. */
#define CN_NOBODY 65534

/* Big enough for any record the tests provoke (payloads stay below 64 KiB). */
#define CN_REC_BUF (96 * 1024)

/*
 * Windows CLUSTER_CHANGE (V1) values, from clusapi.h
 * (shared/reference/clusapi-api.md section 2.1).
 */
#define CN_V1_NODE_STATE 0x00000001U
#define CN_V1_NODE_DELETED 0x00000002U
#define CN_V1_NODE_ADDED 0x00000004U
#define CN_V1_NODE_PROPERTY 0x00000008U
#define CN_V1_REGISTRY_NAME 0x00000010U
#define CN_V1_REGISTRY_ATTRIBUTES 0x00000020U
#define CN_V1_REGISTRY_VALUE 0x00000040U
#define CN_V1_REGISTRY_SUBTREE 0x00000080U
#define CN_V1_RESOURCE_STATE 0x00000100U
#define CN_V1_RESOURCE_DELETED 0x00000200U
#define CN_V1_RESOURCE_ADDED 0x00000400U
#define CN_V1_RESOURCE_PROPERTY 0x00000800U
#define CN_V1_GROUP_STATE 0x00001000U
#define CN_V1_GROUP_DELETED 0x00002000U
#define CN_V1_GROUP_ADDED 0x00004000U
#define CN_V1_GROUP_PROPERTY 0x00008000U
#define CN_V1_RESOURCE_TYPE_DELETED 0x00010000U
#define CN_V1_RESOURCE_TYPE_ADDED 0x00020000U
#define CN_V1_RESOURCE_TYPE_PROPERTY 0x00040000U
#define CN_V1_CLUSTER_RECONNECT 0x00080000U
#define CN_V1_NETWORK_STATE 0x00100000U
#define CN_V1_NETWORK_DELETED 0x00200000U
#define CN_V1_NETWORK_ADDED 0x00400000U
#define CN_V1_NETWORK_PROPERTY 0x00800000U
#define CN_V1_NETINTERFACE_STATE 0x01000000U
#define CN_V1_NETINTERFACE_DELETED 0x02000000U
#define CN_V1_NETINTERFACE_ADDED 0x04000000U
#define CN_V1_NETINTERFACE_PROPERTY 0x08000000U
#define CN_V1_QUORUM_STATE 0x10000000U
#define CN_V1_CLUSTER_STATE 0x20000000U
#define CN_V1_CLUSTER_PROPERTY 0x40000000U
#define CN_V1_HANDLE_CLOSE 0x80000000U
#define CN_V1_ALL 0xffffffffU

/* Windows CLUSTER_CHANGE_*_V2 values, per object type (section 2.2). */
#define CN_V2_CLUSTER_RECONNECT 0x0001ULL
#define CN_V2_CLUSTER_STATE 0x0002ULL
#define CN_V2_CLUSTER_GROUP_ADDED 0x0004ULL
#define CN_V2_CLUSTER_HANDLE_CLOSE 0x0008ULL
#define CN_V2_CLUSTER_NETWORK_ADDED 0x0010ULL
#define CN_V2_CLUSTER_NODE_ADDED 0x0020ULL
#define CN_V2_CLUSTER_RESOURCE_TYPE_ADDED 0x0040ULL
#define CN_V2_CLUSTER_COMMON_PROPERTY 0x0080ULL
#define CN_V2_CLUSTER_PRIVATE_PROPERTY 0x0100ULL
#define CN_V2_CLUSTER_LOST_NOTIFICATIONS 0x0200ULL
#define CN_V2_CLUSTER_RENAME 0x0400ULL
#define CN_V2_CLUSTER_MEMBERSHIP 0x0800ULL
#define CN_V2_CLUSTER_UPGRADED 0x1000ULL
#define CN_V2_CLUSTER_ALL 0x1fffULL

#define CN_V2_GROUP_DELETED 0x0001ULL
#define CN_V2_GROUP_COMMON_PROPERTY 0x0002ULL
#define CN_V2_GROUP_PRIVATE_PROPERTY 0x0004ULL
#define CN_V2_GROUP_STATE 0x0008ULL
#define CN_V2_GROUP_OWNER_NODE 0x0010ULL
#define CN_V2_GROUP_PREFERRED_OWNERS 0x0020ULL
#define CN_V2_GROUP_RESOURCE_ADDED 0x0040ULL
#define CN_V2_GROUP_RESOURCE_GAINED 0x0080ULL
#define CN_V2_GROUP_RESOURCE_LOST 0x0100ULL
#define CN_V2_GROUP_HANDLE_CLOSE 0x0200ULL
#define CN_V2_GROUP_ALL 0x03ffULL

#define CN_V2_RESOURCE_COMMON_PROPERTY 0x0001ULL
#define CN_V2_RESOURCE_PRIVATE_PROPERTY 0x0002ULL
#define CN_V2_RESOURCE_STATE 0x0004ULL
#define CN_V2_RESOURCE_OWNER_GROUP 0x0008ULL
#define CN_V2_RESOURCE_DELETED 0x0080ULL
#define CN_V2_RESOURCE_HANDLE_CLOSE 0x0200ULL
#define CN_V2_RESOURCE_ALL 0x07ffULL

#define CN_V2_RESOURCE_TYPE_ALL 0x003fULL

#define CN_V2_NETINTERFACE_STATE 0x0008ULL
#define CN_V2_NETINTERFACE_ALL 0x001fULL
#define CN_V2_NETWORK_STATE 0x0008ULL
#define CN_V2_NETWORK_ALL 0x001fULL

#define CN_V2_NODE_NETINTERFACE_ADDED 0x0001ULL
#define CN_V2_NODE_DELETED 0x0002ULL
#define CN_V2_NODE_COMMON_PROPERTY 0x0004ULL
#define CN_V2_NODE_STATE 0x0010ULL
#define CN_V2_NODE_HANDLE_CLOSE 0x0080ULL
#define CN_V2_NODE_ALL 0x00ffULL

#define CN_V2_REGISTRY_ATTRIBUTES 0x0001ULL
#define CN_V2_REGISTRY_NAME 0x0002ULL
#define CN_V2_REGISTRY_SUBTREE 0x0004ULL
#define CN_V2_REGISTRY_VALUE 0x0008ULL
#define CN_V2_REGISTRY_HANDLE_CLOSE 0x0010ULL
#define CN_V2_REGISTRY_ALL 0x001fULL

#define CN_V2_QUORUM_STATE 0x0001ULL
#define CN_V2_SHARED_VOLUME_STATE 0x0001ULL
#define CN_V2_SHARED_VOLUME_ADDED 0x0002ULL
#define CN_V2_SHARED_VOLUME_REMOVED 0x0004ULL
#define CN_V2_SHARED_VOLUME_ALL 0x0007ULL

/* State enums (section 2.5). */
#define CN_GROUP_ONLINE 0
#define CN_GROUP_OFFLINE 1
#define CN_GROUP_FAILED 2
#define CN_NODE_UP 0
#define CN_NODE_DOWN 1
#define CN_RESOURCE_ONLINE 2
#define CN_RESOURCE_OFFLINE 3

/* ------------------------------------------------------------------ */
/* Consumer side: ports on /dev/clusnotify                             */
/* ------------------------------------------------------------------ */

/* open() a new port (O_RDWR | O_CLOEXEC | extra): fd or -errno. */
int cn_open_port(int extra_flags);

/* ioctl() returning its result or -errno. */
long cn_ioctl(int fd, unsigned long cmd, void *arg);

/* The same ioctl command with a different size in its _IOC_SIZE field. */
unsigned long cn_ioc_resize(unsigned long cmd, size_t size);

/*
 * CLUSTER_LOOKUP. name NULL (or "") looks up the default cluster. The
 * cluster's name comes back in name_out if name_out_size > 0.
 */
int cn_cluster_lookup(int fd, const char *name, __u32 flags,
		      struct clusnotify_cluster_query *q,
		      char *name_out, __u32 name_out_size);
int cn_cluster_lookup_id(int fd, __u32 id, struct clusnotify_cluster_query *q);

/* An object as OBJECT_LOOKUP returns it, with its strings decoded. */
struct cn_object {
	struct clusnotify_object hdr;
	const char *id;
	const char *parent;
	const char *name;
	const char *type;
};

/*
 * OBJECT_LOOKUP into buf (capacity *size; on return *size is what the
 * kernel wrote back in buf_size). Decodes into *o when o is not NULL.
 * -EBADMSG when the result is malformed.
 */
int cn_object_lookup(int fd, __u32 cluster, __u32 type, const char *key,
		     __u32 flags, void *buf, __u32 *size, struct cn_object *o);
int cn_decode_object(const void *buf, size_t len, struct cn_object *o);

/* ADD_FILTER helpers: V1 and V2, whole cluster or one object. */
int cn_add_filter(int fd, const struct clusnotify_filter *f);
int cn_add_v1(int fd, __u32 cluster, __u32 mask, __u64 key, __u64 token);
int cn_add_v1_obj(int fd, __u32 cluster, __u32 mask, __u32 obj_type,
		  const char *object, __u64 key, __u64 token);
int cn_add_v2(int fd, __u32 cluster, __u32 type, __u64 mask, __u64 key,
	      __u64 token);
int cn_add_v2_obj(int fd, __u32 cluster, __u32 type, __u64 mask,
		  const char *object, __u64 key, __u64 token);

/* REMOVE_FILTERS: the number removed or -errno. */
int cn_remove(int fd, __u64 token, __u32 flags);

/* A record, with pointers to its payload and strings. */
struct cn_rec {
	struct clusnotify_record hdr;
	const unsigned char *payload;
	const char *id;
	const char *parent;
	const char *name;
	const char *type;
};

/* The size a record with these lengths must have. */
size_t cn_record_size(size_t payload_len, size_t id_len, size_t parent_len,
		      size_t name_len, size_t type_len);

/*
 * Check one record's layout against the specification (size a multiple of
 * 8 and exactly what its lengths imply, NULs in place, strings free of NUL,
 * padding and __reserved zero) and point *r at its parts. -EBADMSG if the
 * record is malformed; *why (if given) then says what is wrong.
 */
int cn_decode_record(const void *buf, size_t len, struct cn_rec *r,
		     const char **why);

/*
 * GET into buf (capacity *size; *size returns the kernel's buf_size).
 * 0 or -errno.
 */
int cn_get(int fd, void *buf, __u32 *size, __u32 timeout_ms);

/*
 * GET and decode into *r, which points into buf (CN_REC_BUF bytes). 0,
 * -errno from GET, or -EBADMSG if the record is malformed.
 */
int cn_get_rec(int fd, void *buf, __u32 timeout_ms, struct cn_rec *r);

/* PORT_STATS, FIONREAD. */
int cn_port_stats(int fd, struct clusnotify_port_stats *st);
int cn_fionread(int fd);

/* GET with timeout 0 until the queue is empty: the number of records. */
int cn_drain(int fd);

/* ------------------------------------------------------------------ */
/* The mapped ring (CLUSNOTIFY_FEAT_RING)                              */
/* ------------------------------------------------------------------ */

/* GET_INFO with the VER1 struct (max_ring, ring_default). */
int cn_info(int fd, struct clusnotify_info *info);

/* RING_SETUP of size bytes (0: the default); *out gets the answer. */
int cn_ring_setup(int fd, __u32 size, struct clusnotify_ring_setup *out);

/* RING_SYNC: 0 or -errno. */
int cn_ring_sync(int fd);

/*
 * A port's mapped ring as a reader sees it. head and consumed are the
 * reader's own copies; cn_ring_advance() publishes them.
 */
struct cn_ring {
	void *map;
	size_t map_size;
	struct clusnotify_ring *r;	/* the first page */
	unsigned char *data;		/* the records' area (mapped twice) */
	__u32 size;
	__u32 head;
	__u64 consumed;
};

/*
 * RING_SETUP (size as for cn_ring_setup) and mmap the ring of fd into *rg,
 * checking what the first page says against the setup's answer.
 * -EBADMSG if the first page disagrees.
 */
int cn_ring_open(int fd, __u32 size, struct cn_ring *rg);
void cn_ring_close(struct cn_ring *rg);

/* The kernel's fields, read with acquire (tail) or relaxed (flags). */
__u32 cn_ring_tail(const struct cn_ring *rg);
__u32 cn_ring_flags(const struct cn_ring *rg);

/*
 * Decode the record at head in place into *rec (pointers into the
 * mapping). 0, -EAGAIN if the ring is empty, -EBADMSG if the record is
 * malformed (*why says why) or claims more bytes than tail - head.
 */
int cn_ring_peek(struct cn_ring *rg, struct cn_rec *rec, const char **why);

/* Consume the record at head: head += its size, consumed++, published. */
void cn_ring_advance(struct cn_ring *rg, __u32 bytes);

/* Store head (release) and consumed as they are now in *rg. */
void cn_ring_publish(struct cn_ring *rg);

/*
 * The spec's check before sleeping: a full barrier after the last store
 * of head, then tail loaded again. True if the ring is still empty.
 */
bool cn_ring_empty_fenced(const struct cn_ring *rg);

/*
 * Take every record in the ring, checking each one's layout and the seq
 * arithmetic from *seq on (seq += F_LOST ? lost : 1). Returns the number
 * of records taken or -EBADMSG (a malformed record or a seq out of
 * order; *why then says which).
 */
int cn_ring_drain(struct cn_ring *rg, __u64 *seq, const char **why);

/* ------------------------------------------------------------------ */
/* Producer side: generic netlink family "clusnotify"                  */
/* ------------------------------------------------------------------ */

/* One netlink socket: one producer session. */
struct cn_nl {
	int fd;
	__u16 family;		/* the resolved genl family id */
	__u32 seq;
	char ext_msg[256];	/* the extended-ack message of the last error */
	void *rxbuf;
};

int cn_nl_open(struct cn_nl *nl);
void cn_nl_close(struct cn_nl *nl);

/* A genl request being built: header, then attributes, nests allowed. */
struct cn_msg {
	unsigned char *buf;
	size_t len;
	size_t cap;
	size_t nest[8];
	int depth;
	int err;		/* -ENOMEM if any put failed */
};

void cn_msg_init(struct cn_msg *m, const struct cn_nl *nl, __u8 cmd,
		 __u16 nlflags);
void cn_msg_free(struct cn_msg *m);
void cn_msg_put(struct cn_msg *m, __u16 type, const void *data, size_t len);
void cn_msg_put_u8(struct cn_msg *m, __u16 type, __u8 v);
void cn_msg_put_u32(struct cn_msg *m, __u16 type, __u32 v);
void cn_msg_put_u64(struct cn_msg *m, __u16 type, __u64 v);
void cn_msg_put_str(struct cn_msg *m, __u16 type, const char *s);
void cn_msg_nest_start(struct cn_msg *m, __u16 type);
void cn_msg_nest_end(struct cn_msg *m);

/*
 * Called for every genl message of the family in the answer; tb[] holds
 * its top-level attributes (NULL when absent), indexed up to
 * CLUSNOTIFY_A_MAX.
 */
struct nlattr;
typedef void (*cn_reply_cb)(const struct nlattr **tb, void *arg);

/*
 * Send m and read the answer: replies (to cb, if given) until the ACK, or
 * until NLMSG_DONE for a dump. Returns the error the kernel acknowledged
 * (0 or -errno), or -errno of a socket call.
 */
int cn_nl_transact(struct cn_nl *nl, struct cn_msg *m, cn_reply_cb cb,
		   void *arg);

/* Attribute access for callbacks and tests. */
int cn_nla_parse(const struct nlattr **tb, int max, const void *data,
		 size_t len);
__u8 cn_nla_u8(const struct nlattr *a);
__u32 cn_nla_u32(const struct nlattr *a);
__u64 cn_nla_u64(const struct nlattr *a);
const char *cn_nla_str(const struct nlattr *a);
const void *cn_nla_data(const struct nlattr *a);
size_t cn_nla_len(const struct nlattr *a);

/* CLUSTER_REGISTER with every optional attribute given. */
struct cn_cluster_opts {
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 flags;
};

int cn_register(struct cn_nl *nl, const char *name, __u32 *id);
int cn_register_opts(struct cn_nl *nl, const char *name,
		     const struct cn_cluster_opts *o, __u32 *id);
int cn_unregister(struct cn_nl *nl, __u32 id);

/* An object to publish (or remove: type and id only). */
struct cn_obj_desc {
	__u32 type;
	const char *id;
	const char *name;
	const char *parent;
	const char *type_name;
	__u32 state;
	bool has_state;
};

int cn_publish(struct cn_nl *nl, __u32 cluster, const struct cn_obj_desc *o,
	       int n);
int cn_obj_remove(struct cn_nl *nl, __u32 cluster,
		  const struct cn_obj_desc *o, int n);

/*
 * One event of an EVENT_POST batch. v2/v1 zero mean "attribute absent";
 * strings NULL mean absent; no_type leaves out EV_OBJECT_TYPE (to test its
 * rejection).
 */
struct cn_event {
	__u32 type;
	__u64 v2;
	__u32 v1;
	const char *id;
	const char *parent;
	const char *name;
	const char *type_name;
	const void *payload;
	__u32 payload_len;
	__u32 state;
	bool has_state;
	bool no_type;
};

struct cn_post_reply {
	__u32 posted;
	__u64 queued;
	__u64 lost;
	bool has_posted, has_queued, has_lost;
};

/* Append events to m as top-level EVENT attributes (hand-built requests). */
void cn_msg_put_events(struct cn_msg *m, const struct cn_event *ev, int n);

int cn_post(struct cn_nl *nl, __u32 cluster, const struct cn_event *ev, int n,
	    struct cn_post_reply *r);
/* Post one event, ignoring the reply's counters. */
int cn_post1(struct cn_nl *nl, __u32 cluster, const struct cn_event *ev);

/* What CLUSTER_GET reports about a cluster. */
struct cn_cluster_desc {
	__u32 id, uid, gid, mode, flags, objects, filters;
	__u8 up;
	char name[CLUSNOTIFY_NAME_MAX + 1];
	unsigned int attrs;	/* bit n: attribute n was present */
};

int cn_cluster_get(struct cn_nl *nl, __u32 id, struct cn_cluster_desc *d);
/* Dump every cluster into d[max]; *n gets the number of clusters seen. */
int cn_cluster_dump(struct cn_nl *nl, struct cn_cluster_desc *d, int max,
		    int *n);

struct cn_port_desc {
	__u64 id, queued, delivered, lost, next_seq;
	__u32 uid, pid, filters;
	unsigned int attrs;	/* bit n: CLUSNOTIFY_PORT_A_n was present */
};

int cn_port_dump(struct cn_nl *nl, struct cn_port_desc *d, int max, int *n);

struct cn_obj_info {
	__u32 type, state;
	__u64 state_seq;
	char id[CLUSNOTIFY_NAME_MAX + 1];
	char name[CLUSNOTIFY_NAME_MAX + 1];
	unsigned int attrs;	/* bit n: CLUSNOTIFY_OBJ_A_n was present */
};

int cn_object_dump(struct cn_nl *nl, __u32 cluster, struct cn_obj_info *d,
		   int max, int *n);

/* ------------------------------------------------------------------ */
/* A ready test environment                                            */
/* ------------------------------------------------------------------ */

/*
 * A producer session with one registered cluster (unique name) holding
 * the standard objects below, and one port.
 */
struct cn_env {
	struct cn_nl nl;
	__u32 cid;
	char name[64];
	int port;
};

/* The standard objects every env publishes. */
#define CN_NODE1_ID "node-id-1"
#define CN_NODE1 "Node1"
#define CN_NODE2_ID "node-id-2"
#define CN_NODE2 "Node2"
#define CN_GROUP1_ID "7d1c5f5e-0001-4c1a-9f00-000000000001"
#define CN_GROUP1 "Group One"
#define CN_GROUP2_ID "7d1c5f5e-0002-4c1a-9f00-000000000002"
#define CN_GROUP2 "Group Two"
#define CN_RES1_ID "res-id-1"
#define CN_RES1 "IP Address 10.0.0.1"
#define CN_RES1_TYPE "IP Address"
#define CN_NET1_ID "net-id-1"
#define CN_NET1 "Cluster Network 1"
#define CN_REGKEY_A "Resources"
#define CN_REGKEY_AB "Resources\\res-id-1"
#define CN_REGKEY_ABC "Resources\\res-id-1\\Parameters"
#define CN_REGKEY_OTHER "ResourcesX"

extern const struct cn_obj_desc cn_std_objects[];
extern const int cn_std_nobjects;

/*
 * Set up e: open the netlink socket, register a cluster named
 * "<tag>-<pid>-<n>", publish cn_std_objects, open a port. 0 or -errno.
 */
int cn_env_setup(struct cn_env *e, const char *tag);
/* Close the port, unregister the cluster, close the socket. */
void cn_env_teardown(struct cn_env *e);

/* A unique cluster name "<tag>-<pid>-<n>". */
void cn_unique_name(char *buf, size_t len, const char *tag);

/* ------------------------------------------------------------------ */
/* Miscellany                                                          */
/* ------------------------------------------------------------------ */

int cn_param_get(const char *name, unsigned int *val);
int cn_param_set(const char *name, unsigned int val);

/* Become uid/gid with no supplementary groups (and so no capabilities). */
int cn_become(uid_t uid, gid_t gid);
/* Drop CAP_SYS_ADMIN from every set of this process, staying root. */
int cn_drop_cap_sys_admin(void);

/*
 * Run fn(arg) in a forked child; returns its exit status (0..255), or
 * -errno if fork/wait failed, or 128 + signal if it was killed.
 */
int cn_run_child(int (*fn)(void *arg), void *arg);

/* Flags shared between threads or with forked children. */
#define CN_SET(flag) __atomic_store_n(&(flag), 1, __ATOMIC_RELEASE)
#define CN_TEST(flag) __atomic_load_n(&(flag), __ATOMIC_ACQUIRE)

/* Zeroed memory shared with forked children (munmap when done). */
void *cn_shared_alloc(size_t len);

__u64 cn_now_ns(void);
__u64 cn_now_ms(void);
void cn_sleep_ms(unsigned int ms);

/* Lines of /proc/self/fdinfo/<fd>, or -errno. */
int cn_fdinfo_lines(int fd, char *buf, size_t len);

#endif /* CN_UTIL_H */
