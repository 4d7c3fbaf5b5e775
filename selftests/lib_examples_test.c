// SPDX-License-Identifier: GPL-2.0
/*
 * The example programs, run against the module with a real producer
 * (cn_util's raw netlink client), their exact output checked:
 *
 * - examples/v2_listener.c: group state and owner changes give the
 *   expected lines in order (owner names learned from node events, asked
 *   of the cluster otherwise, names longer than its first buffers), it ends
 *   on SIGTERM promptly with 0, after --count events, when the cluster
 *   goes down, and on --timeout; bad input gets its message and status.
 * - examples/epoll_server.c: two clients at once get every event line,
 *   commands are answered from the same loop, clients that vanish do not
 *   disturb the others, one that never reads is dropped alone once 1 MiB
 *   waits for it, and --count ends it once the events went out.
 * - examples/notify_port.c (run in full by lib_winstyle_test.c): a bad
 *   EVENTS count is refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cn_util.h"
#include "kselftest_harness.h"

#define LISTENER "/opt/selftests/example_v2_listener"
#define SERVER "/opt/selftests/example_epoll_server"
#define NOTIFY_PORT "/opt/selftests/example_notify_port"

#define LINE_MS 10000		/* the longest wait for one line (TCG) */
#define LISTENER_FILTERS 3	/* groups, cluster, nodes */

/* ------------------------------------------------------------------ */
/* Reading lines with a timeout                                        */
/* ------------------------------------------------------------------ */

struct lines {
	int fd;
	size_t len;
	char buf[16384];
};

/* 1 and the line (no newline) in out, 0 at end of file, or -errno. */
static int next_line(struct lines *l, char *out, size_t size, int ms)
{
	for (;;) {
		char *nl = memchr(l->buf, '\n', l->len);
		struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t used = (size_t)(nl - l->buf) + 1;

			if (used > size)
				return -EMSGSIZE;
			memcpy(out, l->buf, used - 1);
			out[used - 1] = 0;
			memmove(l->buf, l->buf + used, l->len - used);
			l->len -= used;
			return 1;
		}
		if (l->len == sizeof(l->buf))
			return -EMSGSIZE;
		n = poll(&pfd, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? 0 : -errno;
		if (n == 0)
			return l->len ? -EPROTO : 0;	/* a partial line */
		l->len += (size_t)n;
	}
}

/* Everything until end of file (for stderr), NUL-terminated. */
static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
}

/* ------------------------------------------------------------------ */
/* Running an example                                                  */
/* ------------------------------------------------------------------ */

struct child {
	pid_t pid;
	struct lines out;	/* its stdout */
	int err;		/* its stderr */
};

static int spawn(struct child *c, const char *const argv[])
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	c->out.fd = out[0];
	c->out.len = 0;
	c->err = err[0];
	return 0;
}

/*
 * Wait up to ms for the child to exit: its wait status, or -ETIMEDOUT
 * (after which it is killed and reaped).
 */
