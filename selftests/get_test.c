// SPDX-License-Identifier: GPL-2.0
/*
 * Taking records off a port: GET with timeouts (ETIMEDOUT, 0, waiting for
 * a post, signals with EINTR or a restart that keeps the total wait),
 * EMSGSIZE and EFAULT keeping the record at the head, read() of batches of
 * whole records, EMSGSIZE, O_NONBLOCK EAGAIN, poll/epoll, FIONREAD,
 * PORT_STATS counters, SHUTDOWN (ESHUTDOWN, EOF, EPOLLHUP), a dup()ed fd
 * sharing the port, and the /proc fdinfo lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

FIXTURE(get) {
	struct cn_env env;
	unsigned char *buf;
	struct cn_rec r;
};

FIXTURE_SETUP(get)
{
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_env_setup(&self->env, "Get"));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 0x600d,
			       0x70));
}

FIXTURE_TEARDOWN(get)
{
	cn_env_teardown(&self->env);
	free(self->buf);
}

/* Post n GROUP1 state events (all records of one size). */
static int post_n(struct cn_env *e, int n)
{
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.id = CN_GROUP1_ID, .name = CN_GROUP1,
		.state = CN_GROUP_ONLINE, .has_state = true,
	};
	struct cn_event *evs = calloc(n, sizeof(*evs));
	int i, ret;

	if (!evs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		evs[i] = ev;
	ret = cn_post(&e->nl, e->cid, evs, n, NULL);
	free(evs);
	return ret;
}

/* The size of one GROUP1 state record, as post_n() makes them. */
static size_t rec_size(void)
{
	return cn_record_size(0, strlen(CN_GROUP1_ID), 0, strlen(CN_GROUP1), 0);
}

TEST_F(get, get_times_out_with_etimedout)
{
	__u32 size = CN_REC_BUF;
	__u64 t0 = cn_now_ms(), dt;

	ASSERT_EQ(-ETIMEDOUT, cn_get(self->env.port, self->buf, &size, 300));
	dt = cn_now_ms() - t0;
	EXPECT_LE(290, dt);
	EXPECT_GT(5000, dt);
}

TEST_F(get, get_with_timeout_zero_does_not_wait)
{
	__u32 size = CN_REC_BUF;
	__u64 t0 = cn_now_ms();

	ASSERT_EQ(-ETIMEDOUT, cn_get(self->env.port, self->buf, &size, 0));
	EXPECT_GT(1000, cn_now_ms() - t0);
	ASSERT_EQ(0, post_n(&self->env, 1));
	size = CN_REC_BUF;
	ASSERT_EQ(0, cn_get(self->env.port, self->buf, &size, 0));
	EXPECT_EQ(rec_size(), size);
}

static void *post_later(void *arg)
{
	struct cn_env *e = arg;

	cn_sleep_ms(200);
	return (void *)(long)post_n(e, 1);
}

TEST_F(get, get_waits_for_a_post)
{
	pthread_t th;
	void *ret;

	ASSERT_EQ(0, pthread_create(&th, NULL, post_later, &self->env));
	EXPECT_EQ(0, cn_get_rec(self->env.port, self->buf, 10000, &self->r));
	pthread_join(th, &ret);
	EXPECT_EQ(0, (long)ret);
	EXPECT_EQ(0x600d, self->r.hdr.key);
}

TEST_F(get, small_buffer_is_emsgsize_and_keeps_the_record)
{
	struct clusnotify_port_stats st;
	__u32 size;
	__u64 seq;

	ASSERT_EQ(0, post_n(&self->env, 1));
	size = rec_size() - 8;
	ASSERT_EQ(-EMSGSIZE, cn_get(self->env.port, self->buf, &size, 0));
	EXPECT_EQ(rec_size(), size);
	/* No buffer at all: a size query. */
	size = 0;
	ASSERT_EQ(-EMSGSIZE, cn_get(self->env.port, NULL, &size, 0));
	EXPECT_EQ(rec_size(), size);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(1, st.queued);
	EXPECT_EQ(0, st.delivered);
	seq = st.next_seq - 1;
	/* Retry with the size given back: the same record. */
	memset(self->buf, 0xee, CN_REC_BUF);
	size = rec_size();
	ASSERT_EQ(0, cn_get(self->env.port, self->buf, &size, 0));
	EXPECT_EQ(rec_size(), size);
	ASSERT_EQ(0, cn_decode_record(self->buf, size, &self->r, NULL));
	EXPECT_EQ(seq, self->r.hdr.seq);
	EXPECT_EQ(0xee, self->buf[size]);	/* nothing past the record */
}

