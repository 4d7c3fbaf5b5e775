// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * UTF-8 <-> UTF-16 conversion. See utf16.h for the contract; the rules are
 * those of the kernel's cn_str_check() (kernel/str.c), so whatever the
 * kernel accepts converts, and whatever converts the kernel accepts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/clusnotify.h>

#include "utf16.h"

#define CN_SURR_HIGH 0xd800U	/* first high (leading) surrogate */
#define CN_SURR_LOW 0xdc00U	/* first low (trailing) surrogate */
#define CN_SURR_END 0xe000U	/* one past the last low surrogate */

static bool cn_is_high(uint16_t u)
{
	return u >= CN_SURR_HIGH && u < CN_SURR_LOW;
}

static bool cn_is_low(uint16_t u)
{
	return u >= CN_SURR_LOW && u < CN_SURR_END;
}

/* Store code point @cp (valid, not a surrogate) at @out; units stored. */
static size_t cn_put_utf16(uint16_t *out, uint32_t cp)
{
	if (cp <= 0xffff) {
		out[0] = cp;
		return 1;
	}
	cp -= 0x10000;
	out[0] = CN_SURR_HIGH | (cp >> 10);
	out[1] = CN_SURR_LOW | (cp & 0x3ff);
	return 2;
}

/*
 * Decode one code point of p[0..avail), avail >= 1. Returns the bytes it
 * took (1 to 4) or -EILSEQ. The ranges are the Unicode standard's table of
 * well-formed byte sequences (3-7): bounding the second byte by the lead
 * byte is what rejects overlong forms (E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and code points above U+10FFFF (F4 90..BF), with no range
 * check on the decoded value afterwards. C0, C1 and F5..FF never start a
 * valid sequence; 80..BF never start one either. NUL is refused as the
 * kernel refuses it: it would cut the string short for every C reader.
 */
static int cn_utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t n, i;

	if (c < 0x80) {
		if (!c)
			return -EILSEQ;
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return -EILSEQ;
	if (c < 0xe0) {
		n = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	}
	if (avail < n || p[1] < lo || p[1] > hi)
		return -EILSEQ;
	v = (v << 6) | (p[1] & 0x3f);
	for (i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -EILSEQ;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

int cn_utf8_check(const char *s, size_t len)
{
	ssize_t n = cn_utf16_len_of_utf8(s, len);

	return n < 0 ? (int)n : 0;
}

/*
 * The unit count never exceeds len (no code point takes fewer bytes of
 * UTF-8 than units of UTF-16), so it fits ssize_t for any real object.
 */
ssize_t cn_utf16_len_of_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, units = 0;

	if (!s && len)
		return -EINVAL;
	while (i < len) {
		uint32_t cp;
		int n;

		/* A run of ASCII (no NUL) is a unit a byte, nothing to decode. */
		if ((unsigned char)(p[i] - 1) < 0x7f) {
			i++;
			units++;
			continue;
		}
		n = cn_utf8_decode(p + i, len - i, &cp);

		if (n < 0)
			return n;
		i += n;
		units += cp > 0xffff ? 2 : 1;
	}
	return units;
}

/* Store s[0..len), already validated, as UTF-16 at out; returns the units. */
static size_t cn_utf8_store_utf16(const char *s, size_t len, uint16_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		uint32_t cp;

		i += cn_utf8_decode(p + i, len - i, &cp);
		o += cn_put_utf16(out + o, cp);
	}
	out[o] = 0;
	return o;
}

/*
 * Is s[0..len) ASCII without NUL? Ids, names and types mostly are, and
 * then a byte is a unit: one pass instead of decoding every code point
 * twice (to measure, then to store).
 */
static bool cn_ascii(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)(p[i] - 1) >= 0x7f)	/* 0, or 0x80.. */
			return false;
	return true;
}

ssize_t cn_utf8_to_utf16(const char *s, size_t len, uint16_t *out,
			 size_t cap)
{
	ssize_t units;
	size_t i;

	if (!out && cap)
		return -EINVAL;
	if (s && cn_ascii(s, len)) {
		if (cap < len + 1)
			return -ENOBUFS;
		for (i = 0; i < len; i++)
			out[i] = (unsigned char)s[i];
		out[len] = 0;
		return len;
	}
	/*
	 * Measure first: a conversion that fails half way must not leave a
	 * truncated name in the caller's buffer that looks like a result.
	 */
	units = cn_utf16_len_of_utf8(s, len);
	if (units < 0)
		return units;
	if (cap < (size_t)units + 1)
		return -ENOBUFS;
	return cn_utf8_store_utf16(s, len, out);
}

/*
 * One pass, for a caller whose buffer is known to be big enough: widen
 * bytes while they are ASCII, and decode (validating) and store code
 * points from the first byte that is not, never measuring first.
 */