static int wait_exit(struct child *c, int ms)
{
	__u64 end = cn_now_ms() + (__u64)ms;
	int status;

	for (;;) {
		pid_t r = waitpid(c->pid, &status, WNOHANG);

		if (r == c->pid)
			return status;
		if (r < 0)
			return -errno;
		if (cn_now_ms() >= end)
			break;
		cn_sleep_ms(10);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
	return -ETIMEDOUT;
}

static void child_close(struct child *c)
{
	close(c->out.fd);
	close(c->err);
}

/*
 * The program's port is ready once it holds all its filters: poll the
 * module's port list (PORT_GET) for a port of that process.
 */
static int wait_ready(struct cn_nl *nl, pid_t pid, __u32 filters)
{
	__u64 end = cn_now_ms() + LINE_MS;
	struct cn_port_desc d[64];
	int n, i, ret;

	do {
		ret = cn_port_dump(nl, d, 64, &n);
		if (ret)
			return ret;
		for (i = 0; i < n && i < 64; i++)
			if (d[i].pid == (__u32)pid && d[i].filters >= filters)
				return 0;
		cn_sleep_ms(20);
	} while (cn_now_ms() < end);
	return -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

static const __u32 st_up = CN_NODE_UP, st_down = CN_NODE_DOWN;
static const __u32 st_online = CN_GROUP_ONLINE, st_offline = CN_GROUP_OFFLINE;
static const __u32 st_partial = 3;	/* ClusterGroupPartialOnline */

/* A *_STATE_V2 event carrying its state as the one-DWORD payload. */
#define STATE_EV(type_, flag_, id_, name_, st_)                              \
	{ .type = (type_), .v2 = (flag_), .id = (id_), .name = (name_),      \
	  .payload = &(st_), .payload_len = 4, .state = (st_),               \
	  .has_state = true }

#define OWNER_EV(id_, name_, node_)                                          \
	{ .type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_OWNER_NODE,        \
	  .id = (id_), .name = (name_), .parent = (node_) }

#define LONG_GROUP_ID "group-id-long"

static char long_group[301];

/* ------------------------------------------------------------------ */
/* The V2 listener                                                     */
/* ------------------------------------------------------------------ */

FIXTURE(listener) {
	struct cn_env env;
	struct child c;
	bool running;
	unsigned int saved_max_records;	/* 0: not changed */
	char line[4096];
};

FIXTURE_SETUP(listener)
{
	struct cn_obj_desc g = {
		.type = CLUSNOTIFY_OBJ_GROUP, .id = LONG_GROUP_ID,
		.parent = CN_NODE2_ID, .state = CN_GROUP_ONLINE,
		.has_state = true,
	};

	ASSERT_EQ(0, access(LISTENER, X_OK));
	ASSERT_EQ(0, cn_env_setup(&self->env, "ExV2"));
	/* Longer than the listener's first buffers: the retry path. */
	memset(long_group, 'L', sizeof(long_group) - 1);
	memcpy(long_group, "Group ", 6);
	g.name = long_group;
	ASSERT_EQ(0, cn_publish(&self->env.nl, self->env.cid, &g, 1));
	self->running = false;
	self->saved_max_records = 0;
}

FIXTURE_TEARDOWN(listener)
{
	if (self->saved_max_records)
		cn_param_set("max_records", self->saved_max_records);
	if (self->running) {
		kill(self->c.pid, SIGKILL);
		waitpid(self->c.pid, NULL, 0);
		child_close(&self->c);
	}
	cn_env_teardown(&self->env);
}

static int start_listener(FIXTURE_DATA(listener) *self, const char *a1,
			  const char *a2, const char *a3, const char *a4)
{
	const char *opts[] = { a1, a2, a3, a4 };
	const char *compact[7];
	int i, n = 0, ret;

	/* The options given, then the cluster. */
	compact[n++] = LISTENER;
	for (i = 0; i < 4; i++)
		if (opts[i])
			compact[n++] = opts[i];
	compact[n++] = self->env.name;
	compact[n] = NULL;
	ret = spawn(&self->c, compact);
	if (ret)
		return ret;
	self->running = true;
	return wait_ready(&self->env.nl, self->c.pid, LISTENER_FILTERS);
}

#define EXPECT_LINE(want)                                                    \
	do {                                                                 \
		ASSERT_EQ(1, next_line(&self->c.out, self->line,             \
				       sizeof(self->line), LINE_MS));        \
		EXPECT_STREQ(want, self->line);                              \
	} while (0)

#define EXPECT_EOF()                                                         \
	ASSERT_EQ(0, next_line(&self->c.out, self->line, sizeof(self->line), \
			       LINE_MS))

static void end_listener(FIXTURE_DATA(listener) *self)
{
	child_close(&self->c);
	self->running = false;
}

TEST_F_TIMEOUT(listener, follows_groups_then_sigterm, 120)
{
	const struct cn_event nodes_and_first[] = {
		STATE_EV(CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_NODE1_ID,
			 CN_NODE1, st_down),
		STATE_EV(CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_NODE2_ID,
			 CN_NODE2, st_up),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline),
	};
	const struct cn_event moves[] = {
		OWNER_EV(CN_GROUP1_ID, CN_GROUP1, CN_NODE2_ID),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_online),
		/* No payload: the listener asks the cluster (Failed). */
		{ .type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_STATE,
		  .id = CN_GROUP2_ID, .name = CN_GROUP2,
		  .state = CN_GROUP_FAILED, .has_state = true },
		/* Not in the listener's filters: no line. */
		STATE_EV(CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE,
			 CN_RES1_ID, CN_RES1, st_offline),
		OWNER_EV(CN_GROUP1_ID, CN_GROUP1, CN_NODE1_ID),
		{ .type = CLUSNOTIFY_OBJ_CLUSTER,
		  .v2 = CN_V2_CLUSTER_GROUP_ADDED, .id = "group-id-3",
		  .name = "Group Three" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .v2 = CN_V2_GROUP_DELETED,
		  .id = "group-id-3", .name = "Group Three" },
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 LONG_GROUP_ID, long_group, st_partial),
	};
	char want[512];
	__u64 t0;
	int status;

	ASSERT_EQ(0, start_listener(self, "--timeout", "60000", NULL, NULL));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, nodes_and_first,
			     3, NULL));
	EXPECT_LINE("node \"Node1\" state Down");
	EXPECT_LINE("node \"Node2\" state Up");
	/* No owner seen yet: asked of the cluster, which says Node1. */
	EXPECT_LINE("group \"Group One\" state Offline, owner Node1");
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, moves,
			     CN_ARRAY_SIZE(moves), NULL));
	/* ParentId node-id-2, named by the node event above. */
	EXPECT_LINE("group \"Group One\" owner Node2");
	EXPECT_LINE("group \"Group One\" state Online, owner Node2");
	EXPECT_LINE("group \"Group Two\" state Failed, owner Node2");
	EXPECT_LINE("group \"Group One\" owner Node1");
	EXPECT_LINE("group \"Group Three\" added");
	EXPECT_LINE("group \"Group Three\" deleted");
	snprintf(want, sizeof(want),
		 "group \"%s\" state PartialOnline, owner Node2", long_group);
	EXPECT_LINE(want);

	/* SIGTERM: the port is closed, the blocked call returns, exit 0. */
	t0 = cn_now_ms();
	ASSERT_EQ(0, kill(self->c.pid, SIGTERM));
	EXPECT_EOF();
	status = wait_exit(&self->c, 5000);
	TH_LOG("exited %llu ms after SIGTERM",
	       (unsigned long long)(cn_now_ms() - t0));
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_GT(3000, cn_now_ms() - t0);
	end_listener(self);
}

