// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped ring (CLUSNOTIFY_FEAT_RING): RING_SETUP and its limits, the
 * mapping and its errors, records appended in place exactly as read()
 * lays them out (a record crossing the end of the area read whole through
 * the second mapping), read() and GET refused, FIONREAD and PORT_STATS,
 * overflow with its overflow record and RING_SYNC, poll/epoll levels and
 * the edge-triggered reader's barrier rule under a concurrent producer, a
 * hostile reader's head and consumed, the module's own records (HANDLE_CLOSE,
 * CLUSTER_STATE, CLUSTER_RECONNECT), and a producer and a reader racing
 * with every seq accounted for.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define KEY 0xa1
#define TOKEN 0xb1
/* Events posted at once, with their payload, stay below this. */
#define BATCH_BYTES (64 * 1024)

FIXTURE(ring) {
	struct cn_env env;
	struct clusnotify_info info;
	struct cn_ring rg;
	size_t page;
	__u64 seq0;
	unsigned char *buf;
};

FIXTURE_SETUP(ring)
{
	struct clusnotify_port_stats st;

	self->page = sysconf(_SC_PAGESIZE);
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_env_setup(&self->env, "Ring"));
	ASSERT_EQ(0, cn_info(self->env.port, &self->info));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	self->seq0 = st.next_seq;
}

FIXTURE_TEARDOWN(ring)
{
	cn_ring_close(&self->rg);
	cn_env_teardown(&self->env);
	free(self->buf);
}

/* The byte j of the payload of event i: every event's payload differs. */
static unsigned char pl_byte(unsigned int i, unsigned int j)
{
	return (unsigned char)(i * 31 + j * 7 + 1);
}

static bool pl_ok(const struct cn_rec *r, unsigned int i)
{
	__u32 j;

	for (j = 0; j < r->hdr.payload_len; j++)
		if (r->payload[j] != pl_byte(i, j))
			return false;
	return true;
}

/*
 * Post n GROUP STATE events on Group One, each with a payload of plen
 * bytes (event i's bytes from pl_byte(first + i, j)), in batches of at
 * most BATCH_BYTES. The replies' counters are summed into *rep.
 */
static int post_grp(struct cn_env *e, int n, __u32 plen, unsigned int first,
		    struct cn_post_reply *rep)
{
	int per = BATCH_BYTES / (plen + 256), done = 0, i, k, ret = 0;
	struct cn_post_reply r;
	struct cn_event *ev;
	unsigned char *pl;

	if (per < 1)
		per = 1;
	if (per > n)
		per = n;
	ev = calloc(per, sizeof(*ev));
	pl = malloc((size_t)per * (plen + 1));
	if (!ev || !pl) {
		free(ev);
		free(pl);
		return -ENOMEM;
	}
	if (rep)
		memset(rep, 0, sizeof(*rep));
	while (done < n && !ret) {
		k = n - done < per ? n - done : per;
		for (i = 0; i < k; i++) {
			unsigned char *p = pl + (size_t)i * (plen + 1);
			__u32 j;

			for (j = 0; j < plen; j++)
				p[j] = pl_byte(first + done + i, j);
			ev[i] = (struct cn_event){
				.type = CLUSNOTIFY_OBJ_GROUP,
				.v1 = CN_V1_GROUP_STATE,
				.v2 = CN_V2_GROUP_STATE,
				.id = CN_GROUP1_ID, .name = CN_GROUP1,
				.state = CN_GROUP_ONLINE, .has_state = true,
				.payload = plen ? p : NULL,
				.payload_len = plen,
			};
		}
		ret = cn_post(&e->nl, e->cid, ev, k, &r);
		if (!ret && rep) {
			rep->posted += r.posted;
			rep->queued += r.queued;
			rep->lost += r.lost;
		}
		done += k;
	}
	free(ev);
	free(pl);
	return ret;
}

/* Ring of size bytes on the env's port, then a V1 GROUP_STATE filter. */
static int ring_with_filter(FIXTURE_DATA(ring) *self, __u32 size)
{
	int ret = cn_ring_open(self->env.port, size, &self->rg);

	if (ret)
		return ret;
	return cn_add_v1(self->env.port, self->env.cid, CN_V1_GROUP_STATE,
			 KEY, TOKEN);
}

/* The size of the records post_grp() makes with plen bytes of payload. */
static __u32 grp_size(__u32 plen)
{
	return cn_record_size(plen, strlen(CN_GROUP1_ID), 0,
			      strlen(CN_GROUP1), 0);
}

/* Wait up to a second for tail to leave old. */
static void wait_tail(const struct cn_ring *rg, __u32 old)
{
	int i;

	for (i = 0; i < 100 && cn_ring_tail(rg) == old; i++)
		cn_sleep_ms(10);
}

static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDNORM };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

/* ------------------------------------------------------------------ */
/* RING_SETUP                                                          */
/* ------------------------------------------------------------------ */

static bool pow2(__u32 x)
{
	return x && !(x & (x - 1));
}

TEST_F(ring, info_ver1_reports_the_ring)
{
	struct clusnotify_info *in = &self->info;

	EXPECT_TRUE(in->features & CLUSNOTIFY_FEAT_RING);
	EXPECT_TRUE(pow2(in->max_ring));
	EXPECT_TRUE(pow2(in->ring_default));
	EXPECT_LE(CLUSNOTIFY_RING_MIN, in->ring_default);
	EXPECT_LE(in->ring_default, in->max_ring);
}

TEST_F(ring, size_zero_gives_the_default)
{
	struct clusnotify_ring_setup s;

	ASSERT_EQ(0, cn_ring_setup(self->env.port, 0, &s));
	EXPECT_EQ(self->info.ring_default, s.size);
	EXPECT_EQ(self->page + 2 * (__u64)s.size, s.mmap_size);
	EXPECT_EQ(0, s.flags);
}

TEST_F(ring, every_valid_size_is_taken_as_is)
{
	struct clusnotify_ring_setup s;
	__u32 sz;
	int fd;

	for (sz = CLUSNOTIFY_RING_MIN; sz && sz <= self->info.max_ring &&
	     sz <= 16U << 20; sz <<= 1) {
		struct cn_ring rg;

		fd = cn_open_port(0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, cn_ring_open(fd, sz, &rg)) {
			TH_LOG("size %u", sz);
		}
		EXPECT_EQ(sz, rg.size);
		EXPECT_EQ(sz, rg.r->size);
		EXPECT_EQ(0, rg.r->flags);
		cn_ring_close(&rg);
		close(fd);
	}
	/* The largest, whatever it is, works too. */
	fd = cn_open_port(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cn_ring_setup(fd, self->info.max_ring, &s));
	EXPECT_EQ(self->info.max_ring, s.size);
	EXPECT_EQ(self->page + 2 * (__u64)s.size, s.mmap_size);
	close(fd);
}

