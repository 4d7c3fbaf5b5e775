// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A port's mapped ring (include/uapi/linux/clusnotify.h, "The mapped ring"):
 * the kernel appends records to memory shared with us, and we take them in
 * place, without a system call, writing back how far we got (head).
 *
 * Locking and lifetime. A ring belongs to one struct cn_port_h, is made
 * before the port's first filter (the kernel refuses a ring after that)
 * and unmapped by the port's release, which runs when the last reference
 * to the port goes: no reader can still be inside it. ring->lock
 * serialises the readers of one port (two threads may call
 * GetClusterNotify on it): head and consumed are ours alone, and the
 * record at head stays ours while the lock is held, so a caller can look
 * at it, decide, and then take it or leave it. The lock is never held
 * across poll(): a sleeping reader must not keep another thread from
 * taking a record that arrives, nor from seeing the port shut down.
 *
 * Wake-ups. The kernel wakes the port's waiters only when it appends to an
 * empty ring (head == tail before the append), so every reader that is
 * about to sleep or to report "nothing" issues a full barrier after its
 * last store of head and loads tail again; the kernel, after storing tail,
 * issues one and loads head. One of the two sees the other's store: either
 * we see the record, or the kernel sees the ring empty and wakes us.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "record.h"

struct cn_ring {
	pthread_mutex_t lock;		/* one reader at a time */
	struct clusnotify_ring *shm;	/* the shared page, at map */
	const unsigned char *data;	/* the area, mapped twice in a row */
	uint32_t size;			/* bytes of the area, a power of two */
	uint32_t head;			/* what we stored in shm->head */
	uint64_t consumed;		/* what we stored in shm->consumed */
	void *map;
	size_t map_size;
};

/* CLUSNOTIFY_FEAT_* of the module, with this bit once they are known. */
#define CN_FEAT_KNOWN (1ULL << 63)

static uint64_t cn_features;

/*
 * Asked once per process, on the first port: the module cannot change
 * under an open port. Two threads asking at once store the same answer.
 * A failure is not cached.
 */
static uint64_t cn_ring_features(int fd)
{
	uint64_t f = __atomic_load_n(&cn_features, __ATOMIC_RELAXED);
	struct clusnotify_info info;

	if (f & CN_FEAT_KNOWN)
		return f;
	memset(&info, 0, sizeof(info));
	if (cn_kapi_ioctl(fd, CLUSNOTIFY_IOC_GET_INFO, &info))
		return 0;
	f = info.features | CN_FEAT_KNOWN;
	__atomic_store_n(&cn_features, f, __ATOMIC_RELAXED);
	return f;
}

/* CLUSAPI_RING=0 keeps every port on the ioctl path. */
static bool cn_ring_wanted(void)
{
	const char *env = getenv("CLUSAPI_RING");

	return !env || strcmp(env, "0");
}

/*
 * The kernel's description of the mapping, checked before we trust it
 * with our reads: a power-of-two area, on a page, mapped twice in a row
 * inside what we mapped.
 */
static bool cn_ring_sane(const struct cn_ring *r, uint32_t size)
{
	const struct clusnotify_ring *shm = r->shm;
	uint32_t off = shm->data_offset;
	long page = sysconf(_SC_PAGESIZE);

	return shm->size == size && size && !(size & (size - 1)) &&
	       page > 0 && off >= sizeof(*shm) && !(off % page) &&
	       (uint64_t)off + 2 * (uint64_t)size <= r->map_size &&
	       shm->head == 0;
}

