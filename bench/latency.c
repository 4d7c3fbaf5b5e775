// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench latency: wake-up latency from the producer's post to the return
 * of the consumer's blocking call, with 1 consumer and with 64.
 *
 * Each consumer is a thread blocked on its own endpoint; the producer
 * (CPU 0; the single consumer on CPU 1, 64 consumers wherever the
 * scheduler puts them) takes CLOCK_MONOTONIC, writes it into the event's
 * payload and posts; each consumer takes the clock when its call returns.
 * The next event goes only once every consumer has its record and a pause
 * (300-500 us) has let them block again. Series:
 *
 *   cn-get  GetClusterNotifyV2(INFINITE) on a port of its own
 *   broker  recv() on its broker connection: producer -> broker -> client
 *   pipe    read() on a pipe the producer writes the record into, one
 *           pipe after the other (the floor: one kernel copy, one wake-up)
 *
 * Rounds run in blocks, the series interleaved block by block. Reported:
 * percentiles of all samples pooled, and the spread of the median between
 * blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cnbench.h"

enum { L_CN, L_BROKER, L_PIPE, L_NR };

static const char *const lat_names[L_NR] = { "cn-get", "broker", "pipe" };

struct lat;

struct lat_thread {
	struct lat *L;
	int series;
	int idx;
	int fd;			/* broker connection or pipe read end */
	int wfd;		/* pipe write end */
	HCHANGE h;
	double *samples;	/* microseconds, one per round */
	pthread_t th;
};

struct lat {
	int C;
	long rounds;		/* per series */
	size_t recsize;
	struct lat_thread *t[L_NR];
	struct waiter done[L_NR];
};

static void lat_record(struct lat_thread *t, long round, const void *payload)
{
	uint64_t t1 = now_ns(), t0;

	memcpy(&t0, payload, sizeof(t0));
	t->samples[round] = (t1 - t0) / 1e3;
	waiter_add(&t->L->done[t->series], 1);
}

static void *lat_consumer(void *arg)
{
	struct lat_thread *t = arg;
	struct lat *L = t->L;
	char *buf = aligned_alloc(8, BENCH_REC_MAX);
	long r;

	if (!buf)
		bench_fail("out of memory");
	if (L->C == 1)
		pin_cpu(1);
	else
		unpin_cpu();
	for (r = 0; r < L->rounds; r++) {
		if (t->series == L_CN) {
			WCHAR id[64], parent[64], name[64], type[64];
			DWORD plen = 64, cid = 64, cpar = 64, cname = 64;
			DWORD ctype = 64, rc;
			NOTIFY_FILTER_AND_TYPE fat;
			DWORD_PTR key;

			rc = GetClusterNotifyV2(t->h, &key, &fat, (BYTE *)buf,
						&plen, id, &cid, parent, &cpar,
						name, &cname, type, &ctype,
						INFINITE);
			if (rc != ERROR_SUCCESS || key != (DWORD_PTR)t->idx + 1 ||
			    plen != sizeof(uint64_t))
				bench_fail("latency: GetClusterNotifyV2: %u (key %lu, %u bytes)",
					   rc, (unsigned long)key, plen);
			lat_record(t, r, buf);
		} else {
			ssize_t n;

			if (t->series == L_BROKER)
				n = recv(t->fd, buf, BENCH_REC_MAX, 0);
			else
				n = read(t->fd, buf, L->recsize);
			if (n != (ssize_t)L->recsize)
				bench_fail("latency: %s consumer got %zd bytes, not one record",
					   lat_names[t->series], n);
			lat_record(t, r, buf + record_payload_off());
		}
	}
	free(buf);
	return NULL;
}

/* The pipe series' post: the record into each consumer's pipe in turn. */
static void pipes_write(struct lat *L, const char *rec)
{
	int i;

	for (i = 0; i < L->C; i++)
		if (write(L->t[L_PIPE][i].wfd, rec, L->recsize) !=
		    (ssize_t)L->recsize)
			bench_fail("latency: pipe write: %s", strerror(errno));
}

static void widen(const char *s, WCHAR *out)
{
	do
		*out++ = (WCHAR)(unsigned char)*s;
	while (*s++);
}