/* A fault while copying out must not lose the record. */
TEST_F(get, efault_keeps_the_record)
{
	void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct clusnotify_port_stats st;
	__u32 size = 4096;

	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 4096);
	ASSERT_EQ(0, post_n(&self->env, 1));
	ASSERT_EQ(-EFAULT, cn_get(self->env.port, gone, &size, 0));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(1, st.queued);
	EXPECT_EQ(0, st.delivered);
	EXPECT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
	EXPECT_EQ(st.next_seq - 1, self->r.hdr.seq);
}

TEST_F(get, read_returns_batches_of_whole_records)
{
	size_t s = rec_size(), off;
	struct clusnotify_port_stats st;
	__u64 seq;
	ssize_t n;

	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	seq = st.next_seq;
	ASSERT_EQ(0, post_n(&self->env, 3));
	/* Room for two and a half: two whole records. */
	n = read(self->env.port, self->buf, 2 * s + s / 2);
	ASSERT_EQ(2 * s, n);
	for (off = 0; off < (size_t)n; off += self->r.hdr.size) {
		ASSERT_EQ(0, cn_decode_record(self->buf + off, n - off,
					      &self->r, NULL));
		EXPECT_EQ(seq++, self->r.hdr.seq);
		EXPECT_EQ(0x600d, self->r.hdr.key);
	}
	n = read(self->env.port, self->buf, CN_REC_BUF);
	ASSERT_EQ(s, n);
	ASSERT_EQ(0, cn_decode_record(self->buf, n, &self->r, NULL));
	EXPECT_EQ(seq, self->r.hdr.seq);
}

/*
 * read() copies a batch out without the port lock: a fault part way
 * through still returns the whole records before it, and the records from
 * the faulting one on stay queued, in order, counted as before.
 */
TEST_F(get, read_fault_midway_keeps_the_rest)
{
	size_t s = rec_size(), off;
	struct clusnotify_port_stats st;
	unsigned char *map, *buf;
	__u64 seq;
	ssize_t n;

	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + 4096, 4096, PROT_NONE));
	/* One whole record, then half of the second, in the readable page. */
	buf = map + 4096 - s - s / 2;
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	seq = st.next_seq;
	ASSERT_EQ(0, post_n(&self->env, 4));

	n = read(self->env.port, buf, 4 * s);
	ASSERT_EQ(s, n);
	ASSERT_EQ(0, cn_decode_record(buf, n, &self->r, NULL));
	EXPECT_EQ(seq, self->r.hdr.seq);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(3, st.queued);
	EXPECT_EQ(1, st.delivered);
	EXPECT_EQ(3 * s, cn_fionread(self->env.port));

	/* The first record faulting: nothing is taken. */
	EXPECT_EQ(-1, read(self->env.port, map + 4096, 4 * s));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(3, st.queued);
	EXPECT_EQ(1, st.delivered);

	n = read(self->env.port, self->buf, CN_REC_BUF);
	ASSERT_EQ(3 * s, n);
	for (off = 0; off < (size_t)n; off += self->r.hdr.size) {
		ASSERT_EQ(0, cn_decode_record(self->buf + off, n - off,
					      &self->r, NULL));
		EXPECT_EQ(++seq, self->r.hdr.seq);
	}
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(4, st.delivered);
	EXPECT_EQ(0, cn_fionread(self->env.port));
	munmap(map, 8192);
}

TEST_F(get, read_smaller_than_a_record_is_emsgsize)
{
	struct clusnotify_port_stats st;

	ASSERT_EQ(0, post_n(&self->env, 1));
	EXPECT_EQ(-1, read(self->env.port, self->buf, rec_size() - 1));
	EXPECT_EQ(EMSGSIZE, errno);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(1, st.queued);
	EXPECT_EQ(rec_size(), read(self->env.port, self->buf, rec_size()));
}

TEST_F(get, nonblocking_read_is_eagain)
{
	int fl = fcntl(self->env.port, F_GETFL);

	ASSERT_EQ(0, fcntl(self->env.port, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-1, read(self->env.port, self->buf, CN_REC_BUF));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, post_n(&self->env, 1));
	EXPECT_EQ(rec_size(), read(self->env.port, self->buf, CN_REC_BUF));
}

