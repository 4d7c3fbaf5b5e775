// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lib/record.c under AddressSanitizer and UBSan. Records are built here by
 * hand the way the kernel's cn_payload_new() and cn_rec_to_user() lay them
 * out; every malformation is then applied to a valid one and must give
 * -EPROTO. Each decode reads from a heap copy exactly len bytes long, so a
 * read past the buffer is an ASan report, not a silent pass.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/clusnotify.h>
#include "kselftest_harness.h"
#include "record.h"

#define HDR sizeof(struct clusnotify_record)
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

_Static_assert(sizeof(struct clusnotify_record) == 96, "uapi record header");

struct spec {
	uint16_t version, flags;
	const void *payload;
	uint32_t payload_len;
	const char *id, *parent, *name, *type;
};

/* Lay a record out at buf as the kernel does; returns its size. */
static size_t build(void *buf, const struct spec *s)
{
	struct clusnotify_record *h = buf;
	const char *str[4] = { s->id, s->parent, s->name, s->type };
	size_t size, body = ALIGN8(s->payload_len) + 4, i;
	char *p;

	for (i = 0; i < 4; i++)
		body += strlen(str[i]);
	size = HDR + ALIGN8(body);
	memset(buf, 0, size);
	h->size = size;
	h->version = s->version ? s->version : CLUSNOTIFY_FILTER_V2;
	h->flags = s->flags;
	h->seq = 41;
	h->key = 0x1122334455667788ULL;
	h->token = 7;
	h->v2_flag = 0x10;
	h->object_type = CLUSNOTIFY_OBJ_GROUP;
	h->cluster_id = 3;
	h->state = CLUSNOTIFY_STATE_UNKNOWN;
	h->timestamp_ns = 123456789;
	h->payload_len = s->payload_len;
	h->id_len = strlen(s->id);
	h->parent_len = strlen(s->parent);
	h->name_len = strlen(s->name);
	h->type_len = strlen(s->type);
	p = (char *)buf + HDR;
	if (s->payload_len)
		memcpy(p, s->payload, s->payload_len);
	p += ALIGN8(s->payload_len);
	for (i = 0; i < 4; i++) {
		strcpy(p, str[i]);
		p += strlen(str[i]) + 1;
	}
	return size;
}

static const struct spec full = {
	.payload = "\x01\x02\x03\x04\x05", .payload_len = 5,
	.id = "0c2d9f6e-group-1", .parent = "node-2", .name = "Cluster Group",
	.type = "",
};

static const struct spec empty = { .id = "", .parent = "", .name = "", .type = "" };

/* Decode a heap copy of exactly len bytes of buf. */
static int decode_exact(const void *buf, size_t len, struct cn_record_view *v)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, buf, len);
	ret = cn_record_decode(copy, len, v);
	free(copy);
	return ret;
}

static alignas(8) unsigned char rec[8192];

static struct clusnotify_record *H(void)
{
	return (struct clusnotify_record *)rec;
}

/* --- Well-formed records ------------------------------------------------ */

TEST(valid_full)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	/* 5 payload bytes -> 8, then 16 + 6 + 13 + 0 bytes and 4 NULs -> 48. */
	ASSERT_EQ(HDR + 8 + 40, size);
	ASSERT_EQ(0, cn_record_decode(rec, size, &v));
	EXPECT_EQ((void *)rec, (void *)v.hdr);
	EXPECT_EQ((void *)(rec + HDR), v.payload);
	EXPECT_EQ(0, memcmp(v.payload, "\x01\x02\x03\x04\x05", 5));
	EXPECT_STREQ("0c2d9f6e-group-1", v.id);
	EXPECT_STREQ("node-2", v.parent);
	EXPECT_STREQ("Cluster Group", v.name);
	EXPECT_STREQ("", v.type);
	EXPECT_EQ((const char *)rec + HDR + 8, v.id);
	EXPECT_EQ(41, v.hdr->seq);
	EXPECT_EQ(0x1122334455667788ULL, v.hdr->key);
	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, v.hdr->object_type);
}

TEST(valid_empty)
{
	struct cn_record_view v;
	size_t size = build(rec, &empty);

	/* Four NULs still take a padded 8 bytes. */
	ASSERT_EQ(HDR + 8, size);
	ASSERT_EQ(0, decode_exact(rec, size, &v));
	ASSERT_EQ(0, cn_record_decode(rec, size, &v));
	EXPECT_EQ((void *)(rec + HDR), v.payload);
	EXPECT_STREQ("", v.id);
	EXPECT_STREQ("", v.type);
	EXPECT_EQ(v.id + 1, v.parent);
	EXPECT_EQ(v.id + 3, v.type);
}