static void lat_run(int C, struct poster *po, uint32_t cid, HCLUSTER hc,
		    struct broker *br, int bprod)
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
	uint64_t magic = BENCH_MAGIC;
	int nblk = opts.tiny ? 1 : 5;
	long rpb = opts.tiny ? 5 : (C == 1 ? 200 : 40);
	long warm = opts.tiny ? 1 : rpb / 4;
	struct lat L = { .C = C, .rounds = warm + nblk * rpb };
	char bmsg[1024] __attribute__((aligned(8)));
	char rec[512] __attribute__((aligned(8)));
	struct post_msg pm;
	struct cn_event ev;
	size_t bmsg_len, boff;
	long done[L_NR] = { 0 };
	double *pool, *blk;
	int s, i, b, k;

	event_group_state(&ev, 0, &magic, sizeof(magic));
	bench_check(post_msg_build(&pm, po, cid, &ev, 1), "latency: build");
	if (!pm.magic_off)
		bench_fail("latency: no payload to patch");
	bmsg_len = broker_pack(bmsg, sizeof(bmsg), &ev, 1);
	boff = broker_magic_off(bmsg, bmsg_len);
	L.recsize = record_build(rec, &ev, 0, 1, cid, 0);

	for (s = 0; s < L_NR; s++) {
		L.t[s] = calloc(C, sizeof(*L.t[s]));
		if (!L.t[s])
			bench_fail("out of memory");
		for (i = 0; i < C; i++) {
			struct lat_thread *t = &L.t[s][i];
			int p[2];

			t->L = &L;
			t->series = s;
			t->idx = i;
			t->samples = calloc(L.rounds, sizeof(double));
			if (!t->samples)
				bench_fail("out of memory");
			if (s == L_CN) {
				t->h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
								 hc, &nf, 1,
								 i + 1);
				if (!t->h)
					bench_fail("latency: CreateClusterNotifyPortV2: %u",
						   GetLastError());
			} else if (s == L_BROKER) {
				bf.key = i + 1;
				t->fd = broker_client(br, &bf, NULL);
				if (t->fd < 0)
					bench_fail("latency: broker client: %s",
						   strerror(-t->fd));
			} else {
				if (pipe2(p, O_CLOEXEC))
					bench_fail("latency: pipe2: %s",
						   strerror(errno));
				t->fd = p[0];
				t->wfd = p[1];
			}
			if (pthread_create(&t->th, NULL, lat_consumer, t))
				bench_fail("pthread_create");
		}
	}

	/* Let every consumer block once, then warm up (unrecorded). */
	sleep_us(200000);
	for (b = -1; b < nblk; b++) {
		for (k = 0; k < L_NR; k++) {
			long r;

			s = (k + b + 1) % L_NR;
			for (r = 0; r < (b < 0 ? warm : rpb); r++) {
				uint64_t t0, q;

				sleep_us(300 + (unsigned int)(random() % 200));
				t0 = now_ns();
				switch (s) {
				case L_CN:
					post_msg_patch(&pm, t0);
					bench_check(post_msg_send(po, &pm, &q,
								  NULL),
						    "latency: post");
					break;
				case L_BROKER:
					memcpy(bmsg + boff, &t0, sizeof(t0));
					if (send(bprod, bmsg, bmsg_len, 0) !=
					    (ssize_t)bmsg_len)
						bench_fail("latency: send: %s",
							   strerror(errno));
					break;
				default:
					memcpy(rec + record_payload_off(), &t0,
					       sizeof(t0));
					pipes_write(&L, rec);
					break;
				}
				done[s] += C;
				if (!waiter_wait(&L.done[s], done[s], 20000))
					bench_fail("latency: %s with %d consumers stalled",
						   lat_names[s], C);
			}
		}
	}

	pool = malloc(sizeof(double) * L.rounds * C);
	blk = malloc(sizeof(double) * rpb * C);
	if (!pool || !blk)
		bench_fail("out of memory");
	for (s = 0; s < L_NR; s++) {
		static const double pcts[] = { 1, 5, 10, 25, 50, 75, 90, 95,
					       99, 99.9 };
		double p50s[64], p99s[64];
		struct stat3 st;
		size_t n = 0;

		for (i = 0; i < C; i++) {
			pthread_join(L.t[s][i].th, NULL);
			memcpy(pool + n, L.t[s][i].samples + warm,
			       sizeof(double) * nblk * rpb);
			n += nblk * rpb;
		}
		for (b = 0; b < nblk; b++) {
			size_t m = 0;
			long r;

			for (i = 0; i < C; i++)
				for (r = warm + b * rpb;
				     r < warm + (b + 1) * rpb; r++)
					blk[m++] = L.t[s][i].samples[r];
			p50s[b] = percentile(blk, m, 50);
			p99s[b] = percentile(blk, m, 99);
		}
		st = stat3_of(p50s, nblk);
		st.med = percentile(pool, n, 50);
		emit_data("latency", lat_names[s], C, "p50_us", st);
		st = stat3_of(p99s, nblk);
		st.med = percentile(pool, n, 99);
		emit_data("latency", lat_names[s], C, "p99_us", st);
		for (k = 0; k < (int)CN_ARRAY_SIZE(pcts); k++)
			emit_pct("latency", lat_names[s], C, pcts[k],
				 percentile(pool, n, pcts[k]));
		for (i = 0; i < C; i++) {
			struct lat_thread *t = &L.t[s][i];

			if (s == L_CN)
				CloseClusterNotifyPort(t->h);
			else
				close(t->fd);
			if (s == L_PIPE)
				close(t->wfd);
			free(t->samples);
		}
		free(L.t[s]);
	}
	free(pool);
	free(blk);
	post_msg_free(&pm);
}

int bench_latency(void)
{
	struct poster po;
	struct broker br;
	char name[64];
	WCHAR wname[64];
	HCLUSTER hc;
	uint32_t cid;
	int bprod;

	raise_nofile(4096);
	pin_cpu(0);
	srandom(1);
	bench_check(poster_open(&po), "latency: netlink");
	bench_check(poster_cluster(&po, "latency", &cid, name, sizeof(name)),
		    "latency: cluster");
	widen(name, wname);
	hc = OpenCluster(wname);
	if (!hc)
		bench_fail("latency: OpenCluster: %u", GetLastError());
	bench_check(broker_start(&br, opts.broker_cpu), "latency: broker");
	bprod = broker_producer(&br);
	if (bprod < 0)
		bench_fail("latency: broker producer: %s", strerror(-bprod));
	lat_run(1, &po, cid, hc, &br, bprod);
	lat_run(64, &po, cid, hc, &br, bprod);
	close(bprod);
	broker_stop(&br);
	CloseCluster(hc);
	cn_unregister(&po.nl, cid);
	poster_close(&po);
	return 0;
}
