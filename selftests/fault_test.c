// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: every allocation the module (and the syscall around it)
 * makes for one operation is failed in turn, and the operation must either
 * fail cleanly with an errno or succeed, leaving the state consistent.
 * Runs only on a kernel with failslab and fail_page_alloc in debugfs (the
 * debug kernel of `make check-debug`); elsewhere every test is SKIPped.
 *
 * Systematic part: /proc/thread-self/fail-nth fails exactly the n-th
 * allocation of the test thread, for n = 1, 2, ... until the operation runs
 * without reaching n (failslab and fail_page_alloc are set to honour it:
 * ignore-gfp-wait N, min-order 0, verbose 0). After each attempt, with
 * nothing armed, the state is checked:
 *  - open: the port exists exactly if open() succeeded; the per-user budget
 *    is intact (max_ports = held + 1 still admits one);
 *  - ADD_FILTER: on failure PORT_STATS, fdinfo and the cluster's filter
 *    count show no half-built filter and a matching event queues nothing;
 *    on success the filter works;
 *  - lookups: right answer or an errno;
 *  - EVENT_POST (3 events): all or nothing, on the ports (records due,
 *    counting overflow records' lost) and in the directory; an error after
 *    the batch applied is only the lost acknowledgement (ENOBUFS);
 *  - OBJECT_PUBLISH: all or nothing, STATE record iff the state changed;
 *  - CLUSTER_REGISTER: the cluster exists iff it succeeded; the cluster
 *    budget is intact;
 *  - UNREGISTER and a producer's socket closing: every port gets exactly
 *    the CLUSTER_STATE records due (PORT_STATS next_seq), none twice;
 *  - GET and read() that must allocate the pending overflow record: ENOMEM
 *    and the loss still reported exactly afterwards;
 *  - REMOVE_FILTERS with HANDLE_CLOSE: its record names the object, or is
 *    reported lost;
 *  - close() of a port: gone from PORT_GET, its filters from the cluster.
 * Random part (the debugfs knobs themselves, task-filtered through
 * /proc/thread-self/make-it-fail, probability 20%, space 0): a mixed
 * workload for a few seconds, then the seq proof on its ports.
 *
 * Prints the fault sites injected per operation and in total.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define DBG "/sys/kernel/debug/"
#define MAX_NTH 400		/* more allocations than any operation makes */

/* debugfs knobs we change, restored afterwards */
static const char *const knobs[] = {
	DBG "failslab/probability", DBG "failslab/interval",
	DBG "failslab/times", DBG "failslab/space",
	DBG "failslab/verbose", DBG "failslab/task-filter",
	DBG "failslab/ignore-gfp-wait", DBG "failslab/cache-filter",
	DBG "fail_page_alloc/probability", DBG "fail_page_alloc/interval",
	DBG "fail_page_alloc/times", DBG "fail_page_alloc/space",
	DBG "fail_page_alloc/verbose", DBG "fail_page_alloc/task-filter",
	DBG "fail_page_alloc/ignore-gfp-wait",
	DBG "fail_page_alloc/min-order",
};

#define NKNOBS CN_ARRAY_SIZE(knobs)

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Stop failing this thread's allocations. Opening and writing the knob
 * allocate too, so while injection is armed (at 20% for the random
 * workload) the disarming write itself can fail and leave the thread
 * armed: try until it takes.
 */
static void disarm_thread(void)
{
	int i;

	for (i = 0; i < 1000; i++)
		if (!write_str("/proc/thread-self/make-it-fail", "0"))
			return;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The context of one operation's sweep                                */
/* ------------------------------------------------------------------ */

struct fctx {
	struct __test_metadata *md;
	struct cn_env env;
	int nth_fd;		/* /proc/thread-self/fail-nth */
	unsigned char *buf;
	int attempt;
	/* per operation scratch */
	int fd, fd2, fd3;
	__u32 cid;
	__u64 u64a, u64b;
	__u32 u32a, u32b;
	struct cn_nl nl2;
	struct cn_msg msg;
	struct cn_post_reply reply;
	char name[96];
	/* results */
	int sites, successes, failures;
	int bad;
	char why[256];
	int errs[140];
};

#define FAIL(c, ...)							\
	do {								\
		if (!(c)->bad)						\
			snprintf((c)->why, sizeof((c)->why), __VA_ARGS__); \
		(c)->bad++;						\
	} while (0)

static void arm(struct fctx *c, int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", n);
	if (pwrite(c->nth_fd, v, strlen(v), 0) < 0)
		FAIL(c, "arming fail-nth: %s", strerror(errno));
}

/* Disarm; true if the fault was injected. */
static bool disarm(struct fctx *c)
{
	char v[16] = "";
	ssize_t n = pread(c->nth_fd, v, sizeof(v) - 1, 0);

	pwrite(c->nth_fd, "0", 1, 0);
	return n > 0 && atoi(v) == 0;
}

struct op {
	const char *name;
	void (*prepare)(struct fctx *c);
	int (*run)(struct fctx *c);
	void (*check)(struct fctx *c, int ret, bool injected);
	void (*cleanup)(struct fctx *c);
};

/* Fail allocation 1, 2, ... of run() until it makes no more. */
static void sweep(struct fctx *c, const struct op *op)
{
	int n, ret;
	bool injected;

	c->sites = 0;
	c->successes = 0;
	c->failures = 0;
	memset(c->errs, 0, sizeof(c->errs));
	for (n = 1; n <= MAX_NTH; n++) {
		c->attempt = n;
		if (op->prepare)
			op->prepare(c);
		if (c->bad)
			break;
		arm(c, n);
		ret = op->run(c);
		injected = disarm(c);
		c->errs[ret < 0 && -ret < 140 ? -ret : 0]++;
		if (injected)
			c->sites++;
		if (ret < 0)
			c->failures++;
		else
			c->successes++;
		op->check(c, ret, injected);
		if (op->cleanup)
			op->cleanup(c);
		if (!injected) {
			/* Nothing failed: the operation must have worked. */
			if (ret < 0)
				FAIL(c, "%s without a fault: %d", op->name, ret);
			break;
		}
		if (c->bad)
			break;
	}
	if (c->bad)
		fprintf(stderr, "# %s: allocation %d failed: %s\n", op->name,
			c->attempt, c->why);
	ksft_print_msg("%s: %d fault sites injected; %d attempts succeeded, %d failed (ENOMEM %d, ENOBUFS %d)\n",
		       op->name, c->sites, c->successes, c->failures,
		       c->errs[ENOMEM], c->errs[ENOBUFS]);
}

/*
 * Fail two allocations in a row, the first once the operation has
 * allocated budget bytes from slab, for budget = 0, step, 2 * step ...
 * until it gets through: what fail-nth cannot do, and what defeats code
 * that retries a failed GFP_NOWAIT allocation with GFP_KERNEL (XArray).
 * The debugfs knobs, task-filtered through make-it-fail.
 */
static void sweep_pairs(struct fctx *c, const struct op *op, int step)
{
	char v[32];
	int n, ret, injected;

	c->sites = 0;
	c->successes = 0;
	c->failures = 0;
	memset(c->errs, 0, sizeof(c->errs));
	for (n = 0; n < MAX_NTH; n++) {
		c->attempt = n + 1;
		if (op->prepare)
			op->prepare(c);
		if (c->bad)
			break;
		snprintf(v, sizeof(v), "%d", n * step);
		write_str(DBG "failslab/space", v);
		write_str(DBG "failslab/times", "2");
		write_str(DBG "failslab/probability", "100");
		write_str("/proc/thread-self/make-it-fail", "1");
		ret = op->run(c);
		disarm_thread();
		write_str(DBG "failslab/probability", "0");
		read_str(DBG "failslab/times", v, sizeof(v));
		injected = 2 - atoi(v);
		write_str(DBG "failslab/space", "0");
		c->errs[ret < 0 && -ret < 140 ? -ret : 0]++;
		c->sites += injected;
		if (ret < 0)
			c->failures++;
		else
			c->successes++;
		op->check(c, ret, injected);
		if (op->cleanup)
			op->cleanup(c);
		if (!injected || c->bad)
			break;
	}
	if (c->bad)
		fprintf(stderr, "# %s: after %d bytes: %s\n", op->name,
			(c->attempt - 1) * step, c->why);
	ksft_print_msg("%s, two failures in a row: %d injected over %d budgets; %d attempts succeeded, %d failed\n",
		       op->name, c->sites, c->attempt, c->successes,
		       c->failures);
}

/* An errno an allocation failure may surface as. */
static bool alloc_errno(int ret)
{
	return ret == -ENOMEM || ret == -ENOBUFS || ret == -EAGAIN;
}

/* Drain a port: the event records read, and the losses reported. */
static int drain(struct fctx *c, int fd, int *records, __u64 *lost)
{
	struct cn_rec r;
	int ret;

	*records = 0;
	*lost = 0;
	for (;;) {
		ret = cn_get_rec(fd, c->buf, 0, &r);
		if (ret == -ETIMEDOUT)
			return 0;
		if (ret)
			return ret;
		if (r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST)
			*lost += r.hdr.lost;
		else
			(*records)++;
	}
}

static __u64 next_seq(int fd)
{
	struct clusnotify_port_stats st;

	return cn_port_stats(fd, &st) ? ~0ULL : st.next_seq;
}

static int nl_send(struct fctx *c, struct cn_nl *nl, cn_reply_cb cb,
		   void *arg)
{
	int ret = cn_nl_transact(nl, &c->msg, cb, arg);

	cn_msg_free(&c->msg);
	return ret;
}

/* ------------------------------------------------------------------ */
/* open()                                                              */
/* ------------------------------------------------------------------ */

static int my_ports(struct fctx *c)
{
	struct cn_port_desc *d = calloc(2048, sizeof(*d));
	int n = 0, i, mine = 0;

	if (!d || cn_port_dump(&c->env.nl, d, 2048, &n)) {
		free(d);
		return -1;
	}
	for (i = 0; i < n && i < 2048; i++)
		mine += d[i].pid == (__u32)getpid();
	free(d);
	return mine;
}

static void open_prepare(struct fctx *c)
{
	c->u32a = my_ports(c);
	c->fd = -1;
}

static int open_run(struct fctx *c)
{
	c->fd = open(CN_DEV_PATH, O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static void open_check(struct fctx *c, int ret, bool injected)
{
	int now = my_ports(c);

	if (ret && !alloc_errno(ret))
		FAIL(c, "open: %d", ret);
	if (now != (int)c->u32a + !ret)
		FAIL(c, "open returned %d but PORT_GET lists %d ports, %u before",
		     ret, now, c->u32a);
}

static void open_cleanup(struct fctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
}

/* ------------------------------------------------------------------ */
/* ADD_FILTER                                                          */
/* ------------------------------------------------------------------ */

static __u32 cluster_filters(struct fctx *c, __u32 cid)
{
	struct cn_cluster_desc *d = calloc(1, sizeof(*d));
	__u32 n = ~0U;

	if (d && !cn_cluster_get(&c->env.nl, cid, d))
		n = d->filters;
	free(d);
	return n;
}

static int fdinfo_filters(int fd)
{
	char *buf = malloc(65536), *p;
	int n = 0;

	if (!buf || cn_fdinfo_lines(fd, buf, 65536) < 0) {
		free(buf);
		return -1;
	}
	for (p = buf; (p = strstr(p, "filter:\t")); p++)
		n++;
	free(buf);
	return n;
}

static int addf_kind;	/* 0: V1 whole, 1: V2 object, 2: registry subtree */

static void addf_prepare(struct fctx *c)
{
	struct clusnotify_port_stats st;

	cn_port_stats(c->env.port, &st);
	c->u32a = st.filters;
	c->u32b = cluster_filters(c, c->env.cid);
	c->fd2 = fdinfo_filters(c->env.port);
}

static int addf_run(struct fctx *c)
{
	switch (addf_kind) {
	case 0:
		return cn_add_v1(c->env.port, c->env.cid, CN_V1_GROUP_STATE,
				 100, 100);
	case 1:
		return cn_add_v2_obj(c->env.port, c->env.cid,
				     CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
				     CN_GROUP1_ID, 100, 100);
	default:
		return cn_add_v2_obj(c->env.port, c->env.cid,
				     CLUSNOTIFY_OBJ_REGISTRY,
				     CN_V2_REGISTRY_VALUE |
				     CN_V2_REGISTRY_SUBTREE, CN_REGKEY_A, 100,
				     100);
	}
}

static const struct cn_event addf_events[] = {
	{ .type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	  .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID },
	{ .type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
	  .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID },
	{ .type = CLUSNOTIFY_OBJ_REGISTRY, .v1 = CN_V1_REGISTRY_VALUE,
	  .v2 = CN_V2_REGISTRY_VALUE, .id = CN_REGKEY_ABC },
};

static void addf_check(struct fctx *c, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	__u64 seq0 = next_seq(c->env.port);
	int want = ret ? 0 : 1;
	struct cn_rec r;

	cn_port_stats(c->env.port, &st);
	if (ret && !alloc_errno(ret))
		FAIL(c, "ADD_FILTER: %d", ret);
	if (st.filters != c->u32a + want)
		FAIL(c, "ADD_FILTER %d: PORT_STATS %u filters, %u before", ret,
		     st.filters, c->u32a);
	if (fdinfo_filters(c->env.port) != c->fd2 + want)
		FAIL(c, "ADD_FILTER %d: fdinfo shows %d filters, %d before",
		     ret, fdinfo_filters(c->env.port), c->fd2);
	if (cluster_filters(c, c->env.cid) != c->u32b + want)
		FAIL(c, "ADD_FILTER %d: the cluster counts %u filters, %u before",
		     ret, cluster_filters(c, c->env.cid), c->u32b);
	/* A matching event reaches the filter exactly if it exists. */
	if (cn_post1(&c->env.nl, c->env.cid, &addf_events[addf_kind]))
		FAIL(c, "post after ADD_FILTER failed");
	if (next_seq(c->env.port) != seq0 + want)
		FAIL(c, "ADD_FILTER %d: a matching event queued %llu records",
		     ret, (unsigned long long)(next_seq(c->env.port) - seq0));
	if (want && (cn_get_rec(c->env.port, c->buf, 0, &r) ||
		     r.hdr.key != 100))
		FAIL(c, "the added filter's record is not there");
}

static void addf_cleanup(struct fctx *c)
{
	cn_remove(c->env.port, 100, 0);
	cn_drain(c->env.port);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

static int clook_run(struct fctx *c)
{
	struct clusnotify_cluster_query q;
	int ret = cn_cluster_lookup(c->env.port, c->env.name, 0, &q,
				    c->name, sizeof(c->name));

	if (!ret && (q.cluster_id != c->env.cid || strcmp(c->name, c->env.name)))
		return -EPROTO;
	return ret;
}

static int olook_run(struct fctx *c)
{
	struct cn_object o;
	__u32 size = 4096;
	int ret = cn_object_lookup(c->env.port, c->env.cid,
				   CLUSNOTIFY_OBJ_GROUP, CN_GROUP1, 0, c->buf,
				   &size, &o);

	if (!ret && strcmp(o.id, CN_GROUP1_ID))
		return -EPROTO;
	return ret;
}

static void look_check(struct fctx *c, int ret, bool injected)
{
	if (ret && !alloc_errno(ret))
		FAIL(c, "lookup: %d", ret);
}

/* ------------------------------------------------------------------ */
/* EVENT_POST: all or nothing                                          */
/* ------------------------------------------------------------------ */

static __u32 group1_state(struct fctx *c)
{
	struct cn_object o;
	__u32 size = 4096;

	if (cn_object_lookup(c->env.port, c->env.cid, CLUSNOTIFY_OBJ_GROUP,
			     CN_GROUP1, 0, c->buf, &size, &o))
		return ~0U;
	return o.hdr.state;
}

static unsigned char post_payload[100];

static void post_prepare(struct fctx *c)
{
	struct cn_event ev[3] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
		  .v2 = CN_V2_GROUP_STATE, .id = CN_GROUP1_ID,
		  .has_state = true },
		{ .type = CLUSNOTIFY_OBJ_RESOURCE, .v1 = CN_V1_RESOURCE_STATE,
		  .v2 = CN_V2_RESOURCE_STATE, .id = CN_RES1_ID, .state = 3,
		  .has_state = true },
		{ .type = CLUSNOTIFY_OBJ_CLUSTER,
		  .v1 = CN_V1_CLUSTER_PROPERTY,
		  .v2 = CN_V2_CLUSTER_COMMON_PROPERTY,
		  .payload = post_payload, .payload_len = 100 },
	};

	/* A state the group is not in, so applying it shows. */
	c->u32a = group1_state(c) == CN_GROUP_ONLINE ? CN_GROUP_OFFLINE :
						       CN_GROUP_ONLINE;
	ev[0].state = c->u32a;
	c->u64a = next_seq(c->env.port);
	cn_msg_init(&c->msg, &c->env.nl, CLUSNOTIFY_CMD_EVENT_POST, NLM_F_ACK);
	cn_msg_put_u32(&c->msg, CLUSNOTIFY_A_CLUSTER_ID, c->env.cid);
	cn_msg_put_events(&c->msg, ev, 3);
	memset(&c->reply, 0, sizeof(c->reply));
}

static void post_reply_cb(const struct nlattr **tb, void *arg)
{
	struct cn_post_reply *r = arg;

	if (tb[CLUSNOTIFY_A_QUEUED])
		r->queued = cn_nla_u64(tb[CLUSNOTIFY_A_QUEUED]);
	if (tb[CLUSNOTIFY_A_LOST])
		r->lost = cn_nla_u64(tb[CLUSNOTIFY_A_LOST]);
	r->has_posted = tb[CLUSNOTIFY_A_POSTED];
}

static int post_run(struct fctx *c)
{
	return nl_send(c, &c->env.nl, post_reply_cb, &c->reply);
}


static void post_check(struct fctx *c, int ret, bool injected)
{
	__u32 want_state = c->u32a;
	__u64 due = next_seq(c->env.port) - c->u64a;
	__u32 state = group1_state(c);
	__u64 lost;
	int records;

	if (drain(c, c->env.port, &records, &lost))
		FAIL(c, "draining after the post failed");
	if (due != 0 && due != 3)
		FAIL(c, "post %d: %llu of 3 records due: half a batch", ret,
		     (unsigned long long)due);
	if (due == 3 && state != want_state)
		FAIL(c, "post applied but the group's state is %u", state);
	if (due == 0 && state == want_state)
		FAIL(c, "post not applied but the group's state changed");
	if (!ret && due != 3)
		FAIL(c, "post succeeded but queued nothing");
	if (ret && !alloc_errno(ret))
		FAIL(c, "post: %d", ret);
	/* Applied but answered with an error: only the ACK can be lost. */
	if (ret && due == 3 && ret != -ENOBUFS && ret != -EAGAIN)
		FAIL(c, "post applied, answered %d", ret);
	/* Each record due was read or reported lost. */
	if (records + lost != due)
		FAIL(c, "post: %d records and %llu lost for %llu due", records,
		     (unsigned long long)lost, (unsigned long long)due);
	if (!ret && (c->reply.queued + c->reply.lost != 3))
		FAIL(c, "post reply: queued %llu lost %llu",
		     (unsigned long long)c->reply.queued,
		     (unsigned long long)c->reply.lost);
}

/* ------------------------------------------------------------------ */
/* OBJECT_PUBLISH: all or nothing                                      */
/* ------------------------------------------------------------------ */

static void pub_prepare(struct fctx *c)
{
	char a[32], b[32];
	struct cn_obj_desc o[3] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = a, .name = a },
		{ .type = CLUSNOTIFY_OBJ_NODE, .id = b, .name = b },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = CN_GROUP2_ID,
		  .name = CN_GROUP2, .has_state = true },
	};
	struct cn_object cur;
	__u32 size = 4096;
	int i;

	/* A state the group is not in, so applying it shows. */
	cn_object_lookup(c->env.port, c->env.cid, CLUSNOTIFY_OBJ_GROUP,
			 CN_GROUP2, 0, c->buf, &size, &cur);
	c->u32a = cur.hdr.state == 1 ? 2 : 1;
	o[2].state = c->u32a;

	snprintf(a, sizeof(a), "fp-%d-a", c->attempt);
	snprintf(b, sizeof(b), "fp-%d-b", c->attempt);
	c->u64a = next_seq(c->env.port);
	cn_msg_init(&c->msg, &c->env.nl, CLUSNOTIFY_CMD_OBJECT_PUBLISH,
		    NLM_F_ACK);
	cn_msg_put_u32(&c->msg, CLUSNOTIFY_A_CLUSTER_ID, c->env.cid);
	for (i = 0; i < 3; i++) {
		cn_msg_nest_start(&c->msg, CLUSNOTIFY_A_OBJECT);
		cn_msg_put_u32(&c->msg, CLUSNOTIFY_OBJ_A_TYPE, o[i].type);
		cn_msg_put_str(&c->msg, CLUSNOTIFY_OBJ_A_ID, o[i].id);
		cn_msg_put_str(&c->msg, CLUSNOTIFY_OBJ_A_NAME, o[i].name);
		if (o[i].has_state)
			cn_msg_put_u32(&c->msg, CLUSNOTIFY_OBJ_A_STATE,
				       o[i].state);
		cn_msg_nest_end(&c->msg);
	}
}