TEST_F(get, blocking_read_waits_for_a_post)
{
	pthread_t th;
	void *ret;

	ASSERT_EQ(0, pthread_create(&th, NULL, post_later, &self->env));
	EXPECT_EQ(rec_size(), read(self->env.port, self->buf, CN_REC_BUF));
	pthread_join(th, &ret);
	EXPECT_EQ(0, (long)ret);
}

TEST_F(get, poll_reports_records)
{
	struct pollfd p = { .fd = self->env.port,
			    .events = POLLIN | POLLRDNORM };

	EXPECT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, post_n(&self->env, 2));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN | POLLRDNORM, p.revents & (POLLIN | POLLRDNORM));
	EXPECT_EQ(0, p.revents & (POLLHUP | POLLERR));
	EXPECT_EQ(2, cn_drain(self->env.port));
	EXPECT_EQ(0, poll(&p, 1, 0));
}

TEST_F(get, epoll_wakes_on_a_post)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	pthread_t th;
	void *ret;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->env.port, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, post_later, &self->env));
	memset(&ev, 0, sizeof(ev));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 10000));
	pthread_join(th, &ret);
	EXPECT_EQ(0, (long)ret);
	EXPECT_EQ(42, ev.data.u64);
	EXPECT_TRUE(ev.events & EPOLLIN);
	/* Level-triggered: still readable until the record is taken. */
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0));
	EXPECT_EQ(1, cn_drain(self->env.port));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	close(ep);
}

TEST_F(get, fionread_counts_queued_bytes)
{
	EXPECT_EQ(0, cn_fionread(self->env.port));
	ASSERT_EQ(0, post_n(&self->env, 3));
	EXPECT_EQ(3 * rec_size(), cn_fionread(self->env.port));
	ASSERT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
	EXPECT_EQ(2 * rec_size(), cn_fionread(self->env.port));
	EXPECT_EQ(2, cn_drain(self->env.port));
	EXPECT_EQ(0, cn_fionread(self->env.port));
}

TEST_F(get, port_stats_count_what_happens)
{
	struct clusnotify_port_stats st, st0;

	ASSERT_EQ(0, cn_port_stats(self->env.port, &st0));
	EXPECT_EQ(0, st0.queued);
	EXPECT_EQ(0, st0.queued_bytes);
	EXPECT_EQ(0, st0.delivered);
	EXPECT_EQ(0, st0.lost);
	EXPECT_EQ(1, st0.filters);
	EXPECT_EQ(0, st0.flags);
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_NODE_STATE,
			       1, 1));
	ASSERT_EQ(0, post_n(&self->env, 3));
	ASSERT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
	EXPECT_EQ(st0.next_seq, self->r.hdr.seq);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(2, st.queued);
	EXPECT_EQ(2 * rec_size(), st.queued_bytes);
	EXPECT_EQ(1, st.delivered);
	EXPECT_EQ(0, st.lost);
	EXPECT_EQ(st0.next_seq + 3, st.next_seq);
	EXPECT_EQ(2, st.filters);
	EXPECT_EQ(0, st.flags);
	/* read() delivers too. */
	ASSERT_EQ(2 * rec_size(), read(self->env.port, self->buf, CN_REC_BUF));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(3, st.delivered);
}

