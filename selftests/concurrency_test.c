// SPDX-License-Identifier: GPL-2.0
/*
 * Real threads against one module: a GET, read() or epoll_wait blocked in
 * one thread and SHUTDOWN from another (ESHUTDOWN, EOF, EPOLLHUP, at once);
 * a producer process killed while consumer threads wait; filters added and
 * removed while events flow; two readers sharing a port (every record
 * once); four GETs blocked on one port all woken by one batch; 200 ports on one cluster all receiving; ports opened and closed
 * while events flow.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(conc) {
	struct cn_env env;
};

FIXTURE_SETUP(conc)
{
	ASSERT_EQ(0, cn_env_setup(&self->env, "Conc"));
}

FIXTURE_TEARDOWN(conc)
{
	cn_env_teardown(&self->env);
}

/* Join with a deadline, so a waiter the module never wakes fails the test. */
static int join_within(pthread_t th, void **ret, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(th, ret, &ts);
}

static const struct cn_event grp = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
	.state = CN_GROUP_ONLINE, .has_state = true,
};

struct waiter {
	int port;
	int mode;		/* 0: GET, 1: read(), 2: epoll_wait */
	__u32 timeout;
	int done;
	long ret;
	__u64 key;
	__u32 events;
	struct cn_rec r;
	unsigned char *buf;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct epoll_event ev = { .events = EPOLLIN };
	int ep;

	w->buf = malloc(CN_REC_BUF);
	switch (w->mode) {
	case 0:
		w->ret = cn_get_rec(w->port, w->buf, w->timeout, &w->r);
		if (!w->ret)
			w->key = w->r.hdr.key;
		break;
	case 1:
		w->ret = read(w->port, w->buf, CN_REC_BUF);
		if (w->ret < 0)
			w->ret = -errno;
		break;
	case 2:
		ep = epoll_create1(EPOLL_CLOEXEC);
		epoll_ctl(ep, EPOLL_CTL_ADD, w->port, &ev);
		w->ret = epoll_wait(ep, &ev, 1, -1);
		w->events = ev.events;
		close(ep);
		break;
	}
	CN_SET(w->done);
	free(w->buf);
	w->buf = NULL;
	return NULL;
}

static void shutdown_wakes(struct __test_metadata *_metadata, int port,
			   int mode, long expect)
{
	struct waiter w = { .port = port, .mode = mode,
			    .timeout = CLUSNOTIFY_INFINITE };
	pthread_t th;
	__u64 t0;

	ASSERT_EQ(0, pthread_create(&th, NULL, wait_thread, &w));
	cn_sleep_ms(300);
	EXPECT_EQ(0, CN_TEST(w.done));		/* really blocked */
	t0 = cn_now_ms();
	ASSERT_EQ(0, cn_ioctl(port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	ASSERT_EQ(0, join_within(th, NULL, 5000));
	EXPECT_GT(2000, cn_now_ms() - t0);
	EXPECT_EQ(expect, w.ret);
	if (mode == 2)
		EXPECT_TRUE(w.events & EPOLLHUP);
}

TEST_F(conc, blocked_get_is_woken_by_shutdown_with_eshutdown)
{
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	shutdown_wakes(_metadata, self->env.port, 0, -ESHUTDOWN);
}

TEST_F(conc, blocked_read_is_woken_by_shutdown_with_eof)
{
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	shutdown_wakes(_metadata, self->env.port, 1, 0);
}

TEST_F(conc, blocked_epoll_is_woken_by_shutdown_with_hup)
{
	shutdown_wakes(_metadata, self->env.port, 2, 1);
}

TEST_F(conc, every_waiter_of_a_port_is_woken_by_shutdown)
{
	struct waiter w[4];
	pthread_t th[4];
	int i;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL, 1, 1));
	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].port = self->env.port;
		w[i].mode = i % 2;
		w[i].timeout = CLUSNOTIFY_INFINITE;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, wait_thread, &w[i]));
	}
	cn_sleep_ms(300);
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, join_within(th[i], NULL, 5000));
		EXPECT_EQ(i % 2 ? 0 : -ESHUTDOWN, w[i].ret);
	}
}

