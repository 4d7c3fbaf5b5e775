// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded-time fuzzer of the module's two interfaces, run in the VM:
 * the ioctls of /dev/clusnotify (every command with random struct sizes,
 * flags, reserved bytes, pointers, lengths, ids and names, valid ones
 * mixed in so deep paths are reached; rings set up, mapped rightly or not,
 * their head and consumed scribbled on), GET and read() with random buffers,
 * and generic netlink requests (random commands, flags, attribute types,
 * lengths and nesting, and well-formed registers, publishes and posts that
 * fan out to the fuzzed ports). A second thread meanwhile shuts ports down
 * and swaps them under the first (dup2 over the descriptor, so a call in
 * flight holds the old file), which is the concurrent close.
 *
 * Checked as it goes: every ioctl fails only with an errno the header
 * documents, every record read decodes (cn_decode_record), and a port's
 * seq never skips without an overflow record saying so. At the end the
 * module must still work end to end. Any oops shows up as a dead test or
 * a splat charged to this binary by the runner.
 *
 * Default: CN_FUZZ_SECONDS=15 (8 on the debug kernel) with CN_FUZZ_SEED=1;
 * set them for a longer or different run (the harness timeout follows).
 * Prints the iteration count and the errno histogram.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define NSLOTS 6
#define SLOT_FD0 400		/* ports live at fixed descriptors */
#define MAX_CLUSTERS 6
#define DEFAULT_SECONDS 15
#define DEBUG_SECONDS 8		/* on the debug kernel, much slower */
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* xorshift64*, one state per thread */
static __u64 rnd(__u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static __u32 below(__u64 *s, __u32 n)
{
	return n ? rnd(s) % n : 0;
}

static bool chance(__u64 *s, int percent)
{
	return below(s, 100) < (__u32)percent;
}

struct fuzz {
	__u64 seed;
	int stop;
	int gen[NSLOTS];	/* odd while a slot's port is being replaced */
	int seq_gen[NSLOTS];	/* the port next_seq[] belongs to */
	__u64 next_seq[NSLOTS];
	int seq_known[NSLOTS];
	int devnull;
	struct cn_nl nl;	/* the well-behaved producer */
	struct cn_nl raw;	/* the one sending garbage */
	__u32 cids[MAX_CLUSTERS];
	int ncids;
	char prefix[32];
	void *unmapped;		/* a page that faults */
	unsigned char *page;	/* a page of scratch */
	/* results */
	__u64 iters, ioctls, gets, reads, genl, records, swaps;
	__u64 errnos[160];
	int bad_errno, bad_errno_cmd, bad_errno_val;
	int bad_records, seq_gaps;
	char why[160];
};

static struct fuzz *fz;

static void count_errno(int err)
{
	if (err < 0)
		err = -err;
	__atomic_add_fetch(&fz->errnos[err < 159 ? err : 159], 1,
			   __ATOMIC_RELAXED);
}

/*
 * The errnos the header documents for the port ioctls, and EINTR; with the
 * ring: EBUSY (RING_SETUP refused, GET on a ring port), ENODEV (RING_SYNC
 * without a ring), EAGAIN (RING_SYNC on a ring not empty).
 */
static bool ioctl_errno_ok(int err)
{
	switch (-err) {
	case EINVAL: case E2BIG: case ENOTTY: case EFAULT: case ENOENT:
	case EACCES: case EMSGSIZE: case ETIMEDOUT: case ESHUTDOWN:
	case EMFILE: case ENOMEM: case EILSEQ: case ENAMETOOLONG:
	case EINTR: case EBADF: case EBUSY: case ENODEV: case EAGAIN:
		return true;
	}
	return false;
}

static int slot_fd(int i)
{
	return SLOT_FD0 + i;
}

/* Put a fresh port (or, sometimes, /dev/null) in slot i. */
static void slot_replace(__u64 *s, int i)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	/* Non-blocking: a read() racing a swap must not wait forever. */
	int fd = chance(s, 90) ? cn_open_port(O_NONBLOCK) : -1;

	pthread_mutex_lock(&lock);
	__atomic_add_fetch(&fz->gen[i], 1, __ATOMIC_ACQ_REL);
	dup2(fd >= 0 ? fd : fz->devnull, slot_fd(i));
	__atomic_add_fetch(&fz->gen[i], 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&lock);
	if (fd >= 0)
		close(fd);
	fz->swaps++;
}

