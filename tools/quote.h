/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Words of the human-readable output. A line is words separated by single
 * spaces; a word that is empty or holds a space, a control character, '"',
 * '\' or '=' is written in double quotes with C escapes (\" \\ \n \t \xHH),
 * so every line splits back into its words unambiguously.
 */
#ifndef CLUSNOTIFY_TOOLS_QUOTE_H
#define CLUSNOTIFY_TOOLS_QUOTE_H

#include <stdio.h>

/* s as one word, quoted only if it needs to be. */
void quote_word(FILE *f, const char *s);

/* " key=" then val as a word (nothing at all if val is NULL or empty). */
void quote_field(FILE *f, const char *key, const char *val);

#endif
