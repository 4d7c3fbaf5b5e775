// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench fanout: delivered events/s and CPU per delivered event against
 * the number of matching ports (1, 8, 64, 512).
 *
 * One producer thread (CPU 0) posts N events, B per message, each matching
 * every one of the F ports; one consumer thread (CPU 1) holds the F ports
 * in one epoll set and drains whichever is ready. Series, over the same
 * event stream and the same consumer loop:
 *
 *   cn-batch  the module; the consumer reads batches (clusnotify_port_read
 *             into 64 KiB, records walked with clusnotify_record_next)
 *   cn-get    the module; one GetClusterNotifyV2 per record (every string
 *             and the payload), until WAIT_TIMEOUT, as Windows code drains;
 *             the library takes the records from the port's mapped ring
 *   cn-batch-read  cn-batch on the ports without a ring (below): the
 *             library's batch read is then one read() of the queue
 *   cn-get-ioctl  the same calls on ports made with CLUSAPI_RING=0, which
 *             the library reads with one GET ioctl per record (and one per
 *             drain): the path before the ring, on a cluster of its own so
 *             that its ports never hold the other series' records
 *   broker    the userspace broker (broker.c): producer -> broker over
 *             AF_UNIX, broker -> F clients over SOCK_SEQPACKET; the
 *             consumer takes every waiting datagram with recvmmsg()
 *   pipe      the floor: the producer writes the records straight into F
 *             pipes (no filtering, no broker), the consumer reads 64 KiB
 *
 * The producer keeps at most W events per port in flight (a window on the
 * consumer's progress, so no queue ever overflows and nothing is lost).
 * Events/s is deliveries (records received, summed over ports) over the
 * wall time from the first post to the last record; CPU is the busy time of
 * every CPU (/proc/stat: producer, consumer, broker, softirqs, kthreads)
 * per delivery. Series are interleaved, the order rotating per repetition.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cnbench.h"

enum mech {
	M_CN_BATCH, M_CN_BATCH_READ, M_CN_GET, M_CN_GET_IOCTL, M_BROKER,
	M_PIPE, M_NR
};

static const char *const mech_names[M_NR] = {
	"cn-batch", "cn-batch-read", "cn-get", "cn-get-ioctl", "broker", "pipe",
};

struct sink {
	int fd;			/* what the consumer's epoll watches */
	int wfd;		/* pipe: the producer's end */
	HCHANGE h;		/* module: the port */
	struct sink_check chk;
	size_t carry;		/* pipe: bytes of a record split by a read */
};

struct fan {
	enum mech m;
	int F;
	int B;
	long N;
	long W;
	struct sink *sinks[M_NR];
	struct waiter consumed;	/* records the consumer has taken */
	uint64_t target;
	uint64_t reads;		/* consumer syscalls that returned records */
	uint64_t t_end;
	double cons_cpu;	/* the consumer thread's CPU seconds */
	pthread_barrier_t ready;
	size_t recsize;

	struct poster po;
	uint32_t cid, xcid;	/* xcid: cn-get-ioctl's cluster */
	char cname[64], xcname[64];
	HCLUSTER hc, xhc;
	struct post_msg pm, xpm;
	struct broker br;
	int bprod;
	char *bmsg;
	size_t bmsg_len;
	char *pmsg;
	size_t pmsg_len;
};

#define RX_MSGS 8

static __thread char *rx_bufs[RX_MSGS];

static void walk_records(const char *buf, size_t len, struct sink *s,
			 uint64_t *got)
{
	struct clusnotify_record_view v;
	size_t off = 0;
	int ret;

	while ((ret = clusnotify_record_next(buf, len, &off, &v)) == 1) {
		const char *why = record_verify(v.hdr, len - (off - v.hdr->size),
						&s->chk);

		if (why)
			bench_fail("fanout: %s (seq %llu, expected %llu)", why,
				   (unsigned long long)v.hdr->seq,
				   (unsigned long long)s->chk.next_seq);
		(*got)++;
	}
	if (ret < 0)
		bench_fail("fanout: clusnotify_record_next: %s",
			   strerror(-ret));
}

static uint64_t drain_cn_batch(struct fan *fa, struct sink *s)
{
	uint64_t got = 0;
	ssize_t n;

	n = clusnotify_port_read(s->h, rx_bufs[0], BENCH_REC_MAX, 0);
	if (n == -ETIMEDOUT)
		return 0;
	if (n < 0)
		bench_fail("fanout: clusnotify_port_read: %s", strerror(-n));
	fa->reads++;
	walk_records(rx_bufs[0], n, s, &got);
	return got;
}

static uint64_t drain_cn_get(struct fan *fa, struct sink *s)
{
	WCHAR id[64], parent[64], name[64], type[64];
	NOTIFY_FILTER_AND_TYPE fat;
	uint64_t got = 0;
	BYTE payload[64];
	DWORD_PTR key;

	for (;;) {
		DWORD plen = sizeof(payload), cid = 64, cpar = 64, cname = 64;
		DWORD ctype = 64, rc;

		rc = GetClusterNotifyV2(s->h, &key, &fat, payload, &plen, id,
					&cid, parent, &cpar, name, &cname,
					type, &ctype, 0);
		if (rc == WAIT_TIMEOUT)
			break;
		if (rc != ERROR_SUCCESS)
			bench_fail("fanout: GetClusterNotifyV2: %u", rc);
		if (key != s->chk.key ||
		    fat.dwObjectType != CLUSTER_OBJECT_TYPE_GROUP ||
		    fat.FilterFlags != CLUSTER_CHANGE_GROUP_STATE_V2)
			bench_fail("fanout: GetClusterNotifyV2: wrong record (key %lu type %u flags %llx)",
				   (unsigned long)key, fat.dwObjectType,
				   (unsigned long long)fat.FilterFlags);
		fa->reads++;
		s->chk.next_seq++;
		s->chk.got++;
		got++;
	}
	return got;
}

static uint64_t drain_broker(struct fan *fa, struct sink *s)
{
	struct mmsghdr msgs[RX_MSGS];
	struct iovec iov[RX_MSGS];
	uint64_t got = 0;
	int i, n;

	for (i = 0; i < RX_MSGS; i++) {
		iov[i].iov_base = rx_bufs[i];
		iov[i].iov_len = BENCH_REC_MAX;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(s->fd, msgs, RX_MSGS, MSG_DONTWAIT, NULL);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		bench_fail("fanout: broker client recvmmsg: %s",
			   n ? strerror(errno) : "connection closed");
	fa->reads++;
	for (i = 0; i < n; i++)
		walk_records(rx_bufs[i], msgs[i].msg_len, s, &got);
	return got;
}

static uint64_t drain_pipe(struct fan *fa, struct sink *s)
{
	ssize_t n = read(s->fd, rx_bufs[0] + s->carry,
			 BENCH_REC_MAX - s->carry);
	size_t total;
	uint64_t got;

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		bench_fail("fanout: pipe read: %s",
			   n ? strerror(errno) : "end of file");
	fa->reads++;
	total = s->carry + n;
	got = total / fa->recsize;
	s->carry = total % fa->recsize;
	if (s->carry)
		memmove(rx_bufs[0], rx_bufs[0] + total - s->carry, s->carry);
	s->chk.got += got;
	return got;
}

static void *consumer(void *arg)
{
	struct fan *fa = arg;
	struct sink *sinks = fa->sinks[fa->m];
	struct epoll_event *evs;
	uint64_t got = 0;
	double cpu0;
	int ep, i;

	pin_cpu(1);
	for (i = 0; i < RX_MSGS; i++) {
		rx_bufs[i] = aligned_alloc(8, BENCH_REC_MAX);
		if (!rx_bufs[i])
			bench_fail("out of memory");
	}
	evs = calloc(fa->F, sizeof(*evs));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!evs || ep < 0)
		bench_fail("fanout: epoll_create1: %s", strerror(errno));
	for (i = 0; i < fa->F; i++) {
		struct epoll_event ee = { .events = EPOLLIN,
					  .data.ptr = &sinks[i] };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, sinks[i].fd, &ee))
			bench_fail("fanout: epoll_ctl: %s", strerror(errno));
	}
	pthread_barrier_wait(&fa->ready);
	cpu0 = thread_cpu();
	while (got < fa->target) {
		int n = epoll_wait(ep, evs, fa->F, 20000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			bench_fail("fanout: %s F=%d stalled: %llu of %llu records",
				   mech_names[fa->m], fa->F,
				   (unsigned long long)got,
				   (unsigned long long)fa->target);
		for (i = 0; i < n; i++) {
			struct sink *s = evs[i].data.ptr;

			switch (fa->m) {
			case M_CN_BATCH:
			case M_CN_BATCH_READ:
				got += drain_cn_batch(fa, s);
				break;
			case M_CN_GET:
			case M_CN_GET_IOCTL:
				got += drain_cn_get(fa, s);
				break;
			case M_BROKER:
				got += drain_broker(fa, s);
				break;
			default:
				got += drain_pipe(fa, s);
				break;
			}
		}
		waiter_publish(&fa->consumed, got);
	}
	fa->t_end = now_ns();
	fa->cons_cpu = thread_cpu() - cpu0;
	close(ep);
	free(evs);
	for (i = 0; i < RX_MSGS; i++)
		free(rx_bufs[i]);
	return NULL;
}