static bool obj_exists(struct fctx *c, __u32 type, const char *name)
{
	__u32 size = 4096;

	return !cn_object_lookup(c->env.port, c->env.cid, type, name, 0,
				 c->buf, &size, NULL);
}

static void pub_check(struct fctx *c, int ret, bool injected)
{
	char a[32], b[32];
	struct cn_object o;
	__u32 size = 4096;
	int n = 0;
	__u64 due;

	snprintf(a, sizeof(a), "fp-%d-a", c->attempt);
	snprintf(b, sizeof(b), "fp-%d-b", c->attempt);
	n += obj_exists(c, CLUSNOTIFY_OBJ_GROUP, a);
	n += obj_exists(c, CLUSNOTIFY_OBJ_NODE, b);
	cn_object_lookup(c->env.port, c->env.cid, CLUSNOTIFY_OBJ_GROUP,
			 CN_GROUP2, 0, c->buf, &size, &o);
	due = next_seq(c->env.port) - c->u64a;
	if (n == 1)
		FAIL(c, "publish %d: one of two new objects exists", ret);
	if (n == 2 && o.hdr.state != c->u32a)
		FAIL(c, "publish applied without the state update");
	if (n == 0 && o.hdr.state == c->u32a)
		FAIL(c, "publish not applied but the state changed");
	/* The state changes every attempt: one STATE record when applied. */
	if (due != (n ? 1 : 0))
		FAIL(c, "publish %d: %llu records due", ret,
		     (unsigned long long)due);
	if (!ret && n != 2)
		FAIL(c, "publish succeeded but the objects are missing");
	if (ret && !alloc_errno(ret))
		FAIL(c, "publish: %d", ret);
	if (ret && n == 2 && ret != -ENOBUFS && ret != -EAGAIN)
		FAIL(c, "publish applied, answered %d", ret);
	cn_drain(c->env.port);
}