int cn_ring_attach(int fd, struct cn_ring **out)
{
	struct clusnotify_ring_setup rs = { 0 };
	struct cn_ring *r;
	void *map;
	int ret;

	*out = NULL;
	if (!cn_ring_wanted() ||
	    !(cn_ring_features(fd) & CLUSNOTIFY_FEAT_RING))
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return 0;
	/* Refused (memory, limits): the queue and the ioctls serve. */
	if (cn_kapi_ioctl(fd, CLUSNOTIFY_IOC_RING_SETUP, &rs) ||
	    rs.mmap_size > SIZE_MAX) {
		free(r);
		return 0;
	}
	/* From here read() and GET fail: the ring is the only way out. */
	map = mmap(NULL, rs.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   0);
	if (map == MAP_FAILED) {
		ret = -errno;
		free(r);
		return ret;
	}
	r->map = map;
	r->map_size = rs.mmap_size;
	r->shm = map;
	r->size = rs.size;
	if (!cn_ring_sane(r, rs.size)) {
		munmap(map, rs.mmap_size);
		free(r);
		return -EPROTO;
	}
	r->data = (const unsigned char *)map + r->shm->data_offset;
	pthread_mutex_init(&r->lock, NULL);
	*out = r;
	return 0;
}

void cn_ring_free(struct cn_ring *r)
{
	if (!r)
		return;
	munmap(r->map, r->map_size);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static int64_t cn_ring_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The record at head, given the tail we loaded (with acquire, so its
 * bytes are visible). Whatever the mapping holds is checked before use:
 * a ring claiming more than its size, or bytes that are no record, give
 * -EPROTO. Called with the lock held.
 */
static int cn_ring_at_head(struct cn_ring *r, uint32_t tail,
			   struct cn_record_view *v)
{
	uint32_t avail = tail - r->head;

	if (avail > r->size || avail < sizeof(struct clusnotify_record))
		return -EPROTO;
	return cn_record_decode(r->data + (r->head & (r->size - 1)), avail,
				v);
}

static uint32_t cn_ring_flags(const struct cn_ring *r)
{
	return __atomic_load_n(&r->shm->flags, __ATOMIC_ACQUIRE);
}

/*
 * One look at the ring, lock held: 0 with the record at head in *v,
 * -EAGAIN when it is empty (after the barrier: it really was), or
 * -ESHUTDOWN, -EPROTO, or RING_SYNC's error. An empty ring owing an
 * overflow record gets it appended here.
 */
static int cn_ring_look(struct cn_ring *r, int fd, struct cn_record_view *v)
{
	uint32_t tail;
	int ret;

	for (;;) {
		if (cn_ring_flags(r) & CLUSNOTIFY_RING_F_SHUTDOWN)
			return -ESHUTDOWN;
		tail = __atomic_load_n(&r->shm->tail, __ATOMIC_ACQUIRE);
		if (tail != r->head)
			return cn_ring_at_head(r, tail, v);
		/* Pairs with the kernel's barrier after its store of tail. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		tail = __atomic_load_n(&r->shm->tail, __ATOMIC_ACQUIRE);
		if (tail != r->head)
			continue;
		if (!(cn_ring_flags(r) & CLUSNOTIFY_RING_F_LOST))
			return -EAGAIN;
		/* -EAGAIN from it: a record came meanwhile. Look again. */
		ret = cn_kapi_ioctl(fd, CLUSNOTIFY_IOC_RING_SYNC, NULL);
		if (ret && ret != -EAGAIN)
			return ret;
	}
}

int cn_ring_wait(struct cn_ring *r, int fd, uint32_t timeout_ms,
		 struct cn_record_view *v)
{
	int64_t deadline = 0;
	bool hup = false;
	int ret;

	if (timeout_ms && timeout_ms != CLUSNOTIFY_INFINITE)
		deadline = cn_ring_now_ms() + timeout_ms;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = -1;

		pthread_mutex_lock(&r->lock);
		ret = cn_ring_look(r, fd, v);
		if (!ret)
			return 0;	/* with the lock */
		pthread_mutex_unlock(&r->lock);
		if (ret != -EAGAIN)
			return ret;
		/* Hung up without the flag: shut down all the same. */
		if (hup)
			return -ESHUTDOWN;
		if (!timeout_ms)
			return -ETIMEDOUT;
		if (timeout_ms != CLUSNOTIFY_INFINITE) {
			int64_t left = deadline - cn_ring_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			wait = left > 0x7fffffff ? 0x7fffffff : (int)left;
		}
		/*
		 * EPOLLIN while head != tail or F_LOST; EPOLLHUP once shut
		 * down. Either way the next look says what happened; a
		 * signal only means computing the time left again.
		 */
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
			return -errno;
		if (pfd.revents & POLLNVAL)
			return -EBADF;
		hup = pfd.revents & POLLHUP;
	}
}

