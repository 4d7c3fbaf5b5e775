// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Cluster property lists, the payload of the V2 *_COMMON_PROPERTY_V2 and
 * *_PRIVATE_PROPERTY_V2 events: a builder for producers (UTF-8 in, the
 * Windows layout out) and a validating parser for consumers.
 *
 * The layout (clusapi.h, "property lists"): a DWORD count, then for each
 * property a CLUSPROP_PROPERTY_NAME (syntax CLUSPROP_SYNTAX_NAME, byte length
 * of the UTF-16 name with its NUL, the name padded to 4 bytes), its values
 * (syntax, byte length, data padded to 4 bytes) and a CLUSPROP_SYNTAX_ENDMARK.
 * All DWORDs are little-endian on the wire, as Windows writes them; this
 * library only builds for little-endian hosts.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi_linux.h>

#include "internal.h"
#include "utf16.h"

#if __BYTE_ORDER != __LITTLE_ENDIAN
#error "property lists are written in the host's byte order: little-endian only"
#endif

static int cn_pl_reserve(struct clusnotify_proplist *pl, size_t more)
{
	size_t cap = pl->cap ? pl->cap : 64;
	unsigned char *buf;

	if (pl->err)
		return pl->err;
	if (pl->len + more <= pl->cap)
		return 0;
	while (cap < pl->len + more)
		cap *= 2;
	buf = realloc(pl->buf, cap);
	if (!buf)
		return pl->err = -ENOMEM;
	memset(buf + pl->cap, 0, cap - pl->cap);
	pl->buf = buf;
	pl->cap = cap;
	return 0;
}

static void cn_pl_dword(struct clusnotify_proplist *pl, uint32_t v)
{
	memcpy(pl->buf + pl->len, &v, 4);
	pl->len += 4;
}

/* One value entry: header, data, zero padding to 4. Space is reserved. */
static void cn_pl_value(struct clusnotify_proplist *pl, uint32_t syntax,
			const void *data, uint32_t len)
{
	cn_pl_dword(pl, syntax);
	cn_pl_dword(pl, len);
	if (len)
		memcpy(pl->buf + pl->len, data, len);
	memset(pl->buf + pl->len + len, 0, ALIGN_CLUSPROP(len) - len);
	pl->len += ALIGN_CLUSPROP(len);
}

/*
 * Append a property: its name, one value, the end mark. The value's data is
 * given already in wire form. Nothing is appended on failure; the first
 * failure sticks (later calls return it) so a caller may check once.
 */
static int cn_pl_add(struct clusnotify_proplist *pl, const char *name,
		     uint32_t syntax, const void *data, uint32_t len)
{
	uint16_t *wname;
	size_t units;
	int ret;

	if (!pl || !name || (!data && len))
		return -EINVAL;
	if (pl->err)
		return pl->err;
	ret = cn_utf8_to_utf16_dup(name, strlen(name), &wname, &units);
	if (ret)
		return ret;
	ret = cn_pl_reserve(pl, (pl->len ? 0 : 4) + 8 +
				       ALIGN_CLUSPROP((units + 1) * 2) + 8 +
				       ALIGN_CLUSPROP(len) + 4);
	if (!ret) {
		if (!pl->len)
			cn_pl_dword(pl, 0);	/* the count */
		cn_pl_value(pl, CLUSPROP_SYNTAX_NAME, wname, (units + 1) * 2);
		cn_pl_value(pl, syntax, data, len);
		cn_pl_dword(pl, CLUSPROP_SYNTAX_ENDMARK);
		pl->count++;
		memcpy(pl->buf, &pl->count, 4);
	}
	free(wname);
	return ret;
}

/* The first failure sticks: later adds return it, _data returns NULL. */
static int cn_pl_done(struct clusnotify_proplist *pl, int ret)
{
	if (ret && pl && !pl->err)
		pl->err = ret;
	return ret;
}

CN_EXPORT int clusnotify_proplist_add_dword(struct clusnotify_proplist *pl,
					    const char *name, uint32_t value)
{
	return cn_pl_done(pl, cn_pl_add(pl, name,
					 CLUSPROP_SYNTAX_LIST_VALUE_DWORD, &value,
					 4));
}

CN_EXPORT int clusnotify_proplist_add_long(struct clusnotify_proplist *pl,
					   const char *name, int32_t value)
{
	return cn_pl_done(pl, cn_pl_add(pl, name, CLUSPROP_SYNTAX_LIST_VALUE_LONG,
					 &value, 4));
}

