// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for lib/record.c: cn_record_decode() and
 * cn_record_next(), the code that turns what the kernel returns from GET and
 * read() into pointers a caller then follows.
 *
 * The first input byte picks a mode:
 *  - raw: the rest of the input is a batch as read() would return it,
 *    copied into a heap buffer of exactly that length (so any read past it
 *    is an AddressSanitizer report). Whatever the decoder accepts must hold
 *    the layout of include/uapi/linux/clusnotify.h ("Records"), checked here
 *    independently: every pointer inside the record, strings of their
 *    stated length ending in a NUL, size what the lengths lay out. A
 *    rejected record must leave *off and *v alone.
 *  - build: the input chooses the fields of up to eight records, which an
 *    independent encoder lays out the way the kernel's cn_payload_new() and
 *    cn_rec_to_user() do; the whole batch must decode back to exactly those
 *    fields. Then one byte chosen by the input is changed and the batch
 *    decoded again: it may be refused, but what is accepted must still be
 *    well formed.
 *  - misaligned: a decode at an odd address must be -EINVAL, not a
 *    misaligned read.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/clusnotify.h>

#include "record.h"
#include "fuzz_input.h"

#define HDR sizeof(struct clusnotify_record)
#define ALIGN8(x) (((x) + 7) & ~(uint64_t)7)

static void check_str(const char *s, const unsigned char *lo,
		      const unsigned char *hi, uint32_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	FUZZ_CHECK(p >= lo && p + len < hi);	/* its NUL inside too */
	FUZZ_CHECK(p[len] == 0);
	FUZZ_CHECK(memchr(p, 0, len) == NULL);
}

/* What an accepted record at buf (len bytes available) must satisfy. */
static void check_view(const unsigned char *buf, size_t len,
		       const struct cn_record_view *v)
{
	const struct clusnotify_record *h = v->hdr;
	const unsigned char *end;
	uint64_t body;

	FUZZ_CHECK((const unsigned char *)h == buf);
	FUZZ_CHECK(len >= HDR);
	FUZZ_CHECK(h->size >= HDR && h->size <= len && h->size % 8 == 0);
	FUZZ_CHECK(h->version == CLUSNOTIFY_FILTER_V1 ||
		   h->version == CLUSNOTIFY_FILTER_V2);
	FUZZ_CHECK(h->__reserved == 0);
	body = ALIGN8((uint64_t)h->payload_len) + (uint64_t)h->id_len +
	       h->parent_len + h->name_len + h->type_len + 4;
	FUZZ_CHECK(HDR + ALIGN8(body) == h->size);
	end = buf + h->size;
	FUZZ_CHECK((const unsigned char *)v->payload == buf + HDR);
	FUZZ_CHECK(buf + HDR + (uint64_t)h->payload_len <= end);
	check_str(v->id, buf + HDR, end, h->id_len);
	check_str(v->parent, buf + HDR, end, h->parent_len);
	check_str(v->name, buf + HDR, end, h->name_len);
	check_str(v->type, buf + HDR, end, h->type_len);
	/* In order, each right after the previous one's NUL. */
	FUZZ_CHECK((const unsigned char *)v->id ==
		   buf + HDR + ALIGN8(h->payload_len));
	FUZZ_CHECK(v->parent == v->id + h->id_len + 1);
	FUZZ_CHECK(v->name == v->parent + h->parent_len + 1);
	FUZZ_CHECK(v->type == v->name + h->name_len + 1);
	/* Padding: zero, after the payload and at the end. */
	for (const unsigned char *p = buf + HDR + h->payload_len;
	     p < buf + HDR + ALIGN8(h->payload_len); p++)
		FUZZ_CHECK(*p == 0);
	for (const unsigned char *p = (const unsigned char *)v->type +
				      h->type_len + 1; p < end; p++)
		FUZZ_CHECK(*p == 0);
}

/* Walk a batch with cn_record_next; returns the records accepted. */
static int walk(const unsigned char *buf, size_t len)
{
	struct cn_record_view v, keep;
	size_t off = 0, before;
	int ret, n = 0;

	for (;;) {
		before = off;
		memset(&keep, 0xa5, sizeof(keep));
		v = keep;
		ret = cn_record_next(buf, len, &off, &v);
		if (ret <= 0)
			break;
		FUZZ_CHECK(ret == 1);
		check_view(buf + before, len - before, &v);
		FUZZ_CHECK(off == before + v.hdr->size);
		n++;
	}
	if (ret == 0) {
		FUZZ_CHECK(off == len);
	} else {
		FUZZ_CHECK(ret == -EPROTO);
		FUZZ_CHECK(off == before);
		FUZZ_CHECK(!memcmp(&v, &keep, sizeof(v)));
		/* decode agrees with next about the same bytes */
		FUZZ_CHECK(cn_record_decode(buf + off, len - off, &v) ==
			   -EPROTO);
	}
	/* An offset past the end is the caller's bug, never a read. */
	off = len + 1;
	FUZZ_CHECK(cn_record_next(buf, len, &off, &v) == -EINVAL);
	return ret < 0 ? -n - 1 : n;
}