TEST_F(ring, bad_sizes_and_flags_are_einval)
{
	__u32 bad[] = {
		CLUSNOTIFY_RING_MIN + 8, 3 * CLUSNOTIFY_RING_MIN,
		CLUSNOTIFY_RING_MIN / 2, CLUSNOTIFY_RING_MIN - 1, 1, 4096,
		self->info.max_ring + CLUSNOTIFY_RING_MIN,
		self->info.max_ring < 0x80000000U ? self->info.max_ring << 1 :
						     3,
		0x80000000U, 0xffffffffU,
	};
	struct clusnotify_ring_setup s;
	unsigned int i;

	for (i = 0; i < CN_ARRAY_SIZE(bad); i++) {
		if (bad[i] == 0x80000000U && self->info.max_ring >= bad[i])
			continue;
		EXPECT_EQ(-EINVAL, cn_ring_setup(self->env.port, bad[i], &s)) {
			TH_LOG("size %#x", bad[i]);
		}
	}
	memset(&s, 0, sizeof(s));
	s.size = CLUSNOTIFY_RING_MIN;
	s.flags = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_RING_SETUP,
				    &s));
	s.flags = 0x80000000U;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_RING_SETUP,
				    &s));
	/* None of it counted as the port's one setup. */
	ASSERT_EQ(0, cn_ring_setup(self->env.port, CLUSNOTIFY_RING_MIN, &s));
	EXPECT_EQ(CLUSNOTIFY_RING_MIN, s.size);
}

TEST_F(ring, second_setup_is_ebusy)
{
	size_t len = self->page + 2 * CLUSNOTIFY_RING_MIN;
	struct clusnotify_ring_setup s;
	void *m;

	ASSERT_EQ(0, cn_ring_setup(self->env.port, CLUSNOTIFY_RING_MIN, &s));
	EXPECT_EQ(-EBUSY, cn_ring_setup(self->env.port, CLUSNOTIFY_RING_MIN,
					&s));
	EXPECT_EQ(-EBUSY, cn_ring_setup(self->env.port, 0, &s));
	/* The first ring is still the one mapped. */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->env.port,
		 0);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(CLUSNOTIFY_RING_MIN, ((struct clusnotify_ring *)m)->size);
	munmap(m, len);
}

TEST_F(ring, setup_after_a_filter_is_ebusy)
{
	struct clusnotify_ring_setup s;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, KEY, TOKEN));
	EXPECT_EQ(-EBUSY, cn_ring_setup(self->env.port, 0, &s));
	/* A port that had a filter once never takes a ring. */
	ASSERT_EQ(1, cn_remove(self->env.port, TOKEN, 0));
	EXPECT_EQ(-EBUSY, cn_ring_setup(self->env.port, 0, &s));
	/* Its queue still works. */
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, KEY, TOKEN));
	ASSERT_EQ(0, post_grp(&self->env, 1, 0, 0, NULL));
	EXPECT_EQ(1, cn_drain(self->env.port));
}

TEST_F(ring, setup_after_shutdown_is_eshutdown)
{
	struct clusnotify_ring_setup s;

	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	EXPECT_EQ(-ESHUTDOWN, cn_ring_setup(self->env.port, 0, &s));
	EXPECT_EQ(-ESHUTDOWN, cn_ring_sync(self->env.port));
}

/* ------------------------------------------------------------------ */
/* mmap                                                                */
/* ------------------------------------------------------------------ */

TEST_F(ring, mmap_without_a_ring_is_enodev)
{
	size_t len = self->page + 2 * CLUSNOTIFY_RING_MIN;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->env.port, 0);

	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(ENODEV, errno);
	if (m != MAP_FAILED)
		munmap(m, len);
	/* Nor does a failed mmap stop the port from taking a ring later. */
	ASSERT_EQ(0, cn_ring_open(self->env.port, 0, &self->rg));
}

static int try_mmap(int fd, size_t len, int flags, off_t off)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);

	if (m == MAP_FAILED)
		return -errno;
	munmap(m, len);
	return 0;
}

TEST_F(ring, mmap_private_offset_and_length_are_einval)
{
	struct clusnotify_ring_setup s;
	int fd = self->env.port;

	ASSERT_EQ(0, cn_ring_setup(fd, CLUSNOTIFY_RING_MIN, &s));
	EXPECT_EQ(-EINVAL, try_mmap(fd, s.mmap_size, MAP_PRIVATE, 0));
	EXPECT_EQ(-EINVAL, try_mmap(fd, s.mmap_size, MAP_SHARED, self->page));
	EXPECT_EQ(-EINVAL, try_mmap(fd, s.mmap_size - self->page, MAP_SHARED,
				    self->page));
	EXPECT_EQ(-EINVAL, try_mmap(fd, s.mmap_size - self->page, MAP_SHARED,
				    0));
	EXPECT_EQ(-EINVAL, try_mmap(fd, s.mmap_size + self->page, MAP_SHARED,
				    0));
	EXPECT_EQ(-EINVAL, try_mmap(fd, self->page, MAP_SHARED, 0));
	EXPECT_EQ(0, try_mmap(fd, s.mmap_size, MAP_SHARED, 0));
}

/* The records' area is mapped twice: byte x and byte size + x are one. */
TEST_F(ring, area_is_mapped_twice)
{
	__u32 i, sz;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	sz = self->rg.size;
	EXPECT_EQ(self->page, self->rg.r->data_offset);
	ASSERT_EQ(0, post_grp(&self->env, 20, 1000, 0, NULL));
	ASSERT_EQ(20 * grp_size(1000), cn_ring_tail(&self->rg));
	EXPECT_EQ(0, memcmp(self->rg.data, self->rg.data + sz,
			    cn_ring_tail(&self->rg)));
	/* The whole second copy reads as the first. */
	for (i = 0; i < sz; i += 4096)
		ASSERT_EQ(self->rg.data[i], self->rg.data[sz + i]);
}

/* Count the ports of this process in the PORT_GET dump. */
static int my_ports(struct cn_nl *nl)
{
	struct cn_port_desc *d = calloc(1024, sizeof(*d));
	int i, n = 0, mine = 0;

	if (!d)
		return -ENOMEM;
	if (cn_port_dump(nl, d, 1024, &n)) {
		free(d);
		return -EIO;
	}
	for (i = 0; i < n && i < 1024; i++)
		if (d[i].pid == (__u32)getpid())
			mine++;
	free(d);
	return mine;
}

TEST_F(ring, mapping_keeps_the_port_after_close)
{
	struct cn_rec rec;
	const char *why = NULL;
	__u64 seq = self->seq0;
	int i, before;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, post_grp(&self->env, 2, 16, 0, NULL));
	before = my_ports(&self->env.nl);
	ASSERT_LE(1, before);
	close(self->env.port);
	self->env.port = -1;
	/* The port lives on in the mapping: its filter still matches. */
	EXPECT_EQ(before, my_ports(&self->env.nl));
	ASSERT_EQ(0, post_grp(&self->env, 3, 16, 2, NULL));
	ASSERT_EQ(5 * grp_size(16), cn_ring_tail(&self->rg));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
			TH_LOG("record %d: %s", i, why);
		}
		EXPECT_EQ(seq + i, rec.hdr.seq);
		EXPECT_TRUE(pl_ok(&rec, i));
		cn_ring_advance(&self->rg, rec.hdr.size);
	}
	/* munmap drops the last reference: the port goes away. */
	cn_ring_close(&self->rg);
	for (i = 0; i < 100 && my_ports(&self->env.nl) != before - 1; i++)
		cn_sleep_ms(10);
	EXPECT_EQ(before - 1, my_ports(&self->env.nl));
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/*
 * The ring's records are byte for byte what read() returns on a port
 * without a ring that has the same filter, but for seq (each port's own).
 */