static void pub_set_filter(struct fctx *c)
{
	cn_add_v1(c->env.port, c->env.cid, CN_V1_ALL, 1, 1);
}

/* ------------------------------------------------------------------ */
/* CLUSTER_REGISTER                                                    */
/* ------------------------------------------------------------------ */

static void reg_prepare(struct fctx *c)
{
	snprintf(c->name, sizeof(c->name), "FaultReg-%d-%d", (int)getpid(),
		 c->attempt);
	cn_msg_init(&c->msg, &c->env.nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		    NLM_F_ACK);
	cn_msg_put_str(&c->msg, CLUSNOTIFY_A_CLUSTER_NAME, c->name);
}

static int reg_run(struct fctx *c)
{
	return nl_send(c, &c->env.nl, NULL, NULL);
}

static void reg_check(struct fctx *c, int ret, bool injected)
{
	struct clusnotify_cluster_query q;
	int found = !cn_cluster_lookup(c->env.port, c->name, 0, &q, NULL, 0);

	if (!ret && !found)
		FAIL(c, "register succeeded, cluster missing");
	if (ret && found && ret != -ENOBUFS && ret != -EAGAIN)
		FAIL(c, "register failed with %d, cluster exists", ret);
	if (ret && !alloc_errno(ret))
		FAIL(c, "register: %d", ret);
	if (found && cn_unregister(&c->env.nl, q.cluster_id))
		FAIL(c, "the registered cluster cannot be unregistered");
}

