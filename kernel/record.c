// SPDX-License-Identifier: GPL-2.0
/*
 * Event payloads, shared by reference among the records of every port an
 * event reached, and the layout they take in a record.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "clusnotify.h"

static const struct cn_str cn_empty = { "", 0 };

/*
 * UTF-16 code units of a valid UTF-8 string: one per code point, two for
 * those above U+FFFF (lead bytes 0xF0-0xF4). What Windows' lpcch* count.
 */
static u32 cn_utf16_len(const struct cn_str *s)
{
	u32 i, n = 0;

	for (i = 0; i < s->len; i++) {
		u8 c = s->s[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

static char *cn_put_str(char *p, const struct cn_str *s)
{
	memcpy(p, s->s, s->len);
	p[s->len] = '\0';
	return p + s->len + 1;
}

/*
 * Lay out an event's data exactly as it follows struct clusnotify_record:
 * the payload padded to 8 bytes, then the four strings with their NULs, then
 * zero padding to 8, so reading a record is one header and one copy.
 * Any string may be NULL (empty). Lengths were validated by the caller.
 */
struct cn_payload *cn_payload_new(u32 cluster_id, const void *payload,
				  u32 payload_len, const struct cn_str *id,
				  const struct cn_str *parent,
				  const struct cn_str *name,
				  const struct cn_str *type, gfp_t gfp)
{
	struct cn_payload *pl;
	size_t len;
	char *p;

	id = id ?: &cn_empty;
	parent = parent ?: &cn_empty;
	name = name ?: &cn_empty;
	type = type ?: &cn_empty;
	len = ALIGN(payload_len, 8) + id->len + parent->len + name->len +
	      type->len + 4;
	len = ALIGN(len, 8);
	pl = kzalloc(struct_size(pl, data, len), gfp);
	if (!pl)
		return NULL;
	refcount_set(&pl->ref, 1);
	pl->cluster_id = cluster_id;
	pl->payload_len = payload_len;
	pl->id_len = id->len;
	pl->parent_len = parent->len;
	pl->name_len = name->len;
	pl->type_len = type->len;
	pl->data_len = len;
	pl->utf16_len[0] = cn_utf16_len(id);
	pl->utf16_len[1] = cn_utf16_len(parent);
	pl->utf16_len[2] = cn_utf16_len(name);
	pl->utf16_len[3] = cn_utf16_len(type);
	if (payload_len)
		memcpy(pl->data, payload, payload_len);
	p = pl->data + ALIGN(payload_len, 8);
	p = cn_put_str(p, id);
	p = cn_put_str(p, parent);
	p = cn_put_str(p, name);
	cn_put_str(p, type);
	return pl;
}

void cn_payload_put(struct cn_payload *pl)
{
	if (pl && refcount_dec_and_test(&pl->ref))
		kfree(pl);
}

const char *cn_payload_id(const struct cn_payload *pl)
{
	return pl->data + ALIGN(pl->payload_len, 8);
}

const char *cn_payload_name(const struct cn_payload *pl)
{
	return cn_payload_id(pl) + pl->id_len + 1 + pl->parent_len + 1;
}
