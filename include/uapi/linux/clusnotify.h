/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * clusnotify: Windows Failover Cluster notification ports for Linux.
 *
 * This header is the kernel ABI and its specification. It is shared by the
 * module (kernel/), libclusapi (lib/) and the selftests.
 *
 * Two planes
 * ----------
 * Consumers (unprivileged) use the misc device /dev/clusnotify. Every open()
 * of it is one notification port: a bounded FIFO of records plus the filters
 * that decide which events reach it. Access to a cluster's events is decided
 * per cluster (owner uid/gid and a mode, set by its producer), not by the
 * device's mode, which is 0666.
 *
 * Producers (CAP_SYS_ADMIN for every mutating command) use the generic
 * netlink family CLUSNOTIFY_GENL_NAME. A producer registers a cluster,
 * publishes its object directory and posts batches of events. The netlink
 * socket that registered a cluster is its session: when it is closed (or its
 * process dies) the cluster goes down and every port with a filter on it
 * receives CLUSTER_STATE; when a producer registers the same name again the
 * cluster comes back up, every such port receives CLUSTER_RECONNECT, and
 * republishing an object whose state changed meanwhile queues its *_STATE
 * record.
 *
 * Strings
 * -------
 * Every string crossing this ABI is UTF-8, at most CLUSNOTIFY_NAME_MAX bytes
 * without its NUL, and never contains a NUL byte; invalid UTF-8 (overlong
 * forms, surrogates, code points above U+10FFFF, truncated sequences) is
 * rejected with -EILSEQ. Ioctls take strings as (pointer, length) without a
 * terminator; records and lookup results carry them NUL-terminated with their
 * length (excluding the NUL) alongside. Names compare case-insensitively in
 * ASCII, as Windows cluster names do; ids compare exactly.
 *
 * Object types and event kinds
 * ----------------------------
 * Object types are the Windows CLUSTER_OBJECT_TYPE values (CLUSNOTIFY_OBJ_*).
 * An event has a V2 kind, (object type, one flag of that type's
 * CLUSTER_CHANGE_*_V2 enum), and optionally a V1 bit (one CLUSTER_CHANGE
 * value). A V2 filter matches the kind; a V1 filter matches the bit. Each
 * match of one filter queues one record carrying that filter's key and token.
 * Registry objects (type CLUSNOTIFY_OBJ_REGISTRY) are the keys of the cluster
 * database; their id is the key's path below the root, components separated
 * by '\', the root being the empty path.
 *
 * Ports: ioctls on /dev/clusnotify
 * --------------------------------
 * Every ioctl taking a struct is size-versioned: the size encoded in the
 * command is the caller's struct size. It must be at least the *_SIZE_VER0
 * of that struct (else -EINVAL) and at most a page (else -E2BIG); bytes the
 * kernel does not know must be zero (else -E2BIG); reserved fields and
 * unknown flag bits must be zero (else -EINVAL). Unknown commands get -ENOTTY.
 * After CLUSNOTIFY_IOC_SHUTDOWN every ioctl but GET_INFO and PORT_STATS fails
 * with -ESHUTDOWN.
 *
 * CLUSNOTIFY_IOC_GET_INFO (struct clusnotify_info, out)
 *	API version, feature bits and the module's limits. Never fails on a
 *	valid struct.
 *
 * CLUSNOTIFY_IOC_CLUSTER_LOOKUP (struct clusnotify_cluster_query, in/out)
 *	Find a cluster by name, by the name of one of its NODE objects
 *	(CLUSNOTIFY_LOOKUP_BY_NODE), by id (CLUSNOTIFY_LOOKUP_BY_ID), or the
 *	default cluster (name_len 0): the one registered with
 *	CLUSNOTIFY_CLUSTER_F_DEFAULT, else the oldest. Returns its id, whether
 *	it is up, the access the caller is granted, and its name into
 *	name_out if given. Errors: -ENOENT no such cluster, -EACCES the
 *	cluster's mode grants the caller nothing, -EMSGSIZE name_out too
 *	small (name_out_size then holds the bytes needed, NUL included),
 *	-EFAULT, -EILSEQ, -ENAMETOOLONG.
 *
 * CLUSNOTIFY_IOC_OBJECT_LOOKUP (struct clusnotify_object_query, in/out)
 *	Find an object of a cluster by (type, name) or, with
 *	CLUSNOTIFY_LOOKUP_BY_ID, by id (type 0 then means any type). Writes a
 *	struct clusnotify_object followed by its strings into buf.
 *	Errors: -ENOENT (cluster or object), -EACCES, -EMSGSIZE (buf_size
 *	then holds the bytes needed), -EINVAL (unknown type), -EFAULT,
 *	-EILSEQ, -ENAMETOOLONG.
 *
 * CLUSNOTIFY_IOC_ADD_FILTER (struct clusnotify_filter, in)
 *	Add one filter to the port. V1: mask is a set of CLUSTER_CHANGE bits
 *	(upper 32 bits zero). V2: object_type and a mask inside that type's
 *	CLUSTER_CHANGE_*_V2 enum. REGISTRY_SUBTREE (V1 bit 0x80, V2 registry
 *	flag 0x4) is a scope modifier: with it a registry filter sees its key
 *	and every key below; without it only the key itself (the root when no
 *	object is given). It is never itself reported. An object id restricts
 *	the filter to events on that object (the object must exist; a V1
 *	filter names its type in object_type_v1, which is 0 without an
 *	object). The caller needs read access to the cluster. Returns 0.
 *	Errors: -ENOENT (cluster or object), -EACCES, -EINVAL (mask empty
 *	after modifiers, bits outside the type, unknown type or version,
 *	object_type_v1 inconsistent with object, a V1 object filter with a
 *	kind of another object type: RegisterClusterNotify's table),
 *	-EMFILE (max_filters reached), -ENOMEM, -EFAULT, -EILSEQ,
 *	-ENAMETOOLONG.
 *
 * CLUSNOTIFY_IOC_REMOVE_FILTERS (struct clusnotify_remove, in)
 *	Remove every filter carrying token. With
 *	CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE each removed filter whose mask holds
 *	its type's HANDLE_CLOSE flag first queues that record (V1
 *	CLUSTER_CHANGE_HANDLE_CLOSE, V2 the type's *_HANDLE_CLOSE_V2), named
 *	after the object (or cluster) the filter was on. Returns the number
 *	of filters removed. Errors: -ENOENT (no filter has the token).
 *
 * CLUSNOTIFY_IOC_GET (struct clusnotify_get, in/out)
 *	Move the record at the head of the queue into buf, waiting up to
 *	timeout_ms (CLUSNOTIFY_INFINITE: forever; 0: do not wait). buf_size
 *	returns the record's size. Errors: -ETIMEDOUT (nothing arrived in
 *	time), -EMSGSIZE (buf too small: buf_size holds the size needed and
 *	the record stays at the head), -ESHUTDOWN (port shut down, also when
 *	it happens while waiting), -EFAULT.
 *	With CLUSNOTIFY_GET_F_LIMITS (struct of at least VER1 size, else
 *	-EINVAL) the record is moved only if its payload fits max_payload
 *	bytes and each string fits its max_* counted in UTF-16 code units,
 *	as Windows counts lpcch*: otherwise -EMSGSIZE and the record stays.
 *	Either way the max_* are rewritten to the record's own sizes. This
 *	is what lets GetClusterNotify answer ERROR_MORE_DATA without losing
 *	the event or buffering it. Without the flag the max_* must be 0.
 *	A signal interrupts the wait with
 *	-EINTR or a transparent restart; timeout_ms is then rewritten to the
 *	time left, so a restarted call does not wait longer in total.
 *
 * read(fd, buf, len)
 *	Move as many whole records as fit into buf, at least one: blocks until
 *	one is queued unless O_NONBLOCK (-EAGAIN). -EMSGSIZE when the first
 *	record does not fit in len; returns 0 (end of file) once shut down.
 *
 * poll/epoll: EPOLLIN | EPOLLRDNORM while records wait, EPOLLHUP once shut.
 *	The port wakes its waiters when it becomes readable, not for every
 *	record, so an edge-triggered (EPOLLET) reader reads until -EAGAIN
 *	(or GET until -ETIMEDOUT) before it waits again.
 *
 * open() fails with -EMFILE when the user already holds max_ports ports.
 * close() of the last reference removes the port's filters and frees it.
 *
 * CLUSNOTIFY_IOC_SHUTDOWN (no argument)
 *	Flush the queue, remove the filters, wake every waiter (they fail with
 *	-ESHUTDOWN). Used by CloseClusterNotifyPort from another thread.
 *
 * CLUSNOTIFY_IOC_PORT_STATS (struct clusnotify_port_stats, out)
 *
 * FIONREAD (int, out): bytes of records queued.
 *
 * /proc/<pid>/fdinfo/<fd> shows the port's counters and one line per filter.
 *
 * The mapped ring (CLUSNOTIFY_FEAT_RING)
 * -------------------------------------
 * A port may trade its queue for a ring of records mapped into the reader,
 * which then takes records without a system call. The kernel appends;
 * the reader consumes in place and says how far it got.
 *
 * CLUSNOTIFY_IOC_RING_SETUP (struct clusnotify_ring_setup, in/out)
 *	Give the port a ring of size bytes of records: a power of two from
 *	CLUSNOTIFY_RING_MIN to the module's max_ring (clusnotify_info), or
 *	0 for the module's ring_default. Only a port that has never had a
 *	filter can take one, and only once: else -EBUSY. -EINVAL for a size
 *	out of range (ring_default too, if the administrator set it so) or
 *	flags, and a refused setup leaves the port as it was. -ENOMEM. The memory is charged to the
 *	caller's memory cgroup. Out: size, and mmap_size, the length to map.
 *
 * mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
 *	Maps the ring: one page holding struct clusnotify_ring (at offset
 *	0), then the records' area (at data_offset), mapped twice in a row
 *	so that a record crossing its end reads as one piece. -ENODEV
 *	without a ring; -EINVAL for a private mapping, an offset other than
 *	0 or a length other than mmap_size; -EPERM for PROT_EXEC. The
 *	mapping keeps the port open after close().
 *
 * head and tail count bytes appended since the setup, modulo 2^32; a
 * record starts at data_offset + (position & (size - 1)) and is laid out
 * as read() returns it (Records, below). The kernel writes tail, flags
 * and the records; the reader writes head and consumed. The reader:
 *
 *	t = load_acquire(&ring->tail);
 *	while (head != t) {
 *		rec = data + (head & (size - 1));  (use it in place)
 *		head += rec->size; consumed++;
 *		store_release(&ring->head, head); store(&ring->consumed, ...);
 *	}
 *
 * and, before it sleeps (poll, epoll, or reporting "nothing"): a full
 * barrier after its last store of head, then tail loaded again: if tail
 * moved, there is more to read. The kernel, after each store of tail,
 * issues a full barrier and reads head: if head was at the tail before
 * the append (the ring was empty), it wakes the port's waiters. Between
 * the two barriers no wake-up is lost.
 *
 * The ring replaces the queue: max_records does not apply, the ring's
 * size bounds it. A record is appended only when it fits in
 * size - (tail - head) bytes; otherwise it is lost and counted exactly as
 * for a full queue, and its overflow record is appended, with the final
 * count, in front of the next record that fits with it (a record with
 * room for itself but not for both is lost too). While lost records have
 * no overflow record in the ring, flags holds CLUSNOTIFY_RING_F_LOST;
 * a reader that finds the ring empty with that flag set calls
 * CLUSNOTIFY_IOC_RING_SYNC, which appends the overflow record (there is
 * room: the ring is empty) and clears the flag.
 *
 * poll/epoll on a ring port: EPOLLIN while head != tail or F_LOST is set,
 * until the port is shut down; then EPOLLHUP alone. CLUSNOTIFY_IOC_SHUTDOWN sets
 * CLUSNOTIFY_RING_F_SHUTDOWN and appends nothing more; a reader that sees
 * the flag takes no more records (what is left counts as flushed).
 * read() and CLUSNOTIFY_IOC_GET fail with -EBUSY: the ring is the port's
 * only way out. FIONREAD reports tail - head; PORT_STATS counts as
 * delivered what the reader reports in consumed (at most the records
 * appended), and as queued the records appended beyond that, plus the
 * overflow record due, if any.
 *
 * The kernel reads only head and consumed from the mapping, and trusts
 * neither: a head that claims more than size bytes are queued makes the
 * ring count as full (records are lost, and counted, until head is put
 * right), and consumed only feeds the statistics. The kernel never reads
 * a record back.
 *
 * CLUSNOTIFY_IOC_RING_SYNC (no argument)
 *	Append the pending overflow record if the ring is empty. Returns 0
 *	(also when nothing was pending), -ENODEV without a ring, -EAGAIN if
 *	the ring is not empty (read it first).
 *
 * Records
 * -------
 * A record is a struct clusnotify_record, then payload_len bytes of payload
 * padded to 8, then the id, parent, name and type strings, each followed by a
 * NUL, then padding so that size is a multiple of 8. Readers advance by
 * size, never by sizeof(struct clusnotify_record).
 *
 * Every record a port is due, queued or not, takes the next value of the
 * port's sequence counter. When the queue is full (CLUSNOTIFY max_records)
 * the record is not queued but counted, and one overflow record with
 * CLUSNOTIFY_RECORD_F_LOST is appended: its seq is that of the first lost
 * record, its lost field the exact number lost (it keeps counting while it
 * waits), its kind V1 CLUSTER_RECONNECT or V2 CLUSTER LOST_NOTIFICATIONS_V2
 * after the filter of the first lost record. So a reader that follows
 * seq += (F_LOST ? lost : 1) proves it missed nothing unreported.
 *
 * Records the module makes (CLUSNOTIFY_RECORD_F_KERNEL)
 * ----------------------------------------------------
 * CLUSTER_STATE (state DOWN) when the producer's session ends or it
 * unregisters the cluster, CLUSTER_RECONNECT (state UP) when a producer
 * registers the name again: one record for every filter on that cluster
 * whose mask holds the flag (V1 CLUSTER_STATE / CLUSTER_RECONNECT, V2 type
 * CLUSTER with STATE_V2 / RECONNECT_V2), and a port with filters on the
 * cluster of which none holds it still gets one record, through its oldest
 * filter on that cluster. Both carry object_type CLUSTER, the cluster's name,
 * and both the V1 bit and the V2 flag. HANDLE_CLOSE records (see
 * REMOVE_FILTERS) and overflow records are the other kernel-made records.
 *
 * The object directory
 * --------------------
 * Each cluster keeps the objects its producer published, keyed by (type,
 * id). Posted events keep it current: an event's V1 bit, or failing that its
 * V2 kind, says which object it is about and what it does to it. *_ADDED
 * inserts (V2: CLUSTER GROUP_ADDED, NETWORK_ADDED, NODE_ADDED,
 * RESOURCE_TYPE_ADDED; GROUP RESOURCE_ADDED; NODE NETINTERFACE_ADDED;
 * SHARED_VOLUME ADDED), *_DELETED (and SHARED_VOLUME REMOVED) removes,
 * *_STATE with EV_STATE sets the state and bumps state_seq; any event on a
 * known object updates the name, parent and type name it carries (a rename
 * keeps the id, so per-object filters survive it). A V2 STATE record made
 * by the module carries the new state as a 4-byte payload (os-win reads
 * GROUP_STATE_V2 that way).
 *
 * Producers: generic netlink family CLUSNOTIFY_GENL_NAME
 * -----------------------------------------------------
 * Every attribute has a strict policy; unknown attributes are rejected.
 * Commands, with the attributes they take (R: required) and reply with:
 *
 * CLUSNOTIFY_CMD_CLUSTER_REGISTER (admin)
 *	CLUSTER_NAME (R), CLUSTER_UID, CLUSTER_GID, CLUSTER_MODE (default
 *	0, 0, 0644), CLUSTER_FLAGS. Reply: CLUSTER_ID.
 *	Creates the cluster, or brings a down one with that name back up
 *	(CLUSTER_RECONNECT to its ports). The sending socket becomes its
 *	session. -EEXIST if the cluster is up in another session, -EALREADY
 *	if this socket already holds it, -ENOSPC past max_clusters.
 * CLUSNOTIFY_CMD_CLUSTER_UNREGISTER (admin)
 *	CLUSTER_ID (R). The cluster leaves the name table and goes down for
 *	good (CLUSTER_STATE to its ports). Only its session may do this.
 * CLUSNOTIFY_CMD_CLUSTER_GET (dump; or doit with CLUSTER_ID)
 *	Per cluster: CLUSTER_ID, CLUSTER_NAME, CLUSTER_UID, CLUSTER_GID,
 *	CLUSTER_MODE, CLUSTER_FLAGS, CLUSTER_UP, CLUSTER_OBJECTS,
 *	CLUSTER_FILTERS.
 * CLUSNOTIFY_CMD_OBJECT_PUBLISH (admin, session only)
 *	CLUSTER_ID (R), one or more OBJECT (nested), each with OBJ_TYPE
 *	(R), OBJ_ID (R), OBJ_NAME, OBJ_PARENT, OBJ_TYPE_NAME, OBJ_STATE.
 *	Inserts or updates objects silently, except that an update
 *	changing the state of an object queues its *_STATE record (the
 *	reconnect rule). All or nothing: on error nothing changes.
 * CLUSNOTIFY_CMD_OBJECT_REMOVE (admin, session only)
 *	CLUSTER_ID (R), one or more OBJECT with OBJ_TYPE and OBJ_ID. All
 *	must exist (else -ENOENT, and nothing is removed). Silent.
 * CLUSNOTIFY_CMD_OBJECT_GET (dump): CLUSTER_ID (R); one OBJECT per message.
 * CLUSNOTIFY_CMD_EVENT_POST (admin, session only)
 *	CLUSTER_ID (R), one or more EVENT (nested), each with
 *	EV_OBJECT_TYPE (R), EV_V2_FLAG (one bit), EV_V1_CHANGE (one bit), at
 *	least one of the two, EV_ID, EV_PARENT, EV_NAME, EV_TYPE_NAME,
 *	EV_PAYLOAD, EV_STATE. The batch is validated whole before any
 *	event is applied. Each event first updates the directory (*_ADDED
 *	inserts, *_DELETED removes, otherwise known fields and the state
 *	are updated), then fans out. Reply: POSTED, QUEUED, LOST.
 * CLUSNOTIFY_CMD_PORT_GET (dump)
 *	Per port: PORT_ID, PORT_UID, PORT_PID, PORT_QUEUED, PORT_DELIVERED,
 *	PORT_LOST, PORT_NEXT_SEQ, PORT_FILTERS.
 *
 * OBJECT and EVENT are repeated at the top level of the message rather than
 * nested in one list attribute, whose 16-bit length would cap a batch at
 * 64 KiB: a batch is bounded by max_batch and the socket's send buffer
 * only, an event by one attribute (hence CLUSNOTIFY_PAYLOAD_MAX). A batch
 * of more than max_batch entries gets -E2BIG.
 *
 * Errors come back as netlink error messages carrying -errno; -EPERM
 * without CAP_SYS_ADMIN, -EACCES when the cluster belongs to another
 * session, -ENOTCONN when the cluster is down, -ENOENT unknown cluster,
 * -ENAMETOOLONG and -EILSEQ for strings as on the ioctl side, and what
 * the attribute policies return (-EINVAL, -ERANGE for a value out of
 * range) with an extended ack message.
 */