struct child_prod {
	char name[64];
	__u32 cid;
	int ready;
};

static int child_producer(void *arg)
{
	struct child_prod *c = arg;
	struct cn_nl nl;

	if (cn_nl_open(&nl) || cn_register(&nl, c->name, (__u32 *)&c->cid))
		return 1;
	CN_SET(c->ready);
	for (;;)
		pause();
}

TEST_F(conc, consumers_waiting_when_the_producer_is_killed)
{
	struct child_prod *c = cn_shared_alloc(sizeof(*c));
	struct waiter w[4];
	pthread_t th[4];
	struct cn_nl admin;
	__u64 t0 = cn_now_ms();
	pid_t pid;
	__u32 id;
	int i, status;

	ASSERT_NE(NULL, c);
	cn_unique_name(c->name, sizeof(c->name), "ConcKill");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(child_producer(c));
	while (!CN_TEST(c->ready) && cn_now_ms() - t0 < 10000)
		cn_sleep_ms(10);
	ASSERT_TRUE(CN_TEST(c->ready));
	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].port = cn_open_port(0);
		ASSERT_LE(0, w[i].port);
		ASSERT_EQ(0, cn_add_v1(w[i].port, c->cid, CN_V1_CLUSTER_STATE,
				       100 + i, 1));
		w[i].timeout = 15000;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, wait_thread, &w[i]));
	}
	cn_sleep_ms(200);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, join_within(th[i], NULL, 10000));
		EXPECT_EQ(0, w[i].ret);
		EXPECT_EQ(100 + i, w[i].key);
		EXPECT_EQ(CN_V1_CLUSTER_STATE, w[i].r.hdr.v1_change);
		EXPECT_EQ(CLUSNOTIFY_CLUSTER_DOWN, w[i].r.hdr.state);
		close(w[i].port);
	}
	/* Clean up the down cluster. */
	ASSERT_EQ(0, cn_nl_open(&admin));
	ASSERT_EQ(0, cn_register(&admin, c->name, &id));
	EXPECT_EQ(0, cn_unregister(&admin, id));
	cn_nl_close(&admin);
	munmap(c, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* Events flowing while things change                                  */
/* ------------------------------------------------------------------ */

#define FLOW_BATCHES 30
#define FLOW_BATCH 10
#define FLOW_EVENTS (FLOW_BATCHES * FLOW_BATCH)

struct flow {
	struct cn_env *env;
	int stop;
	int post_err;
	int churn_err;
	int churn_rounds;
	/* reader */
	int port;
	int stable_seen;
	int churn_seen;
	int seq_errors;
	int other_err;
};

static void *producer_thread(void *arg)
{
	struct flow *f = arg;
	struct cn_event ev[FLOW_BATCH];
	int i, b;

	for (i = 0; i < FLOW_BATCH; i++)
		ev[i] = grp;
	for (b = 0; b < FLOW_BATCHES && !f->post_err; b++)
		f->post_err = cn_post(&f->env->nl, f->env->cid, ev, FLOW_BATCH,
				      NULL);
	return NULL;
}

static void *churn_thread(void *arg)
{
	struct flow *f = arg;
	int ret;

	while (!CN_TEST(f->stop) && !f->churn_err) {
		ret = cn_add_v1(f->port, f->env->cid, CN_V1_GROUP_STATE, 2, 2);
		if (!ret)
			ret = cn_add_v2(f->port, f->env->cid,
					CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL,
					3, 2);
		if (!ret && cn_remove(f->port, 2, 0) != 2)
			ret = -EIO;
		f->churn_err = ret;
		f->churn_rounds++;
	}
	return NULL;
}

static void *reader_thread(void *arg)
{
	struct flow *f = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	struct cn_rec r;
	__u64 last = 0;
	bool first = true;
	int ret;

	while (f->stable_seen < FLOW_EVENTS) {
		ret = cn_get_rec(f->port, buf, 5000, &r);
		if (ret) {
			f->other_err = ret;
			break;
		}
		if (!first && r.hdr.seq != last + 1)
			f->seq_errors++;
		first = false;
		last = r.hdr.seq;
		if (r.hdr.key == 1)
			f->stable_seen++;
		else
			f->churn_seen++;
	}
	free(buf);
	return NULL;
}

TEST_F(conc, filters_change_while_events_flow)
{
	struct flow f = { .env = &self->env, .port = self->env.port };
	pthread_t prod, churn, reader;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, pthread_create(&reader, NULL, reader_thread, &f));
	ASSERT_EQ(0, pthread_create(&churn, NULL, churn_thread, &f));
	ASSERT_EQ(0, pthread_create(&prod, NULL, producer_thread, &f));
	ASSERT_EQ(0, join_within(prod, NULL, 20000));
	CN_SET(f.stop);
	ASSERT_EQ(0, join_within(churn, NULL, 5000));
	ASSERT_EQ(0, join_within(reader, NULL, 10000));
	EXPECT_EQ(0, f.post_err);
	EXPECT_EQ(0, f.churn_err);
	EXPECT_EQ(0, f.other_err);
	/* The stable filter saw every event, the port's seq has no gap. */
	EXPECT_EQ(FLOW_EVENTS, f.stable_seen);
	EXPECT_EQ(0, f.seq_errors);
	EXPECT_LE(0, f.churn_seen);
	EXPECT_GE(2 * FLOW_EVENTS, f.churn_seen);
	TH_LOG("%d churn rounds, %d records through churning filters",
	       f.churn_rounds, f.churn_seen);
}

