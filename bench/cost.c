// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench cost: the CPU cost of one delivery, stage by stage, with nothing
 * running concurrently: what bounds fan-out throughput once the CPUs are
 * busy, measured the way software emulation measures reliably (one thread,
 * no sleeping, no wake-up, no lock another CPU holds).
 *
 * One thread plays every part in turn, in chunks of 64 events: it produces
 * the chunk (B events per message), then, for the broker, runs the
 * broker's own code on it (broker_local_run(): the same recvmmsg, index,
 * matching, coalescing and one send per client), then drains every
 * consumer endpoint completely. Each stage is timed; the figures are
 * nanoseconds per delivered record. Series as in fanout: cn-batch (post;
 * clusnotify_port_read), cn-get (post; GetClusterNotifyV2 per record until
 * WAIT_TIMEOUT), broker (send to the broker; broker; recvmmsg), pipe (write
 * into every pipe; read). Ratios are in deliveries per CPU-second, the
 * module over the broker (above 1: the module is cheaper), per repetition
 * and between the cheapest repetitions of each ("best": on a busy host,
 * interference only ever adds time).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cnbench.h"

enum { C_CN_BATCH, C_CN_GET, C_BROKER, C_PIPE, C_NR };

static const char *const cost_names[C_NR] = {
	"cn-batch", "cn-get", "broker", "pipe",
};

#define CHUNK 64
#define STAGES 3	/* produce, dispatch (broker only), consume */

struct cost {
	int F;
	int B;
	HCLUSTER hc;
	struct poster po;
	uint32_t cid;
	struct post_msg pm;
	int bprod;
	char *bmsg;
	size_t bmsg_len;
	char *pmsg;
	size_t pmsg_len;
	size_t recsize;
	HCHANGE *ports;
	int *bcli;
	int *prd, *pwr;
	struct sink_check *chk[C_NR];
	char *buf[8];
};

static uint64_t c_walk(const char *buf, size_t len, struct sink_check *chk)
{
	struct clusnotify_record_view v;
	size_t off = 0;
	uint64_t got = 0;
	int ret;

	while ((ret = clusnotify_record_next(buf, len, &off, &v)) == 1) {
		const char *why = record_verify(v.hdr, len - (off - v.hdr->size),
						chk);

		if (why)
			bench_fail("cost: %s", why);
		got++;
	}
	if (ret < 0)
		bench_fail("cost: clusnotify_record_next: %s", strerror(-ret));
	return got;
}

static void c_produce(struct cost *c, int s)
{
	uint64_t queued, lost;
	int i, k;

	for (k = 0; k < CHUNK; k += c->B) {
		switch (s) {
		case C_CN_BATCH:
		case C_CN_GET:
			bench_check(post_msg_send(&c->po, &c->pm, &queued,
						  &lost), "cost: post");
			if (queued != (uint64_t)c->B * c->F || lost)
				bench_fail("cost: a post queued %llu records, lost %llu",
					   (unsigned long long)queued,
					   (unsigned long long)lost);
			break;
		case C_BROKER:
			if (send(c->bprod, c->bmsg, c->bmsg_len, 0) !=
			    (ssize_t)c->bmsg_len)
				bench_fail("cost: send: %s", strerror(errno));
			break;
		default:
			for (i = 0; i < c->F; i++)
				if (write(c->pwr[i], c->pmsg, c->pmsg_len) !=
				    (ssize_t)c->pmsg_len)
					bench_fail("cost: pipe write: %s",
						   strerror(errno));
			break;
		}
	}
}

