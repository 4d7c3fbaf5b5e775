// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi under many threads at once, against the real module: readers
 * sharing one port (GetClusterNotify and one batch reader) while a
 * producer posts and other threads open, query and close object handles
 * of the same cluster handle, which one thread then closes; every event is delivered exactly once across the readers,
 * nothing crashes, and after CloseCluster every handle obtained through it
 * is invalid. Also: CloseCluster and Close* of one handle from many
 * threads at once (one close, one HANDLE_CLOSE), HANDLE_CLOSE from
 * cluster handles opened and closed concurrently, and closing a port
 * under blocked and spinning callers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "cn_lib.h"
#include "cn_util.h"
#include "kselftest_harness.h"

#define NREADERS 8
#define NCHURN 3
#define NEVENTS 1000
#define RING 48

FIXTURE(th) {
	struct cn_env env;
	HCLUSTER hc;
};

FIXTURE_SETUP(th)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "LibTh"));
	self->hc = cn_lib_open(&self->env);
	ASSERT_NE(NULL, self->hc);
}

FIXTURE_TEARDOWN(th)
{
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

/* ------------------------------------------------------------------ */
/* Readers, a producer and handle churn on one cluster handle          */
/* ------------------------------------------------------------------ */

struct shared {
	HCLUSTER hc;
	HCHANGE port;
	struct cn_nl *nl;
	__u32 cid;
	int count[NEVENTS];		/* atomic: deliveries of event i */
	int handle_close;		/* atomic */
	int unexpected;			/* atomic: anything else read */
	int stop_churn;
	int closing;			/* CloseCluster is about to run */
	int closed;			/* CloseCluster has returned */
	int post_err;
};

struct reader {
	struct shared *s;
	bool batch;		/* clusnotify_port_read, not GetClusterNotify */
	DWORD last;
	ssize_t batch_last;
	int got;
};

static void count_record(struct reader *r, DWORD filter, DWORD_PTR key,
			 const char *name)
{
	struct shared *s = r->s;
	unsigned int i;

	r->got++;
	if (filter == CLUSTER_CHANGE_HANDLE_CLOSE && key == 1)
		__atomic_add_fetch(&s->handle_close, 1, __ATOMIC_RELAXED);
	else if (filter == CLUSTER_CHANGE_GROUP_STATE && key == 1 &&
		 sscanf(name, "ev-%u", &i) == 1 && i < NEVENTS)
		__atomic_add_fetch(&s->count[i], 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&s->unexpected, 1, __ATOMIC_RELAXED);
}

/*
 * A batch reader shares the port with the GetClusterNotify readers: each
 * record goes to exactly one of them.
 */
static void batch_reader(struct reader *r)
{
	static __thread char buf[8192] __attribute__((aligned(8)));
	struct clusnotify_record_view v;
	size_t off;
	ssize_t n;

	for (;;) {
		n = clusnotify_port_read(r->s->port, buf, sizeof(buf),
					 CLUSNOTIFY_INFINITE);
		if (n <= 0)
			break;
		off = 0;
		while (clusnotify_record_next(buf, n, &off, &v) > 0)
			count_record(r, v.hdr->v1_change, v.hdr->key, v.name);
	}
	r->batch_last = n;
	/* Closed by another thread, before or during the read. */
	r->last = n == -ESHUTDOWN || n == -EBADF ? ERROR_INVALID_HANDLE :
						   (DWORD)-n;
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	DWORD_PTR key;
	DWORD filter, cch;
	WCHAR name[64];

	if (r->batch) {
		batch_reader(r);
		return NULL;
	}
	for (;;) {
		cch = CN_ARRAY_SIZE(name);
		r->last = GetClusterNotify(r->s->port, &key, &filter, name,
					   &cch, INFINITE);
		if (r->last != ERROR_SUCCESS)
			break;
		count_record(r, filter, key, cn_narrow(name));
	}
	return NULL;
}

static void *producer_thread(void *arg)
{
	struct shared *s = arg;
	static char names[NEVENTS][16];
	struct cn_event ev[20];
	int i, n;

	for (i = 0; i < NEVENTS; i += n) {
		for (n = 0; n < (int)CN_ARRAY_SIZE(ev) && i + n < NEVENTS; n++) {
			snprintf(names[i + n], sizeof(names[0]), "ev-%05d",
				 i + n);
			/* Unknown ids: the directory stays as it is. */
			ev[n] = cn_ev_group_state(names[i + n], names[i + n],
						  CN_GROUP_ONLINE);
		}
		s->post_err = cn_post(s->nl, s->cid, ev, n, NULL);
		if (s->post_err)
			break;
	}
	return NULL;
}

struct churn {
	struct shared *s;
	int id;
	HCHANGE own;			/* this thread's port */
	HANDLE ring[RING];		/* groups opened, not yet closed */
	bool during[RING];		/* opened after closing was set */
	int head, opened, closed_ok, reg_hc;
	int bad;			/* wrong results, with... */
	char why[128];			/* ... the first one */
};

static void churn_bad(struct churn *c, const char *what, DWORD err)
{
	if (!c->bad++)
		snprintf(c->why, sizeof(c->why), "%s: %u", what, err);
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	struct shared *s = c->s;
	HGROUP g;
	HNODE n;
	HKEY root, k;
	DWORD st, err;
	bool after;

	while (!CN_TEST(s->stop_churn)) {
		after = CN_TEST(s->closed);
		g = OpenClusterGroup(s->hc, cn_wide(CN_GROUP1));
		err = GetLastError();
		if (!g) {
			if (err != ERROR_INVALID_HANDLE)
				churn_bad(c, "OpenClusterGroup", err);
			if (!CN_TEST(s->closing))
				churn_bad(c, "OpenClusterGroup before close",
					  err);
			cn_sleep_ms(1);
			continue;
		}
		if (after)
			churn_bad(c, "OpenClusterGroup after close", 0);
		c->opened++;
		st = GetClusterGroupState(g, NULL, NULL);
		err = GetLastError();
		if (st != ClusterGroupOnline && err != ERROR_INVALID_HANDLE)
			churn_bad(c, "GetClusterGroupState", err);
		/*
		 * Some registered with HANDLE_CLOSE on our own port, but
		 * not while CloseCluster runs: using a handle while another
		 * thread closes it is the caller's race, not the library's.
		 */
		if (c->opened % 3 == 0 && !CN_TEST(s->closing) &&
		    RegisterClusterNotify(c->own, CLUSTER_CHANGE_GROUP_STATE |
						  CLUSTER_CHANGE_HANDLE_CLOSE,
					  g, c->id) == ERROR_SUCCESS)
			c->reg_hc++;
		/* Keep RING groups open: CloseCluster must close them. */
		if (c->ring[c->head]) {
			if (CloseClusterGroup(c->ring[c->head]))
				c->closed_ok++;
			else if (GetLastError() != ERROR_INVALID_HANDLE)
				churn_bad(c, "CloseClusterGroup", GetLastError());
		}
		c->ring[c->head] = g;
		c->during[c->head] = CN_TEST(s->closing);
		c->head = (c->head + 1) % RING;

		n = OpenClusterNode(s->hc, cn_wide(CN_NODE1));
		if (n) {
			st = GetClusterNodeState(n);
			if (st != ClusterNodeUp &&
			    GetLastError() != ERROR_INVALID_HANDLE)
				churn_bad(c, "GetClusterNodeState",
					  GetLastError());
			CloseClusterNode(n);
		}
		root = GetClusterKey(s->hc, KEY_READ);
		if (root) {
			err = ClusterRegOpenKey(root, cn_wide(CN_REGKEY_AB),
						KEY_READ, &k);
			if (err == ERROR_SUCCESS)
				ClusterRegCloseKey(k);
			else if (err != ERROR_INVALID_HANDLE)
				churn_bad(c, "ClusterRegOpenKey", err);
			ClusterRegCloseKey(root);
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(th, readers_producer_churn_and_closecluster, 120)
{
	struct shared *s = calloc(1, sizeof(*s));
	struct reader rd[NREADERS] = { 0 };
	struct churn *ch = calloc(NCHURN, sizeof(*ch));
	pthread_t trd[NREADERS], tch[NCHURN], tpr;
	struct clusnotify_port_stats st;
	int i, j, total, once, left;
	__u64 end;

	ASSERT_NE(NULL, s);
	ASSERT_NE(NULL, ch);
	s->hc = self->hc;
	s->nl = &self->env.nl;
	s->cid = self->env.cid;
	s->port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					  CLUSTER_CHANGE_GROUP_STATE |
						  CLUSTER_CHANGE_HANDLE_CLOSE,
					  1);
	ASSERT_NE(NULL, s->port);
	for (i = 0; i < NREADERS; i++) {
		rd[i].s = s;
		rd[i].batch = i == NREADERS - 1;
		ASSERT_EQ(0, pthread_create(&trd[i], NULL, reader_thread,
					    &rd[i]));
	}
	for (i = 0; i < NCHURN; i++) {
		ch[i].s = s;
		ch[i].id = 100 + i;
		ch[i].own = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						    INVALID_HANDLE_VALUE, 0, 0);
		ASSERT_NE(NULL, ch[i].own);
		ASSERT_EQ(0, pthread_create(&tch[i], NULL, churn_thread,
					    &ch[i]));
	}
	ASSERT_EQ(0, pthread_create(&tpr, NULL, producer_thread, s));
	ASSERT_EQ(0, pthread_join(tpr, NULL));
	EXPECT_EQ(0, s->post_err);

	/* Wait for the readers to take everything. */
	end = cn_now_ms() + 60000;
	do {
		for (i = 0, total = 0; i < NEVENTS; i++)
			total += __atomic_load_n(&s->count[i],
						 __ATOMIC_RELAXED);
		if (total >= NEVENTS)
			break;
		cn_sleep_ms(20);
	} while (cn_now_ms() < end);

	/* Close the cluster handle under the churning threads. */
	CN_SET(s->closing);
	cn_sleep_ms(200);	/* registrations in flight complete */
	EXPECT_TRUE(CloseCluster(self->hc));
	CN_SET(s->closed);
	self->hc = NULL;
	/* The HANDLE_CLOSE reaches one reader. */
	end = cn_now_ms() + 10000;
	while (!__atomic_load_n(&s->handle_close, __ATOMIC_RELAXED) &&
	       cn_now_ms() < end)
		cn_sleep_ms(5);
	cn_sleep_ms(100);
	CN_SET(s->stop_churn);
	for (i = 0; i < NCHURN; i++)
		ASSERT_EQ(0, pthread_join(tch[i], NULL));
	ASSERT_EQ(0, clusnotify_port_stats(s->port, &st));
	EXPECT_EQ(0, st.lost);
	EXPECT_EQ(0, st.queued);
	/* Every reader wakes with ERROR_INVALID_HANDLE. */
	EXPECT_TRUE(CloseClusterNotifyPort(s->port));
	for (i = 0; i < NREADERS; i++) {
		ASSERT_EQ(0, pthread_join(trd[i], NULL));
		EXPECT_EQ(ERROR_INVALID_HANDLE, rd[i].last)
			TH_LOG("reader %d (batch read: %zd)", i,
			       rd[i].batch_last);
	}

	/* Exactly once each, across the readers. */
	for (i = 0, once = 0; i < NEVENTS; i++) {
		if (s->count[i] == 1)
			once++;
		else if (once == i)
			TH_LOG("event %d delivered %d times", i, s->count[i]);
	}
	EXPECT_EQ(NEVENTS, once);
	EXPECT_EQ(1, s->handle_close);
	EXPECT_EQ(0, s->unexpected);
	for (i = 0, total = 0; i < NREADERS; i++)
		total += rd[i].got;
	EXPECT_EQ(NEVENTS + 1, total);
	EXPECT_EQ(NEVENTS + 1, st.delivered);

	/*
	 * After CloseCluster returned, every handle obtained through the
	 * cluster handle before it was called is invalid. (Those opened
	 * while it ran: closecluster_invalidates_handles_opened_meanwhile.)
	 */
	for (i = 0; i < NCHURN; i++) {
		struct cn_v1_got g;
		int hc_records = 0;

		EXPECT_EQ(0, ch[i].bad) TH_LOG("churn %d: %s", i, ch[i].why);
		EXPECT_LT(RING, ch[i].opened) TH_LOG("churn %d", i);
		for (j = 0, left = 0; j < RING; j++) {
			if (!ch[i].ring[j] || ch[i].during[j])
				continue;
			SetLastError(0);
			if (GetClusterGroupState(ch[i].ring[j], NULL, NULL) !=
				    ClusterGroupStateUnknown ||
			    GetLastError() != ERROR_INVALID_HANDLE)
				left++;
		}
		EXPECT_EQ(0, left)
			TH_LOG("churn %d: %d handles outlived CloseCluster", i,
			       left);
		/* Each registered group's close posted its HANDLE_CLOSE. */
		while (cn_v1_get(ch[i].own, 0, &g) == ERROR_SUCCESS) {
			if (g.filter == CLUSTER_CHANGE_HANDLE_CLOSE &&
			    g.key == (DWORD_PTR)ch[i].id &&
			    !strcmp(g.name, CN_GROUP1))
				hc_records++;
		}
		EXPECT_EQ(ch[i].reg_hc, hc_records) TH_LOG("churn %d", i);
		CloseClusterNotifyPort(ch[i].own);
		for (j = 0; j < RING; j++)
			CloseClusterGroup(ch[i].ring[j]);
	}
	free(ch);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Handles opened while CloseCluster runs                              */
/* ------------------------------------------------------------------ */

enum race_kind {
	RACE_GROUP,		/* OpenClusterGroup(hc) */
	RACE_NODE_EX,		/* OpenClusterNodeEx(hc, GENERIC_READ) */
	RACE_ROOT_KEY,		/* GetClusterKey(hc) */
	RACE_SUBKEY,		/* ClusterRegOpenKey(a key of hc) */
	RACE_REGISTER,		/* RegisterClusterNotify(port, hc) */
	RACE_KINDS
};

static const char *const race_names[RACE_KINDS] = {
	"OpenClusterGroup", "OpenClusterNodeEx", "GetClusterKey",
	"ClusterRegOpenKey", "RegisterClusterNotify",
};

#define NRACE_MAX 4096
#define NRACE_PORTS 16
#define RACE_PORT_MAX 1000	/* below max_filters */

struct racer {
	enum race_kind kind;
	HCLUSTER hc;
	HKEY root;			/* RACE_SUBKEY's parent, of hc */
	HCHANGE *ports;			/* RACE_REGISTER's */
	int *go, *closed;
	HANDLE got[NRACE_MAX];		/* handles opened, or registrations */
	int n;
	bool full;			/* stopped keeping count: inconclusive */
	bool after_ok;			/* it worked once CloseCluster returned */
	DWORD last_err;
};

/* One call of the racer's kind: 0 or the error, *h the handle. */
static DWORD race_once(struct racer *r, HANDLE *h)
{
	HKEY k = NULL;
	DWORD err;

	*h = NULL;
	switch (r->kind) {
	case RACE_GROUP:
		*h = OpenClusterGroup(r->hc, cn_wide(CN_GROUP1));
		break;
	case RACE_NODE_EX:
		*h = OpenClusterNodeEx(r->hc, cn_wide(CN_NODE1), GENERIC_READ,
				       NULL);
		break;
	case RACE_ROOT_KEY:
		*h = GetClusterKey(r->hc, KEY_READ);
		break;
	case RACE_SUBKEY:
		err = ClusterRegOpenKey(r->root, cn_wide(CN_REGKEY_A),
					KEY_READ, &k);
		*h = err ? NULL : k;
		return err;
	case RACE_REGISTER:
		err = RegisterClusterNotify(r->ports[(r->n / RACE_PORT_MAX) %
						     NRACE_PORTS],
					    CLUSTER_CHANGE_GROUP_STATE |
						    CLUSTER_CHANGE_HANDLE_CLOSE,
					    r->hc, 0x10000 + r->n);
		*h = err ? NULL : (HANDLE)(uintptr_t)(0x10000 + r->n);
		return err;
	default:
		break;
	}
	return *h ? ERROR_SUCCESS : GetLastError();
}

static void *racer_thread(void *arg)
{
	struct racer *r = arg;
	int cap = r->kind == RACE_REGISTER ? NRACE_PORTS * RACE_PORT_MAX :
					     NRACE_MAX;
	HANDLE h;
	DWORD err;

	while (!CN_TEST(*r->go))
		;
	while (!CN_TEST(*r->closed) && !r->full) {
		err = race_once(r, &h);
		if (err) {
			r->last_err = err;
			return NULL;
		}
		r->got[r->n % NRACE_MAX] = h;
		__atomic_store_n(&r->n, r->n + 1, __ATOMIC_RELAXED);
		if (r->n >= cap || (r->kind != RACE_REGISTER &&
				    r->n >= NRACE_MAX))
			r->full = true;
	}
	/* Spin until CloseCluster has returned, then it must fail. */
	while (!CN_TEST(*r->closed))
		;
	r->last_err = race_once(r, &h);
	r->after_ok = !r->last_err;
	return NULL;
}

/* Whether a handle a racer got still works. */
static bool race_alive(enum race_kind kind, HANDLE h)
{
	HKEY k;

	switch (kind) {
	case RACE_GROUP:
		return GetClusterGroupState(h, NULL, NULL) !=
		       ClusterGroupStateUnknown;
	case RACE_NODE_EX:
		return GetClusterNodeState(h) != ClusterNodeStateUnknown;
	case RACE_ROOT_KEY:
	case RACE_SUBKEY:
		if (ClusterRegOpenKey(h, NULL, KEY_READ, &k))
			return false;
		ClusterRegCloseKey(k);
		return true;
	default:
		return false;
	}
}

static void race_close(enum race_kind kind, HANDLE h)
{
	if (kind == RACE_GROUP)
		CloseClusterGroup(h);
	else if (kind == RACE_NODE_EX)
		CloseClusterNode(h);
	else if (kind != RACE_REGISTER)
		ClusterRegCloseKey(h);
}

/*
 * Ways to obtain something through a cluster handle, racing CloseCluster
 * on it. Each call either happens before the close (and the close
 * invalidates what it obtained: handles stop working, registrations are
 * removed with their HANDLE_CLOSE) or after it (and fails with
 * ERROR_INVALID_HANDLE). A handle that still works after CloseCluster has
 * returned, or a registration that outlives it or loses its HANDLE_CLOSE,
 * fits neither order. Any other error is wrong too.
 */
static void race_closecluster(struct __test_metadata *_metadata,
			      FIXTURE_DATA(th) *self,
			      const enum race_kind *kinds, int nkinds)
{
	struct racer *r = calloc(nkinds, sizeof(*r));
	struct cn_event ev = cn_ev_group_state(CN_GROUP1_ID, CN_GROUP1,
					       CN_GROUP_ONLINE);
	HCHANGE ports[NRACE_PORTS];
	pthread_t t[RACE_KINDS];
	HGROUP pre[200];
	HKEY root;
	int go = 0, closed = 0, i, j, k, total, alive;
	int hc_records = 0, state_records = 0, registered = 0;
	bool registers = false, counted = true;
	struct cn_v1_got g;
	__u64 end;

	ASSERT_NE(NULL, r);
	ASSERT_GE(RACE_KINDS, nkinds);
	/*
	 * Derived handles to close, and ports each close asks for their
	 * HANDLE_CLOSE, make CloseCluster take a while.
	 */
	for (i = 0; i < (int)CN_ARRAY_SIZE(pre); i++) {
		pre[i] = OpenClusterGroup(self->hc, cn_wide(CN_GROUP2));
		ASSERT_NE(NULL, pre[i]);
	}
	for (i = 0; i < NRACE_PORTS; i++) {
		ports[i] = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						   INVALID_HANDLE_VALUE, 0, 0);
		ASSERT_NE(NULL, ports[i]);
	}
	root = GetClusterKey(self->hc, KEY_READ);
	ASSERT_NE(NULL, root);
	for (i = 0; i < nkinds; i++) {
		r[i] = (struct racer){ .kind = kinds[i], .hc = self->hc,
				       .root = root, .ports = ports, .go = &go,
				       .closed = &closed };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, racer_thread, &r[i]));
	}
	CN_SET(go);
	/* Every racer has got somewhere before the close starts. */
	end = cn_now_ms() + 10000;
	for (i = 0; i < nkinds; i++) {
		while (__atomic_load_n(&r[i].n, __ATOMIC_RELAXED) < 100 &&
		       cn_now_ms() < end)
			cn_sleep_ms(1);
	}
	EXPECT_TRUE(CloseCluster(self->hc));
	CN_SET(closed);
	for (i = 0; i < nkinds; i++) {
		const char *what = race_names[r[i].kind];

		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_LE(100, r[i].n) TH_LOG("%s", what);
		EXPECT_FALSE(r[i].after_ok) TH_LOG("%s", what);
		EXPECT_EQ(ERROR_INVALID_HANDLE, r[i].last_err)
			TH_LOG("%s", what);
		if (r[i].full)
			TH_LOG("%s: kept no count past %d", what, r[i].n);
	}
	self->hc = NULL;
	for (i = 0; i < (int)CN_ARRAY_SIZE(pre); i++)
		EXPECT_FALSE(CloseClusterGroup(pre[i]));
	for (i = 0; i < nkinds; i++) {
		if (r[i].kind == RACE_REGISTER) {
			registers = true;
			registered += r[i].n;
			counted = counted && !r[i].full;
			continue;
		}
		for (j = 0, total = 0, alive = 0;
		     j < r[i].n && j < NRACE_MAX; j++) {
			total++;
			if (race_alive(r[i].kind, r[i].got[j]))
				alive++;
			race_close(r[i].kind, r[i].got[j]);
		}
		TH_LOG("%s: %d handles obtained while racing, %d still valid after CloseCluster returned",
		       race_names[r[i].kind], total, alive);
		EXPECT_EQ(0, alive) TH_LOG("%s", race_names[r[i].kind]);
	}
	if (registers) {
		/*
		 * Each registration that succeeded was removed by the
		 * close, with its HANDLE_CLOSE, and no event reaches any of
		 * them now.
		 */
		ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
		for (k = 0; k < NRACE_PORTS; k++) {
			while (cn_v1_get(ports[k], 0, &g) == ERROR_SUCCESS) {
				if (g.filter == CLUSTER_CHANGE_HANDLE_CLOSE)
					hc_records++;
				else
					state_records++;
			}
		}
		TH_LOG("RegisterClusterNotify: %d registrations while racing, %d HANDLE_CLOSE, %d events after CloseCluster returned",
		       registered, hc_records, state_records);
		if (counted)
			EXPECT_EQ(registered, hc_records);
		EXPECT_EQ(0, state_records);
	}
	for (i = 0; i < NRACE_PORTS; i++)
		CloseClusterNotifyPort(ports[i]);
	free(r);
}

