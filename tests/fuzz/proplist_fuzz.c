// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the property-list parser of lib/proplist.c,
 * clusnotify_proplist_parse(), which consumers run on the payload of every
 * *_PROPERTY_V2 event a producer sends, and its builder.
 *
 * The first input byte picks a mode:
 *  - raw: the rest is a property list, in a heap buffer of exactly its
 *    length. The parser may refuse it (-EPROTO); what it hands out must lie
 *    inside the buffer (every value byte is read here, so AddressSanitizer
 *    sees a value pointing out), names must be strict UTF-8, and the walk
 *    without a callback must agree with the walk with one. A callback that
 *    stops early must get its value back.
 *  - build: the input drives clusnotify_proplist_add_* with names and values
 *    of its choosing; whatever the builder accepted must parse back to
 *    exactly the same properties (names, syntaxes, value bytes, one value
 *    each) — a producer's list must never be refused by a consumer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>
#include <clusapi_linux.h>

#include "utf16.h"
#include "fuzz_input.h"

struct walk {
	const unsigned char *lo, *hi;
	unsigned int seen;
	unsigned int stop_at;	/* 0: never stop */
	unsigned int sum;
};

static int raw_cb(const struct clusnotify_prop *p, void *arg)
{
	struct walk *w = arg;
	const unsigned char *v = p->value;
	uint32_t i;

	FUZZ_CHECK(p->name);
	FUZZ_CHECK(cn_utf8_check(p->name, strlen(p->name)) == 0);
	FUZZ_CHECK(p->nvalues >= 1);
	FUZZ_CHECK(v >= w->lo && v + p->value_len <= w->hi);
	for (i = 0; i < p->value_len; i++)
		w->sum += v[i];
	w->seen++;
	return w->stop_at && w->seen == w->stop_at ? 7 : 0;
}

static void raw_mode(const uint8_t *data, size_t size, uint8_t steer)
{
	unsigned char *buf = malloc(size ? size : 1);
	struct walk w = { 0 };
	int with, without, stopped;

	FUZZ_CHECK(buf);
	memcpy(buf, data, size);
	w.lo = buf;
	w.hi = buf + size;
	without = clusnotify_proplist_parse(buf, size, NULL, NULL);
	with = clusnotify_proplist_parse(buf, size, raw_cb, &w);
	FUZZ_CHECK(without == 0 || without == -EPROTO);
	FUZZ_CHECK(with == without);
	/* A malformed list hands nothing out. */
	if (with)
		FUZZ_CHECK(w.seen == 0);
	if (!with && w.seen) {
		struct walk s = w;

		s.seen = 0;
		s.stop_at = 1 + steer % w.seen;
		stopped = clusnotify_proplist_parse(buf, size, raw_cb, &s);
		FUZZ_CHECK(stopped == 7 && s.seen == s.stop_at);
	}
	free(buf);
}

/* A property as the builder was asked to add it. */
struct want {
	char name[24];
	uint32_t syntax;
	unsigned char value[96];
	uint32_t len;
};

struct check {
	const struct want *want;
	unsigned int n, seen;
};

static int build_cb(const struct clusnotify_prop *p, void *arg)
{
	struct check *c = arg;
	const struct want *w;

	FUZZ_CHECK(c->seen < c->n);
	w = &c->want[c->seen++];
	FUZZ_CHECK(!strcmp(p->name, w->name));
	FUZZ_CHECK(p->syntax == w->syntax);
	FUZZ_CHECK(p->nvalues == 1);
	FUZZ_CHECK(p->value_len == w->len);
	FUZZ_CHECK(!memcmp(p->value, w->value, w->len));
	return 0;
}

/* A short UTF-8 string from the input: ASCII and a few multi-byte forms. */
static void fuzz_str(struct fuzz_in *in, char *out, size_t cap)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "_", "\\",
	};
	size_t n = fuzz_below(in, 5), len = 0, i;

	for (i = 0; i < n; i++) {
		const char *p = pieces[fuzz_below(in, 9)];

		if (len + strlen(p) + 1 > cap)
			break;
		memcpy(out + len, p, strlen(p));
		len += strlen(p);
	}
	out[len] = 0;
}