/* ------------------------------------------------------------------ */
/* Random values                                                       */
/* ------------------------------------------------------------------ */

static const char *const names[] = {
	"", "a", "Node1", "Group One", "g0", "Resources", "Resources\\res-id-1",
	"\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80", "\xed\xa0\x80",	/* surrogate */
	"\xc0\xaf", "\xff", "\xe2\x82", "x\x01y", "ResourcesX",
};

/* A string pointer and length: valid names, garbage, long, faulting. */
static void rand_str(__u64 *s, __u64 *ptr, __u32 *len)
{
	static char big[2100];
	const char *n;

	switch (below(s, 8)) {
	case 0:
		*ptr = 0;
		*len = below(s, 4) ? 0 : below(s, 64);
		return;
	case 1:
		*ptr = (uintptr_t)fz->unmapped;
		*len = 1 + below(s, 64);
		return;
	case 2:
		memset(big, 'a' + below(s, 26), sizeof(big));
		*ptr = (uintptr_t)big;
		*len = 1020 + below(s, 8);	/* around NAME_MAX */
		return;
	case 3:
		*ptr = (uintptr_t)big;
		*len = rnd(s);			/* huge */
		return;
	case 4:
		if (fz->ncids) {
			*ptr = (uintptr_t)fz->prefix;
			*len = strlen(fz->prefix);
			return;
		}
		/* fall through */
	default:
		n = names[below(s, CN_ARRAY_SIZE(names))];
		*ptr = (uintptr_t)n;
		*len = strlen(n);
		if (chance(s, 10))
			*len += 1;		/* include the NUL */
		return;
	}
}

static __u32 rand_cid(__u64 *s)
{
	if (fz->ncids && chance(s, 80))
		return fz->cids[below(s, fz->ncids)];
	return chance(s, 50) ? below(s, 200) : (__u32)rnd(s);
}

static __u32 rand_type(__u64 *s)
{
	return chance(s, 85) ? 1 + below(s, CLUSNOTIFY_OBJ_MAX) :
			       (__u32)rnd(s);
}

static __u64 rand_mask(__u64 *s)
{
	switch (below(s, 5)) {
	case 0:
		return 1ULL << below(s, 64);
	case 1:
		return rnd(s) & 0xffffffff;
	case 2:
		return rnd(s);
	case 3:
		return 0;
	default:
		return rnd(s) & 0x3ff;
	}
}

/* Scatter a few random bytes over a struct. */
static void mutate(__u64 *s, void *p, size_t len)
{
	int n = below(s, 3), i;

	for (i = 0; i < n && len; i++)
		((unsigned char *)p)[below(s, len)] = rnd(s);
}

/* ------------------------------------------------------------------ */
/* Port operations                                                     */
/* ------------------------------------------------------------------ */