/* ------------------------------------------------------------------ */
/* UNREGISTER and session end: CLUSTER_STATE exactly as due            */
/* ------------------------------------------------------------------ */

static void down_prepare(struct fctx *c)
{
	struct cn_obj_desc g = {
		.type = CLUSNOTIFY_OBJ_GROUP, .id = CN_GROUP1_ID,
		.name = CN_GROUP1,
	};
	struct cn_nl *nl = &c->env.nl;

	snprintf(c->name, sizeof(c->name), "FaultDown-%d-%d", (int)getpid(),
		 c->attempt);
	if (c->u32b) {		/* session end: a socket of its own */
		if (cn_nl_open(&c->nl2))
			FAIL(c, "netlink socket");
		nl = &c->nl2;
	}
	if (cn_register(nl, c->name, &c->cid) || cn_publish(nl, c->cid, &g, 1))
		FAIL(c, "register for the down test");
	c->fd = cn_open_port(0);
	c->fd2 = cn_open_port(0);
	c->fd3 = cn_open_port(0);
	/*
	 * fd: wants CLUSTER_STATE; fd2: does not (gets one anyway);
	 * fd3: two filters that want it (one each).
	 */
	if (cn_add_v1(c->fd, c->cid, CN_V1_ALL, 1, 1) ||
	    cn_add_v2(c->fd2, c->cid, CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL,
		      2, 2) ||
	    cn_add_v1(c->fd2, c->cid, CN_V1_GROUP_STATE, 3, 3) ||
	    cn_add_v1(c->fd3, c->cid, CN_V1_CLUSTER_STATE, 4, 4) ||
	    cn_add_v2(c->fd3, c->cid, CLUSNOTIFY_OBJ_CLUSTER,
		      CN_V2_CLUSTER_STATE, 5, 5))
		FAIL(c, "filters for the down test");
	if (!c->u32b) {
		cn_msg_init(&c->msg, &c->env.nl,
			    CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, NLM_F_ACK);
		cn_msg_put_u32(&c->msg, CLUSNOTIFY_A_CLUSTER_ID, c->cid);
	}
}