TEST_F(ring, records_are_laid_out_as_read_returns_them)
{
	static const char * const parents[] = {
		"", CN_NODE1_ID, "p", "ÿ-ü-parent",
	};
	static const char * const tnames[] = {
		"", "Generic Service", "t", "x",
	};
	struct cn_event ev[12];
	unsigned char pl[12][300];
	struct clusnotify_port_stats st;
	struct cn_post_reply rep;
	int plain = cn_open_port(0), i, j;
	size_t off = 0;
	ssize_t n;
	__u32 head = 0;

	ASSERT_LE(0, plain);
	ASSERT_EQ(0, cn_ring_open(self->env.port, CLUSNOTIFY_RING_MIN,
				  &self->rg));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, KEY,
			       TOKEN));
	ASSERT_EQ(0, cn_add_v2(plain, self->env.cid, CLUSNOTIFY_OBJ_GROUP,
			       CN_V2_GROUP_ALL, KEY, TOKEN));
	for (i = 0; i < 12; i++) {
		for (j = 0; j < 300; j++)
			pl[i][j] = pl_byte(i, j);
		ev[i] = (struct cn_event){
			.type = CLUSNOTIFY_OBJ_GROUP,
			.v2 = i % 2 ? CN_V2_GROUP_STATE :
				      CN_V2_GROUP_COMMON_PROPERTY,
			.id = i % 3 ? CN_GROUP1_ID : CN_GROUP2_ID,
			.name = i % 3 ? CN_GROUP1 : CN_GROUP2,
			.parent = parents[i % 4],
			.type_name = tnames[i % 4],
			.payload = i % 5 ? pl[i] : NULL,
			.payload_len = i % 5 ? 1 + i * 23 : 0,
			.state = CN_GROUP_FAILED, .has_state = i % 2,
		};
		if (!*ev[i].parent)
			ev[i].parent = NULL;
		if (!*ev[i].type_name)
			ev[i].type_name = NULL;
	}
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 12, &rep));
	EXPECT_EQ(24, rep.queued);
	EXPECT_EQ(0, rep.lost);
	n = read(plain, self->buf, CN_REC_BUF);
	ASSERT_LT(0, n);
	ASSERT_EQ((__u32)n, cn_ring_tail(&self->rg));
	ASSERT_EQ(n, cn_fionread(self->env.port));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(12, st.queued);
	EXPECT_EQ(n, st.queued_bytes);
	EXPECT_EQ(self->seq0 + 12, st.next_seq);
	for (i = 0; i < 12; i++) {
		struct clusnotify_record *pr = (void *)(self->buf + off);
		unsigned char *q = self->rg.data + (head & (self->rg.size - 1));
		struct cn_rec rec;
		const char *why = NULL;

		ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
			TH_LOG("record %d: %s", i, why);
		}
		ASSERT_EQ((const void *)q,
			  (const void *)(rec.payload - sizeof(rec.hdr)));
		EXPECT_EQ(self->seq0 + i, rec.hdr.seq);
		EXPECT_EQ(KEY, rec.hdr.key);
		EXPECT_EQ(TOKEN, rec.hdr.token);
		EXPECT_EQ(ev[i].v2, rec.hdr.v2_flag);
		EXPECT_EQ(ev[i].payload_len, rec.hdr.payload_len);
		EXPECT_TRUE(pl_ok(&rec, i));
		EXPECT_STREQ(ev[i].id, rec.id);
		EXPECT_STREQ(ev[i].name, rec.name);
		EXPECT_STREQ(ev[i].parent ? ev[i].parent : "", rec.parent);
		EXPECT_STREQ(ev[i].type_name ? ev[i].type_name : "", rec.type);
		/* Same bytes as read(), seq aside. */
		ASSERT_EQ(pr->size, rec.hdr.size);
		EXPECT_EQ(0, memcmp(pr, q, offsetof(struct clusnotify_record,
						    seq)));
		EXPECT_EQ(0, memcmp((char *)pr + 16, q + 16, pr->size - 16));
		off += pr->size;
		head += rec.hdr.size;
		cn_ring_advance(&self->rg, rec.hdr.size);
	}
	EXPECT_EQ((size_t)n, off);
	EXPECT_EQ(cn_ring_tail(&self->rg), head);
	EXPECT_EQ(0, cn_fionread(self->env.port));
	close(plain);
}

/*
 * Records whose size does not divide the ring's: sooner or later one
 * starts near the end and runs past it; read through the second mapping
 * it is whole.
 */
TEST_F(ring, record_crossing_the_end_reads_whole)
{
	const __u32 plen = 2999;
	__u32 s = grp_size(plen), sz;
	__u64 seq = self->seq0;
	int straddled = 0, round, i;
	unsigned int ev = 0;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	sz = self->rg.size;
	ASSERT_NE(0, sz % s);
	for (round = 0; round < 20 && straddled < 3; round++) {
		/* Ten at a time, all read before the next ten. */
		ASSERT_EQ(0, post_grp(&self->env, 10, plen, ev, NULL));
		for (i = 0; i < 10; i++, ev++) {
			__u32 off = self->rg.head & (sz - 1);
			struct cn_rec rec;
			const char *why = NULL;

			ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
				TH_LOG("record %u: %s", ev, why);
			}
			ASSERT_EQ(s, rec.hdr.size);
			EXPECT_EQ(seq++, rec.hdr.seq);
			EXPECT_TRUE(pl_ok(&rec, ev));
			EXPECT_STREQ(CN_GROUP1, rec.name);
			if (off + s > sz) {
				straddled++;
				/* The part past the end is the area's start. */
				EXPECT_EQ(0, memcmp(self->rg.data + sz,
						    self->rg.data,
						    off + s - sz));
			}
			cn_ring_advance(&self->rg, rec.hdr.size);
		}
	}
	EXPECT_LE(2, straddled);
}

/* Many laps: the positions keep counting, the offsets wrap. */
TEST_F(ring, many_laps_of_the_ring)
{
	const __u32 plen = 5000;
	__u32 s = grp_size(plen);
	__u64 seq = self->seq0, total = 0;
	const char *why = NULL;
	unsigned int ev = 0;
	int round, n;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	for (round = 0; total < 30ULL * self->rg.size; round++) {
		/* Each round fills the ring but for less than two records. */
		int k = self->rg.size / s - 1 - round % 2;

		ASSERT_EQ(0, post_grp(&self->env, k, plen, ev, NULL));
		ASSERT_EQ(self->rg.head + k * s, cn_ring_tail(&self->rg));
		n = cn_ring_drain(&self->rg, &seq, &why);
		ASSERT_EQ(k, n) {
			TH_LOG("round %d: %s", round, why);
		}
		ev += k;
		total += (__u64)k * s;
	}
	EXPECT_EQ((__u32)total, cn_ring_tail(&self->rg));
	EXPECT_EQ(self->seq0 + ev, seq);
	EXPECT_EQ(0, self->rg.r->flags);
}

