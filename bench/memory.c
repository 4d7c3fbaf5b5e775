// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench memory: kernel memory per cluster, object, port, filter and
 * queued record, from the kernel's own accounting, with the baselines'
 * equivalents beside them.
 *
 * How: the benchmark moves itself into a cgroup v2 memory cgroup of its
 * own (mounting cgroup2 on /sys/fs/cgroup if nothing is there), makes many
 * objects of one kind and divides the growth of the cgroup's memory.stat
 * slab_unreclaimable by their number. That figure is exact to the byte:
 * slab memory is accounted per object (the module allocates with
 * GFP_KERNEL_ACCOUNT, and a record is charged to its port owner's cgroup,
 * whoever posts it). A pipe's buffers are pages: for those, "kernel" less
 * the slab. Before each step, what the previous one freed is let go (an
 * RCU grace period and a pause). The producer's netlink socket is opened
 * before joining the cgroup, so its buffers are not counted; payloads are
 * charged to the producer, here the same cgroup: "own payload" is a record
 * of an event that reached one port, "shared payload" one of an event that
 * reached every one of P ports (its payload divided among them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cnbench.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_DIR CG_ROOT "/cnbench-memory"
#define INO_DIR "/tmp/cnbench-meminotify"

struct snap {
	double slab;		/* bytes */
	double kernel;		/* bytes */
};

static int file_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

static double stat_field(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	double v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		bench_fail("memory: open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			v = strtod(line + klen + 1, NULL);
			break;
		}
	fclose(f);
	if (v < 0)
		bench_fail("memory: no %s in %s", key, path);
	return v;
}

/*
 * Let what earlier steps freed go first: ports and filters are freed after
 * an RCU grace period (membarrier(GLOBAL) waits for one), kfree_rcu()
 * batches a little longer.
 */
static void settle(void)
{
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	sleep_us(100000);
}

static void snap_take(struct snap *s)
{
	s->slab = stat_field(CG_DIR "/memory.stat", "slab_unreclaimable");
	s->kernel = stat_field(CG_DIR "/memory.stat", "kernel");
}

/* Bytes per object since s0: slab, or (pipes) kernel pages less slab. */
static void snap_emit(const char *what, const struct snap *s0, long n,
		      bool pages)
{
	struct snap s1;
	struct stat3 st;

	snap_take(&s1);
	st.med = st.min = st.max = pages ?
		(s1.kernel - s1.slab - (s0->kernel - s0->slab)) / n :
		(s1.slab - s0->slab) / n;
	emit_data("memory", what, 0, "bytes", st);
	st.med = st.min = st.max = n;
	emit_data("memory", what, 0, "count", st);
}

static void cg_enter(void)
{
	char pid[32];

	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CG_ROOT, "cgroup2", 0, NULL))
		bench_fail("memory: mount cgroup2: %s", strerror(errno));
	file_write(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CG_DIR, 0755) && errno != EEXIST)
		bench_fail("memory: mkdir %s: %s", CG_DIR, strerror(errno));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	bench_check(file_write(CG_DIR "/cgroup.procs", pid),
		    "memory: join the cgroup");
}

static void cg_leave(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	file_write(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG_DIR);
}

/* The cn_rec slab cache as /proc/slabinfo shows it, if it does. */
static void slabinfo_info(void)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long active, num, objsize, perslab;

		if (strncmp(line, "cn_rec ", 7))
			continue;
		if (sscanf(line + 7, "%lu %lu %lu %lu", &active, &num,
			   &objsize, &perslab) == 4)
			emit_info("slabinfo", "cn_rec objsize %lu bytes, %lu per slab",
				  objsize, perslab);
	}
	fclose(f);
}