static int down_run(struct fctx *c)
{
	if (c->u32b)
		return close(c->nl2.fd) ? -errno : 0;
	return nl_send(c, &c->env.nl, NULL, NULL);
}

static void down_check(struct fctx *c, int ret, bool injected)
{
	struct clusnotify_cluster_query q;
	int gone = cn_cluster_lookup(c->fd, c->name, 0, &q, NULL, 0) == -ENOENT;
	__u64 due[3] = { 1, 1, 2 };
	int fds[3] = { c->fd, c->fd2, c->fd3 }, i;

	if (ret && !alloc_errno(ret))
		FAIL(c, "going down: %d", ret);
	if (c->u32b) {
		if (gone || q.up)
			FAIL(c, "after its session ended the cluster is %s",
			     gone ? "gone" : "still up");
	} else if (!gone) {
		if (!ret)
			FAIL(c, "unregister succeeded, cluster still there");
		/* Refused before it ran: nothing may have been queued. */
		for (i = 0; i < 3; i++)
			if (next_seq(fds[i]))
				FAIL(c, "unregister refused, but port %d got records",
				     i);
		cn_unregister(&c->env.nl, c->cid);
	}
	for (i = 0; i < 3; i++)
		if (next_seq(fds[i]) != due[i])
			FAIL(c, "port %d: %llu CLUSTER_STATE records due, %llu expected",
			     i, (unsigned long long)next_seq(fds[i]),
			     (unsigned long long)due[i]);
}