TEST_F(ring, read_and_get_are_ebusy)
{
	__u32 size = CN_REC_BUF;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	/* Empty ring, and a non-blocking port: still EBUSY, not EAGAIN. */
	ASSERT_EQ(0, fcntl(self->env.port, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->env.port, self->buf, CN_REC_BUF));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-EBUSY, cn_get(self->env.port, self->buf, &size, 0));
	ASSERT_EQ(0, post_grp(&self->env, 2, 0, 0, NULL));
	EXPECT_EQ(-1, read(self->env.port, self->buf, CN_REC_BUF));
	EXPECT_EQ(EBUSY, errno);
	size = CN_REC_BUF;
	EXPECT_EQ(-EBUSY, cn_get(self->env.port, self->buf, &size, 0));
	size = CN_REC_BUF;
	EXPECT_EQ(-EBUSY, cn_get(self->env.port, self->buf, &size,
				 CLUSNOTIFY_INFINITE));
	/* Nothing was taken out of the ring. */
	EXPECT_EQ(2 * grp_size(0), cn_ring_tail(&self->rg));
	EXPECT_EQ(0, self->rg.r->head);
	EXPECT_EQ(2 * grp_size(0), cn_fionread(self->env.port));
}

TEST_F(ring, fionread_and_stats_follow_the_reader)
{
	struct clusnotify_port_stats st;
	__u32 s = grp_size(100);
	struct cn_post_reply rep;
	struct cn_rec rec;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, post_grp(&self->env, 5, 100, 0, &rep));
	EXPECT_EQ(5, rep.queued);
	EXPECT_EQ(5 * s, cn_fionread(self->env.port));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(5, st.queued);
	EXPECT_EQ(5 * s, st.queued_bytes);
	EXPECT_EQ(0, st.delivered);
	EXPECT_EQ(0, st.lost);
	EXPECT_EQ(1, st.filters);
	EXPECT_EQ(self->seq0 + 5, st.next_seq);
	/* Two consumed, said in head and consumed. */
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	cn_ring_advance(&self->rg, rec.hdr.size);
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	cn_ring_advance(&self->rg, rec.hdr.size);
	EXPECT_EQ(3 * s, cn_fionread(self->env.port));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(2, st.delivered);
	EXPECT_EQ(3, st.queued);
	EXPECT_EQ(3 * s, st.queued_bytes);
	/* Three more appended: queued counts them. */
	ASSERT_EQ(0, post_grp(&self->env, 3, 100, 5, NULL));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(6, st.queued);
	EXPECT_EQ(6 * s, st.queued_bytes);
	EXPECT_EQ(6 * s, cn_fionread(self->env.port));
	EXPECT_EQ(2, st.delivered);
}

/* max_records bounds a queue, not a ring. */
TEST_F(ring, max_records_does_not_apply)
{
	struct cn_post_reply rep;
	unsigned int saved;
	__u64 seq = self->seq0;

	ASSERT_EQ(0, cn_param_get("max_records", &saved));
	ASSERT_EQ(0, cn_param_set("max_records", 4));
	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	EXPECT_EQ(0, post_grp(&self->env, 50, 0, 0, &rep));
	cn_param_set("max_records", saved);
	EXPECT_EQ(50, rep.queued);
	EXPECT_EQ(0, rep.lost);
	EXPECT_EQ(50, cn_ring_drain(&self->rg, &seq, NULL));
}

/* ------------------------------------------------------------------ */
/* Overflow                                                            */
/* ------------------------------------------------------------------ */

/* Consume n records from the ring (checking seq from *seq). */
static int take(struct cn_ring *rg, int n, __u64 *seq)
{
	struct cn_rec rec;
	int i;

	for (i = 0; i < n; i++) {
		if (cn_ring_peek(rg, &rec, NULL))
			return -1;
		if (rec.hdr.seq != *seq)
			return -1;
		*seq += rec.hdr.flags & CLUSNOTIFY_RECORD_F_LOST ?
			rec.hdr.lost : 1;
		cn_ring_advance(rg, rec.hdr.size);
	}
	return 0;
}

TEST_F(ring, overflow_is_counted_and_reported_in_front)
{
	const __u32 plen = 4000;
	__u32 s = grp_size(plen), fit;
	struct clusnotify_port_stats st;
	struct cn_post_reply rep;
	struct cn_rec rec;
	__u64 seq = self->seq0;
	const char *why = NULL;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	fit = self->rg.size / s;
	ASSERT_EQ(0, post_grp(&self->env, fit + 5, plen, 0, &rep));
	EXPECT_EQ(fit, rep.queued);
	EXPECT_EQ(5, rep.lost);
	EXPECT_EQ(fit * s, cn_ring_tail(&self->rg));
	EXPECT_EQ(CLUSNOTIFY_RING_F_LOST, cn_ring_flags(&self->rg));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(5, st.lost);
	EXPECT_EQ(self->seq0 + fit + 5, st.next_seq);
	/* Still full: two more lost, the same overflow record due. */
	ASSERT_EQ(0, post_grp(&self->env, 2, plen, fit + 5, &rep));
	EXPECT_EQ(2, rep.lost);
	EXPECT_EQ(fit * s, cn_ring_tail(&self->rg));
	/* Room for two records: the overflow record and the next one. */
	ASSERT_EQ(0, take(&self->rg, 2, &seq));
	ASSERT_EQ(0, post_grp(&self->env, 1, plen, fit + 7, &rep));
	EXPECT_EQ(1, rep.queued);
	EXPECT_EQ(0, rep.lost);
	EXPECT_EQ(0, cn_ring_flags(&self->rg));
	ASSERT_EQ(0, take(&self->rg, fit - 2, &seq));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL,
		  rec.hdr.flags);
	EXPECT_EQ(self->seq0 + fit, rec.hdr.seq);
	EXPECT_EQ(7, rec.hdr.lost);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, rec.hdr.version);
	EXPECT_EQ(CN_V1_CLUSTER_RECONNECT, rec.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, rec.hdr.object_type);
	EXPECT_EQ(KEY, rec.hdr.key);
	EXPECT_EQ(TOKEN, rec.hdr.token);
	EXPECT_EQ(self->env.cid, rec.hdr.cluster_id);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(self->seq0 + fit + 7, seq);
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why));
	EXPECT_EQ(0, rec.hdr.flags);
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_TRUE(pl_ok(&rec, fit + 7));
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(cn_ring_tail(&self->rg), self->rg.head);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(7, st.lost);
	EXPECT_EQ(seq, st.next_seq);
	EXPECT_EQ(fit + 2, st.delivered);
}

/*
 * Room for the next record but not for it and its overflow record: the
 * kernel must not write past head. Whatever it does with the record
 * (lose it too, as the overflow record must go in front of it), every
 * record still in the ring is intact and the seq arithmetic holds.
 */
