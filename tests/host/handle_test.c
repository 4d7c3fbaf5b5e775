// SPDX-License-Identifier: GPL-2.0
/*
 * lib/handle.c under AddressSanitizer and UBSan: the handle table that
 * stands behind every HCLUSTER, HGROUP, HKEY, HCHANGE... Handles resolve
 * to their object with a reference, of their type only; a closed handle
 * never resolves again, also after its slot is reused; forged values (0,
 * -1, even, odd, random, other generations, past the table) never resolve;
 * an object lives until its last reference is put and is then freed
 * exactly once after an RCU grace period; the table fills up cleanly;
 * and all of it holds with threads creating, looking up, iterating and
 * closing at once. Every test ends with rcu_barrier() and LeakSanitizer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>

#include "handle.h"		/* first: it maps call_rcu() onto urcu-bp */
#include <urcu/call-rcu.h>
#include "kselftest_harness.h"

#define MAGIC 0x5eedf00dcafe1234ULL
#define TABLE_SLOTS (1024u * 1024u)	/* CN_MAX_CHUNKS * CN_CHUNK_SLOTS */

struct tobj {
	struct cn_hobj h;
	uint64_t magic;
	uint64_t payload[3];
};

static int created, released;		/* atomic */

static void tobj_release(struct cn_hobj *h)
{
	struct tobj *o = caa_container_of(h, struct tobj, h);

	/* A second release of one object would see this. */
	if (o->magic != MAGIC)
		abort();
	o->magic = 0;
	free(o);
	__atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
}

/* A new object with a handle of @type (NULL if the table is full). */
static struct tobj *tnew(uint32_t type, int *err)
{
	struct tobj *o = calloc(1, sizeof(*o));
	int ret;

	if (!o)
		abort();
	o->magic = MAGIC;
	ret = cn_handle_new(&o->h, type, tobj_release);
	if (err)
		*err = ret;
	if (ret) {
		free(o);
		return NULL;
	}
	__atomic_add_fetch(&created, 1, __ATOMIC_RELAXED);
	return o;
}

static void *hv(const struct tobj *o)
{
	return cn_handle_value(&o->h);
}

/* Close a handle and drop the table's reference. */
static bool tclose(void *v, uint32_t type)
{
	struct cn_hobj *obj = cn_handle_close(v, type);

	cn_hobj_put(obj);
	return obj != NULL;
}

static int nreleased(void)
{
	rcu_barrier();		/* every call_rcu() callback has run */
	return __atomic_load_n(&released, __ATOMIC_RELAXED);
}

/* No object may be left behind: all released, nothing leaked. */
#define EXPECT_ALL_FREED()                                                   \
	do {                                                                 \
		EXPECT_EQ(__atomic_load_n(&created, __ATOMIC_RELAXED),       \
			  nreleased());                                      \
		EXPECT_EQ(0, __lsan_do_recoverable_leak_check());            \
	} while (0)

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ------------------------------------------------------------------ */
/* One thread                                                          */
/* ------------------------------------------------------------------ */

TEST(lifecycle)
{
	struct tobj *o = tnew(CN_H_GROUP, NULL);
	struct cn_hobj *got, *again;
	uintptr_t v;

	ASSERT_NE(NULL, o);
	v = (uintptr_t)hv(o);
	/* Never NULL, INVALID_HANDLE_VALUE or an aligned address. */
	EXPECT_NE(0, v);
	EXPECT_NE(UINTPTR_MAX, v);
	EXPECT_EQ(1, v & 1);
	EXPECT_EQ(1, o->h.refs);
	EXPECT_FALSE(o->h.dead);
	EXPECT_EQ(CN_H_GROUP, o->h.type);

	/* Of its type, or of any type (0): the object, with a reference. */
	got = cn_handle_get((void *)v, CN_H_GROUP);
	EXPECT_EQ(&o->h, got);
	EXPECT_EQ(2, o->h.refs);
	again = cn_handle_get((void *)v, 0);
	EXPECT_EQ(&o->h, again);
	EXPECT_EQ(3, o->h.refs);
	cn_hobj_put(again);
	/* Of another type: nothing, and no reference taken. */
	EXPECT_EQ(NULL, cn_handle_get((void *)v, CN_H_NODE));
	EXPECT_EQ(NULL, cn_handle_get((void *)v, CN_H_PORT));
	EXPECT_EQ(2, o->h.refs);
	/* Closing as another type does not close it. */
	EXPECT_EQ(NULL, cn_handle_close((void *)v, CN_H_CLUSTER));
	EXPECT_FALSE(o->h.dead);

	/* Closed: stops resolving at once, lives on for the caller's get. */
	EXPECT_EQ(&o->h, cn_handle_close((void *)v, CN_H_GROUP));
	EXPECT_TRUE(o->h.dead);
	EXPECT_EQ(NULL, cn_handle_get((void *)v, CN_H_GROUP));
	EXPECT_EQ(NULL, cn_handle_get((void *)v, 0));
	EXPECT_EQ(NULL, cn_handle_close((void *)v, CN_H_GROUP));
	EXPECT_EQ(NULL, cn_handle_close((void *)v, 0));
	cn_hobj_put(&o->h);			/* the table's, from close */
	EXPECT_EQ(0, nreleased());
	EXPECT_EQ(MAGIC, o->magic);		/* still valid memory */
	cn_hobj_put(got);			/* the last: freed after RCU */
	EXPECT_EQ(1, nreleased());
	cn_hobj_put(NULL);			/* a no-op */
	EXPECT_ALL_FREED();
}