/* Check records read from slot i (gen unchanged across the read). */
static void check_records(int i, const unsigned char *buf, size_t len,
			  int gen)
{
	const char *why = "";
	struct cn_rec r;
	size_t off = 0;

	while (off < len) {
		if (cn_decode_record(buf + off, len - off, &r, &why)) {
			fz->bad_records++;
			snprintf(fz->why, sizeof(fz->why), "record: %s", why);
			return;
		}
		fz->records++;
		/* Only when the same port was there before and after. */
		if (!(gen & 1) && LOAD(fz->gen[i]) == gen) {
			if (fz->seq_gen[i] != gen) {
				fz->seq_gen[i] = gen;
				fz->seq_known[i] = 0;
			}
			if (fz->seq_known[i] && r.hdr.seq != fz->next_seq[i]) {
				fz->seq_gaps++;
				snprintf(fz->why, sizeof(fz->why),
					 "slot %d: seq %llu, expected %llu", i,
					 (unsigned long long)r.hdr.seq,
					 (unsigned long long)fz->next_seq[i]);
			}
			fz->next_seq[i] = r.hdr.seq +
				((r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) ?
				 r.hdr.lost : 1);
			fz->seq_known[i] = 1;
		}
		off += r.hdr.size;
	}
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg) < 0 ? -errno : 0;

	fz->ioctls++;
	count_errno(ret);
	if (ret && !ioctl_errno_ok(ret) && !fz->bad_errno) {
		fz->bad_errno = 1;
		fz->bad_errno_cmd = _IOC_NR(cmd);
		fz->bad_errno_val = ret;
	}
	return ret;
}

/* An ioctl size: mostly right, sometimes short, long, or huge. */
static size_t rand_size(__u64 *s, size_t right)
{
	switch (below(s, 8)) {
	case 0:
		return below(s, right + 1);
	case 1:
		return right + 8 * below(s, 8);
	case 2:
		return 4096 + below(s, 64);
	case 3:
		return below(s, 1 << 14);
	default:
		return right;
	}
}

/*
 * mmap the port's ring with a length, offset and flags mostly right, and
 * if that works write random head and consumed (or put head right), the
 * hostile reader; the mapping goes away at once.
 */
static void fuzz_ring_mmap(__u64 *s, int fd, __u64 len)
{
	struct clusnotify_ring *r;
	int flags = chance(s, 90) ? MAP_SHARED : MAP_PRIVATE;
	off_t off = chance(s, 95) ? 0 : 4096;
	void *m;

	if (chance(s, 10))
		len += chance(s, 50) ? 4096 : -4096;
	if (!len || len > (64 << 20))
		return;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
	if (m == MAP_FAILED) {
		count_errno(-errno);
		return;
	}
	r = m;
	if (chance(s, 50))
		STORE(r->head, chance(s, 50) ? (__u32)rnd(s) : LOAD(r->tail));
	if (chance(s, 30))
		STORE(r->consumed, rnd(s));
	munmap(m, len);
}