static void down_cleanup(struct fctx *c)
{
	__u32 id;

	close(c->fd);
	close(c->fd2);
	close(c->fd3);
	if (c->u32b) {
		/* take the down cluster back, then drop it */
		if (!cn_register(&c->env.nl, c->name, &id))
			cn_unregister(&c->env.nl, id);
		free(c->nl2.rxbuf);
		c->nl2.rxbuf = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* GET and read() of a pending overflow record                         */
/* ------------------------------------------------------------------ */

static void ovf_prepare(struct fctx *c)
{
	struct cn_event ev[4];
	struct cn_rec r;
	int i;

	for (i = 0; i < 4; i++)
		ev[i] = addf_events[0];
	c->fd = cn_open_port(O_NONBLOCK);
	cn_add_v1(c->fd, c->env.cid, CN_V1_GROUP_STATE, 6, 6);
	cn_param_set("max_records", 1);
	/* one queued, three lost after it; read the one */
	if (cn_post(&c->env.nl, c->env.cid, ev, 4, NULL) ||
	    cn_get_rec(c->fd, c->buf, 0, &r) || r.hdr.seq != 0)
		FAIL(c, "setting up a pending overflow record");
	cn_param_set("max_records", 4096);
}

static int ovf_get_run(struct fctx *c)
{
	__u32 size = CN_REC_BUF;

	return cn_get(c->fd, c->buf, &size, 0);
}

static int ovf_read_run(struct fctx *c)
{
	ssize_t n = read(c->fd, c->buf, CN_REC_BUF);

	return n < 0 ? -errno : 0;
}

static void ovf_check(struct fctx *c, int ret, bool injected)
{
	const struct clusnotify_record *h = (const void *)c->buf;
	struct cn_rec r;

	if (ret) {
		if (ret != -ENOMEM)
			FAIL(c, "reading the overflow record: %d", ret);
		/* nothing lost: it is still there to read */
		if (cn_get_rec(c->fd, c->buf, 0, &r))
			FAIL(c, "the overflow record is gone after ENOMEM");
		h = &r.hdr;
	}
	if (!(h->flags & CLUSNOTIFY_RECORD_F_LOST) || h->seq != 1 ||
	    h->lost != 3)
		FAIL(c, "overflow record: flags %#x seq %llu lost %llu, want seq 1 lost 3",
		     h->flags, (unsigned long long)h->seq,
		     (unsigned long long)h->lost);
}

static void ovf_cleanup(struct fctx *c)
{
	close(c->fd);
}

/* ------------------------------------------------------------------ */
/* REMOVE_FILTERS with HANDLE_CLOSE                                    */
/* ------------------------------------------------------------------ */

static void hc_prepare(struct fctx *c)
{
	c->fd = cn_open_port(0);
	if (cn_add_v1_obj(c->fd, c->env.cid, CN_V1_GROUP_STATE |
			  CN_V1_HANDLE_CLOSE, CLUSNOTIFY_OBJ_GROUP,
			  CN_GROUP1_ID, 77, 77))
		FAIL(c, "filter for the HANDLE_CLOSE test");
}

static int hc_run(struct fctx *c)
{
	return cn_remove(c->fd, 77, CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE);
}

static void hc_check(struct fctx *c, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	struct cn_rec r;

	if (ret != 1)
		FAIL(c, "REMOVE_FILTERS: %d", ret);
	cn_port_stats(c->fd, &st);
	if (st.filters)
		FAIL(c, "the filter is still there");
	if (st.next_seq != 1)
		FAIL(c, "%llu records due for one HANDLE_CLOSE",
		     (unsigned long long)st.next_seq);
	if (cn_get_rec(c->fd, c->buf, 0, &r))
		FAIL(c, "no record after REMOVE_FILTERS");
	else if (r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST)
		c->u32a++;	/* reported lost */
	else if (r.hdr.v1_change != CN_V1_HANDLE_CLOSE || r.hdr.key != 77)
		FAIL(c, "REMOVE_FILTERS queued something else than HANDLE_CLOSE");
	else if (!strcmp(r.id, CN_GROUP1_ID) && !strcmp(r.name, CN_GROUP1))
		;		/* named after its object */
	else if (!r.id[0] && !strcmp(r.name, c->env.name))
		c->u32b++;	/* no memory for its name: the cluster's */
	else
		FAIL(c, "HANDLE_CLOSE of the group's filter names id '%s' name '%s'",
		     r.id, r.name);
}

/* ------------------------------------------------------------------ */
/* close() of a port                                                   */
/* ------------------------------------------------------------------ */

static void pclose_prepare(struct fctx *c)
{
	struct clusnotify_port_stats st;

	c->fd = cn_open_port(0);
	cn_add_v1(c->fd, c->env.cid, CN_V1_ALL, 1, 1);
	cn_add_v2(c->fd, c->env.cid, CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_ALL, 1, 1);
	cn_post1(&c->env.nl, c->env.cid, &addf_events[0]);
	cn_port_stats(c->fd, &st);
	c->u64a = st.port_id;
	c->u32a = cluster_filters(c, c->env.cid);
}

static int pclose_run(struct fctx *c)
{
	return close(c->fd) ? -errno : 0;
}

static void pclose_check(struct fctx *c, int ret, bool injected)
{
	struct cn_port_desc *d = calloc(2048, sizeof(*d));
	int n = 0, i;

	if (ret)
		FAIL(c, "close: %d", ret);
	if (!d || cn_port_dump(&c->env.nl, d, 2048, &n))
		FAIL(c, "PORT_GET");
	for (i = 0; d && i < n && i < 2048; i++)
		if (d[i].id == c->u64a)
			FAIL(c, "the closed port is still listed");
	free(d);
	/* the filters go with it (freed after a grace period) */
	if (cluster_filters(c, c->env.cid) != c->u32a - 2)
		FAIL(c, "the cluster still counts the closed port's filters");
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */
/* ------------------------------------------------------------------ */

static int dump_run(struct fctx *c)
{
	struct cn_cluster_desc *d = (void *)c->buf;
	int n = 0;

	return cn_cluster_dump(&c->env.nl, d,
			       CN_REC_BUF / sizeof(*d), &n);
}

static void dump_check(struct fctx *c, int ret, bool injected)
{
	if (ret && !alloc_errno(ret))
		FAIL(c, "CLUSTER_GET dump: %d", ret);
}

/* ------------------------------------------------------------------ */
/* The tests                                                           */
/* ------------------------------------------------------------------ */

FIXTURE(fault) {
	char saved[NKNOBS][32];
	struct fctx *c;
	unsigned int max_records;
};

FIXTURE_SETUP(fault)
{
	static const char *const set[][2] = {
		{ DBG "failslab/probability", "0" },
		{ DBG "failslab/verbose", "0" },
		{ DBG "failslab/ignore-gfp-wait", "N" },
		{ DBG "failslab/cache-filter", "N" },
		{ DBG "failslab/task-filter", "Y" },
		{ DBG "failslab/space", "0" },
		{ DBG "fail_page_alloc/probability", "0" },
		{ DBG "fail_page_alloc/verbose", "0" },
		{ DBG "fail_page_alloc/ignore-gfp-wait", "N" },
		{ DBG "fail_page_alloc/min-order", "0" },
		{ DBG "fail_page_alloc/task-filter", "Y" },
		{ DBG "fail_page_alloc/space", "0" },
	};
	size_t i;

	/* Without them self->c stays NULL and the test SKIPs. */
	if (access(DBG "failslab", F_OK) || access(DBG "fail_page_alloc", F_OK))
		return;
	for (i = 0; i < NKNOBS; i++)
		ASSERT_EQ(0, read_str(knobs[i], self->saved[i],
				      sizeof(self->saved[i])));
	for (i = 0; i < CN_ARRAY_SIZE(set); i++)
		ASSERT_EQ(0, write_str(set[i][0], set[i][1]));
	ASSERT_EQ(0, cn_param_get("max_records", &self->max_records));
	self->c = calloc(1, sizeof(*self->c));
	ASSERT_NE(NULL, self->c);
	self->c->md = _metadata;
	self->c->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->c->buf);
	memset(self->c->buf, 0, CN_REC_BUF);	/* faulted in now */
	self->c->nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->c->nth_fd);
	ASSERT_EQ(0, cn_env_setup(&self->c->env, "Fault"));
	/* An answer that never comes must not hang the test. */
	setsockopt(self->c->env.nl.fd, SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ 5, 0 }, sizeof(struct timeval));
}

