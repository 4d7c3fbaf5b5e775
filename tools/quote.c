// SPDX-License-Identifier: GPL-2.0
/* Words of the human-readable output (quote.h). */
#include "quote.h"

static int quote_needed(const unsigned char *p)
{
	if (!*p)
		return 1;
	for (; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\' ||
		    *p == '=')
			return 1;
	return 0;
}

void quote_word(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!quote_needed(p)) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < ' ' || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

void quote_field(FILE *f, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(f, " %s=", key);
	quote_word(f, val);
}
