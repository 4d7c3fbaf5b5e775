// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for lib/utf16.c, the library's one UTF-8 <-> UTF-16
 * converter, differentially against references written here:
 *
 *  - UTF-8 in: cn_utf8_check() must accept exactly what the kernel's
 *    cn_str_check() (kernel/str.c, re-typed below as a reference: mask,
 *    decode, then range-check, the other way round from the library's byte
 *    table) accepts, length limit aside, since utf16.c promises "whatever
 *    the kernel accepts converts, and whatever converts the kernel
 *    accepts". Accepted input must convert to the reference's UTF-16,
 *    with -ENOBUFS and an untouched buffer one unit short, and convert
 *    back to the same bytes; cn_utf8_to_utf16_room must agree in one
 *    pass; cn_utf16_to_utf8 must refuse it exactly when it is over
 *    CLUSNOTIFY_NAME_MAX bytes.
 *  - UTF-16 in: cn_utf16_to_utf8_max() must report the first problem of a
 *    front-to-back scan (an unpaired surrogate: -EILSEQ; passing max bytes:
 *    -ENAMETOOLONG), and otherwise produce the reference's UTF-8, which
 *    must itself pass cn_utf8_check and convert back to the same units.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/clusnotify.h>

#include "utf16.h"
#include "fuzz_input.h"

/* kernel/str.c cn_str_check(), without the length limit; units or -1. */
static long ref_utf8(const unsigned char *p, size_t len, uint16_t *out)
{
	const unsigned char *end = p + len;
	long units = 0;

	while (p < end) {
		unsigned char c = *p++;
		uint32_t cp, min;
		int more;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			cp = c;
			goto put;
		}
		if ((c & 0xe0) == 0xc0) {
			cp = c & 0x1f;
			more = 1;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			cp = c & 0x0f;
			more = 2;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			cp = c & 0x07;
			more = 3;
			min = 0x10000;
		} else {
			return -1;
		}
		if (end - p < more)
			return -1;
		while (more--) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (*p++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
put:
		if (cp > 0xffff) {
			if (out) {
				out[units] = 0xd800 + ((cp - 0x10000) >> 10);
				out[units + 1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
			}
			units += 2;
		} else {
			if (out)
				out[units] = cp;
			units++;
		}
	}
	return units;
}

/*
 * Reference UTF-16 -> UTF-8 of a NUL-terminated string, scanning front to
 * back: 0 with *bytes, -EILSEQ, or -ENAMETOOLONG once past max.
 */
static int ref_utf16(const uint16_t *in, size_t max, unsigned char *out,
		     size_t *bytes)
{
	size_t n = 0, i, k;

	for (i = 0; in[i]; i++) {
		uint32_t cp = in[i];
		unsigned char b[4];
		size_t len;

		if (cp >= 0xdc00 && cp <= 0xdfff)
			return -EILSEQ;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (in[i + 1] < 0xdc00 || in[i + 1] > 0xdfff)
				return -EILSEQ;
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			     (in[i + 1] - 0xdc00);
			i++;
		}
		if (cp < 0x80) {
			b[0] = cp;
			len = 1;
		} else if (cp < 0x800) {
			b[0] = 0xc0 | cp >> 6;
			b[1] = 0x80 | (cp & 0x3f);
			len = 2;
		} else if (cp < 0x10000) {
			b[0] = 0xe0 | cp >> 12;
			b[1] = 0x80 | (cp >> 6 & 0x3f);
			b[2] = 0x80 | (cp & 0x3f);
			len = 3;
		} else {
			b[0] = 0xf0 | cp >> 18;
			b[1] = 0x80 | (cp >> 12 & 0x3f);
			b[2] = 0x80 | (cp >> 6 & 0x3f);
			b[3] = 0x80 | (cp & 0x3f);
			len = 4;
		}
		if (n + len > max)
			return -ENAMETOOLONG;
		for (k = 0; k < len && out; k++)
			out[n + k] = b[k];
		n += len;
	}
	*bytes = n;
	return 0;
}

