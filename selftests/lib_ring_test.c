// SPDX-License-Identifier: GPL-2.0
/*
 * libclusapi reading its ports through the mapped ring (CLUSNOTIFY_FEAT_RING)
 * against the real module: a port created by the library has a ring
 * (RING_SYNC answers, GET is refused with -EBUSY, the mapping is there and
 * goes with the port); records come in order with every string (non-ASCII
 * and surrogate pairs too) and payload byte right; ERROR_MORE_DATA keeps
 * the record and reports the sizes the retry needs; overflow of the ring
 * is reported as CLUSTER_LOST_NOTIFICATIONS_V2 and V1 CLUSTER_RECONNECT
 * with the exact count, and what comes after it arrives; level-triggered
 * epoll is readable exactly while records wait; an edge-triggered reader
 * that drains to WAIT_TIMEOUT never misses a wake-up under a concurrent
 * producer; CloseClusterNotifyPort from another thread wakes an INFINITE
 * waiter; two threads draining one port get every record once;
 * clusnotify_port_read's batches. The order and ERROR_MORE_DATA checks run
 * again with CLUSAPI_RING=0, which must give the ioctl path and the same
 * results.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "cn_lib.h"
#include "cn_util.h"
#include "kselftest_harness.h"

#define KEY 0x5151
#ifndef ERROR_INVALID_DATA
#define ERROR_INVALID_DATA 13L	/* what garbage in the ring gives */
#endif
#define BATCH 16

/*
 * How many events of up to max_payload bytes to post where the ring must
 * not overflow: what fits in the module's default ring, at most cap.
 */
static unsigned int fitting(const struct clusnotify_info *info,
			    __u32 max_payload, unsigned int cap)
{
	/* The header, the payload, the strings and padding, generously. */
	unsigned int per = 256 + max_payload;
	unsigned int n;

	if (!info->ring_default)
		return cap;
	n = info->ring_default / per;
	return n < cap ? n : cap;
}

/* The strings and payload of event number i, all derived from i. */
struct ev_data {
	char name[96];
	char parent[32];
	char type[32];
	unsigned char payload[4096];
	__u32 payload_len;
};

/*
 * Payloads of exactly this many bytes when not 0: records of one size, so
 * that once one does not fit in the ring none does until it is read.
 */
static __u32 fixed_payload;

static void ev_make(unsigned int i, __u32 max_payload, struct ev_data *d)
{
	__u32 k;

	/* Non-ASCII (two-byte and a surrogate pair) every third event. */
	if (i % 3 == 0)
		snprintf(d->name, sizeof(d->name),
			 "Gr\xc3\xbcppe %u \xf0\x9f\x98\x80", i);
	else
		snprintf(d->name, sizeof(d->name), "Group %u", i);
	snprintf(d->parent, sizeof(d->parent), "node-id-%u", i % 7);
	snprintf(d->type, sizeof(d->type), i % 2 ? "Typ\xc3\xa9 %u" : "", i);
	d->payload_len = 4 + (i * 37) % (max_payload - 3);
	if (fixed_payload)
		d->payload_len = fixed_payload;
	memcpy(d->payload, &i, 4);
	for (k = 4; k < d->payload_len; k++)
		d->payload[k] = (unsigned char)(i * 7 + k);
}

static struct cn_event ev_of(const struct ev_data *d)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
		.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = d->name,
		.parent = d->parent, .type_name = d->type,
		.payload = d->payload, .payload_len = d->payload_len,
	};

	return e;
}