FIXTURE_TEARDOWN(fault)
{
	size_t i;

	if (!self->c)
		return;
	disarm_thread();
	pwrite(self->c->nth_fd, "0", 1, 0);
	for (i = 0; i < NKNOBS; i++)
		write_str(knobs[i], self->saved[i]);
	cn_param_set("max_records", self->max_records);
	cn_env_teardown(&self->c->env);
	close(self->c->nth_fd);
	free(self->c->buf);
	free(self->c);
}

/* A SKIP in the fixture's setup does not stop the test body: this does. */
#define NEED_FAULTS()							\
	do {								\
		if (!self->c)						\
			SKIP(return, "no failslab/fail_page_alloc in debugfs (the debug kernel has them)"); \
	} while (0)

#define RUN_SWEEP(op)						\
	do {							\
		sweep(self->c, &(op));				\
		if (self->c->bad)				\
			TH_LOG("%s", self->c->why);		\
		EXPECT_EQ(0, self->c->bad);			\
		EXPECT_LT(0, self->c->sites);			\
	} while (0)

TEST_F_TIMEOUT(fault, open_port, 120)
{
	static const struct op op = { "open", open_prepare, open_run,
				      open_check, open_cleanup };
	unsigned int saved;
	int held, a, b;

	NEED_FAULTS();

	RUN_SWEEP(op);
	/* The per-user budget survived every failed open. */
	held = my_ports(self->c);
	ASSERT_EQ(0, cn_param_get("max_ports", &saved));
	ASSERT_EQ(0, cn_param_set("max_ports", held + 1));
	a = cn_open_port(0);
	b = cn_open_port(0);
	cn_param_set("max_ports", saved);
	EXPECT_LE(0, a);
	EXPECT_EQ(-EMFILE, b);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

TEST_F_TIMEOUT(fault, add_filter, 120)
{
	static const struct op op = { "ADD_FILTER", addf_prepare, addf_run,
				      addf_check, addf_cleanup };

	NEED_FAULTS();

	for (addf_kind = 0; addf_kind < 3; addf_kind++)
		RUN_SWEEP(op);
}

TEST_F_TIMEOUT(fault, lookups, 120)
{
	static const struct op cl = { "CLUSTER_LOOKUP", NULL, clook_run,
				      look_check, NULL };
	static const struct op ol = { "OBJECT_LOOKUP", NULL, olook_run,
				      look_check, NULL };
	static const struct op dl = { "CLUSTER_GET dump", NULL, dump_run,
				      dump_check, NULL };

	NEED_FAULTS();

	RUN_SWEEP(cl);
	RUN_SWEEP(ol);
	RUN_SWEEP(dl);
}

TEST_F_TIMEOUT(fault, event_post, 120)
{
	static const struct op op = { "EVENT_POST", post_prepare, post_run,
				      post_check, NULL };

	NEED_FAULTS();

	ASSERT_EQ(0, cn_add_v1(self->c->env.port, self->c->env.cid, CN_V1_ALL,
			       1, 1));
	RUN_SWEEP(op);
}

TEST_F_TIMEOUT(fault, object_publish, 120)
{
	static const struct op op = { "OBJECT_PUBLISH", pub_prepare, post_run,
				      pub_check, NULL };

	NEED_FAULTS();

	pub_set_filter(self->c);
	RUN_SWEEP(op);
}

TEST_F_TIMEOUT(fault, cluster_register, 120)
{
	static const struct op op = { "CLUSTER_REGISTER", reg_prepare, reg_run,
				      reg_check, NULL };
	struct cn_cluster_desc *d = calloc(256, sizeof(*d));
	unsigned int saved;
	char name[64];
	__u32 id;
	int n = 0;

	NEED_FAULTS();

	RUN_SWEEP(op);
	/* The cluster budget survived every failed register. */
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, cn_cluster_dump(&self->c->env.nl, d, 256, &n));
	ASSERT_EQ(0, cn_param_get("max_clusters", &saved));
	ASSERT_EQ(0, cn_param_set("max_clusters", n + 1));
	cn_unique_name(name, sizeof(name), "FaultBudget");
	EXPECT_EQ(0, cn_register(&self->c->env.nl, name, &id));
	cn_param_set("max_clusters", saved);
	cn_unregister(&self->c->env.nl, id);
	free(d);
}

TEST_F_TIMEOUT(fault, cluster_unregister, 120)
{
	static const struct op op = { "CLUSTER_UNREGISTER", down_prepare,
				      down_run, down_check, down_cleanup };

	NEED_FAULTS();

	self->c->u32b = 0;
	RUN_SWEEP(op);
}

TEST_F_TIMEOUT(fault, producer_socket_close, 120)
{
	static const struct op op = { "session end", down_prepare, down_run,
				      down_check, down_cleanup };

	NEED_FAULTS();

	self->c->u32b = 1;
	RUN_SWEEP(op);
}

