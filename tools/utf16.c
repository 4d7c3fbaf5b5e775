// SPDX-License-Identifier: GPL-2.0
/* UTF-8 to UTF-16 for the clusapi.h calls (utf16.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

/*
 * Decode the code point at s: its length in bytes, or 0 if the sequence
 * is not strict UTF-8.
 */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int utf16_dup(const char *s, WCHAR **out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, units = 0, k;
	uint16_t *w;
	uint32_t cp;

	*out = NULL;
	if (!s)
		return 0;
	len = strlen(s);
	w = malloc((len + 1) * sizeof(*w));	/* never more units than bytes */
	if (!w)
		return -ENOMEM;
	while (*p) {
		k = utf8_decode(p, &cp);
		if (!k) {
			free(w);
			return -EILSEQ;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			w[units++] = (uint16_t)(0xd800 | (cp >> 10));
			w[units++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			w[units++] = (uint16_t)cp;
		}
		p += k;
	}
	w[units] = 0;
	*out = (WCHAR *)w;
	return 0;
}