TEST_F_TIMEOUT(th, closecluster_invalidates_handles_opened_meanwhile, 90)
{
	static const enum race_kind kinds[] = {
		RACE_GROUP, RACE_NODE_EX, RACE_ROOT_KEY, RACE_SUBKEY,
	};

	race_closecluster(_metadata, self, kinds, CN_ARRAY_SIZE(kinds));
}

TEST_F_TIMEOUT(th, closecluster_removes_registrations_made_meanwhile, 90)
{
	static const enum race_kind kinds[] = { RACE_REGISTER };

	race_closecluster(_metadata, self, kinds, CN_ARRAY_SIZE(kinds));
}

/* ------------------------------------------------------------------ */
/* One handle closed from many threads at once                        */
/* ------------------------------------------------------------------ */

struct closer {
	pthread_barrier_t *bar;
	HANDLE h;
	bool cluster;
	BOOL ret;
	DWORD err;
};

static void *closer_thread(void *arg)
{
	struct closer *c = arg;

	SetLastError(0);
	pthread_barrier_wait(c->bar);
	c->ret = c->cluster ? CloseCluster(c->h) : CloseClusterGroup(c->h);
	c->err = GetLastError();
	return NULL;
}

#define NCLOSERS 8
#define NDERIVED 40

TEST_F(th, closecluster_from_many_threads)
{
	struct closer c[NCLOSERS];
	HANDLE g[NDERIVED];
	pthread_barrier_t bar;
	pthread_t t[NCLOSERS];
	struct cn_v1_got got;
	bool seen[NDERIVED] = { false };
	HCHANGE port;
	int i, cluster_hc = 0, group_hc = 0;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
				       CLUSTER_CHANGE_HANDLE_CLOSE, 0xc0);
	ASSERT_NE(NULL, port);
	for (i = 0; i < NDERIVED; i++) {
		g[i] = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
		ASSERT_NE(NULL, g[i]);
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE |
							      CLUSTER_CHANGE_HANDLE_CLOSE,
						g[i], i));
	}
	ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, NCLOSERS));
	for (i = 0; i < NCLOSERS; i++) {
		c[i] = (struct closer){ .bar = &bar, .h = self->hc,
					.cluster = true };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, closer_thread, &c[i]));
	}
	for (i = 0; i < NCLOSERS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_TRUE(c[i].ret);		/* always TRUE */
	}
	self->hc = NULL;
	pthread_barrier_destroy(&bar);
	/* One HANDLE_CLOSE per registered handle, exactly. */
	while (cn_v1_get(port, 0, &got) == ERROR_SUCCESS) {
		EXPECT_EQ(CLUSTER_CHANGE_HANDLE_CLOSE, got.filter);
		if (got.key == 0xc0) {
			cluster_hc++;
		} else if (got.key < NDERIVED) {
			EXPECT_FALSE(seen[got.key]) TH_LOG("group %lu",
							   (unsigned long)got.key);
			seen[got.key] = true;
			group_hc++;
		}
	}
	EXPECT_EQ(1, cluster_hc);
	EXPECT_EQ(NDERIVED, group_hc);
	for (i = 0; i < NDERIVED; i++)
		EXPECT_FALSE(CloseClusterGroup(g[i]));
	CloseClusterNotifyPort(port);
}

