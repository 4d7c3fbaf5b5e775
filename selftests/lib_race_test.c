// SPDX-License-Identifier: GPL-2.0
/*
 * Races, each run many times with the two sides released together:
 *  - SHUTDOWN + close of a port against a GET blocked on it (raw), and
 *    CloseClusterNotifyPort against GetClusterNotifyV2(INFINITE) (library):
 *    the waiter always returns at once with ESHUTDOWN / ERROR_INVALID_HANDLE
 *    (or a record), and neither descriptors nor kernel ports leak;
 *  - CloseCluster against RegisterClusterNotify on a cluster or group
 *    handle (library): either the registration fails with
 *    ERROR_INVALID_HANDLE, or it succeeded and the close removed its filter
 *    with one HANDLE_CLOSE; never a filter left behind on a closed handle;
 *  - a producer killed with SIGKILL while it posts batches: every batch
 *    reaches the port whole or not at all, then CLUSTER_STATE, then
 *    nothing; the next producer of the name brings CLUSTER_RECONNECT;
 *  - a cluster unregistered while readers wait and while ADD_FILTER runs:
 *    readers get every event then one CLUSTER_STATE; a filter whose
 *    ADD_FILTER succeeded gets CLUSTER_STATE too;
 *  - delete_module while the module is busy (a port held open, ports
 *    opened and closed, posts and GETs running): always EWOULDBLOCK; and
 *    against the last close: it fails or unloads cleanly, and the module
 *    loads again;
 *  - filters added and removed (with HANDLE_CLOSE) while posts walk the
 *    index: seq never skips, and no record of a filter arrives after its
 *    HANDLE_CLOSE record.
 * Linked with libclusapi (selftests/lib_*_test.c); the raw parts use
 * cn_util only.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "cn_util.h"
#include "kselftest_harness.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define ADD(x, v) __atomic_add_fetch(&(x), (v), __ATOMIC_ACQ_REL)

/*
 * Each race runs until its iterations are done or RACE_MS have passed,
 * whichever comes first; on the debug kernel (KASAN and lockdep under
 * emulation, an order of magnitude slower) for less time and fewer rounds.
 */
static bool debug_kernel(void)
{
	return !access("/sys/kernel/debug/kmemleak", F_OK);
}

#define RACE_MS (debug_kernel() ? 1500 : 3000)
#define ROUNDS(n) (debug_kernel() ? (n) / 2 : (n))

static WCHAR *widen(const char *s, WCHAR *out)
{
	size_t i;

	for (i = 0; s[i]; i++)
		out[i] = (WCHAR)(unsigned char)s[i];
	out[i] = 0;
	return out;
}

/* A few microseconds of spinning, so the two sides meet at varied points. */
static void jitter(unsigned int seed)
{
	volatile unsigned int i, n = seed % 2000;

	for (i = 0; i < n; i++)
		;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* Ports of this process in the kernel's PORT_GET dump. */
static int count_kernel_ports(void)
{
	struct cn_port_desc *d = calloc(4096, sizeof(*d));
	struct cn_nl nl;
	int n = 0, i, mine = 0;

	if (!d || cn_nl_open(&nl)) {
		free(d);
		return -1;
	}
	if (cn_port_dump(&nl, d, 4096, &n))
		mine = -1;
	for (i = 0; mine >= 0 && i < n && i < 4096; i++)
		mine += d[i].pid == (__u32)getpid();
	cn_nl_close(&nl);
	free(d);
	return mine;
}

/* Wait up to ms for fn() to come back to want (deferred closes). */
static int settle(int (*fn)(void), int want, int ms)
{
	__u64 t0 = cn_now_ms();
	int v;

	while ((v = fn()) != want && cn_now_ms() - t0 < (__u64)ms)
		cn_sleep_ms(10);
	return v;
}

static const struct cn_event grp_state = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID,
	.state = CN_GROUP_ONLINE, .has_state = true,
};

FIXTURE(race) {
	struct cn_env env;
	unsigned int saved_max_records;
};

FIXTURE_SETUP(race)
{
	ASSERT_EQ(0, cn_param_get("max_records", &self->saved_max_records));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Race"));
}

FIXTURE_TEARDOWN(race)
{
	cn_env_teardown(&self->env);
	cn_param_set("max_records", self->saved_max_records);
}

/* ------------------------------------------------------------------ */
/* Shutting a port down against a blocked GET                          */
/* ------------------------------------------------------------------ */

