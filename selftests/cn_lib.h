/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the libclusapi selftests (selftests/lib_*_test.c):
 * UTF-8 <-> WCHAR conversions written independently of lib/utf16.c, the
 * events the tests post, and one-call wrappers around GetClusterNotify[V2]
 * that fill a struct the test can compare. Header-only, so that tests of
 * the raw ABI, which do not link the library, are not affected.
 */
#ifndef CN_LIB_H
#define CN_LIB_H

#include <stdint.h>
#include <string.h>

#include <clusapi.h>
#include "cn_util.h"

/* Rotating thread-local buffers: a few conversions may be in use at once. */
#define CN_LIB_NBUF 8
#define CN_LIB_WMAX 2048

/*
 * UTF-16 of a UTF-8 string (trusted, the tests' own), in a rotating
 * thread-local buffer: valid until CN_LIB_NBUF more calls in this thread.
 */
static inline WCHAR *cn_wide(const char *s)
{
	static __thread WCHAR bufs[CN_LIB_NBUF][CN_LIB_WMAX];
	static __thread unsigned int next;
	WCHAR *out = bufs[next++ % CN_LIB_NBUF];
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p && n < CN_LIB_WMAX - 2) {
		uint32_t cp;

		if (p[0] < 0x80) {
			cp = p[0];
			p += 1;
		} else if ((p[0] & 0xe0) == 0xc0) {
			cp = (p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((p[0] & 0xf0) == 0xe0) {
			cp = (p[0] & 0x0f) << 12 | (p[1] & 0x3f) << 6 |
			     (p[2] & 0x3f);
			p += 3;
		} else {
			cp = (p[0] & 0x07) << 18 | (p[1] & 0x3f) << 12 |
			     (p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			p += 4;
		}
		if (cp >= 0x10000) {
			out[n++] = (WCHAR)(0xd800 + ((cp - 0x10000) >> 10));
			out[n++] = (WCHAR)(0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else {
			out[n++] = (WCHAR)cp;
		}
	}
	out[n] = 0;
	return out;
}

/* UTF-8 of a NUL-terminated WCHAR string (well-formed), rotating buffer. */
static inline const char *cn_narrow(const WCHAR *w)
{
	static __thread char bufs[CN_LIB_NBUF][4 * CN_LIB_WMAX];
	static __thread unsigned int next;
	char *out = bufs[next++ % CN_LIB_NBUF];
	size_t n = 0, i;

	for (i = 0; w[i] && n < sizeof(bufs[0]) - 5; i++) {
		uint32_t cp = w[i];

		if (cp >= 0xd800 && cp < 0xdc00 && w[i + 1] >= 0xdc00 &&
		    w[i + 1] < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (w[i + 1] - 0xdc00);
			i++;
		}
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[n] = 0;
	return out;
}

/* UTF-16 units of a UTF-8 string, NUL excluded (what lpcch* count). */
static inline DWORD cn_units(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	DWORD n = 0;

	for (; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += (*p & 0xf8) == 0xf0 ? 2 : 1;
	}
	return n;
}

/* OpenCluster on the env's cluster, by its (UTF-8) name. */
static inline HCLUSTER cn_lib_open(const struct cn_env *e)
{
	return OpenCluster(cn_wide(e->name));
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/* A *_STATE event of one of the standard objects, V1 bit and V2 flag. */
static inline struct cn_event cn_ev_group_state(const char *id,
						const char *name,
						__u32 state)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_GROUP, .v1 = CN_V1_GROUP_STATE,
		.v2 = CN_V2_GROUP_STATE, .id = id, .name = name,
		.state = state, .has_state = true,
	};

	return e;
}

static inline struct cn_event cn_ev_node_state(const char *id,
					       const char *name, __u32 state)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_NODE, .v1 = CN_V1_NODE_STATE,
		.v2 = CN_V2_NODE_STATE, .id = id, .name = name,
		.state = state, .has_state = true,
	};

	return e;
}

static inline struct cn_event cn_ev_res_state(const char *id,
					      const char *name, __u32 state)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_RESOURCE, .v1 = CN_V1_RESOURCE_STATE,
		.v2 = CN_V2_RESOURCE_STATE, .id = id, .name = name,
		.state = state, .has_state = true,
	};

	return e;
}

/* A REGISTRY_VALUE change of the key @path ("" is the root). */
static inline struct cn_event cn_ev_reg_value(const char *path)
{
	struct cn_event e = {
		.type = CLUSNOTIFY_OBJ_REGISTRY, .v1 = CN_V1_REGISTRY_VALUE,
		.v2 = CN_V2_REGISTRY_VALUE, .id = path, .name = path,
	};

	return e;
}

/* ------------------------------------------------------------------ */
/* Reading events                                                      */
/* ------------------------------------------------------------------ */

/* What one GetClusterNotify call returned. */
struct cn_v1_got {
	DWORD status;
	DWORD_PTR key;
	DWORD filter;
	DWORD cch;		/* what *lpcchName came back as */
	char name[4 * CN_LIB_WMAX];
};

/* GetClusterNotify with a name buffer of @cap WCHARs; returns the status. */
static inline DWORD cn_v1_get_cap(HCHANGE port, DWORD ms, DWORD cap,
				  struct cn_v1_got *g)
{
	static __thread WCHAR name[CN_LIB_WMAX];

	memset(g, 0, sizeof(*g));
	g->key = (DWORD_PTR)0xdeadbeef;
	g->filter = 0xdeadbeef;
	g->cch = cap;
	name[0] = 0;
	g->status = GetClusterNotify(port, &g->key, &g->filter, name, &g->cch,
				     ms);
	if (g->status == ERROR_SUCCESS)
		strcpy(g->name, cn_narrow(name));
	return g->status;
}

static inline DWORD cn_v1_get(HCHANGE port, DWORD ms, struct cn_v1_got *g)
{
	return cn_v1_get_cap(port, ms, CN_LIB_WMAX, g);
}

/* What one GetClusterNotifyV2 call returned, with every pair asked for. */
struct cn_v2_got {
	DWORD status;
	DWORD_PTR key;
	NOTIFY_FILTER_AND_TYPE fat;
	BYTE payload[CLUSNOTIFY_PAYLOAD_MAX];
	DWORD payload_len;
	DWORD cch[4];		/* id, parent, name, type as returned */
	char str[4][4 * CN_LIB_WMAX];
};

enum { CN_S_ID, CN_S_PARENT, CN_S_NAME, CN_S_TYPE };

/* GetClusterNotifyV2 with every buffer big enough; returns the status. */
static inline DWORD cn_v2_get(HCHANGE port, DWORD ms, struct cn_v2_got *g)
{
	static __thread WCHAR s[4][CN_LIB_WMAX];
	int i;

	g->key = (DWORD_PTR)0xdeadbeef;
	g->fat.dwObjectType = 0xdeadbeef;
	g->fat.FilterFlags = 0;
	g->payload_len = sizeof(g->payload);
	for (i = 0; i < 4; i++) {
		g->cch[i] = CN_LIB_WMAX;
		s[i][0] = 0;
		g->str[i][0] = 0;
	}
	g->status = GetClusterNotifyV2(port, &g->key, &g->fat, g->payload,
				       &g->payload_len, s[0], &g->cch[0],
				       s[1], &g->cch[1], s[2], &g->cch[2],
				       s[3], &g->cch[3], ms);
	if (g->status == ERROR_SUCCESS)
		for (i = 0; i < 4; i++)
			strcpy(g->str[i], cn_narrow(s[i]));
	return g->status;
}

#endif /* CN_LIB_H */