#ifndef _UAPI_LINUX_CLUSNOTIFY_H
#define _UAPI_LINUX_CLUSNOTIFY_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define CLUSNOTIFY_DEVICE_NAME "clusnotify"
#define CLUSNOTIFY_API_VERSION 1

#define CLUSNOTIFY_NAME_MAX 1023	/* bytes of a string, NUL excluded */
/* Payload bytes: an event with four strings of NAME_MAX fits one attribute */
#define CLUSNOTIFY_PAYLOAD_MAX 60000
#define CLUSNOTIFY_INFINITE 0xffffffffU	/* timeout_ms: wait forever */

/* Feature bits of clusnotify_info.features */
#define CLUSNOTIFY_FEAT_V1 (1ULL << 0)		/* V1 filters */
#define CLUSNOTIFY_FEAT_V2 (1ULL << 1)		/* V2 filters */
#define CLUSNOTIFY_FEAT_REGISTRY (1ULL << 2)	/* registry filters, subtree */
#define CLUSNOTIFY_FEAT_BATCH_READ (1ULL << 3)	/* read() of record batches */
#define CLUSNOTIFY_FEAT_LOST_COUNT (1ULL << 4)	/* exact lost counts, seq */
#define CLUSNOTIFY_FEAT_RING (1ULL << 5)	/* RING_SETUP, mmap */