struct rec_spec {
	uint16_t version, flags;
	uint64_t seq;
	uint32_t lens[5];	/* payload, id, parent, name, type */
	unsigned char fill;
};

/* Lay a record out as the kernel does; returns its size. */
static size_t encode(unsigned char *out, const struct rec_spec *s)
{
	struct clusnotify_record h = {
		.version = s->version,
		.flags = s->flags,
		.seq = s->seq,
		.payload_len = s->lens[0],
		.id_len = s->lens[1],
		.parent_len = s->lens[2],
		.name_len = s->lens[3],
		.type_len = s->lens[4],
	};
	size_t off = HDR, i;

	memset(out + HDR, 0, ALIGN8(s->lens[0]));
	memset(out + HDR, s->fill, s->lens[0]);
	off += ALIGN8(s->lens[0]);
	for (i = 1; i < 5; i++) {
		/* strings of printable bytes derived from fill, never NUL */
		memset(out + off, 'a' + (s->fill + i) % 26, s->lens[i]);
		off += s->lens[i];
		out[off++] = 0;
	}
	while (off % 8)
		out[off++] = 0;
	h.size = off;
	memcpy(out, &h, HDR);
	return off;
}

static void build_mode(struct fuzz_in *in)
{
	struct rec_spec specs[8];
	unsigned char *buf;
	size_t len = 0, off, pos;
	struct cn_record_view v;
	int n, i, ret;

	n = 1 + fuzz_below(in, 8);
	for (i = 0; i < n; i++) {
		struct rec_spec *s = &specs[i];
		int j;

		s->version = fuzz_u8(in) & 1 ? CLUSNOTIFY_FILTER_V2 :
					       CLUSNOTIFY_FILTER_V1;
		s->flags = fuzz_u8(in);
		s->seq = fuzz_u32(in);
		for (j = 0; j < 5; j++)
			s->lens[j] = fuzz_below(in, j ? 40 : 300);
		s->fill = fuzz_u8(in);
		len += HDR + ALIGN8(ALIGN8(s->lens[0]) + s->lens[1] +
				    s->lens[2] + s->lens[3] + s->lens[4] + 4);
	}
	buf = malloc(len);
	FUZZ_CHECK(buf);
	for (i = 0, off = 0; i < n; i++)
		off += encode(buf + off, &specs[i]);
	FUZZ_CHECK(off == len);

	/* Every record the encoder lays out decodes to its own fields. */
	for (i = 0, off = 0; i < n; i++) {
		const struct rec_spec *s = &specs[i];

		ret = cn_record_next(buf, len, &off, &v);
		FUZZ_CHECK(ret == 1);
		FUZZ_CHECK(v.hdr->version == s->version);
		FUZZ_CHECK(v.hdr->flags == s->flags);
		FUZZ_CHECK(v.hdr->seq == s->seq);
		FUZZ_CHECK(v.hdr->payload_len == s->lens[0]);
		FUZZ_CHECK(strlen(v.id) == s->lens[1]);
		FUZZ_CHECK(strlen(v.parent) == s->lens[2]);
		FUZZ_CHECK(strlen(v.name) == s->lens[3]);
		FUZZ_CHECK(strlen(v.type) == s->lens[4]);
		for (uint32_t k = 0; k < s->lens[0]; k++)
			FUZZ_CHECK(((const unsigned char *)v.payload)[k] ==
				   s->fill);
	}
	FUZZ_CHECK(cn_record_next(buf, len, &off, &v) == 0);

	/* A batch cut short anywhere inside a record is refused. */
	pos = fuzz_below(in, len);
	walk(buf, pos);

	/* One byte changed: refused, or still well formed. */
	pos = fuzz_below(in, len);
	buf[pos] ^= 1 + fuzz_below(in, 255);
	walk(buf, len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct cn_record_view v;
	unsigned char *buf;
	uint64_t *al;
	uint8_t mode;

	if (!size)
		return 0;
	mode = fuzz_u8(&in) % 8;
	if (mode < 5) {
		/* raw: exactly the input's bytes, heap-allocated */
		buf = malloc(in.left ? in.left : 1);
		FUZZ_CHECK(buf);
		memcpy(buf, in.p, in.left);
		walk(buf, in.left);
		free(buf);
	} else if (mode < 7) {
		build_mode(&in);
	} else {
		/* misaligned: -EINVAL before anything is read */
		al = calloc(1, HDR + 16);
		FUZZ_CHECK(al);
		fuzz_bytes(&in, al, HDR + 16);
		FUZZ_CHECK(cn_record_decode((unsigned char *)al + 1 +
					    fuzz_below(&in, 7), HDR, &v) ==
			   -EINVAL);
		FUZZ_CHECK(cn_record_decode(NULL, HDR, &v) == -EINVAL);
		FUZZ_CHECK(cn_record_decode(al, HDR, NULL) == -EINVAL);
		free(al);
	}
	return 0;
}