TEST_F(ring, overflow_record_never_overruns_head)
{
	/* The smallest record there is: a header and four NULs. */
	const __u32 least = CN_ALIGN8(sizeof(struct clusnotify_record) + 4);
	__u32 plen, s, fit, tail;
	struct cn_post_reply rep;
	__u64 seq = self->seq0;
	const char *why = NULL;
	unsigned int ev = 0;
	int n;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	/* Records that leave less than any record unused in a full ring. */
	for (plen = 2000; plen < 8000; plen += 8)
		if (self->rg.size % grp_size(plen) < least)
			break;
	ASSERT_GT(8000, plen);
	s = grp_size(plen);
	fit = self->rg.size / s;
	ASSERT_EQ(0, post_grp(&self->env, fit + 2, plen, ev, &rep));
	ASSERT_EQ(2, rep.lost);
	ev += fit + 2;
	/* One record read: room for exactly one record, not two. */
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	ASSERT_GT(s + least, self->rg.size - (fit - 1) * s);
	tail = cn_ring_tail(&self->rg);
	ASSERT_EQ(0, post_grp(&self->env, 1, plen, ev++, &rep));
	EXPECT_EQ(1, rep.queued + rep.lost);
	EXPECT_GE(self->rg.size, cn_ring_tail(&self->rg) - self->rg.head);
	if (rep.queued)
		EXPECT_NE(tail, cn_ring_tail(&self->rg));
	/* Everything left reads whole, in order. */
	n = cn_ring_drain(&self->rg, &seq, &why);
	ASSERT_LE(0, n) {
		TH_LOG("%s", why);
	}
	if (cn_ring_flags(&self->rg) & CLUSNOTIFY_RING_F_LOST) {
		ASSERT_EQ(0, cn_ring_sync(self->env.port));
		ASSERT_EQ(1, cn_ring_drain(&self->rg, &seq, &why));
	}
	EXPECT_EQ(self->seq0 + ev, seq);
}

/* The V2 overflow record follows the filter of the first record lost. */
TEST_F(ring, v2_overflow_record_follows_the_first_lost)
{
	const __u32 plen = 4000;
	static unsigned char big[4000];
	/* Bigger than what the group records leave free: it is lost. */
	struct cn_event node = {
		.type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_STATE,
		.v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID, .name = CN_NODE1,
		.state = CN_NODE_UP, .has_state = true,
		.payload = big, .payload_len = plen,
	};
	struct cn_post_reply rep;
	struct cn_rec rec;
	__u32 fit;
	__u64 seq = self->seq0;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, 0x2,
			       0x3));
	fit = self->rg.size / grp_size(plen);
	ASSERT_EQ(0, post_grp(&self->env, fit, plen, 0, &rep));
	ASSERT_EQ(0, rep.lost);
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, &node, 1, &rep));
	ASSERT_EQ(1, rep.lost);
	ASSERT_EQ(0, post_grp(&self->env, 3, plen, fit, &rep));
	ASSERT_EQ(3, rep.lost);
	/* Read everything; the ring is empty with a loss pending. */
	ASSERT_EQ(fit, cn_ring_drain(&self->rg, &seq, NULL));
	EXPECT_EQ(CLUSNOTIFY_RING_F_LOST, cn_ring_flags(&self->rg));
	ASSERT_EQ(0, cn_ring_sync(self->env.port));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, rec.hdr.version);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, rec.hdr.object_type);
	EXPECT_EQ(CN_V2_CLUSTER_LOST_NOTIFICATIONS, rec.hdr.v2_flag);
	EXPECT_EQ(0x2, rec.hdr.key);
	EXPECT_EQ(0x3, rec.hdr.token);
	EXPECT_EQ(4, rec.hdr.lost);
	EXPECT_EQ(seq, rec.hdr.seq);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(self->seq0 + fit + 4, seq);
}

TEST_F(ring, ring_sync)
{
	const __u32 plen = 4000;
	struct clusnotify_port_stats st;
	struct cn_post_reply rep;
	struct cn_rec rec;
	int plain = cn_open_port(0);
	__u64 seq = self->seq0;
	__u32 fit, tail;

	ASSERT_LE(0, plain);
	EXPECT_EQ(-ENODEV, cn_ring_sync(plain));
	close(plain);
	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	/* Empty, nothing pending: nothing to do. */
	EXPECT_EQ(0, cn_ring_sync(self->env.port));
	EXPECT_EQ(0, cn_ring_tail(&self->rg));
	fit = self->rg.size / grp_size(plen);
	ASSERT_EQ(0, post_grp(&self->env, fit + 3, plen, 0, &rep));
	ASSERT_EQ(3, rep.lost);
	/* Not empty: read it first. */
	EXPECT_EQ(-EAGAIN, cn_ring_sync(self->env.port));
	ASSERT_EQ(0, take(&self->rg, fit - 1, &seq));
	EXPECT_EQ(-EAGAIN, cn_ring_sync(self->env.port));
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	/* Empty with F_LOST: readable, and RING_SYNC brings the record. */
	tail = cn_ring_tail(&self->rg);
	EXPECT_EQ(CLUSNOTIFY_RING_F_LOST, cn_ring_flags(&self->rg));
	EXPECT_EQ(POLLIN, poll_now(self->env.port) & (POLLIN | POLLHUP));
	ASSERT_EQ(0, cn_ring_sync(self->env.port));
	EXPECT_EQ(0, cn_ring_flags(&self->rg));
	ASSERT_NE(tail, cn_ring_tail(&self->rg));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	EXPECT_EQ(cn_ring_tail(&self->rg) - tail, rec.hdr.size);
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL,
		  rec.hdr.flags);
	EXPECT_EQ(self->seq0 + fit, rec.hdr.seq);
	EXPECT_EQ(3, rec.hdr.lost);
	EXPECT_STREQ(self->env.name, rec.name);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(0, poll_now(self->env.port));
	/* Once appended, nothing more is due. */
	tail = cn_ring_tail(&self->rg);
	EXPECT_EQ(0, cn_ring_sync(self->env.port));
	EXPECT_EQ(tail, cn_ring_tail(&self->rg));
	/* And the sequence goes on after the lost records. */
	ASSERT_EQ(0, post_grp(&self->env, 1, 0, 0, NULL));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_EQ(self->seq0 + fit + 3, seq);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(3, st.lost);
	EXPECT_EQ(seq + 1, st.next_seq);
}

/* ------------------------------------------------------------------ */
/* poll and epoll                                                      */
/* ------------------------------------------------------------------ */

TEST_F(ring, pollin_exactly_while_head_is_not_tail)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLRDNORM }, out;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct cn_rec rec;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->env.port, &e));
	EXPECT_EQ(0, poll_now(self->env.port));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, post_grp(&self->env, 2, 0, 0, NULL));
	EXPECT_EQ(POLLIN | POLLRDNORM, poll_now(self->env.port));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(EPOLLIN | EPOLLRDNORM, out.events);
	/* One of two consumed: still readable. */
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	cn_ring_advance(&self->rg, rec.hdr.size);
	EXPECT_EQ(POLLIN | POLLRDNORM, poll_now(self->env.port));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	/* head at tail: the level-triggered epoll stops, no call needed. */
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	cn_ring_advance(&self->rg, rec.hdr.size);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, poll_now(self->env.port));
	/* A blocked epoll_wait returns when a record comes. */
	ASSERT_EQ(0, post_grp(&self->env, 1, 0, 2, NULL));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 1000));
	close(ep);
}

