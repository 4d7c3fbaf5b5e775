// SPDX-License-Identifier: MIT
/*
 * One epoll loop serving TCP clients and cluster events: the notification
 * port's event handle (GetNotifyEventHandle) is, on Linux, the port's file
 * descriptor, readable exactly while events wait, so it sits in the same
 * epoll set as the listening socket, the clients and a signalfd. Linux
 * style (POSIX sockets, UTF-8 strings); the cluster side uses clusapi.h
 * only. Build it without -fshort-wchar:
 *
 *   cc epoll_server.c $(pkg-config --cflags --libs libclusapi)
 *
 * usage: epoll_server [--port P] [--count N] CLUSTER
 *
 * Listens on 127.0.0.1:P (default 0: a free port) and prints
 * "listening on 127.0.0.1:PORT" first. Each client gets "hello CLUSTER"
 * once, then one line per cluster event:
 *
 *   event CLUSTER_CHANGE_GROUP_STATE_V2 "Group One"
 *
 * and may send, one per line:
 *
 *   state GROUP   ->  group "GROUP" state Online, owner Node1
 *   node NODE     ->  node "NODE" state Up
 *   quit          ->  bye (then the server closes that connection)
 *
 * anything else gets "error ...". With --count N the server exits 0 once
 * N events went out to every client; SIGINT and SIGTERM end it with 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4 */
#endif
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <clusapi.h>

#define MAX_LINE 1024		/* a command line from a client */
#define MAX_OUT (1 << 20)	/* a client this far behind is dropped */
#define BATCH 64		/* events read per wakeup, for fairness */
#define DRAIN_MS 5000		/* how long --count waits for slow clients */

static const char *prog = "epoll_server";

enum kind { K_LISTEN, K_PORT, K_SIGNAL, K_CLIENT };

/* What epoll hands back: every watched descriptor has one. */
struct watch {
	enum kind kind;
	int fd;
};

struct client {
	struct watch w;		/* first: epoll data points here */
	unsigned int id;
	char in[MAX_LINE];
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	bool want_out;		/* EPOLLOUT is armed */
	bool closing;		/* close once out is flushed */
	bool dead;		/* closed; freed after this epoll batch */
	struct client *next;
};

struct server {
	int ep;
	struct watch listen, port, sig;
	HCLUSTER hCluster;
	HCHANGE hChange;
	const char *cluster_name;
	struct client *clients;
	struct client *dead;	/* closed during this epoll batch */
	unsigned int next_id;
	unsigned long events, count;
	bool draining;
};

/* ------------------------------------------------------------------ */
/* UTF-8 <-> UTF-16 (clusapi.h strings are UTF-16)                     */
/* ------------------------------------------------------------------ */

/* Decode UTF-8 into w (cap units, NUL included); -1 if invalid or long. */
static int to_utf16(const char *s, WCHAR *w, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t c;
		int more, i;

		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xe0) == 0xc0)
			more = 1;
		else if ((*p & 0xf0) == 0xe0)
			more = 2;
		else if ((*p & 0xf8) == 0xf0)
			more = 3;
		else
			return -1;
		/* The lead byte's payload bits: 7, 5, 4 or 3 of them. */
		c = *p & (more ? 0x3f >> more : 0x7f);
		p++;
		for (i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (*p & 0x3f);
		}
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (more == 3 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c < 0xe000))
			return -1;
		if (n + (c >= 0x10000 ? 2 : 1) >= cap)
			return -1;
		if (c >= 0x10000) {
			c -= 0x10000;
			w[n++] = (WCHAR)(0xd800 + (c >> 10));
			w[n++] = (WCHAR)(0xdc00 + (c & 0x3ff));
		} else {
			w[n++] = (WCHAR)c;
		}
	}
	w[n] = 0;
	return 0;
}