/* Empty every endpoint of series s; the records taken. */
static uint64_t c_consume(struct cost *c, int s)
{
	struct mmsghdr msgs[8];
	struct iovec iov[8];
	uint64_t got = 0;
	int i, j, n;

	for (i = 0; i < c->F; i++) {
		struct sink_check *chk = &c->chk[s][i];

		for (;;) {
			if (s == C_CN_BATCH) {
				ssize_t r = clusnotify_port_read(c->ports[i],
								 c->buf[0],
								 BENCH_REC_MAX,
								 0);

				if (r == -ETIMEDOUT)
					break;
				if (r < 0)
					bench_fail("cost: clusnotify_port_read: %s",
						   strerror(-r));
				got += c_walk(c->buf[0], r, chk);
			} else if (s == C_CN_GET) {
				WCHAR id[64], par[64], name[64], type[64];
				DWORD pl = 64, ci = 64, cp = 64, cn = 64;
				DWORD ct = 64, rc;
				NOTIFY_FILTER_AND_TYPE fat;
				DWORD_PTR key;

				rc = GetClusterNotifyV2(c->ports[i], &key, &fat,
							(BYTE *)c->buf[0], &pl,
							id, &ci, par, &cp, name,
							&cn, type, &ct, 0);
				if (rc == WAIT_TIMEOUT)
					break;
				if (rc != ERROR_SUCCESS || key != chk->key)
					bench_fail("cost: GetClusterNotifyV2: %u",
						   rc);
				chk->next_seq++;
				got++;
			} else if (s == C_BROKER) {
				for (j = 0; j < 8; j++) {
					iov[j].iov_base = c->buf[j];
					iov[j].iov_len = BENCH_REC_MAX;
					memset(&msgs[j], 0, sizeof(msgs[j]));
					msgs[j].msg_hdr.msg_iov = &iov[j];
					msgs[j].msg_hdr.msg_iovlen = 1;
				}
				n = recvmmsg(c->bcli[i], msgs, 8, MSG_DONTWAIT,
					     NULL);
				if (n < 0 && errno == EAGAIN)
					break;
				if (n <= 0)
					bench_fail("cost: recvmmsg: %s",
						   strerror(errno));
				for (j = 0; j < n; j++)
					got += c_walk(c->buf[j],
						      msgs[j].msg_len, chk);
			} else {
				ssize_t r = read(c->prd[i], c->buf[0],
						 BENCH_REC_MAX / c->recsize *
						 c->recsize);

				if (r < 0 && errno == EAGAIN)
					break;
				if (r <= 0 || r % c->recsize)
					bench_fail("cost: pipe read: %zd", r);
				got += r / c->recsize;
			}
		}
	}
	return got;
}

/* One run of series s: nanoseconds per delivery of each stage. */
static void c_run(struct cost *c, int s, long events, double ns[STAGES])
{
	uint64_t t[STAGES] = { 0 }, t0, t1, got = 0;
	long e;
	int k;

	for (e = 0; e < events; e += CHUNK) {
		t0 = now_ns();
		c_produce(c, s);
		t1 = now_ns();
		t[0] += t1 - t0;
		if (s == C_BROKER)
			broker_local_run();
		t0 = now_ns();
		t[1] += t0 - t1;
		got += c_consume(c, s);
		t[2] += now_ns() - t0;
	}
	if (got != (uint64_t)events * c->F)
		bench_fail("cost: %s F=%d: %llu records, not %llu",
			   cost_names[s], c->F, (unsigned long long)got,
			   (unsigned long long)events * c->F);
	for (k = 0; k < STAGES; k++)
		ns[k] = (double)t[k] / got;
}

static void widen(const char *s, WCHAR *out)
{
	do
		*out++ = (WCHAR)(unsigned char)*s;
	while (*s++);
}

static void c_setup(struct cost *c, int F)
{
	NOTIFY_FILTER_AND_TYPE nf = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2,
	};
	struct clusnotify_filter bf = {
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
	};
	int i, s, p[2];

	c->F = F;
	c->ports = calloc(F, sizeof(*c->ports));
	c->bcli = calloc(F, sizeof(int));
	c->prd = calloc(F, sizeof(int));
	c->pwr = calloc(F, sizeof(int));
	if (!c->ports || !c->bcli || !c->prd || !c->pwr)
		bench_fail("out of memory");
	for (s = 0; s < C_NR; s++) {
		c->chk[s] = calloc(F, sizeof(**c->chk));
		if (!c->chk[s])
			bench_fail("out of memory");
	}
	broker_local_open();
	c->bprod = broker_local_producer();
	for (i = 0; i < F; i++) {
		c->ports[i] = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
							c->hc, &nf, 1, i + 1);
		if (!c->ports[i])
			bench_fail("cost: CreateClusterNotifyPortV2: %u",
				   GetLastError());
		bf.key = i + 1;
		c->bcli[i] = broker_local_client(&bf, NULL);
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
			bench_fail("cost: pipe2: %s", strerror(errno));
		c->prd[i] = p[0];
		c->pwr[i] = p[1];
		for (s = 0; s < C_NR; s++)
			c->chk[s][i].key = i + 1;
	}
	/* cn-batch and cn-get read the same ports: one sequence. */
	free(c->chk[C_CN_GET]);
	c->chk[C_CN_GET] = c->chk[C_CN_BATCH];
}

static void c_teardown(struct cost *c)
{
	int i;

	for (i = 0; i < c->F; i++) {
		CloseClusterNotifyPort(c->ports[i]);
		close(c->bcli[i]);
		close(c->prd[i]);
		close(c->pwr[i]);
	}
	close(c->bprod);
	broker_local_close();
	free(c->ports);
	free(c->bcli);
	free(c->prd);
	free(c->pwr);
	free(c->chk[C_CN_BATCH]);
	free(c->chk[C_BROKER]);
	free(c->chk[C_PIPE]);
}

