// SPDX-License-Identifier: GPL-2.0
/*
 * Notification ports: the bounded queue of one open file, how records enter
 * it (with the exact count of those that could not), and how readers take
 * them out.
 */
#include <linux/memcontrol.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "clusnotify.h"

struct kmem_cache *cn_rec_cache;

/*
 * Every port is on cn_ports (for the PORT_GET dump), and cn_user_ports
 * counts the ports each uid holds (for max_ports). Both under cn_ports_lock.
 */
static DEFINE_MUTEX(cn_ports_lock);
static LIST_HEAD(cn_ports);
static DEFINE_XARRAY(cn_user_ports);
static atomic64_t cn_port_ids = ATOMIC64_INIT(0);

struct cn_port *cn_port_new(void)
{
	struct cn_port *port;
	unsigned long uid = from_kuid(&init_user_ns, current_uid());
	unsigned long held;
	int ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&port->lock);
	INIT_LIST_HEAD(&port->queue);
	init_waitqueue_head(&port->wq);
	mutex_init(&port->read_lock);
	mutex_init(&port->filter_lock);
	INIT_LIST_HEAD(&port->filters);
	port->uid = current_uid();
	port->pid = task_tgid_vnr(current);

	mutex_lock(&cn_ports_lock);
	held = xa_to_value(xa_load(&cn_user_ports, uid) ?: xa_mk_value(0));
	if (held >= READ_ONCE(cn_max_ports)) {
		ret = -EMFILE;
		goto err_unlock;
	}
	ret = xa_err(xa_store(&cn_user_ports, uid, xa_mk_value(held + 1),
			      GFP_KERNEL));
	if (ret)
		goto err_unlock;
	port->id = atomic64_inc_return(&cn_port_ids);
	list_add_tail(&port->all_node, &cn_ports);
	mutex_unlock(&cn_ports_lock);

	port->memcg = get_mem_cgroup_from_mm(current->mm);
	return port;

err_unlock:
	mutex_unlock(&cn_ports_lock);
	kfree(port);
	return ERR_PTR(ret);
}

static void cn_rec_free(struct cn_rec *r)
{
	cn_payload_put(r->pl);
	kmem_cache_free(cn_rec_cache, r);
}

/* Empty the queue; the caller holds read_lock so no copy is in flight. */
static void cn_port_flush(struct cn_port *port)
{
	struct cn_rec *r, *tmp;
	struct cn_payload *tail_pl;
	LIST_HEAD(dead);

	lockdep_assert_held(&port->read_lock);
	spin_lock(&port->lock);
	list_splice_init(&port->queue, &dead);
	port->nr_queued = 0;
	port->nr_entries = 0;
	port->queued_bytes = 0;
	port->tail_lost = 0;
	tail_pl = port->tail.pl;
	port->tail.pl = NULL;
	spin_unlock(&port->lock);

	cn_payload_put(tail_pl);
	list_for_each_entry_safe(r, tmp, &dead, node)
		cn_rec_free(r);
}

/*
 * Shut the port down: later calls fail, blocked readers wake and fail, the
 * filters go (so no more records arrive) and the queue is flushed. Used by
 * the SHUTDOWN ioctl and by release. Idempotent.
 */
void cn_port_shutdown(struct cn_port *port)
{
	bool was_shut;

	spin_lock(&port->lock);
	was_shut = port->shut;
	port->shut = true;
	if (port->ring)
		cn_ring_shut(port->ring);
	spin_unlock(&port->lock);
	if (was_shut)
		return;
	wake_up_poll(&port->wq, EPOLLHUP | EPOLLIN | EPOLLRDNORM);
	cn_filter_remove_all(port);
	mutex_lock(&port->read_lock);
	cn_port_flush(port);
	mutex_unlock(&port->read_lock);
}

static void cn_port_free_rcu(struct rcu_head *rcu)
{
	struct cn_port *port = container_of(rcu, struct cn_port, rcu);

	mem_cgroup_put(port->memcg);
	kfree(port);
}

/*
 * The last close. Filters are unlinked by the shutdown, but a post that found
 * one before may still be about to deliver to this port under RCU: it sees
 * shut and drops the record, and the port itself is freed only after a
 * grace period.
 */
