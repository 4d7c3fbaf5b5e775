// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lib/utf16.c under AddressSanitizer and UBSan: every well-formed class of
 * UTF-8 and UTF-16 converts exactly, every ill-formed one is refused with
 * -EILSEQ without a byte written, capacities are exact, the NAME_MAX limit
 * is exact, and seeded random loops check the converters against an
 * independent reference encoder and validator written here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/clusnotify.h>
#include "kselftest_harness.h"
#include "utf16.h"

#define SENTINEL 0xaaaa

/* --- Reference implementations, written apart from lib/utf16.c --------- */

/* Code point to UTF-8 by the textbook bit layout; returns the bytes. */
static size_t ref_utf8_put(uint32_t cp, unsigned char *p)
{
	if (cp < 0x80) {
		p[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = 0xc0 | cp >> 6;
		p[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = 0xe0 | cp >> 12;
		p[1] = 0x80 | (cp >> 6 & 0x3f);
		p[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	p[0] = 0xf0 | cp >> 18;
	p[1] = 0x80 | (cp >> 12 & 0x3f);
	p[2] = 0x80 | (cp >> 6 & 0x3f);
	p[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static size_t ref_utf16_put(uint32_t cp, uint16_t *u)
{
	if (cp < 0x10000) {
		u[0] = cp;
		return 1;
	}
	u[0] = 0xd800 + ((cp - 0x10000) >> 10);
	u[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
	return 2;
}

/*
 * Validate by decoding with bit masks and checking the value afterwards
 * (minimum per length, surrogates, maximum): the other way round from the
 * library's table of byte ranges. Returns the UTF-16 units, or -1.
 */
static long ref_utf8_units(const unsigned char *p, size_t len, uint16_t *out)
{
	size_t i = 0, units = 0;

	while (i < len) {
		unsigned char c = p[i++];
		uint32_t cp, min;
		int more;

		if (c == 0)
			return -1;
		if (c < 0x80) {
			cp = c;
			more = 0;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
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
		if (len - i < (size_t)more)
			return -1;
		while (more--) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i++] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		if (out)
			units += ref_utf16_put(cp, out + units);
		else
			units += cp > 0xffff ? 2 : 1;
	}
	return units;
}

/* A deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL) >> 32;
}

/* A random scalar value (no surrogate, no NUL), spread over every length. */
static uint32_t rng_cp(void)
{
	uint32_t cp;

	switch (rng() % 4) {
	case 0:
		return 1 + rng() % 0x7f;
	case 1:
		return 0x80 + rng() % (0x800 - 0x80);
	case 2:
		do
			cp = 0x800 + rng() % (0x10000 - 0x800);
		while (cp >= 0xd800 && cp <= 0xdfff);
		return cp;
	default:
		return 0x10000 + rng() % (0x110000 - 0x10000);
	}
}

/* --- Helpers ------------------------------------------------------------ */

static size_t u16len(const uint16_t *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void fill16(uint16_t *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		u[i] = SENTINEL;
}

static int all16(const uint16_t *u, size_t n, uint16_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i] != v)
			return 0;
	return 1;
}

/*
 * Convert s[0..len) both ways and expect the given UTF-16 (n units), then
 * back to exactly the same bytes. Returns 0 or the step that failed.
 */
static int both_ways(const char *s, size_t len, const uint16_t *want,
		     size_t n)
{
	uint16_t out[64];
	char *back = NULL;
	size_t back_len = 0;
	int ret;

	if (cn_utf16_len_of_utf8(s, len) != (ssize_t)n)
		return 1;
	if (cn_utf8_check(s, len))
		return 2;
	fill16(out, 64);
	if (cn_utf8_to_utf16(s, len, out, 64) != (ssize_t)n)
		return 3;
	if (memcmp(out, want, n * 2) || out[n] != 0 ||
	    !all16(out + n + 1, 64 - n - 1, SENTINEL))
		return 4;
	fill16(out, 64);
	if (cn_utf8_to_utf16_room(s, len, out) != (ssize_t)n)
		return 7;
	if (memcmp(out, want, n * 2) || out[n] != 0 ||
	    !all16(out + n + 1, 64 - n - 1, SENTINEL))
		return 8;
	ret = cn_utf16_to_utf8(out, &back, &back_len);
	if (ret)
		return 5;
	ret = back_len != len || memcmp(back, s, len) || back[len] != '\0';
	free(back);
	return ret ? 6 : 0;
}

/* A string literal as the (pointer, length) pair the converters take. */
#define U8(s) (s), sizeof(s) - 1

/* --- Well-formed input --------------------------------------------------- */

TEST(empty)
{
	uint16_t out[2] = { SENTINEL, SENTINEL };
	uint16_t nul = 0;
	char *s = NULL;
	size_t n = 99;

	EXPECT_EQ(0, cn_utf16_len_of_utf8(NULL, 0));
	EXPECT_EQ(0, cn_utf8_check(NULL, 0));
	EXPECT_EQ(0, cn_utf8_to_utf16(NULL, 0, out, 2));
	EXPECT_EQ(0, out[0]);
	EXPECT_EQ(SENTINEL, out[1]);
	EXPECT_EQ(0, cn_utf8_to_utf16("", 0, out, 1));
	ASSERT_EQ(0, cn_utf16_to_utf8(&nul, &s, &n));
	EXPECT_EQ(0, n);
	EXPECT_STREQ("", s);
	free(s);
	EXPECT_EQ(0, cn_utf16_strlen(&nul));
}

TEST(ascii)
{
	static const uint16_t want[] = { 'H', 'e', 'l', 'l', 'o', ',', ' ',
					 '~', 0x7f, 0x01 };

	EXPECT_EQ(0, both_ways(U8("Hello, ~\x7f\x01"), want, 10));
}

TEST(two_byte)
{
	static const uint16_t lo[] = { 0x80 }, hi[] = { 0x7ff };
	static const uint16_t e[] = { 'c', 'a', 'f', 0xe9 };

	EXPECT_EQ(0, both_ways(U8("\xc2\x80"), lo, 1));
	EXPECT_EQ(0, both_ways(U8("\xdf\xbf"), hi, 1));
	EXPECT_EQ(0, both_ways(U8("caf\xc3\xa9"), e, 4));
}

TEST(three_byte)
{
	static const uint16_t lo[] = { 0x800 }, hi[] = { 0xffff };
	static const uint16_t edges[] = { 0xd7ff, 0xe000, 0xfffd, 0x20ac };

	EXPECT_EQ(0, both_ways(U8("\xe0\xa0\x80"), lo, 1));
	EXPECT_EQ(0, both_ways(U8("\xef\xbf\xbf"), hi, 1));
	/* The neighbours of the surrogate block, U+FFFD and the euro sign. */
	EXPECT_EQ(0, both_ways(U8("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\xe2\x82\xac"),
			       edges, 4));
}

TEST(four_byte_surrogate_pairs)
{
	static const uint16_t first[] = { 0xd800, 0xdc00 };
	static const uint16_t last[] = { 0xdbff, 0xdfff };
	static const uint16_t clef[] = { 0xd834, 0xdd1e };
	static const uint16_t mixed[] = { 'a', 0xd834, 0xdd1e, 0xe9, 0xd800,
					  0xdc00, 0x20ac, 'z' };

	EXPECT_EQ(0, both_ways(U8("\xf0\x90\x80\x80"), first, 2));	/* U+10000 */
	EXPECT_EQ(0, both_ways(U8("\xf4\x8f\xbf\xbf"), last, 2));	/* U+10FFFF */
	EXPECT_EQ(0, both_ways(U8("\xf0\x9d\x84\x9e"), clef, 2));	/* U+1D11E */
	EXPECT_EQ(0, both_ways(U8("a\xf0\x9d\x84\x9e\xc3\xa9\xf0\x90\x80\x80\xe2\x82\xac\x7a"),
			       mixed, 8));
}

/* From the UTF-16 side: pairs decode to the right UTF-8, not to CESU-8. */
TEST(utf16_pairs_to_utf8)
{
	static const uint16_t in[] = { 0xd834, 0xdd1e, 0xdbff, 0xdfff, 0xd800,
				       0xdc00, 0 };
	static const char want[] = "\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf\xf0\x90\x80\x80";
	char *s;
	size_t n;

	ASSERT_EQ(0, cn_utf16_to_utf8(in, &s, &n));
	EXPECT_EQ(12, n);
	EXPECT_EQ(0, memcmp(s, want, 13));
	free(s);
	/* out_len is optional. */
	ASSERT_EQ(0, cn_utf16_to_utf8(in, &s, NULL));
	EXPECT_STREQ(want, s);
	free(s);
}

/* Every scalar value, one at a time, both directions. */
TEST(every_code_point)
{
	uint32_t cp;

	for (cp = 1; cp <= 0x10ffff; cp++) {
		unsigned char b[4];
		uint16_t want[3] = { 0 }, out[3];
		size_t nb, nu;
		char *back;
		size_t back_len;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		nb = ref_utf8_put(cp, b);
		nu = ref_utf16_put(cp, want);
		ASSERT_EQ((ssize_t)nu,
			  cn_utf8_to_utf16((char *)b, nb, out, 3)) TH_LOG("U+%04X", cp);
		ASSERT_EQ(0, memcmp(out, want, (nu + 1) * 2)) TH_LOG("U+%04X", cp);
		ASSERT_EQ(0, cn_utf16_to_utf8(want, &back, &back_len));
		ASSERT_EQ(nb, back_len) TH_LOG("U+%04X", cp);
		ASSERT_EQ(0, memcmp(back, b, nb)) TH_LOG("U+%04X", cp);
		free(back);
	}
}

/* --- Ill-formed UTF-8 ----------------------------------------------------- */

struct bad8 {
	const char *what;
	const char *s;
	size_t len;
};

#define BAD(what, s) { what, s, sizeof(s) - 1 }

static const struct bad8 bad_utf8[] = {
	BAD("overlong 2-byte NUL", "\xc0\x80"),
	BAD("overlong 2-byte '/'", "\xc0\xaf"),
	BAD("overlong 2-byte U+007F", "\xc1\xbf"),
	BAD("overlong 3-byte NUL", "\xe0\x80\x80"),
	BAD("overlong 3-byte '/'", "\xe0\x80\xaf"),
	BAD("overlong 3-byte U+07FF", "\xe0\x9f\xbf"),
	BAD("overlong 4-byte NUL", "\xf0\x80\x80\x80"),
	BAD("overlong 4-byte '/'", "\xf0\x80\x80\xaf"),
	BAD("overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf"),
	BAD("surrogate U+D800", "\xed\xa0\x80"),
	BAD("surrogate U+DBFF", "\xed\xaf\xbf"),
	BAD("surrogate U+DC00", "\xed\xb0\x80"),
	BAD("surrogate U+DFFF", "\xed\xbf\xbf"),
	BAD("CESU-8 pair U+10000", "\xed\xa0\x80\xed\xb0\x80"),
	BAD("U+110000", "\xf4\x90\x80\x80"),
	BAD("U+13FFFF", "\xf4\xbf\xbf\xbf"),
	BAD("U+1FFFFF", "\xf7\xbf\xbf\xbf"),
	BAD("lead 0xF5", "\xf5\x80\x80\x80"),
	BAD("5-byte form", "\xf8\x88\x80\x80\x80"),
	BAD("6-byte form", "\xfc\x84\x80\x80\x80\x80"),
	BAD("byte 0xFE", "\xfe"),
	BAD("byte 0xFF", "\xff"),
	BAD("lone 0xC0", "\xc0"),
	BAD("lone 0xC1", "\xc1"),
	BAD("truncated 2-byte at end", "ab\xc3"),
	BAD("truncated 3-byte at end", "ab\xe2\x82"),
	BAD("truncated 3-byte, 1 byte", "\xe2"),
	BAD("truncated 4-byte at end", "ab\xf0\x9f\x98"),
	BAD("truncated 4-byte, 2 bytes", "\xf0\x9f"),
	BAD("truncated 3-byte then ASCII", "\xe2\x41\x41"),
	BAD("stray continuation 0x80", "\x80"),
	BAD("stray continuation 0xBF", "\xbf"),
	BAD("stray continuation inside", "a\x80\x62"),
	BAD("continuation after a full sequence", "\xc3\xa9\xa9"),
	BAD("second byte not continuation", "\xc3\x41"),
	BAD("third byte not continuation", "\xe2\x82\x41"),
	BAD("fourth byte not continuation", "\xf0\x9f\x98\x41"),
	BAD("lead then lead", "\xc3\xc3\xa9"),
	BAD("NUL byte inside", "a\0b"),
	BAD("NUL byte alone", "\0"),
	BAD("valid then invalid", "caf\xc3\xa9\xed\xa0\x80"),
};

TEST(invalid_utf8_every_class)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_utf8); i++) {
		const struct bad8 *b = &bad_utf8[i];
		uint16_t out[16], *dup = (uint16_t *)&out;
		size_t units = 77;

		fill16(out, 16);
		EXPECT_EQ(-EILSEQ, cn_utf16_len_of_utf8(b->s, b->len)) TH_LOG("%s", b->what);
		EXPECT_EQ(-EILSEQ, cn_utf8_check(b->s, b->len)) TH_LOG("%s", b->what);
		EXPECT_EQ(-EILSEQ, cn_utf8_to_utf16(b->s, b->len, out, 16)) TH_LOG("%s", b->what);
		EXPECT_TRUE(all16(out, 16, SENTINEL)) TH_LOG("%s: out written", b->what);
		/* Ill-formed beats too small: the caller must not retry. */
		EXPECT_EQ(-EILSEQ, cn_utf8_to_utf16(b->s, b->len, NULL, 0)) TH_LOG("%s", b->what);
		EXPECT_EQ(-EILSEQ, cn_utf8_to_utf16_room(b->s, b->len, out)) TH_LOG("%s", b->what);
		EXPECT_EQ(-EILSEQ, cn_utf8_to_utf16_dup(b->s, b->len, &dup, &units));
		EXPECT_EQ((uint16_t *)&out, dup);
		EXPECT_EQ(77, units);
	}
}

/* Every 1-, 2- and 3-byte sequence against the reference validator. */
TEST(exhaustive_short_sequences)
{
	unsigned char b[3];
	uint32_t x;
	uint16_t out[4], want[4];

	for (x = 0; x < (1U << 24); x++) {
		size_t len = x < 0x100 ? 1 : x < 0x10000 ? 2 : 3;
		long ref;
		ssize_t got;

		b[0] = x >> (8 * (len - 1));
		if (len > 1)
			b[1] = x >> (8 * (len - 2));
		if (len > 2)
			b[2] = x;
		ref = ref_utf8_units(b, len, want);
		got = cn_utf8_to_utf16((char *)b, len, out, 4);
		if (ref < 0) {
			ASSERT_EQ(-EILSEQ, got) TH_LOG("bytes %06x", x);
		} else {
			ASSERT_EQ(ref, got) TH_LOG("bytes %06x", x);
			ASSERT_EQ(0, memcmp(out, want, ref * 2)) TH_LOG("bytes %06x", x);
		}
	}
}

/*
 * Every 4-byte sequence whose first two bytes matter (the last two vary
 * over continuation and non-continuation edges).
 */
TEST(four_byte_leads)
{
	static const unsigned char tail[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f,
					      0x90, 0xbf, 0xc0, 0xf4, 0xff };
	unsigned int b0, b1, i, j;
	uint16_t out[4], want[4];

	for (b0 = 0xf0; b0 <= 0xff; b0++)
		for (b1 = 0; b1 <= 0xff; b1++)
			for (i = 0; i < sizeof(tail); i++)
				for (j = 0; j < sizeof(tail); j++) {
					unsigned char b[4] = { b0, b1, tail[i], tail[j] };
					long ref = ref_utf8_units(b, 4, want);
					ssize_t got = cn_utf8_to_utf16((char *)b, 4, out, 4);

					/* Braces: ASSERT_* is a for loop. */
					if (ref < 0) {
						ASSERT_EQ(-EILSEQ, got);
					} else {
						ASSERT_EQ(ref, got);
					}
				}
}

/* --- Ill-formed UTF-16 ---------------------------------------------------- */

TEST(unpaired_surrogates)
{
	static const uint16_t bad[][5] = {
		{ 0xd800, 0 },			/* high, then the terminator */
		{ 0xdbff, 0 },
		{ 0xdc00, 0 },			/* low alone */
		{ 0xdfff, 0 },
		{ 'a', 0xd800, 'b', 0 },	/* high, then not a low */
		{ 'a', 0xdc00, 'b', 0 },
		{ 0xdc00, 0xd800, 0 },		/* a pair the wrong way round */
		{ 0xd800, 0xd800, 0xdc00, 0 },	/* high, then a whole pair */
		{ 0xd834, 0xdd1e, 0xdd1e, 0 },	/* a pair, then a low */
		{ 0xd800, 0xe000, 0 },		/* high, then past the lows */
		{ 0xd800, 0xdbff, 0 },		/* high, high */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *s = (char *)&i;
		size_t n = 55;

		EXPECT_EQ(-EILSEQ, cn_utf16_to_utf8(bad[i], &s, &n)) TH_LOG("case %zu", i);
		EXPECT_EQ((char *)&i, s);
		EXPECT_EQ(55, n);
		EXPECT_EQ(-EILSEQ, cn_utf16_to_utf8_max(bad[i], SIZE_MAX, &s, &n));
	}
}

TEST(utf16_invalid_arguments)
{
	static const uint16_t in[] = { 'a', 0 };
	char *s;

	EXPECT_EQ(-EINVAL, cn_utf16_to_utf8(NULL, &s, NULL));
	EXPECT_EQ(-EINVAL, cn_utf16_to_utf8(in, NULL, NULL));
	EXPECT_EQ(-EINVAL, cn_utf16_len_of_utf8(NULL, 1));
	EXPECT_EQ(-EINVAL, cn_utf8_to_utf16("a", 1, NULL, 2));
	EXPECT_EQ(-EINVAL, cn_utf8_to_utf16(NULL, 1, NULL, 0));
	EXPECT_EQ(-EINVAL, cn_utf8_to_utf16_dup("a", 1, NULL, NULL));
}

/* --- Capacities ----------------------------------------------------------- */

TEST(capacity_exact_and_one_short)
{
	/* "a€𝄞": 1 + 1 + 2 units, so 5 with the NUL. */
	static const char s[] = "a\xe2\x82\xac\xf0\x9d\x84\x9e";
	static const uint16_t want[] = { 'a', 0x20ac, 0xd834, 0xdd1e, 0 };
	uint16_t out[8];
	size_t cap;

	for (cap = 0; cap < 5; cap++) {
		fill16(out, 8);
		EXPECT_EQ(-ENOBUFS, cn_utf8_to_utf16(s, sizeof(s) - 1, out, cap))
			TH_LOG("cap %zu", cap);
		EXPECT_TRUE(all16(out, 8, SENTINEL)) TH_LOG("cap %zu: written", cap);
	}
	fill16(out, 8);
	EXPECT_EQ(4, cn_utf8_to_utf16(s, sizeof(s) - 1, out, 5));
	EXPECT_EQ(0, memcmp(out, want, sizeof(want)));
	EXPECT_TRUE(all16(out + 5, 3, SENTINEL));
	EXPECT_EQ(-ENOBUFS, cn_utf8_to_utf16(s, sizeof(s) - 1, NULL, 0));
}

/* A pair that would straddle the end of the buffer is not split. */
TEST(capacity_pair_at_the_edge)
{
	uint16_t out[4];

	fill16(out, 4);
	EXPECT_EQ(-ENOBUFS, cn_utf8_to_utf16(U8("\xf0\x9d\x84\x9e"), out, 2));
	EXPECT_TRUE(all16(out, 4, SENTINEL));
	EXPECT_EQ(-ENOBUFS, cn_utf8_to_utf16(U8("\xf0\x9d\x84\x9e"), out, 1));
	EXPECT_TRUE(all16(out, 4, SENTINEL));
	EXPECT_EQ(2, cn_utf8_to_utf16(U8("\xf0\x9d\x84\x9e"), out, 3));
	EXPECT_EQ(0, out[2]);
	EXPECT_EQ(SENTINEL, out[3]);
}

/* The empty string still needs a unit for its NUL. */
TEST(capacity_empty)
{
	uint16_t out = SENTINEL;

	EXPECT_EQ(-ENOBUFS, cn_utf8_to_utf16("", 0, NULL, 0));
	EXPECT_EQ(0, cn_utf8_to_utf16("", 0, &out, 1));
	EXPECT_EQ(0, out);
}

TEST(utf8_to_utf16_dup)
{
	uint16_t *u;
	size_t n;

	ASSERT_EQ(0, cn_utf8_to_utf16_dup(U8("x\xf0\x90\x80\x80"), &u, &n));
	EXPECT_EQ(3, n);
	EXPECT_EQ('x', u[0]);
	EXPECT_EQ(0xd800, u[1]);
	EXPECT_EQ(0xdc00, u[2]);
	EXPECT_EQ(0, u[3]);
	free(u);
	ASSERT_EQ(0, cn_utf8_to_utf16_dup(NULL, 0, &u, NULL));
	EXPECT_EQ(0, u[0]);
	free(u);
}

TEST(strlen_counts_units)
{
	static const uint16_t s[] = { 'a', 0xd834, 0xdd1e, 0xe9, 0 };

	EXPECT_EQ(4, cn_utf16_strlen(s));
	EXPECT_EQ(0, cn_utf16_strlen(s + 4));
}

/* --- The NAME_MAX limit ------------------------------------------------- */

/* Fill u with n copies of the code point cp (its units), then extra ASCII. */
static uint16_t *make16(uint32_t cp, size_t n, size_t ascii)
{
	uint16_t *u = malloc((n * 2 + ascii + 1) * 2), one[2];
	size_t i, k = 0, w = ref_utf16_put(cp, one);

	for (i = 0; i < n; i++) {
		memcpy(u + k, one, w * 2);
		k += w;
	}
	for (i = 0; i < ascii; i++)
		u[k++] = 'a';
	u[k] = 0;
	return u;
}

static int to8(const uint16_t *u, size_t *len)
{
	char *s = NULL;
	int ret = cn_utf16_to_utf8(u, &s, len);

	if (!ret && strlen(s) != *len)
		ret = -EBADMSG;
	free(s);
	return ret;
}

TEST(name_max_limit)
{
	static const struct {
		uint32_t cp;
		size_t n, ascii;
		int ret;
		size_t len;
	} c[] = {
		{ 'a', 1023, 0, 0, 1023 },
		{ 'a', 1024, 0, -ENAMETOOLONG, 0 },
		{ 0xe9, 511, 1, 0, 1023 },		/* 2-byte */
		{ 0xe9, 512, 0, -ENAMETOOLONG, 0 },
		{ 0x20ac, 341, 0, 0, 1023 },		/* 3-byte */
		{ 0x20ac, 341, 1, -ENAMETOOLONG, 0 },
		{ 0x1d11e, 255, 3, 0, 1023 },		/* 4-byte pairs */
		{ 0x1d11e, 256, 0, -ENAMETOOLONG, 0 },
		{ 0x1d11e, 255, 4, -ENAMETOOLONG, 0 },
	};
	size_t i;

	ASSERT_EQ(1023, CLUSNOTIFY_NAME_MAX);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		uint16_t *u = make16(c[i].cp, c[i].n, c[i].ascii);
		size_t len = 0;

		EXPECT_EQ(c[i].ret, to8(u, &len)) TH_LOG("case %zu", i);
		if (!c[i].ret)
			EXPECT_EQ(c[i].len, len) TH_LOG("case %zu", i);
		free(u);
	}
}

/* A pair whose 4 bytes cross the limit counts whole. */
TEST(name_max_pair_straddles)
{
	uint16_t u[1024 + 3];
	size_t len, i;

	for (i = 0; i < 1019; i++)
		u[i] = 'a';
	u[1019] = 0xd834;
	u[1020] = 0xdd1e;
	u[1021] = 0;
	EXPECT_EQ(0, to8(u, &len));
	EXPECT_EQ(1023, len);
	memmove(u + 1, u, 1022 * 2);
	EXPECT_EQ(-ENAMETOOLONG, to8(u, &len));
}

/* The scan is front to back: whichever problem comes first is reported. */
TEST(name_max_against_ilseq_order)
{
	uint16_t *u = make16('a', 0, 2000);

	u[1500] = 0xdc00;
	EXPECT_EQ(-ENAMETOOLONG, to8(u, &(size_t){ 0 }));
	u[10] = 0xd800;
	EXPECT_EQ(-EILSEQ, to8(u, &(size_t){ 0 }));
	free(u);
}

TEST(no_limit_variant)
{
	uint16_t *u = make16(0x10ffff, 50000, 7);
	char *s;
	size_t len;

	ASSERT_EQ(0, cn_utf16_to_utf8_max(u, SIZE_MAX, &s, &len));
	EXPECT_EQ(200007, len);
	EXPECT_EQ(len, strlen(s));
	free(s);
	EXPECT_EQ(-ENAMETOOLONG, cn_utf16_to_utf8_max(u, 200006, &s, &len));
	ASSERT_EQ(0, cn_utf16_to_utf8_max(u, 200007, &s, &len));
	free(s);
	free(u);
}

/* --- Seeded random loops -------------------------------------------------- */

#define ROUNDS 100000
#define MAX_CPS 48

/*
 * UTF-16 -> UTF-8 -> UTF-16 is the identity on well-formed text, and the
 * UTF-8 in the middle is exactly the reference encoder's.
 */
TEST(random_round_trip)
{
	uint16_t in[MAX_CPS * 2 + 1], back[MAX_CPS * 2 + 1];
	unsigned char ref8[MAX_CPS * 4];
	int round;

	rng_seed(0x636c75736e6f7469ULL);
	for (round = 0; round < ROUNDS; round++) {
		size_t ncp = rng() % (MAX_CPS + 1), nu = 0, nb = 0, i, len;
		char *s;

		for (i = 0; i < ncp; i++) {
			uint32_t cp = rng_cp();

			nu += ref_utf16_put(cp, in + nu);
			nb += ref_utf8_put(cp, ref8 + nb);
		}
		in[nu] = 0;
		ASSERT_EQ(nu, cn_utf16_strlen(in));
		ASSERT_EQ(0, cn_utf16_to_utf8(in, &s, &len)) TH_LOG("round %d", round);
		ASSERT_EQ(nb, len) TH_LOG("round %d", round);
		ASSERT_EQ(0, memcmp(s, ref8, nb)) TH_LOG("round %d", round);
		ASSERT_EQ((ssize_t)nu, cn_utf16_len_of_utf8(s, len));
		ASSERT_EQ((ssize_t)nu, cn_utf8_to_utf16(s, len, back, nu + 1))
			TH_LOG("round %d", round);
		ASSERT_EQ(0, memcmp(in, back, (nu + 1) * 2)) TH_LOG("round %d", round);
		free(s);
	}
}

/*
 * Random bytes, biased towards the interesting ones, against the reference
 * validator; what is valid must also convert to what the reference says.
 */
TEST(random_bytes_against_reference)
{
	static const unsigned char pick[] = {
		0x00, 0x01, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
		0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff,
	};
	unsigned char b[16];
	uint16_t want[17], out[17];
	int round, valid = 0;

	rng_seed(42);
	for (round = 0; round < ROUNDS * 4; round++) {
		size_t len = rng() % 16, i;
		long ref;
		ssize_t got;

		for (i = 0; i < len; i++)
			b[i] = rng() % 2 ? pick[rng() % sizeof(pick)] : rng();
		ref = ref_utf8_units(b, len, want);
		got = cn_utf8_to_utf16((char *)b, len, out, 17);
		if (ref < 0) {
			ASSERT_EQ(-EILSEQ, got) TH_LOG("round %d", round);
			ASSERT_EQ(-EILSEQ, cn_utf8_to_utf16_room((char *)b, len,
								  out));
			ASSERT_EQ(-EILSEQ, cn_utf16_len_of_utf8((char *)b, len));
			continue;
		}
		valid++;
		ASSERT_EQ(ref, got) TH_LOG("round %d", round);
		ASSERT_EQ(0, memcmp(out, want, ref * 2));
		memset(out, 0, sizeof(out));
		ASSERT_EQ(ref, cn_utf8_to_utf16_room((char *)b, len, out));
		ASSERT_EQ(0, memcmp(out, want, ref * 2));
		ASSERT_EQ(0, out[ref]);
		ASSERT_EQ(ref, cn_utf16_len_of_utf8((char *)b, len));
	}
	/* The bias must leave both outcomes well represented. */
	EXPECT_GT(valid, ROUNDS / 10);
	EXPECT_LT(valid, ROUNDS * 4 - ROUNDS / 10);
}

/*
 * Random UTF-16 with many surrogates: refused exactly when a surrogate is
 * unpaired, else converted and back to the identity.
 */
TEST(random_units_with_surrogates)
{
	uint16_t in[17], back[17];
	int round, valid = 0;

	rng_seed(7);
	for (round = 0; round < ROUNDS; round++) {
		size_t n = rng() % 16, i;
		int paired = 1, ret;
		char *s = NULL;
		size_t len;

		for (i = 0; i < n; i++) {
			uint32_t r = rng() % 4;

			in[i] = r == 0 ? 0xd800 + rng() % 0x400 :
				r == 1 ? 0xdc00 + rng() % 0x400 :
				1 + rng() % 0xffff;
		}
		in[n] = 0;
		n = u16len(in);
		for (i = 0; i < n; i++) {
			if (in[i] >= 0xd800 && in[i] < 0xdc00 &&
			    in[i + 1] >= 0xdc00 && in[i + 1] < 0xe000)
				i++;
			else if (in[i] >= 0xd800 && in[i] < 0xe000)
				paired = 0;
		}
		ret = cn_utf16_to_utf8(in, &s, &len);
		if (!paired) {
			ASSERT_EQ(-EILSEQ, ret) TH_LOG("round %d", round);
			continue;
		}
		valid++;
		ASSERT_EQ(0, ret) TH_LOG("round %d", round);
		ASSERT_EQ(0, cn_utf8_check(s, len));
		ASSERT_EQ((ssize_t)n, cn_utf8_to_utf16(s, len, back, 17));
		ASSERT_EQ(0, memcmp(in, back, (n + 1) * 2));
		free(s);
	}
	EXPECT_GT(valid, ROUNDS / 20);
}

TEST_HARNESS_MAIN