static void fuzz_port_ioctl(__u64 *s, int slot)
{
	int fd = slot_fd(slot), gen = LOAD(fz->gen[slot]);
	union {
		struct clusnotify_info info;
		struct clusnotify_cluster_query cq;
		struct clusnotify_object_query oq;
		struct clusnotify_filter f;
		struct clusnotify_remove rm;
		struct clusnotify_get g;
		struct clusnotify_port_stats st;
		struct clusnotify_ring_setup rs;
		unsigned char raw[4200];
	} u;
	unsigned char *arg = u.raw;
	unsigned long cmd;
	size_t size;
	__u32 len;
	int ret;

	memset(&u, 0, sizeof(u));
	switch (below(s, 14)) {
	case 0:
		cmd = CLUSNOTIFY_IOC_GET_INFO;
		size = rand_size(s, sizeof(u.info));
		break;
	case 1:
		rand_str(s, &u.cq.name, &u.cq.name_len);
		u.cq.flags = chance(s, 70) ? below(s, 3) : rnd(s);
		u.cq.cluster_id = rand_cid(s);
		u.cq.name_out = chance(s, 50) ? (uintptr_t)fz->page :
			(chance(s, 50) ? 0 : (uintptr_t)fz->unmapped);
		u.cq.name_out_size = below(s, 2) ? below(s, 64) : 4096;
		cmd = CLUSNOTIFY_IOC_CLUSTER_LOOKUP;
		size = rand_size(s, sizeof(u.cq));
		break;
	case 2:
		u.oq.cluster_id = rand_cid(s);
		u.oq.type = chance(s, 20) ? 0 : rand_type(s);
		u.oq.flags = chance(s, 80) ? below(s, 3) : rnd(s);
		rand_str(s, &u.oq.key, &u.oq.key_len);
		u.oq.buf = chance(s, 80) ? (uintptr_t)fz->page :
					   (uintptr_t)fz->unmapped;
		u.oq.buf_size = chance(s, 50) ? 4096 : below(s, 128);
		u.oq.__reserved = chance(s, 90) ? 0 : rnd(s);
		cmd = CLUSNOTIFY_IOC_OBJECT_LOOKUP;
		size = rand_size(s, sizeof(u.oq));
		break;
	case 3:
	case 4:
		u.f.cluster_id = rand_cid(s);
		u.f.version = chance(s, 90) ? 1 + below(s, 2) : rnd(s);
		u.f.object_type = u.f.version == 2 ? rand_type(s) :
			(chance(s, 90) ? 0 : rand_type(s));
		u.f.flags = chance(s, 90) ? 0 : rnd(s);
		u.f.mask = rand_mask(s);
		u.f.key = rnd(s);
		u.f.token = below(s, 8);
		if (chance(s, 40)) {
			rand_str(s, &u.f.object, &len);
			u.f.object_len = len;
			if (u.f.version == 1)
				u.f.object_type_v1 = rand_type(s);
		}
		cmd = CLUSNOTIFY_IOC_ADD_FILTER;
		size = rand_size(s, sizeof(u.f));
		break;
	case 5:
		u.rm.token = below(s, 8);
		u.rm.flags = chance(s, 80) ? below(s, 2) : rnd(s);
		u.rm.__reserved = chance(s, 90) ? 0 : rnd(s);
		cmd = CLUSNOTIFY_IOC_REMOVE_FILTERS;
		size = rand_size(s, sizeof(u.rm));
		break;
	case 6:
		cmd = CLUSNOTIFY_IOC_PORT_STATS;
		size = rand_size(s, sizeof(u.st));
		break;
	case 7:
		cmd = chance(s, 5) ? CLUSNOTIFY_IOC_SHUTDOWN : FIONREAD;
		size = 0;
		break;
	case 9:
		/*
		 * A ring, mostly the smallest; then now and then mapped,
		 * rightly or not, and its head and consumed scribbled on.
		 */
		u.rs.size = chance(s, 60) ? CLUSNOTIFY_RING_MIN :
			    (chance(s, 50) ? 0 : (__u32)rnd(s));
		u.rs.flags = chance(s, 90) ? 0 : rnd(s);
		cmd = CLUSNOTIFY_IOC_RING_SETUP;
		size = rand_size(s, sizeof(u.rs));
		if (size < sizeof(u.rs) || size > 4096 || chance(s, 5))
			break;
		if (do_ioctl(fd, cn_ioc_resize(CLUSNOTIFY_IOC_RING_SETUP, size),
			     arg) && chance(s, 50))
			return;
		fuzz_ring_mmap(s, fd, u.rs.mmap_size);
		return;
	case 10:
		cmd = CLUSNOTIFY_IOC_RING_SYNC;
		size = 0;
		if (chance(s, 20))
			fuzz_ring_mmap(s, fd, 4096 + 2 * CLUSNOTIFY_RING_MIN);
		break;
	case 8:
		/* unknown commands and numbers */
		cmd = _IOC(below(s, 4), chance(s, 50) ? CLUSNOTIFY_IOC_MAGIC :
			   below(s, 256), below(s, 32), below(s, 512));
		size = _IOC_SIZE(cmd);
		break;
	default:
		/* GET: buffers too small, limits, timeouts, bad pointers */
		u.g.buf = chance(s, 85) ? (uintptr_t)fz->page :
			  (chance(s, 50) ? 0 : (uintptr_t)fz->unmapped);
		u.g.buf_size = chance(s, 60) ? 4096 : below(s, 256);
		u.g.timeout_ms = chance(s, 90) ? 0 : below(s, 3);
		u.g.flags = chance(s, 70) ? below(s, 2) : rnd(s);
		u.g.__reserved = chance(s, 95) ? 0 : rnd(s);
		if (u.g.flags & CLUSNOTIFY_GET_F_LIMITS || chance(s, 10)) {
			u.g.max_payload = below(s, 2) ? below(s, 64) : 65536;
			u.g.max_id = below(s, 2) ? below(s, 16) : 2048;
			u.g.max_parent = below(s, 2) ? below(s, 16) : 2048;
			u.g.max_name = below(s, 2) ? below(s, 16) : 2048;
			u.g.max_type = below(s, 2) ? below(s, 16) : 2048;
		}
		size = chance(s, 70) ? sizeof(u.g) :
			(chance(s, 50) ? CLUSNOTIFY_GET_SIZE_VER0 :
			 rand_size(s, sizeof(u.g)));
		cmd = cn_ioc_resize(CLUSNOTIFY_IOC_GET, size);
		if (size < sizeof(u.raw) && chance(s, 5))
			mutate(s, &u, size);
		u.g.timeout_ms = below(s, 3);	/* never wait long */
		ret = do_ioctl(fd, cmd, arg);
		fz->gets++;
		/* The record went to the page: check it if GET succeeded. */
		if (!ret && u.g.buf == (uintptr_t)fz->page &&
		    u.g.buf_size <= 4096)
			check_records(slot, fz->page, u.g.buf_size, gen);
		else if (!ret)
			fz->seq_known[slot] = 0;	/* went elsewhere */
		return;
	}
	if (size && size < sizeof(u.raw) && chance(s, 10))
		mutate(s, &u, size);
	/* Now and then the argument itself faults or is NULL. */
	if (chance(s, 3))
		arg = chance(s, 50) ? NULL : fz->unmapped;
	else if (size > sizeof(u.raw))
		size = sizeof(u.raw);
	if (_IOC_SIZE(cmd) != size && cmd != FIONREAD &&
	    cmd != CLUSNOTIFY_IOC_SHUTDOWN &&
	    cmd != CLUSNOTIFY_IOC_RING_SYNC && size < (1 << 14))
		cmd = cn_ioc_resize(cmd, size);
	/* A random command may be GET: never let it wait long. */
	if (cn_ioc_resize(cmd, 0) == cn_ioc_resize(CLUSNOTIFY_IOC_GET, 0))
		u.g.timeout_ms = below(s, 3);
	/* A record it takes is not checked: stop tracking seq. */
	if (!do_ioctl(fd, cmd, arg) &&
	    cn_ioc_resize(cmd, 0) == cn_ioc_resize(CLUSNOTIFY_IOC_GET, 0))
		fz->seq_known[slot] = 0;
}