struct getter {
	pthread_barrier_t go;
	int fd;
	HCHANGE port;
	int lib;
	long ret;
	DWORD code;
	int quit;
};

static void *getter_thread(void *arg)
{
	struct getter *g = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	__u32 size;

	for (;;) {
		pthread_barrier_wait(&g->go);
		if (LOAD(g->quit))
			break;
		if (g->lib) {
			NOTIFY_FILTER_AND_TYPE fat;
			DWORD_PTR key;
			DWORD bsz = 4096, cch = 256;
			WCHAR name[256];

			g->code = GetClusterNotifyV2(g->port, &key, &fat, buf,
						     &bsz, NULL, NULL, NULL,
						     NULL, name, &cch, NULL,
						     NULL, INFINITE);
		} else {
			size = CN_REC_BUF;
			g->ret = cn_get(g->fd, buf, &size, CLUSNOTIFY_INFINITE);
		}
		pthread_barrier_wait(&g->go);
	}
	free(buf);
	return NULL;
}

TEST_F_TIMEOUT(race, shutdown_and_close_vs_blocked_get, 60)
{
	struct getter g = { 0 };
	pthread_t th;
	int i, fds0, ports0, other = 0, slow = 0, got = 0;
	__u64 t0 = cn_now_ms(), t;

	fds0 = count_fds();
	ports0 = count_kernel_ports();
	ASSERT_EQ(0, pthread_barrier_init(&g.go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, getter_thread, &g));
	for (i = 0; i < 400 && cn_now_ms() - t0 < RACE_MS; i++) {
		g.fd = cn_open_port(0);
		ASSERT_LE(0, g.fd);
		ASSERT_EQ(0, cn_add_v1(g.fd, self->env.cid, CN_V1_ALL, 1, 1));
		if (i % 4 == 0)
			cn_post1(&self->env.nl, self->env.cid, &grp_state);
		pthread_barrier_wait(&g.go);
		jitter(i * 7919);
		cn_ioctl(g.fd, CLUSNOTIFY_IOC_SHUTDOWN, NULL);
		t = cn_now_ms();
		pthread_barrier_wait(&g.go);	/* the GET has returned */
		if (cn_now_ms() - t > 2000)
			slow++;
		close(g.fd);
		if (g.ret == 0)
			got++;
		else if (g.ret != -ESHUTDOWN)
			other++;
	}
	STORE(g.quit, 1);
	pthread_barrier_wait(&g.go);
	pthread_join(th, NULL);
	ksft_print_msg("%d rounds: %d GETs got the posted record, the rest ESHUTDOWN\n",
		       i, got);
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, slow);
	EXPECT_EQ(fds0, count_fds());
	EXPECT_EQ(ports0, settle(count_kernel_ports, ports0, 2000));
}

TEST_F_TIMEOUT(race, close_notify_port_vs_blocked_get_notify, 60)
{
	NOTIFY_FILTER_AND_TYPE fat = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2,
	};
	struct getter g = { .lib = 1 };
	HCLUSTER hc;
	WCHAR w[64];
	pthread_t th;
	int i, fds0, ports0, other = 0, got = 0;
	__u64 t0;

	hc = OpenCluster(widen(self->env.name, w));
	ASSERT_NE(NULL, hc);
	/* The library's own descriptor is open by now: the baseline has it. */
	fds0 = count_fds();
	ports0 = count_kernel_ports();
	ASSERT_EQ(0, pthread_barrier_init(&g.go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, getter_thread, &g));
	t0 = cn_now_ms();
	for (i = 0; i < 400 && cn_now_ms() - t0 < RACE_MS; i++) {
		g.port = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc,
						   &fat, 1, i);
		ASSERT_NE(NULL, g.port);
		if (i % 4 == 0)
			cn_post1(&self->env.nl, self->env.cid, &grp_state);
		pthread_barrier_wait(&g.go);
		jitter(i * 104729);
		EXPECT_TRUE(CloseClusterNotifyPort(g.port));
		pthread_barrier_wait(&g.go);
		if (g.code == ERROR_SUCCESS)
			got++;
		else if (g.code != ERROR_INVALID_HANDLE)
			other++;
	}
	STORE(g.quit, 1);
	pthread_barrier_wait(&g.go);
	pthread_join(th, NULL);
	CloseCluster(hc);
	ksft_print_msg("%d rounds: %d got the posted event, the rest ERROR_INVALID_HANDLE\n",
		       i, got);
	EXPECT_EQ(0, other);
	/* Descriptors close when the last call has left: allow for that. */
	EXPECT_EQ(fds0, settle(count_fds, fds0, 3000));
	EXPECT_EQ(ports0, settle(count_kernel_ports, ports0, 3000));
}