static void module_memory(long P, long K, long K1, long nobj)
{
	static const uint32_t state = CN_GROUP_ONLINE;
	struct cn_obj_desc *objs;
	struct post_msg pm;
	struct poster po;
	struct cn_event ev;
	struct snap s0;
	uint32_t cids[16], cid;
	char name[64], (*ids)[32];
	int *fds, one;
	long i;

	bench_check(poster_open(&po), "memory: netlink");
	cg_enter();

	settle();
	snap_take(&s0);
	for (i = 0; i < 16; i++) {
		cn_unique_name(name, sizeof(name), "memory");
		bench_check(cn_register(&po.nl, name, &cids[i]),
			    "memory: register");
	}
	snap_emit("cn-cluster", &s0, 16, false);

	objs = calloc(nobj, sizeof(*objs));
	ids = calloc(nobj, sizeof(*ids));
	if (!objs || !ids)
		bench_fail("out of memory");
	for (i = 0; i < nobj; i++) {
		snprintf(ids[i], sizeof(ids[i]), "res-%08ld-0000-4c1a-9f00", i);
		objs[i].type = CLUSNOTIFY_OBJ_RESOURCE;
		objs[i].id = ids[i];
		objs[i].name = ids[i];
		objs[i].parent = "7d1c5f5e-0001-4c1a-9f00-000000000000";
		objs[i].type_name = "IP Address";
	}
	snap_take(&s0);
	for (i = 0; i < nobj; i += 256)
		bench_check(cn_publish(&po.nl, cids[0], objs + i,
				       nobj - i < 256 ? nobj - i : 256),
			    "memory: publish");
	snap_emit("cn-object", &s0, nobj, false);
	free(objs);
	free(ids);
	for (i = 0; i < 16; i++)
		cn_unregister(&po.nl, cids[i]);
	settle();

	bench_check(poster_cluster(&po, "memory", &cid, name, sizeof(name)),
		    "memory: cluster");
	event_group_state(&ev, 0, &state, sizeof(state));
	bench_check(post_msg_build(&pm, &po, cid, &ev, 1), "memory: build");
	fds = calloc(P, sizeof(*fds));
	if (!fds)
		bench_fail("out of memory");
	/* Grow the descriptor table first: it is charged too. */
	one = dup2(0, P + 64);
	close(one);

	/* One port: every record has its own payload. */
	fds[0] = cn_open_port(O_NONBLOCK);
	if (fds[0] < 0)
		bench_fail("memory: open port: %s", strerror(-fds[0]));
	bench_check(cn_add_v2(fds[0], cid, CLUSNOTIFY_OBJ_GROUP,
			      CN_V2_GROUP_STATE, 0, 0), "memory: filter");
	settle();
	snap_take(&s0);
	for (i = 0; i < K1; i++)
		bench_check(post_msg_send(&po, &pm, NULL, NULL),
			    "memory: post");
	snap_emit("cn-record-own-payload", &s0, K1, false);
	if (cn_drain(fds[0]) != K1)
		bench_fail("memory: the port did not hold %ld records", K1);
	close(fds[0]);

	settle();
	snap_take(&s0);
	for (i = 0; i < P; i++) {
		fds[i] = cn_open_port(O_NONBLOCK);
		if (fds[i] < 0)
			bench_fail("memory: open port: %s", strerror(-fds[i]));
	}
	snap_emit("cn-port", &s0, P, false);

	snap_take(&s0);
	for (i = 0; i < P; i++)
		bench_check(cn_add_v2(fds[i], cid, CLUSNOTIFY_OBJ_GROUP,
				      CN_V2_GROUP_STATE, i, i),
			    "memory: filter");
	snap_emit("cn-filter", &s0, P, false);

	snap_take(&s0);
	for (i = 0; i < P; i++)
		bench_check(cn_add_v1(fds[i], cid, CN_V1_NODE_STATE |
				      CN_V1_NODE_PROPERTY, i, i),
			    "memory: filter");
	snap_emit("cn-filter-2-kinds", &s0, P, false);

	snap_take(&s0);
	for (i = 0; i < K; i++) {
		uint64_t queued;

		bench_check(post_msg_send(&po, &pm, &queued, NULL),
			    "memory: post");
		if ((long)queued != P)
			bench_fail("memory: a post queued %llu records, not %ld",
				   (unsigned long long)queued, P);
	}
	snap_emit("cn-record-shared-payload", &s0, K * P, false);
	slabinfo_info();

	for (i = 0; i < P; i++)
		close(fds[i]);
	free(fds);
	post_msg_free(&pm);
	cn_unregister(&po.nl, cid);
	poster_close(&po);
	settle();
	cg_leave();
}

