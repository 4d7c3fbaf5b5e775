// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify sim (tools/sim*.c) against the real module, checked by real
 * consumers: a V2 port with one filter per object type (registry with
 * SUBTREE) and a V1 port with every bit. The scripted day must deliver,
 * in order and with every field, exactly what the simulator's dry run
 * lists (which the day's own facts are checked against too: node2's
 * states, the failovers, a group added then deleted, the restart), and
 * leave the directory in the day's final state. The random mode must post
 * exactly --events N and replay the same story for the same seed. Then
 * the error paths: bad options, an unknown script, no consumer to wait
 * for, no privilege, no module.
 *
 * The consumers' filters exist before the simulator starts: the test
 * registers the cluster itself, adds its filters and closes its session,
 * so the cluster is down and the simulator's registration is a reconnect
 * (the ports hear CLUSTER_STATE, then CLUSTER_RECONNECT, then the day).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clusapi_linux.h>
#include "cn_util.h"
#include "kselftest_harness.h"

#define MAX_LINES 4096
#define LINE_MAX_LEN 512
#define OUT_MAX (1024 * 1024)

/* ------------------------------------------------------------------ */
/* Names, as the simulator prints them (an independent table)          */
/* ------------------------------------------------------------------ */

static const char *type_str(__u32 t)
{
	switch (t) {
	case CLUSNOTIFY_OBJ_CLUSTER: return "CLUSTER";
	case CLUSNOTIFY_OBJ_GROUP: return "GROUP";
	case CLUSNOTIFY_OBJ_RESOURCE: return "RESOURCE";
	case CLUSNOTIFY_OBJ_RESOURCE_TYPE: return "RESOURCE_TYPE";
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE: return "NETINTERFACE";
	case CLUSNOTIFY_OBJ_NETWORK: return "NETWORK";
	case CLUSNOTIFY_OBJ_NODE: return "NODE";
	case CLUSNOTIFY_OBJ_REGISTRY: return "REGISTRY";
	}
	return "?";
}