void cn_ring_take(struct cn_ring *r, const struct cn_record_view *v)
{
	r->head += v->hdr->size;
	r->consumed++;
	/* The record's bytes are the kernel's again once head passes them. */
	__atomic_store_n(&r->shm->head, r->head, __ATOMIC_RELEASE);
	__atomic_store_n(&r->shm->consumed, r->consumed, __ATOMIC_RELAXED);
}

/*
 * Consume @run bytes of records copied to the end of @buf (which now
 * holds @done bytes): their count, for the statistics, from the copy.
 */
static void cn_ring_advance(struct cn_ring *r, uint32_t run, const void *buf,
			    size_t done)
{
	const unsigned char *p = (const unsigned char *)buf + done - run;
	const unsigned char *end = p + run;

	while (p < end) {
		p += ((const struct clusnotify_record *)p)->size;
		r->consumed++;
	}
	r->head += run;
	__atomic_store_n(&r->shm->head, r->head, __ATOMIC_RELEASE);
	__atomic_store_n(&r->shm->consumed, r->consumed, __ATOMIC_RELAXED);
}

void cn_ring_unlock(struct cn_ring *r)
{
	pthread_mutex_unlock(&r->lock);
}

/*
 * Bytes of whole records from head that fit in @room, walking sizes only:
 * clusnotify_record_next() checks each record's layout when the caller
 * walks the batch, as it does for read(). A size that is no record's
 * stops the walk (and, as the first, fails the read with -EPROTO).
 */
static uint32_t cn_ring_run(const struct cn_ring *r, uint32_t tail,
			    size_t room)
{
	uint32_t avail = tail - r->head, run = 0;

	if (avail > r->size)
		return 0;
	while (run < avail) {
		const struct clusnotify_record *h;

		h = (const void *)(r->data + ((r->head + run) & (r->size - 1)));
		if (h->size < sizeof(*h) || h->size % 8 ||
		    h->size > avail - run || h->size > room - run)
			break;
		run += h->size;
	}
	return run;
}

ssize_t cn_ring_read(struct cn_ring *r, int fd, void *buf, size_t len,
		     uint32_t timeout_ms)
{
	struct cn_record_view v;
	uint32_t tail, run;
	size_t done = 0;
	int ret;

	ret = cn_ring_wait(r, fd, timeout_ms, &v);
	if (ret)
		return ret;
	if (v.hdr->size > len) {
		cn_ring_unlock(r);
		return -EMSGSIZE;
	}
	/*
	 * The records from head are contiguous (the area is mapped twice in
	 * a row): every whole one that fits goes in one copy, and head moves
	 * once. Stopping with records left needs no barrier: the ring stays
	 * readable, nobody sleeps on it; an empty ring is found by the next
	 * call, which does the barrier before it reports nothing.
	 */
	do {
		tail = __atomic_load_n(&r->shm->tail, __ATOMIC_ACQUIRE);
		run = cn_ring_run(r, tail, len - done);
		if (!run)
			break;
		memcpy((unsigned char *)buf + done,
		       r->data + (r->head & (r->size - 1)), run);
		done += run;
		cn_ring_advance(r, run, buf, done);
	} while (!(cn_ring_flags(r) & CLUSNOTIFY_RING_F_SHUTDOWN) &&
		 len - done >= sizeof(struct clusnotify_record));
	cn_ring_unlock(r);
	return done;
}