/* Object types: the Windows CLUSTER_OBJECT_TYPE values */
#define CLUSNOTIFY_OBJ_NONE 0x00
#define CLUSNOTIFY_OBJ_CLUSTER 0x01
#define CLUSNOTIFY_OBJ_GROUP 0x02
#define CLUSNOTIFY_OBJ_RESOURCE 0x03
#define CLUSNOTIFY_OBJ_RESOURCE_TYPE 0x04
#define CLUSNOTIFY_OBJ_NETWORK_INTERFACE 0x05
#define CLUSNOTIFY_OBJ_NETWORK 0x06
#define CLUSNOTIFY_OBJ_NODE 0x07
#define CLUSNOTIFY_OBJ_REGISTRY 0x08
#define CLUSNOTIFY_OBJ_QUORUM 0x09
#define CLUSNOTIFY_OBJ_SHARED_VOLUME 0x0a
#define CLUSNOTIFY_OBJ_GROUPSET 0x0d
#define CLUSNOTIFY_OBJ_AFFINITYRULE 0x10
#define CLUSNOTIFY_OBJ_FAULTDOMAIN 0x11
#define CLUSNOTIFY_OBJ_MAX 0x11

/* The V1 CLUSTER_CHANGE values the module itself generates or interprets */
#define CLUSNOTIFY_V1_REGISTRY_NAME 0x00000010U
#define CLUSNOTIFY_V1_REGISTRY_ATTRIBUTES 0x00000020U
#define CLUSNOTIFY_V1_REGISTRY_VALUE 0x00000040U
#define CLUSNOTIFY_V1_REGISTRY_SUBTREE 0x00000080U
#define CLUSNOTIFY_V1_CLUSTER_RECONNECT 0x00080000U
#define CLUSNOTIFY_V1_CLUSTER_STATE 0x20000000U
#define CLUSNOTIFY_V1_HANDLE_CLOSE 0x80000000U

