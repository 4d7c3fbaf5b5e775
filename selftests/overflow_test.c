// SPDX-License-Identifier: GPL-2.0
/*
 * Queue overflow: with max_records lowered, records past the limit are not
 * queued but counted, and one overflow record (F_LOST | F_KERNEL) is
 * appended: its seq is the first lost record's, its lost field the exact
 * number lost (still counting while it waits), its kind V1
 * CLUSTER_RECONNECT or V2 CLUSTER LOST_NOTIFICATIONS after the filter of
 * the first lost record. A reader following seq += (F_LOST ? lost : 1)
 * accounts for every record the port was due.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define LIMIT 8

FIXTURE(ovf) {
	struct cn_env env;
	unsigned char *buf;
	struct cn_rec r;
	unsigned int saved;
	__u64 seq0;
};

FIXTURE_SETUP(ovf)
{
	struct clusnotify_port_stats st;

	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, cn_param_get("max_records", &self->saved));
	ASSERT_EQ(0, cn_param_set("max_records", LIMIT));
	ASSERT_EQ(0, cn_env_setup(&self->env, "Ovf"));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	self->seq0 = st.next_seq;
}

FIXTURE_TEARDOWN(ovf)
{
	cn_env_teardown(&self->env);
	cn_param_set("max_records", self->saved);
	free(self->buf);
}

/* Post n events of one kind; returns the reply's LOST or -errno. */
static long long post_n(struct cn_env *e, const struct cn_event *ev, int n)
{
	struct cn_event *evs = calloc(n, sizeof(*evs));
	struct cn_post_reply rep;
	int i, ret;

	if (!evs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		evs[i] = *ev;
	ret = cn_post(&e->nl, e->cid, evs, n, &rep);
	free(evs);
	return ret ? ret : (long long)rep.lost;
}

static const struct cn_event grp = {
	.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	.v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID, .name = CN_GROUP1,
	.state = CN_GROUP_ONLINE, .has_state = true,
};

static const struct cn_event node = {
	.type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_STATE,
	.v2 = CN_V2_NODE_STATE, .id = CN_NODE1_ID, .name = CN_NODE1,
	.state = CN_NODE_UP, .has_state = true,
};

/*
 * Read everything queued, checking the sequence arithmetic from *seq on.
 * Returns how many records the port was due over those records (regular
 * ones count 1, an overflow record its lost count); *lostrec gets the
 * last overflow record.
 */
static long long walk(struct __test_metadata *_metadata,
		      FIXTURE_DATA(ovf) *self, __u64 *seq,
		      struct clusnotify_record *lostrec, int *nread)
{
	long long due = 0;

	while (!cn_get_rec(self->env.port, self->buf, 0, &self->r)) {
		if (nread)
			(*nread)++;
		EXPECT_EQ(*seq, self->r.hdr.seq);
		if (self->r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) {
			EXPECT_LT(0, self->r.hdr.lost);
			*seq += self->r.hdr.lost;
			due += self->r.hdr.lost;
			if (lostrec)
				*lostrec = self->r.hdr;
		} else {
			*seq += 1;
			due++;
		}
	}
	return due;
}

TEST_F(ovf, v1_overflow_record_counts_exactly)
{
	struct clusnotify_port_stats st;
	struct clusnotify_record lr = { 0 };
	int i;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 0xa1, 0xb1));
	ASSERT_EQ(20 - LIMIT, post_n(&self->env, &grp, 20));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(LIMIT + 1, st.queued);	/* the overflow record too */
	EXPECT_EQ(20 - LIMIT, st.lost);
	EXPECT_EQ(self->seq0 + 20, st.next_seq);
	for (i = 0; i < LIMIT; i++) {
		ASSERT_EQ(0, cn_get_rec(self->env.port, self->buf, 0,
					&self->r));
		EXPECT_EQ(self->seq0 + i, self->r.hdr.seq);
		EXPECT_EQ(0, self->r.hdr.flags);
	}
	ASSERT_EQ(0, cn_get_rec(self->env.port, self->buf, 0, &self->r));
	lr = self->r.hdr;
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL,
		  lr.flags);
	EXPECT_EQ(self->seq0 + LIMIT, lr.seq);
	EXPECT_EQ(20 - LIMIT, lr.lost);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, lr.version);
	EXPECT_EQ(CN_V1_CLUSTER_RECONNECT, lr.v1_change);
	EXPECT_EQ(0xa1, lr.key);
	EXPECT_EQ(0xb1, lr.token);
	EXPECT_EQ(self->env.cid, lr.cluster_id);
	EXPECT_EQ(-ETIMEDOUT, cn_get_rec(self->env.port, self->buf, 0,
					 &self->r));
	/* The arithmetic: seq + lost is where the next record starts. */
	EXPECT_EQ(st.next_seq, lr.seq + lr.lost);
}

TEST_F(ovf, v2_overflow_record_is_lost_notifications)
{
	struct clusnotify_record lr = { 0 };
	__u64 seq = self->seq0;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE, 0xa2,
			       0xb2));
	ASSERT_EQ(13 - LIMIT, post_n(&self->env, &grp, 13));
	EXPECT_EQ(13, walk(_metadata, self, &seq, &lr, NULL));
	EXPECT_EQ(self->seq0 + 13, seq);
	EXPECT_EQ(CLUSNOTIFY_RECORD_F_LOST | CLUSNOTIFY_RECORD_F_KERNEL,
		  lr.flags);
	EXPECT_EQ(13 - LIMIT, lr.lost);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, lr.version);
	EXPECT_EQ(CLUSNOTIFY_OBJ_CLUSTER, lr.object_type);
	EXPECT_EQ(CN_V2_CLUSTER_LOST_NOTIFICATIONS, lr.v2_flag);
	EXPECT_EQ(0xa2, lr.key);
}