TEST_F_TIMEOUT(listener, sigint_while_idle, 60)
{
	int status;

	ASSERT_EQ(0, start_listener(self, NULL, NULL, NULL, NULL));
	ASSERT_EQ(0, kill(self->c.pid, SIGINT));
	EXPECT_EOF();
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	end_listener(self);
}

TEST_F_TIMEOUT(listener, count_ends_it, 60)
{
	const struct cn_event ev[] = {
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline),
		STATE_EV(CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_NODE2_ID,
			 CN_NODE2, st_down),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_online),
	};
	int status;

	ASSERT_EQ(0, start_listener(self, "--count", "2", NULL, NULL));
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 3, NULL));
	EXPECT_LINE("group \"Group One\" state Offline, owner Node1");
	EXPECT_LINE("node \"Node2\" state Down");
	EXPECT_EOF();	/* the third event is not printed */
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	end_listener(self);
}

TEST_F_TIMEOUT(listener, cluster_going_down_ends_it, 60)
{
	char want[256];
	int status;

	ASSERT_EQ(0, start_listener(self, NULL, NULL, NULL, NULL));
	/* The producer's session ends: the module posts CLUSTER_STATE. */
	cn_nl_close(&self->env.nl);
	snprintf(want, sizeof(want), "cluster \"%s\" down", self->env.name);
	EXPECT_LINE(want);
	EXPECT_EOF();
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	end_listener(self);
	/* Bring it back in a new session, so teardown unregisters it. */
	ASSERT_EQ(0, cn_nl_open(&self->env.nl));
	ASSERT_EQ(0, cn_register(&self->env.nl, self->env.name,
				 &self->env.cid));
}

