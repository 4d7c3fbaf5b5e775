// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench read: the cost of taking one record out of a queue, one per call
 * and in batches, against inotify (the kernel's own per-fd event queue) and
 * a pipe (one kernel copy per message); and what libclusapi adds to the
 * raw calls.
 *
 * A cost-of-operation measurement: one thread, nothing sleeps. K records
 * are queued first (untimed), then one series drains its queue and the
 * time per record is taken. Series:
 *
 *   ioctl-get             CLUSNOTIFY_IOC_GET, one record per call
 *   ioctl-get-limits      the same with CLUSNOTIFY_GET_F_LIMITS, as the
 *                         library issues it
 *   GetClusterNotify      the V1 call (a V1 port; the name in UTF-16)
 *   GetClusterNotifyV2    the V2 call (every string, the payload)
 *   read                  read() of 64 KiB: a batch of records
 *   clusnotify_port_read  the library's batch read of 64 KiB, records
 *                         walked with clusnotify_record_next
 *   inotify-1, inotify-batch  IN_CREATE events of files with 40-byte
 *                         names (64-byte events), read one per call and
 *                         64 KiB at a time
 *   pipe-1, pipe-batch    records of the module's size written into a
 *                         pipe, read one per call and 64 KiB at a time
 *
 * The module's six ports all hold filters matching the same posts, so
 * they are filled together; the series drain in an order rotating per
 * repetition.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "cnbench.h"

enum {
	R_IOCTL, R_IOCTL_LIMITS, R_GCN1, R_GCN2, R_READ, R_PORT_READ,
	R_INO1, R_INOB, R_PIPE1, R_PIPEB, R_NR
};

static const char *const rd_names[R_NR] = {
	"ioctl-get", "ioctl-get-limits", "GetClusterNotify",
	"GetClusterNotifyV2", "read", "clusnotify_port_read", "inotify-1",
	"inotify-batch", "pipe-1", "pipe-batch",
};

#define INO_DIR "/tmp/cnbench-inotify"
#define INO_NAME_LEN 40

struct rd {
	long K;
	int fd[R_NR];		/* port, inotify instance or pipe read end */
	int wfd[R_NR];		/* pipe write ends */
	HCHANGE h[R_NR];	/* library ports */
	struct sink_check chk[R_NR];
	size_t recsize;
	size_t inosize;
	struct poster po;
	uint32_t cid;
	struct post_msg pm;	/* 64 events */
	char *rec;		/* one record, for the pipes */
	char *buf;
	unsigned int gen;	/* inotify file names */
	unsigned int active;	/* series being filled: a bit each */
	int nmod;		/* module ports among them */
};

static void rd_fill(struct rd *r)
{
	uint64_t queued, lost;
	long i;
	int s;

	for (i = 0; i < r->K; i += 64) {
		bench_check(post_msg_send(&r->po, &r->pm, &queued, &lost),
			    "read: post");
		if (queued != 64 * (uint64_t)r->nmod || lost)
			bench_fail("read: a post queued %llu records, lost %llu",
				   (unsigned long long)queued,
				   (unsigned long long)lost);
	}
	r->gen++;
	for (i = 0; (r->active & (1U << R_INO1)) && i < r->K; i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), INO_DIR "/%08u%032ld", r->gen, i);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			bench_fail("read: create %s: %s", path, strerror(errno));
		close(fd);
	}
	for (s = R_PIPE1; s <= R_PIPEB; s++)
		for (i = 0; (r->active & (1U << s)) && i < r->K; i++)
			if (write(r->wfd[s], r->rec, r->recsize) !=
			    (ssize_t)r->recsize)
				bench_fail("read: pipe write: %s",
					   strerror(errno));
}

static void rd_unlink(struct rd *r)
{
	char path[128];
	long i;

	for (i = 0; (r->active & (1U << R_INO1)) && i < r->K; i++) {
		snprintf(path, sizeof(path), INO_DIR "/%08u%032ld", r->gen, i);
		unlink(path);
	}
}

static void rd_walk(struct rd *r, int s, const char *buf, size_t len,
		    long *got)
{
	struct clusnotify_record_view v;
	size_t off = 0;
	int ret;

	while ((ret = clusnotify_record_next(buf, len, &off, &v)) == 1) {
		const char *why = record_verify(v.hdr, len - (off - v.hdr->size),
						&r->chk[s]);

		if (why)
			bench_fail("read: %s: %s", rd_names[s], why);
		(*got)++;
	}
	if (ret < 0)
		bench_fail("read: clusnotify_record_next: %s", strerror(-ret));
}

