// SPDX-License-Identifier: MIT
/*
 * A V2 listener that follows where groups run, written the way a Windows
 * program is: clusapi.h only, WCHAR strings, one V2 port with a key per
 * kind of object, and GetClusterNotifyV2 called with the documented retry
 * on ERROR_MORE_DATA. Build it as Windows sources are built, with a 2-byte
 * wchar_t:
 *
 *   cc -fshort-wchar v2_listener.c $(pkg-config --cflags --libs libclusapi) -lpthread
 *
 * usage: v2_listener [--count N] [--timeout MS] CLUSTER
 *
 * Prints one line per event, nothing else on stdout:
 *
 *   group "Group One" state Online, owner Node1
 *   group "Group One" owner Node2
 *   group "Group One" added       group "Group One" deleted
 *   node "Node1" state Down       node "Node1" deleted
 *   cluster "NAME" reconnected    cluster "NAME" notifications lost
 *   cluster "NAME" down
 *
 * It exits 0 after N events (--count), when the cluster goes down (after
 * printing that line), on SIGINT or SIGTERM, and when no event came for
 * MS milliseconds (--timeout) unless --count was given and not reached.
 * Errors go to stderr with a non-zero status: 2 for bad usage, 1 else.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>

#define KEY_GROUPS 1
#define KEY_CLUSTER 2
#define KEY_NODES 3

/* Start small: real names soon exceed it, so the retry path is used. */
#define INITIAL_CCH 32

static const char *prog = "v2_listener";

/* The buffers GetClusterNotifyV2 fills; they grow on ERROR_MORE_DATA. */
struct notify_bufs {
	BYTE *buffer;
	DWORD cbBuffer;
	WCHAR *str[4];		/* object id, parent id, name, type */
	DWORD cch[4];
};

enum { S_ID, S_PARENT, S_NAME, S_TYPE };

/* What this program has learned from the events it saw. */
struct known {
	WCHAR *id;
	WCHAR *name;
	struct known *next;
};

struct listener {
	HCLUSTER hCluster;
	HCHANGE hChange;
	const char *cluster_name;
	struct known *nodes;	/* node id -> node name */
	struct known *owners;	/* group id -> owner node name */
};

/* Set by the signal thread, read with atomics. */
static int stop_requested;

/* ------------------------------------------------------------------ */
/* WCHAR strings (UTF-16)                                              */
/* ------------------------------------------------------------------ */