static void produce_one(struct fan *fa)
{
	uint64_t queued, lost;
	int i, ret;

	switch (fa->m) {
	case M_CN_BATCH:
	case M_CN_BATCH_READ:
	case M_CN_GET:
	case M_CN_GET_IOCTL:
		ret = post_msg_send(&fa->po, fa->m == M_CN_GET_IOCTL ||
					     fa->m == M_CN_BATCH_READ ?
					     &fa->xpm : &fa->pm,
				    &queued, &lost);
		bench_check(ret, "fanout: post");
		if (queued != (uint64_t)fa->B * fa->F || lost)
			bench_fail("fanout: a post queued %llu records, lost %llu (expected %llu)",
				   (unsigned long long)queued,
				   (unsigned long long)lost,
				   (unsigned long long)fa->B * fa->F);
		break;
	case M_BROKER:
		if (send(fa->bprod, fa->bmsg, fa->bmsg_len, 0) !=
		    (ssize_t)fa->bmsg_len)
			bench_fail("fanout: send to broker: %s",
				   strerror(errno));
		break;
	default:
		for (i = 0; i < fa->F; i++)
			if (write(fa->sinks[M_PIPE][i].wfd, fa->pmsg,
				  fa->pmsg_len) != (ssize_t)fa->pmsg_len)
				bench_fail("fanout: pipe write: %s",
					   strerror(errno));
		break;
	}
}

