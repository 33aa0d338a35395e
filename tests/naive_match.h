/* SPDX-License-Identifier: Apache-2.0 */
/* Naive reference searches that the multi-literal matchers (src/ac.c,
 * src/suffix.c) must agree with: shared by tests/unit/check_automata.c and
 * tests/fuzz/fuzz_automata.c.  Slow and obvious on purpose. */
#ifndef LOGMASK_NAIVE_MATCH_H
#define LOGMASK_NAIVE_MATCH_H
#include <stddef.h>
#include <string.h>

/* The byte sets the key-name check steps over. */
#define NAIVE_SEPS "_-. "

typedef struct naive_pat {
  const unsigned char *b;
  size_t len;
  int cased; /* 1: bytes must match exactly; 0: ASCII case folded */
} naive_pat;

static inline unsigned char naive_fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* 1 when p occurs in t[0..tlen) starting at `start`. */
static inline int naive_occurs(const naive_pat *p, const unsigned char *t, size_t tlen,
                               size_t start) {
  if (start + p->len > tlen)
    return 0;
  for (size_t i = 0; i < p->len; i++)
    if (p->cased ? t[start + i] != p->b[i] : naive_fold(t[start + i]) != naive_fold(p->b[i]))
      return 0;
  return 1;
}

static inline int naive_is_sep(unsigned char c) { return c && strchr(NAIVE_SEPS, c) != NULL; }

/* 1 when the name ends, separators aside and case folded, right before
 * text[t]. */
static inline int naive_name_before(const naive_pat *name, const unsigned char *text, size_t t) {
  size_t k = name->len;
  while (k > 0) {
    if (t == 0)
      return 0;
    unsigned char c = text[--t];
    if (naive_is_sep(c))
      continue;
    if (naive_fold(c) != naive_fold(name->b[--k]))
      return 0;
  }
  return 1;
}
#endif