CN_EXPORT int clusnotify_proplist_add_ulargeint(struct clusnotify_proplist *pl,
						const char *name,
						uint64_t value)
{
	return cn_pl_done(pl, cn_pl_add(pl, name,
					 CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER,
					 &value, 8));
}

CN_EXPORT int clusnotify_proplist_add_largeint(struct clusnotify_proplist *pl,
					       const char *name,
					       int64_t value)
{
	return cn_pl_done(pl, cn_pl_add(pl, name,
					 CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER,
					 &value, 8));
}

CN_EXPORT int clusnotify_proplist_add_binary(struct clusnotify_proplist *pl,
					     const char *name,
					     const void *data, size_t len)
{
	if (len > UINT32_MAX)
		return cn_pl_done(pl, -E2BIG);
	return cn_pl_done(pl, cn_pl_add(pl, name,
					 CLUSPROP_SYNTAX_LIST_VALUE_BINARY, data,
					 len));
}

CN_EXPORT int clusnotify_proplist_add_sz(struct clusnotify_proplist *pl,
					 const char *name, const char *value)
{
	uint16_t *w;
	size_t units;
	int ret;

	if (!value)
		return cn_pl_done(pl, -EINVAL);
	ret = cn_utf8_to_utf16_dup(value, strlen(value), &w, &units);
	if (ret)
		return cn_pl_done(pl, ret);
	ret = cn_pl_add(pl, name, CLUSPROP_SYNTAX_LIST_VALUE_SZ, w,
			(units + 1) * 2);
	free(w);
	return cn_pl_done(pl, ret);
}

/*
 * MULTI_SZ: each string with its NUL, then one more NUL. The empty list is
 * two NULs, as on Windows: a value always ends in two, and readers (ours
 * included) reject one alone.
 */
CN_EXPORT int clusnotify_proplist_add_multi_sz(struct clusnotify_proplist *pl,
					       const char *name,
					       const char *const *values,
					       size_t n)
{
	uint16_t *all = NULL, *w, *grown;
	size_t used = 0, units, i;
	int ret = 0;

	if (!values && n)
		return cn_pl_done(pl, -EINVAL);
	for (i = 0; i < n && !ret; i++) {
		if (!values[i] || !*values[i]) {
			ret = -EINVAL;	/* an empty string would end the list */
			break;
		}
		ret = cn_utf8_to_utf16_dup(values[i], strlen(values[i]), &w,
					   &units);
		if (ret)
			break;
		grown = realloc(all, (used + units + 2) * 2);
		if (!grown) {
			free(w);
			ret = -ENOMEM;
			break;
		}
		all = grown;
		memcpy(all + used, w, (units + 1) * 2);
		used += units + 1;
		free(w);
	}
	if (!ret) {
		size_t end = used ? 1 : 2;

		grown = realloc(all, (used + end) * 2);
		if (!grown) {
			ret = -ENOMEM;
		} else {
			all = grown;
			while (end--)
				all[used++] = 0;
			ret = cn_pl_add(pl, name,
					CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, all,
					used * 2);
		}
	}
	free(all);
	return cn_pl_done(pl, ret);
}

CN_EXPORT const void *
clusnotify_proplist_data(const struct clusnotify_proplist *pl, size_t *len)
{
	static const uint32_t empty;	/* a list of no property */

	if (!pl || pl->err) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = pl->len ? pl->len : 4;
	return pl->len ? pl->buf : (const void *)&empty;
}

CN_EXPORT void clusnotify_proplist_free(struct clusnotify_proplist *pl)
{
	if (!pl)
		return;
	free(pl->buf);
	memset(pl, 0, sizeof(*pl));
}

/* The fixed data sizes of the formats that have one. */
static int cn_pl_fixed_len(uint32_t syntax)
{
	switch (syntax & 0xffff) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_LONG:
		return 4;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_LARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		return 8;
	case CLUSPROP_FORMAT_WORD:
		return 2;
	}
	return -1;
}

/* A UTF-16 string of @len bytes ending in its (only) NUL. */
static bool cn_pl_sz_ok(const unsigned char *p, uint32_t len)
{
	uint16_t c;
	uint32_t i;

	if (len < 2 || len % 2)
		return false;
	for (i = 0; i < len; i += 2) {
		memcpy(&c, p + i, 2);
		if (!c)
			return i == len - 2;
	}
	return false;
}