/* The V2 flags the module itself generates or interprets */
#define CLUSNOTIFY_V2_CLUSTER_RECONNECT 0x0001ULL
#define CLUSNOTIFY_V2_CLUSTER_STATE 0x0002ULL
#define CLUSNOTIFY_V2_CLUSTER_HANDLE_CLOSE 0x0008ULL
#define CLUSNOTIFY_V2_CLUSTER_LOST_NOTIFICATIONS 0x0200ULL
#define CLUSNOTIFY_V2_REGISTRY_SUBTREE 0x0004ULL

/* clusnotify_record.state of cluster records */
#define CLUSNOTIFY_CLUSTER_DOWN 0
#define CLUSNOTIFY_CLUSTER_UP 1
/* state of an object or record that has none */
#define CLUSNOTIFY_STATE_UNKNOWN 0xffffffffU

/* Access granted on a cluster (Windows CLUSAPI_READ_ACCESS/CHANGE_ACCESS) */
#define CLUSNOTIFY_ACCESS_READ 0x1
#define CLUSNOTIFY_ACCESS_CHANGE 0x2

struct clusnotify_info {
	__u32 api_version;	/* CLUSNOTIFY_API_VERSION */
	__u32 __reserved;
	__u64 features;		/* CLUSNOTIFY_FEAT_* */
	__u32 max_records;	/* records queued per port */
	__u32 max_ports;	/* ports open per user */
	__u32 max_filters;	/* filters per port */
	__u32 max_objects;	/* objects per cluster */
	__u32 max_clusters;	/* clusters registered at once */
	__u32 max_name;		/* CLUSNOTIFY_NAME_MAX */
	__u32 max_payload;	/* CLUSNOTIFY_PAYLOAD_MAX */
	__u32 max_batch;	/* events per EVENT_POST */
	/* VER1 */
	__u32 max_ring;		/* bytes of a ring, at most */
	__u32 ring_default;	/* bytes of a ring set up with size 0 */
};

