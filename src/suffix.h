/* SPDX-License-Identifier: Apache-2.0 */
/* Names written right before a terminator byte ("password=" or
 * "api_key\"" ), ASCII case folded, separator bytes between and after the
 * name's letters stepped over: the question the format handlers' fast path
 * asks of every line ("could a handler find a sensitive key here?").
 * Equivalent to an Aho-Corasick automaton over name+terminator with the
 * separators as self-loops, but it walks back from each terminator instead
 * of forward over every byte. */
#ifndef LM_SUFFIX_H
#define LM_SUFFIX_H
#include <stddef.h>
#include <stdint.h>

typedef struct lm_suffix lm_suffix;

/* skip: separator bytes; terms: terminator bytes (at most 7).  NULL when
 * out of memory. */
lm_suffix *lm_suffix_new(const char *skip, const char *terms);
void lm_suffix_free(lm_suffix *s);
/* Adds a name (no separator byte in it).  0, or -1 (out of memory, empty,
 * or holding a separator).  Before lm_suffix_build. */
int lm_suffix_add(lm_suffix *s, const unsigned char *name, size_t len);
/* 0, or -1 when out of memory.  No adds afterwards. */
int lm_suffix_build(lm_suffix *s);
/* 1 when some name ends right before a terminator in text.  Read-only:
 * any number of threads may call it on one built lm_suffix. */
int lm_suffix_any(const lm_suffix *s, const unsigned char *text, size_t len);
#endif