TEST_F(get, shutdown_flushes_and_fails_every_other_ioctl)
{
	struct clusnotify_port_stats st;
	struct clusnotify_info info;
	struct clusnotify_cluster_query q;
	__u32 size = CN_REC_BUF;
	int p = self->env.port;

	ASSERT_EQ(0, post_n(&self->env, 2));
	ASSERT_EQ(0, cn_ioctl(p, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	ASSERT_EQ(0, cn_port_stats(p, &st));
	EXPECT_EQ(CLUSNOTIFY_PORT_F_SHUTDOWN, st.flags);
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(0, st.queued_bytes);
	EXPECT_EQ(0, st.filters);
	EXPECT_EQ(0, cn_ioctl(p, CLUSNOTIFY_IOC_GET_INFO, &info));

	EXPECT_EQ(-ESHUTDOWN, cn_get(p, self->buf, &size, 0));
	EXPECT_EQ(-ESHUTDOWN, cn_get(p, self->buf, &size, 1000));
	EXPECT_EQ(-ESHUTDOWN, cn_add_v1(p, self->env.cid, CN_V1_ALL, 1, 1));
	EXPECT_EQ(-ESHUTDOWN, cn_remove(p, 0x70, 0));
	EXPECT_EQ(-ESHUTDOWN, cn_cluster_lookup(p, self->env.name, 0, &q, NULL,
						0));
	EXPECT_EQ(-ESHUTDOWN, cn_object_lookup(p, self->env.cid,
					       CLUSNOTIFY_OBJ_GROUP, CN_GROUP1,
					       0, self->buf, &size, NULL));
	EXPECT_EQ(-ESHUTDOWN, cn_fionread(p));
	EXPECT_EQ(-ESHUTDOWN, cn_ioctl(p, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	/* Nothing reaches it any more. */
	ASSERT_EQ(0, post_n(&self->env, 1));
	ASSERT_EQ(0, cn_port_stats(p, &st));
	EXPECT_EQ(0, st.queued);
}

TEST_F(get, shutdown_port_reads_eof_and_polls_hup)
{
	struct pollfd p = { .fd = self->env.port, .events = POLLIN };
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->env.port, &ev));
	ASSERT_EQ(0, post_n(&self->env, 1));
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	EXPECT_EQ(0, read(self->env.port, self->buf, CN_REC_BUF));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	EXPECT_FALSE(p.revents & POLLIN);	/* the queue was flushed */
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 0));
	EXPECT_TRUE(ev.events & EPOLLHUP);
	close(ep);
}

/* Another fd for the same open file is the same port. */
TEST_F(get, dup_shares_the_port)
{
	int fd2 = dup(self->env.port);
	struct clusnotify_port_stats st;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(self->env.port));
	self->env.port = fd2;
	ASSERT_EQ(0, cn_port_stats(fd2, &st));
	EXPECT_EQ(1, st.filters);
	ASSERT_EQ(0, post_n(&self->env, 1));
	EXPECT_EQ(0, cn_get_rec(fd2, self->buf, 0, &self->r));
}

TEST_F(get, fdinfo_shows_counters_and_one_line_per_filter)
{
	char *text = malloc(8192);
	int fresh, base, with;

	ASSERT_NE(NULL, text);
	/* A port with no filter: counters beyond the generic lines. */
	fresh = cn_open_port(0);
	ASSERT_LE(0, fresh);
	base = cn_fdinfo_lines(fresh, text, 8192);
	TH_LOG("fdinfo of a fresh port:\n%s", text);
	/* pos, flags, mnt_id, ino are the VFS's own. */
	EXPECT_LT(4, base);
	ASSERT_EQ(0, cn_add_v1(fresh, self->env.cid, CN_V1_GROUP_STATE,
			       0x1234, 1));
	ASSERT_EQ(0, cn_add_v2(fresh, self->env.cid, CLUSNOTIFY_OBJ_NODE,
			       CN_V2_NODE_ALL, 0x5678, 2));
	ASSERT_EQ(0, cn_add_v2_obj(fresh, self->env.cid, CLUSNOTIFY_OBJ_GROUP,
				   CN_V2_GROUP_STATE, CN_GROUP2_ID, 0x9abc, 3));
	with = cn_fdinfo_lines(fresh, text, 8192);
	TH_LOG("with three filters:\n%s", text);
	EXPECT_EQ(base + 3, with);
	close(fresh);
	free(text);
}

/* PORT_STATS names the port as fdinfo (and the PORT_GET dump) do. */
TEST_F(get, port_stats_carry_the_fdinfo_port_id)
{
	struct clusnotify_port_stats st;
	char *text = malloc(8192), *line;
	unsigned long long id = 0;

	ASSERT_NE(NULL, text);
	ASSERT_LT(0, cn_fdinfo_lines(self->env.port, text, 8192));
	line = strstr(text, "port-id:");
	ASSERT_NE(NULL, line);
	ASSERT_EQ(1, sscanf(line, "port-id: %llu", &id));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_NE(0, st.port_id);
	EXPECT_EQ(id, st.port_id);
	free(text);
}

/*
 * GET with CLUSNOTIFY_GET_F_LIMITS: strings are measured in UTF-16 code
 * units as Windows' lpcch* are. "gÜ𝄞" is 7 bytes of UTF-8 but 4 units
 * (U+1D11E takes a surrogate pair); a name limit of 3 keeps the record and
 * reports 4, a limit of 4 takes it.
 */