/* ------------------------------------------------------------------ */
/* CloseCluster against RegisterClusterNotify                          */
/* ------------------------------------------------------------------ */

struct registrar {
	pthread_barrier_t go;
	HCHANGE port;
	HANDLE obj;
	DWORD mask;
	DWORD code;
	int quit;
	unsigned int seed;
};

static void *registrar_thread(void *arg)
{
	struct registrar *r = arg;

	for (;;) {
		pthread_barrier_wait(&r->go);
		if (LOAD(r->quit))
			break;
		jitter(r->seed);
		r->code = RegisterClusterNotify(r->port, r->mask, r->obj, 42);
		pthread_barrier_wait(&r->go);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, close_cluster_vs_register_notify, 60)
{
	struct registrar r = { 0 };
	struct clusnotify_port_stats st;
	int i, ok = 0, refused = 0, wrong_code = 0, left = 0, hc_missing = 0;
	int hc_extra = 0;
	WCHAR w[64], gw[64];
	pthread_t th;
	__u64 t0 = cn_now_ms();

	widen(self->env.name, w);
	widen(CN_GROUP1, gw);
	ASSERT_EQ(0, pthread_barrier_init(&r.go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, registrar_thread, &r));
	for (i = 0; i < 2000 && cn_now_ms() - t0 < RACE_MS; i++) {
		HCLUSTER hc = OpenCluster(w);
		HGROUP hg = NULL;
		DWORD_PTR key;
		DWORD type, cch;
		WCHAR name[256];
		int closes = 0;

		ASSERT_NE(NULL, hc);
		r.port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
						 INVALID_HANDLE_VALUE, 0, 0);
		ASSERT_NE(NULL, r.port);
		r.mask = CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_HANDLE_CLOSE;
		if (i % 2) {
			hg = OpenClusterGroup(hc, gw);
			ASSERT_NE(NULL, hg);
			r.obj = hg;
		} else {
			r.obj = hc;
		}
		r.seed = i * 7919;
		pthread_barrier_wait(&r.go);
		jitter(i * 104729);
		CloseCluster(hc);	/* closes hg too */
		pthread_barrier_wait(&r.go);

		for (;;) {
			cch = 256;
			if (GetClusterNotify(r.port, &key, &type, name, &cch,
					     0) != ERROR_SUCCESS)
				break;
			closes += type == CLUSTER_CHANGE_HANDLE_CLOSE;
		}
		ASSERT_EQ(0, clusnotify_port_stats(r.port, &st));
		if (r.code == ERROR_SUCCESS) {
			ok++;
			hc_missing += closes != 1;
		} else {
			refused++;
			wrong_code += r.code != ERROR_INVALID_HANDLE;
			hc_extra += closes != 0;
		}
		left += st.filters != 0;
		CloseClusterNotifyPort(r.port);
	}
	STORE(r.quit, 1);
	pthread_barrier_wait(&r.go);
	pthread_join(th, NULL);
	ksft_print_msg("%d rounds: %d registrations won, %d refused; filters left on a closed handle %d, HANDLE_CLOSE missing %d\n",
		       i, ok, refused, left, hc_missing);
	EXPECT_EQ(0, left);
	EXPECT_EQ(0, hc_missing);
	EXPECT_EQ(0, hc_extra);
	EXPECT_EQ(0, wrong_code);
}

/* ------------------------------------------------------------------ */
/* A producer killed in the middle of its batches                      */
/* ------------------------------------------------------------------ */

#define KILL_BATCH 100

struct victim {
	char name[64];
	int iter;
	int registered;
	int go;
	int err;
};

struct kill_stamp {
	__u32 iter;
	__u32 event;
};