TEST(hobj_get_keeps_an_object_alive)
{
	struct tobj *o = tnew(CN_H_KEY, NULL);
	void *v;

	ASSERT_NE(NULL, o);
	v = hv(o);
	cn_hobj_get(&o->h);
	EXPECT_TRUE(tclose(v, CN_H_KEY));
	EXPECT_EQ(0, nreleased());
	EXPECT_EQ(MAGIC, o->magic);
	cn_hobj_put(&o->h);
	EXPECT_ALL_FREED();
}

TEST(closed_handles_never_resolve_after_slot_reuse)
{
	enum { N = 20000 };
	uintptr_t *old = calloc(N, sizeof(*old));
	uint32_t slot = 0;
	struct tobj *o;
	int i;

	ASSERT_NE(NULL, old);
	for (i = 0; i < N; i++) {
		o = tnew(i % 2 ? CN_H_NODE : CN_H_GROUP, NULL);
		ASSERT_NE(NULL, o);
		old[i] = (uintptr_t)hv(o);
		/* With one handle at a time, the slot is always the same. */
		if (!i)
			slot = (old[0] >> 4) & 0xfffff;
		EXPECT_EQ(slot, (old[i] >> 4) & 0xfffff);
		if (i) {
			EXPECT_NE(old[i - 1], old[i]);
		}
		ASSERT_TRUE(tclose((void *)old[i], 0));
	}
	/* A live handle in that slot now... */
	o = tnew(CN_H_GROUP, NULL);
	ASSERT_NE(NULL, o);
	/* ... and none of the 20000 closed values reaches it. */
	for (i = 0; i < N; i++) {
		ASSERT_NE((uintptr_t)hv(o), old[i]);
		ASSERT_EQ(NULL, cn_handle_get((void *)old[i], 0));
		ASSERT_EQ(NULL, cn_handle_get((void *)old[i], CN_H_GROUP));
		ASSERT_EQ(NULL, cn_handle_close((void *)old[i], 0));
	}
	EXPECT_FALSE(o->h.dead);
	EXPECT_TRUE(tclose(hv(o), CN_H_GROUP));
	free(old);
	EXPECT_ALL_FREED();
}