TEST_F(get, limits_count_utf16_units_and_keep_the_record)
{
	static const char name[] = "g\xc3\x9c\xf0\x9d\x84\x9e";
	static const unsigned char payload[5] = { 1, 2, 3, 4, 5 };
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		.id = "gid", .name = name, .payload = payload,
		.payload_len = sizeof(payload),
	};
	struct clusnotify_port_stats st;
	struct clusnotify_get g = {
		.buf = (uintptr_t)self->buf, .buf_size = CN_REC_BUF,
		.flags = CLUSNOTIFY_GET_F_LIMITS, .max_payload = 5,
		.max_id = 3, .max_parent = 0, .max_name = 3, .max_type = 0,
	};

	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_EQ(-EMSGSIZE, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	EXPECT_EQ(4, g.max_name);
	EXPECT_EQ(3, g.max_id);
	EXPECT_EQ(5, g.max_payload);
	EXPECT_EQ(0, g.max_parent);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(1, st.queued);

	/* The payload limit applies too. */
	g.max_name = 4;
	g.max_payload = 4;
	EXPECT_EQ(-EMSGSIZE, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	EXPECT_EQ(5, g.max_payload);

	g.max_payload = 5;
	g.buf_size = CN_REC_BUF;
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	EXPECT_EQ(4, g.max_name);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(0, st.queued);
}

TEST_F(get, limits_need_the_ver1_struct_and_the_flag)
{
	struct clusnotify_get g = {
		.buf = (uintptr_t)self->buf, .buf_size = CN_REC_BUF,
		.flags = CLUSNOTIFY_GET_F_LIMITS,
	};
	unsigned int ver0 = _IOC(_IOC_READ | _IOC_WRITE, CLUSNOTIFY_IOC_MAGIC,
				 _IOC_NR(CLUSNOTIFY_IOC_GET),
				 CLUSNOTIFY_GET_SIZE_VER0);

	/* The flag with a VER0-sized struct: the limits would be missing. */
	EXPECT_EQ(-EINVAL, cn_ioctl(self->env.port, ver0, &g));
	/* Limits without the flag. */
	g.flags = 0;
	g.max_name = 10;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	g.max_name = 0;
	g.__reserved2 = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g));
	/* A VER0 struct without the flag still works. */
	g.__reserved2 = 0;
	g.timeout_ms = 0;
	EXPECT_EQ(-ETIMEDOUT, cn_ioctl(self->env.port, ver0, &g));
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static void arm(int restart, long first_ms, long every_ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {
		.it_value = { first_ms / 1000, (first_ms % 1000) * 1000 },
		.it_interval = { every_ms / 1000, (every_ms % 1000) * 1000 },
	};

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
}

TEST_F(get, signal_interrupts_with_the_time_left)
{
	struct clusnotify_get g = {
		.buf = (uintptr_t)self->buf,
		.buf_size = CN_REC_BUF,
		.timeout_ms = 5000,
	};
	int ret;

	alarms = 0;
	arm(0, 300, 0);
	ret = cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g);
	disarm();
	ASSERT_EQ(-EINTR, ret);
	EXPECT_EQ(1, alarms);
	/* Rewritten to what is left: less than asked, more than nothing. */
	EXPECT_GT(5000, g.timeout_ms);
	EXPECT_LT(2000, g.timeout_ms);

	/* INFINITE stays INFINITE. */
	g.timeout_ms = CLUSNOTIFY_INFINITE;
	arm(0, 200, 0);
	ret = cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g);
	disarm();
	ASSERT_EQ(-EINTR, ret);
	EXPECT_EQ(CLUSNOTIFY_INFINITE, g.timeout_ms);
}

/*
 * With SA_RESTART the call restarts transparently, and because each
 * restart only waits for what is left, signals every 150 ms cannot keep
 * a 1000 ms GET from timing out.
 */
TEST_F(get, restarted_get_does_not_wait_longer_in_total)
{
	struct clusnotify_get g = {
		.buf = (uintptr_t)self->buf,
		.buf_size = CN_REC_BUF,
		.timeout_ms = 1000,
	};
	__u64 t0, dt;
	int ret;

	alarms = 0;
	arm(1, 150, 150);
	t0 = cn_now_ms();
	ret = cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET, &g);
	dt = cn_now_ms() - t0;
	disarm();
	ASSERT_EQ(-ETIMEDOUT, ret);
	EXPECT_LE(3, alarms);
	EXPECT_LE(950, dt);
	EXPECT_GT(3000, dt);
}

TEST_HARNESS_MAIN