/*
 * Going down, with two allocations failing in a row anywhere in it: each
 * port still gets exactly the CLUSTER_STATE records it is due, none twice.
 */
TEST_F_TIMEOUT(fault, cluster_down_with_two_failures_in_a_row, 300)
{
	static const struct op unreg = { "CLUSTER_UNREGISTER", down_prepare,
					 down_run, down_check, down_cleanup };
	static const struct op end = { "session end", down_prepare, down_run,
				       down_check, down_cleanup };

	NEED_FAULTS();

	self->c->u32b = 0;
	sweep_pairs(self->c, &unreg, 128);
	if (self->c->bad)
		TH_LOG("%s", self->c->why);
	EXPECT_EQ(0, self->c->bad);
	self->c->bad = 0;
	self->c->u32b = 1;
	sweep_pairs(self->c, &end, 128);
	if (self->c->bad)
		TH_LOG("%s", self->c->why);
	EXPECT_EQ(0, self->c->bad);
}

TEST_F_TIMEOUT(fault, get_and_read_pending_overflow, 120)
{
	static const struct op get = { "GET overflow", ovf_prepare,
				       ovf_get_run, ovf_check, ovf_cleanup };
	static const struct op rd = { "read overflow", ovf_prepare,
				      ovf_read_run, ovf_check, ovf_cleanup };

	NEED_FAULTS();

	RUN_SWEEP(get);
	RUN_SWEEP(rd);
}

TEST_F_TIMEOUT(fault, remove_filters_handle_close, 120)
{
	static const struct op op = { "REMOVE_FILTERS HANDLE_CLOSE",
				      hc_prepare, hc_run, hc_check,
				      ovf_cleanup };

	NEED_FAULTS();

	self->c->u32a = 0;
	self->c->u32b = 0;
	RUN_SWEEP(op);
	ksft_print_msg("HANDLE_CLOSE under failures: %u reported lost, %u named after the cluster for want of memory\n",
		       self->c->u32a, self->c->u32b);
}

TEST_F_TIMEOUT(fault, port_close, 120)
{
	static const struct op op = { "close", pclose_prepare, pclose_run,
				      pclose_check, NULL };

	NEED_FAULTS();

	sweep(self->c, &op);
	if (self->c->bad)
		TH_LOG("%s", self->c->why);
	EXPECT_EQ(0, self->c->bad);
}

/*
 * The debugfs knobs themselves, the way an administrator would arm them:
 * this thread only (make-it-fail), 20% of its allocations, for a mixed
 * workload; then, disarmed, every port's seq must still add up.
 */
TEST_F_TIMEOUT(fault, random_failures_during_a_workload, 120)
{
	struct fctx *c = self->c;
	int ports[3], i, ok = 0, failed = 0, bad = 0;
	__u64 t0, seq[3] = { 0 };
	struct cn_rec r;

	NEED_FAULTS();

	for (i = 0; i < 3; i++) {
		ports[i] = cn_open_port(0);
		ASSERT_LE(0, ports[i]);
		ASSERT_EQ(0, cn_add_v1(ports[i], c->env.cid, CN_V1_ALL, i, i));
	}
	ASSERT_EQ(0, write_str(DBG "failslab/times", "-1"));
	ASSERT_EQ(0, write_str(DBG "fail_page_alloc/times", "-1"));
	ASSERT_EQ(0, write_str(DBG "failslab/probability", "20"));
	ASSERT_EQ(0, write_str(DBG "fail_page_alloc/probability", "20"));
	ASSERT_EQ(0, write_str("/proc/thread-self/make-it-fail", "1"));
	t0 = cn_now_ms();
	for (i = 0; cn_now_ms() - t0 < 3000; i++) {
		int ret, p = i % 3, fd;

		switch (i % 6) {
		case 0:
		case 1:
			ret = cn_post(&c->env.nl, c->env.cid, addf_events, 3,
				      NULL);
			break;
		case 2:
			ret = cn_add_v2(ports[p], c->env.cid,
					CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
					10 + p, 10 + p);
			break;
		case 3:
			ret = cn_remove(ports[p], 10 + p,
					CLUSNOTIFY_REMOVE_F_HANDLE_CLOSE);
			if (ret == -ENOENT)
				ret = 0;
			break;
		case 4:
			fd = cn_open_port(0);
			ret = fd < 0 ? fd : 0;
			if (fd >= 0)
				close(fd);
			break;
		default:
			/* read some, check seq */
			ret = cn_get_rec(ports[p], c->buf, 0, &r);
			if (!ret) {
				bad += r.hdr.seq != seq[p];
				seq[p] = r.hdr.seq + ((r.hdr.flags &
					 CLUSNOTIFY_RECORD_F_LOST) ?
					 r.hdr.lost : 1);
			} else if (ret == -ETIMEDOUT) {
				ret = 0;
			}
			break;
		}
		if (ret)
			failed++;
		else
			ok++;
	}
	disarm_thread();
	write_str(DBG "failslab/probability", "0");
	write_str(DBG "fail_page_alloc/probability", "0");
	/* Disarmed: drain, and seq must add up on every port. */
	for (i = 0; i < 3; i++) {
		cn_post1(&c->env.nl, c->env.cid, &addf_events[0]);
		while (!cn_get_rec(ports[i], c->buf, 0, &r)) {
			bad += r.hdr.seq != seq[i];
			seq[i] = r.hdr.seq + ((r.hdr.flags &
				 CLUSNOTIFY_RECORD_F_LOST) ? r.hdr.lost : 1);
		}
		EXPECT_EQ(seq[i], next_seq(ports[i]));
		close(ports[i]);
	}
	ksft_print_msg("random failures: %d operations succeeded, %d failed; seq breaks %d\n",
		       ok, failed, bad);
	EXPECT_EQ(0, bad);
	EXPECT_LT(0, failed);
}

TEST_HARNESS_MAIN