/* Drain series s; returns the records taken. */
static long rd_drain(struct rd *r, int s)
{
	char *buf = r->buf;
	long got = 0;
	ssize_t n;

	for (;;) {
		switch (s) {
		case R_IOCTL:
		case R_IOCTL_LIMITS: {
			struct clusnotify_get g = {
				.buf = (uintptr_t)buf,
				.buf_size = BENCH_REC_MAX,
			};

			if (s == R_IOCTL_LIMITS) {
				g.flags = CLUSNOTIFY_GET_F_LIMITS;
				g.max_payload = g.max_id = g.max_parent = 1024;
				g.max_name = g.max_type = 1024;
			}
			if (ioctl(r->fd[s], CLUSNOTIFY_IOC_GET, &g)) {
				if (errno == ETIMEDOUT)
					return got;
				bench_fail("read: GET: %s", strerror(errno));
			}
			rd_walk(r, s, buf, g.buf_size, &got);
			break;
		}
		case R_GCN1: {
			WCHAR name[256];
			DWORD cch = 256, type, rc;
			DWORD_PTR key;

			rc = GetClusterNotify(r->h[s], &key, &type, name, &cch,
					      0);
			if (rc == WAIT_TIMEOUT)
				return got;
			if (rc != ERROR_SUCCESS || key != 1 ||
			    type != CLUSTER_CHANGE_GROUP_STATE)
				bench_fail("read: GetClusterNotify: %u", rc);
			got++;
			break;
		}
		case R_GCN2: {
			WCHAR id[64], parent[64], name[64], tname[64];
			DWORD plen = 64, cid = 64, cpar = 64, cname = 64;
			DWORD ctype = 64, rc;
			NOTIFY_FILTER_AND_TYPE fat;
			DWORD_PTR key;

			rc = GetClusterNotifyV2(r->h[s], &key, &fat,
						(BYTE *)buf, &plen, id, &cid,
						parent, &cpar, name, &cname,
						tname, &ctype, 0);
			if (rc == WAIT_TIMEOUT)
				return got;
			if (rc != ERROR_SUCCESS || key != 1)
				bench_fail("read: GetClusterNotifyV2: %u", rc);
			got++;
			break;
		}
		case R_READ:
			n = read(r->fd[s], buf, BENCH_REC_MAX);
			if (n < 0 && errno == EAGAIN)
				return got;
			if (n <= 0)
				bench_fail("read: read: %s", strerror(errno));
			rd_walk(r, s, buf, n, &got);
			break;
		case R_PORT_READ:
			n = clusnotify_port_read(r->h[s], buf, BENCH_REC_MAX, 0);
			if (n == -ETIMEDOUT)
				return got;
			if (n < 0)
				bench_fail("read: clusnotify_port_read: %s",
					   strerror(-n));
			rd_walk(r, s, buf, n, &got);
			break;
		case R_INO1:
		case R_INOB:
			n = read(r->fd[s], buf,
				 s == R_INO1 ? r->inosize : BENCH_REC_MAX);
			if (n < 0 && errno == EAGAIN)
				return got;
			if (n <= 0)
				bench_fail("read: inotify read: %s",
					   strerror(errno));
			for (size_t off = 0; off < (size_t)n;) {
				const struct inotify_event *ie =
					(const void *)(buf + off);

				if (!(ie->mask & IN_CREATE))
					bench_fail("read: inotify: mask %#x",
						   ie->mask);
				off += sizeof(*ie) + ie->len;
				got++;
			}
			break;
		default:
			/* Whole records: the pipe holds nothing else. */
			n = read(r->fd[s], buf,
				 s == R_PIPE1 ? r->recsize :
				 BENCH_REC_MAX / r->recsize * r->recsize);
			if (n < 0 && errno == EAGAIN)
				return got;
			if (n <= 0 || n % r->recsize)
				bench_fail("read: pipe read: %zd", n);
			got += n / r->recsize;
			break;
		}
	}
}

/*
 * A ratio per repetition, and between the cheapest drains of each series:
 * on a busy host, interference only ever adds time.
 */
static void rd_ratio(const char *name, const double *a, const double *b,
		     int n)
{
	struct stat3 r = stat3_ratio(a, b, n);

	emit_ratio("read", name, 0, "ns_per_rec", r);
	r.med = stat3_of(a, n).min / stat3_of(b, n).min;
	r.min = r.max = r.med;
	emit_ratio("read", name, 0, "ns_per_rec_best", r);
}