TEST(forged_values_never_resolve)
{
	struct tobj *live[16];
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	uintptr_t forged[64], v;
	int n = 0, i, j, hits = 0;

	for (i = 0; i < 16; i++) {
		live[i] = tnew(CN_H_CLUSTER + i % (CN_H_TYPES - 1), NULL);
		ASSERT_NE(NULL, live[i]);
	}
	v = (uintptr_t)hv(live[3]);
	forged[n++] = 0;
	forged[n++] = 1;
	forged[n++] = 2;
	forged[n++] = UINTPTR_MAX;			/* INVALID_HANDLE_VALUE */
	forged[n++] = UINTPTR_MAX - 1;
	forged[n++] = (uintptr_t)live[3];		/* the object's address */
	forged[n++] = (uintptr_t)&live[3]->h;
	forged[n++] = v ^ 1;				/* even */
	forged[n++] = v + 2;
	forged[n++] = v + ((uintptr_t)1 << 32);		/* next generation */
	forged[n++] = v - ((uintptr_t)1 << 32);		/* previous one */
	forged[n++] = v | ((uintptr_t)0x3fffffff << 32);
	forged[n++] = v | 0x8;				/* bit 3 set */
	forged[n++] = ((uintptr_t)1 << 32) | (0xfffffu << 4) | 1; /* last slot */
	forged[n++] = ((uintptr_t)1 << 32) | (1000u << 4) | 1;	/* unused */
	forged[n++] = ((uintptr_t)1 << 32) | (5000u << 4) | 1;	/* no chunk */
	forged[n++] = (uintptr_t)0x7fffffffffffffffULL;
	while (n < (int)(sizeof(forged) / sizeof(forged[0])))
		forged[n++] = (uintptr_t)xorshift(&seed);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(NULL, cn_handle_get((void *)forged[i], 0))
			TH_LOG("forged 0x%lx", (unsigned long)forged[i]);
		EXPECT_EQ(NULL, cn_handle_close((void *)forged[i], 0))
			TH_LOG("forged 0x%lx", (unsigned long)forged[i]);
	}
	/* A million random values: only the live ones resolve. */
	for (i = 0; i < 1000000; i++) {
		struct cn_hobj *obj;

		v = (uintptr_t)xorshift(&seed);
		if (i % 2)
			v = (v & ~(uintptr_t)0xffff0) | (v & 0x1f0);
		obj = cn_handle_get((void *)v, 0);
		if (obj) {
			for (j = 0; j < 16; j++) {
				if (obj == &live[j]->h)
					break;
			}
			EXPECT_GT(16, j);
			EXPECT_EQ(v, obj->value);
			hits++;
			cn_hobj_put(obj);
		}
	}
	EXPECT_EQ(0, hits);
	for (i = 0; i < 16; i++) {
		EXPECT_FALSE(live[i]->h.dead);
		EXPECT_TRUE(tclose(hv(live[i]), 0));
	}
	EXPECT_ALL_FREED();
}

struct walk {
	int n, bad;
	uint32_t type_count[CN_H_TYPES];
};

static void walk_fn(struct cn_hobj *obj, void *arg)
{
	struct walk *w = arg;
	struct cn_hobj *again;

	w->n++;
	if (obj->dead || obj->type >= CN_H_TYPES ||
	    caa_container_of(obj, struct tobj, h)->magic != MAGIC) {
		w->bad++;
		return;
	}
	w->type_count[obj->type]++;
	/* Lookups need no lock: one works from inside the walk. */
	again = cn_handle_get(cn_handle_value(obj), obj->type);
	if (again != obj)
		w->bad++;
	cn_hobj_put(again);
}

TEST(for_each_sees_the_live_handles)
{
	struct tobj *o[100];
	struct walk w = { 0 };
	int i;

	for (i = 0; i < 100; i++) {
		o[i] = tnew(CN_H_CLUSTER + i % 9, NULL);
		ASSERT_NE(NULL, o[i]);
	}
	for (i = 0; i < 100; i += 3) {
		EXPECT_TRUE(tclose(hv(o[i]), 0));
	}
	cn_handle_for_each(walk_fn, &w);
	EXPECT_EQ(66, w.n);
	EXPECT_EQ(0, w.bad);
	for (i = 1; i < 100; i++) {
		if (i % 3) {
			EXPECT_TRUE(tclose(hv(o[i]), 0));
		}
	}
	memset(&w, 0, sizeof(w));
	cn_handle_for_each(walk_fn, &w);
	EXPECT_EQ(0, w.n);
	EXPECT_ALL_FREED();
}