struct share {
	int port;
	int stop;
	int n;
	__u64 seqs[1024];
	int err;
};

static void *share_reader(void *arg)
{
	struct share *s = arg;
	unsigned char *buf = malloc(CN_REC_BUF);
	struct cn_rec r;
	int ret;

	for (;;) {
		ret = cn_get_rec(s->port, buf, 300, &r);
		if (ret == -ETIMEDOUT) {
			if (CN_TEST(s->stop))
				break;
			continue;
		}
		if (ret) {
			s->err = ret;
			break;
		}
		if (s->n < 1024)
			s->seqs[s->n] = r.hdr.seq;
		s->n++;
	}
	free(buf);
	return NULL;
}

TEST_F(conc, two_readers_get_every_record_once)
{
	struct share *s = calloc(2, sizeof(*s));
	struct clusnotify_port_stats st;
	struct cn_event ev[20];
	unsigned char *seen;
	pthread_t th[2];
	__u64 seq0;
	int i, j;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	seq0 = st.next_seq;
	for (i = 0; i < 20; i++)
		ev[i] = grp;
	for (i = 0; i < 2; i++) {
		s[i].port = self->env.port;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, share_reader, &s[i]));
	}
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 20,
				     NULL));
	cn_sleep_ms(200);
	CN_SET(s[0].stop);
	CN_SET(s[1].stop);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, join_within(th[i], NULL, 20000));
		EXPECT_EQ(0, s[i].err);
	}
	EXPECT_EQ(400, s[0].n + s[1].n);
	seen = calloc(400, 1);
	ASSERT_NE(NULL, seen);
	for (i = 0; i < 2; i++)
		for (j = 0; j < s[i].n && j < 1024; j++) {
			__u64 k = s[i].seqs[j] - seq0;

			ASSERT_GT(400, k);
			EXPECT_EQ(0, seen[k]);
			seen[k] = 1;
		}
	TH_LOG("reader split: %d / %d", s[0].n, s[1].n);
	free(seen);
	free(s);
}

/*
 * The port wakes its waiters only when it becomes readable, not for every
 * record: one batch of four records is one such transition, and still
 * every GET blocked on the port (INFINITE or with a timeout) wakes and
 * gets its own record, those that lose the race to the first record
 * waiting again for the next.
 */
