/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UTF-8 <-> UTF-16 conversion, the one place libclusapi converts strings.
 *
 * The kernel speaks UTF-8 (include/uapi/linux/clusnotify.h, "Strings");
 * the Windows API speaks WCHAR, a 16-bit UTF-16 code unit. Both directions
 * are strict: ill-formed input gets -EILSEQ and is never repaired with
 * U+FFFD or passed through, so a name that would not round-trip never
 * reaches the kernel or the caller. Surrogate pairs map to and from code
 * points above U+FFFF.
 *
 * UTF-16 units are uint16_t here, never WCHAR: this file must not depend on
 * clusapi.h, whose WCHAR may be wchar_t or uint16_t (both 16 bits).
 *
 * Every function returns -errno on failure, never sets errno.
 */
#ifndef CN_LIB_UTF16_H
#define CN_LIB_UTF16_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * 0 if s[0..len) is strict UTF-8 with no NUL byte (the kernel's rule for
 * every string of the ABI), else -EILSEQ. s may be NULL when len is 0.
 */
int cn_utf8_check(const char *s, size_t len);

/*
 * The UTF-16 units, terminator excluded, that s[0..len) converts to:
 * one per code point, two above U+FFFF. -EILSEQ if s is not strict UTF-8
 * or holds a NUL byte; -EINVAL if s is NULL and len is not 0.
 */
ssize_t cn_utf16_len_of_utf8(const char *s, size_t len);

/*
 * Convert s[0..len) into out[0..cap) and NUL-terminate it. Returns the
 * units written, terminator excluded. Errors: -EILSEQ (as above), -ENOBUFS
 * if cap < units + 1, -EINVAL if s is NULL with len != 0 or out is NULL
 * with cap != 0. On any error out is not written at all: the input is
 * validated and measured before the first unit is stored. out may be NULL
 * when cap is 0 (which can only give -ENOBUFS or -EILSEQ).
 */
ssize_t cn_utf8_to_utf16(const char *s, size_t len, uint16_t *out,
			 size_t cap);

/*
 * Convert s[0..len) into out, which has room for len + 1 units (always
 * enough: no code point takes more UTF-16 units than UTF-8 bytes), and
 * NUL-terminate it, in one pass over s: no measuring first. Returns the
 * units written, terminator excluded. Errors: -EILSEQ (as above), and then
 * out holds a partial conversion, unlike cn_utf8_to_utf16; -EINVAL if s is
 * NULL with len != 0 or out is NULL.
 */
ssize_t cn_utf8_to_utf16_room(const char *s, size_t len, uint16_t *out);

/*
 * Convert s[0..len) into a malloc'd, NUL-terminated UTF-16 string, for
 * callers that do not know the size in advance. *out_units (if not NULL)
 * gets its length in units, terminator excluded. Errors: -EILSEQ, -EINVAL
 * (s NULL with len != 0, or out NULL), -ENOMEM. On error *out and
 * *out_units are not written.
 */
int cn_utf8_to_utf16_dup(const char *s, size_t len, uint16_t **out,
			 size_t *out_units);

/* Units of a NUL-terminated UTF-16 string, terminator excluded. */
size_t cn_utf16_strlen(const uint16_t *s);

/*
 * Convert the NUL-terminated UTF-16 string in into a malloc'd,
 * NUL-terminated UTF-8 string (*out), and its length in bytes, NUL
 * excluded (*out_len, if not NULL). For names sent to the kernel: the
 * UTF-8 may be at most CLUSNOTIFY_NAME_MAX bytes. Errors: -EILSEQ (an
 * unpaired surrogate), -ENAMETOOLONG (more than CLUSNOTIFY_NAME_MAX
 * bytes), -ENOMEM, -EINVAL (in or out NULL). The input is scanned once
 * from the start and the first problem met is reported, so a string both
 * too long and ill-formed past that point gets -ENAMETOOLONG, and a
 * string of any length costs at most CLUSNOTIFY_NAME_MAX + 1 bytes' worth
 * of scanning to refuse. On error *out and *out_len are not written.
 */
int cn_utf16_to_utf8(const uint16_t *in, char **out, size_t *out_len);

/*
 * cn_utf16_to_utf8 with max bytes of UTF-8 (NUL excluded) instead of
 * CLUSNOTIFY_NAME_MAX: SIZE_MAX for no limit, as for text that never
 * reaches the kernel. -ENAMETOOLONG past max.
 */
int cn_utf16_to_utf8_max(const uint16_t *in, size_t max, char **out,
			 size_t *out_len);

#endif /* CN_LIB_UTF16_H */