ssize_t cn_utf8_to_utf16_room(const char *s, size_t len, uint16_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if ((!s && len) || !out)
		return -EINVAL;
	while (i < len) {
		uint32_t cp;
		int n;

		/*
		 * Eight ASCII bytes at a time (no high bit and no NUL among
		 * them: the zero-byte test of the bit-twiddling folklore),
		 * which is most of what cluster names and ids are.
		 */
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, sizeof(w));
			if (!((w | ((w - 0x0101010101010101ULL) & ~w)) &
			      0x8080808080808080ULL)) {
				for (n = 0; n < 8; n++)
					out[o + n] = p[i + n];
				i += 8;
				o += 8;
				continue;
			}
		}
		if ((unsigned char)(p[i] - 1) < 0x7f) {
			out[o++] = p[i++];
			continue;
		}
		n = cn_utf8_decode(p + i, len - i, &cp);
		if (n < 0)
			return n;
		i += n;
		o += cn_put_utf16(out + o, cp);
	}
	out[o] = 0;
	return o;
}

int cn_utf8_to_utf16_dup(const char *s, size_t len, uint16_t **out,
			 size_t *out_units)
{
	ssize_t units;
	uint16_t *buf;

	if (!out)
		return -EINVAL;
	units = cn_utf16_len_of_utf8(s, len);
	if (units < 0)
		return units;
	buf = malloc(((size_t)units + 1) * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	cn_utf8_store_utf16(s, len, buf);
	*out = buf;
	if (out_units)
		*out_units = units;
	return 0;
}

size_t cn_utf16_strlen(const uint16_t *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * Bytes of UTF-8 that in converts to, or -EILSEQ, or -ENAMETOOLONG as soon
 * as the count passes max: the scan stops there, so an unterminated or
 * huge buffer handed in by mistake costs no more than max allows.
 */
static int cn_utf16_measure(const uint16_t *in, size_t max, size_t *bytes)
{
	size_t i, n = 0;

	for (i = 0; in[i]; i++) {
		uint16_t u = in[i];

		if (cn_is_low(u))
			return -EILSEQ;
		if (u < 0x80) {
			n += 1;
		} else if (u < 0x800) {
			n += 2;
		} else if (cn_is_high(u)) {
			/* The terminator after a high surrogate is unpaired too. */
			if (!cn_is_low(in[i + 1]))
				return -EILSEQ;
			i++;
			n += 4;
		} else {
			n += 3;
		}
		if (n > max)
			return -ENAMETOOLONG;
	}
	*bytes = n;
	return 0;
}

/* Store in, already validated, as UTF-8 at out with its NUL. */
static void cn_utf16_store_utf8(const uint16_t *in, char *out)
{
	unsigned char *p = (unsigned char *)out;
	size_t i;

	for (i = 0; in[i]; i++) {
		uint32_t cp = in[i];

		if (cn_is_high(in[i])) {
			cp = 0x10000 + ((cp - CN_SURR_HIGH) << 10) +
			     (in[i + 1] - CN_SURR_LOW);
			i++;
		}
		if (cp < 0x80) {
			*p++ = cp;
		} else if (cp < 0x800) {
			*p++ = 0xc0 | (cp >> 6);
			*p++ = 0x80 | (cp & 0x3f);
		} else if (cp < 0x10000) {
			*p++ = 0xe0 | (cp >> 12);
			*p++ = 0x80 | ((cp >> 6) & 0x3f);
			*p++ = 0x80 | (cp & 0x3f);
		} else {
			*p++ = 0xf0 | (cp >> 18);
			*p++ = 0x80 | ((cp >> 12) & 0x3f);
			*p++ = 0x80 | ((cp >> 6) & 0x3f);
			*p++ = 0x80 | (cp & 0x3f);
		}
	}
	*p = '\0';
}

int cn_utf16_to_utf8_max(const uint16_t *in, size_t max, char **out,
			 size_t *out_len)
{
	size_t bytes;
	char *buf;
	int ret;

	if (!in || !out)
		return -EINVAL;
	ret = cn_utf16_measure(in, max, &bytes);
	if (ret)
		return ret;
	/* UTF-8 takes at most 3/2 the bytes of UTF-16: bytes + 1 cannot wrap. */
	buf = malloc(bytes + 1);
	if (!buf)
		return -ENOMEM;
	cn_utf16_store_utf8(in, buf);
	*out = buf;
	if (out_len)
		*out_len = bytes;
	return 0;
}

int cn_utf16_to_utf8(const uint16_t *in, char **out, size_t *out_len)
{
	return cn_utf16_to_utf8_max(in, CLUSNOTIFY_NAME_MAX, out, out_len);
}