#define CLUSNOTIFY_INFO_SIZE_VER0 48
#define CLUSNOTIFY_INFO_SIZE_VER1 56

/* clusnotify_cluster_query.flags, clusnotify_object_query.flags */
#define CLUSNOTIFY_LOOKUP_BY_NODE (1U << 0)	/* name is a node's name */
#define CLUSNOTIFY_LOOKUP_BY_ID (1U << 1)	/* by id, not by name */

struct clusnotify_cluster_query {
	__u64 name;		/* in: UTF-8 name, not terminated */
	__u32 name_len;		/* in: bytes; 0 = the default cluster */
	__u32 flags;		/* in: CLUSNOTIFY_LOOKUP_BY_NODE or _BY_ID */
	__u32 cluster_id;	/* in with BY_ID, out */
	__u32 up;		/* out: 1 while its producer is connected */
	__u32 access;		/* out: CLUSNOTIFY_ACCESS_* granted */
	__u32 name_out_size;	/* in: capacity; out: bytes needed with NUL */
	__u64 name_out;		/* in: buffer for the cluster's name, or 0 */
};

#define CLUSNOTIFY_CLUSTER_QUERY_SIZE_VER0 40

struct clusnotify_object_query {
	__u32 cluster_id;	/* in */
	__u32 type;		/* in: CLUSNOTIFY_OBJ_*; 0 with BY_ID: any */
	__u32 flags;		/* in: CLUSNOTIFY_LOOKUP_BY_ID */
	__u32 key_len;		/* in: bytes of key */
	__u64 key;		/* in: the name (or id) looked for */
	__u64 buf;		/* in: where struct clusnotify_object goes */
	__u32 buf_size;		/* in: capacity; out: bytes written/needed */
	__u32 __reserved;
};