void cn_port_release(struct cn_port *port)
{
	unsigned long uid = from_kuid(&init_user_ns, port->uid);
	unsigned long held;

	cn_port_shutdown(port);

	mutex_lock(&cn_ports_lock);
	list_del(&port->all_node);
	held = xa_to_value(xa_load(&cn_user_ports, uid) ?: xa_mk_value(1));
	if (held <= 1)
		xa_erase(&cn_user_ports, uid);
	else
		xa_store(&cn_user_ports, uid, xa_mk_value(held - 1), GFP_KERNEL);
	mutex_unlock(&cn_ports_lock);

	/*
	 * Shut, so a post that still finds the port under RCU drops its
	 * record without touching the ring (port->ring stays set: it never
	 * changes after the setup); off cn_ports, so no PORT_GET dump reads
	 * its statistics; no mapping is left (a mapping holds the file).
	 */
	cn_ring_free(port->ring);
	call_rcu(&port->rcu, cn_port_free_rcu);
}

/* A record of @ev for @f, all but its payload reference. */
void cn_rec_set(struct cn_rec *r, const struct cn_filter *f,
		const struct cn_event *ev, u64 seq)
{
	r->seq = seq;
	r->key = f->key;
	r->token = f->token;
	r->lost = 0;
	r->v2_flag = ev->v2_flag;
	r->timestamp_ns = ev->timestamp_ns;
	r->v1_change = ev->v1_change;
	r->object_type = ev->object_type;
	r->state = ev->state;
	r->version = f->version;
	r->flags = ev->flags;
}

static void cn_rec_fill(struct cn_rec *r, const struct cn_filter *f,
			const struct cn_event *ev, u64 seq)
{
	cn_rec_set(r, f, ev, seq);
	r->pl = cn_payload_get(ev->pl);
}

/* The overflow record's kind follows the filter of the first lost record. */
void cn_port_tail_start(struct cn_port *port, const struct cn_filter *f,
			u64 seq)
{
	struct cn_rec *t = &port->tail;

	t->pl = cn_payload_get(f->cluster->name_pl);
	t->seq = seq;
	t->key = f->key;
	t->token = f->token;
	t->lost = 0;
	t->timestamp_ns = ktime_get_ns();
	t->object_type = CLUSNOTIFY_OBJ_CLUSTER;
	t->state = CLUSNOTIFY_STATE_UNKNOWN;
	t->version = f->version;
	t->flags = CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL;
	t->v1_change = CLUSNOTIFY_V1_CLUSTER_RECONNECT;
	t->v2_flag = CLUSNOTIFY_V2_CLUSTER_LOST_NOTIFICATIONS;
}

static void cn_queue_add(struct cn_port *port, struct cn_rec *r)
{
	list_add_tail(&r->node, &port->queue);
	port->nr_entries++;
	port->queued_bytes += cn_record_size(r->pl);
}

/* Move the tail loss into the queue as an overflow record. */
static void cn_tail_to_queue(struct cn_port *port, struct cn_rec *ov)
{
	*ov = port->tail;
	ov->lost = port->tail_lost;
	port->tail.pl = NULL;
	port->tail_lost = 0;
	cn_queue_add(port, ov);
}

/*
 * The records one delivery may need, allocated before port->lock is taken
 * so that the lock covers only the queue's insertion and accounting: the
 * record itself and, when a tail loss is pending, the overflow record that
 * must go in front of it. What is wanted is guessed without the lock; if
 * the guess was wrong, cn_port_queue() asks for a retry, and each of the
 * two is allocated at most once per delivery, so it retries at most twice.
 * A record allocated for a queue found full under the lock, or a port
 * found shut, is freed unused; the loss itself is counted under the lock.
 */
struct cn_spare {
	struct cn_rec *rec;
	struct cn_rec *ov;
	bool want_rec, want_ov;		/* allocate at the next fill */
	bool rec_tried, ov_tried;	/* allocated, or failed to */
};

/*
 * Called without port->lock, from the fan-out under RCU too, so it cannot
 * sleep: GFP_NOWAIT, charged to the port owner's memory cgroup.
 */
