// SPDX-License-Identifier: GPL-2.0
/*
 * Stress with proof: N producers (threads and processes, one cluster and
 * one netlink session each) post batches of events as fast as they can for
 * a bounded time, while M consumers (threads and processes; V1-only,
 * V2-only and mixed ports; whole-cluster, per-object and registry-subtree
 * filters; GET, read() and epoll readers, some of them slow) read their
 * ports. Every event carries its producer's index and event number in its
 * payload, and which events exist is a pure function of (producer, number),
 * so each consumer knows exactly which records its filters are due, in
 * which order (the cluster's post order; within one event, the port's V1
 * filters in the order they were added, then its V2 filters).
 *
 * Each consumer proves, record by record:
 *  - seq follows seq += (F_LOST ? lost : 1) from 0, with no gap;
 *  - every record is the next one due from its producer, or a later one;
 *    the ones passed over (lost) are never more than the losses reported
 *    since that producer's previous record, so nothing is duplicated,
 *    reordered, or invented;
 *  - every field matches the event: kind, key, token, version, cluster,
 *    state, id and every payload byte;
 * and at the end, after draining, that the records lost add up exactly to
 * the lost counts reported, and that PORT_STATS agrees. The producers'
 * EVENT_POST replies (queued, lost) are summed and must equal what the
 * consumers saw. max_records is lowered so the slow readers overflow.
 *
 * Default: 15 seconds of posting (8 on the debug kernel), bounded for the
 * suite; set CN_STRESS_SECONDS for a longer run (the harness timeout
 * follows).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define NPROD 4			/* 0, 1: threads; 2, 3: processes */
#define NPROD_THREADS 2
#define NCONS 8			/* 0-3: threads; 4-7: processes */
#define NCONS_THREADS 4
#define MAX_FILTERS 64		/* per consumer port */
/* Queues this short make slow readers overflow (shorter when slow). */
#define STRESS_MAX_RECORDS (debug_kernel() ? 32 : 200)
#define DEFAULT_SECONDS 15
#define DEBUG_SECONDS 8
#define PAYLOAD_MAGIC 0x5354524eU	/* "STRN" */

static bool debug_kernel(void)
{
	return !access("/sys/kernel/debug/kmemleak", F_OK);
}

/* ------------------------------------------------------------------ */
/* The event space: what producer p posts as its event number e        */
/* ------------------------------------------------------------------ */

enum pool { P_NONE, P_GROUP, P_RES, P_NODE, P_NET, P_REG };

static const char *const pool_ids[][5] = {
	[P_NONE] = { "" },
	[P_GROUP] = { "g0", "g1", "g2", "g3" },
	[P_RES] = { "r0", "r1", "r2", "r3" },
	[P_NODE] = { "n0", "n1" },
	[P_NET] = { "net0", "net1" },
	/* "" is the registry root, which always exists */
	[P_REG] = { "", "Stress", "Stress\\k0", "Stress\\k0\\sub",
		    "Stress\\k1" },
};

static const int pool_size[] = {
	[P_NONE] = 1, [P_GROUP] = 4, [P_RES] = 4, [P_NODE] = 2, [P_NET] = 2,
	[P_REG] = 5,
};

struct kind {
	__u32 type;		/* EV_OBJECT_TYPE */
	__u64 v2;		/* 0: V1 only */
	__u32 v1;		/* 0: V2 only */
	__u32 v1_type;		/* the object type the V1 bit is about */
	enum pool pool;
	bool state;
};

static const struct kind kinds[] = {
	{ CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, CN_V1_GROUP_STATE,
	  CLUSNOTIFY_OBJ_GROUP, P_GROUP, true },
	{ CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_COMMON_PROPERTY,
	  CN_V1_GROUP_PROPERTY, CLUSNOTIFY_OBJ_GROUP, P_GROUP, false },
	{ CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_OWNER_NODE, 0, 0, P_GROUP, false },
	{ CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE, CN_V1_RESOURCE_STATE,
	  CLUSNOTIFY_OBJ_RESOURCE, P_RES, true },
	{ CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_PRIVATE_PROPERTY,
	  CN_V1_RESOURCE_PROPERTY, CLUSNOTIFY_OBJ_RESOURCE, P_RES, false },
	{ CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_V1_NODE_STATE,
	  CLUSNOTIFY_OBJ_NODE, P_NODE, true },
	{ CLUSNOTIFY_OBJ_NETWORK, CN_V2_NETWORK_STATE, CN_V1_NETWORK_STATE,
	  CLUSNOTIFY_OBJ_NETWORK, P_NET, true },
	{ CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_VALUE, CN_V1_REGISTRY_VALUE,
	  CLUSNOTIFY_OBJ_REGISTRY, P_REG, false },
	{ CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_NAME, CN_V1_REGISTRY_NAME,
	  CLUSNOTIFY_OBJ_REGISTRY, P_REG, false },
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_COMMON_PROPERTY,
	  CN_V1_CLUSTER_PROPERTY, CLUSNOTIFY_OBJ_CLUSTER, P_NONE, false },
	{ CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_MEMBERSHIP, 0, 0, P_NONE,
	  false },
	{ CLUSNOTIFY_OBJ_QUORUM, 0, CN_V1_QUORUM_STATE, CLUSNOTIFY_OBJ_QUORUM,
	  P_NONE, false },
};