struct run_result {
	double evs_per_s;
	double cpu_us;
	double per_read;
	double prod_us;		/* per delivery: the producer thread */
	double cons_us;		/* the consumer thread */
	double broker_us;	/* the broker process */
};

static void run_once(struct fan *fa, enum mech m, long N,
		     struct run_result *res)
{
	struct cpu_times c0;
	pthread_t th;
	uint64_t t0;
	long posted;
	double busy, prod0, broker0;

	fa->m = m;
	fa->N = N;
	fa->target = (uint64_t)N * fa->F;
	fa->reads = 0;
	fa->consumed.count = 0;
	pthread_barrier_init(&fa->ready, NULL, 2);
	if (pthread_create(&th, NULL, consumer, fa))
		bench_fail("pthread_create");
	pthread_barrier_wait(&fa->ready);
	cpu_times_read(&c0);
	prod0 = thread_cpu();
	broker0 = process_cpu(fa->br.pid);
	t0 = now_ns();
	for (posted = 0; posted < N; posted += fa->B) {
		if (posted + fa->B > fa->W) {
			uint64_t need = (uint64_t)(posted + fa->B - fa->W) *
					fa->F;

			if (!waiter_wait(&fa->consumed, need, 20000))
				bench_fail("fanout: %s F=%d: the consumer stopped at %llu of %llu records",
					   mech_names[m], fa->F,
					   (unsigned long long)fa->consumed.count,
					   (unsigned long long)need);
		}
		produce_one(fa);
	}
	prod0 = thread_cpu() - prod0;
	pthread_join(th, NULL);
	busy = cpu_busy_since(&c0);
	broker0 = process_cpu(fa->br.pid) - broker0;
	pthread_barrier_destroy(&fa->ready);
	if (res) {
		double secs = (fa->t_end - t0) / 1e9;

		res->evs_per_s = fa->target / secs;
		res->cpu_us = busy * 1e6 / fa->target;
		res->per_read = (double)fa->target / (fa->reads ? fa->reads : 1);
		res->prod_us = prod0 * 1e6 / fa->target;
		res->cons_us = fa->cons_cpu * 1e6 / fa->target;
		res->broker_us = m == M_BROKER ? broker0 * 1e6 / fa->target : 0;
	}
}

