// SPDX-License-Identifier: GPL-2.0
/*
 * Limits and security, measured:
 *  - memory: in memory cgroups (v2, created here) for a consumer that
 *    never reads and for the producer, the kernel memory an empty port, a
 *    filter and a queued record cost, what a full port pins (records are
 *    charged to the consumer, the shared payloads to the producer), that
 *    halving max_records halves it, that closing the port gives it all
 *    back, and that a consumer cgroup's memory.max really bounds its
 *    queues: records past it are refused (counted lost, and reported
 *    exactly) instead of pushing the cgroup over its limit;
 *  - ports per user and filters per port hold when racing to the limit
 *    from several processes / threads at once;
 *  - an unprivileged user (uid 65534) cannot register, publish, post or
 *    unregister, cannot look up, filter or dump a cluster whose mode
 *    denies it (and gets no record of it), and the library answers
 *    ERROR_ACCESS_DENIED (OpenClusterEx) and -EPERM (producer API).
 * Figures are printed as "# mem: ..." lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "cn_util.h"
#include "kselftest_harness.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

#define CG_ROOT "/sys/fs/cgroup"
/*
 * Volumes, smaller on the debug kernel (KASAN and lockdep under emulation
 * are an order of magnitude slower): records queued on one port,
 * 60000-byte payloads queued, records due past memory.max.
 */
#define NREC (debug_kernel() ? 4000 : 16000)
#define NPL (debug_kernel() ? 60 : 200)
#define NMAX (debug_kernel() ? 6000 : 30000)
#define NPORTS (debug_kernel() ? 64 : 256)
#define NFILTERS (debug_kernel() ? 100 : 500)

static bool debug_kernel(void)
{
	return !access("/sys/kernel/debug/kmemleak", F_OK);
}

static int write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long long read_ll(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

/* A cgroup v2 with the memory controller, created for this test. */
struct cg {
	char path[128];
};

static int cg_enable(void)
{
	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CG_ROOT, "cgroup2", 0, NULL))
		return -errno;
	return write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
}