/* Strings of exactly 4 bytes with NULs fill 8 with no padding at all. */
TEST(valid_no_padding)
{
	static const char pay[8] = "12345678";
	struct spec s = { .payload = pay, .payload_len = 8, .id = "ab",
			  .parent = "", .name = "cd", .type = "" };
	struct cn_record_view v;
	size_t size = build(rec, &s);

	ASSERT_EQ(HDR + 8 + 8, size);
	ASSERT_EQ(0, decode_exact(rec, size, &v));
}

/*
 * What the module itself makes: a V2 STATE record with its 4-byte state,
 * and a V1 overflow record.
 */
TEST(valid_kernel_records)
{
	uint32_t state = 2;
	struct spec st = { .version = CLUSNOTIFY_FILTER_V2,
			   .flags = CLUSNOTIFY_RECORD_F_KERNEL,
			   .payload = &state, .payload_len = 4, .id = "g1",
			   .parent = "n1", .name = "Group 1", .type = "" };
	struct spec lost = { .version = CLUSNOTIFY_FILTER_V1,
			     .flags = CLUSNOTIFY_RECORD_F_LOST |
				      CLUSNOTIFY_RECORD_F_KERNEL,
			     .id = "", .parent = "", .name = "cluster1",
			     .type = "" };
	struct cn_record_view v;
	size_t size;

	size = build(rec, &st);
	ASSERT_EQ(0, decode_exact(rec, size, &v));
	size = build(rec, &lost);
	H()->lost = 1000;
	ASSERT_EQ(0, cn_record_decode(rec, size, &v));
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, v.hdr->version);
	EXPECT_EQ(1000, v.hdr->lost);
	EXPECT_STREQ("cluster1", v.name);
}

/* Strings at the ABI's limit, payload at its limit, UTF-8 passed through. */
TEST(valid_large)
{
	static alignas(8) unsigned char big[HDR + CLUSNOTIFY_PAYLOAD_MAX + 4 * 1024 + 8];
	static char s[4][CLUSNOTIFY_NAME_MAX + 1];
	static unsigned char pay[CLUSNOTIFY_PAYLOAD_MAX];
	struct spec sp = { .payload = pay, .payload_len = sizeof(pay),
			   .id = s[0], .parent = s[1], .name = s[2], .type = s[3] };
	struct cn_record_view v;
	size_t size, i;

	for (i = 0; i < 4; i++)
		memset(s[i], 'a' + i, CLUSNOTIFY_NAME_MAX);
	strcpy(s[3], "r\xc3\xa9sum\xc3\xa9");
	memset(pay, 0xff, sizeof(pay));
	size = build(big, &sp);
	ASSERT_EQ(0, decode_exact(big, size, &v));
	ASSERT_EQ(0, cn_record_decode(big, size, &v));
	EXPECT_EQ(CLUSNOTIFY_NAME_MAX, strlen(v.name));
	EXPECT_STREQ("r\xc3\xa9sum\xc3\xa9", v.type);
}

/* Bytes past size are the next record's business. */
TEST(len_beyond_size)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	memset(rec + size, 0xee, 64);
	EXPECT_EQ(0, cn_record_decode(rec, size + 64, &v));
	EXPECT_EQ(size, v.hdr->size);
}

/* Unknown flag bits are a newer kernel's, not a malformation. */
TEST(unknown_flags_accepted)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	H()->flags = 0xffff;
	EXPECT_EQ(0, cn_record_decode(rec, size, &v));
}

/* --- Malformed records --------------------------------------------------- */

TEST(shorter_than_header)
{
	struct cn_record_view v;
	size_t len;

	build(rec, &full);
	for (len = 0; len < HDR; len++)
		ASSERT_EQ(-EPROTO, decode_exact(rec, len, &v)) TH_LOG("len %zu", len);
}

/* Every truncation of a valid record: never a read past len. */
TEST(truncated_anywhere)
{
	struct cn_record_view v;
	size_t size = build(rec, &full), len;

	for (len = 0; len < size; len++)
		ASSERT_EQ(-EPROTO, decode_exact(rec, len, &v)) TH_LOG("len %zu", len);
	ASSERT_EQ(0, decode_exact(rec, size, &v));
}

TEST(size_not_multiple_of_8)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);
	uint32_t d;

	for (d = 1; d < 8; d++) {
		H()->size = size + d;
		EXPECT_EQ(-EPROTO, cn_record_decode(rec, size + 8, &v)) TH_LOG("+%u", d);
		H()->size = size - d;
		EXPECT_EQ(-EPROTO, cn_record_decode(rec, size + 8, &v)) TH_LOG("-%u", d);
	}
}