/* CLUSTER_CHANGE_<TYPE>_<NAME>_V2, from the SDK's clusapi.h. */
static const char *v2_str(__u32 t, __u64 f)
{
	static const char *const cluster[13] = {
		"RECONNECT_V2", "STATE_V2", "GROUP_ADDED_V2", "HANDLE_CLOSE_V2",
		"NETWORK_ADDED_V2", "NODE_ADDED_V2", "RESOURCE_TYPE_ADDED_V2",
		"COMMON_PROPERTY_V2", "PRIVATE_PROPERTY_V2",
		"LOST_NOTIFICATIONS_V2", "RENAME_V2", "MEMBERSHIP_V2",
		"UPGRADED_V2" };
	static const char *const group[10] = {
		"DELETED_V2", "COMMON_PROPERTY_V2", "PRIVATE_PROPERTY_V2",
		"STATE_V2", "OWNER_NODE_V2", "PREFERRED_OWNERS_V2",
		"RESOURCE_ADDED_V2", "RESOURCE_GAINED_V2", "RESOURCE_LOST_V2",
		"HANDLE_CLOSE_V2" };
	static const char *const resource[11] = {
		"COMMON_PROPERTY_V2", "PRIVATE_PROPERTY_V2", "STATE_V2",
		"OWNER_GROUP_V2", "DEPENDENCIES_V2", "DEPENDENTS_V2",
		"POSSIBLE_OWNERS_V2", "DELETED_V2", "DLL_UPGRADED_V2",
		"HANDLE_CLOSE_V2", "TERMINAL_STATE_V2" };
	static const char *const restype[6] = {
		"DELETED_V2", "COMMON_PROPERTY_V2", "PRIVATE_PROPERTY_V2",
		"POSSIBLE_OWNERS_V2", "DLL_UPGRADED_V2", "SPECIFIC_V2" };
	static const char *const net[5] = {
		"DELETED_V2", "COMMON_PROPERTY_V2", "PRIVATE_PROPERTY_V2",
		"STATE_V2", "HANDLE_CLOSE_V2" };
	static const char *const node[8] = {
		"NETINTERFACE_ADDED_V2", "DELETED_V2", "COMMON_PROPERTY_V2",
		"PRIVATE_PROPERTY_V2", "STATE_V2", "GROUP_GAINED_V2",
		"GROUP_LOST_V2", "HANDLE_CLOSE_V2" };
	static const char *const reg[5] = {
		"ATTRIBUTES_V2", "NAME_V2", "SUBTREE_V2", "VALUE_V2",
		"HANDLE_CLOSE_V2" };
	const char *const *names;
	unsigned int n, bit;

	static const struct {
		const char *const *names;
		unsigned int n;
	} types[] = {
		[CLUSNOTIFY_OBJ_CLUSTER] = { cluster, 13 },
		[CLUSNOTIFY_OBJ_GROUP] = { group, 10 },
		[CLUSNOTIFY_OBJ_RESOURCE] = { resource, 11 },
		[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = { restype, 6 },
		[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = { net, 5 },
		[CLUSNOTIFY_OBJ_NETWORK] = { net, 5 },
		[CLUSNOTIFY_OBJ_NODE] = { node, 8 },
		[CLUSNOTIFY_OBJ_REGISTRY] = { reg, 5 },
	};

	if (t >= CN_ARRAY_SIZE(types) || !types[t].names)
		return "?";
	names = types[t].names;
	n = types[t].n;
	if (!f || (f & (f - 1)))
		return "?";
	bit = __builtin_ctzll(f);
	return bit < n ? names[bit] : "?";
}

static const char *v1_str(__u32 b)
{
	static const char *const names[32] = {
		"NODE_STATE", "NODE_DELETED", "NODE_ADDED", "NODE_PROPERTY",
		"REGISTRY_NAME", "REGISTRY_ATTRIBUTES", "REGISTRY_VALUE",
		"REGISTRY_SUBTREE", "RESOURCE_STATE", "RESOURCE_DELETED",
		"RESOURCE_ADDED", "RESOURCE_PROPERTY", "GROUP_STATE",
		"GROUP_DELETED", "GROUP_ADDED", "GROUP_PROPERTY",
		"RESOURCE_TYPE_DELETED", "RESOURCE_TYPE_ADDED",
		"RESOURCE_TYPE_PROPERTY", "CLUSTER_RECONNECT", "NETWORK_STATE",
		"NETWORK_DELETED", "NETWORK_ADDED", "NETWORK_PROPERTY",
		"NETINTERFACE_STATE", "NETINTERFACE_DELETED",
		"NETINTERFACE_ADDED", "NETINTERFACE_PROPERTY", "QUORUM_STATE",
		"CLUSTER_STATE", "CLUSTER_PROPERTY", "HANDLE_CLOSE" };

	return b && !(b & (b - 1)) ? names[__builtin_ctz(b)] : "-";
}

/* The Windows state enums (CLUSTER_NODE_STATE and friends). */
static const char *state_str(__u32 t, __u32 s)
{
	static const char *const node[] = { "Up", "Down", "Paused", "Joining" };
	static const char *const group[] = { "Online", "Offline", "Failed",
					     "PartialOnline", "Pending" };
	static const char *const net[] = { "Unavailable", "Down",
					   "Partitioned", "Up" };
	static const char *const netif[] = { "Unavailable", "Failed",
					     "Unreachable", "Up" };

	if (s == CLUSNOTIFY_STATE_UNKNOWN)
		return "-";
	switch (t) {
	case CLUSNOTIFY_OBJ_CLUSTER:
		return s ? "up" : "down";
	case CLUSNOTIFY_OBJ_NODE:
		return s < 4 ? node[s] : "?";
	case CLUSNOTIFY_OBJ_GROUP:
		return s < 5 ? group[s] : "?";
	case CLUSNOTIFY_OBJ_NETWORK:
		return s < 4 ? net[s] : "?";
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		return s < 4 ? netif[s] : "?";
	case CLUSNOTIFY_OBJ_RESOURCE:
		switch (s) {
		case 2: return "Online";
		case 3: return "Offline";
		case 4: return "Failed";
		case 129: return "OnlinePending";
		case 130: return "OfflinePending";
		}
	}
	return "?";
}

/* A record in the simulator's --verbose line format. */
static void fmt_rec(const struct cn_rec *r, int v1_port, char *buf,
		    size_t len)
{
	__u32 t = r->hdr.object_type;

	if (v1_port)
		snprintf(buf, len, "v1=%s name=\"%s\"",
			 v1_str(r->hdr.v1_change), r->name);
	else
		snprintf(buf, len,
			 "%s %s v1=%s name=\"%s\" id=%s parent=%s state=%s",
			 type_str(t), v2_str(t, r->hdr.v2_flag),
			 v1_str(r->hdr.v1_change), r->name,
			 *r->id ? r->id : "-", *r->parent ? r->parent : "-",
			 state_str(t, r->hdr.state));
}

/* ------------------------------------------------------------------ */
/* Running the simulator                                               */
/* ------------------------------------------------------------------ */

struct run {
	int status;		/* exit status, or 128 + signal */
	char *out;
	char *err;
};

static void sim_path(char *buf, size_t len)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = 0;
	snprintf(buf, len, "%s/clusnotify", dirname(self));
}

static char *slurp(FILE *f)
{
	char *buf = calloc(1, OUT_MAX + 1);
	size_t n;

	if (!buf)
		return NULL;
	rewind(f);
	n = fread(buf, 1, OUT_MAX, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/*
 * Run "clusnotify sim ARGS..." (NULL-terminated), optionally as uid; its
 * stdout and stderr are kept apart.
 */
static int run_sim_as(struct run *r, uid_t uid, const char *arg, ...)
{
	const char *argv[64];
	char path[600];
	FILE *o = tmpfile(), *e = tmpfile();
	va_list ap;
	int n = 0, st;
	pid_t pid;

	if (!o || !e)
		return -errno;
	sim_path(path, sizeof(path));
	argv[n++] = path;
	argv[n++] = "sim";
	va_start(ap, arg);
	for (; arg && n < 63; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		if (uid && cn_become(uid, uid))
			_exit(126);
		execv(path, (char **)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(o);
	r->err = slurp(e);
	return r->out && r->err ? 0 : -ENOMEM;
}

#define run_sim(r, ...) run_sim_as((r), 0, __VA_ARGS__, (const char *)NULL)

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/*
 * The event lines of --dry-run/--verbose output, without their
 * indentation and "event "/"module " word; kernel[i] says which were
 * "module" lines. Returns the number of lines.
 */
static int event_lines(const char *out, char (*lines)[LINE_MAX_LEN],
		       int *kernel)
{
	const char *p = out;
	int n = 0;

	while (*p && n < MAX_LINES) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int skip = 0;

		if (!strncmp(p, "  event ", 8))
			skip = 8;
		else if (!strncmp(p, "  module ", 9))
			skip = 9;
		if (skip && len - skip < LINE_MAX_LEN) {
			memcpy(lines[n], p + skip, len - skip);
			lines[n][len - skip] = 0;
			kernel[n++] = skip == 9;
		}
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* The consumers                                                       */
/* ------------------------------------------------------------------ */

static const __u32 v2_types[] = {
	CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_OBJ_RESOURCE,
	CLUSNOTIFY_OBJ_RESOURCE_TYPE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_OBJ_REGISTRY,
};

static const __u64 v2_all[] = {
	CN_V2_CLUSTER_ALL, CN_V2_GROUP_ALL, CN_V2_RESOURCE_ALL,
	CN_V2_RESOURCE_TYPE_ALL, CN_V2_NETINTERFACE_ALL, CN_V2_NETWORK_ALL,
	CN_V2_NODE_ALL, CN_V2_REGISTRY_ALL,
};

struct consumers {
	char name[64];
	__u32 cid;
	int v2, v1;
};

/*
 * Register the cluster, give it a V2 port (every type, the registry with
 * SUBTREE: the whole database) and a V1 port (every bit), and end the
 * session: the cluster is down, the filters stay.
 */
static int consumers_setup(struct consumers *c, const char *tag)
{
	clusnotify_producer *p;
	size_t i;
	int ret;

	cn_unique_name(c->name, sizeof(c->name), tag);
	c->v1 = c->v2 = -1;
	ret = clusnotify_producer_open(&p);
	if (ret)
		return ret;
	ret = clusnotify_cluster_register(p, c->name, NULL, &c->cid);
	if (!ret) {
		c->v2 = cn_open_port(0);
		c->v1 = cn_open_port(0);
		ret = c->v2 < 0 ? c->v2 : c->v1 < 0 ? c->v1 : 0;
	}
	for (i = 0; !ret && i < CN_ARRAY_SIZE(v2_types); i++)
		ret = cn_add_v2(c->v2, c->cid, v2_types[i], v2_all[i],
				v2_types[i], 1);
	if (!ret)
		ret = cn_add_v1(c->v1, c->cid, CN_V1_ALL, 1, 1);
	clusnotify_producer_close(p);
	return ret;
}

/* Bring the cluster back in a session of our own, and unregister it. */
static void consumers_teardown(struct consumers *c)
{
	clusnotify_producer *p;
	__u32 id;

	if (c->v2 >= 0)
		close(c->v2);
	if (c->v1 >= 0)
		close(c->v1);
	if (clusnotify_producer_open(&p))
		return;
	if (!clusnotify_cluster_register(p, c->name, NULL, &id))
		clusnotify_cluster_unregister(p, id);
	clusnotify_producer_close(p);
}

/*
 * Every record waiting on fd, formatted; checks that seq has no gap and
 * nothing was lost. Returns the count, or -1.
 */
static int read_all(int fd, int v1_port, char (*lines)[LINE_MAX_LEN],
		    int *kernel, void *buf)
{
	struct cn_rec r;
	__u64 seq = 0;
	int n = 0, ret;

	while ((ret = cn_get_rec(fd, buf, 0, &r)) == 0) {
		if (n && r.hdr.seq != seq + 1)
			return -1;
		if (r.hdr.flags & CLUSNOTIFY_RECORD_F_LOST || n >= MAX_LINES)
			return -1;
		seq = r.hdr.seq;
		fmt_rec(&r, v1_port, lines[n], LINE_MAX_LEN);
		kernel[n++] = !!(r.hdr.flags & CLUSNOTIFY_RECORD_F_KERNEL);
	}
	return ret == -ETIMEDOUT ? n : -1;
}

FIXTURE(sim) {
	char (*exp)[LINE_MAX_LEN];
	char (*got)[LINE_MAX_LEN];
	int *exp_k, *got_k;
	void *buf;
};

FIXTURE_SETUP(sim)
{
	char path[600];

	sim_path(path, sizeof(path));
	if (access(path, X_OK))
		SKIP(return, "%s not present", path);
	self->exp = calloc(MAX_LINES, LINE_MAX_LEN);
	self->got = calloc(MAX_LINES, LINE_MAX_LEN);
	self->exp_k = calloc(MAX_LINES, sizeof(int));
	self->got_k = calloc(MAX_LINES, sizeof(int));
	self->buf = malloc(CN_REC_BUF);
	ASSERT_NE(NULL, self->exp);
	ASSERT_NE(NULL, self->got);
	ASSERT_NE(NULL, self->exp_k);
	ASSERT_NE(NULL, self->got_k);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(sim)
{
	free(self->exp);
	free(self->got);
	free(self->exp_k);
	free(self->got_k);
	free(self->buf);
}

/* Final states of the day, read back from the module's directory. */
struct final {
	int objects, nodes_up, groups_online, groups, res_online, res;
	int print_server;
	char sql_owner[16], fs_owner[16];
};

static int final_cb(const struct clusnotify_object_entry *o, void *arg)
{
	struct final *f = arg;

	f->objects++;
	switch (o->type) {
	case CLUSNOTIFY_OBJ_NODE:
		f->nodes_up += o->state == CN_NODE_UP;
		break;
	case CLUSNOTIFY_OBJ_GROUP:
		f->groups++;
		f->groups_online += o->state == CN_GROUP_ONLINE;
		f->print_server += !strcmp(o->name, "PrintServer-01");
		if (!strcmp(o->name, "SQL Server (MSSQLSERVER)"))
			snprintf(f->sql_owner, sizeof(f->sql_owner), "%s",
				 o->parent);
		if (!strcmp(o->name, "FileServer-01"))
			snprintf(f->fs_owner, sizeof(f->fs_owner), "%s",
				 o->parent);
		break;
	case CLUSNOTIFY_OBJ_RESOURCE:
		f->res++;
		f->res_online += o->state == CN_RESOURCE_ONLINE;
		break;
	}
	return 0;
}

struct prop_find {
	const char *name;
	__u32 value;
	int found;
};

static int prop_cb(const struct clusnotify_prop *p, void *arg)
{
	struct prop_find *f = arg;

	if (!strcmp(p->name, f->name) && p->value_len == 4) {
		memcpy(&f->value, p->value, 4);
		f->found = 1;
	}
	return 0;
}

/*
 * The day: every event of the dry run reaches the V2 port in order with
 * every field, and the V1 port with its V1 bit; the day's facts hold; the
 * directory ends in the day's final state.
 */
TEST_F_TIMEOUT(sim, day_delivers_every_event_in_order, 240)
{
	struct consumers c;
	struct run dry, live;
	clusnotify_producer *p;
	struct final f = { 0 };
	int nexp, ngot, i, j, nv1;
	static const char *const node2[] = { "Joining", "Up", "Down",
					     "Joining", "Up" };
	int k2 = 0, added = 0, deleted = 0, down_at = -1, up_at = -1;
	int paused_at = -1;
	char want[64];

	ASSERT_EQ(0, consumers_setup(&c, "SimDay"));
	ASSERT_EQ(0, run_sim(&dry, "--script", "day", "--cluster", c.name,
			     "--dry-run"));
	ASSERT_EQ(0, dry.status);
	nexp = event_lines(dry.out, self->exp, self->exp_k);
	ASSERT_LT(150, nexp);

	ASSERT_EQ(0, run_sim(&live, "--script", "day", "--cluster", c.name,
			     "--pace", "0", "--keep", "--wait-ports", "2",
			     "--wait-timeout", "20"));
	if (*live.err)
		TH_LOG("stderr: %s", live.err);
	ASSERT_EQ(0, live.status);
	EXPECT_NE(NULL, strstr(live.out, "matches the model"));
	EXPECT_NE(NULL, strstr(live.out, "2 notification ports are listening"));

	/* Our own session's end, then the simulator's registration. */
	ngot = read_all(c.v2, 0, self->got, self->got_k, self->buf);
	ASSERT_EQ(nexp + 2, ngot);
	EXPECT_EQ(0, strncmp(self->got[0], "CLUSTER STATE_V2 ", 17));
	EXPECT_EQ(0, strncmp(self->got[1], "CLUSTER RECONNECT_V2 ", 21));
	for (i = 0; i < nexp; i++) {
		EXPECT_STREQ(self->exp[i], self->got[i + 2]);
		EXPECT_EQ(self->exp_k[i], self->got_k[i + 2]);
	}

	/* The day's facts, independently of the dry run. */
	for (i = 2; i < ngot; i++) {
		const char *l = self->got[i];

		if (!strncmp(l, "NODE STATE_V2 ", 14) &&
		    strstr(l, "name=\"node2\"")) {
			ASSERT_GT(5, k2);
			EXPECT_NE(NULL, strstr(l, node2[k2]));
			k2++;
		}
		if (!strncmp(l, "CLUSTER GROUP_ADDED_V2 ", 23) &&
		    strstr(l, "\"PrintServer-01\""))
			added = i;
		if (!strncmp(l, "GROUP DELETED_V2 ", 17) &&
		    strstr(l, "\"PrintServer-01\""))
			deleted = i;
		if (!strncmp(l, "CLUSTER STATE_V2 ", 17) && down_at < 0)
			down_at = i;
		if (!strncmp(l, "CLUSTER RECONNECT_V2 ", 21))
			up_at = i;
		if (strstr(l, "NODE STATE_V2 v1=NODE_STATE name=\"node3\"") &&
		    strstr(l, "state=Paused") && self->got_k[i])
			paused_at = i;
	}
	EXPECT_EQ(5, k2);
	EXPECT_LT(0, added);
	EXPECT_LT(added, deleted);
	EXPECT_LT(deleted, down_at);
	EXPECT_EQ(down_at + 1, up_at);
	EXPECT_EQ(up_at + 1, paused_at);
	EXPECT_EQ(0, strncmp(self->got[ngot - 1], "CLUSTER STATE_V2 ", 17));

	/* The V1 port: one record per event with a V1 bit, in order. */
	nv1 = read_all(c.v1, 1, self->got, self->got_k, self->buf);
	for (i = 0, j = 2; i < nexp; i++) {
		char want[LINE_MAX_LEN], *v1 = strstr(self->exp[i], "v1=");
		char *end = v1 ? strstr(v1, " id=") : NULL;

		if (!v1 || !end || !strncmp(v1, "v1=- ", 5))
			continue;
		snprintf(want, sizeof(want), "%.*s", (int)(end - v1), v1);
		ASSERT_GT(nv1, j);
		EXPECT_STREQ(want, self->got[j]);
		j++;
	}
	EXPECT_EQ(nv1, j);

	/* The directory holds the evening's cluster. */
	ASSERT_EQ(0, clusnotify_producer_open(&p));
	ASSERT_EQ(0, clusnotify_objects_list(p, c.cid, final_cb, &f));
	clusnotify_producer_close(p);
	EXPECT_EQ(3, f.nodes_up);
	EXPECT_EQ(4, f.groups);
	EXPECT_EQ(4, f.groups_online);
	EXPECT_EQ(13, f.res);
	EXPECT_EQ(13, f.res_online);
	EXPECT_EQ(0, f.print_server);
	EXPECT_STREQ("2", f.sql_owner);
	EXPECT_STREQ("3", f.fs_owner);
	snprintf(want, sizeof(want), "matches the model (%d objects)",
		 f.objects);
	EXPECT_NE(NULL, strstr(live.out, want));
	run_free(&dry);
	run_free(&live);
	consumers_teardown(&c);
}

/* Payloads: a state is one DWORD, a property change a property list. */
TEST_F_TIMEOUT(sim, day_payloads_are_windows_shaped, 240)
{
	struct prop_find pf = { .name = "RestartThreshold" };
	struct consumers c;
	struct run live;
	struct cn_rec r;
	int states = 0, props = 0, ret;

	ASSERT_EQ(0, consumers_setup(&c, "SimPay"));
	ASSERT_EQ(0, run_sim(&live, "--script", "day", "--cluster", c.name,
			     "--pace", "0", "--wait-ports", "2"));
	ASSERT_EQ(0, live.status);
	while ((ret = cn_get_rec(c.v2, self->buf, 0, &r)) == 0) {
		if (r.hdr.object_type == CLUSNOTIFY_OBJ_GROUP &&
		    r.hdr.v2_flag == CN_V2_GROUP_STATE) {
			__u32 v;

			ASSERT_EQ(4, r.hdr.payload_len);
			memcpy(&v, r.payload, 4);
			EXPECT_EQ(r.hdr.state, v);
			states++;
		}
		if (r.hdr.object_type == CLUSNOTIFY_OBJ_RESOURCE &&
		    r.hdr.v2_flag == CN_V2_RESOURCE_COMMON_PROPERTY) {
			ASSERT_EQ(0, clusnotify_proplist_parse(r.payload,
							       r.hdr.payload_len,
							       prop_cb, &pf));
			props++;
		}
	}
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_LT(10, states);
	EXPECT_EQ(1, props);
	EXPECT_EQ(1, pf.found);
	EXPECT_EQ(5, pf.value);
	run_free(&live);
	consumers_teardown(&c);
}

/* Replace every occurrence of name in line by '*'s. */
static void mask(char *line, const char *name)
{
	char *at;

	while ((at = strstr(line, name)))
		memset(at, '*', strlen(name));
}

/*
 * The posted events of a random run (not the module's own records), the
 * cluster's name masked; name gets the cluster's name. -1 on failure.
 */
static int random_run(struct __test_metadata *_metadata,
		      FIXTURE_DATA(sim) * self, const char *seed,
		      char (*lines)[LINE_MAX_LEN], char *name)
{
	struct consumers c;
	struct run live;
	int n, i, k = 0;

	if (consumers_setup(&c, "SimRnd"))
		return -1;
	strcpy(name, c.name);
	if (run_sim(&live, "--random", "--events", "150", "--seed", seed,
		    "--rate", "0", "--nodes", "4", "--cluster", c.name,
		    "--wait-ports", "2"))
		return -1;
	if (*live.err)
		TH_LOG("stderr: %s", live.err);
	n = live.status ? -1 : read_all(c.v2, 0, self->got, self->got_k,
					 self->buf);
	if (!strstr(live.out, "150 events posted: "))
		n = -1;
	for (i = 0; i < n; i++) {
		if (self->got_k[i])
			continue;
		mask(self->got[i], c.name);
		memcpy(lines[k++], self->got[i], LINE_MAX_LEN);
	}
	run_free(&live);
	consumers_teardown(&c);
	return n < 0 ? -1 : k;
}

TEST_F_TIMEOUT(sim, random_posts_exactly_n_and_replays_its_seed, 240)
{
	char (*b)[LINE_MAX_LEN] = calloc(MAX_LINES, LINE_MAX_LEN);
	char (*d)[LINE_MAX_LEN] = calloc(MAX_LINES, LINE_MAX_LEN);
	char name[64];
	struct run dry;
	int na, nb, nc, nd, i, same;

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, d);
	na = random_run(_metadata, self, "7", self->exp, name);
	ASSERT_EQ(150, na);
	nb = random_run(_metadata, self, "7", b, name);
	ASSERT_EQ(150, nb);
	for (i = 0; i < na; i++)
		EXPECT_STREQ(self->exp[i], b[i]);
	nc = random_run(_metadata, self, "8", b, name);
	ASSERT_EQ(150, nc);
	for (i = 0, same = 0; i < na; i++)
		same += !strcmp(self->exp[i], b[i]);
	EXPECT_GT(na, same);

	/* The dry run of the seed tells the same story. */
	ASSERT_EQ(0, run_sim(&dry, "--random", "--events", "150", "--seed",
			     "7", "--nodes", "4", "--cluster", name,
			     "--dry-run"));
	ASSERT_EQ(0, dry.status);
	nd = event_lines(dry.out, d, self->exp_k);
	ASSERT_EQ(151, nd);	/* and the final CLUSTER_STATE */
	for (i = 0; i < na; i++) {
		mask(d[i], name);
		EXPECT_STREQ(d[i], self->exp[i]);
	}
	EXPECT_NE(NULL, strstr(dry.out, "150 events would be posted"));
	run_free(&dry);
	free(b);
	free(d);
}

TEST_F(sim, bad_options_are_refused)
{
	static const struct {
		const char *a[4];
		const char *msg;
	} cases[] = {
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "--script", "night" }, "unknown script 'night' (scripts: day)" },
		{ { "--cluster", "X" }, "give either --script NAME or --random" },
		{ { "--script", "day", "--random" },
		  "give either --script NAME or --random" },
		{ { "--random", "--events", "0" },
		  "--events: '0' is not a positive count" },
		{ { "--random", "--rate", "fast" },
		  "--rate: 'fast' is not a rate" },
		{ { "--random", "--pace", "5" }, "--pace goes with --script" },
		{ { "--script", "day", "--seed", "3" },
		  "--seed goes with --random only" },
		{ { "--script", "day", "--nodes", "1" },
		  "the day script needs at least 2 nodes" },
		{ { "--random", "--nodes", "33" }, "--nodes: '33' is not" },
		{ { "--random", "--duration", "soon" }, "--duration: 'soon'" },
		{ { "--script" }, "--script needs a value" },
		{ { "--random", "extra" }, "unexpected argument 'extra'" },
	};
	struct run r;
	size_t i;

	for (i = 0; i < CN_ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, run_sim(&r, cases[i].a[0], cases[i].a[1],
				     cases[i].a[2], cases[i].a[3]));
		EXPECT_EQ(64, r.status);
		EXPECT_NE(NULL, strstr(r.err, cases[i].msg)) {
			TH_LOG("case %zu: stderr was: %s", i, r.err);
		}
		EXPECT_STREQ("", r.out);
		run_free(&r);
	}
	ASSERT_EQ(0, run_sim(&r, "--help"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "--wait-ports N"));
	run_free(&r);
}

TEST_F(sim, waiting_for_ports_that_never_come_fails)
{
	char name[64];
	struct run r;
	__u64 t0 = cn_now_ms();

	cn_unique_name(name, sizeof(name), "SimWait");
	ASSERT_EQ(0, run_sim(&r, "--random", "--events", "1", "--cluster",
			     name, "--wait-ports", "1", "--wait-timeout", "1"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "0 of 1 notification ports on"));
	EXPECT_LE(1000, cn_now_ms() - t0);
	run_free(&r);
}

TEST_F(sim, unprivileged_is_refused)
{
	char name[64];
	struct run r;

	cn_unique_name(name, sizeof(name), "SimPriv");
	ASSERT_EQ(0, run_sim_as(&r, CN_NOBODY, "--random", "--events", "1",
				"--cluster", name, (const char *)NULL));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "needs CAP_SYS_ADMIN"));
	run_free(&r);
}

static int module_load(void)
{
	int fd = open(CN_MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

TEST_F(sim, without_the_module)
{
	struct run r;

	if (access(CN_MODULE_PATH, R_OK))
		SKIP(return, "%s not present", CN_MODULE_PATH);
	ASSERT_EQ(0, syscall(SYS_delete_module, "clusnotify", O_NONBLOCK));
	ASSERT_EQ(0, run_sim(&r, "--script", "day", "--pace", "0"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "the clusnotify module is not loaded"));
	run_free(&r);
	/* A dry run needs no module. */
	ASSERT_EQ(0, run_sim(&r, "--script", "day", "--dry-run"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "18:00 the day is over"));
	run_free(&r);
	ASSERT_EQ(0, module_load());
}

TEST_HARNESS_MAIN