struct waiter {
	int fd;
	short revents;
	__u64 waited_ms;
};

static void *poll_waiter(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	__u64 t0 = cn_now_ms();

	if (poll(&p, 1, 5000) == 1)
		w->revents = p.revents;
	w->waited_ms = cn_now_ms() - t0;
	return NULL;
}

TEST_F(ring, shutdown_is_hup_and_appends_nothing)
{
	struct waiter w = { 0 };
	struct clusnotify_port_stats st;
	pthread_t th;
	__u32 tail;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, post_grp(&self->env, 1, 0, 0, NULL));
	ASSERT_EQ(0, take(&self->rg, 1, &self->seq0));
	w.fd = self->env.port;
	ASSERT_EQ(0, pthread_create(&th, NULL, poll_waiter, &w));
	cn_sleep_ms(100);
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	pthread_join(th, NULL);
	EXPECT_TRUE(w.revents & POLLHUP);
	EXPECT_GT(4000, w.waited_ms);
	EXPECT_TRUE(poll_now(self->env.port) & POLLHUP);
	EXPECT_TRUE(cn_ring_flags(&self->rg) & CLUSNOTIFY_RING_F_SHUTDOWN);
	tail = cn_ring_tail(&self->rg);
	ASSERT_EQ(0, post_grp(&self->env, 3, 0, 0, NULL));
	EXPECT_EQ(tail, cn_ring_tail(&self->rg));
	EXPECT_EQ(-ESHUTDOWN, cn_ring_sync(self->env.port));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_TRUE(st.flags & CLUSNOTIFY_PORT_F_SHUTDOWN);
}

/* Records waiting at SHUTDOWN stay where they are; nothing follows them. */
TEST_F(ring, shutdown_with_records_waiting)
{
	__u32 tail;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, post_grp(&self->env, 3, 0, 0, NULL));
	tail = cn_ring_tail(&self->rg);
	ASSERT_EQ(0, cn_ioctl(self->env.port, CLUSNOTIFY_IOC_SHUTDOWN, NULL));
	EXPECT_TRUE(cn_ring_flags(&self->rg) & CLUSNOTIFY_RING_F_SHUTDOWN);
	EXPECT_TRUE(poll_now(self->env.port) & POLLHUP);
	ASSERT_EQ(0, post_grp(&self->env, 3, 0, 3, NULL));
	EXPECT_EQ(tail, cn_ring_tail(&self->rg));
}

/*
 * The edge-triggered reader of the spec: drain, store head, full barrier,
 * load tail again, and only then sleep. The producer posts one record at
 * a time and waits until it is read, so every record is a transition from
 * empty; a wake-up lost shows as an epoll_wait that times out while a
 * record waits.
 */
#define ET_ROUNDS 600

struct et_ctx {
	struct cn_env *env;
	struct cn_ring *rg;
	int ep;
	int consumed;		/* records read, by the reader */
	int stop;
	int lost_wakeups;
	int post_errors;
	int bad;
	__u64 seq;
};

static void *et_producer(void *arg)
{
	struct et_ctx *c = arg;
	int i;

	for (i = 0; i < ET_ROUNDS && !CN_TEST(c->stop); i++) {
		__u64 t0 = cn_now_ms();

		if (post_grp(c->env, 1, 0, i, NULL))
			__atomic_add_fetch(&c->post_errors, 1,
					   __ATOMIC_RELAXED);
		/* Vary the gap: the reader asleep or not. */
		if (i % 3 == 0)
			continue;
		while (__atomic_load_n(&c->consumed, __ATOMIC_ACQUIRE) <= i &&
		       cn_now_ms() - t0 < 5000)
			;
	}
	CN_SET(c->stop);
	return NULL;
}

static void *et_reader(void *arg)
{
	struct et_ctx *c = arg;
	struct epoll_event out;
	const char *why = NULL;
	int n;

	while (__atomic_load_n(&c->consumed, __ATOMIC_ACQUIRE) < ET_ROUNDS) {
		n = cn_ring_drain(c->rg, &c->seq, &why);
		if (n < 0) {
			c->bad++;
			break;
		}
		__atomic_add_fetch(&c->consumed, n, __ATOMIC_RELEASE);
		if (n)
			continue;
		/* Before sleeping: barrier, then tail again. */
		if (!cn_ring_empty_fenced(c->rg))
			continue;
		if (CN_TEST(c->stop) &&
		    __atomic_load_n(&c->consumed, __ATOMIC_ACQUIRE) >=
		    ET_ROUNDS)
			break;
		n = epoll_wait(c->ep, &out, 1, 2000);
		if (n == 0 && cn_ring_tail(c->rg) != c->rg->head)
			c->lost_wakeups++;
		if (n == 0 && CN_TEST(c->stop))
			break;
	}
	return NULL;
}

TEST_F_TIMEOUT(ring, edge_triggered_reader_never_misses_a_wakeup, 120)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLET };
	struct et_ctx c = { .env = &self->env, .rg = &self->rg };
	pthread_t pr, rd;

	c.seq = self->seq0;
	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	c.ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, c.ep);
	ASSERT_EQ(0, epoll_ctl(c.ep, EPOLL_CTL_ADD, self->env.port, &e));
	ASSERT_EQ(0, pthread_create(&rd, NULL, et_reader, &c));
	ASSERT_EQ(0, pthread_create(&pr, NULL, et_producer, &c));
	pthread_join(pr, NULL);
	pthread_join(rd, NULL);
	EXPECT_EQ(0, c.post_errors);
	EXPECT_EQ(0, c.bad);
	EXPECT_EQ(0, c.lost_wakeups);
	EXPECT_EQ(ET_ROUNDS, c.consumed);
	EXPECT_EQ(self->seq0 + ET_ROUNDS, c.seq);
	close(c.ep);
}

/* ------------------------------------------------------------------ */
/* A hostile reader                                                    */
/* ------------------------------------------------------------------ */

static void set_head(struct cn_ring *rg, __u32 head)
{
	rg->head = head;
	cn_ring_publish(rg);
}