#define CLUSNOTIFY_OBJECT_QUERY_SIZE_VER0 40

/* An object of the directory, followed by id, parent, name, type strings */
struct clusnotify_object {
	__u32 size;		/* bytes including the strings, padded to 8 */
	__u32 type;		/* CLUSNOTIFY_OBJ_* */
	__u32 state;		/* the type's state enum, or STATE_UNKNOWN */
	__u32 cluster_id;
	__u64 state_seq;	/* bumped on every state change */
	__u32 id_len;		/* string lengths, NUL excluded */
	__u32 parent_len;
	__u32 name_len;
	__u32 type_len;
};

/* clusnotify_filter.version, clusnotify_record.version */
#define CLUSNOTIFY_FILTER_V1 1
#define CLUSNOTIFY_FILTER_V2 2

struct clusnotify_filter {
	__u32 cluster_id;
	__u32 version;		/* CLUSNOTIFY_FILTER_V1 or _V2 */
	__u32 object_type;	/* V2: CLUSNOTIFY_OBJ_*; V1: 0 */
	__u32 flags;		/* none defined yet: 0 */
	__u64 mask;		/* V1 CLUSTER_CHANGE bits or V2 type flags */
	__u64 key;		/* returned in every record it matches */
	__u64 token;		/* the caller's handle, for REMOVE_FILTERS */
	__u64 object;		/* object id (UTF-8) or 0: whole cluster */
	__u32 object_len;	/* bytes of object */
	__u32 object_type_v1;	/* V1 with object: the object's type */
};

#define CLUSNOTIFY_FILTER_SIZE_VER0 56

/* clusnotify_remove.flags */
#define CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE (1U << 0)

struct clusnotify_remove {
	__u64 token;
	__u32 flags;		/* CLUSNOTIFY_REMOVE_F_* */
	__u32 __reserved;
};

#define CLUSNOTIFY_REMOVE_SIZE_VER0 16

/* clusnotify_get.flags */
#define CLUSNOTIFY_GET_F_LIMITS (1U << 0)	/* apply the max_* (VER1) */

struct clusnotify_get {
	__u64 buf;		/* in: where the record goes */
	__u32 buf_size;		/* in: capacity; out: size of the record */
	__u32 timeout_ms;	/* in: ms, CLUSNOTIFY_INFINITE; out if EINTR */
	__u32 flags;		/* in: CLUSNOTIFY_GET_F_* */
	__u32 __reserved;
	/* VER1. With F_LIMITS, in: capacities; out: the record's sizes */
	__u32 max_payload;	/* payload bytes */
	__u32 max_id;		/* UTF-16 code units, NUL excluded */
	__u32 max_parent;	/* UTF-16 code units, NUL excluded */
	__u32 max_name;		/* UTF-16 code units, NUL excluded */
	__u32 max_type;		/* UTF-16 code units, NUL excluded */
	__u32 __reserved2;
};

#define CLUSNOTIFY_GET_SIZE_VER0 24
#define CLUSNOTIFY_GET_SIZE_VER1 48

/* clusnotify_record.flags */
#define CLUSNOTIFY_RECORD_F_LOST (1U << 0)	/* overflow: lost records */
#define CLUSNOTIFY_RECORD_F_KERNEL (1U << 1)	/* made by the module */