static void c_messages(struct cost *c)
{
	static const uint32_t state = CN_GROUP_ONLINE;
	struct cn_event ev[64];
	size_t cap = 512 + 64 * 512;
	char *p;
	int i;

	for (i = 0; i < c->B; i++)
		event_group_state(&ev[i], i, &state, sizeof(state));
	bench_check(post_msg_build(&c->pm, &c->po, c->cid, ev, c->B),
		    "cost: build");
	c->bmsg = malloc(cap);
	c->pmsg = malloc(cap);
	if (!c->bmsg || !c->pmsg)
		bench_fail("out of memory");
	c->bmsg_len = broker_pack(c->bmsg, cap, ev, c->B);
	c->recsize = record_size(&ev[0]);
	for (i = 0, p = c->pmsg; i < c->B; i++)
		p += record_build(p, &ev[i], 0, 1, c->cid, 0);
	c->pmsg_len = p - c->pmsg;
}

int bench_cost(void)
{
	static const int full_ports[] = { 1, 8, 64, 512 };
	static const int tiny_ports[] = { 1, 8 };
	static const char *const stage_names[STAGES] = {
		"produce_ns", "broker_ns", "consume_ns",
	};
	const int *ports = opts.tiny ? tiny_ports : full_ports;
	int nports = opts.tiny ? 2 : 4;
	int one_port = opts.ports;
	struct cost c = { .B = opts.batch };
	double ns[64][C_NR][STAGES + 1];
	char bench[32], name[64];
	WCHAR wname[64];
	int pi, rep, k, s, i;

	if (64 % c.B)
		bench_fail("cost: the batch must divide 64");
	snprintf(bench, sizeof(bench), "cost-b%d", c.B);
	raise_nofile(4096);
	pin_cpu(0);
	for (i = 0; i < 8; i++) {
		c.buf[i] = aligned_alloc(8, BENCH_REC_MAX);
		if (!c.buf[i])
			bench_fail("out of memory");
	}
	bench_check(poster_open(&c.po), "cost: netlink");
	bench_check(poster_cluster(&c.po, "cost", &c.cid, name, sizeof(name)),
		    "cost: cluster");
	widen(name, wname);
	c.hc = OpenCluster(wname);
	if (!c.hc)
		bench_fail("cost: OpenCluster: %u", GetLastError());
	c_messages(&c);
	emit_info(bench, "%d event(s) per message, chunks of %d events",
		  c.B, CHUNK);
	if (one_port) {
		ports = &one_port;
		nports = 1;
	}
	for (pi = 0; pi < nports; pi++) {
		int F = ports[pi];
		long events = opts.tiny ? CHUNK : (F >= 64 ? 2 * CHUNK :
					    (F >= 8 ? 8 * CHUNK : 24 * CHUNK));

		c_setup(&c, F);
		for (s = 0; s < C_NR; s++)
			c_run(&c, s, CHUNK, ns[0][s]);	/* warm-up */
		for (rep = 0; rep < opts.reps; rep++) {
			for (k = 0; k < C_NR; k++) {
				s = (k + rep) % C_NR;
				c_run(&c, s, events, ns[rep][s]);
				ns[rep][s][STAGES] = ns[rep][s][0] +
						     ns[rep][s][1] +
						     ns[rep][s][2];
			}
		}
		for (s = 0; s < C_NR; s++) {
			double v[64];

			for (k = 0; k <= STAGES; k++) {
				if (k == 1 && s != C_BROKER)
					continue;
				for (rep = 0; rep < opts.reps; rep++)
					v[rep] = ns[rep][s][k];
				emit_data(bench, cost_names[s], F,
					  k == STAGES ? "total_ns" :
					  stage_names[k],
					  stat3_of(v, opts.reps));
			}
		}
		/*
		 * Deliveries per CPU-second, candidate over broker: per
		 * repetition, and of the cheapest repetitions (noise from a
		 * busy host only ever adds time).
		 */
		for (s = 0; s < C_NR; s++) {
			double a[64], b[64];
			struct stat3 r;

			if (s == C_BROKER)
				continue;
			for (rep = 0; rep < opts.reps; rep++) {
				a[rep] = 1e9 / ns[rep][s][STAGES];
				b[rep] = 1e9 / ns[rep][C_BROKER][STAGES];
			}
			snprintf(name, sizeof(name), "%s/broker",
				 cost_names[s]);
			emit_ratio(bench, name, F, "evs_per_cpu_s",
				   stat3_ratio(a, b, opts.reps));
			r = stat3_of(a, opts.reps);
			r.med = r.max / stat3_of(b, opts.reps).max;
			r.min = r.max = r.med;
			emit_ratio(bench, name, F, "evs_per_cpu_s_best", r);
		}
		c_teardown(&c);
	}
	for (i = 0; i < 8; i++)
		free(c.buf[i]);
	post_msg_free(&c.pm);
	free(c.bmsg);
	free(c.pmsg);
	CloseCluster(c.hc);
	cn_unregister(&c.po.nl, c.cid);
	poster_close(&c.po);
	return 0;
}
