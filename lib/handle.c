// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handle table.
 *
 * A handle value encodes a slot index and the generation of the object in
 * it: ((gen << 32) | (index << 4) | 1) on 64-bit. The low bit is set so no
 * value is NULL, a pointer-aligned address, or INVALID_HANDLE_VALUE (-1,
 * whose generation bits would all be set: generations stop short of that).
 *
 * Slots live in chunks that are allocated once and never freed, so looking
 * a handle up needs no lock: the slot's object pointer is read under the
 * liburcu-bp read lock (which registers the calling thread by itself, as a
 * library needs), and the object's own value must match the handle's, so a
 * reused slot does not resolve an old handle. Closing clears the slot under
 * the table mutex; objects are freed by call_rcu() once their last
 * reference goes, so a lookup that loaded the pointer just before the close
 * still reads valid memory (and finds the object dead).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* urcu-bp.h first: it maps call_rcu() onto the bulletproof flavour. */
#include "handle.h"
#include <urcu/call-rcu.h>

#define CN_CHUNK_SHIFT 10
#define CN_CHUNK_SLOTS (1u << CN_CHUNK_SHIFT)
#define CN_MAX_CHUNKS 1024		/* 1M handles at most */
#define CN_GEN_MASK 0x3fffffffu		/* never all ones */

struct cn_slot {
	struct cn_hobj *obj;		/* RCU: NULL when free */
	uint32_t gen;			/* of the next object, under cn_lock */
	uint32_t next_free;		/* free list, under cn_lock */
};

static struct cn_slot *cn_chunks[CN_MAX_CHUNKS];	/* never freed */
static pthread_mutex_t cn_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t cn_nr_slots;		/* slots handed out, under cn_lock */
static uint32_t cn_free_head = UINT32_MAX;	/* free list, under cn_lock */

static struct cn_slot *cn_slot_at(uint32_t index)
{
	struct cn_slot *chunk;

	if (index >= CN_MAX_CHUNKS * CN_CHUNK_SLOTS)
		return NULL;
	chunk = __atomic_load_n(&cn_chunks[index >> CN_CHUNK_SHIFT],
				__ATOMIC_ACQUIRE);
	return chunk ? &chunk[index & (CN_CHUNK_SLOTS - 1)] : NULL;
}

static uintptr_t cn_encode(uint32_t index, uint32_t gen)
{
#if UINTPTR_MAX > 0xffffffffu
	return ((uintptr_t)gen << 32) | ((uintptr_t)index << 4) | 1;
#else
	/* 32-bit: 20 bits of index, 7 of generation. */
	return ((uintptr_t)(gen & 0x7f) << 24) | ((uintptr_t)index << 4) | 1;
#endif
}

static bool cn_decode(uintptr_t v, uint32_t *index)
{
	if (!(v & 1) || v == (uintptr_t)-1)
		return false;
	*index = (uint32_t)(v >> 4) & 0xfffff;
	return true;
}

/* A free slot's index, growing the table by a chunk if needed. */
static int cn_slot_alloc(uint32_t *index)
{
	struct cn_slot *chunk;
	uint32_t c, i;

	if (cn_free_head != UINT32_MAX) {
		*index = cn_free_head;
		cn_free_head = cn_slot_at(*index)->next_free;
		return 0;
	}
	if (cn_nr_slots >= CN_MAX_CHUNKS * CN_CHUNK_SLOTS)
		return -EMFILE;
	c = cn_nr_slots >> CN_CHUNK_SHIFT;
	if (!cn_chunks[c]) {
		chunk = calloc(CN_CHUNK_SLOTS, sizeof(*chunk));
		if (!chunk)
			return -ENOMEM;
		for (i = 0; i < CN_CHUNK_SLOTS; i++)
			chunk[i].gen = 1;
		__atomic_store_n(&cn_chunks[c], chunk, __ATOMIC_RELEASE);
	}
	*index = cn_nr_slots++;
	return 0;
}

int cn_handle_new(struct cn_hobj *obj, uint32_t type,
		  void (*release)(struct cn_hobj *obj))
{
	struct cn_slot *slot;
	uint32_t index;
	int ret;

	obj->type = type;
	obj->refs = 1;		/* the table's */
	obj->dead = false;
	obj->release = release;
	pthread_rwlock_init(&obj->life, NULL);
	pthread_mutex_lock(&cn_lock);
	ret = cn_slot_alloc(&index);
	if (ret) {
		pthread_mutex_unlock(&cn_lock);
		pthread_rwlock_destroy(&obj->life);
		return ret;
	}
	slot = cn_slot_at(index);
	obj->value = cn_encode(index, slot->gen);
	slot->gen = (slot->gen + 1) & CN_GEN_MASK ?: 1;
	rcu_assign_pointer(slot->obj, obj);
	pthread_mutex_unlock(&cn_lock);
	return 0;
}

