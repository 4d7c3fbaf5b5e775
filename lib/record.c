// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Decoding the records the kernel returns. See record.h for the contract.
 *
 * The kernel lays a record out in cn_payload_new() (kernel/record.c); this
 * is its inverse, and refuses anything that layout cannot produce, so a
 * kernel bug or a buffer mix-up shows up as -EPROTO here rather than as a
 * string read past its end in GetClusterNotify's caller.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

#define CN_ALIGN8(x) (((x) + 7) & ~(uint64_t)7)

static bool cn_all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * Check the string at *p of len bytes plus its NUL and step past it. The
 * caller has already checked that the whole layout fits in the record.
 */
static bool cn_take_str(const unsigned char **p, uint32_t len,
			const char **out)
{
	const unsigned char *s = *p;
	uint32_t i;

	/*
	 * A loop, not memchr(): the strings are short, and a call into the
	 * C library's vector code costs more than it saves on them.
	 */
	if (s[len])
		return false;
	for (i = 0; i < len; i++)
		if (!s[i])
			return false;
	*out = (const char *)s;
	*p = s + len + 1;
	return true;
}

int cn_record_decode(const void *buf, size_t len, struct cn_record_view *v)
{
	const struct clusnotify_record *hdr = buf;
	const unsigned char *base = buf, *p, *end;
	struct cn_record_view out;
	uint64_t body, need;

	if (!buf || !v || (uintptr_t)buf % alignof(struct clusnotify_record))
		return -EINVAL;
	if (len < sizeof(*hdr))
		return -EPROTO;
	if (hdr->size % 8 || hdr->size < sizeof(*hdr) || hdr->size > len)
		return -EPROTO;
	if (hdr->version != CLUSNOTIFY_FILTER_V1 &&
	    hdr->version != CLUSNOTIFY_FILTER_V2)
		return -EPROTO;
	if (hdr->__reserved)
		return -EPROTO;

	/*
	 * Five 32-bit lengths summed in 64 bits cannot wrap, so a huge
	 * length cannot make the layout look as if it fitted. The size
	 * must be exactly the layout's, not merely large enough: the kernel
	 * never leaves slack, and slack would be bytes nobody checked.
	 */
	body = CN_ALIGN8((uint64_t)hdr->payload_len) + hdr->id_len +
	       hdr->parent_len + hdr->name_len + hdr->type_len + 4;
	need = sizeof(*hdr) + CN_ALIGN8(body);
	if (need != hdr->size)
		return -EPROTO;

	end = base + hdr->size;
	out.hdr = hdr;
	out.payload = base + sizeof(*hdr);
	p = base + sizeof(*hdr) + hdr->payload_len;
	if (!cn_all_zero(p, CN_ALIGN8(hdr->payload_len) - hdr->payload_len))
		return -EPROTO;
	p = base + sizeof(*hdr) + CN_ALIGN8(hdr->payload_len);
	if (!cn_take_str(&p, hdr->id_len, &out.id) ||
	    !cn_take_str(&p, hdr->parent_len, &out.parent) ||
	    !cn_take_str(&p, hdr->name_len, &out.name) ||
	    !cn_take_str(&p, hdr->type_len, &out.type))
		return -EPROTO;
	if (!cn_all_zero(p, end - p))
		return -EPROTO;
	*v = out;
	return 0;
}

int cn_record_next(const void *buf, size_t len, size_t *off,
		   struct cn_record_view *v)
{
	struct cn_record_view rec;
	int ret;

	if (!off || !v || *off > len)
		return -EINVAL;
	/* Before looking at buf, so an empty read() may pass NULL. */
	if (*off == len)
		return 0;
	if (!buf)
		return -EINVAL;
	ret = cn_record_decode((const unsigned char *)buf + *off, len - *off,
			       &rec);
	if (ret)
		return ret;
	*off += rec.hdr->size;
	*v = rec;
	return 1;
}