static void widen(const char *s, WCHAR *out)
{
	do
		*out++ = (WCHAR)(unsigned char)*s;
	while (*s++);
}

/* Port @i of a series: key i + 1, on @hc, with a ring or without. */
static void cn_sink_open(struct sink *s, HCLUSTER hc, int i, bool ring)
{
	NOTIFY_FILTER_AND_TYPE nf = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2,
	};
	HANDLE fd;

	/* The library reads CLUSAPI_RING when it makes a port. */
	if (!ring)
		setenv("CLUSAPI_RING", "0", 1);
	s->h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &nf, 1,
					 i + 1);
	unsetenv("CLUSAPI_RING");
	if (!s->h)
		bench_fail("fanout: CreateClusterNotifyPortV2 (port %d%s): error %u",
			   i, ring ? "" : ", no ring", GetLastError());
	if (GetNotifyEventHandle(s->h, &fd) != ERROR_SUCCESS)
		bench_fail("fanout: GetNotifyEventHandle");
	s->fd = (int)(intptr_t)fd;
	s->chk.key = i + 1;
}

static void fan_setup(struct fan *fa, int F)
{
	struct clusnotify_filter bf = {
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.mask = CN_V2_GROUP_STATE,
	};
	struct sink *cn, *cx, *br, *pp;
	int i, p[2], size = 256 * 1024;

	fa->F = F;
	cn = calloc(F, sizeof(*cn));
	cx = calloc(F, sizeof(*cx));
	br = calloc(F, sizeof(*br));
	pp = calloc(F, sizeof(*pp));
	if (!cn || !cx || !br || !pp)
		bench_fail("out of memory");
	for (i = 0; i < F; i++) {
		cn_sink_open(&cx[i], fa->xhc, i, false);
		cn_sink_open(&cn[i], fa->hc, i, true);

		bf.key = i + 1;
		br[i].fd = broker_client(&fa->br, &bf, NULL);
		if (br[i].fd < 0)
			bench_fail("fanout: broker client %d: %s", i,
				   strerror(-br[i].fd));
		br[i].chk.key = i + 1;

		if (pipe2(p, O_CLOEXEC))
			bench_fail("fanout: pipe2: %s", strerror(errno));
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		fcntl(p[1], F_SETPIPE_SZ, size);
		pp[i].fd = p[0];
		pp[i].wfd = p[1];
	}
	fa->sinks[M_CN_BATCH] = cn;
	fa->sinks[M_CN_GET] = cn;	/* the same ports, read two ways */
	fa->sinks[M_CN_GET_IOCTL] = cx;
	fa->sinks[M_CN_BATCH_READ] = cx;	/* likewise */
	fa->sinks[M_BROKER] = br;
	fa->sinks[M_PIPE] = pp;
}

static void fan_teardown(struct fan *fa)
{
	int i;

	for (i = 0; i < fa->F; i++) {
		CloseClusterNotifyPort(fa->sinks[M_CN_BATCH][i].h);
		CloseClusterNotifyPort(fa->sinks[M_CN_GET_IOCTL][i].h);
		close(fa->sinks[M_BROKER][i].fd);
		close(fa->sinks[M_PIPE][i].fd);
		close(fa->sinks[M_PIPE][i].wfd);
	}
	free(fa->sinks[M_CN_BATCH]);
	free(fa->sinks[M_CN_GET_IOCTL]);
	free(fa->sinks[M_BROKER]);
	free(fa->sinks[M_PIPE]);
}

