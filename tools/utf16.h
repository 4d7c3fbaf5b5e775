/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UTF-8 command-line text to the UTF-16 strings (LPCWSTR) the clusapi.h
 * functions take. libclusapi's own converter is internal to the library.
 */
#ifndef CLUSNOTIFY_TOOLS_UTF16_H
#define CLUSNOTIFY_TOOLS_UTF16_H

#include <clusapi.h>

/*
 * A malloc'd, NUL-terminated UTF-16 copy of s (NULL gives NULL with 0).
 * Returns 0, -EILSEQ when s is not strict UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF, truncated), or -ENOMEM.
 */
int utf16_dup(const char *s, WCHAR **out);

#endif
