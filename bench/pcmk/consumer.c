// SPDX-License-Identifier: GPL-2.0
/*
 * pcmk-consumer: the application of the Pacemaker latency benchmark
 * (bench/pcmk/guest.sh). A program written for Windows would do exactly
 * this, so it uses clusapi.h alone: OpenCluster, one CreateClusterNotifyPortV2
 * call per object type (one filter per call, the Windows rule), and a
 * blocking GetClusterNotifyV2(INFINITE) per record. The moment each call
 * returns is the end of the bridge's latency, printed as one line:
 *
 *   rec MONO SEQ TYPE KIND NAME STATE
 *
 * MONO is CLOCK_MONOTONIC in seconds, the clock every stamp of the guest
 * script uses (pcmk-tool); SEQ counts records from 1; TYPE and KIND are
 * the object type and the flag (a name for the ones the benchmark looks
 * for, hex otherwise); STATE is the state a *_STATE_V2 record carries, by
 * its enumerator's name, "-" for other records.
 *
 *   pcmk-consumer CLUSTER
 *
 * It says "ready" on stderr once every filter is in place and runs until
 * it is killed: stdout is line buffered, so a kill loses no record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <clusapi.h>

#define NAME_CCH 512

static const struct {
	DWORD type;
	const char *name;
	LONGLONG all;
} types[] = {
	{ CLUSTER_OBJECT_TYPE_CLUSTER, "CLUSTER", CLUSTER_CHANGE_CLUSTER_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_GROUP, "GROUP", CLUSTER_CHANGE_GROUP_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_RESOURCE, "RESOURCE", CLUSTER_CHANGE_RESOURCE_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_RESOURCE_TYPE, "RESOURCE_TYPE",
	  CLUSTER_CHANGE_RESOURCE_TYPE_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE, "NETINTERFACE",
	  CLUSTER_CHANGE_NETINTERFACE_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_NETWORK, "NETWORK", CLUSTER_CHANGE_NETWORK_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_NODE, "NODE", CLUSTER_CHANGE_NODE_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_REGISTRY, "REGISTRY", CLUSTER_CHANGE_REGISTRY_ALL_V2 },
	{ CLUSTER_OBJECT_TYPE_QUORUM, "QUORUM", CLUSTER_CHANGE_QUORUM_ALL_V2 },
};

static const char *type_name(DWORD type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	return "OTHER";
}

/* The kinds the guest script matches; the rest print as hex. */
static const char *kind_name(DWORD type, LONGLONG flag, char *buf, size_t len)
{
	if ((type == CLUSTER_OBJECT_TYPE_RESOURCE &&
	     flag == CLUSTER_CHANGE_RESOURCE_STATE_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_NODE &&
	     flag == CLUSTER_CHANGE_NODE_STATE_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_GROUP &&
	     flag == CLUSTER_CHANGE_GROUP_STATE_V2))
		return "STATE";
	if ((type == CLUSTER_OBJECT_TYPE_RESOURCE &&
	     flag == CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_NODE &&
	     flag == CLUSTER_CHANGE_NODE_COMMON_PROPERTY_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_GROUP &&
	     flag == CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2))
		return "COMMON_PROPERTY";
	if ((type == CLUSTER_OBJECT_TYPE_RESOURCE &&
	     flag == CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_NODE &&
	     flag == CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2) ||
	    (type == CLUSTER_OBJECT_TYPE_GROUP &&
	     flag == CLUSTER_CHANGE_GROUP_PRIVATE_PROPERTY_V2))
		return "PRIVATE_PROPERTY";
	snprintf(buf, len, "0x%llx", (unsigned long long)flag);
	return buf;
}

static const char *state_name(DWORD type, DWORD s)
{
	switch (type) {
	case CLUSTER_OBJECT_TYPE_RESOURCE:
		switch (s) {
		case ClusterResourceOnline: return "Online";
		case ClusterResourceOffline: return "Offline";
		case ClusterResourceFailed: return "Failed";
		case ClusterResourceOnlinePending: return "OnlinePending";
		case ClusterResourceOfflinePending: return "OfflinePending";
		}
		break;
	case CLUSTER_OBJECT_TYPE_GROUP:
		switch (s) {
		case ClusterGroupOnline: return "Online";
		case ClusterGroupOffline: return "Offline";
		case ClusterGroupFailed: return "Failed";
		case ClusterGroupPartialOnline: return "PartialOnline";
		case ClusterGroupPending: return "Pending";
		}
		break;
	case CLUSTER_OBJECT_TYPE_NODE:
		switch (s) {
		case ClusterNodeUp: return "Up";
		case ClusterNodeDown: return "Down";
		case ClusterNodePaused: return "Paused";
		case ClusterNodeJoining: return "Joining";
		}
		break;
	}
	return "other";
}