static int victim_main(struct victim *v)
{
	struct cn_obj_desc g = {
		.type = CLUSNOTIFY_OBJ_GROUP, .id = CN_GROUP1_ID,
		.name = CN_GROUP1,
	};
	struct kill_stamp st[KILL_BATCH];
	struct cn_event ev[KILL_BATCH];
	struct cn_nl nl;
	__u32 cid, e = 0;
	int i, ret;

	if (cn_nl_open(&nl) || cn_register(&nl, v->name, &cid) ||
	    cn_publish(&nl, cid, &g, 1)) {
		STORE(v->err, 1);
		return 1;
	}
	STORE(v->registered, 1);
	while (!LOAD(v->go))
		;
	for (;;) {
		for (i = 0; i < KILL_BATCH; i++) {
			st[i].iter = v->iter;
			st[i].event = e + i;
			ev[i] = grp_state;
			ev[i].payload = &st[i];
			ev[i].payload_len = sizeof(st[i]);
		}
		ret = cn_post(&nl, cid, ev, KILL_BATCH, NULL);
		if (ret) {
			STORE(v->err, ret);
			return 1;
		}
		e += KILL_BATCH;
	}
}

TEST_F_TIMEOUT(race, producer_killed_mid_batch, 60)
{
	struct victim *v = cn_shared_alloc(sizeof(*v));
	unsigned char *buf = malloc(CN_REC_BUF);
	struct clusnotify_cluster_query q;
	int iter, port = -1, status, torn = 0;
	__u64 seq = 0, events = 0;
	__u32 cid = 0;
	struct cn_rec r;
	pid_t pid;

	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, buf);
	/* Room for everything a victim can post between two reads. */
	ASSERT_EQ(0, cn_param_set("max_records", 1000000));
	cn_unique_name(v->name, sizeof(v->name), "RaceKill");
	for (iter = 0; iter < ROUNDS(12); iter++) {
		__u32 e = 0;
		int n;

		memset(&v->iter, 0, sizeof(*v) - sizeof(v->name));
		v->iter = iter;
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(victim_main(v));
		while (!LOAD(v->registered) && !LOAD(v->err))
			cn_sleep_ms(1);
		ASSERT_EQ(0, v->err);
		if (port < 0) {
			port = cn_open_port(0);
			ASSERT_LE(0, port);
			ASSERT_EQ(0, cn_cluster_lookup(port, v->name, 0, &q,
						       NULL, 0));
			cid = q.cluster_id;
			ASSERT_EQ(0, cn_add_v1(port, cid, CN_V1_ALL, 7, 7));
		}
		STORE(v->go, 1);
		cn_sleep_ms(1 + (iter * 37) % 40);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, v->err);

		/* RECONNECT (not the first time), whole batches, CLUSTER_STATE. */
		for (n = 0;; n++) {
			int ret = cn_get_rec(port, buf, 500, &r);

			if (ret == -ETIMEDOUT)
				break;
			ASSERT_EQ(0, ret);
			ASSERT_EQ(seq, r.hdr.seq);
			seq++;
			if (r.hdr.v1_change == CN_V1_CLUSTER_RECONNECT) {
				ASSERT_EQ(0, n);
				ASSERT_NE(0, iter);
				ASSERT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, r.hdr.flags);
				continue;
			}
			if (r.hdr.v1_change == CN_V1_CLUSTER_STATE) {
				ASSERT_EQ(CLUSNOTIFY_RECORD_F_KERNEL, r.hdr.flags);
				ASSERT_EQ(CLUSNOTIFY_CLUSTER_DOWN, r.hdr.state);
				/* the last: nothing may follow */
				ASSERT_EQ(-ETIMEDOUT,
					  cn_get_rec(port, buf, 200, &r));
				break;
			}
			ASSERT_EQ(CN_V1_GROUP_STATE, r.hdr.v1_change);
			ASSERT_EQ(sizeof(struct kill_stamp), r.hdr.payload_len);
			ASSERT_EQ(iter, ((const struct kill_stamp *)r.payload)->iter);
			ASSERT_EQ(e, ((const struct kill_stamp *)r.payload)->event);
			e++;
		}
		ASSERT_EQ(CN_V1_CLUSTER_STATE, r.hdr.v1_change);
		torn += e % KILL_BATCH != 0;
		events += e;
	}
	ksft_print_msg("%d producers killed after %llu events in batches of %d; torn batches %d\n",
		       iter, (unsigned long long)events, KILL_BATCH, torn);
	EXPECT_EQ(0, torn);
	/* The name is held, down, for its producer: take it back and drop it. */
	ASSERT_EQ(0, cn_register(&self->env.nl, v->name, &cid));
	EXPECT_EQ(0, cn_unregister(&self->env.nl, cid));
	close(port);
	free(buf);
	munmap(v, sizeof(*v));
}