void cn_hobj_get(struct cn_hobj *obj)
{
	__atomic_add_fetch(&obj->refs, 1, __ATOMIC_RELAXED);
}

static void cn_hobj_free_rcu(struct rcu_head *head)
{
	struct cn_hobj *obj = caa_container_of(head, struct cn_hobj, rcu);

	pthread_rwlock_destroy(&obj->life);
	obj->release(obj);
}

bool cn_hobj_use_begin(struct cn_hobj *obj)
{
	pthread_rwlock_rdlock(&obj->life);
	if (!__atomic_load_n(&obj->dead, __ATOMIC_ACQUIRE))
		return true;
	pthread_rwlock_unlock(&obj->life);
	return false;
}

void cn_hobj_use_end(struct cn_hobj *obj)
{
	pthread_rwlock_unlock(&obj->life);
}

void cn_hobj_put(struct cn_hobj *obj)
{
	if (obj && __atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL) == 0)
		call_rcu(&obj->rcu, cn_hobj_free_rcu);
}

/* Take a reference unless the count already reached zero. */
static bool cn_hobj_tryget(struct cn_hobj *obj)
{
	uint32_t n = __atomic_load_n(&obj->refs, __ATOMIC_RELAXED);

	do {
		if (!n)
			return false;
	} while (!__atomic_compare_exchange_n(&obj->refs, &n, n + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

struct cn_hobj *cn_handle_get(const void *handle, uint32_t type)
{
	uintptr_t v = (uintptr_t)handle;
	struct cn_hobj *obj;
	struct cn_slot *slot;
	uint32_t index;

	if (!cn_decode(v, &index))
		return NULL;
	slot = cn_slot_at(index);
	if (!slot)
		return NULL;
	urcu_bp_read_lock();
	obj = rcu_dereference(slot->obj);
	if (obj && (obj->value != v || (type && obj->type != type) ||
		    !cn_hobj_tryget(obj)))
		obj = NULL;
	urcu_bp_read_unlock();
	if (obj && __atomic_load_n(&obj->dead, __ATOMIC_ACQUIRE)) {
		cn_hobj_put(obj);
		obj = NULL;
	}
	return obj;
}

struct cn_hobj *cn_handle_close(const void *handle, uint32_t type)
{
	uintptr_t v = (uintptr_t)handle;
	struct cn_hobj *obj = NULL;
	struct cn_slot *slot;
	uint32_t index;

	if (!cn_decode(v, &index))
		return NULL;
	pthread_mutex_lock(&cn_lock);
	slot = cn_slot_at(index);
	if (slot)
		obj = slot->obj;
	if (obj && obj->value == v && (!type || obj->type == type)) {
		rcu_assign_pointer(slot->obj, NULL);
		slot->next_free = cn_free_head;
		cn_free_head = index;
		/* The table's reference becomes the caller's. */
	} else {
		obj = NULL;
	}
	pthread_mutex_unlock(&cn_lock);
	if (obj) {
		/* Waits for work begun under cn_hobj_use_begin() to finish. */
		pthread_rwlock_wrlock(&obj->life);
		__atomic_store_n(&obj->dead, true, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&obj->life);
	}
	return obj;
}

/*
 * fork() without exec: liburcu-bp's registry and call_rcu thread, and our
 * own table lock, must be quiescent across it, or a child (tests fork
 * children that call the library) could inherit a held lock or a
 * call_rcu queue no thread serves. Installed once, when the library loads.
 */
static void cn_before_fork(void)
{
	pthread_mutex_lock(&cn_lock);
	call_rcu_before_fork();
	urcu_bp_before_fork();
}

static void cn_after_fork_parent(void)
{
	urcu_bp_after_fork_parent();
	call_rcu_after_fork_parent();
	pthread_mutex_unlock(&cn_lock);
}

static void cn_after_fork_child(void)
{
	urcu_bp_after_fork_child();
	call_rcu_after_fork_child();
	pthread_mutex_unlock(&cn_lock);
}

__attribute__((constructor)) static void cn_handle_init(void)
{
	pthread_atfork(cn_before_fork, cn_after_fork_parent,
		       cn_after_fork_child);
}

void cn_handle_for_each(void (*fn)(struct cn_hobj *obj, void *arg),
			void *arg)
{
	struct cn_slot *slot;
	uint32_t i;

	pthread_mutex_lock(&cn_lock);
	for (i = 0; i < cn_nr_slots; i++) {
		slot = cn_slot_at(i);
		if (slot && slot->obj)
			fn(slot->obj, arg);
	}
	pthread_mutex_unlock(&cn_lock);
}