#define NKINDS ((int)CN_ARRAY_SIZE(kinds))

/* One event, derived from (p, e) alone. */
struct ev {
	const struct kind *k;
	const char *id;
	__u32 state;		/* CLUSNOTIFY_STATE_UNKNOWN unless k->state */
	__u32 payload_len;
};

static __u64 mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void event_of(int p, __u64 e, struct ev *ev)
{
	__u64 h = mix(((__u64)p << 48) ^ e ^ 0x9e3779b97f4a7c15ULL);

	ev->k = &kinds[h % NKINDS];
	ev->id = pool_ids[ev->k->pool][(h >> 8) % pool_size[ev->k->pool]];
	ev->state = ev->k->state ? (__u32)(h >> 16) % 4 :
				   CLUSNOTIFY_STATE_UNKNOWN;
	/* Mostly small payloads, sometimes a few KiB. */
	ev->payload_len = (h >> 24) % 97 == 0 ? 4000 + (h >> 32) % 64 :
						16 + (h >> 32) % 200;
}

static unsigned char payload_byte(int p, __u64 e, __u32 i)
{
	return (unsigned char)(e * 131 + i * 7 + p);
}

/* Header of every payload; the rest is payload_byte(). */
struct stamp {
	__u32 magic;
	__u32 producer;
	__u64 event;
};

static void fill_payload(int p, __u64 e, unsigned char *buf, __u32 len)
{
	struct stamp s = { PAYLOAD_MAGIC, p, e };
	__u32 i;

	memcpy(buf, &s, sizeof(s));
	for (i = sizeof(s); i < len; i++)
		buf[i] = payload_byte(p, e, i);
}

/* ------------------------------------------------------------------ */
/* Filters and the model of which ones an event matches                */
/* ------------------------------------------------------------------ */

struct flt {
	__u32 version;
	__u32 type;		/* V2 type; V1: the object's type or 0 */
	__u64 mask;
	const char *obj;	/* NULL: the whole cluster */
};

#define V1 CLUSNOTIFY_FILTER_V1
#define V2 CLUSNOTIFY_FILTER_V2

static const struct flt menu[] = {
	{ V1, 0, CN_V1_ALL, NULL },
	{ V1, 0, CN_V1_GROUP_STATE | CN_V1_RESOURCE_STATE | CN_V1_NODE_STATE,
	  NULL },
	{ V1, 0, CN_V1_REGISTRY_VALUE, NULL },	/* the root key only */
	{ V1, CLUSNOTIFY_OBJ_GROUP, CN_V1_GROUP_STATE | CN_V1_GROUP_PROPERTY |
	  CN_V1_HANDLE_CLOSE, "g1" },
	{ V1, CLUSNOTIFY_OBJ_REGISTRY, CN_V1_REGISTRY_VALUE |
	  CN_V1_REGISTRY_NAME | CN_V1_REGISTRY_SUBTREE, "Stress\\k0" },
	{ V1, CLUSNOTIFY_OBJ_RESOURCE, CN_V1_RESOURCE_STATE, "r2" },
	{ V1, 0, CN_V1_CLUSTER_PROPERTY | CN_V1_QUORUM_STATE |
	  CN_V1_NETWORK_STATE, NULL },
	{ V1, CLUSNOTIFY_OBJ_REGISTRY, CN_V1_REGISTRY_NAME, "Stress" },
	{ V2, CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, NULL },
	{ V2, CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE, NULL },
	{ V2, CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_ALL, "r1" },
	{ V2, CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_VALUE |
	  CN_V2_REGISTRY_SUBTREE, NULL },
	{ V2, CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_VALUE |
	  CN_V2_REGISTRY_NAME, "Stress" },
	{ V2, CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_VALUE |
	  CN_V2_REGISTRY_SUBTREE, "Stress\\k0" },
	{ V2, CLUSNOTIFY_OBJ_CLUSTER, CN_V2_CLUSTER_COMMON_PROPERTY |
	  CN_V2_CLUSTER_MEMBERSHIP, NULL },
	{ V2, CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, "n0" },
	{ V2, CLUSNOTIFY_OBJ_NETWORK, CN_V2_NETWORK_ALL, NULL },
	{ V2, CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE | CN_V2_GROUP_OWNER_NODE,
	  "g0" },
	{ V2, CLUSNOTIFY_OBJ_REGISTRY, CN_V2_REGISTRY_NAME |
	  CN_V2_REGISTRY_SUBTREE, "" },		/* root and below */
};