/* Post events first .. first + n - 1, payloads up to max_payload bytes. */
static int post_range(struct cn_env *env, unsigned int first, unsigned int n,
		      __u32 max_payload)
{
	static struct ev_data d[BATCH];
	struct cn_event ev[BATCH];
	unsigned int i, k;
	int ret;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < BATCH && i + k < n; k++) {
			ev_make(first + i + k, max_payload, &d[k]);
			ev[k] = ev_of(&d[k]);
		}
		ret = cn_post(&env->nl, env->cid, ev, k, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* 0 when g holds event i exactly, else which part differs. */
static int check_v2(const struct cn_v2_got *g, unsigned int i,
		    __u32 max_payload)
{
	static __thread struct ev_data d;

	ev_make(i, max_payload, &d);
	if (g->status != ERROR_SUCCESS)
		return 1;
	if (g->key != KEY || g->fat.dwObjectType != CLUSTER_OBJECT_TYPE_GROUP ||
	    g->fat.FilterFlags != CLUSTER_CHANGE_GROUP_STATE_V2)
		return 2;
	if (g->payload_len != d.payload_len ||
	    memcmp(g->payload, d.payload, d.payload_len))
		return 3;
	if (strcmp(g->str[CN_S_ID], CN_GROUP1_ID) ||
	    strcmp(g->str[CN_S_NAME], d.name) ||
	    strcmp(g->str[CN_S_PARENT], d.parent) ||
	    strcmp(g->str[CN_S_TYPE], d.type))
		return 4;
	if (g->cch[CN_S_NAME] != cn_units(d.name) ||
	    g->cch[CN_S_TYPE] != cn_units(d.type))
		return 5;
	return 0;
}

/* The event index a record carries in its payload's first four bytes. */
static unsigned int index_of(const struct cn_v2_got *g)
{
	unsigned int i;

	memcpy(&i, g->payload, 4);
	return i;
}

/* Does the port read through a ring? 1 yes, 0 no, -errno unclear. */
static int port_has_ring(HCHANGE port)
{
	HANDLE h;
	int fd, ret;

	if (GetNotifyEventHandle(port, &h) != ERROR_SUCCESS)
		return -EBADF;
	fd = (int)(intptr_t)h;
	ret = ioctl(fd, CLUSNOTIFY_IOC_RING_SYNC);
	if (!ret)
		return 1;
	return errno == ENODEV || errno == ENOTTY ? 0 : -errno;
}

static int port_fd(HCHANGE port)
{
	HANDLE h;

	if (GetNotifyEventHandle(port, &h) != ERROR_SUCCESS)
		return -1;
	return (int)(intptr_t)h;
}

/* Mappings of the device in this process. */
static int device_mappings(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/dev/" CLUSNOTIFY_DEVICE_NAME))
			n++;
	fclose(f);
	return n;
}

static HCHANGE v2_port(HCLUSTER hc)
{
	NOTIFY_FILTER_AND_TYPE f = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2,
	};

	return CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f, 1, KEY);
}

/* A port made with CLUSAPI_RING as given (NULL: unset). */
static HCHANGE v2_port_env(HCLUSTER hc, const char *ring)
{
	HCHANGE port;

	if (ring)
		setenv("CLUSAPI_RING", ring, 1);
	port = v2_port(hc);
	unsetenv("CLUSAPI_RING");
	return port;
}

static HCHANGE v1_port_env(HCLUSTER hc, const char *ring)
{
	HCHANGE port;

	if (ring)
		setenv("CLUSAPI_RING", ring, 1);
	port = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
				       CLUSTER_CHANGE_GROUP_STATE |
				       CLUSTER_CHANGE_CLUSTER_RECONNECT, KEY);
	unsetenv("CLUSAPI_RING");
	return port;
}

FIXTURE(ring) {
	struct cn_env env;
	HCLUSTER hc;
	struct cn_v2_got *g;
	struct clusnotify_info info;
	bool has_ring;
};

FIXTURE_SETUP(ring)
{
	memset(&self->info, 0, sizeof(self->info));
	ASSERT_EQ(0, cn_env_setup(&self->env, "LibRing"));
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_GET_INFO,
			      &self->info));
	self->has_ring = self->info.features & CLUSNOTIFY_FEAT_RING;
	self->hc = cn_lib_open(&self->env);
	ASSERT_NE(NULL, self->hc);
	self->g = malloc(sizeof(*self->g));
	ASSERT_NE(NULL, self->g);
}

FIXTURE_TEARDOWN(ring)
{
	free(self->g);
	if (self->hc)
		CloseCluster(self->hc);
	cn_env_teardown(&self->env);
}