/* The B events of every message, and the three forms they are sent in. */
static void fan_messages(struct fan *fa)
{
	static const uint32_t state = CN_GROUP_ONLINE;
	struct cn_event *ev = calloc(fa->B, sizeof(*ev));
	size_t cap = 512 + (size_t)fa->B * 512;
	char *p;
	int i;

	if (!ev)
		bench_fail("out of memory");
	for (i = 0; i < fa->B; i++)
		event_group_state(&ev[i], i, &state, sizeof(state));
	bench_check(post_msg_build(&fa->pm, &fa->po, fa->cid, ev, fa->B),
		    "fanout: build the post");
	bench_check(post_msg_build(&fa->xpm, &fa->po, fa->xcid, ev, fa->B),
		    "fanout: build the post");
	fa->bmsg = malloc(cap);
	fa->pmsg = malloc(cap);
	if (!fa->bmsg || !fa->pmsg)
		bench_fail("out of memory");
	fa->bmsg_len = broker_pack(fa->bmsg, cap, ev, fa->B);
	fa->recsize = record_size(&ev[0]);
	for (i = 0, p = fa->pmsg; i < fa->B; i++)
		p += record_build(p, &ev[i], 0, 1, fa->cid, 0);
	fa->pmsg_len = p - fa->pmsg;
	free(ev);
}

/* The ratios reported: events/s, or CPU per event with cpu. */
static const struct fan_ratio {
	enum mech a, b;
	int cpu;
} fan_ratios[] = {
	{ M_CN_BATCH, M_BROKER, 0 },
	{ M_CN_GET, M_BROKER, 0 },
	{ M_CN_BATCH, M_CN_BATCH_READ, 0 },
	{ M_CN_GET_IOCTL, M_BROKER, 0 },
	{ M_CN_GET, M_CN_GET_IOCTL, 0 },
	{ M_CN_BATCH, M_PIPE, 0 },
	{ M_CN_BATCH, M_BROKER, 1 },
	{ M_CN_GET, M_BROKER, 1 },
	{ M_CN_GET_IOCTL, M_BROKER, 1 },
};

static long events_per_run(int F, int B)
{
	long d = opts.tiny ? 256 : 120000;
	long n = d / F;

	if (n < (opts.tiny ? 16 : 500))
		n = opts.tiny ? 16 : 500;
	if (n > (opts.tiny ? 64 : 12000))
		n = opts.tiny ? 64 : 12000;
	return (n + B - 1) / B * B;
}

static enum mech mech_by_name(const char *name)
{
	int m;

	for (m = 0; m < M_NR; m++)
		if (!strcmp(name, mech_names[m]))
			return m;
	bench_fail("fanout: no series %s", name);
}