/*
 * UTF-16 to UTF-8 for printing; names are Pacemaker ids, so a lone
 * surrogate only needs to come out as something visible.
 */
static void put_name(const WCHAR *w, DWORD n)
{
	DWORD i;

	if (!n) {
		fputc('-', stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned int c = w[i];

		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n &&
		    w[i + 1] >= 0xdc00 && w[i + 1] < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (w[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = '?';
		}
		if (c <= ' ') {
			fputc('_', stdout);	/* one field, whitespace-split */
		} else if (c < 0x80) {
			fputc((int)c, stdout);
		} else if (c < 0x800) {
			fputc(0xc0 | (c >> 6), stdout);
			fputc(0x80 | (c & 0x3f), stdout);
		} else if (c < 0x10000) {
			fputc(0xe0 | (c >> 12), stdout);
			fputc(0x80 | ((c >> 6) & 0x3f), stdout);
			fputc(0x80 | (c & 0x3f), stdout);
		} else {
			fputc(0xf0 | (c >> 18), stdout);
			fputc(0x80 | ((c >> 12) & 0x3f), stdout);
			fputc(0x80 | ((c >> 6) & 0x3f), stdout);
			fputc(0x80 | (c & 0x3f), stdout);
		}
	}
}

static WCHAR *utf16_ascii(const char *s)
{
	size_t n = strlen(s), i;
	WCHAR *w = calloc(n + 1, sizeof(*w));

	if (!w)
		return NULL;
	for (i = 0; i < n; i++)
		w[i] = (unsigned char)s[i];
	return w;
}

int main(int argc, char **argv)
{
	static WCHAR id[NAME_CCH], parent[NAME_CCH], name[NAME_CCH], type[NAME_CCH];
	DWORD bufsize = 4096, size, cid, cpar, cname, ctype, rc;
	unsigned long long seq = 0;
	NOTIFY_FILTER_AND_TYPE f;
	HCHANGE port = INVALID_HANDLE_VALUE;
	HCLUSTER hc;
	DWORD_PTR key;
	BYTE *buf;
	WCHAR *wname;
	size_t i;
	int nfilters = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: pcmk-consumer CLUSTER\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	wname = utf16_ascii(argv[1]);
	buf = malloc(bufsize);
	if (!wname || !buf) {
		fprintf(stderr, "pcmk-consumer: out of memory\n");
		return 1;
	}
	hc = OpenCluster(wname);
	if (!hc) {
		fprintf(stderr, "pcmk-consumer: OpenCluster(%s): Win32 error %u\n",
			argv[1], GetLastError());
		return 1;
	}
	/*
	 * Every type the bridge may post; a type the module does not know
	 * only costs its filter, said once, and the rest still counts.
	 */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		HCHANGE h;

		memset(&f, 0, sizeof(f));
		f.dwObjectType = types[i].type;
		f.FilterFlags = types[i].all;
		h = CreateClusterNotifyPortV2(port, hc, &f, 1, i + 1);
		if (!h) {
			fprintf(stderr, "pcmk-consumer: filter on %s: Win32 error %u\n",
				types[i].name, GetLastError());
			continue;
		}
		port = h;
		nfilters++;
	}
	if (!nfilters)
		return 1;
	fprintf(stderr, "pcmk-consumer: ready, %d filters\n", nfilters);

	for (;;) {
		struct timespec ts;
		char kbuf[32];

		size = bufsize;
		cid = cpar = cname = ctype = NAME_CCH;
		rc = GetClusterNotifyV2(port, &key, &f, buf, &size, id, &cid,
					parent, &cpar, name, &cname, type,
					&ctype, INFINITE);
		/* First the clock: what follows is not the latency's. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (rc == ERROR_MORE_DATA && size > bufsize) {
			/* The record stays queued; take it with room for it. */
			free(buf);
			bufsize = size;
			buf = malloc(bufsize);
			if (!buf)
				return 1;
			continue;
		}
		if (rc != ERROR_SUCCESS) {
			fprintf(stderr, "pcmk-consumer: GetClusterNotifyV2: Win32 error %u\n",
				rc);
			return 1;
		}
		seq++;
		printf("rec %lld.%09ld %llu %s %s ", (long long)ts.tv_sec,
		       ts.tv_nsec, seq, type_name(f.dwObjectType),
		       kind_name(f.dwObjectType, f.FilterFlags, kbuf,
				 sizeof(kbuf)));
		put_name(name, cname);
		if (size == sizeof(DWORD) &&
		    !strcmp(kind_name(f.dwObjectType, f.FilterFlags, kbuf,
				      sizeof(kbuf)), "STATE")) {
			DWORD s;

			memcpy(&s, buf, sizeof(s));
			printf(" %s\n", state_name(f.dwObjectType, s));
		} else {
			printf(" -\n");
		}
	}
}