static int cg_create(struct cg *cg, const char *tag)
{
	snprintf(cg->path, sizeof(cg->path), CG_ROOT "/%s-%d", tag,
		 (int)getpid());
	if (mkdir(cg->path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int cg_write(struct cg *cg, const char *file, const char *v)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/%s", cg->path, file);
	return write_file(p, v);
}

static int cg_enter(struct cg *cg, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	return cg_write(cg, "cgroup.procs", v);
}

static long long cg_current(struct cg *cg)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/memory.current", cg->path);
	return read_ll(p);
}

/* One field of memory.stat, in bytes. */
static long long cg_stat(struct cg *cg, const char *key)
{
	char p[192], line[128];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(p, sizeof(p), "%s/memory.stat", cg->path);
	f = fopen(p, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void cg_destroy(struct cg *cg)
{
	if (cg->path[0])
		rmdir(cg->path);
}

/* ------------------------------------------------------------------ */
/* A consumer process that never reads unless told to                  */
/* ------------------------------------------------------------------ */

enum { C_IDLE, C_OPEN, C_FILTERS, C_CLOSE, C_DRAIN, C_QUIT };

#define MAXP 512

struct consumer {
	int cmd;		/* set by the parent, C_IDLE when done */
	int arg;
	__u32 cid;
	int ret;
	int nports;
	int fds[MAXP];
	/* C_DRAIN results: the seq proof of port 0 */
	__u64 records, lost, next_seq, stats_lost, stats_next;
	int seq_ok;
};

static void consumer_main(struct consumer *cs)
{
	static unsigned char buf[CN_REC_BUF];
	struct clusnotify_port_stats st;
	struct cn_rec r;
	int i;

	for (;;) {
		int cmd = LOAD(cs->cmd);

		if (cmd == C_IDLE) {
			cn_sleep_ms(1);
			continue;
		}
		cs->ret = 0;
		switch (cmd) {
		case C_OPEN:	/* arg ports, each with one filter if cid */
			for (i = 0; i < cs->arg && cs->nports < MAXP; i++) {
				int fd = cn_open_port(0);

				if (fd < 0) {
					cs->ret = fd;
					break;
				}
				cs->fds[cs->nports++] = fd;
				if (cs->cid && cn_add_v1(fd, cs->cid, CN_V1_ALL,
							 1, 1))
					cs->ret = -errno;
			}
			break;
		case C_FILTERS:	/* arg more filters on port 0 */
			for (i = 0; i < cs->arg; i++)
				if (cn_add_v2(cs->fds[0], cs->cid,
					      CLUSNOTIFY_OBJ_GROUP,
					      CN_V2_GROUP_STATE, i, i))
					cs->ret = -errno;
			break;
		case C_CLOSE:
			while (cs->nports)
				close(cs->fds[--cs->nports]);
			break;
		case C_DRAIN:	/* read port 0 empty, proving seq */
			cs->records = cs->lost = cs->next_seq = 0;
			cs->seq_ok = 1;
			while (!cn_get_rec(cs->fds[0], buf, 0, &r)) {
				if (r.hdr.seq != cs->next_seq)
					cs->seq_ok = 0;
				if (r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) {
					cs->lost += r.hdr.lost;
					cs->next_seq = r.hdr.seq + r.hdr.lost;
				} else {
					cs->records++;
					cs->next_seq = r.hdr.seq + 1;
				}
			}
			cn_port_stats(cs->fds[0], &st);
			cs->stats_lost = st.lost;
			cs->stats_next = st.next_seq;
			break;
		case C_QUIT:
			_exit(0);
		}
		STORE(cs->cmd, C_IDLE);
	}
}

static int consumer_do(struct consumer *cs, int cmd, int arg)
{
	__u64 t0 = cn_now_ms();

	cs->arg = arg;
	STORE(cs->cmd, cmd);
	while (LOAD(cs->cmd) != C_IDLE) {
		if (cn_now_ms() - t0 > 60000)
			return -ETIMEDOUT;
		cn_sleep_ms(1);
	}
	return cs->ret;
}

/* Post n events (payload bytes each) in batches the kernel takes. */
static int post_n(struct cn_env *env, int n, __u32 payload_len)
{
	static unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
	struct cn_event *ev;
	int batch = payload_len > 1000 ? 16 : 2000, i, ret = 0;

	ev = calloc(batch, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	for (i = 0; i < batch; i++) {
		ev[i].type = CLUSNOTIFY_OBJ_GROUP;
		ev[i].v1 = CN_V1_GROUP_STATE;
		ev[i].v2 = CN_V2_GROUP_STATE;
		ev[i].id = CN_GROUP1_ID;
		ev[i].payload = payload_len ? payload : NULL;
		ev[i].payload_len = payload_len;
	}
	while (n > 0 && !ret) {
		int k = n < batch ? n : batch;

		ret = cn_post(&env->nl, env->cid, ev, k, NULL);
		n -= k;
	}
	free(ev);
	return ret;
}

/* Let RCU-deferred frees land; memory.stat flushes itself when read. */
static void settle(void)
{
	cn_sleep_ms(300);
}

FIXTURE(mem) {
	struct cn_env env;
	struct cg cons, prod;
	struct consumer *cs;
	pid_t pid;
	unsigned int saved_max_records, saved_max_batch;
	bool ready;
};

FIXTURE_SETUP(mem)
{
	int ret = cg_enable();

	if (ret)
		SKIP(return, "no cgroup v2 memory controller: %s",
		     strerror(-ret));
	ASSERT_EQ(0, cg_create(&self->cons, "cn-cons"));
	ASSERT_EQ(0, cg_create(&self->prod, "cn-prod"));
	ASSERT_EQ(0, cn_param_get("max_records", &self->saved_max_records));
	ASSERT_EQ(0, cn_param_get("max_batch", &self->saved_max_batch));
	/* The producer (this process) is charged in its own cgroup. */
	ASSERT_EQ(0, cg_enter(&self->prod, getpid()));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Mem"));
	self->cs = cn_shared_alloc(sizeof(*self->cs));
	ASSERT_NE(NULL, self->cs);
	self->cs->cid = self->env.cid;
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid) {
		if (cg_enter(&self->cons, getpid()))
			_exit(1);
		consumer_main(self->cs);
	}
	/* wait until it is in its cgroup and idle */
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
	self->ready = true;
}

FIXTURE_TEARDOWN(mem)
{
	int status;

	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, &status, 0);
	}
	cn_env_teardown(&self->env);
	if (self->ready || self->prod.path[0])
		cg_enter(&(struct cg){ CG_ROOT }, getpid());
	cn_param_set("max_records", self->saved_max_records);
	cn_param_set("max_batch", self->saved_max_batch);
	cg_destroy(&self->cons);
	cg_destroy(&self->prod);
}

#define NEED_CGROUP()							\
	do {								\
		if (!self->ready)					\
			SKIP(return, "no cgroup v2 memory controller");	\
	} while (0)

struct sample {
	long long cur, slab;
};

static struct sample sample(struct cg *cg)
{
	struct sample s;

	settle();
	s.cur = cg_current(cg);
	s.slab = cg_stat(cg, "slab");
	return s;
}

TEST_F_TIMEOUT(mem, cost_of_ports_filters_and_records, 300)
{
	struct sample a, b;
	double per_port, per_filter, per_rec_full, per_rec_half, pl_full;
	double pl_half;
	long long full, half, cur_full;

	NEED_CGROUP();

	/* An empty port. */
	a = sample(&self->cons);
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, NPORTS));
	b = sample(&self->cons);
	per_port = (double)(b.cur - a.cur) / NPORTS;
	ksft_print_msg("mem: empty port: %.0f bytes (memory.current), %.0f of them slab\n",
		       per_port, (double)(b.slab - a.slab) / NPORTS);
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));

	/* A filter. */
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	a = sample(&self->cons);
	ASSERT_EQ(0, consumer_do(self->cs, C_FILTERS, NFILTERS));
	b = sample(&self->cons);
	per_filter = (double)(b.slab - a.slab) / NFILTERS;
	ksft_print_msg("mem: filter: %.0f bytes (slab), %.0f (memory.current)\n",
		       per_filter, (double)(b.cur - a.cur) / NFILTERS);
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));

	/* Queued records: a port filled to max_records, then to half. */
	ASSERT_EQ(0, cn_param_set("max_records", NREC));
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	a = sample(&self->cons);
	ASSERT_EQ(0, post_n(&self->env, NREC, 0));
	b = sample(&self->cons);
	full = b.slab - a.slab;
	per_rec_full = (double)full / NREC;
	cur_full = b.cur - a.cur;
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
	ASSERT_EQ(0, cn_param_set("max_records", NREC / 2));
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	a = sample(&self->cons);
	/* as many events: half of them are refused (lost) */
	ASSERT_EQ(0, post_n(&self->env, NREC, 0));
	b = sample(&self->cons);
	half = b.slab - a.slab;
	per_rec_half = (double)half / (NREC / 2);
	ASSERT_EQ(0, consumer_do(self->cs, C_DRAIN, 0));
	EXPECT_EQ(NREC / 2, self->cs->records);
	EXPECT_EQ(NREC / 2, self->cs->lost);
	EXPECT_TRUE(self->cs->seq_ok);
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
	ksft_print_msg("mem: queued record: %.0f bytes (slab); a port full at %d records: %lld bytes of slab (memory.current +%lld), at %d: %lld (ratio %.2f)\n",
		       per_rec_full, NREC, full, cur_full, NREC / 2, half,
		       (double)half / full);
	/* A small entry, never a copy of the event (KASAN pads it). */
	EXPECT_LT(per_rec_full, 512);
	EXPECT_LT(per_rec_half, 512);
	EXPECT_LT((double)half / full, 0.6);
	EXPECT_GT((double)half / full, 0.4);

	/*
	 * Big payloads are shared and charged to the producer: a port that
	 * never reads pins max_records of them in the producer's cgroup.
	 */
	ASSERT_EQ(0, cn_param_set("max_records", NPL));
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	a = sample(&self->prod);
	ASSERT_EQ(0, post_n(&self->env, NPL + NPL / 2, 60000));
	b = sample(&self->prod);
	pl_full = b.cur - a.cur;
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
	b = sample(&self->prod);
	ksft_print_msg("mem: %d queued 60000-byte payloads pin %.1f MiB of the producer's cgroup (%.0f bytes each); %.1f MiB left after close\n",
		       NPL, pl_full / 1048576, pl_full / NPL,
		       (b.cur - a.cur) / 1048576.0);
	/* Released on close (up to the memcg's per-cpu charge batches). */
	EXPECT_LT(b.cur - a.cur, (1 << 20) + pl_full / 20);
	ASSERT_EQ(0, cn_param_set("max_records", NPL / 2));
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	a = sample(&self->prod);
	ASSERT_EQ(0, post_n(&self->env, NPL + NPL / 2, 60000));
	b = sample(&self->prod);
	pl_half = b.cur - a.cur;
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
	ksft_print_msg("mem: with max_records halved: %.1f MiB (ratio %.2f)\n",
		       pl_half / 1048576, pl_half / pl_full);
	EXPECT_GT(pl_full / NPL, 60000);	/* each payload stays whole */
	EXPECT_LT(pl_full / NPL, 2 * 65536);
	EXPECT_LT(pl_half / pl_full, 0.65);
	EXPECT_GT(pl_half / pl_full, 0.35);
	ksft_print_msg("mem: worst case one user can pin (max_ports %u x max_records %u): %.1f GiB of records in its cgroup, up to %.0f GiB of payloads charged to the producer\n",
		       1024, self->saved_max_records,
		       1024.0 * self->saved_max_records * per_rec_full /
		       (1 << 30),
		       1024.0 * self->saved_max_records * (pl_full / NPL) /
		       (1 << 30));
}