/* The UTF-16 bytes of s with its NUL (s is the harness's valid UTF-8). */
static uint32_t wire_sz(const char *s, unsigned char *out, size_t cap)
{
	ssize_t units = cn_utf8_to_utf16(s, strlen(s), (uint16_t *)out,
					 cap / 2);

	FUZZ_CHECK(units >= 0);
	return (units + 1) * 2;
}

static void build_mode(struct fuzz_in *in)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	struct want want[8];
	struct check c = { want, 0, 0 };
	unsigned int n = fuzz_below(in, 9), i;
	const void *data;
	size_t len;
	int ret;

	for (i = 0; i < n; i++) {
		struct want *w = &want[c.n];
		char s[3][24];
		const char *multi[3];
		uint32_t u32 = fuzz_u32(in);
		uint64_t u64 = (uint64_t)fuzz_u32(in) << 32 | fuzz_u32(in);
		size_t k, m;

		fuzz_str(in, w->name, sizeof(w->name));
		switch (fuzz_below(in, 7)) {
		case 0:
			ret = clusnotify_proplist_add_dword(&pl, w->name, u32);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD;
			memcpy(w->value, &u32, 4);
			w->len = 4;
			break;
		case 1:
			ret = clusnotify_proplist_add_long(&pl, w->name,
							   (int32_t)u32);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_LONG;
			memcpy(w->value, &u32, 4);
			w->len = 4;
			break;
		case 2:
			ret = clusnotify_proplist_add_ulargeint(&pl, w->name,
								u64);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER;
			memcpy(w->value, &u64, 8);
			w->len = 8;
			break;
		case 3:
			ret = clusnotify_proplist_add_largeint(&pl, w->name,
							       (int64_t)u64);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER;
			memcpy(w->value, &u64, 8);
			w->len = 8;
			break;
		case 4:
			fuzz_str(in, s[0], sizeof(s[0]));
			ret = clusnotify_proplist_add_sz(&pl, w->name, s[0]);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ;
			w->len = wire_sz(s[0], w->value, sizeof(w->value));
			break;
		case 5:
			m = fuzz_below(in, 4);
			w->len = 0;
			for (k = 0; k < m; k++) {
				fuzz_str(in, s[k], sizeof(s[k]));
				multi[k] = s[k];
				if (s[k][0])
					w->len += wire_sz(s[k], w->value + w->len,
							  sizeof(w->value) -
							  w->len);
			}
			/* One more NUL; the empty list is two. */
			memset(w->value + w->len, 0, m ? 2 : 4);
			w->len += m ? 2 : 4;
			ret = clusnotify_proplist_add_multi_sz(&pl, w->name,
							       multi, m);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ;
			/* An empty string in the list is refused. */
			for (k = 0; k < m; k++)
				if (!s[k][0])
					FUZZ_CHECK(ret == -EINVAL);
			break;
		default:
			w->len = fuzz_bytes(in, w->value,
					    fuzz_below(in, sizeof(w->value)));
			ret = clusnotify_proplist_add_binary(&pl, w->name,
							     w->value, w->len);
			w->syntax = CLUSPROP_SYNTAX_LIST_VALUE_BINARY;
			break;
		}
		if (ret) {
			/* The first failure sticks, and nothing more is added. */
			FUZZ_CHECK(clusnotify_proplist_data(&pl, &len) == NULL);
			FUZZ_CHECK(clusnotify_proplist_add_dword(&pl, "x", 1) ==
				   ret);
			clusnotify_proplist_free(&pl);
			return;
		}
		c.n++;
	}
	data = clusnotify_proplist_data(&pl, &len);
	FUZZ_CHECK(data);
	FUZZ_CHECK(len % 4 == 0);
	/* Parse from a heap copy of exactly len bytes. */
	{
		unsigned char *copy = malloc(len);

		FUZZ_CHECK(copy);
		memcpy(copy, data, len);
		ret = clusnotify_proplist_parse(copy, len, build_cb, &c);
		if (ret)
			fprintf(stderr, "builder's list of %u properties refused: %d\n",
				c.n, ret);
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(c.seen == c.n);
		free(copy);
	}
	clusnotify_proplist_free(&pl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode;

	if (!size)
		return 0;
	mode = fuzz_u8(&in);
	if (mode & 1)
		raw_mode(in.p, in.left, mode >> 1);
	else
		build_mode(&in);
	return 0;
}
