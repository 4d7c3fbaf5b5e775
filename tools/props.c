// SPDX-License-Identifier: GPL-2.0
/* Property lists as text, and back (props.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <clusapi.h>

#include "cli.h"
#include "json.h"
#include "props.h"
#include "quote.h"

/*
 * UTF-16 units (little-endian, as the list holds them) to UTF-8, up to a
 * NUL unit or n units. For display only: an unpaired surrogate becomes
 * U+FFFD rather than failing the whole event.
 */
static char *props_utf8(const unsigned char *p, size_t n, size_t *used)
{
	char *out = malloc(n * 3 + 1), *o = out;
	size_t i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		uint32_t c = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;

		i++;
		if (!c)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i < n) {
			uint32_t d = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;

			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i++;
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = 0;
	if (used)
		*used = i;
	return out;
}

enum props_kind { PK_UNSIGNED, PK_SIGNED, PK_STRING, PK_MULTI, PK_HEX };

static enum props_kind props_kind(const struct clusnotify_prop *p)
{
	switch (p->syntax & 0xffff) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_WORD:
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
		return PK_UNSIGNED;
	case CLUSPROP_FORMAT_LONG:
	case CLUSPROP_FORMAT_LARGE_INTEGER:
		return PK_SIGNED;
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		return PK_STRING;
	case CLUSPROP_FORMAT_MULTI_SZ:
		return PK_MULTI;
	}
	return PK_HEX;
}

/* The value's little-endian integer, for the number formats. */
static uint64_t props_uint(const struct clusnotify_prop *p)
{
	const unsigned char *v = p->value;
	uint64_t x = 0;
	uint32_t i, n = p->value_len > 8 ? 8 : p->value_len;

	for (i = 0; i < n; i++)
		x |= (uint64_t)v[i] << (8 * i);
	return x;
}

static int64_t props_int(const struct clusnotify_prop *p)
{
	uint64_t x = props_uint(p);

	if (p->value_len == 4)
		return (int32_t)(uint32_t)x;
	if (p->value_len == 2)
		return (int16_t)(uint16_t)x;
	return (int64_t)x;
}

/* The value as the human line shows it (malloc'd). */
static char *props_text(const struct clusnotify_prop *p)
{
	const unsigned char *v = p->value;
	char *s = NULL;
	size_t units = p->value_len / 2, off = 0, used, i;

	switch (props_kind(p)) {
	case PK_UNSIGNED:
		if (asprintf(&s, "%" PRIu64, props_uint(p)) < 0)
			s = NULL;
		return s;
	case PK_SIGNED:
		if (asprintf(&s, "%" PRId64, props_int(p)) < 0)
			s = NULL;
		return s;
	case PK_STRING:
		return props_utf8(v, units, NULL);
	case PK_MULTI:
		s = calloc(1, p->value_len * 3 + 1);
		while (s && off < units) {
			char *one = props_utf8(v + 2 * off, units - off, &used);

			if (!one || !*one) {
				free(one);
				break;
			}
			if (*s)
				strcat(s, ",");
			strcat(s, one);
			free(one);
			off += used;
		}
		return s;
	case PK_HEX:
		s = malloc(2 * p->value_len + 1);
		for (i = 0; s && i < p->value_len; i++)
			sprintf(s + 2 * i, "%02x", v[i]);
		if (s)
			s[2 * p->value_len] = 0;
		return s;
	}
	return NULL;
}

static int props_human_cb(const struct clusnotify_prop *p, void *arg)
{
	FILE *f = arg;
	char *key = NULL, *val = props_text(p);

	if (!val || asprintf(&key, "prop.%s", p->name) < 0) {
		free(val);
		return -ENOMEM;
	}
	putc(' ', f);
	quote_word(f, key);
	putc('=', f);
	quote_word(f, val);
	free(key);
	free(val);
	return 0;
}

int props_print_human(FILE *f, const void *buf, size_t len)
{
	return clusnotify_proplist_parse(buf, len, props_human_cb, f);
}

struct props_json {
	FILE *f;
	int n;
};