TEST_F_TIMEOUT(listener, timeout, 60)
{
	char err[1024];
	int status;

	/* --count not reached in time: an error. */
	ASSERT_EQ(0, start_listener(self, "--count", "5", "--timeout",
				    "300"));
	status = wait_exit(&self->c, 10000);
	read_all(self->c.err, err, sizeof(err));
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
	EXPECT_STREQ("example_v2_listener: 0 of 5 events before the 300 ms timeout\n",
		     err);
	EXPECT_EOF();
	end_listener(self);

	/* Without --count, quiet for that long is a normal end. */
	ASSERT_EQ(0, start_listener(self, "--timeout", "300", NULL, NULL));
	status = wait_exit(&self->c, 10000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EOF();
	end_listener(self);
}

TEST_F_TIMEOUT(listener, overflow_is_reported, 60)
{
	const struct cn_event ev[] = {
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_online),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline),
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_online),
	};
	const struct cn_event after =
		STATE_EV(CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_NODE2_ID,
			 CN_NODE2, st_down);
	struct cn_post_reply r = { 0 };
	char want[256];
	unsigned int old;
	int status, ret;

	/*
	 * max_records bounds a port's queue, not a mapped ring (whose
	 * overflow lib_ring_test covers): this listener reads by ioctl.
	 */
	ASSERT_EQ(0, setenv("CLUSAPI_RING", "0", 1));
	ret = start_listener(self, NULL, NULL, NULL, NULL);
	unsetenv("CLUSAPI_RING");
	ASSERT_EQ(0, ret);
	/* Stopped, with room for two records: the other two are lost. */
	ASSERT_EQ(0, kill(self->c.pid, SIGSTOP));
	/* Really stopped: it cannot take a record while they are posted. */
	ASSERT_EQ(self->c.pid, waitpid(self->c.pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, cn_param_get("max_records", &old));
	ASSERT_EQ(0, cn_param_set("max_records", 2));
	self->saved_max_records = old;
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 4, &r));
	EXPECT_EQ(2, r.queued);
	EXPECT_EQ(2, r.lost);
	ASSERT_EQ(0, cn_param_set("max_records", old));
	self->saved_max_records = 0;
	ASSERT_EQ(0, kill(self->c.pid, SIGCONT));

	EXPECT_LINE("group \"Group One\" state Offline, owner Node1");
	EXPECT_LINE("group \"Group One\" state Online, owner Node1");
	snprintf(want, sizeof(want), "cluster \"%s\" notifications lost",
		 self->env.name);
	EXPECT_LINE(want);
	/* And it goes on. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &after));
	EXPECT_LINE("node \"Node2\" state Down");
	ASSERT_EQ(0, kill(self->c.pid, SIGTERM));
	EXPECT_EOF();
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	end_listener(self);
}

/* Run a program to its end: its status, stdout and stderr. */
static int run(const char *const argv[], char *out, size_t outsz, char *err,
	       size_t errsz)
{
	struct child c;
	int status, ret;

	ret = spawn(&c, argv);
	if (ret)
		return ret;
	read_all(c.out.fd, out, outsz);
	read_all(c.err, err, errsz);
	status = wait_exit(&c, 10000);
	child_close(&c);
	return status;
}