static void lib_emit(const char *name, const double *diff, const double *a,
		     const double *b, int n)
{
	struct stat3 r = stat3_of(diff, n);

	emit_data("read-lib", name, 0, "ns_per_rec", r);
	r.med = stat3_of(a, n).min - stat3_of(b, n).min;
	r.min = r.max = r.med;
	emit_data("read-lib", name, 0, "ns_per_rec_best", r);
}

static void widen(const char *s, WCHAR *out)
{
	do
		*out++ = (WCHAR)(unsigned char)*s;
	while (*s++);
}

static void rd_setup(struct rd *r, HCLUSTER *hc)
{
	static const uint32_t state = CN_GROUP_ONLINE;
	NOTIFY_FILTER_AND_TYPE nf = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2,
	};
	struct cn_event ev[64];
	char name[64];
	WCHAR wname[64];
	int s, p[2], i;

	bench_check(poster_open(&r->po), "read: netlink");
	bench_check(poster_cluster(&r->po, "read", &r->cid, name,
				   sizeof(name)), "read: cluster");
	widen(name, wname);
	*hc = OpenCluster(wname);
	if (!*hc)
		bench_fail("read: OpenCluster: %u", GetLastError());
	for (i = 0; i < 64; i++)
		event_group_state(&ev[i], i, &state, sizeof(state));
	bench_check(post_msg_build(&r->pm, &r->po, r->cid, ev, 64),
		    "read: build");
	r->rec = aligned_alloc(8, 4096);
	r->buf = aligned_alloc(8, BENCH_REC_MAX);
	if (!r->rec || !r->buf)
		bench_fail("out of memory");
	r->recsize = record_build(r->rec, &ev[0], 0, 1, r->cid, 0);
	r->inosize = sizeof(struct inotify_event) +
		     ((INO_NAME_LEN + 1 + 15) & ~15);

	for (s = 0; s < R_NR; s++) {
		r->chk[s].key = 1;
		switch (s) {
		case R_IOCTL:
		case R_IOCTL_LIMITS:
		case R_READ:
			r->fd[s] = cn_open_port(O_NONBLOCK);
			if (r->fd[s] < 0)
				bench_fail("read: open port: %s",
					   strerror(-r->fd[s]));
			bench_check(cn_add_v2(r->fd[s], r->cid,
					      CLUSNOTIFY_OBJ_GROUP,
					      CN_V2_GROUP_STATE, 1, 1),
				    "read: filter");
			break;
		case R_GCN1:
			r->h[s] = CreateClusterNotifyPort(INVALID_HANDLE_VALUE,
							  *hc,
							  CLUSTER_CHANGE_GROUP_STATE,
							  1);
			if (!r->h[s])
				bench_fail("read: CreateClusterNotifyPort: %u",
					   GetLastError());
			break;
		case R_GCN2:
		case R_PORT_READ:
			r->h[s] = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
							    *hc, &nf, 1, 1);
			if (!r->h[s])
				bench_fail("read: CreateClusterNotifyPortV2: %u",
					   GetLastError());
			break;
		case R_INO1:
		case R_INOB:
			r->fd[s] = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
			if (r->fd[s] < 0 ||
			    inotify_add_watch(r->fd[s], INO_DIR, IN_CREATE) < 0)
				bench_fail("read: inotify: %s", strerror(errno));
			break;
		default:
			if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
				bench_fail("read: pipe2: %s", strerror(errno));
			if (fcntl(p[1], F_SETPIPE_SZ, 1 << 20) < 0)
				bench_fail("read: F_SETPIPE_SZ: %s",
					   strerror(errno));
			r->fd[s] = p[0];
			r->wfd[s] = p[1];
			break;
		}
	}
}