static void fuzz_read(__u64 *s, int slot)
{
	int fd = slot_fd(slot), gen = LOAD(fz->gen[slot]);
	static unsigned char buf[1 << 17];
	size_t len = chance(s, 60) ? sizeof(buf) : below(s, 512);
	ssize_t n;

	n = read(fd, chance(s, 3) ? fz->unmapped : buf, len);
	fz->reads++;
	if (n < 0) {
		count_errno(-errno);
		return;
	}
	if (n > 0 && (size_t)n <= len)
		check_records(slot, buf, n, gen);
}

/* ------------------------------------------------------------------ */
/* Generic netlink                                                     */
/* ------------------------------------------------------------------ */

static void put_rand_attr(__u64 *s, struct cn_msg *m, int depth)
{
	static unsigned char junk[256];
	__u16 type = chance(s, 85) ? below(s, CLUSNOTIFY_A_MAX + 2) :
				     (__u16)rnd(s);
	const char *n;
	size_t i;

	switch (below(s, 6)) {
	case 0:
		cn_msg_put_u32(m, type, chance(s, 50) ? rand_cid(s) :
				(__u32)rnd(s));
		break;
	case 1:
		cn_msg_put_u64(m, type, rand_mask(s));
		break;
	case 2:
		n = names[below(s, CN_ARRAY_SIZE(names))];
		if (type == CLUSNOTIFY_A_CLUSTER_NAME) {
			char buf[96];

			/* Registered names carry our prefix, to be cleaned. */
			snprintf(buf, sizeof(buf), "%s%s", fz->prefix, n);
			cn_msg_put_str(m, type, buf);
		} else {
			cn_msg_put_str(m, type, n);
		}
		break;
	case 3:
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = rnd(s);
		cn_msg_put(m, type, junk, below(s, sizeof(junk)));
		break;
	default:
		if (depth > 2) {
			cn_msg_put_u8(m, type, rnd(s));
			break;
		}
		cn_msg_nest_start(m, chance(s, 80) ?
				  (chance(s, 50) ? CLUSNOTIFY_A_EVENT :
				   CLUSNOTIFY_A_OBJECT) : type);
		for (i = below(s, 6); i > 0; i--)
			put_rand_attr(s, m, depth + 1);
		cn_msg_nest_end(m);
		break;
	}
}