#define NMENU ((int)CN_ARRAY_SIZE(menu))
#define NMENU_V1 8		/* menu[0..7] are V1 */

/*
 * The header's rules, written out: V1 filters take the event's V1 bit, V2
 * filters its (type, flag); an object restricts to that object (of the
 * type the kind is about); registry scope is the key itself, or the key
 * and below with REGISTRY_SUBTREE, the root key without an object.
 */
static bool matches(const struct flt *f, const struct ev *ev)
{
	const struct kind *k = ev->k;
	bool registry, subtree;
	__u32 subject;
	size_t n;

	if (f->version == V1) {
		if (!(f->mask & k->v1))
			return false;
		subject = k->v1_type;
		registry = subject == CLUSNOTIFY_OBJ_REGISTRY;
		subtree = f->mask & CN_V1_REGISTRY_SUBTREE;
	} else {
		if (f->type != k->type || !(f->mask & k->v2))
			return false;
		subject = k->type;
		registry = k->type == CLUSNOTIFY_OBJ_REGISTRY;
		subtree = registry && (f->mask & CN_V2_REGISTRY_SUBTREE);
	}
	if (!f->obj)
		return !registry || subtree || !ev->id[0];
	if (subject != f->type)
		return false;
	if (!strcmp(ev->id, f->obj))
		return true;
	if (!subtree)
		return false;
	n = strlen(f->obj);
	if (!n)
		return true;
	return strlen(ev->id) > n && ev->id[n] == '\\' &&
	       !strncmp(ev->id, f->obj, n);
}

/* ------------------------------------------------------------------ */
/* Shared state                                                        */
/* ------------------------------------------------------------------ */

struct prod_state {
	__u32 cid;
	int ready;
	int failed;
	char msg[160];
	__u64 upto;		/* events [0, upto) may have been posted */
	__u64 posted;		/* events acknowledged */
	__u64 posts;		/* EVENT_POST messages */
	__u64 r_queued;		/* the kernel's replies, summed */
	__u64 r_lost;
};

struct cons_state {
	int ready;
	int finished;
	int failed;
	char msg[240];
	__u64 records;		/* records read (overflow records too) */
	__u64 delivered;	/* event records verified */
	__u64 lost;		/* lost, as overflow records reported */
	__u64 due;		/* records its filters were due */
	__u64 overflows;	/* overflow records */
};

struct shared {
	int start;
	int half;		/* half the time is over */
	int stop;
	int drained;		/* every consumer is done: producers may go */
	struct prod_state prod[NPROD];
	struct cons_state cons[NCONS];
};

static struct shared *sh;

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static void wait_flag(int *flag)
{
	while (!LOAD(*flag))
		cn_sleep_ms(2);
}

/* ------------------------------------------------------------------ */
/* Producers                                                           */
/* ------------------------------------------------------------------ */

static int publish_objects(struct cn_nl *nl, __u32 cid)
{
	struct cn_obj_desc o[32];
	int n = 0, pool, i;
	static const __u32 type_of[] = {
		[P_GROUP] = CLUSNOTIFY_OBJ_GROUP,
		[P_RES] = CLUSNOTIFY_OBJ_RESOURCE,
		[P_NODE] = CLUSNOTIFY_OBJ_NODE,
		[P_NET] = CLUSNOTIFY_OBJ_NETWORK,
		[P_REG] = CLUSNOTIFY_OBJ_REGISTRY,
	};

	for (pool = P_GROUP; pool <= P_REG; pool++) {
		for (i = 0; i < pool_size[pool]; i++) {
			if (!pool_ids[pool][i][0])
				continue;	/* the root exists already */
			memset(&o[n], 0, sizeof(o[n]));
			o[n].type = type_of[pool];
			o[n].id = pool_ids[pool][i];
			n++;
		}
	}
	return cn_publish(nl, cid, o, n);
}

static void prod_fail(struct prod_state *ps, const char *what, int err)
{
	snprintf(ps->msg, sizeof(ps->msg), "%s: %s (%d)", what,
		 strerror(-err), err);
	STORE(ps->failed, 1);
}

