// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench nonmatch: the cost of a post against the ports that do not match
 * it, N = 0, 100, 1000, 10000. It must stay flat: a post walks only the
 * index lists of its own kinds.
 *
 * Two kinds of bystander, each port with one filter:
 *   other-kind    filters on other event kinds (node, resource and network
 *                 state, group properties and owner; V1 and V2 alike), so
 *                 they sit in other lists of the index
 *   other-object  V2 GROUP_STATE filters on other groups: the same kind as
 *                 the event, so in the very list the post walks, rejected
 *                 one by one by their object id
 * Every (variant, N) has a cluster of its own holding its N bystanders and
 * one matching port (V2 GROUP_STATE on group 0). One thread, no consumer
 * waiting: a block of M posts of the group-0 event is timed, then the
 * matching port is drained and must hold exactly M records. Per message of
 * one event (b1) and of 32 events (b32, cost per event). The clusters are
 * visited in an order rotating per repetition; a ratio compares N with 0
 * within one repetition.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnbench.h"

#define NM_VARIANTS 2
#define NM_MAX_N 4

static const char *const variant_names[NM_VARIANTS] = {
	"other-kind", "other-object",
};

static const struct {
	uint32_t version;
	uint32_t type;
	uint64_t mask;
} other_kinds[] = {
	{ CLUSNOTIFY_FILTER_V2, CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE },
	{ CLUSNOTIFY_FILTER_V2, CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE },
	{ CLUSNOTIFY_FILTER_V2, CLUSNOTIFY_OBJ_GROUP,
	  CN_V2_GROUP_COMMON_PROPERTY },
	{ CLUSNOTIFY_FILTER_V2, CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_OWNER_NODE },
	{ CLUSNOTIFY_FILTER_V2, CLUSNOTIFY_OBJ_NETWORK, CN_V2_NETWORK_STATE },
	{ CLUSNOTIFY_FILTER_V1, 0, CN_V1_NODE_STATE },
	{ CLUSNOTIFY_FILTER_V1, 0, CN_V1_RESOURCE_STATE },
	{ CLUSNOTIFY_FILTER_V1, 0, CN_V1_GROUP_PROPERTY },
};

struct nm_cluster {
	uint32_t cid;
	char name[64];
	int variant;
	long n;
	int match;		/* the matching port */
	int *bystanders;
	struct post_msg pm1;	/* one event */
	struct post_msg pm32;	/* 32 events */
};

static void nm_setup(struct poster *po, struct nm_cluster *c, int variant,
		     long n)
{
	static const uint32_t state = CN_GROUP_ONLINE;
	struct cn_event ev[32];
	long i;
	int ret;

	c->variant = variant;
	c->n = n;
	bench_check(poster_cluster(po, "nonmatch", &c->cid, c->name,
				   sizeof(c->name)), "nonmatch: cluster");
	c->match = cn_open_port(O_NONBLOCK);
	if (c->match < 0)
		bench_fail("nonmatch: open port: %s", strerror(-c->match));
	bench_check(cn_add_v2_obj(c->match, c->cid, CLUSNOTIFY_OBJ_GROUP,
				  CN_V2_GROUP_STATE, group_id(0), 1, 1),
		    "nonmatch: matching filter");
	c->bystanders = calloc(n ? n : 1, sizeof(int));
	if (!c->bystanders)
		bench_fail("out of memory");
	for (i = 0; i < n; i++) {
		int fd = cn_open_port(0);

		if (fd < 0)
			bench_fail("nonmatch: open port %ld of %ld: %s", i, n,
				   strerror(-fd));
		if (variant == 0) {
			int k = i % CN_ARRAY_SIZE(other_kinds);

			if (other_kinds[k].version == CLUSNOTIFY_FILTER_V1)
				ret = cn_add_v1(fd, c->cid, other_kinds[k].mask,
						i, i);
			else
				ret = cn_add_v2(fd, c->cid, other_kinds[k].type,
						other_kinds[k].mask, i, i);
		} else {
			ret = cn_add_v2_obj(fd, c->cid, CLUSNOTIFY_OBJ_GROUP,
					    CN_V2_GROUP_STATE,
					    group_id(1 + i % (BENCH_GROUPS - 1)),
					    i, i);
		}
		bench_check(ret, "nonmatch: bystander filter");
		c->bystanders[i] = fd;
	}
	for (i = 0; i < 32; i++)
		event_group_state(&ev[i], 0, &state, sizeof(state));
	bench_check(post_msg_build(&c->pm1, po, c->cid, ev, 1),
		    "nonmatch: build");
	bench_check(post_msg_build(&c->pm32, po, c->cid, ev, 32),
		    "nonmatch: build");
}