/* ------------------------------------------------------------------ */
/* Unregistering a cluster while ports read it                         */
/* ------------------------------------------------------------------ */

#define NREADERS 4
#define UNREG_EVENTS 50

struct reader {
	int fd;
	int mode;		/* 0: GET, 1: read() */
	int events;
	int states;
	int after;		/* records after CLUSTER_STATE */
	int bad;
};

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	struct cn_rec r;
	const char *why;
	ssize_t n;
	size_t off;

	for (;;) {
		/* Patient until CLUSTER_STATE, then a little for stragglers. */
		int wait = rd->states ? 300 : 10000;

		if (rd->mode == 0) {
			int ret = cn_get_rec(rd->fd, buf, wait, &r);

			if (ret == -ETIMEDOUT)
				break;
			if (ret) {
				rd->bad++;
				break;
			}
			n = r.hdr.size;
		} else {
			struct timeval tv = { wait / 1000,
					      (wait % 1000) * 1000 };
			fd_set set;

			FD_ZERO(&set);
			FD_SET(rd->fd, &set);
			if (select(rd->fd + 1, &set, NULL, NULL, &tv) <= 0)
				break;
			n = read(rd->fd, buf, CN_REC_BUF);
			if (n <= 0) {
				rd->bad++;
				break;
			}
		}
		for (off = 0; off < (size_t)n; off += r.hdr.size) {
			if (cn_decode_record(buf + off, n - off, &r, &why)) {
				rd->bad++;
				goto out;
			}
			if (rd->states)
				rd->after++;
			if (r.hdr.v1_change == CN_V1_CLUSTER_STATE)
				rd->states++;
			else
				rd->events++;
		}
	}
out:
	free(buf);
	return NULL;
}

TEST_F_TIMEOUT(race, unregister_while_ports_read, 90)
{
	struct reader rd[NREADERS];
	pthread_t th[NREADERS];
	struct cn_event ev[UNREG_EVENTS];
	int round, i, bad = 0;

	for (i = 0; i < UNREG_EVENTS; i++)
		ev[i] = grp_state;
	for (round = 0; round < ROUNDS(10); round++) {
		char name[64];
		__u32 cid;

		cn_unique_name(name, sizeof(name), "RaceUnreg");
		ASSERT_EQ(0, cn_register(&self->env.nl, name, &cid));
		ASSERT_EQ(0, cn_publish(&self->env.nl, cid, cn_std_objects,
					cn_std_nobjects));
		for (i = 0; i < NREADERS; i++) {
			memset(&rd[i], 0, sizeof(rd[i]));
			rd[i].mode = i % 2;
			rd[i].fd = cn_open_port(i % 2 ? O_NONBLOCK : 0);
			ASSERT_LE(0, rd[i].fd);
			ASSERT_EQ(0, cn_add_v1(rd[i].fd, cid, CN_V1_ALL, 1, 1));
			ASSERT_EQ(0, cn_add_v2(rd[i].fd, cid,
					       CLUSNOTIFY_OBJ_GROUP,
					       CN_V2_GROUP_ALL, 2, 2));
			ASSERT_EQ(0, pthread_create(&th[i], NULL,
						    reader_thread, &rd[i]));
		}
		ASSERT_EQ(0, cn_post(&self->env.nl, cid, ev, UNREG_EVENTS,
				     NULL));
		jitter(round * 7919);
		ASSERT_EQ(0, cn_unregister(&self->env.nl, cid));
		for (i = 0; i < NREADERS; i++) {
			pthread_join(th[i], NULL);
			/* two filters match each event */
			if (rd[i].events != 2 * UNREG_EVENTS ||
			    rd[i].states != 1 || rd[i].after || rd[i].bad) {
				TH_LOG("round %d reader %d: %d events, %d CLUSTER_STATE, %d after it, %d bad",
				       round, i, rd[i].events, rd[i].states,
				       rd[i].after, rd[i].bad);
				bad++;
			}
			/* the cluster is gone for new filters */
			EXPECT_EQ(-ENOENT, cn_add_v1(rd[i].fd, cid, CN_V1_ALL,
						     3, 3));
			close(rd[i].fd);
		}
	}
	EXPECT_EQ(0, bad);
}