TEST_F_TIMEOUT(mem, memory_max_bounds_a_port_that_never_reads, 300)
{
	long long cur, max, peak;
	char v[32], path[192];

	NEED_CGROUP();

	ASSERT_EQ(0, cn_param_set("max_records", 1000000));
	ASSERT_EQ(0, consumer_do(self->cs, C_OPEN, 1));
	settle();
	cur = cg_current(&self->cons);
	max = cur + (debug_kernel() ? 256 << 10 : 512 << 10);
	snprintf(v, sizeof(v), "%lld", max);
	ASSERT_EQ(0, cg_write(&self->cons, "memory.max", v));
	/* Far more records than fit: the cgroup's limit stops them. */
	ASSERT_EQ(0, post_n(&self->env, NMAX, 0));
	cur = cg_current(&self->cons);
	snprintf(path, sizeof(path), "%s/memory.peak", self->cons.path);
	peak = read_ll(path);
	ksft_print_msg("mem: memory.max %lld: consumer cgroup at %lld (peak %lld) after %d records were due\n",
		       max, cur, peak, NMAX);
	EXPECT_LE(cur, max);
	EXPECT_LE(peak, max);	/* never above it, not even for a moment */
	/* Lift the limit before the consumer allocates anything itself. */
	ASSERT_EQ(0, cg_write(&self->cons, "memory.max", "max"));
	ASSERT_EQ(0, consumer_do(self->cs, C_DRAIN, 0));
	ksft_print_msg("mem: queued %llu, refused and reported lost %llu\n",
		       (unsigned long long)self->cs->records,
		       (unsigned long long)self->cs->lost);
	EXPECT_LT(0, self->cs->lost);
	EXPECT_EQ(NMAX, self->cs->records + self->cs->lost);
	EXPECT_EQ(NMAX, self->cs->next_seq);
	EXPECT_EQ(self->cs->lost, self->cs->stats_lost);
	EXPECT_TRUE(self->cs->seq_ok);
	ASSERT_EQ(0, consumer_do(self->cs, C_CLOSE, 0));
}