TEST_F(th, close_one_object_from_many_threads)
{
	struct closer c[NCLOSERS];
	pthread_barrier_t bar;
	pthread_t t[NCLOSERS];
	struct cn_v1_got got;
	HCHANGE port;
	HGROUP grp;
	int i, round, ok, records;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
				       INVALID_HANDLE_VALUE, 0, 0);
	ASSERT_NE(NULL, port);
	for (round = 0; round < 10; round++) {
		grp = OpenClusterGroup(self->hc, cn_wide(CN_GROUP1));
		ASSERT_NE(NULL, grp);
		ASSERT_EQ(ERROR_SUCCESS,
			  RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE |
							      CLUSTER_CHANGE_HANDLE_CLOSE,
						grp, round));
		ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, NCLOSERS));
		for (i = 0; i < NCLOSERS; i++) {
			c[i] = (struct closer){ .bar = &bar, .h = grp };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, closer_thread,
						    &c[i]));
		}
		for (i = 0, ok = 0; i < NCLOSERS; i++) {
			ASSERT_EQ(0, pthread_join(t[i], NULL));
			if (c[i].ret)
				ok++;
			else
				EXPECT_EQ(ERROR_INVALID_HANDLE, c[i].err);
		}
		pthread_barrier_destroy(&bar);
		EXPECT_EQ(1, ok) TH_LOG("round %d", round);
		for (records = 0; cn_v1_get(port, 0, &got) == ERROR_SUCCESS;
		     records++) {
			EXPECT_EQ(CLUSTER_CHANGE_HANDLE_CLOSE, got.filter);
			EXPECT_EQ(round, got.key);
		}
		EXPECT_EQ(1, records) TH_LOG("round %d", round);
	}
	CloseClusterNotifyPort(port);
}