static void cn_spare_fill(struct cn_port *port, struct cn_spare *sp)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT;
	struct mem_cgroup *old;

	if (!(sp->want_rec && !sp->rec_tried) &&
	    !(sp->want_ov && !sp->ov_tried))
		return;
	old = set_active_memcg(port->memcg);
	if (sp->want_rec && !sp->rec_tried) {
		sp->rec = kmem_cache_alloc(cn_rec_cache, gfp);
		sp->rec_tried = true;
	}
	if (sp->want_ov && !sp->ov_tried) {
		sp->ov = kmem_cache_alloc(cn_rec_cache, gfp);
		sp->ov_tried = true;
	}
	set_active_memcg(old);
}

/*
 * The lockless guess: what the record will most likely need. A stale
 * value only costs a retry or a record freed unused: cn_port_queue()
 * decides under port->lock.
 */
static void cn_spare_guess(struct cn_port *port, struct cn_spare *sp)
{
	/* Racing with the writers under port->lock on purpose (KCSAN). */
	u32 queued = data_race(port->nr_queued);
	/* The same for the tail loss. */
	u64 lost = data_race(port->tail_lost);

	sp->want_rec = queued < READ_ONCE(cn_max_records);
	sp->want_ov = sp->want_rec && lost;
	cn_spare_fill(port, sp);
}

/* Free what a delivery allocated and did not queue (outside the lock). */
static void cn_spare_free(struct cn_spare *sp)
{
	if (sp->rec)
		kmem_cache_free(cn_rec_cache, sp->rec);
	if (sp->ov)
		kmem_cache_free(cn_rec_cache, sp->ov);
}

/* Readable: what cn_port_readable() tests, under port->lock. */
static bool cn_port_readable_locked(struct cn_port *port)
{
	lockdep_assert_held(&port->lock);
	return !list_empty(&port->queue) || port->tail_lost;
}

/*
 * Queue one record for @port on behalf of filter @f, the port's lock held,
 * from the records in @sp (taken from it when queued). Every record the
 * port is due takes a sequence number; one that cannot be queued (queue at
 * max_records, or no memory) is counted in the tail loss, never dropped
 * silently. A filter already removed (dead) is due nothing: its last
 * record, HANDLE_CLOSE, stays its last. Returns CN_RETRY, having changed
 * nothing, when it needs a record @sp has not tried to allocate yet.
 */
static enum cn_delivery cn_port_queue(struct cn_port *port,
				      const struct cn_filter *f,
				      const struct cn_event *ev,
				      struct cn_spare *sp)
{
	struct cn_rec *r;
	u64 seq;

	lockdep_assert_held(&port->lock);
	if (port->shut || f->dead)
		return CN_DROPPED_SHUT;
	if (port->nr_queued >= READ_ONCE(cn_max_records))
		goto lost;
	if (!sp->rec_tried || (sp->rec && port->tail_lost && !sp->ov_tried)) {
		sp->want_rec = true;
		sp->want_ov = port->tail_lost;
		return CN_RETRY;
	}
	if (!sp->rec || (port->tail_lost && !sp->ov))
		goto lost;
	if (port->tail_lost) {
		cn_tail_to_queue(port, sp->ov);
		sp->ov = NULL;
	}
	r = sp->rec;
	sp->rec = NULL;
	cn_rec_fill(r, f, ev, port->next_seq++);
	cn_queue_add(port, r);
	port->nr_queued++;
	return CN_QUEUED;

lost:
	seq = port->next_seq++;
	if (!port->tail_lost)
		cn_port_tail_start(port, f, seq);
	port->tail_lost++;
	port->lost_total++;
	return CN_LOST;
}