/* head ahead of tail, or more than size behind it: the ring is full. */
static void hostile_head(struct __test_metadata *_metadata,
			 FIXTURE_DATA(ring) *self, __u32 bad_head)
{
	struct clusnotify_port_stats st;
	struct cn_post_reply rep;
	struct cn_rec rec;
	__u32 tail, good;
	__u64 seq = self->seq0;
	unsigned char before[64];

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	ASSERT_EQ(0, post_grp(&self->env, 2, 100, 0, NULL));
	ASSERT_EQ(0, take(&self->rg, 2, &seq));
	good = self->rg.head;
	tail = cn_ring_tail(&self->rg);
	memcpy(before, self->rg.data + self->rg.size - 64, 64);
	set_head(&self->rg, tail + bad_head);
	ASSERT_EQ(0, post_grp(&self->env, 4, 100, 2, &rep));
	EXPECT_EQ(0, rep.queued);
	EXPECT_EQ(4, rep.lost);
	EXPECT_EQ(tail, cn_ring_tail(&self->rg));
	EXPECT_TRUE(cn_ring_flags(&self->rg) & CLUSNOTIFY_RING_F_LOST);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(4, st.lost);
	/* The kernel wrote nothing, and left the reader's fields alone. */
	EXPECT_EQ(0, memcmp(before, self->rg.data + self->rg.size - 64, 64));
	EXPECT_EQ(tail + bad_head, self->rg.r->head);
	/* Put right, records flow again behind their overflow record. */
	set_head(&self->rg, good);
	ASSERT_EQ(0, post_grp(&self->env, 1, 100, 6, &rep));
	EXPECT_EQ(1, rep.queued);
	EXPECT_EQ(0, rep.lost);
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	EXPECT_TRUE(rec.hdr.flags & CLUSNOTIFY_RECORD_F_LOST);
	EXPECT_EQ(4, rec.hdr.lost);
	EXPECT_EQ(2, cn_ring_drain(&self->rg, &seq, NULL));
	EXPECT_EQ(self->seq0 + 7, seq);
	EXPECT_EQ(0, cn_ring_flags(&self->rg));
}

TEST_F(ring, hostile_head_far_ahead_of_tail)
{
	hostile_head(_metadata, self, 0x10000);
}

TEST_F(ring, hostile_head_more_than_size_behind)
{
	hostile_head(_metadata, self, -(CLUSNOTIFY_RING_MIN + 8));
}

TEST_F(ring, hostile_head_just_past_tail)
{
	hostile_head(_metadata, self, 8);
}

/*
 * head set to tail with one bit flipped, for every bit: a head ahead of
 * tail or more than size behind it loses the record; a head that leaves
 * room takes it. Whatever it did, the kernel stays inside the ring, and
 * once head is right again records flow with seq intact.
 */
TEST_F(ring, hostile_head_at_every_bit)
{
	__u32 s = grp_size(8), tail, h, queued;
	struct clusnotify_port_stats st;
	struct cn_post_reply rep;
	struct cn_rec rec;
	int bit;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	/* A tail with some bits set, so that some heads fall behind it. */
	ASSERT_EQ(0, post_grp(&self->env, 300, 8, 0, NULL));
	for (bit = 0; bit < 32; bit++) {
		tail = cn_ring_tail(&self->rg);
		h = tail ^ (1U << bit);
		queued = tail - h;
		set_head(&self->rg, h);
		ASSERT_EQ(0, post_grp(&self->env, 1, 8, 300 + bit, &rep));
		if (queued > self->rg.size) {
			EXPECT_EQ(1, rep.lost) {
				TH_LOG("head %#x tail %#x", h, tail);
			}
			EXPECT_EQ(tail, cn_ring_tail(&self->rg));
		} else if (queued + s + 512 <= self->rg.size) {
			EXPECT_EQ(0, rep.lost) {
				TH_LOG("head %#x tail %#x", h, tail);
			}
		}
		/* The reader skips what is there; nothing is due after. */
		set_head(&self->rg, cn_ring_tail(&self->rg));
		if (cn_ring_flags(&self->rg) & CLUSNOTIFY_RING_F_LOST) {
			ASSERT_EQ(0, cn_ring_sync(self->env.port));
			set_head(&self->rg, cn_ring_tail(&self->rg));
		}
		ASSERT_EQ(0, cn_ring_flags(&self->rg));
	}
	ASSERT_EQ(0, post_grp(&self->env, 1, 8, 400, &rep));
	EXPECT_EQ(1, rep.queued);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, NULL));
	EXPECT_EQ(st.next_seq - 1, rec.hdr.seq);
	EXPECT_TRUE(pl_ok(&rec, 400));
	cn_ring_advance(&self->rg, rec.hdr.size);
	EXPECT_EQ(cn_ring_tail(&self->rg), self->rg.head);
}

TEST_F(ring, garbage_consumed_only_changes_statistics)
{
	static const __u64 junk[] = { ~0ULL, 1ULL << 63, 12345, 0 };
	struct clusnotify_port_stats st;
	__u64 seq = self->seq0;
	unsigned int i;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	for (i = 0; i < CN_ARRAY_SIZE(junk); i++) {
		__atomic_store_n(&self->rg.r->consumed, junk[i],
				 __ATOMIC_RELEASE);
		ASSERT_EQ(0, post_grp(&self->env, 3, 40, 3 * i, NULL));
		EXPECT_EQ(3 * grp_size(40), cn_fionread(self->env.port));
		ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
		EXPECT_EQ(0, st.lost);
		EXPECT_EQ(3 * grp_size(40), st.queued_bytes);
		EXPECT_EQ(junk[i], self->rg.r->consumed);
		/* Take them without touching consumed. */
		self->rg.consumed = junk[i] - 1;
		ASSERT_EQ(3, cn_ring_drain(&self->rg, &seq, NULL));
		EXPECT_EQ(junk[i] + 2, self->rg.r->consumed);
	}
	EXPECT_EQ(self->seq0 + 12, seq);
	/* An honest count again is reported as it is. */
	self->rg.consumed = 12;
	cn_ring_publish(&self->rg);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(12, st.delivered);
	EXPECT_EQ(0, st.queued);
}

/* ------------------------------------------------------------------ */
/* The module's own records                                            */
/* ------------------------------------------------------------------ */

TEST_F(ring, handle_close_records_arrive_through_the_ring)
{
	struct cn_rec rec;
	const char *why = NULL;
	__u64 seq = self->seq0;

	ASSERT_EQ(0, cn_ring_open(self->env.port, CLUSNOTIFY_RING_MIN,
				  &self->rg));
	ASSERT_EQ(0, cn_add_v2_obj(self->env.port, self->env.cid,
				   CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL,
				   CN_GROUP1_ID, 0x11, 0x22));
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid, CN_V1_ALL,
			       0x33, 0x44));
	ASSERT_EQ(1, cn_remove(self->env.port, 0x22,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_TRUE(rec.hdr.flags & CLUSNOTIFY_RECORD_F_KERNEL);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, rec.hdr.version);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, rec.hdr.object_type);
	EXPECT_EQ(CN_V2_GROUP_HANDLE_CLOSE, rec.hdr.v2_flag);
	EXPECT_EQ(0x11, rec.hdr.key);
	EXPECT_EQ(0x22, rec.hdr.token);
	EXPECT_STREQ(CN_GROUP1_ID, rec.id);
	EXPECT_STREQ(CN_GROUP1, rec.name);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	ASSERT_EQ(1, cn_remove(self->env.port, 0x44,
			       CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE));
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why));
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, rec.hdr.version);
	EXPECT_EQ(CN_V1_HANDLE_CLOSE, rec.hdr.v1_change);
	EXPECT_EQ(0x33, rec.hdr.key);
	EXPECT_STREQ(self->env.name, rec.name);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(cn_ring_tail(&self->rg), self->rg.head);
}

