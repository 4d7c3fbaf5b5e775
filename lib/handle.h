/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handles: every HCLUSTER, HGROUP, HKEY, HCHANGE... the library gives out is
 * a generation-checked entry of one table, never a raw pointer, so a closed,
 * stale or forged handle is found invalid instead of reaching freed memory.
 */
#ifndef CN_HANDLE_H
#define CN_HANDLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <urcu-bp.h>

enum cn_htype {
	CN_H_CLUSTER = 1,
	CN_H_NODE,
	CN_H_GROUP,
	CN_H_RESOURCE,
	CN_H_NETWORK,
	CN_H_NETINTERFACE,
	CN_H_GROUPSET,
	CN_H_KEY,
	CN_H_PORT,
	CN_H_TYPES
};

/*
 * The common head of every handle's object. Lifetime: the table holds one
 * reference until the handle is closed; every call working on the object
 * holds one more (cn_handle_get/cn_hobj_put). The last put frees the object
 * after an RCU grace period, because a lookup may still be reading it.
 */
struct cn_hobj {
	uint32_t type;		/* enum cn_htype */
	uint32_t refs;		/* atomic */
	bool dead;		/* closed: lookups fail, calls in flight finish */
	/*
	 * Held shared by work that must happen wholly before the close or
	 * not at all (a registration, opening a derived handle), and
	 * exclusively by the close while it marks the object dead.
	 */
	pthread_rwlock_t life;
	uintptr_t value;	/* the handle value, also the kernel token */
	void (*release)(struct cn_hobj *obj);	/* frees the object */
	struct rcu_head rcu;
};

/* Give @obj a handle (0 with -ENOMEM/-EMFILE when the table is full). */
int cn_handle_new(struct cn_hobj *obj, uint32_t type,
		  void (*release)(struct cn_hobj *obj));
/* The object of a live handle of @type (0: any), with a reference, or NULL. */
struct cn_hobj *cn_handle_get(const void *handle, uint32_t type);
/*
 * Close a handle: it stops resolving at once, and its object is marked dead
 * and loses the table's reference. Returns the object with a reference the
 * caller must put (so it can finish the close), or NULL if not live.
 */
struct cn_hobj *cn_handle_close(const void *handle, uint32_t type);
void cn_hobj_get(struct cn_hobj *obj);
/* Begin work the close must not cut in two: false if already closed. */
bool cn_hobj_use_begin(struct cn_hobj *obj);
void cn_hobj_use_end(struct cn_hobj *obj);
void cn_hobj_put(struct cn_hobj *obj);
/* Call @fn for every live handle object (under the table lock). */
void cn_handle_for_each(void (*fn)(struct cn_hobj *obj, void *arg),
			void *arg);

static inline void *cn_handle_value(const struct cn_hobj *obj)
{
	return (void *)obj->value;
}

#endif /* CN_HANDLE_H */