/*
 * Wake the port's waiters, only when a record made an unreadable port
 * readable (@was_readable, seen under port->lock by the same critical
 * section that queued or counted the record).
 *
 * Why no wake-up is lost: everything that sleeps on port->wq (GET and
 * read in wait_event*(), with or without a timeout; poll and epoll
 * through poll_wait()) registers on the wait queue first and only then
 * tests readability (or shut), and sleeps only if the port was unreadable.
 * Readability changes only under port->lock, so its changes are totally
 * ordered: the first record after the port became unreadable (or after it
 * was created) finds it unreadable and wakes; records after it find it
 * readable, and a sleeper cannot have seen it unreadable since, unless a
 * reader emptied it again, after which the next record wakes again. The
 * waker's wake_up() takes wq->lock after its change, and the sleeper took
 * wq->lock to register before its test: so either the sleeper was
 * registered when wake_up() ran (it is woken), or its test comes after the
 * change and sees the record. Readers only make the port less readable,
 * except where cn_port_read_queued() puts records it could not copy back
 * (the queue may have looked empty meanwhile): that wakes too, as does
 * SHUTDOWN, unconditionally. GET and read wait non-exclusively, so every
 * one of them wakes; a waiter woken for a record another reader took tests
 * again and sleeps on a port that is unreadable again, so the next record
 * wakes it. The only exclusive waiters are EPOLLEXCLUSIVE epoll entries, of
 * which at least one wakes per transition, which is all EPOLLEXCLUSIVE
 * promises (as for a pipe). Edge-triggered epoll (EPOLLET) gets one edge
 * per transition, so its users drain until empty (the uapi's drain rule).
 */