static void baseline_memory(long P, long K)
{
	char rec[512] __attribute__((aligned(8)));
	long nsock = P / 4, nmsg = K, i, j;
	int (*sp)[2], *ino;
	struct cn_event ev;
	struct snap s0;
	size_t rsize;
	uint32_t state = 0;

	event_group_state(&ev, 0, &state, sizeof(state));
	rsize = record_build(rec, &ev, 0, 1, 1, 0);
	sp = calloc(nsock, sizeof(*sp));
	ino = calloc(nsock, sizeof(*ino));
	if (!sp || !ino)
		bench_fail("out of memory");
	cg_enter();

	settle();
	snap_take(&s0);
	for (i = 0; i < nsock; i++)
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp[i]))
			bench_fail("memory: socketpair: %s", strerror(errno));
	snap_emit("broker-connection", &s0, nsock, false);
	snap_take(&s0);
	for (i = 0; i < nsock; i++)
		for (j = 0; j < nmsg; j++)
			if (send(sp[i][0], rec, rsize, MSG_DONTWAIT) !=
			    (ssize_t)rsize)
				bench_fail("memory: send: %s", strerror(errno));
	snap_emit("broker-message", &s0, nsock * nmsg, false);
	for (i = 0; i < nsock; i++) {
		close(sp[i][0]);
		close(sp[i][1]);
	}

	settle();
	snap_take(&s0);
	for (i = 0; i < nsock; i++)
		if (pipe2(sp[i], O_CLOEXEC | O_NONBLOCK))
			bench_fail("memory: pipe2: %s", strerror(errno));
	snap_emit("pipe", &s0, nsock, false);
	snap_take(&s0);
	for (i = 0; i < nsock; i++)
		for (j = 0; j < nmsg; j++)
			if (write(sp[i][1], rec, rsize) != (ssize_t)rsize)
				bench_fail("memory: pipe write: %s",
					   strerror(errno));
	snap_emit("pipe-message", &s0, nsock * nmsg, true);
	for (i = 0; i < nsock; i++) {
		close(sp[i][0]);
		close(sp[i][1]);
	}

	/* fs.inotify.max_user_instances is 128 by default. */
	if (nsock > 100)
		nsock = 100;
	mkdir(INO_DIR, 0700);
	settle();
	snap_take(&s0);
	for (i = 0; i < nsock; i++) {
		ino[i] = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ino[i] < 0 || inotify_add_watch(ino[i], INO_DIR,
						    IN_CREATE) < 0)
			bench_fail("memory: inotify: %s", strerror(errno));
	}
	snap_emit("inotify-instance", &s0, nsock, false);
	snap_take(&s0);
	for (j = 0; j < nmsg; j++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), INO_DIR "/%040ld", j);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			bench_fail("memory: create: %s", strerror(errno));
		close(fd);
	}
	snap_emit("inotify-event", &s0, nsock * nmsg, false);
	for (i = 0; i < nsock; i++)
		close(ino[i]);
	for (j = 0; j < nmsg; j++) {
		char path[128];

		snprintf(path, sizeof(path), INO_DIR "/%040ld", j);
		unlink(path);
	}
	rmdir(INO_DIR);
	free(sp);
	free(ino);
	cg_leave();
}

int bench_memory(void)
{
	long P = opts.tiny ? 64 : 2000;
	unsigned int old_ports = 1024;

	raise_nofile(P + 4096);
	cn_param_get("max_ports", &old_ports);
	if (old_ports < P + 64)
		bench_check(param_write("max_ports", P + 64),
			    "memory: raise max_ports");
	module_memory(P, opts.tiny ? 2 : 4, opts.tiny ? 64 : 2000,
		      opts.tiny ? 256 : 4096);
	param_write("max_ports", old_ports);
	baseline_memory(P, opts.tiny ? 8 : 100);
	return 0;
}