struct adder {
	pthread_barrier_t go;
	int fd;
	__u32 cid;
	int ret;
	int quit;
	unsigned int seed;
};

static void *adder_thread(void *arg)
{
	struct adder *a = arg;

	for (;;) {
		pthread_barrier_wait(&a->go);
		if (LOAD(a->quit))
			break;
		jitter(a->seed);
		/* An object filter looks the object up: a wider window. */
		a->ret = cn_add_v1_obj(a->fd, a->cid, CN_V1_GROUP_STATE,
				       CLUSNOTIFY_OBJ_GROUP, CN_GROUP1_ID, 5, 5);
		pthread_barrier_wait(&a->go);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, add_filter_vs_unregister, 60)
{
	struct adder a = { 0 };
	unsigned char *buf = malloc(CN_REC_BUF);
	struct cn_obj_desc g = {
		.type = CLUSNOTIFY_OBJ_GROUP, .id = CN_GROUP1_ID,
		.name = CN_GROUP1,
	};
	int i, won = 0, lost = 0, orphans = 0, other = 0;
	struct cn_rec r;
	pthread_t th;
	__u64 t0 = cn_now_ms();

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pthread_barrier_init(&a.go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, adder_thread, &a));
	for (i = 0; i < 1000 && cn_now_ms() - t0 < RACE_MS; i++) {
		char name[64];
		int states = 0;

		cn_unique_name(name, sizeof(name), "RaceAdd");
		ASSERT_EQ(0, cn_register(&self->env.nl, name, &a.cid));
		ASSERT_EQ(0, cn_publish(&self->env.nl, a.cid, &g, 1));
		a.fd = cn_open_port(0);
		ASSERT_LE(0, a.fd);
		a.seed = i * 7919;
		pthread_barrier_wait(&a.go);
		jitter(i * 104729);
		ASSERT_EQ(0, cn_unregister(&self->env.nl, a.cid));
		pthread_barrier_wait(&a.go);
		while (!cn_get_rec(a.fd, buf, 0, &r))
			states += r.hdr.v1_change == CN_V1_CLUSTER_STATE;
		if (a.ret == 0) {
			won++;
			/* A filter on the cluster: it must learn it went. */
			orphans += states != 1;
		} else if (a.ret == -ENOENT) {
			lost++;
		} else {
			other++;
		}
		close(a.fd);
	}
	STORE(a.quit, 1);
	pthread_barrier_wait(&a.go);
	pthread_join(th, NULL);
	free(buf);
	ksft_print_msg("%d rounds: ADD_FILTER won %d, ENOENT %d; filters left on an unregistered cluster without CLUSTER_STATE: %d\n",
		       i, won, lost, orphans);
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, orphans);
}

/* ------------------------------------------------------------------ */
/* delete_module while busy                                            */
/* ------------------------------------------------------------------ */

#define MOD_SYSFS "/sys/module/clusnotify"

static int unload(void)
{
	return syscall(SYS_delete_module, "clusnotify", O_NONBLOCK) ? -errno : 0;
}

