/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny reader of libFuzzer's input for the harnesses in tests/fuzz: it
 * hands out integers and byte runs from the front of the input, and zeros
 * once the input is used up, so every input is a valid program for the
 * structured modes. FUZZ_CHECK stops the run with a message libFuzzer shows
 * next to its crash report when a property of the code under test fails.
 */
#ifndef CN_FUZZ_INPUT_H
#define CN_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (uint32_t)fuzz_u8(in) << (8 * i);
	return v;
}

/* A value in [0, n), n > 0. */
static inline uint32_t fuzz_below(struct fuzz_in *in, uint32_t n)
{
	return n > 256 ? fuzz_u32(in) % n : fuzz_u8(in) % n;
}

/* Up to max bytes from the input (fewer once it runs out). */
static inline size_t fuzz_bytes(struct fuzz_in *in, void *out, size_t max)
{
	size_t n = max < in->left ? max : in->left;

	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: property violated: %s\n",    \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

#endif /* CN_FUZZ_INPUT_H */