/* ------------------------------------------------------------------ */
/* Cluster handles opened and closed concurrently                      */
/* ------------------------------------------------------------------ */

#define NOPENERS 6
#define NOPENS 60

struct opener {
	const char *name;
	HCHANGE port;
	int id, done, bad;
};

static void *opener_thread(void *arg)
{
	struct opener *o = arg;
	HCLUSTER h;
	int i;

	for (i = 0; i < NOPENS; i++) {
		h = OpenCluster(cn_wide(o->name));
		if (!h) {
			o->bad++;
			continue;
		}
		if (RegisterClusterNotify(o->port, CLUSTER_CHANGE_HANDLE_CLOSE,
					  h, (DWORD_PTR)o->id << 16 | i))
			o->bad++;
		if (!CloseCluster(h))
			o->bad++;
		o->done++;
	}
	return NULL;
}

TEST_F(th, handle_close_from_concurrent_cluster_handles)
{
	static bool seen[NOPENERS][NOPENS];
	struct opener o[NOPENERS];
	pthread_t t[NOPENERS];
	struct cn_v1_got got;
	HCHANGE port;
	int i, n = 0, done = 0;

	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
				       INVALID_HANDLE_VALUE, 0, 0);
	ASSERT_NE(NULL, port);
	for (i = 0; i < NOPENERS; i++) {
		o[i] = (struct opener){ .name = self->env.name, .port = port,
					.id = i + 1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, opener_thread, &o[i]));
	}
	for (i = 0; i < NOPENERS; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, o[i].bad);
		done += o[i].done;
	}
	while (cn_v1_get(port, 0, &got) == ERROR_SUCCESS) {
		unsigned long id = got.key >> 16, k = got.key & 0xffff;

		EXPECT_EQ(CLUSTER_CHANGE_HANDLE_CLOSE, got.filter);
		EXPECT_STREQ(self->env.name, got.name);
		if (id >= 1 && id <= NOPENERS && k < NOPENS &&
		    !seen[id - 1][k]) {
			seen[id - 1][k] = true;
			n++;
		} else {
			TH_LOG("key 0x%lx unexpected or twice",
			       (unsigned long)got.key);
			EXPECT_TRUE(false);
		}
	}
	EXPECT_EQ(NOPENERS * NOPENS, done);
	EXPECT_EQ(done, n);
	CloseClusterNotifyPort(port);
}