static int load(void)
{
	int fd = open(CN_MODULE_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

struct busy {
	int stop;
	__u32 cid;
	char name[64];
	int held;		/* a port with a filter on cid */
	int opens, posts, gets;
};

static void *churn_ports(void *arg)
{
	struct busy *b = arg;

	while (!LOAD(b->stop)) {
		int fd = cn_open_port(0);

		if (fd >= 0) {
			cn_add_v1(fd, b->cid, CN_V1_ALL, 1, 1);
			close(fd);
			ADD(b->opens, 1);
		}
	}
	return NULL;
}

static void *churn_posts(void *arg)
{
	struct busy *b = arg;
	struct cn_nl nl;
	__u32 cid;
	char name[80];

	if (cn_nl_open(&nl))
		return NULL;
	snprintf(name, sizeof(name), "%s-p", b->name);
	if (cn_register(&nl, name, &cid) ||
	    cn_publish(&nl, cid, cn_std_objects, cn_std_nobjects)) {
		cn_nl_close(&nl);
		return NULL;
	}
	STORE(b->cid, cid);
	while (!LOAD(b->stop))
		if (!cn_post1(&nl, cid, &grp_state))
			ADD(b->posts, 1);
	cn_unregister(&nl, cid);
	cn_nl_close(&nl);
	return NULL;
}

static void *churn_gets(void *arg)
{
	struct busy *b = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	__u32 size;

	while (!LOAD(b->stop)) {
		size = CN_REC_BUF;
		if (!cn_get(b->held, buf, &size, 10))
			ADD(b->gets, 1);
	}
	free(buf);
	return NULL;
}

TEST(rmmod_while_busy_is_refused)
{
	struct busy *b = calloc(1, sizeof(*b));
	pthread_t th[3];
	int i, refused = 0, other = 0, last = 0;

	if (access(CN_MODULE_PATH, R_OK))
		SKIP(return, "%s not present", CN_MODULE_PATH);
	ASSERT_NE(NULL, b);
	cn_unique_name(b->name, sizeof(b->name), "RaceMod");
	b->held = cn_open_port(0);
	ASSERT_LE(0, b->held);
	ASSERT_EQ(0, pthread_create(&th[0], NULL, churn_posts, b));
	while (!LOAD(b->cid))
		cn_sleep_ms(1);
	ASSERT_EQ(0, cn_add_v1(b->held, b->cid, CN_V1_ALL, 1, 1));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, churn_ports, b));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, churn_gets, b));
	for (i = 0; i < ROUNDS(200); i++) {
		int ret = unload();

		if (ret == -EWOULDBLOCK || ret == -EBUSY) {
			refused++;
		} else {
			other++;
			last = ret;
		}
		cn_sleep_ms(5);
	}
	STORE(b->stop, 1);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	close(b->held);
	ksft_print_msg("%d delete_module while busy: %d refused (%d opens, %d posts, %d GETs meanwhile)\n",
		       i, refused, b->opens, b->posts, b->gets);
	if (other)
		TH_LOG("delete_module returned %d", last);
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, access(MOD_SYSFS, F_OK));
	if (access(MOD_SYSFS, F_OK))
		load();
	free(b);
}

struct closer {
	pthread_barrier_t go;
	int fd;
	int quit;
	int closed;
	unsigned int seed;
};

static void *closer_thread(void *arg)
{
	struct closer *c = arg;

	for (;;) {
		pthread_barrier_wait(&c->go);
		if (LOAD(c->quit))
			break;
		jitter(c->seed);
		close(c->fd);
		STORE(c->closed, 1);
		pthread_barrier_wait(&c->go);
	}
	return NULL;
}

TEST(rmmod_vs_last_close)
{
	struct closer c = { 0 };
	struct clusnotify_info info;
	int i, unloaded = 0, refused = 0, other = 0, reload_failed = 0;
	int broken = 0;
	pthread_t th;

	if (access(CN_MODULE_PATH, R_OK))
		SKIP(return, "%s not present", CN_MODULE_PATH);
	ASSERT_EQ(0, pthread_barrier_init(&c.go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, closer_thread, &c));
	for (i = 0; i < ROUNDS(30); i++) {
		int ret;

		c.fd = cn_open_port(0);
		ASSERT_LE(0, c.fd);
		c.seed = i * 7919;
		c.closed = 0;
		pthread_barrier_wait(&c.go);
		/* Every third round after the close, else against it. */
		if (i % 3 == 2)
			while (!LOAD(c.closed))
				cn_sleep_ms(1);
		else
			jitter(i * 104729);
		ret = unload();
		pthread_barrier_wait(&c.go);
		if (!ret) {
			unloaded++;
			if (load())
				reload_failed++;
		} else if (ret == -EWOULDBLOCK || ret == -EBUSY) {
			refused++;
		} else {
			other++;
		}
		/* Whatever happened, the device works afterwards. */
		ret = cn_open_port(0);
		if (ret < 0 || cn_ioctl(ret, CLUSNOTIFY_IOC_GET_INFO, &info))
			broken++;
		if (ret >= 0)
			close(ret);
	}
	STORE(c.quit, 1);
	pthread_barrier_wait(&c.go);
	pthread_join(th, NULL);
	ksft_print_msg("%d rounds: unloaded %d, refused %d\n", i, unloaded,
		       refused);
	EXPECT_EQ(0, other);
	EXPECT_LT(0, unloaded);
	EXPECT_EQ(0, reload_failed);
	EXPECT_EQ(0, broken);
	if (access(MOD_SYSFS, F_OK))
		load();
}

/* ------------------------------------------------------------------ */
/* Filters replaced while posts walk the index                         */
/* ------------------------------------------------------------------ */

#define MAX_TOKENS (1 << 20)