/* ------------------------------------------------------------------ */
/* Racing to the limits                                                */
/* ------------------------------------------------------------------ */

struct race {
	int go;
	int ok, emfile, other;
	int port;
	__u32 cid;
};

static void *add_filters(void *arg)
{
	struct race *r = arg;
	int i, ret;

	while (!LOAD(r->go))
		;
	for (i = 0; i < 30; i++) {
		ret = cn_add_v1(r->port, r->cid, CN_V1_GROUP_STATE, i, i);
		if (!ret)
			__atomic_add_fetch(&r->ok, 1, __ATOMIC_RELAXED);
		else if (ret == -EMFILE)
			__atomic_add_fetch(&r->emfile, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&r->other, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(filters_per_port_hold_under_a_race)
{
	struct clusnotify_port_stats st;
	struct race r = { 0 };
	unsigned int saved;
	struct cn_env env;
	pthread_t th[4];
	int i;

	ASSERT_EQ(0, cn_env_setup(&env, "LimF"));
	ASSERT_EQ(0, cn_param_get("max_filters", &saved));
	ASSERT_EQ(0, cn_param_set("max_filters", 50));
	r.port = env.port;
	r.cid = env.cid;
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, add_filters, &r));
	STORE(r.go, 1);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	cn_param_set("max_filters", saved);
	ASSERT_EQ(0, cn_port_stats(env.port, &st));
	ksft_print_msg("4 threads x 30 ADD_FILTER at max_filters 50: %d added, %d EMFILE\n",
		       r.ok, r.emfile);
	EXPECT_EQ(50, r.ok);
	EXPECT_EQ(70, r.emfile);
	EXPECT_EQ(0, r.other);
	EXPECT_EQ(50, st.filters);
	cn_env_teardown(&env);
}

static int open_ports_child(struct race *r)
{
	int fds[10], i, n = 0;

	if (cn_become(CN_NOBODY, CN_NOBODY))
		return 1;
	while (!LOAD(r->go))
		;
	for (i = 0; i < 10; i++) {
		fds[n] = cn_open_port(0);
		if (fds[n] >= 0) {
			n++;
			__atomic_add_fetch(&r->ok, 1, __ATOMIC_RELAXED);
		} else if (fds[n] == -EMFILE) {
			__atomic_add_fetch(&r->emfile, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_add_fetch(&r->other, 1, __ATOMIC_RELAXED);
		}
	}
	/* hold them until every sibling has tried */
	while (LOAD(r->go) != 2)
		cn_sleep_ms(1);
	while (n)
		close(fds[--n]);
	return 0;
}

TEST(ports_per_user_hold_under_a_race)
{
	struct race *r = cn_shared_alloc(sizeof(*r));
	unsigned int saved;
	pid_t pid[4];
	int i, status, fd;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, cn_param_get("max_ports", &saved));
	ASSERT_EQ(0, cn_param_set("max_ports", 20));
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i])
			_exit(open_ports_child(r));
	}
	STORE(r->go, 1);
	while (LOAD(r->ok) + LOAD(r->emfile) + LOAD(r->other) < 40)
		cn_sleep_ms(1);
	STORE(r->go, 2);
	for (i = 0; i < 4; i++)
		waitpid(pid[i], &status, 0);
	ksft_print_msg("4 processes of uid 65534 x 10 opens at max_ports 20: %d opened, %d EMFILE\n",
		       r->ok, r->emfile);
	EXPECT_EQ(20, r->ok);
	EXPECT_EQ(20, r->emfile);
	EXPECT_EQ(0, r->other);
	/* All closed: the whole budget is back. */
	r->ok = r->emfile = r->other = 0;
	r->go = 0;
	pid[0] = fork();
	ASSERT_LE(0, pid[0]);
	if (!pid[0])
		_exit(open_ports_child(r));
	STORE(r->go, 1);
	while (LOAD(r->ok) + LOAD(r->emfile) + LOAD(r->other) < 10)
		cn_sleep_ms(1);
	STORE(r->go, 2);
	waitpid(pid[0], &status, 0);
	EXPECT_EQ(10, r->ok);
	cn_param_set("max_ports", saved);
	fd = cn_open_port(0);
	EXPECT_LE(0, fd);
	close(fd);
	munmap(r, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* An unprivileged user                                                */
/* ------------------------------------------------------------------ */

struct probe {
	char closed_name[64];	/* mode 0600, owner root */
	char open_name[64];	/* mode 0644 */
	__u32 closed_id, open_id;
	int failures;
	char why[512];
};

#define PROBE(p, cond, ...)						\
	do {								\
		if (!(cond)) {						\
			size_t l = strlen((p)->why);			\
			snprintf((p)->why + l, sizeof((p)->why) - l,	\
				 __VA_ARGS__);				\
			(p)->failures++;				\
		}							\
	} while (0)

static WCHAR *widen(const char *s, WCHAR *out)
{
	size_t i;

	for (i = 0; s[i]; i++)
		out[i] = (WCHAR)(unsigned char)s[i];
	out[i] = 0;
	return out;
}

static int nobody_main(void *arg)
{
	struct probe *p = arg;
	struct clusnotify_cluster_query q;
	struct clusnotify_producer *prod;
	struct clusnotify_event ev = {
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.v2_flag = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID,
	};
	struct cn_obj_info *objs = calloc(64, sizeof(*objs));
	unsigned char buf[4096];
	struct cn_nl nl;
	DWORD granted = 0;
	HCLUSTER hc;
	WCHAR w[64];
	__u32 size, id;
	int port, n, ret;

	if (cn_become(CN_NOBODY, CN_NOBODY) || !objs)
		return 100;
	/* Producer side, raw: every mutating command is EPERM. */
	PROBE(p, !cn_nl_open(&nl), "netlink socket; ");
	ret = cn_register(&nl, "NobodysCluster", &id);
	PROBE(p, ret == -EPERM, "register: %d; ", ret);
	ret = cn_post1(&nl, p->open_id, &(struct cn_event){
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.id = CN_GROUP1_ID });
	PROBE(p, ret == -EPERM, "post: %d; ", ret);
	ret = cn_publish(&nl, p->open_id, cn_std_objects, 1);
	PROBE(p, ret == -EPERM, "publish: %d; ", ret);
	ret = cn_unregister(&nl, p->closed_id);
	PROBE(p, ret == -EPERM, "unregister: %d; ", ret);
	/* Reading a cluster whose mode denies it. */
	ret = cn_object_dump(&nl, p->closed_id, objs, 64, &n);
	PROBE(p, ret == -EACCES, "OBJECT_GET of the 0600 cluster: %d; ", ret);
	ret = cn_object_dump(&nl, p->open_id, objs, 64, &n);
	PROBE(p, ret == 0 && n > 0, "OBJECT_GET of the 0644 cluster: %d; ", ret);
	cn_nl_close(&nl);

	port = cn_open_port(0);
	PROBE(p, port >= 0, "open: %d; ", port);
	ret = cn_cluster_lookup(port, p->closed_name, 0, &q, NULL, 0);
	PROBE(p, ret == -EACCES, "lookup 0600: %d; ", ret);
	ret = cn_cluster_lookup_id(port, p->closed_id, &q);
	PROBE(p, ret == -EACCES, "lookup 0600 by id: %d; ", ret);
	ret = cn_add_v1(port, p->closed_id, CN_V1_ALL, 1, 1);
	PROBE(p, ret == -EACCES, "filter on 0600: %d; ", ret);
	size = sizeof(buf);
	ret = cn_object_lookup(port, p->closed_id, CLUSNOTIFY_OBJ_GROUP,
			       CN_GROUP1, 0, buf, &size, NULL);
	PROBE(p, ret == -EACCES, "object lookup 0600: %d; ", ret);
	/* The readable one works, read access only. */
	ret = cn_cluster_lookup(port, p->open_name, 0, &q, NULL, 0);
	PROBE(p, ret == 0 && q.access == CLUSNOTIFY_ACCESS_READ,
	      "lookup 0644: %d access %u; ", ret, q.access);
	ret = cn_add_v1(port, p->open_id, CN_V1_ALL, 2, 2);
	PROBE(p, ret == 0, "filter on 0644: %d; ", ret);
	close(port);

	/* The library: ERROR_ACCESS_DENIED, and EPERM for producers. */
	SetLastError(0);
	hc = OpenClusterEx(widen(p->closed_name, w), GENERIC_READ, &granted);
	PROBE(p, !hc && GetLastError() == ERROR_ACCESS_DENIED,
	      "OpenClusterEx(0600, GENERIC_READ): %p error %u; ", (void *)hc,
	      GetLastError());
	hc = OpenCluster(widen(p->closed_name, w));
	PROBE(p, !hc && GetLastError() == ERROR_ACCESS_DENIED,
	      "OpenCluster(0600): error %u; ", GetLastError());
	hc = OpenClusterEx(widen(p->open_name, w), GENERIC_ALL, &granted);
	PROBE(p, !hc && GetLastError() == ERROR_ACCESS_DENIED,
	      "OpenClusterEx(0644, GENERIC_ALL): error %u; ", GetLastError());
	hc = OpenClusterEx(widen(p->open_name, w), GENERIC_READ, &granted);
	PROBE(p, hc && granted == GENERIC_READ,
	      "OpenClusterEx(0644, GENERIC_READ): %p granted %#x; ",
	      (void *)hc, granted);
	if (hc)
		CloseCluster(hc);
	ret = clusnotify_producer_open(&prod);
	PROBE(p, ret == 0, "producer_open: %d; ", ret);
	if (!ret) {
		ret = clusnotify_cluster_register(prod, "NobodysToo", NULL,
						  &id);
		PROBE(p, ret == -EPERM, "clusnotify_cluster_register: %d; ",
		      ret);
		ret = clusnotify_post(prod, p->open_id, &ev, 1, NULL);
		PROBE(p, ret == -EPERM || ret == -EACCES,
		      "clusnotify_post: %d; ", ret);
		clusnotify_producer_close(prod);
	}
	free(objs);
	return 0;
}

TEST(unprivileged_user_is_kept_out)
{
	struct probe *p = cn_shared_alloc(sizeof(*p));
	struct cn_cluster_opts closed = { .uid = 0, .gid = 0, .mode = 0600 };
	struct cn_cluster_opts open = { .uid = 0, .gid = 0, .mode = 0644 };
	struct cn_nl nl;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, cn_nl_open(&nl));
	cn_unique_name(p->closed_name, sizeof(p->closed_name), "Closed");
	cn_unique_name(p->open_name, sizeof(p->open_name), "Open");
	ASSERT_EQ(0, cn_register_opts(&nl, p->closed_name, &closed,
				      &p->closed_id));
	ASSERT_EQ(0, cn_register_opts(&nl, p->open_name, &open, &p->open_id));
	ASSERT_EQ(0, cn_publish(&nl, p->closed_id, cn_std_objects,
				cn_std_nobjects));
	ASSERT_EQ(0, cn_publish(&nl, p->open_id, cn_std_objects,
				cn_std_nobjects));
	EXPECT_EQ(0, cn_run_child(nobody_main, p));
	if (p->failures)
		TH_LOG("%s", p->why);
	EXPECT_EQ(0, p->failures);
	/* nothing the unprivileged user tried changed the clusters */
	EXPECT_EQ(0, cn_unregister(&nl, p->closed_id));
	EXPECT_EQ(0, cn_unregister(&nl, p->open_id));
	cn_nl_close(&nl);
	munmap(p, sizeof(*p));
}

TEST_HARNESS_MAIN
