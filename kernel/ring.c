// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped ring of a port: records appended where the reader takes them
 * without a system call (the uapi's "The mapped ring").
 *
 * Memory. One control page and size bytes of records, each page allocated
 * on its own and charged to the memory cgroup of the task that set the
 * ring up. The kernel sees them through one vmap() that maps the records'
 * pages twice in a row, as the reader's mapping does, so a record that
 * crosses the end of the area is written (and read) as one piece. The ring
 * lives as long as its port: a mapping holds the file, so the last
 * munmap() or close() releases the port, which frees the ring.
 *
 * Locking. port->ring is set once, under port->filter_lock (before any
 * filter exists) and port->lock, and never changes until the port is
 * released; a post reaches a port only through a filter, so it always
 * sees the ring. Everything the kernel writes to the ring (records, tail,
 * flags) and ring->tail, ring->appended, ring->flags are under port->lock.
 *
 * Trust. The reader owns head and consumed and may write anything there:
 * they are read once per use with READ_ONCE() and only ever decide how
 * much room there is or what the statistics say. Nothing else is read back
 * from the mapping; the kernel's own tail and flags are kept here.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "clusnotify.h"

struct cn_ring {
	struct clusnotify_ring *ctl;	/* the vmap(): control page first */
	char *data;			/* the records' area, twice */
	u32 size;			/* bytes of the area, a power of two */
	u32 tail;			/* what ctl->tail was last set to */
	u32 flags;			/* what ctl->flags was last set to */
	u32 nr_pages;			/* pages[]: the control page + area */
	u64 appended;			/* records appended since the setup */
	struct page *pages[];
};

/*
 * The port's ring, for paths not holding port->lock (mmap, RING_SYNC,
 * fdinfo): a ring seen is a ring initialised.
 */
struct cn_ring *cn_port_ring(struct cn_port *port)
{
	/* Pairs with the release in cn_ring_setup(). */
	return smp_load_acquire(&port->ring);
}

u64 cn_ring_mmap_size(const struct cn_ring *ring)
{
	return PAGE_SIZE + 2 * (u64)ring->size;
}

u32 cn_ring_size(const struct cn_ring *ring)
{
	return ring->size;
}

void cn_ring_free(struct cn_ring *ring)
{
	u32 i;

	if (!ring)
		return;
	if (ring->ctl)
		vunmap(ring->ctl);
	for (i = 0; i < ring->nr_pages; i++)
		if (ring->pages[i])
			__free_page(ring->pages[i]);
	kvfree(ring);
}

static struct cn_ring *cn_ring_alloc(u32 size)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;
	u32 nr_data = size >> PAGE_SHIFT, i;
	struct page **map;
	struct cn_ring *ring;

	ring = kvzalloc(struct_size(ring, pages, 1 + nr_data),
			GFP_KERNEL_ACCOUNT);
	if (!ring)
		return NULL;
	ring->nr_pages = 1 + nr_data;
	ring->size = size;
	for (i = 0; i < ring->nr_pages; i++) {
		ring->pages[i] = alloc_page(gfp);
		if (!ring->pages[i])
			goto err;
	}
	map = kvmalloc_array(1 + 2 * nr_data, sizeof(*map), GFP_KERNEL);
	if (!map)
		goto err;
	map[0] = ring->pages[0];
	for (i = 0; i < nr_data; i++) {
		map[1 + i] = ring->pages[1 + i];
		map[1 + nr_data + i] = ring->pages[1 + i];
	}
	/* VM_USERMAP: what remap_vmalloc_range() wants of the area. */
	ring->ctl = vmap(map, 1 + 2 * nr_data, VM_MAP | VM_USERMAP,
			 PAGE_KERNEL);
	kvfree(map);
	if (!ring->ctl)
		goto err;
	ring->data = (char *)ring->ctl + PAGE_SIZE;
	ring->ctl->size = size;
	ring->ctl->data_offset = PAGE_SIZE;
	return ring;

err:
	cn_ring_free(ring);
	return NULL;
}

/*
 * RING_SETUP. The ring is allocated first, without a lock; whether the
 * port may still take one is decided under filter_lock (no filter can be
 * added meanwhile) and port->lock (the shutdown and the queue).
 */