struct replacer {
	struct cn_env *env;
	int fd;
	int stop;
	int writer_done;
	__u64 next_token;	/* tokens handed out: 1..next_token */
	unsigned char *closed;	/* per token: HANDLE_CLOSE seen */
	int adds, removes, errors;
	int after_close;	/* records of a filter after its HANDLE_CLOSE */
	int seq_gaps, unknown, double_close;
	__u64 records;
};

static void *replace_thread(void *arg)
{
	struct replacer *rp = arg;
	__u64 t;

	while (!LOAD(rp->stop)) {
		t = ADD(rp->next_token, 1);
		if (t >= MAX_TOKENS)
			break;
		if (t % 2 ?
		    cn_add_v1(rp->fd, rp->env->cid, CN_V1_GROUP_STATE |
			      CN_V1_HANDLE_CLOSE, t, t) :
		    cn_add_v2(rp->fd, rp->env->cid, CLUSNOTIFY_OBJ_GROUP,
			      CN_V2_GROUP_STATE | CN_V2_GROUP_HANDLE_CLOSE, t,
			      t)) {
			rp->errors++;
			continue;
		}
		rp->adds++;
		jitter(t * 7919);
		if (cn_remove(rp->fd, t, CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE) != 1)
			rp->errors++;
		else
			rp->removes++;
	}
	STORE(rp->writer_done, 1);
	return NULL;
}

static void *replace_reader(void *arg)
{
	struct replacer *rp = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	__u64 seq = 0;
	struct cn_rec r;
	int idle = 0;

	while (idle < 3) {
		int ret = cn_get_rec(rp->fd, buf, 100, &r);
		__u64 t;

		if (ret == -ETIMEDOUT) {
			idle += LOAD(rp->writer_done);
			continue;
		}
		if (ret)
			break;
		rp->records++;
		if (r.hdr.seq != seq)
			rp->seq_gaps++;
		seq = r.hdr.seq + ((r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) ?
				   r.hdr.lost : 1);
		t = r.hdr.token;
		if (t == 0 || t >= MAX_TOKENS || r.hdr.key != t) {
			rp->unknown++;
			continue;
		}
		if (r.hdr.v1_change == CN_V1_HANDLE_CLOSE &&
		    r.hdr.flags == CLUSNOTIFY_RECORD_F_KERNEL) {
			rp->double_close += rp->closed[t];
			rp->closed[t] = 1;
		} else if (rp->closed[t]) {
			rp->after_close++;
		}
	}
	free(buf);
	return NULL;
}

static void *replace_poster(void *arg)
{
	struct replacer *rp = arg;
	struct cn_event ev[16];
	int i;

	for (i = 0; i < 16; i++)
		ev[i] = grp_state;
	while (!LOAD(rp->stop))
		cn_post(&rp->env->nl, rp->env->cid, ev, 16, NULL);
	return NULL;
}

TEST_F_TIMEOUT(race, filters_replaced_while_posting, 60)
{
	struct replacer rp = { .env = &self->env };
	pthread_t w, rd, po;

	ASSERT_EQ(0, cn_param_set("max_records", 1000000));
	rp.closed = calloc(MAX_TOKENS, 1);
	ASSERT_NE(NULL, rp.closed);
	rp.fd = self->env.port;
	ASSERT_EQ(0, pthread_create(&rd, NULL, replace_reader, &rp));
	ASSERT_EQ(0, pthread_create(&po, NULL, replace_poster, &rp));
	ASSERT_EQ(0, pthread_create(&w, NULL, replace_thread, &rp));
	cn_sleep_ms(RACE_MS);
	STORE(rp.stop, 1);
	pthread_join(w, NULL);
	pthread_join(po, NULL);
	pthread_join(rd, NULL);
	ksft_print_msg("%d filters added and removed during posts; %llu records; after HANDLE_CLOSE %d, seq gaps %d\n",
		       rp.adds, (unsigned long long)rp.records,
		       rp.after_close, rp.seq_gaps);
	EXPECT_EQ(0, rp.errors);
	EXPECT_EQ(rp.adds, rp.removes);
	EXPECT_EQ(0, rp.seq_gaps);
	EXPECT_EQ(0, rp.unknown);
	EXPECT_EQ(0, rp.double_close);
	/* HANDLE_CLOSE is the last record a filter produces. */
	EXPECT_EQ(0, rp.after_close);
	free(rp.closed);
}

TEST_HARNESS_MAIN