static void fuzz_genl_raw(__u64 *s)
{
	static const __u16 flag_sets[] = {
		NLM_F_REQUEST | NLM_F_ACK, NLM_F_REQUEST | NLM_F_DUMP,
		NLM_F_REQUEST, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
	};
	struct cn_msg m;
	int n, ret;

	cn_msg_init(&m, &fz->raw, chance(s, 90) ?
		    below(s, CLUSNOTIFY_CMD_MAX + 2) : (__u8)rnd(s),
		    flag_sets[below(s, 4)] & ~NLM_F_REQUEST);
	for (n = below(s, 7); n > 0; n--)
		put_rand_attr(s, &m, 0);
	ret = cn_nl_transact(&fz->raw, &m, NULL, NULL);
	cn_msg_free(&m);
	fz->genl++;
	count_errno(ret);
}

/* Well-formed producer traffic, so ports get records to fuzz. */
static void fuzz_genl_valid(__u64 *s)
{
	static unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
	struct cn_event ev[8];
	char name[64];
	__u32 cid;
	int i, n, ret;

	switch (below(s, 10)) {
	case 0:
		if (fz->ncids >= MAX_CLUSTERS)
			break;
		snprintf(name, sizeof(name), "%s%u", fz->prefix,
			 (unsigned int)below(s, 1000));
		if (!cn_register(&fz->nl, name, &cid)) {
			fz->cids[fz->ncids++] = cid;
			cn_publish(&fz->nl, cid, cn_std_objects,
				   cn_std_nobjects);
		}
		break;
	case 1:
		if (!fz->ncids)
			break;
		i = below(s, fz->ncids);
		cn_unregister(&fz->nl, fz->cids[i]);
		fz->cids[i] = fz->cids[--fz->ncids];
		break;
	default:
		if (!fz->ncids)
			break;
		n = 1 + below(s, 8);
		for (i = 0; i < n; i++) {
			const struct cn_obj_desc *o =
				&cn_std_objects[below(s, cn_std_nobjects)];

			memset(&ev[i], 0, sizeof(ev[i]));
			ev[i].type = chance(s, 80) ? o->type : rand_type(s);
			if (chance(s, 70))
				ev[i].v2 = 1ULL << below(s, 11);
			if (!ev[i].v2 || chance(s, 50))
				ev[i].v1 = 1U << below(s, 31);
			ev[i].id = chance(s, 80) ? o->id :
				   names[below(s, CN_ARRAY_SIZE(names))];
			if (chance(s, 30)) {
				ev[i].payload = payload;
				ev[i].payload_len = chance(s, 5) ?
					CLUSNOTIFY_PAYLOAD_MAX : below(s, 512);
			}
			ev[i].state = below(s, 4);
			ev[i].has_state = chance(s, 50);
		}
		ret = cn_post(&fz->nl, fz->cids[below(s, fz->ncids)], ev, n,
			      NULL);
		count_errno(ret);
		break;
	}
	fz->genl++;
}