int cn_ring_setup(struct cn_port *port, struct clusnotify_ring_setup *rs)
{
	u32 size = rs->size ? rs->size : READ_ONCE(cn_ring_default);
	struct cn_ring *ring;
	int ret = 0;

	if (rs->flags || size < CLUSNOTIFY_RING_MIN ||
	    size > READ_ONCE(cn_max_ring) || !is_power_of_2(size))
		return -EINVAL;
	ring = cn_ring_alloc(size);
	if (!ring)
		return -ENOMEM;
	mutex_lock(&port->filter_lock);
	spin_lock(&port->lock);
	if (port->shut)
		ret = -ESHUTDOWN;
	else if (port->ring || port->had_filter)
		ret = -EBUSY;
	else	/* initialised, then seen: cn_port_ring() */
		smp_store_release(&port->ring, ring);
	spin_unlock(&port->lock);
	mutex_unlock(&port->filter_lock);
	if (ret) {
		cn_ring_free(ring);
		return ret;
	}
	rs->size = size;
	rs->mmap_size = cn_ring_mmap_size(ring);
	return 0;
}

/*
 * The whole ring, shared, from offset 0, or nothing. Not executable.
 * remap_vmalloc_range() inserts the pages (the area's twice, as the vmap
 * has them) and marks the mapping VM_DONTEXPAND | VM_DONTDUMP.
 */
int cn_ring_mmap(struct cn_port *port, struct vm_area_struct *vma)
{
	struct cn_ring *ring = cn_port_ring(port);

	if (!ring)
		return -ENODEV;
	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start != cn_ring_mmap_size(ring))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	vma->vm_flags &= ~VM_MAYEXEC;
	return remap_vmalloc_range(vma, ring->ctl, 0);
}

static void cn_ring_set_flags(struct cn_ring *ring, u32 flags)
{
	if (ring->flags == flags)
		return;
	ring->flags = flags;
	WRITE_ONCE(ring->ctl->flags, flags);
}

/*
 * Bytes the reader's head says are queued, or more than size when head is
 * not a position the ring has had: then the ring counts as full.
 */
static u32 cn_ring_used(const struct cn_ring *ring)
{
	return ring->tail - READ_ONCE(ring->ctl->head);
}

/* Append one record at the tail (room was checked); not yet published. */
static void cn_ring_write(struct cn_ring *ring, const struct cn_rec *r)
{
	const struct cn_payload *pl = r->pl;
	struct clusnotify_record *u;
	u32 size = cn_record_size(pl);

	u = (void *)(ring->data + (ring->tail & (ring->size - 1)));
	*u = (struct clusnotify_record){
		.size = size,
		.version = r->version,
		.flags = r->flags,
		.seq = r->seq,
		.key = r->key,
		.token = r->token,
		.lost = r->lost,
		.v2_flag = r->v2_flag,
		.v1_change = r->v1_change,
		.object_type = r->object_type,
		.cluster_id = pl->cluster_id,
		.state = r->state,
		.timestamp_ns = r->timestamp_ns,
		.payload_len = pl->payload_len,
		.id_len = pl->id_len,
		.parent_len = pl->parent_len,
		.name_len = pl->name_len,
		.type_len = pl->type_len,
	};
	memcpy(u + 1, pl->data, pl->data_len);
	ring->tail += size;
	ring->appended++;
}

/* The pending tail loss becomes an overflow record (room was checked). */
static void cn_ring_write_tail(struct cn_port *port)
{
	struct cn_ring *ring = port->ring;
	struct cn_payload *pl = port->tail.pl;

	port->tail.lost = port->tail_lost;
	cn_ring_write(ring, &port->tail);
	port->tail.pl = NULL;
	port->tail_lost = 0;
	cn_ring_set_flags(ring, ring->flags & ~CLUSNOTIFY_RING_F_LOST);
	cn_payload_put(pl);
}

/*
 * Publish the tail, then see whether the reader had emptied the ring
 * before the append: the kernel's half of the uapi's barrier rule. The
 * reader stores head, then a full barrier, then loads tail (and flags);
 * here tail (and flags) are stored, then a full barrier, then head is
 * loaded. So either the reader sees what was appended, or head read here
 * is the position the reader stopped at, and the waiters are woken. A
 * wake-up for a reader that had not emptied it is only spurious.
 */