TEST(size_below_header)
{
	static const uint32_t sizes[] = { 0, 8, 16, HDR - 8 };
	struct cn_record_view v;
	size_t size = build(rec, &empty), i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		H()->size = sizes[i];
		EXPECT_EQ(-EPROTO, cn_record_decode(rec, size, &v)) TH_LOG("size %u", sizes[i]);
	}
}

TEST(size_beyond_len)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	EXPECT_EQ(-EPROTO, decode_exact(rec, size - 8, &v));
	EXPECT_EQ(-EPROTO, decode_exact(rec, size - 1, &v));
	H()->size = 0xfffffff8U;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
}

/* Zero slack after the padding: size must be exactly the layout's. */
TEST(size_larger_than_layout)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	memset(rec + size, 0, 16);
	H()->size = size + 8;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size + 8, &v));
	H()->size = size + 16;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size + 16, &v));
}

/* Lengths that claim more than size holds, down to 32-bit wrap-arounds. */
TEST(strings_overflow_size)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);
	struct clusnotify_record saved = *H();
	uint32_t *lens[] = { &H()->payload_len, &H()->id_len, &H()->parent_len,
			     &H()->name_len, &H()->type_len };
	static const uint32_t add[] = { 1, 8, 64, 0x7fffffff, 0xfffffff8U,
					0xffffffffU };
	size_t i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < ARRAY_SIZE(add); j++) {
			*H() = saved;
			*lens[i] += add[j];
			/*
			 * A 6-byte payload ending in 0 lays out exactly as a
			 * 5-byte one: no decoder can tell them apart.
			 */
			if (i == 0 && add[j] == 1) {
				EXPECT_EQ(0, decode_exact(rec, size, &v));
				continue;
			}
			EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v))
				TH_LOG("field %zu + %#x", i, add[j]);
		}
		*H() = saved;
		*lens[i] = 0xffffffffU;
		EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v)) TH_LOG("field %zu max", i);
	}
	*H() = saved;
	for (i = 0; i < 5; i++)
		*lens[i] = 0xffffffffU;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
	/* Lengths that sum to the right total but are split wrongly. */
	*H() = saved;
	H()->id_len -= 1;
	H()->parent_len += 1;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
}

/*
 * The NUL after each string is overwritten: lengths now point at a
 * non-NUL byte.
 */
TEST(missing_nul)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);
	unsigned char *strs = rec + HDR + 8;
	size_t at[4], i;

	at[0] = H()->id_len;
	at[1] = at[0] + 1 + H()->parent_len;
	at[2] = at[1] + 1 + H()->name_len;
	at[3] = at[2] + 1 + H()->type_len;
	for (i = 0; i < 4; i++) {
		build(rec, &full);
		ASSERT_EQ(0, strs[at[i]]);
		strs[at[i]] = 'x';
		EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v)) TH_LOG("string %zu", i);
	}
}

TEST(nul_inside)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);
	unsigned char *strs = rec + HDR + 8;
	size_t start[3], i;

	start[0] = 0;
	start[1] = H()->id_len + 1;
	start[2] = start[1] + H()->parent_len + 1;
	for (i = 0; i < 3; i++) {
		build(rec, &full);
		strs[start[i] + 1] = 0;
		EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v)) TH_LOG("string %zu", i);
	}
	/* NUL as the very first or last byte of a string. */
	build(rec, &full);
	strs[0] = 0;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
	build(rec, &full);
	strs[H()->id_len - 1] = 0;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
}

/*
 * A string that shifted by one: lengths say "ab" then "", bytes hold "a"
 * then "b", and so on; the terminators land in the wrong places.
 */
TEST(lengths_disagree_with_nuls)
{
	struct spec s = { .id = "ab", .parent = "", .name = "cd", .type = "" };
	struct cn_record_view v;
	size_t size = build(rec, &s);

	H()->id_len = 1;
	H()->parent_len = 1;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
}

TEST(bad_padding)
{
	struct cn_record_view v;
	size_t size = build(rec, &full), i;

	/* Payload padding: bytes 5, 6, 7 after the header. */
	for (i = 5; i < 8; i++) {
		build(rec, &full);
		rec[HDR + i] = 1;
		EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v)) TH_LOG("payload pad %zu", i);
	}
	/* Tail padding: the 40-byte string area holds 39 bytes of strings. */
	build(rec, &full);
	ASSERT_EQ(0, rec[size - 1]);
	rec[size - 1] = 0x80;
	EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v));
}