int bench_fanout(void)
{
	static const int full_ports[] = { 1, 8, 64, 512 };
	static const int tiny_ports[] = { 1, 8 };
	const int *ports = opts.tiny ? tiny_ports : full_ports;
	int nports = opts.tiny ? 2 : 4;
	int one_port = opts.ports;
	struct run_result (*res)[M_NR];
	struct fan fa = { .B = opts.batch };
	unsigned int old_ports = 1024;
	char bench[32];
	WCHAR wname[64];
	int pi, rep, k;

	snprintf(bench, sizeof(bench), "fanout-b%d", fa.B);
	fa.W = fa.B * 4 > 256 ? fa.B * 4 : 256;
	raise_nofile(4096);
	/* Two module ports per consumer (ring and ioctl), and the library's. */
	cn_param_get("max_ports", &old_ports);
	if (old_ports < 2 * 512 + 64)
		bench_check(param_write("max_ports", 2 * 512 + 64),
			    "fanout: raise max_ports");
	pin_cpu(0);
	bench_check(poster_open(&fa.po), "fanout: netlink");
	bench_check(poster_cluster(&fa.po, "fanout", &fa.cid, fa.cname,
				   sizeof(fa.cname)), "fanout: cluster");
	widen(fa.cname, wname);
	fa.hc = OpenCluster(wname);
	if (!fa.hc)
		bench_fail("fanout: OpenCluster: error %u", GetLastError());
	bench_check(poster_cluster(&fa.po, "fanout-x", &fa.xcid, fa.xcname,
				   sizeof(fa.xcname)), "fanout: cluster");
	widen(fa.xcname, wname);
	fa.xhc = OpenCluster(wname);
	if (!fa.xhc)
		bench_fail("fanout: OpenCluster: error %u", GetLastError());
	bench_check(broker_start(&fa.br, opts.broker_cpu), "fanout: broker");
	fa.bprod = broker_producer(&fa.br);
	if (fa.bprod < 0)
		bench_fail("fanout: broker producer: %s", strerror(-fa.bprod));
	fan_messages(&fa);
	emit_info(bench, "%d event(s) per message, a window of %ld events per port, records of %zu bytes",
		  fa.B, fa.W, fa.recsize);

	if (opts.profile) {
		enum mech m = mech_by_name(opts.profile);

		fan_setup(&fa, opts.ports ? opts.ports : 64);
		run_once(&fa, m, events_per_run(fa.F, fa.B) * 4, NULL);
		fan_teardown(&fa);
		goto out;
	}

	if (one_port) {
		ports = &one_port;
		nports = 1;
	}
	res = calloc(opts.reps, sizeof(*res));
	if (!res)
		bench_fail("out of memory");
	for (pi = 0; pi < nports; pi++) {
		long N = events_per_run(ports[pi], fa.B);
		double v[M_NR][6][64];
		int m;

		fan_setup(&fa, ports[pi]);
		/* Warm-up: fault everything in once, unrecorded. */
		for (m = 0; m < M_NR; m++)
			run_once(&fa, m, (N / 8 + fa.B - 1) / fa.B * fa.B, NULL);
		for (rep = 0; rep < opts.reps; rep++)
			for (k = 0; k < M_NR; k++) {
				m = (k + rep) % M_NR;
				run_once(&fa, m, N, &res[rep][m]);
			}
		for (m = 0; m < M_NR; m++)
			for (rep = 0; rep < opts.reps && rep < 64; rep++) {
				v[m][0][rep] = res[rep][m].evs_per_s;
				v[m][1][rep] = res[rep][m].cpu_us;
				v[m][2][rep] = res[rep][m].per_read;
				v[m][3][rep] = res[rep][m].prod_us;
				v[m][4][rep] = res[rep][m].cons_us;
				v[m][5][rep] = res[rep][m].broker_us;
			}
		for (m = 0; m < M_NR; m++) {
			emit_data(bench, mech_names[m], fa.F, "evs_per_s",
				  stat3_of(v[m][0], opts.reps));
			emit_data(bench, mech_names[m], fa.F, "cpu_us_per_ev",
				  stat3_of(v[m][1], opts.reps));
			emit_data(bench, mech_names[m], fa.F, "evs_per_read",
				  stat3_of(v[m][2], opts.reps));
			emit_data(bench, mech_names[m], fa.F, "producer_us",
				  stat3_of(v[m][3], opts.reps));
			emit_data(bench, mech_names[m], fa.F, "consumer_us",
				  stat3_of(v[m][4], opts.reps));
			if (m == M_BROKER)
				emit_data(bench, mech_names[m], fa.F,
					  "broker_us",
					  stat3_of(v[m][5], opts.reps));
		}
		for (k = 0; k < (int)CN_ARRAY_SIZE(fan_ratios); k++) {
			const struct fan_ratio *r = &fan_ratios[k];
			char name[48];

			snprintf(name, sizeof(name), "%s/%s", mech_names[r->a],
				 mech_names[r->b]);
			emit_ratio(bench, name, fa.F,
				   r->cpu ? "cpu_us_per_ev" : "evs_per_s",
				   stat3_ratio(v[r->a][r->cpu], v[r->b][r->cpu],
					       opts.reps));
		}
		fan_teardown(&fa);
	}
	free(res);
out:
	post_msg_free(&fa.pm);
	post_msg_free(&fa.xpm);
	free(fa.bmsg);
	free(fa.pmsg);
	close(fa.bprod);
	broker_stop(&fa.br);
	CloseCluster(fa.hc);
	CloseCluster(fa.xhc);
	cn_unregister(&fa.po.nl, fa.cid);
	cn_unregister(&fa.po.nl, fa.xcid);
	poster_close(&fa.po);
	param_write("max_ports", old_ports);
	return 0;
}