TEST(table_fills_up_cleanly)
{
	struct tobj **o = calloc(TABLE_SLOTS, sizeof(*o));
	struct tobj *extra;
	uintptr_t first_freed;
	int err = 0, i;

	ASSERT_NE(NULL, o);
	for (i = 0; i < (int)TABLE_SLOTS; i++) {
		o[i] = tnew(CN_H_NODE, &err);
		ASSERT_NE(NULL, o[i]) TH_LOG("handle %d: %d", i, err);
	}
	/* The last slot's index still encodes. */
	EXPECT_EQ(TABLE_SLOTS - 1,
		  ((uintptr_t)hv(o[TABLE_SLOTS - 1]) >> 4) & 0xfffff);
	EXPECT_EQ(&o[TABLE_SLOTS - 1]->h,
		  cn_handle_get(hv(o[TABLE_SLOTS - 1]), CN_H_NODE));
	cn_hobj_put(&o[TABLE_SLOTS - 1]->h);
	/* Full: -EMFILE, and nothing changed. */
	extra = tnew(CN_H_NODE, &err);
	EXPECT_EQ(NULL, extra);
	EXPECT_EQ(-EMFILE, err);
	/* One slot freed is one handle more, in that slot. */
	first_freed = (uintptr_t)hv(o[12345]);
	EXPECT_TRUE(tclose((void *)first_freed, CN_H_NODE));
	o[12345] = tnew(CN_H_NODE, &err);
	ASSERT_NE(NULL, o[12345]);
	EXPECT_EQ((first_freed >> 4) & 0xfffff,
		  ((uintptr_t)hv(o[12345]) >> 4) & 0xfffff);
	EXPECT_NE(first_freed, (uintptr_t)hv(o[12345]));
	EXPECT_EQ(NULL, cn_handle_get((void *)first_freed, 0));
	for (i = 0; i < (int)TABLE_SLOTS; i++) {
		ASSERT_TRUE(tclose(hv(o[i]), CN_H_NODE));
	}
	free(o);
	EXPECT_ALL_FREED();
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define NWORKERS 6
#define NLOOKERS 3
#define ITERS 20000
#define NCLOSED 4096

struct race {
	int stop;
	uintptr_t live[NWORKERS];	/* atomic: a worker's current handle */
	uintptr_t closed[NCLOSED];	/* atomic: values closed for good */
	int closed_next;		/* atomic */
	int bad;			/* atomic */
	pthread_barrier_t bar;
};

struct worker {
	struct race *r;
	int id;
	uint64_t seed;
};

static void race_bad(struct race *r)
{
	__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	struct tobj *keep[8] = { NULL };
	struct cn_hobj *got;
	struct tobj *o;
	uint32_t type;
	int i, k;

	pthread_barrier_wait(&r->bar);
	for (i = 0; i < ITERS; i++) {
		type = CN_H_CLUSTER + xorshift(&w->seed) % (CN_H_TYPES - 1);
		o = tnew(type, NULL);
		if (!o) {
			race_bad(r);
			continue;
		}
		__atomic_store_n(&r->live[w->id], (uintptr_t)hv(o),
				 __ATOMIC_RELEASE);
		got = cn_handle_get(hv(o), type);
		if (got != &o->h)
			race_bad(r);
		cn_hobj_put(got);
		/* Keep a few alive a while, so slots are reused out of order. */
		k = xorshift(&w->seed) % 8;
		if (keep[k]) {
			uintptr_t v = (uintptr_t)hv(keep[k]);

			if (!tclose((void *)v, 0))
				race_bad(r);
			__atomic_store_n(&r->closed[__atomic_fetch_add(
					       &r->closed_next, 1,
					       __ATOMIC_RELAXED) % NCLOSED],
					 v, __ATOMIC_RELEASE);
		}
		keep[k] = o;
	}
	__atomic_store_n(&r->live[w->id], 0, __ATOMIC_RELEASE);
	for (k = 0; k < 8; k++)
		if (keep[k] && !tclose(hv(keep[k]), 0))
			race_bad(r);
	return NULL;
}

static void *looker_thread(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	struct cn_hobj *obj;
	uintptr_t v;

	pthread_barrier_wait(&r->bar);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		/* A closed value: never again. */
		v = __atomic_load_n(&r->closed[xorshift(&w->seed) % NCLOSED],
				    __ATOMIC_ACQUIRE);
		if (v && cn_handle_get((void *)v, 0))
			race_bad(r);
		/*
		 * Someone's live value: maybe, and then intact (though it
		 * may be closed, and marked dead, as soon as it resolved).
		 */
		v = __atomic_load_n(&r->live[xorshift(&w->seed) % NWORKERS],
				    __ATOMIC_ACQUIRE);
		obj = v ? cn_handle_get((void *)v, 0) : NULL;
		if (obj) {
			if (obj->value != v ||
			    caa_container_of(obj, struct tobj, h)->magic !=
				    MAGIC)
				race_bad(r);
			cn_hobj_put(obj);
		}
		/* And noise. */
		v = (uintptr_t)xorshift(&w->seed) | 1;
		obj = cn_handle_get((void *)v, 0);
		cn_hobj_put(obj);
	}
	return NULL;
}

static void walk_count(struct cn_hobj *obj, void *arg)
{
	struct walk *w = arg;

	w->n++;
	if (caa_container_of(obj, struct tobj, h)->magic != MAGIC)
		w->bad++;
}