TEST_F(conc, every_blocked_get_wakes_for_one_batch)
{
	struct waiter w[4] = {};
	struct cn_event ev[4];
	pthread_t th[4];
	__u64 seqs = 0;
	int i;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 1, 1));
	for (i = 0; i < 4; i++) {
		ev[i] = grp;
		w[i].port = self->env.port;
		w[i].timeout = i < 2 ? CLUSNOTIFY_INFINITE : 20000;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, wait_thread, &w[i]));
	}
	cn_sleep_ms(300);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, CN_TEST(w[i].done));	/* really blocked */
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 4, NULL));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, join_within(th[i], NULL, 10000));
		EXPECT_EQ(0, w[i].ret);
		seqs |= 1ULL << (w[i].r.hdr.seq % 64);
	}
	EXPECT_EQ(4, __builtin_popcountll(seqs));	/* four records */
}

#define NPORTS 200

TEST_F(conc, two_hundred_ports_on_one_cluster_all_receive)
{
	struct cn_event ev[5] = { grp, grp, grp, grp, grp };
	unsigned char *buf = malloc(CN_REC_BUF);
	struct cn_post_reply rep;
	struct cn_rec r;
	int *ports = calloc(NPORTS, sizeof(int));
	int i, j;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, ports);
	for (i = 0; i < NPORTS; i++) {
		ports[i] = cn_open_port(0);
		ASSERT_LE(0, ports[i]);
		ASSERT_EQ(0, cn_add_v2(ports[i], self->env.cid,
				       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL,
				       1000 + i, 1));
	}
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 5, &rep));
	EXPECT_EQ(5, rep.posted);
	EXPECT_EQ(5 * NPORTS, rep.queued);
	EXPECT_EQ(0, rep.lost);
	for (i = 0; i < NPORTS; i++) {
		for (j = 0; j < 5; j++) {
			ASSERT_EQ(0, cn_get_rec(ports[i], buf, 0, &r));
			EXPECT_EQ(1000 + i, r.hdr.key);
		}
		EXPECT_EQ(-ETIMEDOUT, cn_get_rec(ports[i], buf, 0, &r));
		close(ports[i]);
	}
	free(ports);
	free(buf);
}

struct opener {
	struct cn_env *env;
	int stop;
	int err;
	int posts;
};

static void *post_loop(void *arg)
{
	struct opener *o = arg;

	while (!CN_TEST(o->stop) && !o->err) {
		o->err = cn_post1(&o->env->nl, o->env->cid, &grp);
		__atomic_fetch_add(&o->posts, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST_F(conc, ports_come_and_go_while_events_flow)
{
	struct opener o = { .env = &self->env };
	pthread_t th;
	int i, p;

	ASSERT_EQ(0, pthread_create(&th, NULL, post_loop, &o));
	for (i = 0; i < 60; i++) {
		p = cn_open_port(0);
		ASSERT_LE(0, p);
		ASSERT_EQ(0, cn_add_v1(p, self->env.cid, CN_V1_GROUP_STATE, 1,
				       1));
		ASSERT_EQ(0, cn_add_v2(p, self->env.cid, CLUSNOTIFY_OBJ_GROUP,
				       CN_V2_GROUP_ALL, 2, 2));
		if (i % 3 == 0)
			cn_ioctl(p, CLUSNOTIFY_IOC_SHUTDOWN, NULL);
		else if (i % 3 == 1)
			cn_drain(p);
		close(p);
	}
	/* On a loaded machine the poster may not have run yet: let it post. */
	for (i = 0; i < 1000 && !__atomic_load_n(&o.posts, __ATOMIC_RELAXED);
	     i++)
		usleep(10000);
	CN_SET(o.stop);
	ASSERT_EQ(0, join_within(th, NULL, 10000));
	EXPECT_EQ(0, o.err);
	EXPECT_LT(0, o.posts);
}

TEST_HARNESS_MAIN