TEST_F(ovf, overflow_record_keeps_counting_while_it_waits)
{
	struct clusnotify_port_stats st;
	struct clusnotify_record lr = { 0 };
	__u64 seq = self->seq0;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(2, post_n(&self->env, &grp, LIMIT + 2));
	ASSERT_EQ(5, post_n(&self->env, &grp, 5));
	ASSERT_EQ(1, post_n(&self->env, &grp, 1));
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(LIMIT + 1, st.queued);	/* still one overflow record */
	EXPECT_EQ(8, st.lost);
	EXPECT_EQ(LIMIT + 8, walk(_metadata, self, &seq, &lr, NULL));
	EXPECT_EQ(8, lr.lost);
	EXPECT_EQ(self->seq0 + LIMIT, lr.seq);
}

TEST_F(ovf, overflow_record_follows_the_first_lost_records_filter)
{
	struct clusnotify_record lr = { 0 };
	__u64 seq = self->seq0;

	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 0x1, 0x1));
	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, 0x2,
			       0x2));
	ASSERT_EQ(0, post_n(&self->env, &grp, LIMIT));
	/* The first lost record is the node's, through the V2 filter. */
	ASSERT_EQ(1, post_n(&self->env, &node, 1));
	ASSERT_EQ(3, post_n(&self->env, &grp, 3));
	EXPECT_EQ(LIMIT + 4, walk(_metadata, self, &seq, &lr, NULL));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V2, lr.version);
	EXPECT_EQ(CN_V2_CLUSTER_LOST_NOTIFICATIONS, lr.v2_flag);
	EXPECT_EQ(0x2, lr.key);
	EXPECT_EQ(4, lr.lost);
}

TEST_F(ovf, sequence_proves_nothing_went_unreported)
{
	struct clusnotify_port_stats st;
	__u64 seq = self->seq0;
	long long due = 0, lost = 0, ret;
	int round, i, nread = 0;

	ASSERT_EQ(0, cn_add_v2(self->env.port, self->env.cid,
			       CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 1, 1));
	/* Posts outrun reads: 7 in, 3 out, eight times. */
	for (round = 0; round < 8; round++) {
		ret = post_n(&self->env, &grp, 7);
		ASSERT_LE(0, ret);
		lost += ret;
		for (i = 0; i < 3; i++) {
			if (cn_get_rec(self->env.port, self->buf, 0, &self->r))
				break;
			nread++;
			EXPECT_EQ(seq, self->r.hdr.seq);
			if (self->r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST) {
				seq += self->r.hdr.lost;
				due += self->r.hdr.lost;
			} else {
				seq++;
				due++;
			}
		}
	}
	due += walk(_metadata, self, &seq, NULL, &nread);
	EXPECT_EQ(56, due);
	EXPECT_EQ(self->seq0 + 56, seq);
	ASSERT_EQ(0, cn_port_stats(self->env.port, &st));
	EXPECT_EQ(lost, st.lost);
	EXPECT_LT(0, lost);
	EXPECT_EQ(seq, st.next_seq);
	/* Every record read, overflow records included, was delivered. */
	EXPECT_EQ(nread, st.delivered);
	/* And after the storm, records flow normally again. */
	ASSERT_EQ(0, post_n(&self->env, &grp, 2));
	EXPECT_EQ(2, walk(_metadata, self, &seq, NULL, NULL));
	EXPECT_EQ(self->seq0 + 58, seq);
}

TEST_F(ovf, limit_is_per_port)
{
	struct clusnotify_port_stats st;
	int p2 = cn_open_port(0);

	ASSERT_LE(0, p2);
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(0, cn_add_v1(p2, self->env.cid, CN_V1_NODE_STATE, 1, 1));
	ASSERT_EQ(2, post_n(&self->env, &grp, LIMIT + 2));
	ASSERT_EQ(0, post_n(&self->env, &node, LIMIT));
	ASSERT_EQ(0, cn_port_stats(p2, &st));
	EXPECT_EQ(LIMIT, st.queued);
	EXPECT_EQ(0, st.lost);
	close(p2);
}

TEST_F(ovf, port_dump_reports_the_loss)
{
	struct cn_port_desc *d = calloc(256, sizeof(*d));
	int i, n, found = 0;

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_add_v1(self->env.port, self->env.cid,
			       CN_V1_GROUP_STATE, 1, 1));
	ASSERT_EQ(5, post_n(&self->env, &grp, LIMIT + 5));
	ASSERT_EQ(0, cn_port_dump(&self->env.nl, d, 256, &n));
	for (i = 0; i < n && i < 256; i++) {
		if (d[i].pid != (__u32)getpid())
			continue;
		found++;
		EXPECT_EQ(5, d[i].lost);
		EXPECT_EQ(LIMIT + 1, d[i].queued);
		EXPECT_EQ(self->seq0 + LIMIT + 5, d[i].next_seq);
	}
	EXPECT_EQ(1, found);
	free(d);
}

TEST_HARNESS_MAIN