TEST(listener_bad_input)
{
	const char *const nocluster[] = { LISTENER, "NoSuchCluster-examples",
					  NULL };
	const char *const nocount[] = { LISTENER, "--count", "0", "X", NULL };
	const char *const notnum[] = { LISTENER, "--timeout", "5s", "X",
				       NULL };
	const char *const unknown[] = { LISTENER, "--verbose", "X", NULL };
	const char *const none[] = { LISTENER, NULL };
	char out[1024], err[1024];
	int status;

	status = run(nocluster, out, sizeof(out), err, sizeof(err));
	ASSERT_LE(0, status);
	EXPECT_EQ(1, WEXITSTATUS(status));
	EXPECT_STREQ("", out);
	EXPECT_STREQ("example_v2_listener: cannot open cluster 'NoSuchCluster-examples': error 1722 (no such cluster)\n",
		     err);

	status = run(nocount, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_STREQ("example_v2_listener: --count: 0 is out of range 1..4294967295\n",
		     err);
	status = run(notnum, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_STREQ("example_v2_listener: --timeout: '5s' is not a number\n",
		     err);
	status = run(unknown, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_NE(NULL, strstr(err, "unknown option '--verbose'\n"));
	status = run(none, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_NE(NULL, strstr(err, "no cluster named\n"));
}

/* ------------------------------------------------------------------ */
/* The epoll server                                                    */
/* ------------------------------------------------------------------ */

FIXTURE(server) {
	struct cn_env env;
	struct child c;
	bool running;
	int port;
	char line[4096];
};

FIXTURE_SETUP(server)
{
	ASSERT_EQ(0, access(SERVER, X_OK));
	ASSERT_EQ(0, cn_env_setup(&self->env, "ExEpoll"));
	self->running = false;
}

FIXTURE_TEARDOWN(server)
{
	if (self->running) {
		kill(self->c.pid, SIGKILL);
		waitpid(self->c.pid, NULL, 0);
		child_close(&self->c);
	}
	cn_env_teardown(&self->env);
}

/*
 * The server speaks TCP on 127.0.0.1. The debug kernel of make check is
 * built from allnoconfig and may lack IPv4 (CONFIG_INET): then skip.
 */
static bool have_inet(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno != EAFNOSUPPORT;
	close(fd);
	return true;
}

#define REQUIRE_INET()                                                       \
	do {                                                                 \
		if (!have_inet())                                            \
			SKIP(return, "no IPv4 in this kernel (CONFIG_INET)");\
	} while (0)

/* Start it with --count (or none) and read the port it listens on. */
static int start_server(FIXTURE_DATA(server) *self, const char *count)
{
	const char *argv[] = { SERVER, "--count", count, self->env.name,
			       NULL };
	const char *plain[] = { SERVER, self->env.name, NULL };
	int ret;

	ret = spawn(&self->c, count ? argv : plain);
	if (ret)
		return ret;
	self->running = true;
	ret = next_line(&self->c.out, self->line, sizeof(self->line),
			LINE_MS);
	if (ret != 1)
		return ret < 0 ? ret : -EPROTO;
	if (sscanf(self->line, "listening on 127.0.0.1:%d", &self->port) != 1)
		return -EPROTO;
	return 0;
}

/*
 * A connected client that has read its greeting; with rcvbuf > 0, its
 * receive buffer that small (set before connecting, so that the window
 * stays small too).
 */
static int client_connect(FIXTURE_DATA(server) *self, struct lines *l,
			  int rcvbuf)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)self->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	char want[128];
	int ret;

	l->len = 0;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return -errno;
	if (rcvbuf && setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)))
		return -errno;
	if (connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	ret = next_line(l, self->line, sizeof(self->line), LINE_MS);
	if (ret != 1)
		return ret < 0 ? ret : -EPROTO;
	snprintf(want, sizeof(want), "hello %s", self->env.name);
	return strcmp(self->line, want) ? -EPROTO : 0;
}

static int client_open(FIXTURE_DATA(server) *self, struct lines *l)
{
	return client_connect(self, l, 0);
}

static int say(struct lines *l, const char *s)
{
	size_t len = strlen(s);

	return send(l->fd, s, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

#define EXPECT_GOT(l, want)                                                  \
	do {                                                                 \
		ASSERT_EQ(1, next_line(l, self->line, sizeof(self->line),    \
				       LINE_MS));                            \
		EXPECT_STREQ(want, self->line);                              \
	} while (0)

TEST_F_TIMEOUT(server, two_clients_commands_and_count, 120)
{
	const struct cn_event first =
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline);
	const struct cn_event second =
		STATE_EV(CLUSNOTIFY_OBJ_NODE, CN_V2_NODE_STATE, CN_NODE1_ID,
			 CN_NODE1, st_down);
	const struct cn_event last_two[] = {
		STATE_EV(CLUSNOTIFY_OBJ_RESOURCE, CN_V2_RESOURCE_STATE,
			 CN_RES1_ID, CN_RES1, st_offline),
		OWNER_EV(CN_GROUP1_ID, CN_GROUP1, CN_NODE2_ID),
	};
	struct lines a, b, gone, half;
	struct lines *both[] = { &a, &b };
	int i, status;

	REQUIRE_INET();
	ASSERT_EQ(0, start_server(self, "4"));
	ASSERT_EQ(0, client_open(self, &a));
	ASSERT_EQ(0, client_open(self, &b));
	/* One that leaves at once, before any event. */
	ASSERT_EQ(0, client_open(self, &gone));
	close(gone.fd);

	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &first));
	for (i = 0; i < 2; i++)
		EXPECT_GOT(both[i],
			   "event CLUSTER_CHANGE_GROUP_STATE_V2 \"Group One\"");

	/* Commands, answered from the same loop. */
	ASSERT_EQ(0, say(&a, "state Group One\n"));
	EXPECT_GOT(&a, "group \"Group One\" state Offline, owner Node1");
	ASSERT_EQ(0, say(&b, "state Nope\r\nnode Node2\nfrobnicate\n"));
	EXPECT_GOT(&b, "error group \"Nope\": no such group (5013)");
	EXPECT_GOT(&b, "node \"Node2\" state Up");
	EXPECT_GOT(&b,
		   "error unknown command \"frobnicate\" (state GROUP, node NODE, quit)");

	/* One that leaves in the middle of a line. */
	ASSERT_EQ(0, client_open(self, &half));
	ASSERT_EQ(0, say(&half, "state Gro"));
	close(half.fd);

	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &second));
	for (i = 0; i < 2; i++)
		EXPECT_GOT(both[i],
			   "event CLUSTER_CHANGE_NODE_STATE_V2 \"Node1\"");
	ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, last_two, 2,
			     NULL));
	for (i = 0; i < 2; i++) {
		EXPECT_GOT(both[i],
			   "event CLUSTER_CHANGE_RESOURCE_STATE_V2 \"IP Address 10.0.0.1\"");
		EXPECT_GOT(both[i],
			   "event CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 \"Group One\"");
	}
	/* --count 4: both see the end, and it exits 0. */
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, next_line(both[i], self->line,
				       sizeof(self->line), LINE_MS));
		close(both[i]->fd);
	}
	status = wait_exit(&self->c, 10000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Its log: five clients came, and it served 4 events. */
	EXPECT_GOT(&self->c.out, "client 1 connected");
	EXPECT_GOT(&self->c.out, "client 2 connected");
	EXPECT_GOT(&self->c.out, "client 3 connected");
	EXPECT_GOT(&self->c.out, "client 3 disconnected");
	EXPECT_GOT(&self->c.out, "client 4 connected");
	EXPECT_GOT(&self->c.out, "client 4 disconnected");
	EXPECT_GOT(&self->c.out, "4 events served, exiting");
	child_close(&self->c);
	self->running = false;
}

