/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing JSON values, for the --json output of the subcommands: one JSON
 * object per line (JSON Lines), so a consumer can read events as they come.
 */
#ifndef CLUSNOTIFY_TOOLS_JSON_H
#define CLUSNOTIFY_TOOLS_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * s as a JSON string, quotes included. Bytes below 0x20, '"' and '\' are
 * escaped; everything else is copied, as the strings come from the kernel,
 * which only ever passes strict UTF-8. NULL is written as null.
 */
void json_str(FILE *f, const char *s);

/* ,"key": then s as json_str (first: without the leading comma). */
void json_kstr(FILE *f, int first, const char *key, const char *s);

/* ,"key":v as a JSON number. */
void json_knum(FILE *f, int first, const char *key, unsigned long long v);

/* ,"key":true or false. */
void json_kbool(FILE *f, int first, const char *key, int v);

/* ,"key":"0123abcd": len bytes as lower-case hex. */
void json_khex(FILE *f, int first, const char *key, const void *buf,
	       size_t len);

/*
 * ,"state":NAME,"state_value":N for a state and its name (NULL when the
 * value has none); both null for CLUSNOTIFY_STATE_UNKNOWN.
 */
void json_kstate(FILE *f, const char *name, unsigned int value);

#endif