#define NEED_RING()                                                          \
	do {                                                                 \
		if (!self->has_ring)                                         \
			SKIP(return, "module without CLUSNOTIFY_FEAT_RING"); \
	} while (0)

TEST_F(ring, library_ports_map_a_ring)
{
	struct clusnotify_get get = { 0 };
	HCHANGE port, plain;
	int before = device_mappings(), i;

	NEED_RING();
	ASSERT_LE(0, before);
	port = v2_port_env(self->hc, NULL);
	ASSERT_NE(NULL, port);
	EXPECT_EQ(1, port_has_ring(port));
	EXPECT_EQ(before + 1, device_mappings());
	/* The ring is the port's only way out. */
	EXPECT_EQ(-EBUSY, cn_ioctl(port_fd(port), CLUSNOTIFY_IOC_GET, &get));
	/* CLUSAPI_RING=0: the ioctl path, no mapping. */
	plain = v2_port_env(self->hc, "0");
	ASSERT_NE(NULL, plain);
	EXPECT_EQ(0, port_has_ring(plain));
	EXPECT_EQ(before + 1, device_mappings());
	EXPECT_EQ(-ETIMEDOUT,
		  cn_ioctl(port_fd(plain), CLUSNOTIFY_IOC_GET, &get));
	/* Any other value keeps the ring. */
	CloseClusterNotifyPort(plain);
	plain = v2_port_env(self->hc, "1");
	ASSERT_NE(NULL, plain);
	EXPECT_EQ(1, port_has_ring(plain));
	CloseClusterNotifyPort(plain);
	/*
	 * Unmapped with the port, when its last reference goes: after the
	 * handle table's grace period, so not at once.
	 */
	CloseClusterNotifyPort(port);
	for (i = 0; i < 300 && device_mappings() != before; i++)
		cn_sleep_ms(10);
	EXPECT_EQ(before, device_mappings());
}

/* Post n events, read them back in order with GetClusterNotifyV2. */
static void in_order(struct __test_metadata *_metadata,
		     FIXTURE_DATA(ring) *self, const char *env, int want_ring)
{
	struct clusnotify_port_stats st;
	const unsigned int n = fitting(&self->info, 4096, 300);
	unsigned int i;
	__u64 t0;
	HCHANGE port;

	port = v2_port_env(self->hc, env);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(want_ring, port_has_ring(port));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	ASSERT_EQ(0, post_range(&self->env, 0, n, 4096));
	for (i = 0; i < n; i++) {
		cn_v2_get(port, 1000, self->g);
		ASSERT_EQ(0, check_v2(self->g, i, 4096)) TH_LOG("record %u", i);
	}
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	t0 = cn_now_ms();
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 100, self->g));
	/* The ioctl path waits in jiffies: allow for their rounding. */
	EXPECT_LE(90, cn_now_ms() - t0);
	/* The statistics count what the reader consumed. */
	ASSERT_EQ(0, clusnotify_port_stats(port, &st));
	EXPECT_EQ(n, st.delivered);
	EXPECT_EQ(0, st.queued);
	EXPECT_EQ(0, st.lost);
	/* A waiter is woken by the next record. */
	ASSERT_EQ(0, post_range(&self->env, n, 1, 4096));
	cn_v2_get(port, 5000, self->g);
	EXPECT_EQ(0, check_v2(self->g, n, 4096));
	CloseClusterNotifyPort(port);
}

TEST_F(ring, records_in_order_every_byte)
{
	NEED_RING();
	in_order(_metadata, self, NULL, 1);
}

TEST_F(ring, records_in_order_without_ring)
{
	in_order(_metadata, self, "0", 0);
}

/*
 * ERROR_MORE_DATA on each short buffer, the record kept, every size
 * reported (V2: with the NUL), then the retry with those sizes gets it;
 * no buffer at all asks for sizes too. V1 reports without the NUL.
 */