/* Check that no bystander ever got a record, then close everything. */
static void nm_teardown(struct poster *po, struct nm_cluster *c)
{
	long i;

	for (i = 0; i < c->n; i++) {
		struct clusnotify_port_stats st;

		bench_check(cn_port_stats(c->bystanders[i], &st),
			    "nonmatch: port stats");
		if (st.next_seq || st.queued)
			bench_fail("nonmatch: a %s bystander received %llu records",
				   variant_names[c->variant],
				   (unsigned long long)st.next_seq);
		close(c->bystanders[i]);
	}
	free(c->bystanders);
	close(c->match);
	post_msg_free(&c->pm1);
	post_msg_free(&c->pm32);
	cn_unregister(&po->nl, c->cid);
}

static void nm_drain(struct nm_cluster *c, long want)
{
	static char buf[BENCH_REC_MAX] __attribute__((aligned(8)));
	long got = 0;

	for (;;) {
		ssize_t n = read(c->match, buf, sizeof(buf));
		size_t off = 0;

		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			bench_fail("nonmatch: read: %s", strerror(errno));
		while (off < (size_t)n) {
			const struct clusnotify_record *r = (const void *)(buf + off);

			if (r->flags & CLUSNOTIFY_RECORD_F_LOST)
				bench_fail("nonmatch: records lost");
			off += r->size;
			got++;
		}
	}
	if (got != want)
		bench_fail("nonmatch: the matching port got %ld records, not %ld",
			   got, want);
}

/* Microseconds per event for M events sent b per message. */
static double nm_block(struct poster *po, struct nm_cluster *c, long m,
		       int b)
{
	struct post_msg *pm = b == 1 ? &c->pm1 : &c->pm32;
	uint64_t t0, t1, queued, lost;
	long i;

	t0 = now_ns();
	for (i = 0; i < m; i += b) {
		bench_check(post_msg_send(po, pm, &queued, &lost),
			    "nonmatch: post");
		if (queued != (uint64_t)b || lost)
			bench_fail("nonmatch: a post queued %llu records (expected %d)",
				   (unsigned long long)queued, b);
	}
	t1 = now_ns();
	nm_drain(c, m);
	return (t1 - t0) / 1e3 / m;
}

int bench_nonmatch(void)
{
	static const long full_n[NM_MAX_N] = { 0, 100, 1000, 10000 };
	static const long tiny_n[NM_MAX_N] = { 0, 100 };
	const long *ns = opts.tiny ? tiny_n : full_n;
	int nn = opts.tiny ? 2 : NM_MAX_N;
	long m = opts.tiny ? 32 : 320;
	struct nm_cluster cl[NM_VARIANTS * NM_MAX_N];
	double v[NM_VARIANTS * NM_MAX_N][2][64];
	unsigned int old_ports = 1024;
	struct poster po;
	int nc = NM_VARIANTS * nn, i, rep, k, b;
	long total = 0;
	uint64_t t0;

	for (i = 0; i < nn; i++)
		total += ns[i];
	total = total * NM_VARIANTS + nc + 64;
	raise_nofile(total + 1024);
	cn_param_get("max_ports", &old_ports);
	if ((long)old_ports < total)
		bench_check(param_write("max_ports", total), "nonmatch: raise max_ports");
	pin_cpu(0);
	bench_check(poster_open(&po), "nonmatch: netlink");
	if (opts.profile) {
		/* The post path alone: one matching port, one event a post. */
		nm_setup(&po, &cl[0], 0, 0);
		for (i = 0; i < 12; i++)
			nm_block(&po, &cl[0], m, 1);
		nm_teardown(&po, &cl[0]);
		poster_close(&po);
		return 0;
	}
	t0 = now_ns();
	for (i = 0; i < nc; i++)
		nm_setup(&po, &cl[i], i / nn, ns[i % nn]);
	emit_info("nonmatch", "%ld ports and filters set up in %.1f s; %ld posts per block",
		  total, (now_ns() - t0) / 1e9, m);
	/* Warm-up, unrecorded. */
	for (i = 0; i < nc; i++)
		nm_block(&po, &cl[i], 32, 1);
	for (rep = 0; rep < opts.reps; rep++) {
		for (k = 0; k < nc; k++) {
			i = (k + rep) % nc;
			for (b = 0; b < 2; b++)
				v[i][b][rep] = nm_block(&po, &cl[i], m,
							b ? 32 : 1);
		}
	}
	for (i = 0; i < nc; i++) {
		for (b = 0; b < 2; b++) {
			char series[48], name[64];
			int base = (i / nn) * nn;

			snprintf(series, sizeof(series), "%s-b%d",
				 variant_names[cl[i].variant], b ? 32 : 1);
			emit_data("nonmatch", series, cl[i].n, "us_per_ev",
				  stat3_of(v[i][b], opts.reps));
			snprintf(name, sizeof(name), "%s/0", series);
			emit_ratio("nonmatch", name, cl[i].n, "us_per_ev",
				   stat3_ratio(v[i][b], v[base][b], opts.reps));
		}
	}
	for (i = 0; i < nc; i++)
		nm_teardown(&po, &cl[i]);
	poster_close(&po);
	param_write("max_ports", old_ports);
	return 0;
}
