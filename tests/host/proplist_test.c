// SPDX-License-Identifier: GPL-2.0
/*
 * Property lists (clusapi_linux.h): the builder writes the Windows layout
 * byte for byte, every value type round-trips through the parser, the
 * parser finds a property the way os-win does (StatusInformation, a
 * ULARGE_INTEGER), and every malformed list is refused before any callback.
 * Runs on the host under ASan and UBSan.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>
#include <clusapi_linux.h>
#include "kselftest_harness.h"

struct seen {
	int n;
	char names[8][64];
	uint32_t syntax[8];
	uint32_t len[8];
	unsigned char value[8][64];
	int stop_at;
};

static int collect(const struct clusnotify_prop *p, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		strncpy(s->names[s->n], p->name, 63);
		s->syntax[s->n] = p->syntax;
		s->len[s->n] = p->value_len;
		memcpy(s->value[s->n], p->value,
		       p->value_len < 64 ? p->value_len : 64);
	}
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 42 : 0;
}

static uint32_t dw(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

TEST(one_dword_property_exact_bytes)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	const unsigned char *b;
	size_t len;

	ASSERT_EQ(0, clusnotify_proplist_add_dword(&pl, "Ab", 0x11223344));
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	/* count, NAME(8 + "A\0b\0\0\0" padded to 8), DWORD(8 + 4), ENDMARK */
	ASSERT_EQ(4 + 16 + 12 + 4, len);
	EXPECT_EQ(1, dw(b));
	EXPECT_EQ(CLUSPROP_SYNTAX_NAME, dw(b + 4));
	EXPECT_EQ(6, dw(b + 8));
	EXPECT_EQ(0, memcmp(b + 12, "A\0b\0\0\0\0\0", 8));
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_DWORD, dw(b + 20));
	EXPECT_EQ(4, dw(b + 24));
	EXPECT_EQ(0x11223344, dw(b + 28));
	EXPECT_EQ(CLUSPROP_SYNTAX_ENDMARK, dw(b + 32));
	clusnotify_proplist_free(&pl);
}

TEST(every_type_round_trips)
{
	static const char *multi[] = { "one", "two\xc3\xa9", "\xf0\x9d\x84\x9e" };
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	struct seen s = { 0 };
	static const unsigned char bin[5] = { 1, 2, 3, 4, 5 };
	const void *b;
	uint64_t u64;
	int64_t i64;
	int32_t i32;
	size_t len;

	ASSERT_EQ(0, clusnotify_proplist_add_dword(&pl, "State", 3));
	ASSERT_EQ(0, clusnotify_proplist_add_long(&pl, "Delta", -5));
	ASSERT_EQ(0, clusnotify_proplist_add_ulargeint(&pl, "StatusInformation",
						       0x8000000000000001ULL));
	ASSERT_EQ(0, clusnotify_proplist_add_largeint(&pl, "Offset", -7));
	ASSERT_EQ(0, clusnotify_proplist_add_sz(&pl, "Description",
						"caf\xc3\xa9 \xf0\x9d\x84\x9e"));
	ASSERT_EQ(0, clusnotify_proplist_add_multi_sz(&pl, "PossibleOwners",
						      multi, 3));
	ASSERT_EQ(0, clusnotify_proplist_add_binary(&pl, "Blob", bin, 5));
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, len % 4);
	ASSERT_EQ(0, clusnotify_proplist_parse(b, len, collect, &s));
	ASSERT_EQ(7, s.n);
	EXPECT_STREQ("State", s.names[0]);
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_DWORD, s.syntax[0]);
	EXPECT_EQ(3, dw(s.value[0]));
	memcpy(&i32, s.value[1], 4);
	EXPECT_EQ(-5, i32);
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, s.syntax[2]);
	memcpy(&u64, s.value[2], 8);
	EXPECT_EQ(0x8000000000000001ULL, u64);
	memcpy(&i64, s.value[3], 8);
	EXPECT_EQ(-7, i64);
	/* "café 𝄞": 6 + 2 units and the NUL. */
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_SZ, s.syntax[4]);
	EXPECT_EQ((7 + 1) * 2, s.len[4]);
	EXPECT_EQ(0xd834, s.value[4][10] | s.value[4][11] << 8);
	/* three strings with NULs and a final NUL: 4 + 5 + 3 + 1 units */
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, s.syntax[5]);
	EXPECT_EQ((4 + 5 + 3 + 1) * 2, s.len[5]);
	EXPECT_EQ(5, s.len[6]);
	EXPECT_EQ(0, memcmp(bin, s.value[6], 5));
	clusnotify_proplist_free(&pl);
}

/* What os-win does with a GROUP_COMMON_PROPERTY_V2 payload. */
static int find_status(const struct clusnotify_prop *p, void *arg)
{
	if (strcmp(p->name, "StatusInformation"))
		return 0;
	if (p->syntax != CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER ||
	    p->value_len != 8)
		return -1;
	memcpy(arg, p->value, 8);
	return 1;
}

TEST(finds_a_property_like_os_win)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	uint64_t status = 0;
	const void *b;
	size_t len;

	clusnotify_proplist_add_sz(&pl, "Name", "vm-1");
	clusnotify_proplist_add_ulargeint(&pl, "StatusInformation", 0x100);
	clusnotify_proplist_add_dword(&pl, "GroupType", 111);
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(1, clusnotify_proplist_parse(b, len, find_status, &status));
	EXPECT_EQ(0x100, status);
	clusnotify_proplist_free(&pl);
}