static void more_data(struct __test_metadata *_metadata,
		      FIXTURE_DATA(ring) *self, const char *env, int want_ring)
{
	static WCHAR s[4][256];
	static BYTE payload[4096];
	struct ev_data d;
	DWORD cch[4], plen, filter, v1cch;
	NOTIFY_FILTER_AND_TYPE fat;
	DWORD_PTR key;
	HCHANGE port, p1;
	int short_one, i;
	struct cn_v1_got g1;

	port = v2_port_env(self->hc, env);
	ASSERT_NE(NULL, port);
	p1 = v1_port_env(self->hc, env);
	ASSERT_NE(NULL, p1);
	ASSERT_EQ(want_ring, port_has_ring(port));
	ASSERT_EQ(want_ring, port_has_ring(p1));
	ASSERT_EQ(0, post_range(&self->env, 3, 1, 4096));	/* non-ASCII */
	ev_make(3, 4096, &d);

	/* Each of the five outputs short in turn (5: all big enough). */
	for (short_one = 0; short_one <= 5; short_one++) {
		for (i = 0; i < 4; i++)
			cch[i] = 256;
		plen = sizeof(payload);
		if (short_one < 4)	/* room for all but the NUL */
			cch[short_one] = short_one == CN_S_ID ?
				strlen(CN_GROUP1_ID) :
				short_one == CN_S_NAME ? cn_units(d.name) :
				short_one == CN_S_PARENT ? cn_units(d.parent) :
				cn_units(d.type);
		if (short_one == 4)
			plen = d.payload_len - 1;
		memset(s, 0, sizeof(s));
		EXPECT_EQ(short_one == 5 ? ERROR_SUCCESS : ERROR_MORE_DATA,
			  GetClusterNotifyV2(port, &key, &fat, payload, &plen,
					     s[0], &cch[0], s[1], &cch[1],
					     s[2], &cch[2], s[3], &cch[3], 0))
			TH_LOG("short: %d", short_one);
		if (short_one == 5)
			break;
		EXPECT_EQ(d.payload_len, plen);
		EXPECT_EQ(strlen(CN_GROUP1_ID) + 1, cch[CN_S_ID]);
		EXPECT_EQ(cn_units(d.parent) + 1, cch[CN_S_PARENT]);
		EXPECT_EQ(cn_units(d.name) + 1, cch[CN_S_NAME]);
		EXPECT_EQ(cn_units(d.type) + 1, cch[CN_S_TYPE]);
		/* Nothing written into the caller's strings. */
		EXPECT_EQ(0, s[CN_S_NAME][0]);
	}
	EXPECT_EQ(d.payload_len, plen);
	EXPECT_EQ(0, memcmp(payload, d.payload, d.payload_len));
	EXPECT_STREQ(d.name, cn_narrow(s[CN_S_NAME]));
	EXPECT_EQ(cn_units(d.name), cch[CN_S_NAME]);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));

	/* No buffer for the name: sizes only, even of a record that fits. */
	ASSERT_EQ(0, post_range(&self->env, 4, 1, 4096));
	ev_make(4, 4096, &d);
	cch[CN_S_NAME] = 0;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotifyV2(port, &key, &fat, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, &cch[CN_S_NAME], NULL,
				     NULL, 0));
	EXPECT_EQ(cn_units(d.name) + 1, cch[CN_S_NAME]);
	/* Every output NULL: the record is taken. */
	EXPECT_EQ(ERROR_SUCCESS,
		  GetClusterNotifyV2(port, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, NULL, NULL, NULL, NULL, NULL, 0));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));

	/* V1: the size without the NUL, and the event kept. */
	ev_make(3, 4096, &d);
	v1cch = 3;
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotify(p1, &key, &filter, s[0], &v1cch, 0));
	EXPECT_EQ(cn_units(d.name), v1cch);
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get_cap(p1, 0, v1cch + 1, &g1));
	EXPECT_STREQ(d.name, g1.name);
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE, g1.filter);
	EXPECT_EQ(KEY, g1.key);
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(p1, 0, &g1));
	ev_make(4, 4096, &d);
	EXPECT_STREQ(d.name, g1.name);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(p1, 0, &g1));
	CloseClusterNotifyPort(port);
	CloseClusterNotifyPort(p1);
}