static size_t wlen(const WCHAR *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int wequal(const WCHAR *a, const WCHAR *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static WCHAR *wdup(const WCHAR *s)
{
	size_t n = (wlen(s) + 1) * sizeof(WCHAR);
	WCHAR *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* Write s to stdout as UTF-8 (what WideCharToMultiByte would do). */
static void put_wide(const WCHAR *s)
{
	for (; *s; s++) {
		unsigned long c = (unsigned short)*s;

		if (c >= 0xd800 && c < 0xdc00 && s[1] >= 0xdc00 &&
		    s[1] < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    ((unsigned short)s[1] - 0xdc00);
			s++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;	/* a lone surrogate */
		}
		if (c < 0x80) {
			putchar((int)c);
		} else if (c < 0x800) {
			putchar((int)(0xc0 | (c >> 6)));
			putchar((int)(0x80 | (c & 0x3f)));
		} else if (c < 0x10000) {
			putchar((int)(0xe0 | (c >> 12)));
			putchar((int)(0x80 | ((c >> 6) & 0x3f)));
			putchar((int)(0x80 | (c & 0x3f)));
		} else {
			putchar((int)(0xf0 | (c >> 18)));
			putchar((int)(0x80 | ((c >> 12) & 0x3f)));
			putchar((int)(0x80 | ((c >> 6) & 0x3f)));
			putchar((int)(0x80 | (c & 0x3f)));
		}
	}
}

/*
 * A command-line argument (UTF-8) as a WCHAR string, for OpenCluster.
 * NULL if it is not valid UTF-8 or memory runs out.
 */
static WCHAR *utf8_to_wide(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	WCHAR *w = malloc((strlen(s) + 1) * sizeof(WCHAR));
	size_t n = 0;

	if (!w)
		return NULL;
	while (*p) {
		unsigned long c;
		int more, i;

		if (*p < 0x80) {
			c = *p;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p & 0x07;
			more = 3;
		} else {
			goto bad;
		}
		p++;
		for (i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				goto bad;
			c = (c << 6) | (*p & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (more == 3 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c < 0xe000))
			goto bad;
		if (c >= 0x10000) {
			c -= 0x10000;
			w[n++] = (WCHAR)(0xd800 + (c >> 10));
			w[n++] = (WCHAR)(0xdc00 + (c & 0x3ff));
		} else {
			w[n++] = (WCHAR)c;
		}
	}
	w[n] = 0;
	return w;
bad:
	free(w);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* What the events taught us                                           */
/* ------------------------------------------------------------------ */

static struct known *known_find(struct known *list, const WCHAR *id)
{
	for (; list; list = list->next)
		if (wequal(list->id, id))
			return list;
	return NULL;
}

/*
 * Remember name for id. Returns the stored copy, or NULL when memory runs
 * out. name may be the stored copy itself: it is copied before it is freed.
 */
static const WCHAR *known_set(struct known **list, const WCHAR *id,
			      const WCHAR *name)
{
	struct known *k = known_find(*list, id);
	WCHAR *copy = wdup(name);

	if (!copy)
		return NULL;
	if (k) {
		free(k->name);
		k->name = copy;
		return copy;
	}
	k = malloc(sizeof(*k));
	if (k)
		k->id = wdup(id);
	if (!k || !k->id) {
		free(k);
		free(copy);
		return NULL;
	}
	k->name = copy;
	k->next = *list;
	*list = k;
	return copy;
}

static void known_forget(struct known **list, const WCHAR *id)
{
	struct known **pp, *k;

	for (pp = list; (k = *pp); pp = &k->next) {
		if (wequal(k->id, id)) {
			*pp = k->next;
			free(k->id);
			free(k->name);
			free(k);
			return;
		}
	}
}

static void known_free(struct known *list)
{
	while (list) {
		struct known *next = list->next;

		free(list->id);
		free(list->name);
		free(list);
		list = next;
	}
}

/* ------------------------------------------------------------------ */
/* Names of states                                                     */
/* ------------------------------------------------------------------ */

/* Indexed by state; -1 (Unknown) and anything else are printed apart. */
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

static void put_state(const char *const *names, DWORD n, DWORD state)
{
	if (state < n)
		printf("%s", names[state]);
	else if (state == (DWORD)-1)	/* every *StateUnknown is -1 */
		printf("Unknown");
	else
		printf("%lu", (unsigned long)state);
}

#define put_group_state(s) \
	put_state(group_states, sizeof(group_states) / sizeof(group_states[0]), s)
#define put_node_state(s) \
	put_state(node_states, sizeof(node_states) / sizeof(node_states[0]), s)

/* ------------------------------------------------------------------ */
/* Asking the cluster                                                  */
/* ------------------------------------------------------------------ */

/*
 * The group's state and owner as the cluster has them now, which may be
 * later than the event being shown: the documentation warns that the
 * cluster's state when a notification is processed may differ from when
 * it was generated. Used only when the events have not told us.
 */
static DWORD query_group(struct listener *l, const WCHAR *name, DWORD *state,
			 WCHAR *owner, DWORD cchOwner)
{
	HGROUP hGroup = OpenClusterGroup(l->hCluster, name);
	DWORD cch = cchOwner;

	if (!hGroup)
		return GetLastError();
	*state = (DWORD)GetClusterGroupState(hGroup, owner, &cch);
	CloseClusterGroup(hGroup);
	return *state == (DWORD)ClusterGroupStateUnknown ? GetLastError() :
							    ERROR_SUCCESS;
}

static DWORD query_node_state(struct listener *l, const WCHAR *name,
			      DWORD *state)
{
	HNODE hNode = OpenClusterNode(l->hCluster, name);

	if (!hNode)
		return GetLastError();
	*state = (DWORD)GetClusterNodeState(hNode);
	CloseClusterNode(hNode);
	return *state == (DWORD)ClusterNodeStateUnknown ? GetLastError() :
							   ERROR_SUCCESS;
}

/* A *_STATE_V2 payload is exactly one DWORD (os-win rejects anything else). */
static int payload_state(const struct notify_bufs *b, DWORD size,
			 DWORD *state)
{
	if (size != sizeof(DWORD))
		return 0;
	memcpy(state, b->buffer, sizeof(DWORD));
	return 1;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/*
 * The name of the node a group event says owns the group: ParentId, when
 * the event carries one, is the owner node's id, named through the node
 * events seen so far; else the owner this program last saw for the
 * group. NULL if neither is known.
 */
static const WCHAR *event_owner(struct listener *l, const WCHAR *group_id,
				const WCHAR *parent_id)
{
	struct known *k;

	if (*parent_id) {
		k = known_find(l->nodes, parent_id);
		return k ? k->name : NULL;
	}
	k = known_find(l->owners, group_id);
	return k ? k->name : NULL;
}

static int on_group(struct listener *l, LONGLONG flag,
		    const struct notify_bufs *b, DWORD cbPayload)
{
	const WCHAR *id = b->str[S_ID], *name = b->str[S_NAME];
	const WCHAR *owner = event_owner(l, id, b->str[S_PARENT]);
	WCHAR now_owner[1024];	/* a name is at most 1023 units */
	DWORD state = 0, now_state = (DWORD)ClusterGroupStateUnknown, err;
	int have_state = payload_state(b, cbPayload, &state);

	if (flag == CLUSTER_CHANGE_GROUP_DELETED_V2) {
		known_forget(&l->owners, id);
		printf("group \"");
		put_wide(name);
		printf("\" deleted\n");
		return 0;
	}
	if ((flag == CLUSTER_CHANGE_GROUP_STATE_V2 && !have_state) || !owner) {
		err = query_group(l, name, &now_state, now_owner,
				  sizeof(now_owner) / sizeof(now_owner[0]));
		if (err != ERROR_SUCCESS) {
			fprintf(stderr, "%s: GetClusterGroupState: error %lu\n",
				prog, (unsigned long)err);
			return -1;
		}
		if (!owner)
			owner = now_owner;
		if (!have_state)
			state = now_state;
	}
	/* The old cached name goes: print the stored copy. */
	owner = known_set(&l->owners, id, owner);
	if (!owner) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	printf("group \"");
	put_wide(name);
	if (flag == CLUSTER_CHANGE_GROUP_STATE_V2) {
		printf("\" state ");
		put_group_state(state);
		printf(", owner ");
	} else {
		printf("\" owner ");
	}
	if (*owner)
		put_wide(owner);
	else
		printf("(none)");
	printf("\n");
	return 0;
}

static int on_node(struct listener *l, LONGLONG flag,
		   const struct notify_bufs *b, DWORD cbPayload)
{
	const WCHAR *name = b->str[S_NAME];
	DWORD state = 0, err;

	printf("node \"");
	if (flag == CLUSTER_CHANGE_NODE_DELETED_V2) {
		known_forget(&l->nodes, b->str[S_ID]);
		put_wide(name);
		printf("\" deleted\n");
		return 0;
	}
	/* Every node event names its node: learn the id's name. */
	if (!known_set(&l->nodes, b->str[S_ID], name)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if (!payload_state(b, cbPayload, &state)) {
		err = query_node_state(l, name, &state);
		if (err != ERROR_SUCCESS) {
			fprintf(stderr, "%s: GetClusterNodeState: error %lu\n",
				prog, (unsigned long)err);
			return -1;
		}
	}
	put_wide(name);
	printf("\" state ");
	put_node_state(state);
	printf("\n");
	return 0;
}

/* 1 when the cluster went down (the end), 0 to go on. */
static int on_cluster(struct listener *l, LONGLONG flag,
		      const struct notify_bufs *b)
{
	if (flag == CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2) {
		printf("group \"");
		put_wide(b->str[S_NAME]);
		printf("\" added\n");
		return 0;
	}
	printf("cluster \"%s\" ", l->cluster_name);
	switch (flag) {
	case CLUSTER_CHANGE_CLUSTER_STATE_V2:
		printf("down\n");
		return 1;
	case CLUSTER_CHANGE_CLUSTER_RECONNECT_V2:
		/*
		 * Events around a reconnect may be lost: forget what we
		 * learned and ask the cluster again when needed.
		 */
		known_free(l->owners);
		l->owners = NULL;
		printf("reconnected\n");
		return 0;
	case CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2:
		known_free(l->owners);
		l->owners = NULL;
		printf("notifications lost\n");
		return 0;
	}
	printf("event 0x%llx\n", (unsigned long long)flag);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The port                                                            */
/* ------------------------------------------------------------------ */

static int bufs_init(struct notify_bufs *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	b->cbBuffer = sizeof(DWORD);
	b->buffer = malloc(b->cbBuffer);
	for (i = 0; i < 4; i++) {
		b->cch[i] = INITIAL_CCH;
		b->str[i] = malloc(INITIAL_CCH * sizeof(WCHAR));
		if (!b->str[i])
			return -1;
	}
	return b->buffer ? 0 : -1;
}

static void bufs_free(struct notify_bufs *b)
{
	int i;

	free(b->buffer);
	for (i = 0; i < 4; i++)
		free(b->str[i]);
}

/*
 * The next event. Every size is in/out: set to the capacity before each
 * call. On ERROR_MORE_DATA the event stays queued and every size says what
 * it needs, so grow what was short and call again. One more character
 * than asked for, because the documentation counts the NUL out while some
 * implementations count it in.
 */
static DWORD get_event(HCHANGE hChange, struct notify_bufs *b,
		       DWORD_PTR *key, NOTIFY_FILTER_AND_TYPE *fat,
		       DWORD *cbPayload, DWORD ms)
{
	DWORD status, cch[4], cb;
	int i, tries;

	for (tries = 0; tries < 8; tries++) {
		for (i = 0; i < 4; i++)
			cch[i] = b->cch[i];
		cb = b->cbBuffer;
		status = GetClusterNotifyV2(hChange, key, fat, b->buffer, &cb,
					    b->str[S_ID], &cch[S_ID],
					    b->str[S_PARENT], &cch[S_PARENT],
					    b->str[S_NAME], &cch[S_NAME],
					    b->str[S_TYPE], &cch[S_TYPE], ms);
		if (status != ERROR_MORE_DATA) {
			*cbPayload = cb;
			return status;
		}
		if (cb > b->cbBuffer) {
			BYTE *nb = realloc(b->buffer, cb);

			if (!nb)
				return ERROR_NOT_ENOUGH_MEMORY;
			b->buffer = nb;
			b->cbBuffer = cb;
		}
		for (i = 0; i < 4; i++) {
			WCHAR *ns;

			if (cch[i] < b->cch[i])
				continue;
			ns = realloc(b->str[i], (cch[i] + 1) * sizeof(WCHAR));
			if (!ns)
				return ERROR_NOT_ENOUGH_MEMORY;
			b->str[i] = ns;
			b->cch[i] = cch[i] + 1;
		}
	}
	/* Sizes that never settle: not what the documentation promises. */
	return ERROR_MORE_DATA;
}

/*
 * SIGINT and SIGTERM are taken by this thread (they are blocked in every
 * other), the way a console control handler runs in a thread of its own
 * on Windows. It closes the port: GetClusterNotifyV2, blocked in the main
 * thread, then returns ERROR_INVALID_HANDLE ("hChange is invalid or has
 * been closed by another thread", the documentation). The documentation
 * ("Closing a Notification Port") warns that closing a port while another
 * thread waits on it is a race, and recommends ending the reader through
 * CLUSTER_CHANGE_HANDLE_CLOSE instead (notify_port.c does that); os-win
 * closes the port and ignores the error, as here. With libclusapi the race
 * is harmless: handles are generation-checked, so the stale port handle
 * fails cleanly and is never reused for another port.
 */
static void *signal_thread(void *arg)
{
	struct listener *l = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig) == 0) {
		__atomic_store_n(&stop_requested, 1, __ATOMIC_RELEASE);
		CloseClusterNotifyPort(l->hChange);
	}
	return NULL;
}

static int open_port(struct listener *l)
{
	NOTIFY_FILTER_AND_TYPE groups = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP,
		.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2 |
			       CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 |
			       CLUSTER_CHANGE_GROUP_DELETED_V2,
	};
	NOTIFY_FILTER_AND_TYPE cluster = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_CLUSTER,
		.FilterFlags = CLUSTER_CHANGE_CLUSTER_STATE_V2 |
			       CLUSTER_CHANGE_CLUSTER_RECONNECT_V2 |
			       CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2 |
			       CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2,
	};
	NOTIFY_FILTER_AND_TYPE nodes = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_NODE,
		.FilterFlags = CLUSTER_CHANGE_NODE_STATE_V2 |
			       CLUSTER_CHANGE_NODE_DELETED_V2,
	};
	DWORD err;

	/* One call per key: the first creates the port, the next add to it. */
	l->hChange = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
					       l->hCluster, &groups, 1,
					       KEY_GROUPS);
	if (!l->hChange ||
	    CreateClusterNotifyPortV2(l->hChange, l->hCluster, &cluster, 1,
				      KEY_CLUSTER) != l->hChange) {
		fprintf(stderr, "%s: CreateClusterNotifyPortV2: error %lu\n",
			prog, (unsigned long)GetLastError());
		return -1;
	}
	/* The same for the nodes, registered against the cluster handle. */
	err = RegisterClusterNotifyV2(l->hChange, nodes, l->hCluster,
				      KEY_NODES);
	if (err != ERROR_SUCCESS) {
		fprintf(stderr, "%s: RegisterClusterNotifyV2: error %lu\n",
			prog, (unsigned long)err);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--count N] [--timeout MS] CLUSTER\n", prog);
}

/* A decimal number in [min, max], else a message and -1. */
static int parse_number(const char *opt, const char *s, unsigned long min,
			unsigned long max, unsigned long *out)
{
	char *end;

	if (!s) {
		fprintf(stderr, "%s: %s needs a value\n", prog, opt);
		return -1;
	}
	if (*s < '0' || *s > '9') {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, opt,
			s);
		return -1;
	}
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end) {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, opt,
			s);
		return -1;
	}
	if (errno == ERANGE || *out < min || *out > max) {
		fprintf(stderr, "%s: %s: %s is out of range %lu..%lu\n", prog,
			opt, s, min, max);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 0, timeout = INFINITE;
	struct listener l = { 0 };
	struct notify_bufs b = { 0 };
	const char *cluster_arg = NULL;
	WCHAR *wszCluster;
	pthread_t th;
	sigset_t set;
	unsigned long seen = 0;
	int i, ret = 1;

	if (argc > 0 && argv[0][0]) {
		prog = strrchr(argv[0], '/');
		prog = prog ? prog + 1 : argv[0];
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count")) {
			if (parse_number("--count", argv[++i], 1, 0xffffffffUL,
					 &count))
				return 2;
		} else if (!strcmp(argv[i], "--timeout")) {
			/* INFINITE itself is not a timeout. */
			if (parse_number("--timeout", argv[++i], 0,
					 0xfffffffeUL, &timeout))
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
		} else if (cluster_arg) {
			fprintf(stderr, "%s: one cluster only ('%s' and '%s')\n",
				prog, cluster_arg, argv[i]);
			return 2;
		} else {
			cluster_arg = argv[i];
		}
	}
	if (!cluster_arg || !*cluster_arg) {
		fprintf(stderr, "%s: no cluster named\n", prog);
		usage(stderr);
		return 2;
	}
	wszCluster = utf8_to_wide(cluster_arg);
	if (!wszCluster) {
		fprintf(stderr, "%s: cluster name '%s' is not valid UTF-8\n",
			prog, cluster_arg);
		return 2;
	}
	l.cluster_name = cluster_arg;

	/* Before any thread exists, so that every thread inherits it. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	l.hCluster = OpenCluster(wszCluster);
	free(wszCluster);
	if (!l.hCluster) {
		DWORD err = GetLastError();

		fprintf(stderr, "%s: cannot open cluster '%s': error %lu%s\n",
			prog, cluster_arg, (unsigned long)err,
			err == RPC_S_SERVER_UNAVAILABLE ? " (no such cluster)" :
			err == ERROR_ACCESS_DENIED ? " (access denied)" : "");
		return 1;
	}
	if (bufs_init(&b)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (open_port(&l))
		goto out;
	if (pthread_create(&th, NULL, signal_thread, &l)) {
		fprintf(stderr, "%s: cannot start the signal thread\n", prog);
		goto out;
	}

	for (;;) {
		NOTIFY_FILTER_AND_TYPE fat;
		DWORD_PTR key;
		DWORD status, cbPayload;
		int r;

		status = get_event(l.hChange, &b, &key, &fat, &cbPayload,
				   (DWORD)timeout);
		if (status == ERROR_INVALID_HANDLE &&
		    __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE)) {
			ret = 0;	/* the signal thread closed the port */
			break;
		}
		if (status == WAIT_TIMEOUT) {
			if (count && seen < count) {
				fprintf(stderr,
					"%s: %lu of %lu events before the %lu ms timeout\n",
					prog, seen, count, timeout);
				break;
			}
			ret = 0;
			break;
		}
		if (status != ERROR_SUCCESS) {
			fprintf(stderr, "%s: GetClusterNotifyV2: error %lu\n",
				prog, (unsigned long)status);
			break;
		}
		switch (fat.dwObjectType) {
		case CLUSTER_OBJECT_TYPE_GROUP:
			r = on_group(&l, fat.FilterFlags, &b, cbPayload);
			break;
		case CLUSTER_OBJECT_TYPE_NODE:
			r = on_node(&l, fat.FilterFlags, &b, cbPayload);
			break;
		case CLUSTER_OBJECT_TYPE_CLUSTER:
			r = on_cluster(&l, fat.FilterFlags, &b);
			break;
		default:
			fprintf(stderr, "%s: unexpected object type %lu (key %lu)\n",
				prog, (unsigned long)fat.dwObjectType,
				(unsigned long)key);
			r = -1;
		}
		fflush(stdout);
		if (r < 0)
			break;
		seen++;
		if (r > 0 || (count && seen >= count)) {
			ret = 0;	/* the cluster is gone, or enough seen */
			break;
		}
	}
out:
	/* Closing twice (here and in the signal thread) is harmless. */
	if (l.hChange)
		CloseClusterNotifyPort(l.hChange);
	CloseCluster(l.hCluster);
	bufs_free(&b);
	known_free(l.nodes);
	known_free(l.owners);
	return ret;
}