TEST_F(ring, cluster_state_and_reconnect_arrive_through_the_ring)
{
	struct cn_rec rec;
	const char *why = NULL;
	__u64 seq = self->seq0;
	__u32 id;

	ASSERT_EQ(0, cn_ring_open(self->env.port, CLUSNOTIFY_RING_MIN,
				  &self->rg));
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_CLUSTER_STATE | CN_V1_CLUSTER_RECONNECT,
			       0x55, 0x66));
	/* The producer's session ends. */
	cn_nl_close(&self->env.nl);
	wait_tail(&self->rg, 0);
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_TRUE(rec.hdr.flags & CLUSNOTIFY_RECORD_F_KERNEL);
	EXPECT_EQ(CN_V1_CLUSTER_STATE, rec.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_DOWN, rec.hdr.state);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, rec.hdr.object_type);
	EXPECT_STREQ(self->env.name, rec.name);
	EXPECT_EQ(0x55, rec.hdr.key);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	/* It comes back. */
	ASSERT_EQ(0, cn_nl_open(&self->env.nl));
	ASSERT_EQ(0, cn_register(&self->env.nl, self->env.name, &id));
	EXPECT_EQ(self->env.cid, id);
	wait_tail(&self->rg, self->rg.head);
	ASSERT_EQ(0, cn_ring_peek(&self->rg, &rec, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(seq, rec.hdr.seq);
	EXPECT_TRUE(rec.hdr.flags & CLUSNOTIFY_RECORD_F_KERNEL);
	EXPECT_EQ(CN_V1_CLUSTER_RECONNECT, rec.hdr.v1_change);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_UP, rec.hdr.state);
	EXPECT_STREQ(self->env.name, rec.name);
	ASSERT_EQ(0, take(&self->rg, 1, &seq));
	EXPECT_EQ(cn_ring_tail(&self->rg), self->rg.head);
}

/* ------------------------------------------------------------------ */
/* A producer and a reader racing                                      */
/* ------------------------------------------------------------------ */

#define ST_BATCHES 150
#define ST_BATCH 40

struct st_ctx {
	struct cn_env *env;
	struct cn_ring *rg;
	int port;
	int done;
	int batch;		/* batches posted so far */
	int errors;
	__u64 lost_replied;
	__u64 queued_replied;
	/* the reader's */
	__u64 seq;
	__u64 normal;
	__u64 lost_seen;
	__u64 syncs;
	int bad;
	const char *why;
};

static void *st_producer(void *arg)
{
	struct st_ctx *c = arg;
	struct cn_post_reply rep;
	int b;

	for (b = 0; b < ST_BATCHES; b++) {
		/* Payload sizes vary, so records straddle the end too. */
		if (post_grp(c->env, ST_BATCH, (b * 397) % 3000, b * ST_BATCH,
			     &rep)) {
			c->errors++;
			continue;
		}
		c->lost_replied += rep.lost;
		c->queued_replied += rep.queued;
		__atomic_store_n(&c->batch, b + 1, __ATOMIC_RELEASE);
		if (b % 16 == 15)
			cn_sleep_ms(2);
	}
	CN_SET(c->done);
	return NULL;
}

/* Returns true when the reader should stop (ring empty, nothing due). */
static bool st_take(struct st_ctx *c)
{
	/* Read before the ring: every append happened before done was set. */
	bool done = CN_TEST(c->done);
	struct cn_rec rec;
	int ret;

	for (;;) {
		ret = cn_ring_peek(c->rg, &rec, &c->why);
		if (ret == -EAGAIN)
			break;
		if (ret || rec.hdr.seq != c->seq) {
			if (!ret)
				c->why = "seq out of order";
			c->bad++;
			return true;
		}
		if (rec.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) {
			c->seq += rec.hdr.lost;
			c->lost_seen += rec.hdr.lost;
		} else {
			c->seq++;
			c->normal++;
		}
		cn_ring_advance(c->rg, rec.hdr.size);
	}
	if (!cn_ring_empty_fenced(c->rg))
		return false;
	if (cn_ring_flags(c->rg) & CLUSNOTIFY_RING_F_LOST) {
		ret = cn_ring_sync(c->port);
		/* -EAGAIN: a record came meanwhile; read it first. */
		if (ret && ret != -EAGAIN) {
			c->why = "RING_SYNC failed";
			c->bad++;
			return true;
		}
		c->syncs++;
		return false;
	}
	return done;
}

static void *st_reader(void *arg)
{
	struct st_ctx *c = arg;
	struct pollfd p = { .fd = c->port, .events = POLLIN };
	int slow = 0;

	while (!st_take(c)) {
		/*
		 * Stop reading for ten batches in every thirty, so the ring
		 * overflows however fast either side is; otherwise now and
		 * then fall behind for a moment.
		 */
		while (__atomic_load_n(&c->batch, __ATOMIC_ACQUIRE) / 10 % 3 ==
		       1 && !CN_TEST(c->done))
			cn_sleep_ms(1);
		if (++slow % 50 == 0)
			cn_sleep_ms(20);
		else
			poll(&p, 1, 50);
	}
	return NULL;
}

TEST_F_TIMEOUT(ring, producer_and_reader_account_for_every_seq, 240)
{
	struct st_ctx c = { .env = &self->env, .rg = &self->rg };
	struct clusnotify_port_stats st;
	pthread_t pr, rd;

	ASSERT_EQ(0, ring_with_filter(self, CLUSNOTIFY_RING_MIN));
	c.port = self->env.port;
	c.seq = self->seq0;
	ASSERT_EQ(0, pthread_create(&rd, NULL, st_reader, &c));
	ASSERT_EQ(0, pthread_create(&pr, NULL, st_producer, &c));
	pthread_join(pr, NULL);
	pthread_join(rd, NULL);
	ASSERT_EQ(0, c.bad) {
		TH_LOG("reader: %s", c.why);
	}
	EXPECT_EQ(0, c.errors);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(ST_BATCHES * ST_BATCH, c.normal + c.lost_seen);
	/* Both paths were taken: records read, and records lost. */
	EXPECT_LT(0, c.normal);
	EXPECT_LT(0, c.lost_seen);
	EXPECT_EQ(c.queued_replied, c.normal);
	EXPECT_EQ(c.lost_replied, c.lost_seen);
	EXPECT_EQ(st.lost, c.lost_seen);
	EXPECT_EQ(st.next_seq, c.seq);
	EXPECT_EQ(self->seq0 + ST_BATCHES * ST_BATCH, c.seq);
	EXPECT_EQ(0, cn_ring_flags(&self->rg));
	EXPECT_EQ(cn_ring_tail(&self->rg), self->rg.head);
	TH_LOG("%llu records read, %llu lost, %llu RING_SYNCs",
	       (unsigned long long)c.normal, (unsigned long long)c.lost_seen,
	       (unsigned long long)c.syncs);
}

TEST_HARNESS_MAIN