static bool cn_ring_publish(struct cn_ring *ring, u32 tail0, bool lost0)
{
	/* The record before the tail: the reader's load_acquire(tail). */
	smp_store_release(&ring->ctl->tail, ring->tail);
	/* Tail and flags before head: the full barrier of the rule above. */
	smp_mb();
	return READ_ONCE(ring->ctl->head) == tail0 && !lost0;
}

/*
 * Append @ev for @f, under port->lock: the ring's cn_port_queue(). The
 * overflow record of a pending loss goes in front of the record, with it
 * or not at all, so the loss stays counted in the tail until both fit.
 * *@wake says whether the port became readable.
 */
enum cn_delivery cn_ring_queue(struct cn_port *port, const struct cn_filter *f,
			       const struct cn_event *ev, bool *wake)
{
	struct cn_ring *ring = port->ring;
	bool lost0 = port->tail_lost;
	u32 tail0, need, used;
	enum cn_delivery d;
	struct cn_rec r;

	lockdep_assert_held(&port->lock);
	*wake = false;
	/* Shut first: a released port's ring is freed, and it is shut. */
	if (port->shut || f->dead)
		return CN_DROPPED_SHUT;
	tail0 = ring->tail;
	need = sizeof(struct clusnotify_record) + ev->pl->data_len;
	if (port->tail_lost)
		need += cn_record_size(port->tail.pl);
	used = cn_ring_used(ring);
	if (used > ring->size || ring->size - used < need) {
		if (!port->tail_lost)
			cn_port_tail_start(port, f, port->next_seq);
		port->next_seq++;
		port->tail_lost++;
		port->lost_total++;
		cn_ring_set_flags(ring, ring->flags | CLUSNOTIFY_RING_F_LOST);
		d = CN_LOST;
	} else {
		if (port->tail_lost)
			cn_ring_write_tail(port);
		cn_rec_set(&r, f, ev, port->next_seq++);
		r.pl = ev->pl;
		cn_ring_write(ring, &r);
		d = CN_QUEUED;
	}
	*wake = cn_ring_publish(ring, tail0, lost0);
	return d;
}

/* RING_SYNC: the pending overflow record into an empty ring. */
int cn_ring_sync(struct cn_port *port)
{
	struct cn_ring *ring = cn_port_ring(port);
	int ret = 0;

	if (!ring)
		return -ENODEV;
	spin_lock(&port->lock);
	if (port->shut) {
		ret = -ESHUTDOWN;
	} else if (cn_ring_used(ring)) {
		ret = -EAGAIN;
	} else if (port->tail_lost) {
		/* An overflow record is far smaller than CLUSNOTIFY_RING_MIN. */
		cn_ring_write_tail(port);
		/* The record before the tail; the caller is the reader. */
		smp_store_release(&ring->ctl->tail, ring->tail);
	}
	spin_unlock(&port->lock);
	return ret;
}

/* Shutdown, under port->lock: the reader stops at F_SHUTDOWN. */
void cn_ring_shut(struct cn_ring *ring)
{
	cn_ring_set_flags(ring, ring->flags | CLUSNOTIFY_RING_F_SHUTDOWN);
}

/* For poll, under port->lock. */
bool cn_ring_readable(struct cn_port *port)
{
	lockdep_assert_held(&port->lock);
	return cn_ring_used(port->ring) || port->tail_lost;
}

/*
 * The statistics of a ring port, under port->lock: what the reader says it
 * consumed (at most what was appended) is delivered; the rest is queued.
 */
void cn_ring_stats(struct cn_port *port, struct clusnotify_port_stats *st)
{
	struct cn_ring *ring = port->ring;
	u64 consumed = READ_ONCE(ring->ctl->consumed);

	lockdep_assert_held(&port->lock);
	consumed = min(consumed, ring->appended);
	st->delivered = consumed;
	st->queued = ring->appended - consumed;
	st->queued_bytes = min(cn_ring_used(ring), ring->size);
}