TEST_F(ring, more_data_keeps_the_record)
{
	NEED_RING();
	more_data(_metadata, self, NULL, 1);
}

TEST_F(ring, more_data_keeps_the_record_without_ring)
{
	more_data(_metadata, self, "0", 0);
}

/*
 * Fill the ring past its size with large payloads: what fits arrives,
 * then one overflow record with the exact count (V2
 * CLUSTER_LOST_NOTIFICATIONS_V2, V1 CLUSTER_RECONNECT), then nothing; the
 * next event after it arrives whole.
 */
TEST_F_TIMEOUT(ring, overflow_is_reported_and_nothing_after_it_lost, 120)
{
	struct clusnotify_port_stats st;
	unsigned int i, n, got = 0, got1 = 0;
	struct cn_v1_got g1;
	HCHANGE port, p1;
	int ret;

	NEED_RING();
	ASSERT_LT(0, self->info.ring_default);
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	p1 = v1_port_env(self->hc, NULL);
	ASSERT_NE(NULL, p1);
	ASSERT_EQ(1, port_has_ring(p1));
	/* Twice what the ring holds. */
	n = self->info.ring_default / 2048 * 2 + 64;
	fixed_payload = 2048;
	ret = post_range(&self->env, 0, n, 4096);
	fixed_payload = 0;
	ASSERT_EQ(0, ret);
	for (i = 0;; i++) {
		ASSERT_EQ(ERROR_SUCCESS, cn_v2_get(port, 0, self->g))
			TH_LOG("record %u of %u", i, n);
		if (self->g->fat.dwObjectType == CLUSTER_OBJECT_TYPE_CLUSTER)
			break;
		fixed_payload = 2048;
		ret = check_v2(self->g, i, 4096);
		fixed_payload = 0;
		ASSERT_EQ(0, ret) TH_LOG("record %u", i);
		got++;
	}
	EXPECT_EQ(CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2,
		  self->g->fat.FilterFlags);
	EXPECT_EQ(KEY, self->g->key);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	ASSERT_EQ(0, clusnotify_port_stats(port, &st));
	EXPECT_LT(0, got);
	EXPECT_LT(got, n);
	EXPECT_EQ(n - got, st.lost);
	EXPECT_EQ(got + 1, st.delivered);

	for (;; got1++) {
		ASSERT_EQ(ERROR_SUCCESS, cn_v1_get(p1, 0, &g1));
		if (g1.filter == CLUSTER_CHANGE_CLUSTER_RECONNECT)
			break;
		ASSERT_EQ(CLUSTER_CHANGE_GROUP_STATE, g1.filter);
	}
	EXPECT_EQ(WAIT_TIMEOUT, cn_v1_get(p1, 0, &g1));
	ASSERT_EQ(0, clusnotify_port_stats(p1, &st));
	EXPECT_EQ(n - got1, st.lost);

	/* After the overflow record: the next event, whole. */
	ASSERT_EQ(0, post_range(&self->env, n, 2, 4096));
	cn_v2_get(port, 1000, self->g);
	EXPECT_EQ(0, check_v2(self->g, n, 4096));
	cn_v2_get(port, 1000, self->g);
	EXPECT_EQ(0, check_v2(self->g, n + 1, 4096));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	EXPECT_EQ(ERROR_SUCCESS, cn_v1_get(p1, 1000, &g1));
	EXPECT_EQ(CLUSTER_CHANGE_GROUP_STATE, g1.filter);
	CloseClusterNotifyPort(port);
	CloseClusterNotifyPort(p1);
}

/* Is the fd readable for a level-triggered epoll right now? */
static int lt_readable(int ep)
{
	struct epoll_event e;

	return epoll_wait(ep, &e, 1, 0);
}

