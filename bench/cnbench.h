/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cnbench: the clusnotify benchmarks and their baselines, one harness with
 * one output format (see bench/README.md).
 *
 * Every benchmark prints what it measured as lines the host-side report
 * (bench/report) turns into tables and plots:
 *
 *   ### data BENCH SERIES X METRIC MEDIAN MIN MAX
 *   ### ratio BENCH NAME X METRIC MEDIAN MIN MAX
 *   ### pct BENCH SERIES X PERCENTILE VALUE
 *   ### info KEY VALUE...
 *
 * MEDIAN, MIN and MAX are taken over interleaved repetitions in one boot; a
 * ratio is computed per repetition (candidate and baseline of the same
 * round) before its median is taken. Nothing here ever fails on a time: a
 * benchmark fails only when what it delivered is wrong (a record missing,
 * out of sequence or lost, a count that does not add up) or when it stalls.
 */
#ifndef CNBENCH_H
#define CNBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/clusnotify.h>

#include "cn_util.h"

#define BENCH_REC_MAX (64 * 1024)	/* a read buffer: many records */
#define BENCH_GROUPS 16			/* groups every cluster publishes */

/* Options every benchmark understands (main.c). */
struct bench_opts {
	bool tiny;		/* smoke run: smallest sizes, one repetition */
	int reps;		/* interleaved repetitions */
	int batch;		/* events per producer message (fanout) */
	const char *profile;	/* one series only, for perf */
	long ports;		/* fanout: this fan-out only (0: all) */
	int broker_cpu;		/* -1: the broker is not pinned */
};

extern struct bench_opts opts;

/* Benchmarks: 0 when everything delivered was right. */
int bench_fanout(void);
int bench_nonmatch(void);
int bench_latency(void);
int bench_read(void);
int bench_memory(void);
int bench_cost(void);

/* ------------------------------------------------------------------ */
/* Failing, timing, statistics, output (common.c)                      */
/* ------------------------------------------------------------------ */

/* Print "cnbench: FAIL: why" and exit 1 (any thread, any time). */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						      noreturn));
/* bench_fail() unless ret is 0, naming what failed and the errno. */
void bench_check(int ret, const char *what);

uint64_t now_ns(void);
/* Profile only between perf_ctl(true) and perf_ctl(false) (vm-bench). */
void perf_ctl(bool on);
/* CPU seconds of the calling thread, and of a whole process. */
double thread_cpu(void);
double process_cpu(int pid);
void sleep_us(unsigned int us);
/* Pin the calling thread to one CPU (no-op if it does not exist). */
void pin_cpu(int cpu);
/* Let the calling thread run on every CPU. */
void unpin_cpu(void);

/* Busy and total time of every CPU, from /proc/stat, in seconds. */
struct cpu_times {
	double busy;
	double total;
};

void cpu_times_read(struct cpu_times *t);
double cpu_busy_since(const struct cpu_times *t0);

struct stat3 {
	double med, min, max;
};

struct stat3 stat3_of(const double *v, int n);
/* Median, min and max of a[i] / b[i]. */
struct stat3 stat3_ratio(const double *a, const double *b, int n);
/* The p-th percentile (0..100) of v, which it sorts. */
double percentile(double *v, size_t n, double p);

void emit_data(const char *bench, const char *series, long x,
	       const char *metric, struct stat3 s);
void emit_ratio(const char *bench, const char *name, long x,
		const char *metric, struct stat3 s);
void emit_pct(const char *bench, const char *series, long x, double pct,
	      double value);