int bench_read(void)
{
	double v[R_NR][64], lib[4][64];
	/* Many short drains: a median that host noise does not move. */
	int nrep = opts.tiny ? 1 : (opts.reps * 4 > 64 ? 64 : opts.reps * 4);
	struct rd r = {
		.K = opts.tiny ? 64 : 512,
		.active = (1U << R_NR) - 1,
		.nmod = R_PORT_READ + 1,
	};
	HCLUSTER hc;
	int s, k, rep;

	pin_cpu(0);
	mkdir(INO_DIR, 0700);
	rd_setup(&r, &hc);
	emit_info("read", "%ld records per drain, %d drains per series; record %zu bytes, inotify event %zu bytes",
		  r.K, opts.tiny ? 1 : (opts.reps * 4 > 64 ? 64 : opts.reps * 4),
		  r.recsize, r.inosize);
	if (opts.profile) {
		int want = -1;

		for (s = 0; s < R_NR; s++)
			if (!strcmp(opts.profile, rd_names[s]))
				want = s;
		if (want < 0 || want > R_PORT_READ)
			bench_fail("read: no module series %s", opts.profile);
		/* Only that port stays open, so only it is filled. */
		for (s = 0; s <= R_PORT_READ; s++) {
			if (s == want)
				continue;
			if (r.h[s])
				CloseClusterNotifyPort(r.h[s]);
			else
				close(r.fd[s]);
			r.h[s] = NULL;
			r.fd[s] = -1;
		}
		r.nmod = 1;
		r.active = 1U << want;
		/* Long drains: switching perf on and off costs IPIs. */
		r.K = 4096;
		for (rep = 0; rep < 16; rep++) {
			long got;

			rd_fill(&r);
			perf_ctl(true);
			got = rd_drain(&r, want);
			perf_ctl(false);
			if (got != r.K)
				bench_fail("read: short drain");
		}
		goto out;
	}
	/* Warm-up, unrecorded. */
	rd_fill(&r);
	for (s = 0; s < R_NR; s++)
		rd_drain(&r, s);
	rd_unlink(&r);
	for (rep = 0; rep < nrep; rep++) {
		rd_fill(&r);
		for (k = 0; k < R_NR; k++) {
			uint64_t t0, t1;
			long got;

			s = (k + rep) % R_NR;
			t0 = now_ns();
			got = rd_drain(&r, s);
			t1 = now_ns();
			if (got != r.K)
				bench_fail("read: %s took %ld records, not %ld",
					   rd_names[s], got, r.K);
			v[s][rep] = (double)(t1 - t0) / r.K;
		}
		rd_unlink(&r);
		lib[0][rep] = v[R_GCN2][rep] - v[R_IOCTL_LIMITS][rep];
		lib[1][rep] = v[R_GCN1][rep] - v[R_IOCTL_LIMITS][rep];
		lib[2][rep] = v[R_PORT_READ][rep] - v[R_READ][rep];
		lib[3][rep] = v[R_IOCTL_LIMITS][rep] - v[R_IOCTL][rep];
	}
	for (s = 0; s < R_NR; s++) {
		double rps[64];

		for (rep = 0; rep < nrep; rep++)
			rps[rep] = 1e9 / v[s][rep];
		emit_data("read", rd_names[s], 0, "ns_per_rec",
			  stat3_of(v[s], nrep));
		emit_data("read", rd_names[s], 0, "rec_per_s",
			  stat3_of(rps, nrep));
	}
	lib_emit("GetClusterNotifyV2-ioctl", lib[0], v[R_GCN2],
		 v[R_IOCTL_LIMITS], nrep);
	lib_emit("GetClusterNotify-ioctl", lib[1], v[R_GCN1],
		 v[R_IOCTL_LIMITS], nrep);
	lib_emit("port_read-read", lib[2], v[R_PORT_READ], v[R_READ], nrep);
	lib_emit("limits-plain", lib[3], v[R_IOCTL_LIMITS], v[R_IOCTL], nrep);
	rd_ratio("clusnotify_port_read/inotify-batch",
		 v[R_PORT_READ], v[R_INOB], nrep);
	rd_ratio("read/inotify-batch",
		 v[R_READ], v[R_INOB], nrep);
	rd_ratio("ioctl-get/inotify-1",
		 v[R_IOCTL], v[R_INO1], nrep);
	rd_ratio("GetClusterNotifyV2/ioctl-get-limits",
		 v[R_GCN2], v[R_IOCTL_LIMITS], nrep);
	rd_ratio("GetClusterNotify/ioctl-get-limits",
		 v[R_GCN1], v[R_IOCTL_LIMITS], nrep);
	rd_ratio("clusnotify_port_read/read",
		 v[R_PORT_READ], v[R_READ], nrep);
	rd_ratio("GetClusterNotifyV2/clusnotify_port_read",
		 v[R_GCN2], v[R_PORT_READ], nrep);
	rd_ratio("read/pipe-batch",
		 v[R_READ], v[R_PIPEB], nrep);
	rd_ratio("ioctl-get/pipe-1",
		 v[R_IOCTL], v[R_PIPE1], nrep);
out:
	for (s = 0; s < R_NR; s++) {
		if (r.h[s])
			CloseClusterNotifyPort(r.h[s]);
		else if (r.fd[s] >= 0)
			close(r.fd[s]);
		if (s >= R_PIPE1)
			close(r.wfd[s]);
	}
	CloseCluster(hc);
	post_msg_free(&r.pm);
	cn_unregister(&r.po.nl, r.cid);
	poster_close(&r.po);
	free(r.rec);
	free(r.buf);
	rmdir(INO_DIR);
	return 0;
}