struct clusnotify_record {
	__u32 size;		/* bytes including strings, multiple of 8 */
	__u16 version;		/* the matching filter's CLUSNOTIFY_FILTER_V* */
	__u16 flags;		/* CLUSNOTIFY_RECORD_F_* */
	__u64 seq;		/* the port's sequence number */
	__u64 key;		/* the matching filter's key */
	__u64 token;		/* the matching filter's token */
	__u64 lost;		/* with F_LOST: records lost from seq on */
	__u64 v2_flag;		/* the one V2 flag of object_type, or 0 */
	__u32 v1_change;	/* the one CLUSTER_CHANGE bit, or 0 */
	__u32 object_type;	/* CLUSNOTIFY_OBJ_* */
	__u32 cluster_id;
	__u32 state;		/* new state of a *_STATE event, or UNKNOWN */
	__u64 timestamp_ns;	/* CLOCK_MONOTONIC when posted */
	__u32 payload_len;	/* bytes of payload, first after the header */
	__u32 id_len;		/* string lengths, NUL excluded */
	__u32 parent_len;
	__u32 name_len;
	__u32 type_len;
	__u32 __reserved;
};

/* clusnotify_port_stats.flags */
#define CLUSNOTIFY_PORT_F_SHUTDOWN (1U << 0)

struct clusnotify_port_stats {
	__u64 queued;		/* records waiting now (overflow record too) */
	__u64 queued_bytes;	/* what FIONREAD reports */
	__u64 delivered;	/* records moved to userspace */
	__u64 lost;		/* records lost to overflow, ever */
	__u64 next_seq;		/* seq the next record will carry */
	__u32 filters;		/* filters on the port */
	__u32 flags;		/* CLUSNOTIFY_PORT_F_* */
	__u64 port_id;		/* as in fdinfo and CLUSNOTIFY_CMD_PORT_GET */
};

#define CLUSNOTIFY_PORT_STATS_SIZE_VER0 56

/* The smallest ring: any record, with an overflow record in front of it */
#define CLUSNOTIFY_RING_MIN (128U * 1024)

struct clusnotify_ring_setup {
	__u32 size;		/* in: bytes of records, or 0; out: the size */
	__u32 flags;		/* in: none defined yet, 0 */
	__u64 mmap_size;	/* out: bytes to map */
};

#define CLUSNOTIFY_RING_SETUP_SIZE_VER0 16

/* clusnotify_ring.flags */
#define CLUSNOTIFY_RING_F_LOST (1U << 0)	/* lost, overflow record due */
#define CLUSNOTIFY_RING_F_SHUTDOWN (1U << 1)	/* port shut down */

/*
 * The first page of the mapping. The reader's fields and the kernel's are
 * on separate cache lines.
 */
struct clusnotify_ring {
	__u32 head;		/* reader: bytes consumed */
	__u32 __pad0;
	__u64 consumed;		/* reader: records consumed (statistics) */
	__u8 __pad1[48];
	__u32 tail;		/* kernel: bytes appended */
	__u32 flags;		/* kernel: CLUSNOTIFY_RING_F_* */
	__u32 size;		/* kernel: bytes of the records' area */
	__u32 data_offset;	/* kernel: where the area starts (a page) */
};

#define CLUSNOTIFY_IOC_MAGIC 0xC5
#define CLUSNOTIFY_IOC_GET_INFO \
	_IOR(CLUSNOTIFY_IOC_MAGIC, 0x00, struct clusnotify_info)
#define CLUSNOTIFY_IOC_CLUSTER_LOOKUP \
	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x01, struct clusnotify_cluster_query)
#define CLUSNOTIFY_IOC_OBJECT_LOOKUP \
	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x02, struct clusnotify_object_query)
#define CLUSNOTIFY_IOC_ADD_FILTER \
	_IOW(CLUSNOTIFY_IOC_MAGIC, 0x03, struct clusnotify_filter)
#define CLUSNOTIFY_IOC_REMOVE_FILTERS \
	_IOW(CLUSNOTIFY_IOC_MAGIC, 0x04, struct clusnotify_remove)
#define CLUSNOTIFY_IOC_GET \
	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x05, struct clusnotify_get)
#define CLUSNOTIFY_IOC_SHUTDOWN _IO(CLUSNOTIFY_IOC_MAGIC, 0x06)
#define CLUSNOTIFY_IOC_PORT_STATS \
	_IOR(CLUSNOTIFY_IOC_MAGIC, 0x07, struct clusnotify_port_stats)
#define CLUSNOTIFY_IOC_RING_SETUP \
	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x08, struct clusnotify_ring_setup)
#define CLUSNOTIFY_IOC_RING_SYNC _IO(CLUSNOTIFY_IOC_MAGIC, 0x09)

/* Generic netlink: the producer plane */
#define CLUSNOTIFY_GENL_NAME "clusnotify"
#define CLUSNOTIFY_GENL_VERSION 1

/* CLUSNOTIFY_A_CLUSTER_FLAGS */
#define CLUSNOTIFY_CLUSTER_F_DEFAULT (1U << 0)	/* the default cluster */

enum clusnotify_cmd {
	CLUSNOTIFY_CMD_UNSPEC,
	CLUSNOTIFY_CMD_CLUSTER_REGISTER,
	CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
	CLUSNOTIFY_CMD_CLUSTER_GET,
	CLUSNOTIFY_CMD_OBJECT_PUBLISH,
	CLUSNOTIFY_CMD_OBJECT_REMOVE,
	CLUSNOTIFY_CMD_OBJECT_GET,
	CLUSNOTIFY_CMD_EVENT_POST,
	CLUSNOTIFY_CMD_PORT_GET,
	__CLUSNOTIFY_CMD_MAX
};

