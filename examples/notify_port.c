// SPDX-License-Identifier: MIT
/*
 * The classic notification-port program, written the way a Windows program
 * is: clusapi.h only, L"..." literals, a port thread that loops on
 * GetClusterNotify with a timeout, dwNotifyKey used as an index, and
 * CloseCluster from the main thread ending that loop through
 * CLUSTER_CHANGE_HANDLE_CLOSE. Build it as Windows sources are built, with
 * a 2-byte wchar_t:
 *
 *   cc -fshort-wchar notify_port.c $(pkg-config --cflags --libs libclusapi) -lpthread
 *
 * usage: notify_port [CLUSTER [EVENTS]]
 * Prints one line per event; after EVENTS events (default 3, or 10 s) it
 * closes the cluster and exits 0 once the port thread saw HANDLE_CLOSE.
 * Only the thread itself is POSIX (CreateThread has no clusapi.h twin).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <clusapi.h>

#define KEY_GROUPS 1
#define KEY_RESOURCES 2
#define KEY_NODES 3

struct port_thread {
	HCHANGE hChange;
	volatile LONG events;
	volatile LONG handle_closed;
};

/* Names here are ASCII; a real program would convert properly. */
static void print_wide(const WCHAR *s)
{
	for (; *s; s++)
		putchar(*s < 128 ? (char)*s : '?');
}

static const char *key_name(DWORD_PTR key)
{
	switch (key) {
	case KEY_GROUPS: return "groups";
	case KEY_RESOURCES: return "resources";
	case KEY_NODES: return "nodes";
	}
	return "?";
}

static void *port_thread(void *arg)
{
	struct port_thread *pt = arg;
	WCHAR szName[256];
	DWORD dwStatus, dwFilter, cchName;
	DWORD_PTR dwKey;

	do {
		cchName = sizeof(szName) / sizeof(szName[0]);	/* every call */
		dwStatus = GetClusterNotify(pt->hChange, &dwKey, &dwFilter,
					    szName, &cchName, 500);
		if (dwStatus == WAIT_TIMEOUT)
			continue;
		if (dwStatus != ERROR_SUCCESS)
			break;
		if (dwFilter == CLUSTER_CHANGE_HANDLE_CLOSE) {
			printf("handle closed: ");
			print_wide(szName);
			printf("\n");
			pt->handle_closed = 1;
			break;
		}
		printf("event %s 0x%08x: ", key_name(dwKey), (unsigned)dwFilter);
		print_wide(szName);
		printf("\n");
		fflush(stdout);
		__atomic_add_fetch(&pt->events, 1, __ATOMIC_RELEASE);
	} while (dwStatus == ERROR_SUCCESS || dwStatus == WAIT_TIMEOUT);
	if (dwStatus != ERROR_SUCCESS)
		printf("GetClusterNotify: %u\n", (unsigned)dwStatus);
	return NULL;
}

int main(int argc, char **argv)
{
	WCHAR wszCluster[256];
	LPCWSTR lpszCluster = NULL;
	struct port_thread pt = { 0 };
	LONG want = 3;
	HCLUSTER hCluster;
	HGROUP hGroup;
	HNODE hNode;
	pthread_t th;
	int i;

	if (argc > 3) {
		fprintf(stderr, "usage: notify_port [CLUSTER [EVENTS]]\n");
		return 2;
	}
	if (argc > 2) {
		char *end;
		long n = strtol(argv[2], &end, 10);

		/* atol() took "x" as 0 events and exited 0: say so instead. */
		if (end == argv[2] || *end || n < 1 || n > 1000000) {
			fprintf(stderr,
				"notify_port: EVENTS must be a number from 1 to 1000000, not '%s'\n",
				argv[2]);
			return 2;
		}
		want = n;
	}
	if (argc > 1) {
		for (i = 0; argv[1][i] && i < 255; i++)
			wszCluster[i] = (WCHAR)(unsigned char)argv[1][i];
		wszCluster[i] = 0;
		lpszCluster = wszCluster;
	}
	hCluster = OpenCluster(lpszCluster);
	if (!hCluster) {
		printf("OpenCluster: %u\n", (unsigned)GetLastError());
		return 2;
	}
	/* Groups and resources on the port, each under its own key... */
	pt.hChange = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hCluster,
					     CLUSTER_CHANGE_GROUP_STATE |
						     CLUSTER_CHANGE_GROUP_ADDED |
						     CLUSTER_CHANGE_GROUP_DELETED |
						     CLUSTER_CHANGE_HANDLE_CLOSE,
					     KEY_GROUPS);
	if (!pt.hChange ||
	    CreateClusterNotifyPort(pt.hChange, hCluster,
				    CLUSTER_CHANGE_RESOURCE_STATE,
				    KEY_RESOURCES) != pt.hChange) {
		printf("CreateClusterNotifyPort: %u\n", (unsigned)GetLastError());
		return 2;
	}
	/* ...and one node, registered on its own handle. */
	hGroup = OpenClusterGroup(hCluster, L"Group One");
	if (hGroup) {
		WCHAR szNode[64];
		DWORD cch = 64;
		CLUSTER_GROUP_STATE state = GetClusterGroupState(hGroup, szNode,
								 &cch);

		printf("Group One is in state %d on ", (int)state);
		print_wide(szNode);
		printf("\n");
		CloseClusterGroup(hGroup);
	}
	/*
	 * A registration lives as long as its handle: hNode stays open, and
	 * CloseCluster below closes it with every other derived handle.
	 */
	hNode = OpenClusterNode(hCluster, L"Node1");
	if (hNode && RegisterClusterNotify(pt.hChange, CLUSTER_CHANGE_NODE_STATE,
					   hNode, KEY_NODES) != ERROR_SUCCESS)
		printf("RegisterClusterNotify failed\n");
	printf("ready\n");
	fflush(stdout);

	pthread_create(&th, NULL, port_thread, &pt);
	for (i = 0; i < 1000 && __atomic_load_n(&pt.events, __ATOMIC_ACQUIRE) <
				       want; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	/* Closing the cluster handle is what ends the port thread. */
	CloseCluster(hCluster);
	pthread_join(th, NULL);
	CloseClusterNotifyPort(pt.hChange);
	printf("%ld events\n", (long)pt.events);
	return pt.events >= want && pt.handle_closed ? 0 : 1;
}