void emit_info(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Raise RLIMIT_NOFILE to at least n descriptors. */
void raise_nofile(long n);
/* Write a module parameter; 0 or -errno. */
int param_write(const char *name, unsigned long val);

/* A futex-backed counter one thread waits on and another advances. */
struct waiter {
	uint64_t count;		/* the value waited for */
	uint32_t gen;		/* futex word, bumped when waking */
	int waiting;
};

void waiter_publish(struct waiter *w, uint64_t count);
void waiter_add(struct waiter *w, uint64_t n);
/* Wait until count >= want; false after timeout_ms without progress. */
bool waiter_wait(struct waiter *w, uint64_t want, unsigned int timeout_ms);

/* ------------------------------------------------------------------ */
/* Events, records, the producer (events.c)                            */
/* ------------------------------------------------------------------ */

/* The object ids and names every cluster publishes. */
const char *group_id(int g);
const char *group_name(int g);
#define BENCH_NODE_ID "node-id-1"

/*
 * The standard event: GROUP_STATE (V2 flag and V1 bit) on group g, with the
 * new state and a payload of plen bytes (a DWORD state, or a timestamp).
 */
void event_group_state(struct cn_event *e, int g, const void *payload,
		       uint32_t plen);

/* Bytes of the record an event makes (what every port receives). */
size_t record_size(const struct cn_event *e);
/*
 * Lay an event out as struct clusnotify_record and its data, exactly as the
 * module does; returns the record's size. Used by the baselines, which then
 * deliver the same bytes per event as the module.
 */
size_t record_build(void *buf, const struct cn_event *e, uint64_t seq,
		    uint64_t key, uint32_t cluster_id, uint64_t ts);
/* Where record_build put the payload, relative to the record. */
size_t record_payload_off(void);

/*
 * The producer: one generic netlink session, speaking the ABI directly
 * through cn_util's message builder. A post is one sendto() and one recv()
 * of the reply (no separate ACK): the cheapest a producer can be.
 */
struct poster {
	struct cn_nl nl;
};

struct post_msg {
	struct cn_msg m;
	int nev;
	size_t magic_off;	/* offset of a patchable 8-byte payload, or 0 */
};

int poster_open(struct poster *p);
void poster_close(struct poster *p);
/* Register a cluster (unique name from tag) with the standard groups. */
int poster_cluster(struct poster *p, const char *tag, uint32_t *cid,
		   char *name, size_t name_len);
/* A prebuilt EVENT_POST of n events to cid, sent as often as wanted. */
int post_msg_build(struct post_msg *pm, struct poster *p, uint32_t cid,
		   const struct cn_event *ev, int n);
void post_msg_free(struct post_msg *pm);
/* Overwrite the payload that held BENCH_MAGIC when the message was built. */
void post_msg_patch(struct post_msg *pm, uint64_t v);
/* Send it; *queued and *lost (may be NULL) from the kernel's reply. */
int post_msg_send(struct poster *p, struct post_msg *pm, uint64_t *queued,
		  uint64_t *lost);

#define BENCH_MAGIC 0x5a17c0de5a17c0deULL

/* Check one record as a consumer receives it: seq, key, flags. */
struct sink_check {
	uint64_t next_seq;
	uint64_t key;
	uint64_t got;
};

/* 0, or a static string saying what is wrong. */
const char *record_verify(const struct clusnotify_record *r, size_t avail,
			  struct sink_check *s);

/* ------------------------------------------------------------------ */
/* The userspace broker baseline (broker.c)                            */
/* ------------------------------------------------------------------ */

/*
 * One process that accepts producers and clients on an AF_UNIX
 * SOCK_SEQPACKET socket, keeps the clients' filters in the same kind of
 * index as the module (per V1 bit, per V2 type and flag; object scope
 * checked on match), and fans every event out to the matching clients
 * with epoll, as clusnotify_record records, one datagram per client per
 * batch it received.
 */
struct broker {
	int pid;
	char path[108];
};

int broker_start(struct broker *b, int cpu);
void broker_stop(struct broker *b);
/* A producer connection (blocking). */
int broker_producer(struct broker *b);
/*
 * A client connection with one filter (as struct clusnotify_filter: V1 or
 * V2, optional object id); returns the fd once the broker acknowledged.
 */
int broker_client(struct broker *b, const struct clusnotify_filter *f,
		  const char *object);
/*
 * The same broker code stepped in the calling thread, for cost-of-operation
 * measurements (no process, no wake-ups): connections are socketpairs, the
 * ends returned are the producer's and the clients' (non-blocking), and
 * broker_local_run() does what the broker's loop does when its producer
 * socket is readable, until no datagram is left.
 */
void broker_local_open(void);
int broker_local_producer(void);
int broker_local_client(const struct clusnotify_filter *f, const char *object);
void broker_local_run(void);
void broker_local_close(void);

/* Pack n events into buf as the producer's datagram; returns its length. */
size_t broker_pack(void *buf, size_t cap, const struct cn_event *ev, int n);
/* Where broker_pack put the BENCH_MAGIC payload of its first event. */
size_t broker_magic_off(const void *buf, size_t len);

#endif /* CNBENCH_H */