/* Encode w as UTF-8 into s (cap bytes, at least 4 per unit + 1). */
static void to_utf8(const WCHAR *w, char *s, size_t cap)
{
	size_t n = 0;

	for (; *w && n + 5 < cap; w++) {
		uint32_t c = *w;

		if (c >= 0xd800 && c < 0xdc00 && w[1] >= 0xdc00 &&
		    w[1] < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (w[1] - 0xdc00);
			w++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		if (c < 0x80) {
			s[n++] = (char)c;
		} else if (c < 0x800) {
			s[n++] = (char)(0xc0 | (c >> 6));
			s[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[n++] = (char)(0xe0 | (c >> 12));
			s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[n++] = (char)(0xf0 | (c >> 18));
			s[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s[n] = 0;
}

/* ------------------------------------------------------------------ */
/* Names of events and states                                          */
/* ------------------------------------------------------------------ */

/* The SDK's spelling of each V2 flag, by bit, for the types we watch. */
static const char *const cluster_flags[] = {
	"CLUSTER_RECONNECT_V2", "CLUSTER_STATE_V2", "CLUSTER_GROUP_ADDED_V2",
	"CLUSTER_HANDLE_CLOSE_V2", "CLUSTER_NETWORK_ADDED_V2",
	"CLUSTER_NODE_ADDED_V2", "CLUSTER_RESOURCE_TYPE_ADDED_V2",
	"CLUSTER_COMMON_PROPERTY_V2", "CLUSTER_PRIVATE_PROPERTY_V2",
	"CLUSTER_LOST_NOTIFICATIONS_V2", "CLUSTER_RENAME_V2",
	"CLUSTER_MEMBERSHIP_V2", "CLUSTER_UPGRADED_V2",
};

static const char *const group_flags[] = {
	"GROUP_DELETED_V2", "GROUP_COMMON_PROPERTY_V2",
	"GROUP_PRIVATE_PROPERTY_V2", "GROUP_STATE_V2", "GROUP_OWNER_NODE_V2",
	"GROUP_PREFERRED_OWNERS_V2", "GROUP_RESOURCE_ADDED_V2",
	"GROUP_RESOURCE_GAINED_V2", "GROUP_RESOURCE_LOST_V2",
	"GROUP_HANDLE_CLOSE_V2",
};

static const char *const resource_flags[] = {
	"RESOURCE_COMMON_PROPERTY_V2", "RESOURCE_PRIVATE_PROPERTY_V2",
	"RESOURCE_STATE_V2", "RESOURCE_OWNER_GROUP_V2",
	"RESOURCE_DEPENDENCIES_V2", "RESOURCE_DEPENDENTS_V2",
	"RESOURCE_POSSIBLE_OWNERS_V2", "RESOURCE_DELETED_V2",
	"RESOURCE_DLL_UPGRADED_V2", "RESOURCE_HANDLE_CLOSE_V2",
	"RESOURCE_TERMINAL_STATE_V2",
};

static const char *const node_flags[] = {
	"NODE_NETINTERFACE_ADDED_V2", "NODE_DELETED_V2",
	"NODE_COMMON_PROPERTY_V2", "NODE_PRIVATE_PROPERTY_V2",
	"NODE_STATE_V2", "NODE_GROUP_GAINED_V2", "NODE_GROUP_LOST_V2",
	"NODE_HANDLE_CLOSE_V2",
};

static const char *const network_flags[] = {
	"NETWORK_DELETED_V2", "NETWORK_COMMON_PROPERTY_V2",
	"NETWORK_PRIVATE_PROPERTY_V2", "NETWORK_STATE_V2",
	"NETWORK_HANDLE_CLOSE_V2",
};

static const char *const netinterface_flags[] = {
	"NETINTERFACE_DELETED_V2", "NETINTERFACE_COMMON_PROPERTY_V2",
	"NETINTERFACE_PRIVATE_PROPERTY_V2", "NETINTERFACE_STATE_V2",
	"NETINTERFACE_HANDLE_CLOSE_V2",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *flag_name(DWORD type, LONGLONG flag)
{
	static const struct {
		DWORD type;
		const char *const *names;
		unsigned int n;
	} types[] = {
		{ CLUSTER_OBJECT_TYPE_CLUSTER, cluster_flags,
		  N_OF(cluster_flags) },
		{ CLUSTER_OBJECT_TYPE_GROUP, group_flags, N_OF(group_flags) },
		{ CLUSTER_OBJECT_TYPE_RESOURCE, resource_flags,
		  N_OF(resource_flags) },
		{ CLUSTER_OBJECT_TYPE_NODE, node_flags, N_OF(node_flags) },
		{ CLUSTER_OBJECT_TYPE_NETWORK, network_flags,
		  N_OF(network_flags) },
		{ CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE, netinterface_flags,
		  N_OF(netinterface_flags) },
	};
	unsigned int i, bit;

	for (i = 0; i < N_OF(types) && types[i].type != type; i++)
		;
	if (i == N_OF(types))
		return NULL;
	/* Exactly one flag per event (the documented rule). */
	if (flag <= 0 || (flag & (flag - 1)))
		return NULL;
	bit = (unsigned int)__builtin_ctzll((unsigned long long)flag);
	return bit < types[i].n ? types[i].names[bit] : NULL;
}

static const char *const group_states[] = {
	[ClusterGroupOnline] = "Online",
	[ClusterGroupOffline] = "Offline",
	[ClusterGroupFailed] = "Failed",
	[ClusterGroupPartialOnline] = "PartialOnline",
	[ClusterGroupPending] = "Pending",
};

static const char *const node_states[] = {
	[ClusterNodeUp] = "Up",
	[ClusterNodeDown] = "Down",
	[ClusterNodePaused] = "Paused",
	[ClusterNodeJoining] = "Joining",
};

/* Unknown (-1) is answered as an error before these are asked. */
static const char *state_name(const char *const *names, unsigned int n,
			      int state, char *buf, size_t len)
{
	if (state >= 0 && (unsigned int)state < n)
		return names[state];
	snprintf(buf, len, "%d", state);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Clients                                                             */
/* ------------------------------------------------------------------ */

/*
 * Close a client. Its memory lives until the end of the epoll batch: a
 * broadcast can close a client whose own entry comes later in the batch.
 */
static void client_close(struct server *s, struct client *c, const char *why)
{
	struct client **pp;

	for (pp = &s->clients; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->w.fd, NULL);
	close(c->w.fd);
	c->dead = true;
	c->next = s->dead;
	s->dead = c;
	printf("client %u %s\n", c->id, why);
	fflush(stdout);
}

static void bury_dead(struct server *s)
{
	while (s->dead) {
		struct client *c = s->dead;

		s->dead = c->next;
		free(c->out);
		free(c);
	}
}

static int client_arm(struct server *s, struct client *c, bool want_out)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0),
		.data.ptr = &c->w,
	};

	if (c->want_out == want_out)
		return 0;
	c->want_out = want_out;
	return epoll_ctl(s->ep, EPOLL_CTL_MOD, c->w.fd, &ev);
}

/*
 * Send what is queued without blocking. Returns -1 when the client is
 * gone (closed here), 0 otherwise.
 */
static int client_flush(struct server *s, struct client *c)
{
	while (c->out_len) {
		ssize_t n = send(c->w.fd, c->out, c->out_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return client_arm(s, c, true);
		if (n <= 0) {
			client_close(s, c, "disconnected");
			return -1;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	if (c->closing) {
		client_close(s, c, "said bye");
		return -1;
	}
	return client_arm(s, c, false);
}

/* Queue a line (without its newline) and try to send it. */
static int client_send(struct server *s, struct client *c, const char *line)
{
	size_t len = strlen(line) + 1;

	if (c->out_len + len > MAX_OUT) {
		client_close(s, c, "dropped: too far behind");
		return -1;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			client_close(s, c, "dropped: out of memory");
			return -1;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, line, len - 1);
	c->out[c->out_len + len - 1] = '\n';
	c->out_len += len;
	return client_flush(s, c);
}

static void broadcast(struct server *s, const char *line)
{
	struct client *c, *next;

	for (c = s->clients; c; c = next) {
		next = c->next;	/* client_send may free c */
		client_send(s, c, line);
	}
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

static void reply_group_state(struct server *s, char *reply, size_t len,
			      const char *name)
{
	WCHAR wname[MAX_LINE], wnode[1024];
	char node[4096], num[16];
	DWORD cch = N_OF(wnode), err;
	CLUSTER_GROUP_STATE st;
	HGROUP hGroup;

	if (to_utf16(name, wname, N_OF(wname))) {
		snprintf(reply, len, "error group name is not valid UTF-8");
		return;
	}
	hGroup = OpenClusterGroup(s->hCluster, wname);
	if (!hGroup) {
		err = GetLastError();
		snprintf(reply, len, "error group \"%s\": %s (%lu)", name,
			 err == ERROR_GROUP_NOT_FOUND ? "no such group" :
							"cannot open it",
			 (unsigned long)err);
		return;
	}
	st = GetClusterGroupState(hGroup, wnode, &cch);
	err = GetLastError();
	CloseClusterGroup(hGroup);
	if (st == ClusterGroupStateUnknown) {
		snprintf(reply, len, "error group \"%s\": no state (%lu)", name,
			 (unsigned long)err);
		return;
	}
	to_utf8(wnode, node, sizeof(node));
	snprintf(reply, len, "group \"%s\" state %s, owner %s", name,
		 state_name(group_states, N_OF(group_states), st, num,
			    sizeof(num)),
		 *node ? node : "(none)");
}

static void reply_node_state(struct server *s, char *reply, size_t len,
			     const char *name)
{
	WCHAR wname[MAX_LINE];
	char num[16];
	CLUSTER_NODE_STATE st;
	HNODE hNode;
	DWORD err;

	if (to_utf16(name, wname, N_OF(wname))) {
		snprintf(reply, len, "error node name is not valid UTF-8");
		return;
	}
	hNode = OpenClusterNode(s->hCluster, wname);
	if (!hNode) {
		err = GetLastError();
		snprintf(reply, len, "error node \"%s\": %s (%lu)", name,
			 err == ERROR_CLUSTER_NODE_NOT_FOUND ? "no such node" :
							       "cannot open it",
			 (unsigned long)err);
		return;
	}
	st = GetClusterNodeState(hNode);
	err = GetLastError();
	CloseClusterNode(hNode);
	if (st == ClusterNodeStateUnknown)
		snprintf(reply, len, "error node \"%s\": no state (%lu)", name,
			 (unsigned long)err);
	else
		snprintf(reply, len, "node \"%s\" state %s", name,
			 state_name(node_states, N_OF(node_states), st, num,
				    sizeof(num)));
}

/* One command line; -1 if the client went away meanwhile. */
static int client_command(struct server *s, struct client *c, char *line)
{
	char reply[MAX_LINE + 4200];
	size_t len = strlen(line);

	if (len && line[len - 1] == '\r')	/* telnet and friends */
		line[--len] = 0;
	if (!len)
		return 0;
	if (!strncmp(line, "state ", 6) && line[6]) {
		reply_group_state(s, reply, sizeof(reply), line + 6);
	} else if (!strncmp(line, "node ", 5) && line[5]) {
		reply_node_state(s, reply, sizeof(reply), line + 5);
	} else if (!strcmp(line, "quit")) {
		c->closing = true;
		snprintf(reply, sizeof(reply), "bye");
	} else {
		snprintf(reply, sizeof(reply),
			 "error unknown command \"%.*s\" (state GROUP, node NODE, quit)",
			 MAX_LINE, line);
	}
	return client_send(s, c, reply);
}

static void client_readable(struct server *s, struct client *c)
{
	for (;;) {
		ssize_t n = recv(c->w.fd, c->in + c->in_len,
				 sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_close(s, c, "disconnected");
			return;
		}
		c->in_len += (size_t)n;
		while ((nl = memchr(c->in, '\n', c->in_len))) {
			size_t used = (size_t)(nl - c->in) + 1;

			*nl = 0;
			/* Once it said quit, the rest is not read. */
			if (!c->closing && client_command(s, c, c->in))
				return;
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
		}
		if (c->in_len == sizeof(c->in)) {
			c->closing = true;
			c->in_len = 0;
			client_send(s, c, "error line too long");
			return;
		}
	}
}

static void accept_clients(struct server *s)
{
	for (;;) {
		int fd = accept4(s->listen.fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		char hello[256 + MAX_LINE];
		struct client *c;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				fprintf(stderr, "%s: accept: %s\n", prog,
					strerror(errno));
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->w.kind = K_CLIENT;
		c->w.fd = fd;
		c->id = ++s->next_id;
		ev.data.ptr = &c->w;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
			fprintf(stderr, "%s: epoll_ctl: %s\n", prog,
				strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		printf("client %u connected\n", c->id);
		fflush(stdout);
		/* Once it reads this, it gets every later event. */
		snprintf(hello, sizeof(hello), "hello %s", s->cluster_name);
		client_send(s, c, hello);
	}
}

/* ------------------------------------------------------------------ */
/* Cluster events                                                      */
/* ------------------------------------------------------------------ */

/*
 * Read what waits on the port, up to BATCH events, without waiting:
 * epoll said the descriptor is readable, and it stays readable (level
 * triggered) while more wait. 0, or -1 on an error of the port.
 */
static int port_readable(struct server *s)
{
	int i;

	for (i = 0; i < BATCH && !s->draining; i++) {
		/* A name is at most 1023 UTF-16 units: no ERROR_MORE_DATA. */
		WCHAR wname[1024];
		DWORD cch = N_OF(wname), status;
		NOTIFY_FILTER_AND_TYPE fat;
		char name[4096], line[4096 + 128];
		const char *flag;

		status = GetClusterNotifyV2(s->hChange, NULL, &fat, NULL, NULL,
					    NULL, NULL, NULL, NULL, wname, &cch,
					    NULL, NULL, 0);
		if (status == WAIT_TIMEOUT)
			return 0;
		if (status != ERROR_SUCCESS) {
			fprintf(stderr, "%s: GetClusterNotifyV2: error %lu\n",
				prog, (unsigned long)status);
			return -1;
		}
		to_utf8(wname, name, sizeof(name));
		flag = flag_name(fat.dwObjectType, fat.FilterFlags);
		if (flag)
			snprintf(line, sizeof(line),
				 "event CLUSTER_CHANGE_%s \"%s\"", flag, name);
		else
			snprintf(line, sizeof(line),
				 "event type %lu flag 0x%llx \"%s\"",
				 (unsigned long)fat.dwObjectType,
				 (unsigned long long)fat.FilterFlags, name);
		broadcast(s, line);
		s->events++;
		if (s->count && s->events >= s->count)
			s->draining = true;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static int watch_add(struct server *s, struct watch *w, enum kind kind,
		     int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

	w->kind = kind;
	w->fd = fd;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
		fprintf(stderr, "%s: epoll_ctl: %s\n", prog, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_cluster(struct server *s)
{
	static NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_RESOURCE,
		  CLUSTER_CHANGE_RESOURCE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_NETWORK, CLUSTER_CHANGE_NETWORK_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE,
		  CLUSTER_CHANGE_NETINTERFACE_ALL_V2 },
	};
	WCHAR wname[MAX_LINE];
	HANDLE hEvent;
	DWORD err;

	if (to_utf16(s->cluster_name, wname, N_OF(wname))) {
		fprintf(stderr, "%s: cluster name '%s' is not valid UTF-8\n",
			prog, s->cluster_name);
		return -1;
	}
	s->hCluster = OpenCluster(wname);
	if (!s->hCluster) {
		err = GetLastError();
		fprintf(stderr, "%s: cannot open cluster '%s': error %lu%s\n",
			prog, s->cluster_name, (unsigned long)err,
			err == RPC_S_SERVER_UNAVAILABLE ? " (no such cluster)" :
			err == ERROR_ACCESS_DENIED ? " (access denied)" : "");
		return -1;
	}
	s->hChange = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
					       s->hCluster, filters,
					       N_OF(filters), 0);
	if (!s->hChange) {
		fprintf(stderr, "%s: CreateClusterNotifyPortV2: error %lu\n",
			prog, (unsigned long)GetLastError());
		return -1;
	}
	/*
	 * The event handle is the port's descriptor (clusapi.h): poll it,
	 * never close it; CloseClusterNotifyPort does.
	 */
	err = GetNotifyEventHandle(s->hChange, &hEvent);
	if (err != ERROR_SUCCESS) {
		fprintf(stderr, "%s: GetNotifyEventHandle: error %lu\n", prog,
			(unsigned long)err);
		return -1;
	}
	return watch_add(s, &s->port, K_PORT, (int)(intptr_t)hEvent);
}

static int open_listener(struct server *s, unsigned long port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t salen = sizeof(sa);
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen)) {
		fprintf(stderr, "%s: cannot listen on 127.0.0.1:%lu: %s\n",
			prog, port, strerror(errno));
		close(fd);
		return -1;
	}
	if (watch_add(s, &s->listen, K_LISTEN, fd)) {
		close(fd);
		return -1;
	}
	printf("listening on 127.0.0.1:%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	return 0;
}

static int open_signals(struct server *s)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: signalfd: %s\n", prog, strerror(errno));
		return -1;
	}
	if (watch_add(s, &s->sig, K_SIGNAL, fd)) {
		close(fd);
		return -1;
	}
	return 0;
}

static int parse_number(const char *opt, const char *v, unsigned long min,
			unsigned long max, unsigned long *out)
{
	char *end;

	if (!v) {
		fprintf(stderr, "%s: %s needs a value\n", prog, opt);
		return -1;
	}
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end) {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, opt,
			v);
		return -1;
	}
	if (errno == ERANGE || *out < min || *out > max) {
		fprintf(stderr, "%s: %s: %s is out of range %lu..%lu\n", prog,
			opt, v, min, max);
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--port P] [--count N] CLUSTER\n", prog);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	struct server s = { .ep = -1, .listen.fd = -1, .sig.fd = -1 };
	unsigned long port = 0;
	uint64_t drain_until = 0;
	int i, ret = 1;

	if (argc > 0 && argv[0][0]) {
		prog = strrchr(argv[0], '/');
		prog = prog ? prog + 1 : argv[0];
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port")) {
			if (parse_number("--port", argv[++i], 0, 65535, &port))
				return 2;
		} else if (!strcmp(argv[i], "--count")) {
			if (parse_number("--count", argv[++i], 1, ULONG_MAX,
					 &s.count))
				return 2;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[i]);
			usage(stderr);
			return 2;
		} else if (s.cluster_name) {
			fprintf(stderr, "%s: one cluster only ('%s' and '%s')\n",
				prog, s.cluster_name, argv[i]);
			return 2;
		} else {
			s.cluster_name = argv[i];
		}
	}
	if (!s.cluster_name || !*s.cluster_name) {
		fprintf(stderr, "%s: no cluster named\n", prog);
		usage(stderr);
		return 2;
	}

	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (s.ep < 0) {
		fprintf(stderr, "%s: epoll_create1: %s\n", prog,
			strerror(errno));
		return 1;
	}
	/* The port first: once a client can connect, events are caught. */
	if (open_signals(&s) || open_cluster(&s) || open_listener(&s, port))
		goto out;

	for (;;) {
		struct epoll_event evs[32];
		int n, timeout = -1;

		if (s.draining) {
			uint64_t now = now_ms();
			struct client *c;
			bool pending = false;

			if (!drain_until) {
				/* No more events and no new clients. */
				drain_until = now + DRAIN_MS;
				epoll_ctl(s.ep, EPOLL_CTL_DEL, s.port.fd, NULL);
				epoll_ctl(s.ep, EPOLL_CTL_DEL, s.listen.fd,
					  NULL);
			}
			for (c = s.clients; c; c = c->next)
				pending |= c->out_len > 0;
			if (!pending || now >= drain_until) {
				printf("%lu events served, exiting\n",
				       s.events);
				ret = 0;
				break;
			}
			timeout = (int)(drain_until - now);
		}
		n = epoll_wait(s.ep, evs, N_OF(evs), timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: epoll_wait: %s\n", prog,
				strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;
			struct client *c = (struct client *)w;

			switch (w->kind) {
			case K_SIGNAL:
				printf("%lu events served, signalled\n",
				       s.events);
				ret = 0;
				goto out;
			case K_LISTEN:
				if (!s.draining)
					accept_clients(&s);
				break;
			case K_PORT:
				/* EPOLLHUP: the port was shut down. */
				if (evs[i].events & EPOLLHUP) {
					fprintf(stderr, "%s: the port was closed\n",
						prog);
					goto out;
				}
				if (!s.draining && port_readable(&s))
					goto out;
				break;
			case K_CLIENT:
				if (c->dead)
					break;
				if (evs[i].events & EPOLLOUT) {
					if (client_flush(&s, c))
						break;
				}
				if (evs[i].events & (EPOLLIN | EPOLLRDHUP |
						     EPOLLHUP | EPOLLERR))
					client_readable(&s, c);
				break;
			}
		}
		bury_dead(&s);
	}
out:
	fflush(stdout);
	while (s.clients)
		client_close(&s, s.clients, "closed at exit");
	bury_dead(&s);
	if (s.hChange)
		CloseClusterNotifyPort(s.hChange);
	if (s.hCluster)
		CloseCluster(s.hCluster);
	if (s.listen.fd >= 0)
		close(s.listen.fd);
	if (s.sig.fd >= 0)
		close(s.sig.fd);
	close(s.ep);
	return ret;
}