TEST_F_TIMEOUT(server, quit_then_sigterm, 60)
{
	const struct cn_event ev =
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP2_ID, CN_GROUP2, st_online);
	struct lines a, b;
	int status;

	REQUIRE_INET();
	ASSERT_EQ(0, start_server(self, NULL));
	ASSERT_EQ(0, client_open(self, &a));
	ASSERT_EQ(0, client_open(self, &b));
	ASSERT_EQ(0, say(&a, "quit\nstate Group One\n"));
	EXPECT_GOT(&a, "bye");
	/* Closed after bye: what followed quit is not answered. */
	EXPECT_EQ(0, next_line(&a, self->line, sizeof(self->line), LINE_MS));
	close(a.fd);
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev));
	EXPECT_GOT(&b, "event CLUSTER_CHANGE_GROUP_STATE_V2 \"Group Two\"");
	ASSERT_EQ(0, say(&b, "state Group Two\n"));
	EXPECT_GOT(&b, "group \"Group Two\" state Online, owner Node2");

	ASSERT_EQ(0, kill(self->c.pid, SIGTERM));
	EXPECT_EQ(0, next_line(&b, self->line, sizeof(self->line), LINE_MS));
	close(b.fd);
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	child_close(&self->c);
	self->running = false;
}

/*
 * A client that never reads is dropped once 1 MiB waits for it; the one
 * that reads keeps getting every line.
 */