#define CLUSNOTIFY_CMD_MAX (__CLUSNOTIFY_CMD_MAX - 1)

enum clusnotify_attr {
	CLUSNOTIFY_A_UNSPEC,
	CLUSNOTIFY_A_CLUSTER_ID,	/* u32 */
	CLUSNOTIFY_A_CLUSTER_NAME,	/* string */
	CLUSNOTIFY_A_CLUSTER_UID,	/* u32 */
	CLUSNOTIFY_A_CLUSTER_GID,	/* u32 */
	CLUSNOTIFY_A_CLUSTER_MODE,	/* u32, 0..0777 */
	CLUSNOTIFY_A_CLUSTER_FLAGS,	/* u32, CLUSNOTIFY_CLUSTER_F_* */
	CLUSNOTIFY_A_CLUSTER_UP,	/* u8, out */
	CLUSNOTIFY_A_CLUSTER_OBJECTS,	/* u32, out */
	CLUSNOTIFY_A_CLUSTER_FILTERS,	/* u32, out */
	CLUSNOTIFY_A_OBJECT,		/* nested: CLUSNOTIFY_OBJ_A_*, repeated */
	CLUSNOTIFY_A_EVENT,		/* nested: CLUSNOTIFY_EV_A_*, repeated */
	CLUSNOTIFY_A_POSTED,		/* u32, out: events applied */
	CLUSNOTIFY_A_QUEUED,		/* u64, out: records queued */
	CLUSNOTIFY_A_LOST,		/* u64, out: records lost to overflow */
	CLUSNOTIFY_A_PORT,		/* nested: CLUSNOTIFY_PORT_A_*, out */
	CLUSNOTIFY_A_PAD,
	__CLUSNOTIFY_A_MAX
};

#define CLUSNOTIFY_A_MAX (__CLUSNOTIFY_A_MAX - 1)

enum clusnotify_obj_attr {
	CLUSNOTIFY_OBJ_A_UNSPEC,
	CLUSNOTIFY_OBJ_A_TYPE,		/* u32, CLUSNOTIFY_OBJ_* */
	CLUSNOTIFY_OBJ_A_ID,		/* string */
	CLUSNOTIFY_OBJ_A_NAME,		/* string */
	CLUSNOTIFY_OBJ_A_PARENT,	/* string: parent/owner id */
	CLUSNOTIFY_OBJ_A_TYPE_NAME,	/* string: e.g. a resource's type */
	CLUSNOTIFY_OBJ_A_STATE,		/* u32 */
	CLUSNOTIFY_OBJ_A_STATE_SEQ,	/* u64, out */
	CLUSNOTIFY_OBJ_A_PAD,
	__CLUSNOTIFY_OBJ_A_MAX
};

#define CLUSNOTIFY_OBJ_A_MAX (__CLUSNOTIFY_OBJ_A_MAX - 1)

enum clusnotify_ev_attr {
	CLUSNOTIFY_EV_A_UNSPEC,
	CLUSNOTIFY_EV_A_OBJECT_TYPE,	/* u32, CLUSNOTIFY_OBJ_* */
	CLUSNOTIFY_EV_A_V2_FLAG,	/* u64, one bit */
	CLUSNOTIFY_EV_A_V1_CHANGE,	/* u32, one bit */
	CLUSNOTIFY_EV_A_ID,		/* string */
	CLUSNOTIFY_EV_A_PARENT,		/* string */
	CLUSNOTIFY_EV_A_NAME,		/* string */
	CLUSNOTIFY_EV_A_TYPE_NAME,	/* string */
	CLUSNOTIFY_EV_A_PAYLOAD,	/* binary, <= CLUSNOTIFY_PAYLOAD_MAX */
	CLUSNOTIFY_EV_A_STATE,		/* u32 */
	CLUSNOTIFY_EV_A_PAD,
	__CLUSNOTIFY_EV_A_MAX
};

#define CLUSNOTIFY_EV_A_MAX (__CLUSNOTIFY_EV_A_MAX - 1)

enum clusnotify_port_attr {
	CLUSNOTIFY_PORT_A_UNSPEC,
	CLUSNOTIFY_PORT_A_ID,		/* u64 */
	CLUSNOTIFY_PORT_A_UID,		/* u32 */
	CLUSNOTIFY_PORT_A_PID,		/* u32, the opener's tgid */
	CLUSNOTIFY_PORT_A_QUEUED,	/* u64 */
	CLUSNOTIFY_PORT_A_DELIVERED,	/* u64 */
	CLUSNOTIFY_PORT_A_LOST,		/* u64 */
	CLUSNOTIFY_PORT_A_NEXT_SEQ,	/* u64 */
	CLUSNOTIFY_PORT_A_FILTERS,	/* u32 */
	CLUSNOTIFY_PORT_A_PAD,
	__CLUSNOTIFY_PORT_A_MAX
};

#define CLUSNOTIFY_PORT_A_MAX (__CLUSNOTIFY_PORT_A_MAX - 1)

#endif /* _UAPI_LINUX_CLUSNOTIFY_H */
