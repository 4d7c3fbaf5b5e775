// SPDX-License-Identifier: GPL-2.0
/*
 * Strings crossing the ABI: strict UTF-8 validation, copying from
 * userspace, and the comparisons names and ids use.
 */
#include <linux/ctype.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "clusnotify.h"

/*
 * Strict UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, no
 * code point above U+10FFFF, no truncated sequence; and no NUL, which would
 * end the string early for every C consumer of a record.
 */
int cn_str_check(const char *s, u32 len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	if (len > CLUSNOTIFY_NAME_MAX)
		return -ENAMETOOLONG;
	while (p < end) {
		unsigned char c = *p++;
		u32 cp, min;
		int more;

		if (c == 0)
			return -EILSEQ;
		if (c < 0x80)
			continue;
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
			return -EILSEQ;
		}
		if (end - p < more)
			return -EILSEQ;
		while (more--) {
			if ((*p & 0xc0) != 0x80)
				return -EILSEQ;
			cp = (cp << 6) | (*p++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -EILSEQ;
	}
	return 0;
}

/*
 * Copy a (pointer, length) string from userspace and validate it. Returns
 * the kmalloc'ed, NUL-terminated copy (which @out then points at), or an
 * ERR_PTR: -ENAMETOOLONG, -EFAULT, -EILSEQ, -ENOMEM.
 */
char *cn_str_from_user(u64 uptr, u32 len, struct cn_str *out)
{
	char *s;
	int ret;

	if (len > CLUSNOTIFY_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	s = kmalloc(len + 1, GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(s, u64_to_user_ptr(uptr), len)) {
		kfree(s);
		return ERR_PTR(-EFAULT);
	}
	s[len] = '\0';
	ret = cn_str_check(s, len);
	if (ret) {
		kfree(s);
		return ERR_PTR(ret);
	}
	out->s = s;
	out->len = len;
	return s;
}

/* Names compare as Windows cluster names do: ASCII case folded. */
bool cn_name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

u32 cn_name_hash(u32 type, const char *name)
{
	u32 h = jhash_1word(type, 0);

	while (*name)
		h = jhash_1word(tolower(*name++), h);
	return h;
}

u32 cn_id_hash(u32 type, const char *id)
{
	return jhash(id, strlen(id), type);
}