TEST(empty_list)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	struct seen s = { 0 };
	const void *b;
	size_t len;

	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, clusnotify_proplist_parse(b, len, collect, &s));
	EXPECT_EQ(0, s.n);
	clusnotify_proplist_free(&pl);
}

/* A MULTI_SZ of no string is two NULs, and our own parser takes it back. */
TEST(empty_multi_sz_round_trips)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	static const unsigned char two_nuls[4];
	struct seen s = { 0 };
	const void *b;
	size_t len;

	ASSERT_EQ(0, clusnotify_proplist_add_multi_sz(&pl, "PossibleOwners",
						      NULL, 0));
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, clusnotify_proplist_parse(b, len, collect, &s));
	ASSERT_EQ(1, s.n);
	EXPECT_STREQ("PossibleOwners", s.names[0]);
	EXPECT_EQ(CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, s.syntax[0]);
	ASSERT_EQ(4, s.len[0]);
	EXPECT_EQ(0, memcmp(two_nuls, s.value[0], 4));
	clusnotify_proplist_free(&pl);
}

TEST(every_truncation_is_eproto_before_any_callback)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	const unsigned char *b;
	size_t len, n;

	clusnotify_proplist_add_dword(&pl, "A", 1);
	clusnotify_proplist_add_sz(&pl, "B", "text");
	clusnotify_proplist_add_binary(&pl, "C", "xyz", 3);
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	for (n = 0; n < len; n++) {
		struct seen s = { 0 };
		unsigned char *copy = malloc(n ? n : 1);

		ASSERT_NE(NULL, copy);
		memcpy(copy, b, n);
		EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(copy, n, collect,
							     &s));
		EXPECT_EQ(0, s.n);
		free(copy);
	}
	clusnotify_proplist_free(&pl);
}

TEST(malformed_lists_are_eproto)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	unsigned char *c;
	const void *b;
	size_t len;
	uint32_t v;

	clusnotify_proplist_add_dword(&pl, "Ab", 7);
	b = clusnotify_proplist_data(&pl, &len);
	ASSERT_NE(NULL, b);
	c = malloc(len + 8);
	ASSERT_NE(NULL, c);

	/* More properties announced than present. */
	memcpy(c, b, len);
	v = 2;
	memcpy(c, &v, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* A value where the name should be. */
	memcpy(c, b, len);
	v = CLUSPROP_SYNTAX_LIST_VALUE_DWORD;
	memcpy(c + 4, &v, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* A name without its NUL. */
	memcpy(c, b, len);
	c[16] = 'x';
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* A DWORD that is not 4 bytes. */
	memcpy(c, b, len);
	v = 3;
	memcpy(c + 24, &v, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* No end mark: another value follows instead. */
	memcpy(c, b, len);
	v = CLUSPROP_SYNTAX_NAME;
	memcpy(c + 32, &v, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* Bytes after the last property. */
	memcpy(c, b, len);
	memset(c + len, 0, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len + 4, NULL, NULL));
	/* A huge length must not wrap around. */
	memcpy(c, b, len);
	v = 0xfffffffe;
	memcpy(c + 8, &v, 4);
	EXPECT_EQ(-EPROTO, clusnotify_proplist_parse(c, len, NULL, NULL));
	/* The intact copy parses. */
	memcpy(c, b, len);
	EXPECT_EQ(0, clusnotify_proplist_parse(c, len, NULL, NULL));
	free(c);
	clusnotify_proplist_free(&pl);
}

TEST(callback_stops_the_walk)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	struct seen s = { .stop_at = 2 };
	const void *b;
	size_t len;

	clusnotify_proplist_add_dword(&pl, "A", 1);
	clusnotify_proplist_add_dword(&pl, "B", 2);
	clusnotify_proplist_add_dword(&pl, "C", 3);
	b = clusnotify_proplist_data(&pl, &len);
	EXPECT_EQ(42, clusnotify_proplist_parse(b, len, collect, &s));
	EXPECT_EQ(2, s.n);
	clusnotify_proplist_free(&pl);
}

TEST(builder_errors_stick)
{
	struct clusnotify_proplist pl = CLUSNOTIFY_PROPLIST_INIT;
	static const char *bad_multi[] = { "a", "" };
	size_t len = 1;

	EXPECT_EQ(-EINVAL, clusnotify_proplist_add_dword(NULL, "A", 1));
	EXPECT_EQ(-EINVAL, clusnotify_proplist_add_dword(&pl, NULL, 1));
	clusnotify_proplist_free(&pl);
	EXPECT_EQ(-EINVAL, clusnotify_proplist_add_multi_sz(&pl, "M", bad_multi,
							    2));
	clusnotify_proplist_free(&pl);
	EXPECT_EQ(0, clusnotify_proplist_add_dword(&pl, "A", 1));
	/* Invalid UTF-8 in a value: refused, and it sticks. */
	EXPECT_EQ(-EILSEQ, clusnotify_proplist_add_sz(&pl, "S", "\xc0\xaf"));
	EXPECT_EQ(-EILSEQ, clusnotify_proplist_add_dword(&pl, "B", 2));
	EXPECT_EQ(NULL, clusnotify_proplist_data(&pl, &len));
	EXPECT_EQ(0, len);
	clusnotify_proplist_free(&pl);
}

TEST_HARNESS_MAIN