/* ------------------------------------------------------------------ */
/* Closing a port under blocked and spinning callers                   */
/* ------------------------------------------------------------------ */

struct caller {
	HCHANGE port;
	HCLUSTER hc;
	bool spin;
	int *stop;
	DWORD last;
	int calls, bad;
};

static void *caller_thread(void *arg)
{
	struct caller *c = arg;
	struct cn_v1_got g;
	HANDLE ev;
	DWORD st;

	if (!c->spin) {
		c->last = cn_v1_get(c->port, INFINITE, &g);
		return NULL;
	}
	while (!CN_TEST(*c->stop)) {
		st = cn_v1_get(c->port, 0, &g);
		if (st != WAIT_TIMEOUT && st != ERROR_INVALID_HANDLE)
			c->bad++;
		st = RegisterClusterNotify(c->port, CLUSTER_CHANGE_NODE_STATE,
					   c->hc, 7);
		if (st != ERROR_SUCCESS && st != ERROR_INVALID_HANDLE &&
		    st != ERROR_TOO_MANY_OPEN_FILES)
			c->bad++;
		st = GetNotifyEventHandle(c->port, &ev);
		if (st != ERROR_SUCCESS && st != ERROR_INVALID_HANDLE)
			c->bad++;
		c->last = st;
		c->calls++;
	}
	return NULL;
}

TEST_F(th, close_port_under_blocked_and_spinning_callers)
{
	struct caller c[12];
	pthread_t t[12];
	HCHANGE port;
	int stop = 0, i, round;

	for (round = 0; round < 5; round++) {
		port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, self->hc,
					       CLUSTER_CHANGE_GROUP_STATE, 1);
		ASSERT_NE(NULL, port);
		stop = 0;
		for (i = 0; i < 12; i++) {
			c[i] = (struct caller){ .port = port, .hc = self->hc,
						.spin = i >= 8, .stop = &stop };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, caller_thread,
						    &c[i]));
		}
		cn_sleep_ms(100);
		EXPECT_TRUE(CloseClusterNotifyPort(port));
		cn_sleep_ms(50);
		CN_SET(stop);
		for (i = 0; i < 12; i++) {
			ASSERT_EQ(0, pthread_join(t[i], NULL));
			EXPECT_EQ(0, c[i].bad) TH_LOG("caller %d", i);
			EXPECT_EQ(ERROR_INVALID_HANDLE, c[i].last)
				TH_LOG("round %d caller %d", round, i);
		}
	}
}

TEST_HARNESS_MAIN