TEST_F(ring, level_triggered_epoll_readable_exactly_while_records_wait)
{
	struct epoll_event e = { .events = EPOLLIN };
	DWORD cch = 1;
	HCHANGE port;
	WCHAR w[1];
	int ep, i;

	NEED_RING();
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, port_fd(port), &e));
	EXPECT_EQ(0, lt_readable(ep));
	ASSERT_EQ(0, post_range(&self->env, 0, 3, 64));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(1, lt_readable(ep)) TH_LOG("before record %d", i);
		EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 0, self->g));
	}
	EXPECT_EQ(0, lt_readable(ep));
	/* A record kept by ERROR_MORE_DATA keeps it readable. */
	ASSERT_EQ(0, post_range(&self->env, 3, 1, 64));
	EXPECT_EQ(ERROR_MORE_DATA,
		  GetClusterNotifyV2(port, NULL, NULL, NULL, NULL, NULL, NULL,
				     NULL, NULL, w, &cch, NULL, NULL, 0));
	EXPECT_EQ(1, lt_readable(ep));
	EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 0, self->g));
	EXPECT_EQ(0, lt_readable(ep));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	EXPECT_EQ(0, lt_readable(ep));
	close(ep);
	CloseClusterNotifyPort(port);
}

struct producer {
	struct cn_env *env;
	unsigned int n;
	int ret;
};

/* Posts p->n events in batches of 1 to 4, with short random pauses. */
static void *producer_thread(void *arg)
{
	struct producer *p = arg;
	unsigned int i = 0, seed = 1;

	while (i < p->n) {
		unsigned int k = 1 + rand_r(&seed) % 4;

		if (k > p->n - i)
			k = p->n - i;
		p->ret = post_range(p->env, i, k, 64);
		if (p->ret)
			break;
		i += k;
		if (rand_r(&seed) % 4 == 0)
			usleep(rand_r(&seed) % 300);
	}
	return NULL;
}

TEST_F_TIMEOUT(ring, edge_triggered_reader_never_misses_a_wakeup, 300)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLET };
	struct producer prod = {
		.env = &self->env, .n = fitting(&self->info, 64, 3000),
	};
	unsigned int got, waits = 0, total = 0, round;
	pthread_t t;
	HCHANGE port;
	int ep;

	NEED_RING();
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, port_fd(port), &e));
	/* Rounds of at most a ring's worth: a slow reader loses nothing. */
	for (round = 0; round < 5; round++) {
		ASSERT_EQ(0, pthread_create(&t, NULL, producer_thread, &prod));
		for (got = 0; got < prod.n;) {
			DWORD st;

			/* A lost wake-up leaves records waiting, this asleep. */
			ASSERT_EQ(1, epoll_wait(ep, &e, 1, 10000))
				TH_LOG("no wake-up with %u of %u read", got,
				       prod.n);
			waits++;
			while ((st = cn_v2_get(port, 0, self->g)) ==
			       ERROR_SUCCESS) {
				ASSERT_EQ(got, index_of(self->g));
				got++;
			}
			ASSERT_EQ(WAIT_TIMEOUT, st);
		}
		pthread_join(t, NULL);
		EXPECT_EQ(0, prod.ret);
		total += got;
	}
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	ksft_print_msg("%u records in %u wake-ups\n", total, waits);
	close(ep);
	CloseClusterNotifyPort(port);
}

struct waiter {
	HCHANGE port;
	DWORD status;
	int done;
};

static void *infinite_waiter(void *arg)
{
	struct waiter *w = arg;
	DWORD cch = 64;
	WCHAR name[64];
	DWORD_PTR key;

	w->status = GetClusterNotifyV2(w->port, &key, NULL, NULL, NULL, NULL,
				       NULL, NULL, NULL, name, &cch, NULL,
				       NULL, INFINITE);
	CN_SET(w->done);
	return NULL;
}

