// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping and key/value writers (json.h). */
#include <linux/clusnotify.h>

#include "json.h"

void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

static void json_key(FILE *f, int first, const char *key)
{
	if (!first)
		putc(',', f);
	json_str(f, key);
	putc(':', f);
}

void json_kstr(FILE *f, int first, const char *key, const char *s)
{
	json_key(f, first, key);
	json_str(f, s);
}

void json_knum(FILE *f, int first, const char *key, unsigned long long v)
{
	json_key(f, first, key);
	fprintf(f, "%llu", v);
}

void json_kbool(FILE *f, int first, const char *key, int v)
{
	json_key(f, first, key);
	fputs(v ? "true" : "false", f);
}

void json_khex(FILE *f, int first, const char *key, const void *buf,
	       size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	json_key(f, first, key);
	putc('"', f);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	putc('"', f);
}

void json_kstate(FILE *f, const char *name, unsigned int value)
{
	if (value == CLUSNOTIFY_STATE_UNKNOWN) {
		fputs(",\"state\":null,\"state_value\":null", f);
		return;
	}
	if (name)
		json_kstr(f, 0, "state", name);
	else
		fputs(",\"state\":null", f);
	json_knum(f, 0, "state_value", value);
}