/* Filters that match what fuzz_genl_valid posts, on a slot's port. */
static void add_good_filters(__u64 *s, int slot)
{
	if (!fz->ncids)
		return;
	cn_add_v1(slot_fd(slot), fz->cids[below(s, fz->ncids)], CN_V1_ALL,
		  slot, 1 + below(s, 4));
	cn_add_v2(slot_fd(slot), fz->cids[below(s, fz->ncids)],
		  1 + below(s, 10), CN_V2_GROUP_ALL, slot, 1 + below(s, 4));
}

/* ------------------------------------------------------------------ */
/* The second thread: shutdowns and swaps under the first               */
/* ------------------------------------------------------------------ */

static void *closer_thread(void *arg)
{
	__u64 s = fz->seed ^ 0xdeadbeefULL;
	struct clusnotify_port_stats st;

	while (!LOAD(fz->stop)) {
		int slot = below(&s, NSLOTS);

		switch (below(&s, 12)) {
		case 0:
			slot_replace(&s, slot);
			break;
		case 1:
			ioctl(slot_fd(slot), CLUSNOTIFY_IOC_SHUTDOWN);
			break;
		default:
			ioctl(slot_fd(slot), CLUSNOTIFY_IOC_PORT_STATS, &st);
			break;
		}
		usleep(below(&s, 4000));
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The test                                                            */
/* ------------------------------------------------------------------ */

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static unsigned int fuzz_seconds(void)
{
	return env_uint("CN_FUZZ_SECONDS",
			access("/sys/kernel/debug/kmemleak", F_OK) ?
			DEFAULT_SECONDS : DEBUG_SECONDS);
}

/* Bring back and unregister every cluster the fuzzer's names made. */
static void cleanup_clusters(struct cn_nl *nl)
{
	struct cn_cluster_desc *d = calloc(256, sizeof(*d));
	int n = 0, i;
	__u32 id;

	if (!d || cn_cluster_dump(nl, d, 256, &n)) {
		free(d);
		return;
	}
	for (i = 0; i < n && i < 256; i++) {
		if (strncmp(d[i].name, fz->prefix, strlen(fz->prefix)))
			continue;
		/* Down (its session closed) or ours: take it, drop it. */
		cn_register(nl, d[i].name, &id);
		cn_unregister(nl, d[i].id);
	}
	free(d);
}

FIXTURE(fuzz) {
	unsigned int saved_max_records;
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_EQ(0, cn_param_get("max_records", &self->saved_max_records));
	/* Small queues, so overflow records are fuzzed too. */
	ASSERT_EQ(0, cn_param_set("max_records", 64));
}

FIXTURE_TEARDOWN(fuzz)
{
	cn_param_set("max_records", self->saved_max_records);
}

TEST_F_TIMEOUT(fuzz, ioctls_and_genl_commands, 60)
{
	unsigned int secs = fuzz_seconds();
	struct timeval tv = { 2, 0 }, rawtv = { 0, 100000 };
	struct cn_env env;
	unsigned char buf[4096];
	struct cn_rec r;
	pthread_t th;
	__u64 s, t0;
	int i;

	fz = cn_shared_alloc(sizeof(*fz));
	ASSERT_NE(NULL, fz);
	fz->seed = env_uint("CN_FUZZ_SEED", 1);
	s = fz->seed * 0x9e3779b97f4a7c15ULL + 1;
	snprintf(fz->prefix, sizeof(fz->prefix), "Fz%d-", (int)getpid());
	fz->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fz->devnull);
	fz->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fz->unmapped = mmap(NULL, 4096, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fz->page);
	ASSERT_NE(MAP_FAILED, fz->unmapped);
	ASSERT_EQ(0, cn_nl_open(&fz->nl));
	ASSERT_EQ(0, cn_nl_open(&fz->raw));
	/* An answer that never comes must not hang the fuzzer. */
	setsockopt(fz->raw.fd, SOL_SOCKET, SO_RCVTIMEO, &rawtv, sizeof(rawtv));
	setsockopt(fz->nl.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < NSLOTS; i++)
		slot_replace(&s, i);
	ksft_print_msg("fuzzing for %u s with seed %llu (CN_FUZZ_SECONDS, CN_FUZZ_SEED)\n",
		       secs, (unsigned long long)fz->seed);
	ASSERT_EQ(0, pthread_create(&th, NULL, closer_thread, NULL));

	t0 = cn_now_ms();
	while (cn_now_ms() - t0 < secs * 1000ULL) {
		int slot = below(&s, NSLOTS);

		switch (below(&s, 16)) {
		case 0:
		case 1:
			fuzz_genl_raw(&s);
			break;
		case 2:
		case 3:
		case 4:
			fuzz_genl_valid(&s);
			break;
		case 5:
			add_good_filters(&s, slot);
			break;
		case 6:
		case 7:
			fuzz_read(&s, slot);
			break;
		default:
			fuzz_port_ioctl(&s, slot);
			break;
		}
		fz->iters++;
	}
	STORE(fz->stop, 1);
	pthread_join(th, NULL);

	for (i = 0; i < NSLOTS; i++)
		close(slot_fd(i));
	while (fz->ncids)
		cn_unregister(&fz->nl, fz->cids[--fz->ncids]);
	/* The raw socket's clusters go down with it, then are dropped. */
	cn_nl_close(&fz->raw);
	cleanup_clusters(&fz->nl);
	cn_nl_close(&fz->nl);

	ksft_print_msg("%llu iterations: %llu ioctls (%llu GET), %llu reads, %llu genl requests, %llu records checked, %llu port swaps\n",
		       (unsigned long long)fz->iters,
		       (unsigned long long)fz->ioctls,
		       (unsigned long long)fz->gets,
		       (unsigned long long)fz->reads,
		       (unsigned long long)fz->genl,
		       (unsigned long long)fz->records,
		       (unsigned long long)fz->swaps);
	for (i = 0; i < 160; i++)
		if (fz->errnos[i])
			ksft_print_msg("  %s: %llu\n", i ? strerror(i) : "success",
				       (unsigned long long)fz->errnos[i]);
	if (fz->bad_errno)
		TH_LOG("ioctl nr %d failed with undocumented %d (%s)",
		       fz->bad_errno_cmd, fz->bad_errno_val,
		       strerror(-fz->bad_errno_val));
	if (fz->bad_records || fz->seq_gaps)
		TH_LOG("%s", fz->why);
	EXPECT_EQ(0, fz->bad_errno);
	EXPECT_EQ(0, fz->bad_records);
	EXPECT_EQ(0, fz->seq_gaps);
	EXPECT_LT(1000, fz->iters);

	/* The module still works end to end. */
	ASSERT_EQ(0, cn_env_setup(&env, "FuzzAfter"));
	ASSERT_EQ(0, cn_add_v1(env.port, env.cid, CN_V1_ALL, 9, 9));
	ASSERT_EQ(0, cn_post1(&env.nl, env.cid, &(struct cn_event){
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
		.id = CN_GROUP1_ID }));
	ASSERT_EQ(0, cn_get_rec(env.port, buf, 1000, &r));
	EXPECT_EQ(9, r.hdr.key);
	EXPECT_EQ(0, r.hdr.seq);
	cn_env_teardown(&env);
	close(fz->devnull);
	munmap(fz, sizeof(*fz));
}

static void __attribute__((constructor(200))) fuzz_timeout(void)
{
	_fuzz_ioctls_and_genl_commands_object.timeout = fuzz_seconds() + 45;
}

TEST_HARNESS_MAIN