static bool cn_pl_multi_sz_ok(const unsigned char *p, uint32_t len)
{
	uint16_t c, prev = 1;
	uint32_t i;

	if (len < 2 || len % 2)
		return false;
	for (i = 0; i < len; i += 2) {
		memcpy(&c, p + i, 2);
		if (!c && !prev)
			return i == len - 2;
		prev = c;
	}
	return false;
}

/*
 * Walk a property list, checking all of it before handing an entry out:
 * every header and datum inside @len, names and strings NUL-terminated
 * UTF-16 (the name also valid: it is converted to UTF-8 for the callback),
 * fixed-size formats of their size, each property closed by an end mark,
 * exactly the announced count, nothing after. Returns 0, -EPROTO for a
 * malformed list, or what @cb returned when it stopped the walk (non-zero).
 */
CN_EXPORT int clusnotify_proplist_parse(const void *buf, size_t len,
					int (*cb)(const struct clusnotify_prop *p,
						  void *arg),
					void *arg)
{
	const unsigned char *b = buf;
	uint32_t count, i, v[2];
	size_t off = 4;

	if (!buf || len < 4)
		return -EPROTO;
	/* The whole list is checked before the first entry is handed out. */
	if (cb) {
		int ret = clusnotify_proplist_parse(buf, len, NULL, NULL);

		if (ret)
			return ret;
	}
	memcpy(&count, b, 4);
	for (i = 0; i < count; i++) {
		struct clusnotify_prop p = { 0 };
		size_t name_units;
		char *name;
		int ret;

		/* The name. */
		if (len - off < 8)
			return -EPROTO;
		memcpy(v, b + off, 8);
		if (v[0] != CLUSPROP_SYNTAX_NAME || v[1] > len - off - 8 ||
		    ALIGN_CLUSPROP((size_t)v[1]) > len - off - 8 ||
		    !cn_pl_sz_ok(b + off + 8, v[1]))
			return -EPROTO;
		name_units = v[1] / 2;
		{
			uint16_t *w = malloc(name_units * 2);

			if (!w)
				return -ENOMEM;
			memcpy(w, b + off + 8, name_units * 2);
			ret = cn_utf16_to_utf8_max(w, SIZE_MAX, &name, NULL);
			free(w);
		}
		if (ret)
			return ret == -ENOMEM ? ret : -EPROTO;
		off += 8 + ALIGN_CLUSPROP((size_t)v[1]);

		/* Its values, up to the end mark. */
		for (;;) {
			int fixed;

			if (len - off < 4) {
				free(name);
				return -EPROTO;
			}
			memcpy(v, b + off, 4);
			if (v[0] == CLUSPROP_SYNTAX_ENDMARK) {
				off += 4;
				break;
			}
			if (len - off < 8) {
				free(name);
				return -EPROTO;
			}
			memcpy(v, b + off, 8);
			fixed = cn_pl_fixed_len(v[0]);
			if (v[0] == CLUSPROP_SYNTAX_NAME ||
			    v[1] > len - off - 8 ||
			    ALIGN_CLUSPROP((size_t)v[1]) > len - off - 8 ||
			    (fixed >= 0 && v[1] != (uint32_t)fixed) ||
			    ((v[0] & 0xffff) == CLUSPROP_FORMAT_SZ &&
			     !cn_pl_sz_ok(b + off + 8, v[1])) ||
			    ((v[0] & 0xffff) == CLUSPROP_FORMAT_EXPAND_SZ &&
			     !cn_pl_sz_ok(b + off + 8, v[1])) ||
			    ((v[0] & 0xffff) == CLUSPROP_FORMAT_MULTI_SZ &&
			     !cn_pl_multi_sz_ok(b + off + 8, v[1]))) {
				free(name);
				return -EPROTO;
			}
			if (!p.nvalues) {
				p.syntax = v[0];
				p.value = b + off + 8;
				p.value_len = v[1];
			}
			p.nvalues++;
			off += 8 + ALIGN_CLUSPROP((size_t)v[1]);
		}
		if (!p.nvalues) {
			free(name);
			return -EPROTO;
		}
		p.name = name;
		ret = cb ? cb(&p, arg) : 0;
		free(name);
		if (ret)
			return ret;
	}
	return off == len ? 0 : -EPROTO;
}
