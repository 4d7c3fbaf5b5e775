/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decoding the records the kernel returns: one from CLUSNOTIFY_IOC_GET, a
 * batch of them from read(). The layout is the uapi header's ("Records"):
 * struct clusnotify_record, payload_len bytes of payload padded to 8, then
 * the id, parent, name and type strings each with its NUL, then zero
 * padding so that size is a multiple of 8.
 *
 * Nothing from the kernel is trusted: a record is checked whole before any
 * part of it is used, and no check reads outside the buffer it was given.
 * Functions return -errno, never set errno.
 */
#ifndef CN_LIB_RECORD_H
#define CN_LIB_RECORD_H

#include <stddef.h>

#include <linux/clusnotify.h>

/*
 * A validated record, pointing into the caller's buffer (valid as long as
 * it is). The strings are NUL-terminated at hdr->id_len, ->parent_len,
 * ->name_len and ->type_len and hold no NUL before that; they are
 * whatever UTF-8 the kernel sent, which the converters in utf16.h check.
 * payload points at hdr->payload_len bytes (an empty payload still gets a
 * non-NULL pointer, just past the header).
 */
struct cn_record_view {
	const struct clusnotify_record *hdr;
	const void *payload;
	const char *id, *parent, *name, *type;
};

/*
 * Validate the record at buf[0..len) and fill *v. Returns 0, or -EPROTO if
 * the bytes are not a well-formed record: len shorter than the header;
 * size not a multiple of 8, below the header or beyond len; size not
 * exactly what payload_len and the four string lengths lay out; a string
 * not NUL-terminated at its length or with a NUL inside; a non-zero byte
 * in the payload's or the record's padding; version neither
 * CLUSNOTIFY_FILTER_V1 nor _V2; __reserved non-zero. Bytes past size are
 * not looked at (in a batch they are the next record). Flag bits are not
 * checked, so a newer kernel's flags do not make records unreadable.
 * -EINVAL if buf or v is NULL or buf is not aligned for struct
 * clusnotify_record (a caller's bug, not the kernel's). *v is written
 * only on success.
 */
int cn_record_decode(const void *buf, size_t len, struct cn_record_view *v);

/*
 * Iterate over the records a read() put in buf[0..len): decode the one at
 * buf + *off. Returns 1 with *v filled and *off advanced by its size, 0
 * when *off == len (the end), -EPROTO if what is at *off is not a
 * well-formed record (including a record cut short by len), -EINVAL as
 * for cn_record_decode or if off or v is NULL or *off > len (buf may be
 * NULL when len is 0). *off and *v are left alone unless 1 is returned.
 * Records stay 8-byte aligned in a batch, since every size is a multiple
 * of 8. Start with *off = 0:
 *
 *	size_t off = 0;
 *	while ((ret = cn_record_next(buf, n, &off, &v)) > 0)
 *		use(&v);
 *	if (ret < 0)
 *		fail(ret);
 */
int cn_record_next(const void *buf, size_t len, size_t *off,
		   struct cn_record_view *v);

#endif /* CN_LIB_RECORD_H */