static void utf8_mode(const unsigned char *s, size_t len, struct fuzz_in *in)
{
	long ref = ref_utf8(s, len, NULL);
	uint16_t *want, *got;
	size_t units, out_len;
	char *back;
	ssize_t r;
	int ret;

	ret = cn_utf8_check((const char *)s, len);
	r = cn_utf16_len_of_utf8((const char *)s, len);
	if (ref < 0) {
		FUZZ_CHECK(ret == -EILSEQ);
		FUZZ_CHECK(r == -EILSEQ);
		got = malloc(2 * (len + 1));
		FUZZ_CHECK(got);
		memset(got, 0x5a, 2 * (len + 1));
		FUZZ_CHECK(cn_utf8_to_utf16((const char *)s, len, got,
					    len + 1) == -EILSEQ);
		for (size_t i = 0; i < 2 * (len + 1); i++)
			FUZZ_CHECK(((unsigned char *)got)[i] == 0x5a);
		FUZZ_CHECK(cn_utf8_to_utf16_room((const char *)s, len, got) ==
			   -EILSEQ);
		free(got);
		FUZZ_CHECK(cn_utf8_to_utf16_dup((const char *)s, len, &got,
						&units) == -EILSEQ);
		return;
	}
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(r == ref);
	units = ref;
	want = malloc(2 * (units + 1));
	got = malloc(2 * (units + 1));
	FUZZ_CHECK(want && got);
	ref_utf8(s, len, want);
	want[units] = 0;

	/* One unit short: -ENOBUFS, nothing written. */
	memset(got, 0x5a, 2 * (units + 1));
	FUZZ_CHECK(cn_utf8_to_utf16((const char *)s, len, units ? got : NULL,
				    units) == -ENOBUFS);
	for (size_t i = 0; i < 2 * (units + 1); i++)
		FUZZ_CHECK(((unsigned char *)got)[i] == 0x5a);
	/* Exactly enough: the reference's units and a terminator. */
	FUZZ_CHECK(cn_utf8_to_utf16((const char *)s, len, got, units + 1) ==
		   (ssize_t)units);
	FUZZ_CHECK(!memcmp(got, want, 2 * (units + 1)));
	FUZZ_CHECK(cn_utf16_strlen(got) == units);
	free(got);
	/* One pass into a buffer of len + 1 units: the same result. */
	got = malloc(2 * (len + 1));
	FUZZ_CHECK(got);
	FUZZ_CHECK(cn_utf8_to_utf16_room((const char *)s, len, got) ==
		   (ssize_t)units);
	FUZZ_CHECK(!memcmp(got, want, 2 * (units + 1)));
	free(got);
	FUZZ_CHECK(cn_utf8_to_utf16_dup((const char *)s, len, &got,
					&out_len) == 0);
	FUZZ_CHECK(out_len == units);
	FUZZ_CHECK(!memcmp(got, want, 2 * (units + 1)));
	free(got);

	/* And back: the same bytes; NAME_MAX applies to cn_utf16_to_utf8. */
	FUZZ_CHECK(cn_utf16_to_utf8_max(want, SIZE_MAX, &back, &out_len) == 0);
	FUZZ_CHECK(out_len == len && !memcmp(back, s, len) && !back[len]);
	free(back);
	ret = cn_utf16_to_utf8(want, &back, &out_len);
	if (len > CLUSNOTIFY_NAME_MAX) {
		FUZZ_CHECK(ret == -ENAMETOOLONG);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(out_len == len && !memcmp(back, s, len));
		free(back);
	}
	/* A limit below the length refuses it, at the length accepts it. */
	if (len) {
		size_t max = fuzz_below(in, len);

		FUZZ_CHECK(cn_utf16_to_utf8_max(want, max, &back, NULL) ==
			   -ENAMETOOLONG);
	}
	free(want);
}

static void utf16_mode(const uint8_t *data, size_t size, struct fuzz_in *in)
{
	size_t n = size / 2, bytes = 0, bytes2, max;
	uint16_t *w, *again;
	unsigned char *want;
	char *out = NULL;
	int ref, ret;

	w = calloc(n + 1, 2);
	FUZZ_CHECK(w);
	memcpy(w, data, 2 * n);
	FUZZ_CHECK(cn_utf16_strlen(w) <= n);
	switch (fuzz_u8(in) % 3) {
	case 0:
		max = SIZE_MAX;
		break;
	case 1:
		max = CLUSNOTIFY_NAME_MAX;
		break;
	default:
		max = fuzz_below(in, 3 * n + 2);
		break;
	}
	want = malloc(4 * n + 1);
	FUZZ_CHECK(want);
	ref = ref_utf16(w, max, want, &bytes);
	ret = cn_utf16_to_utf8_max(w, max, &out, &bytes2);
	FUZZ_CHECK(ret == ref);
	if (!ret) {
		FUZZ_CHECK(bytes2 == bytes && !memcmp(out, want, bytes) &&
			   !out[bytes]);
		FUZZ_CHECK(cn_utf8_check(out, bytes) == 0);
		again = malloc(2 * (n + 1));
		FUZZ_CHECK(again);
		FUZZ_CHECK(cn_utf8_to_utf16(out, bytes, again, n + 1) ==
			   (ssize_t)cn_utf16_strlen(w));
		FUZZ_CHECK(!memcmp(again, w, 2 * (cn_utf16_strlen(w) + 1)));
		free(again);
		free(out);
	}
	if (max == CLUSNOTIFY_NAME_MAX) {
		out = NULL;
		FUZZ_CHECK(cn_utf16_to_utf8(w, &out, NULL) == ref);
		free(out);
	}
	free(want);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	unsigned char *s;
	uint8_t mode;

	if (size < 2)
		return 0;
	/* The last byte steers; the rest is the string. */
	mode = data[size - 1];
	size--;
	in.p = data + size / 2;
	in.left = size - size / 2;
	if (mode & 1) {
		utf16_mode(data, size, &in);
		return 0;
	}
	s = malloc(size ? size : 1);
	FUZZ_CHECK(s);
	memcpy(s, data, size);
	utf8_mode(s, size, &in);
	free(s);
	return 0;
}