static void *walker_thread(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	struct walk wk = { 0 };

	pthread_barrier_wait(&r->bar);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
		cn_handle_for_each(walk_count, &wk);
	if (wk.bad)
		race_bad(r);
	return NULL;
}

TEST(threads_create_lookup_walk_close)
{
	struct race *r = calloc(1, sizeof(*r));
	struct worker w[NWORKERS + NLOOKERS + 1];
	pthread_t t[NWORKERS + NLOOKERS + 1];
	int i, n = NWORKERS + NLOOKERS + 1;
	struct walk wk = { 0 };

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, pthread_barrier_init(&r->bar, NULL, n));
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ .r = r, .id = i,
					.seed = 0x9e3779b97f4a7c15ULL * (i + 1) };
		ASSERT_EQ(0, pthread_create(&t[i], NULL,
					    i < NWORKERS ? worker_thread :
					    i < n - 1 ? looker_thread :
							walker_thread,
					    &w[i]));
	}
	for (i = 0; i < NWORKERS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (i = NWORKERS; i < n; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	}
	EXPECT_EQ(0, r->bad);
	EXPECT_EQ(NWORKERS * ITERS, created);
	cn_handle_for_each(walk_count, &wk);
	EXPECT_EQ(0, wk.n);
	pthread_barrier_destroy(&r->bar);
	free(r);
	EXPECT_ALL_FREED();
}

struct closer {
	pthread_barrier_t *bar;
	void *v;
	struct cn_hobj *got;
};

static void *closer_thread(void *arg)
{
	struct closer *c = arg;

	pthread_barrier_wait(c->bar);
	c->got = cn_handle_close(c->v, 0);
	return NULL;
}

TEST(one_handle_closed_by_many_threads)
{
	struct closer c[8];
	pthread_barrier_t bar;
	pthread_t t[8];
	struct tobj *o;
	int round, i, winners;

	for (round = 0; round < 200; round++) {
		o = tnew(CN_H_PORT, NULL);
		ASSERT_NE(NULL, o);
		ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, 8));
		for (i = 0; i < 8; i++) {
			c[i] = (struct closer){ .bar = &bar, .v = hv(o) };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, closer_thread,
						    &c[i]));
		}
		for (i = 0, winners = 0; i < 8; i++) {
			ASSERT_EQ(0, pthread_join(t[i], NULL));
			if (c[i].got) {
				EXPECT_EQ(&o->h, c[i].got);
				winners++;
				cn_hobj_put(c[i].got);
			}
		}
		pthread_barrier_destroy(&bar);
		ASSERT_EQ(1, winners) TH_LOG("round %d", round);
	}
	EXPECT_ALL_FREED();
}

struct getter {
	void *v;
	int closed;		/* atomic: the close has returned */
	int after_close;	/* lookups that succeeded after it */
	int ok;
};

static void *getter_thread(void *arg)
{
	struct getter *g = arg;
	struct cn_hobj *obj;
	bool closed;

	for (;;) {
		closed = __atomic_load_n(&g->closed, __ATOMIC_ACQUIRE);
		obj = cn_handle_get(g->v, CN_H_RESOURCE);
		if (obj) {
			if (caa_container_of(obj, struct tobj, h)->magic !=
			    MAGIC)
				abort();
			g->ok++;
			if (closed)
				g->after_close++;
			cn_hobj_put(obj);
		}
		if (closed)
			break;
	}
	return NULL;
}

TEST(lookups_racing_a_close)
{
	struct getter g[4];
	pthread_t t[4];
	struct tobj *o;
	int round, i;

	for (round = 0; round < 100; round++) {
		o = tnew(CN_H_RESOURCE, NULL);
		ASSERT_NE(NULL, o);
		for (i = 0; i < 4; i++) {
			g[i] = (struct getter){ .v = hv(o) };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, getter_thread,
						    &g[i]));
		}
		EXPECT_TRUE(tclose(hv(o), CN_H_RESOURCE));
		for (i = 0; i < 4; i++)
			__atomic_store_n(&g[i].closed, 1, __ATOMIC_RELEASE);
		for (i = 0; i < 4; i++) {
			ASSERT_EQ(0, pthread_join(t[i], NULL));
			EXPECT_EQ(0, g[i].after_close);
		}
	}
	EXPECT_ALL_FREED();
}

TEST_HARNESS_MAIN