TEST_F(ring, close_from_another_thread_wakes_an_infinite_wait)
{
	struct waiter w = { 0 };
	pthread_t t;
	int i;

	NEED_RING();
	w.port = v2_port(self->hc);
	ASSERT_NE(NULL, w.port);
	ASSERT_EQ(0, pthread_create(&t, NULL, infinite_waiter, &w));
	cn_sleep_ms(200);
	EXPECT_FALSE(CN_TEST(w.done));
	CloseClusterNotifyPort(w.port);
	for (i = 0; i < 500 && !CN_TEST(w.done); i++)
		cn_sleep_ms(10);
	ASSERT_TRUE(CN_TEST(w.done));
	pthread_join(t, NULL);
	EXPECT_EQ(ERROR_INVALID_HANDLE, w.status);
	EXPECT_EQ(ERROR_INVALID_HANDLE, cn_v2_get(w.port, 0, self->g));
}

#define NDRAIN 2000

struct drainer {
	HCHANGE port;
	unsigned char *seen;
	const int *posted;
	unsigned int n;
	unsigned int got;
	unsigned int bad;
};

static void *drain_thread(void *arg)
{
	struct drainer *d = arg;
	struct cn_v2_got *g = malloc(sizeof(*g));

	if (!g) {
		d->bad++;
		return NULL;
	}
	for (;;) {
		DWORD st = cn_v2_get(d->port, 200, g);
		unsigned int i;

		if (st == WAIT_TIMEOUT) {
			if (CN_TEST(*d->posted))
				break;
			continue;
		}
		i = index_of(g);
		if (st != ERROR_SUCCESS || i >= d->n ||
		    check_v2(g, i, 64)) {
			d->bad++;
			continue;
		}
		__atomic_add_fetch(&d->seen[i], 1, __ATOMIC_RELAXED);
		d->got++;
	}
	free(g);
	return NULL;
}

TEST_F_TIMEOUT(ring, two_threads_draining_one_port_get_each_record_once, 300)
{
	static unsigned char seen[NDRAIN];
	struct drainer d[2];
	const unsigned int n = fitting(&self->info, 64, NDRAIN);
	int posted = 0, i, once = 0;
	pthread_t t[2];
	HCHANGE port;

	NEED_RING();
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2; i++) {
		d[i] = (struct drainer){ .port = port, .seen = seen,
					 .posted = &posted, .n = n };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, drain_thread, &d[i]));
	}
	ASSERT_EQ(0, post_range(&self->env, 0, n, 64));
	CN_SET(posted);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < (int)n; i++)
		once += seen[i] == 1;
	EXPECT_EQ(n, once);
	EXPECT_EQ(0, d[0].bad + d[1].bad);
	EXPECT_EQ(n, d[0].got + d[1].got);
	ksft_print_msg("split %u / %u\n", d[0].got, d[1].got);
	CloseClusterNotifyPort(port);
}

/* The start of this process's only mapping of the device, or NULL. */
static void *device_mapping(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start = 0;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/dev/" CLUSNOTIFY_DEVICE_NAME)) {
			sscanf(line, "%lx-", &start);
			break;
		}
	fclose(f);
	return (void *)start;
}

/*
 * What the ring holds is checked before use: a record whose size is no
 * record's is ERROR_INVALID_DATA (and stays: nothing says where the next
 * one starts), a name that is not UTF-8 is ERROR_NO_UNICODE_TRANSLATION
 * for that record only, as on the ioctl path; neither crashes, and good records then read as before.
 * The test writes the library's own mapping, as a stray pointer would.
 */
