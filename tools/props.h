/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cluster property lists (the payload of the *_COMMON_PROPERTY_V2 and
 * *_PRIVATE_PROPERTY_V2 events) for the command line: printing a list a
 * record carries, and building one from post's prop= fields. Parsing and
 * building are libclusapi's (clusnotify_proplist_*); this file only
 * turns values into text and back.
 */
#ifndef CLUSNOTIFY_TOOLS_PROPS_H
#define CLUSNOTIFY_TOOLS_PROPS_H

#include <stddef.h>
#include <stdio.h>

#include <clusapi_linux.h>

/*
 * Print the list in buf as " prop.NAME=VALUE" words (quote.h rules).
 * Numbers in decimal, strings as UTF-8, MULTI_SZ strings joined by ',',
 * anything else as hex; a property with several values shows its first.
 * Returns 0, or -EPROTO if buf is not a valid property list (nothing is
 * printed then).
 */
int props_print_human(FILE *f, const void *buf, size_t len);

/*
 * Print the list in buf as ,"properties":{"NAME":VALUE,...}: numbers as
 * JSON numbers, strings as strings, MULTI_SZ as an array of strings,
 * anything else as a hex string. 0, or -EPROTO with nothing printed.
 */
int props_print_json(FILE *f, const void *buf, size_t len);

/*
 * Add one property given as NAME:TYPE:VALUE, TYPE being dword, long,
 * ulargeint, largeint, sz, multi_sz (VALUE split at ',') or binary (VALUE
 * in hex). Returns NULL, or a message saying what is wrong.
 */
const char *props_add(struct clusnotify_proplist *pl, const char *spec);

#endif