static void cn_port_wake(struct cn_port *port, bool was_readable,
			 enum cn_delivery d)
{
	if (!was_readable && d != CN_DROPPED_SHUT)
		wake_up_interruptible_poll(&port->wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Queue @ev (if any) for @port on behalf of @f, with the records allocated
 * before the lock (retrying when the guess fell short), and wake the port
 * if it became readable. With @gone, the filter being removed, mark it dead
 * in the same critical section.
 */
static enum cn_delivery cn_port_put(struct cn_port *port,
				    const struct cn_filter *f,
				    const struct cn_event *ev,
				    struct cn_filter *gone)
{
	enum cn_delivery d = CN_DROPPED_SHUT;
	struct cn_spare sp = {};
	bool was_readable, wake = false;

	if (port->ring) {
		/* Nothing to allocate: the ring has its memory. */
		spin_lock(&port->lock);
		if (ev)
			d = cn_ring_queue(port, f, ev, &wake);
		if (gone)
			gone->dead = true;
		spin_unlock(&port->lock);
		if (wake)
			wake_up_interruptible_poll(&port->wq,
						   EPOLLIN | EPOLLRDNORM);
		return d;
	}
	if (ev)
		cn_spare_guess(port, &sp);
	for (;;) {
		spin_lock(&port->lock);
		was_readable = cn_port_readable_locked(port);
		if (ev)
			d = cn_port_queue(port, f, ev, &sp);
		if (d != CN_RETRY && gone)
			gone->dead = true;
		spin_unlock(&port->lock);
		if (d != CN_RETRY)
			break;
		cn_spare_fill(port, &sp);
	}
	cn_spare_free(&sp);
	cn_port_wake(port, was_readable, d);
	return d;
}

/* Returns what became of the record. */
enum cn_delivery cn_port_deliver(struct cn_port *port,
				 const struct cn_filter *f,
				 const struct cn_event *ev)
{
	return cn_port_put(port, f, ev, NULL);
}

/*
 * Filter @f of @port is being removed: queue its last record @last (its
 * HANDLE_CLOSE, or none) and mark it dead in the same critical section, so
 * a post still walking the index past it queues nothing after that record.
 */
void cn_port_filter_gone(struct cn_port *port, struct cn_filter *f,
			 const struct cn_event *last)
{
	cn_port_put(port, f, last, f);
}

bool cn_port_readable(struct cn_port *port)
{
	return !list_empty_careful(&port->queue) || READ_ONCE(port->tail_lost);
}

/*
 * Take the head of the queue for a reader holding read_lock. When only a
 * tail loss is left, it becomes a queued overflow record first; that needs
 * memory, and failing to get it fails the read with -ENOMEM and loses
 * nothing. Returns the head (still queued), NULL if empty, or an ERR_PTR.
 */
static struct cn_rec *cn_port_head(struct cn_port *port)
{
	struct cn_rec *ov = NULL, *head;

	lockdep_assert_held(&port->read_lock);
	for (;;) {
		spin_lock(&port->lock);
		if (port->shut) {
			spin_unlock(&port->lock);
			if (ov)
				kmem_cache_free(cn_rec_cache, ov);
			return ERR_PTR(-ESHUTDOWN);
		}
		head = list_first_entry_or_null(&port->queue, struct cn_rec,
						node);
		if (!head && port->tail_lost && ov) {
			cn_tail_to_queue(port, ov);
			head = ov;
			ov = NULL;
		}
		if (head || !port->tail_lost) {
			spin_unlock(&port->lock);
			if (ov)
				kmem_cache_free(cn_rec_cache, ov);
			return head;
		}
		spin_unlock(&port->lock);
		ov = kmem_cache_alloc(cn_rec_cache, GFP_KERNEL_ACCOUNT);
		if (!ov)
			return ERR_PTR(-ENOMEM);
	}
}

/* Dequeue the head a reader has copied out. */
static void cn_port_consume(struct cn_port *port, struct cn_rec *r)
{
	spin_lock(&port->lock);
	list_del(&r->node);
	port->nr_entries--;
	port->queued_bytes -= cn_record_size(r->pl);
	if (!(r->flags & CLUSNOTIFY_RECORD_F_LOST))
		port->nr_queued--;
	port->delivered++;
	spin_unlock(&port->lock);
	cn_rec_free(r);
}

/*
 * A record to userspace: the header field by field and the data in one
 * user-access window, rather than a header built on the stack and two
 * copy_to_user() calls (each with its own checks). Every byte of the
 * record is written, __reserved included.
 */
static int cn_rec_to_user(const struct cn_rec *r, char __user *buf)
{
	struct clusnotify_record __user *u = (void __user *)buf;
	const struct cn_payload *pl = r->pl;
	u32 size = cn_record_size(pl);

	if (!user_access_begin(buf, size))
		return -EFAULT;
	unsafe_put_user(size, &u->size, efault);
	unsafe_put_user(r->version, &u->version, efault);
	unsafe_put_user(r->flags, &u->flags, efault);
	unsafe_put_user(r->seq, &u->seq, efault);
	unsafe_put_user(r->key, &u->key, efault);
	unsafe_put_user(r->token, &u->token, efault);
	unsafe_put_user(r->lost, &u->lost, efault);
	unsafe_put_user(r->v2_flag, &u->v2_flag, efault);
	unsafe_put_user(r->v1_change, &u->v1_change, efault);
	unsafe_put_user(r->object_type, &u->object_type, efault);
	unsafe_put_user(pl->cluster_id, &u->cluster_id, efault);
	unsafe_put_user(r->state, &u->state, efault);
	unsafe_put_user(r->timestamp_ns, &u->timestamp_ns, efault);
	unsafe_put_user(pl->payload_len, &u->payload_len, efault);
	unsafe_put_user(pl->id_len, &u->id_len, efault);
	unsafe_put_user(pl->parent_len, &u->parent_len, efault);
	unsafe_put_user(pl->name_len, &u->name_len, efault);
	unsafe_put_user(pl->type_len, &u->type_len, efault);
	unsafe_put_user(0, &u->__reserved, efault);
	unsafe_copy_to_user(buf + sizeof(*u), pl->data, pl->data_len, efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/*
 * Copy out, for a reader holding read_lock, the queued records that fit in
 * @len, taking port->lock twice per batch instead of twice per record: the
 * records are cut from the head of the queue (producers only ever add at
 * the tail), copied without the lock, then accounted for; any that could
 * not be copied go back to the head, in order, and nothing is lost. Until
 * then they are still counted as queued (max_records, FIONREAD, stats).
 * Returns the bytes copied, 0 if the head does not fit or the queue is
 * empty (the caller's one-record path then reports -EMSGSIZE or turns a
 * tail loss into a record), or -EFAULT if nothing could be copied.
 */
static ssize_t cn_port_read_queued(struct cn_port *port, char __user *buf,
				   size_t len)
{
	u32 n = 0, counted = 0;
	size_t want = 0, done = 0;
	struct cn_rec *r, *tmp;
	LIST_HEAD(batch);
	LIST_HEAD(copied);

	lockdep_assert_held(&port->read_lock);
	spin_lock(&port->lock);
	if (port->shut) {
		spin_unlock(&port->lock);
		return 0;
	}
	list_for_each_entry(r, &port->queue, node) {
		u32 size = cn_record_size(r->pl);

		if (size > len - want)
			break;
		want += size;
	}
	list_cut_before(&batch, &port->queue, &r->node);
	spin_unlock(&port->lock);
	if (list_empty(&batch))
		return 0;

	list_for_each_entry(r, &batch, node) {
		if (cn_rec_to_user(r, buf + done))
			break;
		done += cn_record_size(r->pl);
		n++;
		if (!(r->flags & CLUSNOTIFY_RECORD_F_LOST))
			counted++;
	}
	/* r is the first record not copied, or the list head. */
	list_cut_before(&copied, &batch, &r->node);

	spin_lock(&port->lock);
	list_splice(&batch, &port->queue);
	port->nr_entries -= n;
	port->queued_bytes -= done;
	port->nr_queued -= counted;
	port->delivered += n;
	spin_unlock(&port->lock);
	if (!list_empty(&batch))
		wake_up_interruptible_poll(&port->wq, EPOLLIN | EPOLLRDNORM);
	list_for_each_entry_safe(r, tmp, &copied, node)
		cn_rec_free(r);
	return n ? done : -EFAULT;
}

static bool cn_port_wake_cond(struct cn_port *port)
{
	return cn_port_readable(port) || READ_ONCE(port->shut);
}

/*
 * Wait until a record is readable or the port shut, for at most *timeout_ms
 * (CLUSNOTIFY_INFINITE: forever). On a signal, *timeout_ms is left holding
 * the time that remains, so that a restarted GET does not wait longer.
 */
static int cn_port_wait(struct cn_port *port, u32 *timeout_ms)
{
	unsigned long deadline;
	long left;
	int ret;

	if (cn_port_wake_cond(port))
		return 0;
	if (*timeout_ms == CLUSNOTIFY_INFINITE)
		return wait_event_interruptible(port->wq,
						cn_port_wake_cond(port));
	if (*timeout_ms == 0)
		return -ETIMEDOUT;
	deadline = jiffies + msecs_to_jiffies(*timeout_ms);
	left = wait_event_interruptible_timeout(port->wq,
						cn_port_wake_cond(port),
						msecs_to_jiffies(*timeout_ms));
	if (left > 0)
		return 0;
	if (left == 0)
		return -ETIMEDOUT;
	/* Interrupted: -ERESTARTSYS, with the time that is left. */
	ret = left;
	left = (long)(deadline - jiffies);
	*timeout_ms = left > 0 ? jiffies_to_msecs(left) : 0;
	return ret;
}

long cn_port_get(struct cn_port *port, struct clusnotify_get *get)
{
	struct cn_rec *r;
	u32 size;
	int ret;

	/* A ring port is read from its mapping only. */
	if (READ_ONCE(port->ring))
		return -EBUSY;
	for (;;) {
		ret = cn_port_wait(port, &get->timeout_ms);
		if (ret)
			return ret;
		if (mutex_lock_interruptible(&port->read_lock))
			return -ERESTARTSYS;
		r = cn_port_head(port);
		if (r)
			break;
		/* Another reader took it: wait again (0 means no wait). */
		mutex_unlock(&port->read_lock);
		if (get->timeout_ms == 0)
			return -ETIMEDOUT;
	}
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out_unlock;
	}
	size = cn_record_size(r->pl);
	if (get->flags & CLUSNOTIFY_GET_F_LIMITS) {
		const struct cn_payload *pl = r->pl;
		bool fits = pl->payload_len <= get->max_payload &&
			    pl->utf16_len[0] <= get->max_id &&
			    pl->utf16_len[1] <= get->max_parent &&
			    pl->utf16_len[2] <= get->max_name &&
			    pl->utf16_len[3] <= get->max_type;

		get->max_payload = pl->payload_len;
		get->max_id = pl->utf16_len[0];
		get->max_parent = pl->utf16_len[1];
		get->max_name = pl->utf16_len[2];
		get->max_type = pl->utf16_len[3];
		if (!fits) {
			get->buf_size = size;
			ret = -EMSGSIZE;
			goto out_unlock;
		}
	}
	if (size > get->buf_size) {
		get->buf_size = size;
		ret = -EMSGSIZE;
		goto out_unlock;
	}
	ret = cn_rec_to_user(r, u64_to_user_ptr(get->buf));
	if (ret)
		goto out_unlock;
	get->buf_size = size;
	cn_port_consume(port, r);
out_unlock:
	mutex_unlock(&port->read_lock);
	return ret;
}

ssize_t cn_port_read(struct cn_port *port, char __user *buf, size_t len,
		     bool nonblock)
{
	ssize_t done = 0;
	struct cn_rec *r;
	int err;

	if (READ_ONCE(port->ring))
		return -EBUSY;
	for (;;) {
		if (READ_ONCE(port->shut))
			return 0;
		if (!cn_port_readable(port)) {
			if (nonblock)
				return -EAGAIN;
			err = wait_event_interruptible(port->wq,
						       cn_port_wake_cond(port));
			if (err)
				return err;
			continue;
		}
		if (mutex_lock_interruptible(&port->read_lock))
			return -ERESTARTSYS;
		err = 0;
		for (;;) {
			ssize_t got;
			u32 size;

			got = cn_port_read_queued(port, buf + done, len - done);
			if (got < 0) {
				err = got;
				break;
			}
			done += got;
			if (got)
				continue;
			r = cn_port_head(port);
			if (IS_ERR_OR_NULL(r)) {
				err = PTR_ERR_OR_ZERO(r);
				break;
			}
			size = cn_record_size(r->pl);
			if (size > len - done) {
				err = -EMSGSIZE;
				break;
			}
			if (cn_rec_to_user(r, buf + done)) {
				err = -EFAULT;
				break;
			}
			cn_port_consume(port, r);
			done += size;
		}
		mutex_unlock(&port->read_lock);
		/* Whole records were copied: report them, not the error. */
		if (done)
			return done;
		if (err)
			return err == -ESHUTDOWN ? 0 : err;
		/* Another reader emptied the queue: wait again. */
	}
}

__poll_t cn_port_poll(struct cn_port *port, struct file *file,
		      struct poll_table_struct *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &port->wq, wait);
	spin_lock(&port->lock);
	/* A shut ring port keeps its records, but nobody may take them. */
	if (!port->shut && (port->ring ? cn_ring_readable(port) :
					 cn_port_readable_locked(port)))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (port->shut)
		mask |= EPOLLHUP;
	spin_unlock(&port->lock);
	return mask;
}

void cn_port_stats(struct cn_port *port, struct clusnotify_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	spin_lock(&port->lock);
	st->queued = port->nr_entries + (port->tail_lost ? 1 : 0);
	st->queued_bytes = port->queued_bytes;
	if (port->tail_lost)
		st->queued_bytes += cn_record_size(port->tail.pl);
	st->delivered = port->delivered;
	st->lost = port->lost_total;
	st->next_seq = port->next_seq;
	st->flags = port->shut ? CLUSNOTIFY_PORT_F_SHUTDOWN : 0;
	if (port->ring) {
		cn_ring_stats(port, st);
		st->queued += port->tail_lost ? 1 : 0;
		if (port->tail_lost)
			st->queued_bytes += cn_record_size(port->tail.pl);
	}
	spin_unlock(&port->lock);
	st->port_id = port->id;
	st->filters = READ_ONCE(port->nr_filters);
}

/*
 * Call @fn for every open port with an id of at least @from_id, in id order,
 * until it returns non-zero (which is returned). For the PORT_GET dump.
 */
int cn_ports_walk(u64 from_id, cn_port_visit_t fn, void *arg)
{
	struct cn_port *port;
	int ret = 0;

	mutex_lock(&cn_ports_lock);
	list_for_each_entry(port, &cn_ports, all_node) {
		if (port->id < from_id)
			continue;
		ret = fn(port, arg);
		if (ret)
			break;
	}
	mutex_unlock(&cn_ports_lock);
	return ret;
}

int cn_ports_init(void)
{
	cn_rec_cache = KMEM_CACHE(cn_rec, SLAB_ACCOUNT);
	return cn_rec_cache ? 0 : -ENOMEM;
}

void cn_ports_exit(void)
{
	/* Ports hold module references: none is left, but frees may be. */
	rcu_barrier();
	kmem_cache_destroy(cn_rec_cache);
	xa_destroy(&cn_user_ports);
}