static int props_json_cb(const struct clusnotify_prop *p, void *arg)
{
	struct props_json *j = arg;
	const unsigned char *v = p->value;
	size_t units = p->value_len / 2, off = 0, used;
	char *s;
	int first = 1;

	if (j->n++)
		putc(',', j->f);
	json_str(j->f, p->name);
	putc(':', j->f);
	switch (props_kind(p)) {
	case PK_UNSIGNED:
		fprintf(j->f, "%" PRIu64, props_uint(p));
		return 0;
	case PK_SIGNED:
		fprintf(j->f, "%" PRId64, props_int(p));
		return 0;
	case PK_MULTI:
		putc('[', j->f);
		while (off < units) {
			s = props_utf8(v + 2 * off, units - off, &used);
			if (!s)
				return -ENOMEM;
			if (!*s) {
				free(s);
				break;
			}
			if (!first)
				putc(',', j->f);
			first = 0;
			json_str(j->f, s);
			free(s);
			off += used;
		}
		putc(']', j->f);
		return 0;
	default:
		s = props_text(p);
		if (!s)
			return -ENOMEM;
		json_str(j->f, s);
		free(s);
		return 0;
	}
}

int props_print_json(FILE *f, const void *buf, size_t len)
{
	struct props_json j = { f, 0 };
	int ret;

	/* Checked whole first, so that nothing half-printed is left. */
	ret = clusnotify_proplist_parse(buf, len, NULL, NULL);
	if (ret)
		return ret;
	fputs(",\"properties\":{", f);
	ret = clusnotify_proplist_parse(buf, len, props_json_cb, &j);
	putc('}', f);
	return ret;
}

static const char *props_fail(const char *spec, const char *why)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "prop=%.200s: %s", spec, why);
	return buf;
}

const char *props_add(struct clusnotify_proplist *pl, const char *spec)
{
	char *copy = strdup(spec), *name, *type, *val, *end;
	const char *err = NULL;
	int ret = 0;

	if (!copy)
		return "out of memory";
	name = copy;
	type = strchr(name, ':');
	val = type ? strchr(type + 1, ':') : NULL;
	if (!type || !val || type == name) {
		err = props_fail(spec, "not NAME:TYPE:VALUE");
		goto out;
	}
	*type++ = 0;
	*val++ = 0;
	if (!strcasecmp(type, "dword") || !strcasecmp(type, "ulargeint")) {
		uint64_t u;
		int dw = !strcasecmp(type, "dword");

		if (cli_parse_u64(val, &u) || (dw && u > UINT32_MAX)) {
			err = props_fail(spec, dw ? "not a 32-bit unsigned number" :
					       "not a 64-bit unsigned number");
			goto out;
		}
		ret = dw ? clusnotify_proplist_add_dword(pl, name, (uint32_t)u) :
			   clusnotify_proplist_add_ulargeint(pl, name, u);
	} else if (!strcasecmp(type, "long") ||
		   !strcasecmp(type, "largeint")) {
		long long x;
		int lg = !strcasecmp(type, "long");

		errno = 0;
		x = strtoll(val, &end, 0);
		if (!*val || *end || errno ||
		    (lg && (x < INT32_MIN || x > INT32_MAX))) {
			err = props_fail(spec, lg ? "not a 32-bit number" :
					       "not a 64-bit number");
			goto out;
		}
		ret = lg ? clusnotify_proplist_add_long(pl, name, (int32_t)x) :
			   clusnotify_proplist_add_largeint(pl, name, x);
	} else if (!strcasecmp(type, "sz")) {
		ret = clusnotify_proplist_add_sz(pl, name, val);
	} else if (!strcasecmp(type, "multi_sz")) {
		const char *vals[64];
		size_t n = 0;
		char *save = NULL, *tok;

		for (tok = strtok_r(val, ",", &save); tok && n < 64;
		     tok = strtok_r(NULL, ",", &save))
			vals[n++] = tok;
		if (tok) {
			err = props_fail(spec, "more than 64 strings");
			goto out;
		}
		ret = clusnotify_proplist_add_multi_sz(pl, name, vals, n);
	} else if (!strcasecmp(type, "binary")) {
		size_t n = strlen(val), i;
		unsigned char *b = malloc(n / 2 + 1);

		if (!b || n % 2 || strspn(val, "0123456789abcdefABCDEF") != n) {
			free(b);
			err = props_fail(spec, "not an even number of hex digits");
			goto out;
		}
		for (i = 0; i < n / 2; i++) {
			char pair[3] = { val[2 * i], val[2 * i + 1], 0 };

			b[i] = (unsigned char)strtoul(pair, NULL, 16);
		}
		ret = clusnotify_proplist_add_binary(pl, name, b, n / 2);
		free(b);
	} else {
		err = props_fail(spec, "unknown type (dword, long, ulargeint, largeint, sz, multi_sz, binary)");
		goto out;
	}
	if (ret)
		err = props_fail(spec, ret == -EILSEQ ? "not valid UTF-8" :
					  strerror(-ret));
out:
	free(copy);
	return err;
}