/* Every tail padding byte of a record with the most padding (7 bytes). */
TEST(bad_tail_padding_every_byte)
{
	struct spec s = { .id = "a", .parent = "", .name = "", .type = "" };
	struct cn_record_view v;
	size_t size = build(rec, &s), i;

	ASSERT_EQ(HDR + 8, size);
	for (i = HDR + 5; i < size; i++) {
		build(rec, &s);
		rec[i] = 0xff;
		EXPECT_EQ(-EPROTO, decode_exact(rec, size, &v)) TH_LOG("byte %zu", i);
	}
}

TEST(bad_version)
{
	static const uint16_t bad[] = { 0, 3, 4, 0x100, 0xffff };
	struct cn_record_view v;
	size_t size = build(rec, &full), i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		H()->version = bad[i];
		EXPECT_EQ(-EPROTO, cn_record_decode(rec, size, &v)) TH_LOG("version %u", bad[i]);
	}
	H()->version = CLUSNOTIFY_FILTER_V1;
	EXPECT_EQ(0, cn_record_decode(rec, size, &v));
	H()->version = CLUSNOTIFY_FILTER_V2;
	EXPECT_EQ(0, cn_record_decode(rec, size, &v));
}

TEST(reserved_nonzero)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	H()->__reserved = 1;
	EXPECT_EQ(-EPROTO, cn_record_decode(rec, size, &v));
	H()->__reserved = 0x80000000U;
	EXPECT_EQ(-EPROTO, cn_record_decode(rec, size, &v));
}

/* A failed decode leaves *v as it was. */
TEST(view_untouched_on_error)
{
	struct cn_record_view v, before;
	size_t size = build(rec, &full);

	memset(&v, 0x5a, sizeof(v));
	before = v;
	H()->version = 9;
	EXPECT_EQ(-EPROTO, cn_record_decode(rec, size, &v));
	EXPECT_EQ(0, memcmp(&v, &before, sizeof(v)));
}

TEST(invalid_arguments)
{
	struct cn_record_view v;
	size_t size = build(rec, &full);

	EXPECT_EQ(-EINVAL, cn_record_decode(NULL, size, &v));
	EXPECT_EQ(-EINVAL, cn_record_decode(rec, size, NULL));
	EXPECT_EQ(-EINVAL, cn_record_decode(rec + 4, size, &v));
	EXPECT_EQ(-EINVAL, cn_record_decode(rec + 1, size, &v));
}

/*
 * Random corruption of valid records, seeded: whatever the decoder makes
 * of the bytes, it reads none outside them (ASan), and what it accepts
 * really satisfies the layout.
 */
TEST(random_corruption)
{
	static const struct spec *specs[] = { &full, &empty };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int round, accepted = 0;

	for (round = 0; round < 50000; round++) {
		const struct spec *sp = specs[round % 2];
		size_t size = build(rec, sp), len, k, flips;
		struct cn_record_view v;
		unsigned char *copy;

		flips = 1 + round % 3;
		for (k = 0; k < flips; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			rec[x % size] ^= 1 << (x >> 32) % 8;
		}
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = size - (x % 4 == 0 ? x % size : 0);
		copy = malloc(len ? len : 1);
		memcpy(copy, rec, len);
		if (cn_record_decode(copy, len, &v) == 0) {
			const struct clusnotify_record *h = v.hdr;

			accepted++;
			ASSERT_LE(h->size, len);
			ASSERT_EQ(0, h->size % 8);
			ASSERT_EQ(h->id_len, strlen(v.id));
			ASSERT_EQ(h->parent_len, strlen(v.parent));
			ASSERT_EQ(h->name_len, strlen(v.name));
			ASSERT_EQ(h->type_len, strlen(v.type));
			ASSERT_LE((unsigned char *)v.type + h->type_len + 1,
				  copy + h->size);
		}
		free(copy);
	}
	/* Flipped bits in the timestamp, key, payload... stay valid. */
	EXPECT_GT(accepted, 0);
}

/* --- Batches ------------------------------------------------------------ */

static size_t build_batch(unsigned char *buf, size_t *sizes)
{
	static const struct spec b = { .version = CLUSNOTIFY_FILTER_V1,
				       .id = "r1", .parent = "g1",
				       .name = "IP Address", .type = "IP Address" };
	size_t off = 0;

	sizes[0] = build(buf, &full);
	off += sizes[0];
	sizes[1] = build(buf + off, &empty);
	off += sizes[1];
	sizes[2] = build(buf + off, &b);
	off += sizes[2];
	return off;
}