static int producer(int p)
{
	struct prod_state *ps = &sh->prod[p];
	struct cn_event evs[32];
	unsigned char *payloads[32];
	struct cn_post_reply r;
	struct cn_nl nl;
	char name[64];
	__u64 e = 0;
	int i, ret;

	for (i = 0; i < 32; i++) {
		payloads[i] = malloc(4200);
		if (!payloads[i])
			return 1;
	}
	ret = cn_nl_open(&nl);
	if (ret) {
		prod_fail(ps, "netlink socket", ret);
		return 1;
	}
	snprintf(name, sizeof(name), "Stress-%d-%d", (int)getpid(), p);
	ret = cn_register(&nl, name, &ps->cid);
	if (!ret)
		ret = publish_objects(&nl, ps->cid);
	if (ret) {
		prod_fail(ps, "register/publish", ret);
		return 1;
	}
	STORE(ps->ready, 1);
	wait_flag(&sh->start);

	while (!LOAD(sh->stop)) {
		int n = 1 + mix(e ^ ((__u64)p << 40)) % 32;

		for (i = 0; i < n; i++) {
			struct ev ev;

			event_of(p, e + i, &ev);
			fill_payload(p, e + i, payloads[i], ev.payload_len);
			evs[i] = (struct cn_event){
				.type = ev.k->type,
				.v2 = ev.k->v2,
				.v1 = ev.k->v1,
				.id = ev.id[0] ? ev.id : NULL,
				.payload = payloads[i],
				.payload_len = ev.payload_len,
				.state = ev.state,
				.has_state = ev.k->state,
			};
		}
		STORE(ps->upto, e + n);
		ret = cn_post(&nl, ps->cid, evs, n, &r);
		if (ret || !r.has_posted || r.posted != (__u32)n) {
			prod_fail(ps, "EVENT_POST", ret ? ret : -EPROTO);
			break;
		}
		e += n;
		ps->posts++;
		ps->r_queued += r.queued;
		ps->r_lost += r.lost;
		STORE(ps->posted, e);
	}
	STORE(ps->upto, e);
	/* Keep the session (and so the cluster up) until all have drained. */
	wait_flag(&sh->drained);
	cn_unregister(&nl, ps->cid);
	cn_nl_close(&nl);
	for (i = 0; i < 32; i++)
		free(payloads[i]);
	return LOAD(ps->failed);
}