TEST_F(ring, garbage_in_the_ring_is_invalid_data)
{
	struct clusnotify_ring *shm;
	struct clusnotify_record *rec;
	unsigned char *data;
	__u32 size;
	HCHANGE port;
	char *name;

	NEED_RING();
	ASSERT_EQ(0, device_mappings());
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	shm = device_mapping();
	ASSERT_NE(NULL, shm);
	data = (unsigned char *)shm + shm->data_offset;
	ASSERT_EQ(0, post_range(&self->env, 0, 3, 64));
	rec = (void *)(data + (shm->head & (shm->size - 1)));
	size = rec->size;
	rec->size = 12;
	EXPECT_EQ(ERROR_INVALID_DATA, cn_v2_get(port, 0, self->g));
	rec->size = 1U << 30;
	EXPECT_EQ(ERROR_INVALID_DATA, cn_v2_get(port, 0, self->g));
	rec->size = size;
	cn_v2_get(port, 0, self->g);
	EXPECT_EQ(0, check_v2(self->g, 0, 64));
	/* An ill-formed byte in the second record's name. */
	rec = (void *)(data + (shm->head & (shm->size - 1)));
	name = (char *)(rec + 1) + ((rec->payload_len + 7) & ~7U) +
	       rec->id_len + 1 + rec->parent_len + 1;
	ASSERT_EQ('G', name[0]);
	name[0] = (char)0xff;
	EXPECT_EQ(ERROR_NO_UNICODE_TRANSLATION, cn_v2_get(port, 0, self->g));
	cn_v2_get(port, 0, self->g);
	EXPECT_EQ(0, check_v2(self->g, 2, 64));
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	CloseClusterNotifyPort(port);
}

struct batch_waiter {
	HCHANGE port;
	ssize_t ret;
};

static void *batch_waiter(void *arg)
{
	static char buf[8192] __attribute__((aligned(8)));
	struct batch_waiter *b = arg;

	b->ret = clusnotify_port_read(b->port, buf, sizeof(buf),
				      CLUSNOTIFY_INFINITE);
	return NULL;
}

TEST_F(ring, port_read_copies_whole_records)
{
	static char buf[65536] __attribute__((aligned(8)));
	struct clusnotify_record_view v;
	struct batch_waiter b = { 0 };
	struct ev_data d;
	unsigned int next;
	size_t off = 0, size;
	ssize_t n;
	pthread_t t;
	HCHANGE port;
	int ret;

	NEED_RING();
	port = v2_port(self->hc);
	ASSERT_NE(NULL, port);
	EXPECT_EQ(-ETIMEDOUT, clusnotify_port_read(port, buf, sizeof(buf), 0));
	ASSERT_EQ(0, post_range(&self->env, 0, 20, 512));
	/* The first does not fit: nothing taken. */
	EXPECT_EQ(-EMSGSIZE, clusnotify_port_read(port, buf, 32, 0));
	EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 0, self->g));
	EXPECT_EQ(0, check_v2(self->g, 0, 512));
	/* Room for all: every record left, in order. */
	n = clusnotify_port_read(port, buf, sizeof(buf), 0);
	ASSERT_LT(0, n);
	next = 1;
	while ((ret = clusnotify_record_next(buf, n, &off, &v)) > 0) {
		unsigned int i;

		memcpy(&i, v.payload, 4);
		EXPECT_EQ(next, i);
		next++;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(20, next);
	EXPECT_EQ(WAIT_TIMEOUT, cn_v2_get(port, 0, self->g));
	/* A buffer of exactly the first record's size takes one. */
	ASSERT_EQ(0, post_range(&self->env, 20, 3, 512));
	ev_make(20, 512, &d);
	size = cn_record_size(d.payload_len, strlen(CN_GROUP1_ID),
			      strlen(d.parent), strlen(d.name), strlen(d.type));
	EXPECT_EQ(size, clusnotify_port_read(port, buf, size, 0));
	EXPECT_EQ(ERROR_SUCCESS, cn_v2_get(port, 0, self->g));
	EXPECT_EQ(0, check_v2(self->g, 21, 512));
	n = clusnotify_port_read(port, buf, sizeof(buf), 1000);
	off = 0;
	ASSERT_EQ(1, clusnotify_record_next(buf, n, &off, &v));
	EXPECT_EQ(22, *(const unsigned int *)v.payload);
	EXPECT_EQ(0, clusnotify_record_next(buf, n, &off, &v));
	/* A waiter without limit ends when the port is closed. */
	b.port = port;
	ASSERT_EQ(0, pthread_create(&t, NULL, batch_waiter, &b));
	cn_sleep_ms(200);
	CloseClusterNotifyPort(port);
	pthread_join(t, NULL);
	EXPECT_EQ(-ESHUTDOWN, b.ret);
}

TEST_HARNESS_MAIN