TEST(batch_iteration)
{
	alignas(8) unsigned char buf[1024];
	size_t sizes[3], total = build_batch(buf, sizes), off = 0;
	struct cn_record_view v;
	unsigned char *copy = malloc(total);

	memcpy(copy, buf, total);
	ASSERT_EQ(1, cn_record_next(copy, total, &off, &v));
	EXPECT_EQ(sizes[0], off);
	EXPECT_STREQ("Cluster Group", v.name);
	ASSERT_EQ(1, cn_record_next(copy, total, &off, &v));
	EXPECT_EQ(sizes[0] + sizes[1], off);
	EXPECT_STREQ("", v.name);
	ASSERT_EQ(1, cn_record_next(copy, total, &off, &v));
	EXPECT_EQ(total, off);
	EXPECT_STREQ("IP Address", v.name);
	EXPECT_EQ(CLUSNOTIFY_FILTER_V1, v.hdr->version);
	EXPECT_EQ(0, cn_record_next(copy, total, &off, &v));
	EXPECT_EQ(0, cn_record_next(copy, total, &off, &v));
	EXPECT_EQ(total, off);
	free(copy);
}

/* The loop from record.h's comment, counting records. */
TEST(batch_loop_idiom)
{
	alignas(8) unsigned char buf[1024];
	size_t sizes[3], total = build_batch(buf, sizes), off = 0;
	struct cn_record_view v;
	int ret, n = 0;

	while ((ret = cn_record_next(buf, total, &off, &v)) > 0)
		n++;
	EXPECT_EQ(0, ret);
	EXPECT_EQ(3, n);
}

TEST(batch_empty)
{
	struct cn_record_view v;
	size_t off = 0;

	EXPECT_EQ(0, cn_record_next(NULL, 0, &off, &v));
	EXPECT_EQ(0, cn_record_next(rec, 0, &off, &v));
	EXPECT_EQ(0, off);
}

TEST(batch_malformed_middle)
{
	alignas(8) unsigned char buf[1024];
	size_t sizes[3], total = build_batch(buf, sizes), off = 0;
	struct cn_record_view v;

	((struct clusnotify_record *)(buf + sizes[0]))->__reserved = 1;
	ASSERT_EQ(1, cn_record_next(buf, total, &off, &v));
	EXPECT_EQ(-EPROTO, cn_record_next(buf, total, &off, &v));
	EXPECT_EQ(sizes[0], off);
	/* It stays stuck there rather than skipping ahead. */
	EXPECT_EQ(-EPROTO, cn_record_next(buf, total, &off, &v));
	EXPECT_EQ(sizes[0], off);
}

/* A batch cut anywhere: the whole records before the cut, then -EPROTO. */
TEST(batch_truncated_anywhere)
{
	alignas(8) unsigned char buf[1024];
	size_t sizes[3], total = build_batch(buf, sizes), len;

	for (len = 1; len < total; len++) {
		unsigned char *copy = malloc(len);
		size_t off = 0, whole = 0, acc = 0, i;
		struct cn_record_view v;
		int ret, n = 0;

		for (i = 0; i < 3; i++) {
			if (acc + sizes[i] > len)
				break;
			acc += sizes[i];
			whole++;
		}
		memcpy(copy, buf, len);
		while ((ret = cn_record_next(copy, len, &off, &v)) > 0)
			n++;
		EXPECT_EQ(whole, n) TH_LOG("len %zu", len);
		EXPECT_EQ(acc == len ? 0 : -EPROTO, ret) TH_LOG("len %zu", len);
		EXPECT_EQ(acc, off) TH_LOG("len %zu", len);
		free(copy);
	}
}

TEST(batch_invalid_arguments)
{
	alignas(8) unsigned char buf[1024];
	size_t sizes[3], total = build_batch(buf, sizes), off;
	struct cn_record_view v;

	off = total + 8;
	EXPECT_EQ(-EINVAL, cn_record_next(buf, total, &off, &v));
	EXPECT_EQ(total + 8, off);
	off = 0;
	EXPECT_EQ(-EINVAL, cn_record_next(buf, total, NULL, &v));
	EXPECT_EQ(-EINVAL, cn_record_next(buf, total, &off, NULL));
	EXPECT_EQ(-EINVAL, cn_record_next(NULL, total, &off, &v));
	/* An offset off the 8-byte grid is the caller's bug. */
	off = 4;
	EXPECT_EQ(-EINVAL, cn_record_next(buf, total, &off, &v));
	EXPECT_EQ(4, off);
}

TEST_HARNESS_MAIN