static void *producer_thread(void *arg)
{
	producer((int)(long)arg);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Consumers                                                           */
/* ------------------------------------------------------------------ */

struct port_flt {
	const struct flt *f;
	int prod;
	__u64 key, token;
};

/* Where a consumer stands in one producer's stream of records due. */
struct cursor {
	__u64 e;		/* event */
	int j;			/* index into match[] of that event */
	int nmatch;
	int match[MAX_FILTERS];	/* port filter indexes, in delivery order */
	bool computed;
	__u64 budget;		/* losses reported since its last record */
	__u64 last_seq;
};

struct consumer {
	int c;
	int fd;
	struct cons_state *cs;
	struct port_flt pf[MAX_FILTERS];
	int npf;
	struct cursor cur[NPROD];
	__u64 next_seq;
	__u64 skipped;
	bool slow;
	int mode;		/* 0: GET, 1: read+poll, 2: epoll, 3: big read */
};

static void compute(struct consumer *co, int p, struct cursor *cu)
{
	struct ev ev;
	int i, pass;

	event_of(p, cu->e, &ev);
	cu->nmatch = 0;
	/* The kernel walks the V1 bit's list, then the V2 kind's list. */
	for (pass = V1; pass <= V2; pass++)
		for (i = 0; i < co->npf; i++)
			if (co->pf[i].prod == p && co->pf[i].f->version == pass &&
			    matches(co->pf[i].f, &ev))
				cu->match[cu->nmatch++] = i;
	cu->j = 0;
	cu->computed = true;
}

/* Advance p's cursor by one record due; false once past event @limit. */
static bool cursor_step(struct consumer *co, int p, __u64 limit)
{
	struct cursor *cu = &co->cur[p];

	for (;;) {
		if (cu->e >= limit)
			return false;
		if (!cu->computed)
			compute(co, p, cu);
		if (cu->j < cu->nmatch)
			return true;
		cu->e++;
		cu->computed = false;
	}
}

static int cons_fail(struct consumer *co, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int cons_fail(struct consumer *co, const char *fmt, ...)
{
	va_list ap;

	if (!co->cs->failed) {
		va_start(ap, fmt);
		vsnprintf(co->cs->msg, sizeof(co->cs->msg), fmt, ap);
		va_end(ap);
		STORE(co->cs->failed, 1);
	}
	return -1;
}

static int check_record(struct consumer *co, const struct cn_rec *r)
{
	const struct clusnotify_record *h = &r->hdr;
	struct stamp st;
	struct cursor *cu;
	const struct port_flt *pf;
	struct ev ev;
	__u64 idx, skipped = 0;
	int p, i;

	co->cs->records++;
	if (h->seq != co->next_seq)
		return cons_fail(co, "seq %llu, expected %llu",
				 (unsigned long long)h->seq,
				 (unsigned long long)co->next_seq);
	idx = h->key & 0xffff;
	if ((h->key >> 32) != (__u64)co->c || idx >= (__u64)co->npf)
		return cons_fail(co, "key %#llx is none of this port's",
				 (unsigned long long)h->key);
	pf = &co->pf[idx];
	if (h->version != pf->f->version || h->token != pf->token ||
	    h->cluster_id != sh->prod[pf->prod].cid)
		return cons_fail(co, "record seq %llu: version/token/cluster of another filter",
				 (unsigned long long)h->seq);
	if (h->flags & CLUSNOTIFY_RECORD_F_LOST) {
		if (h->flags != (CLUSNOTIFY_RECORD_F_LOST |
				 CLUSNOTIFY_RECORD_F_KERNEL) || !h->lost ||
		    h->object_type != CLUSNOTIFY_OBJ_CLUSTER ||
		    (h->version == V1 ?
		     h->v1_change != CN_V1_CLUSTER_RECONNECT :
		     h->v2_flag != CN_V2_CLUSTER_LOST_NOTIFICATIONS))
			return cons_fail(co, "malformed overflow record seq %llu",
					 (unsigned long long)h->seq);
		co->next_seq += h->lost;
		co->cs->lost += h->lost;
		co->cs->overflows++;
		for (p = 0; p < NPROD; p++)
			co->cur[p].budget += h->lost;
		return 0;
	}
	co->next_seq++;
	if (h->flags)
		return cons_fail(co, "unexpected record flags %#x at seq %llu",
				 h->flags, (unsigned long long)h->seq);
	if (h->payload_len < sizeof(st))
		return cons_fail(co, "payload of %u bytes", h->payload_len);
	memcpy(&st, r->payload, sizeof(st));
	p = pf->prod;
	if (st.magic != PAYLOAD_MAGIC || st.producer != (__u32)p)
		return cons_fail(co, "payload stamp %#x/%u on a filter of producer %d",
				 st.magic, st.producer, p);
	event_of(p, st.event, &ev);
	if (h->object_type != ev.k->type || h->v2_flag != ev.k->v2 ||
	    h->v1_change != ev.k->v1 || h->state != ev.state ||
	    h->payload_len != ev.payload_len || strcmp(r->id, ev.id) ||
	    r->parent[0] || r->name[0] || r->type[0])
		return cons_fail(co, "producer %d event %llu: fields differ from what was posted",
				 p, (unsigned long long)st.event);
	for (i = sizeof(st); i < (int)ev.payload_len; i++)
		if (r->payload[i] != payload_byte(p, st.event, i))
			return cons_fail(co, "producer %d event %llu: payload byte %d differs",
					 p, (unsigned long long)st.event, i);
	if (!matches(pf->f, &ev))
		return cons_fail(co, "producer %d event %llu reached a filter that does not match it",
				 p, (unsigned long long)st.event);
	/* The next record due from p, or one after records lost. */
	cu = &co->cur[p];
	for (;;) {
		if (!cursor_step(co, p, LOAD(sh->prod[p].upto)))
			return cons_fail(co, "producer %d event %llu filter %llu: not due (duplicate, reordered or never posted)",
					 p, (unsigned long long)st.event,
					 (unsigned long long)idx);
		if (cu->e > st.event)
			return cons_fail(co, "producer %d event %llu filter %llu: out of order or duplicate (now at event %llu)",
					 p, (unsigned long long)st.event,
					 (unsigned long long)idx,
					 (unsigned long long)cu->e);
		if (cu->e == st.event && cu->match[cu->j] == (int)idx)
			break;
		skipped++;
		cu->j++;
	}
	cu->j++;
	if (skipped > cu->budget)
		return cons_fail(co, "producer %d: %llu records missing before event %llu, only %llu reported lost",
				 p, (unsigned long long)skipped,
				 (unsigned long long)st.event,
				 (unsigned long long)cu->budget);
	cu->budget = 0;
	cu->last_seq = h->seq;
	co->skipped += skipped;
	co->cs->delivered++;
	return 0;
}

/* Check every record of a read() batch. */
static int check_batch(struct consumer *co, const unsigned char *buf,
		       size_t len)
{
	const char *why = "";
	struct cn_rec r;
	size_t off = 0;

	while (off < len) {
		if (cn_decode_record(buf + off, len - off, &r, &why))
			return cons_fail(co, "malformed record in a batch: %s",
					 why);
		if (check_record(co, &r))
			return -1;
		off += r.hdr.size;
	}
	return 0;
}

/* Read once (waiting at most ~50 ms): records read, 0 if none, or -1. */
static int read_some(struct consumer *co, unsigned char *buf, size_t cap,
		     int ep)
{
	struct epoll_event ee;
	struct pollfd pfd = { .fd = co->fd, .events = POLLIN };
	struct cn_rec r;
	size_t len = co->slow ? 1024 : cap;
	ssize_t n;
	int ret;

	switch (co->mode) {
	case 0:
		ret = cn_get_rec(co->fd, buf, 50, &r);
		if (ret == -ETIMEDOUT)
			return 0;
		if (ret)
			return cons_fail(co, "GET: %d", ret);
		return check_record(co, &r) ? -1 : 1;
	case 2:
		ret = epoll_wait(ep, &ee, 1, 50);
		if (ret <= 0)
			return 0;
		break;
	default:
		if (poll(&pfd, 1, 50) <= 0)
			return 0;
		break;
	}
	n = read(co->fd, buf, len);
	if (n < 0 && errno == EMSGSIZE)	/* the next record is bigger */
		n = read(co->fd, buf, cap);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return cons_fail(co, "read: %zd (%s)", n, strerror(errno));
	return check_batch(co, buf, n) ? -1 : 1;
}

static int setup_filters(struct consumer *co)
{
	int p, i, n, kind = co->c % 3;	/* 0: V1, 1: V2, 2: mixed */
	__u64 h;

	for (p = 0; p < NPROD; p++) {
		h = mix((__u64)co->c << 8 | p);
		n = 3 + h % 5;
		for (i = 0; i < n && co->npf < MAX_FILTERS; i++) {
			const struct flt *f;
			struct port_flt *pf = &co->pf[co->npf];
			struct clusnotify_filter cf = { 0 };
			int m;

			h = mix(h + i);
			if (kind == 0)
				m = h % NMENU_V1;
			else if (kind == 1)
				m = NMENU_V1 + h % (NMENU - NMENU_V1);
			else
				m = h % NMENU;
			f = &menu[m];
			pf->f = f;
			pf->prod = p;
			pf->key = (__u64)co->c << 32 | (__u64)p << 16 | co->npf;
			pf->token = 1000 + co->npf;
			cf.cluster_id = sh->prod[p].cid;
			cf.version = f->version;
			cf.mask = f->mask;
			cf.key = pf->key;
			cf.token = pf->token;
			if (f->version == V2)
				cf.object_type = f->type;
			if (f->obj) {
				cf.object = (uintptr_t)f->obj;
				cf.object_len = strlen(f->obj);
				if (f->version == V1)
					cf.object_type_v1 = f->type;
			}
			if (cn_add_filter(co->fd, &cf))
				return cons_fail(co, "ADD_FILTER menu %d: %s", m,
						 strerror(errno));
			co->npf++;
		}
	}
	return 0;
}

static int consumer(int c)
{
	struct consumer *co = calloc(1, sizeof(*co));
	struct epoll_event ee = { .events = EPOLLIN };
	struct clusnotify_port_stats st;
	size_t cap = 256 * 1024;
	unsigned char *buf = malloc(cap);
	int ep = -1, ret = 1, n, p, idle;

	if (!co || !buf)
		return 1;
	co->c = c;
	co->cs = &sh->cons[c];
	co->slow = c == 2 || c == 5 || c == 7;
	co->mode = c % 4;
	co->fd = cn_open_port(0);
	if (co->fd < 0) {
		cons_fail(co, "open: %d", co->fd);
		goto out;
	}
	if (setup_filters(co))
		goto out;
	ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, co->fd, &ee);
	STORE(co->cs->ready, 1);
	wait_flag(&sh->start);

	/*
	 * While the producers run. A slow consumer does not read at all in
	 * the first half (so its queue overflows however fast the kernel
	 * is), then reads small batches with pauses.
	 */
	while (!LOAD(sh->stop)) {
		if (co->slow && !LOAD(sh->half)) {
			cn_sleep_ms(5);
			continue;
		}
		if (read_some(co, buf, cap, ep) < 0)
			goto out;
		if (co->slow)
			cn_sleep_ms(3);
	}
	/* Until every producer has returned from its last post. */
	for (p = 0; p < NPROD; p++)
		while (LOAD(sh->prod[p].upto) != LOAD(sh->prod[p].posted) &&
		       !LOAD(sh->prod[p].failed))
			cn_sleep_ms(1);
	/* Drain: nothing is posted any more. */
	co->slow = false;
	for (idle = 0; idle < 2;) {
		n = read_some(co, buf, cap, ep);
		if (n < 0)
			goto out;
		idle = n ? 0 : idle + 1;
	}
	if (cn_port_stats(co->fd, &st)) {
		cons_fail(co, "PORT_STATS: %s", strerror(errno));
		goto out;
	}
	/* What is left of each stream was lost after its last record. */
	for (p = 0; p < NPROD; p++) {
		struct cursor *cu = &co->cur[p];
		__u64 left = 0;

		while (cursor_step(co, p, LOAD(sh->prod[p].posted))) {
			left++;
			cu->j++;
		}
		if (left > cu->budget) {
			cons_fail(co, "producer %d: %llu records missing at the end, only %llu reported lost",
				  p, (unsigned long long)left,
				  (unsigned long long)cu->budget);
			goto out;
		}
		co->skipped += left;
	}
	co->cs->due = co->cs->delivered + co->skipped;
	if (co->skipped != co->cs->lost) {
		cons_fail(co, "%llu records missing, %llu reported lost",
			  (unsigned long long)co->skipped,
			  (unsigned long long)co->cs->lost);
		goto out;
	}
	if (st.queued || st.lost != co->cs->lost ||
	    st.delivered != co->cs->records || st.next_seq != co->next_seq) {
		cons_fail(co, "PORT_STATS queued %llu lost %llu delivered %llu next_seq %llu disagree",
			  (unsigned long long)st.queued,
			  (unsigned long long)st.lost,
			  (unsigned long long)st.delivered,
			  (unsigned long long)st.next_seq);
		goto out;
	}
	ret = 0;
out:
	STORE(co->cs->finished, 1);
	if (ep >= 0)
		close(ep);
	if (co->fd >= 0)
		close(co->fd);
	free(buf);
	free(co);
	return ret;
}

static void *consumer_thread(void *arg)
{
	consumer((int)(long)arg);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The test                                                            */
/* ------------------------------------------------------------------ */

/* 15 s, or 8 on the debug kernel (KASAN and lockdep, much slower). */
static unsigned int stress_seconds(void)
{
	const char *s = getenv("CN_STRESS_SECONDS");
	int v = s ? atoi(s) : 0;

	if (v > 0)
		return v;
	return debug_kernel() ? DEBUG_SECONDS : DEFAULT_SECONDS;
}

FIXTURE(stress) {
	unsigned int saved_max_records;
};

FIXTURE_SETUP(stress)
{
	ASSERT_EQ(0, cn_param_get("max_records", &self->saved_max_records));
	ASSERT_EQ(0, cn_param_set("max_records", STRESS_MAX_RECORDS));
}

FIXTURE_TEARDOWN(stress)
{
	cn_param_set("max_records", self->saved_max_records);
}

static bool all_set(int *first, size_t stride, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!LOAD(*(int *)((char *)first + i * stride)))
			return false;
	return true;
}

static const char *const kind_names[] = { "V1", "V2", "mixed" };

TEST_F_TIMEOUT(stress, producers_and_consumers_with_proof, 90)
{
	pthread_t pth[NPROD_THREADS], cth[NCONS_THREADS];
	pid_t ppid[NPROD], cpid[NCONS];
	unsigned int secs = stress_seconds();
	__u64 posted = 0, delivered = 0, lost = 0, due = 0, r_queued = 0;
	__u64 r_lost = 0, overflows = 0, posts = 0, t0;
	int i, status;

	sh = cn_shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	for (i = 0; i < NPROD; i++) {
		if (i < NPROD_THREADS) {
			ASSERT_EQ(0, pthread_create(&pth[i], NULL,
						    producer_thread,
						    (void *)(long)i));
			continue;
		}
		ppid[i] = fork();
		ASSERT_LE(0, ppid[i]);
		if (!ppid[i])
			_exit(producer(i));
	}
	t0 = cn_now_ms();
	while (!all_set(&sh->prod[0].ready, sizeof(sh->prod[0]), NPROD)) {
		for (i = 0; i < NPROD; i++)
			if (LOAD(sh->prod[i].failed))
				break;
		if (i < NPROD || cn_now_ms() - t0 > 20000)
			break;
		cn_sleep_ms(5);
	}
	for (i = 0; i < NPROD; i++)
		if (LOAD(sh->prod[i].failed))
			TH_LOG("producer %d: %s", i, sh->prod[i].msg);
	if (!all_set(&sh->prod[0].ready, sizeof(sh->prod[0]), NPROD)) {
		/* Let the producers that did start finish. */
		CN_SET(sh->stop);
		CN_SET(sh->start);
		CN_SET(sh->drained);
	}
	ASSERT_TRUE(all_set(&sh->prod[0].ready, sizeof(sh->prod[0]), NPROD));
	for (i = 0; i < NCONS; i++) {
		if (i < NCONS_THREADS) {
			ASSERT_EQ(0, pthread_create(&cth[i], NULL,
						    consumer_thread,
						    (void *)(long)i));
			continue;
		}
		cpid[i] = fork();
		ASSERT_LE(0, cpid[i]);
		if (!cpid[i])
			_exit(consumer(i));
	}
	t0 = cn_now_ms();
	while (!all_set(&sh->cons[0].ready, sizeof(sh->cons[0]), NCONS) &&
	       !all_set(&sh->cons[0].finished, sizeof(sh->cons[0]), NCONS) &&
	       cn_now_ms() - t0 < 20000)
		cn_sleep_ms(5);

	ksft_print_msg("posting for %u s (CN_STRESS_SECONDS), max_records %u\n",
		       secs, STRESS_MAX_RECORDS);
	CN_SET(sh->start);
	t0 = cn_now_ms();
	while (cn_now_ms() - t0 < secs * 1000ULL) {
		for (i = 0; i < NPROD; i++)
			if (LOAD(sh->prod[i].failed))
				break;
		if (i < NPROD)
			break;
		if (cn_now_ms() - t0 >= secs * 500ULL)
			CN_SET(sh->half);
		cn_sleep_ms(50);
	}
	CN_SET(sh->stop);

	for (i = 0; i < NCONS; i++) {
		if (i < NCONS_THREADS)
			pthread_join(cth[i], NULL);
		else
			waitpid(cpid[i], &status, 0);
	}
	CN_SET(sh->drained);
	for (i = 0; i < NPROD; i++) {
		if (i < NPROD_THREADS)
			pthread_join(pth[i], NULL);
		else
			waitpid(ppid[i], &status, 0);
	}

	for (i = 0; i < NPROD; i++) {
		struct prod_state *ps = &sh->prod[i];

		if (ps->failed)
			TH_LOG("producer %d: %s", i, ps->msg);
		EXPECT_EQ(0, ps->failed);
		posted += ps->posted;
		posts += ps->posts;
		r_queued += ps->r_queued;
		r_lost += ps->r_lost;
	}
	for (i = 0; i < NCONS; i++) {
		struct cons_state *cs = &sh->cons[i];

		if (cs->failed)
			TH_LOG("consumer %d: %s", i, cs->msg);
		EXPECT_EQ(0, cs->failed);
		EXPECT_TRUE(cs->finished);
		delivered += cs->delivered;
		lost += cs->lost;
		due += cs->due;
		overflows += cs->overflows;
		ksft_print_msg("consumer %d (%s, %s%s): due %llu, delivered %llu, lost and reported %llu in %llu overflow records\n",
			       i, i < NCONS_THREADS ? "thread" : "process",
			       kind_names[i % 3],
			       i == 2 || i == 5 || i == 7 ? ", slow" : "",
			       (unsigned long long)cs->due,
			       (unsigned long long)cs->delivered,
			       (unsigned long long)cs->lost,
			       (unsigned long long)cs->overflows);
	}
	ksft_print_msg("events posted %llu in %llu batches by %d producers\n",
		       (unsigned long long)posted, (unsigned long long)posts,
		       NPROD);
	ksft_print_msg("records due %llu, delivered and verified %llu, lost and reported %llu, lost unreported %lld\n",
		       (unsigned long long)due, (unsigned long long)delivered,
		       (unsigned long long)lost,
		       (long long)(due - delivered - lost));
	ksft_print_msg("kernel replies: queued %llu, lost %llu\n",
		       (unsigned long long)r_queued,
		       (unsigned long long)r_lost);
	EXPECT_LT(0, posted);
	EXPECT_LT(0, delivered);
	EXPECT_LT(0, lost);		/* the slow readers did overflow */
	EXPECT_EQ(due, delivered + lost);
	/* What the kernel says it did is what the consumers saw. */
	EXPECT_EQ(r_queued, delivered);
	EXPECT_EQ(r_lost, lost);
	munmap(sh, sizeof(*sh));
}

/* A longer run asked for by CN_STRESS_SECONDS needs a longer timeout. */
static void __attribute__((constructor(200))) stress_timeout(void)
{
	_stress_producers_and_consumers_with_proof_object.timeout =
		stress_seconds() + 70;
}

TEST_HARNESS_MAIN