TEST_F_TIMEOUT(server, slow_client_is_dropped_alone, 300)
{
	const struct cn_event off =
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_offline);
	const struct cn_event on =
		STATE_EV(CLUSNOTIFY_OBJ_GROUP, CN_V2_GROUP_STATE,
			 CN_GROUP1_ID, CN_GROUP1, st_online);
	struct cn_event ev[500];
	struct lines slow, fast;
	int i, round, dropped = 0, status;
	char buf[4096];

	REQUIRE_INET();
	for (i = 0; i < 500; i++)
		ev[i] = i % 2 ? on : off;
	ASSERT_EQ(0, start_server(self, NULL));
	/* A small window, so that the server's queue is what fills. */
	ASSERT_EQ(0, client_connect(self, &slow, 2048));
	ASSERT_EQ(0, client_open(self, &fast));
	EXPECT_GOT(&self->c.out, "client 1 connected");
	EXPECT_GOT(&self->c.out, "client 2 connected");

	/* About 45 bytes a line: 1 MiB is some 23000 lines. */
	for (round = 0; round < 200 && !dropped; round++) {
		ASSERT_EQ(0, cn_post(&self->env.nl, self->env.cid, ev, 500,
				     NULL));
		for (i = 0; i < 500; i++)
			EXPECT_GOT(&fast,
				   "event CLUSTER_CHANGE_GROUP_STATE_V2 \"Group One\"");
		if (next_line(&self->c.out, self->line, sizeof(self->line),
			      0) == 1) {
			EXPECT_STREQ("client 1 dropped: too far behind",
				     self->line);
			dropped = 1;
		}
	}
	TH_LOG("dropped after %d rounds of 500 events", round);
	ASSERT_TRUE(dropped);
	EXPECT_LE(40, round);	/* not before 1 MiB was waiting */
	/* The slow one reads what was sent, then the end. */
	while (read(slow.fd, buf, sizeof(buf)) > 0)
		;
	close(slow.fd);
	/* The other goes on. */
	ASSERT_EQ(0, cn_post1(&self->env.nl, self->env.cid, &ev[0]));
	EXPECT_GOT(&fast, "event CLUSTER_CHANGE_GROUP_STATE_V2 \"Group One\"");
	ASSERT_EQ(0, say(&fast, "node Node1\n"));
	EXPECT_GOT(&fast, "node \"Node1\" state Up");
	close(fast.fd);
	ASSERT_EQ(0, kill(self->c.pid, SIGTERM));
	status = wait_exit(&self->c, 5000);
	ASSERT_LE(0, status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	child_close(&self->c);
	self->running = false;
}

TEST(server_bad_input)
{
	const char *const nocluster[] = { SERVER, "NoSuchCluster-examples",
					  NULL };
	const char *const badport[] = { SERVER, "--port", "65536", "X", NULL };
	char out[1024], err[1024];
	int status;

	status = run(nocluster, out, sizeof(out), err, sizeof(err));
	ASSERT_LE(0, status);
	EXPECT_EQ(1, WEXITSTATUS(status));
	EXPECT_STREQ("", out);
	EXPECT_STREQ("example_epoll_server: cannot open cluster 'NoSuchCluster-examples': error 1722 (no such cluster)\n",
		     err);
	status = run(badport, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_STREQ("example_epoll_server: --port: 65536 is out of range 0..65535\n",
		     err);
}

/* examples/notify_port.c once took a bad EVENTS as 0 and exited 0. */
TEST(notify_port_bad_events)
{
	const char *const word[] = { NOTIFY_PORT, "X", "three", NULL };
	const char *const zero[] = { NOTIFY_PORT, "X", "0", NULL };
	char out[1024], err[1024];
	int status;

	status = run(word, out, sizeof(out), err, sizeof(err));
	ASSERT_LE(0, status);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_STREQ("", out);
	EXPECT_STREQ("notify_port: EVENTS must be a number from 1 to 1000000, not 'three'\n",
		     err);
	status = run(zero, out, sizeof(out), err, sizeof(err));
	EXPECT_EQ(2, WEXITSTATUS(status));
	EXPECT_STREQ("notify_port: EVENTS must be a number from 1 to 1000000, not '0'\n",
		     err);
}

TEST_HARNESS_MAIN
