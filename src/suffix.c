/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "suffix.h"

/* A trie of the names read backwards, over byte classes (bytes no name
 * holds share class 0, which leads nowhere).  From each terminator the walk
 * goes left, stepping over separators, and usually dies within a byte or
 * two: far cheaper than an automaton walked over every byte of the line. */

typedef struct name {
  unsigned char *bytes; /* folded */
  size_t len;
} name;

struct lm_suffix {
  name *names;
  size_t nnames, cap;
  uint8_t skip[256];
  uint8_t term[256];
  unsigned char terms[8]; /* the terminator bytes, NUL-ended */
  size_t nterms;
  uint8_t cls[256];
  uint32_t nclass;
  uint32_t nnodes;
  uint16_t *next;         /* nnodes * nclass; 0 = no child (the root is no child);
                             16 bits keep the table in the first-level cache */
  uint8_t *final;         /* per node: a whole name ends here */
  uint8_t last[256];      /* bytes a name can end with, and the separators */
};

static unsigned char fold(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

lm_suffix *lm_suffix_new(const char *skip, const char *terms) {
  if (strlen(terms) >= sizeof ((lm_suffix *)0)->terms)
    return NULL;
  lm_suffix *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  for (; *skip; skip++)
    s->skip[(unsigned char)*skip] = 1;
  strcpy((char *)s->terms, terms);
  s->nterms = strlen(terms);
  for (; *terms; terms++)
    s->term[(unsigned char)*terms] = 1;
  return s;
}

void lm_suffix_free(lm_suffix *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->nnames; i++)
    free(s->names[i].bytes);
  free(s->names);
  free(s->next);
  free(s->final);
  free(s);
}

int lm_suffix_add(lm_suffix *s, const unsigned char *bytes, size_t len) {
  if (len == 0 || s->next)
    return -1;
  for (size_t i = 0; i < len; i++)
    if (s->skip[bytes[i]])
      return -1;
  if (s->nnames == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    name *n = realloc(s->names, cap * sizeof *n);
    if (!n)
      return -1;
    s->names = n;
    s->cap = cap;
  }
  unsigned char *b = malloc(len);
  if (!b)
    return -1;
  for (size_t i = 0; i < len; i++)
    b[i] = fold(bytes[i]);
  s->names[s->nnames++] = (name){b, len};
  return 0;
}

int lm_suffix_build(lm_suffix *s) {
  uint8_t of[256] = {0}, ends[256] = {0};
  uint32_t nc = 1;
  size_t maxnodes = 1;
  for (size_t i = 0; i < s->nnames; i++) {
    maxnodes += s->names[i].len;
    for (size_t j = 0; j < s->names[i].len; j++)
      if (!of[s->names[i].bytes[j]])
        of[s->names[i].bytes[j]] = (uint8_t)nc++;
  }
  for (int c = 0; c < 256; c++)
    s->cls[c] = of[fold((unsigned char)c)];
  s->nclass = nc;
  s->next = calloc(maxnodes * nc, sizeof *s->next);
  s->final = calloc(maxnodes, 1);
  if (!s->next || !s->final)
    return -1;
  if (maxnodes > UINT16_MAX)
    return -1; /* thousands of names: more than any key list holds */
  uint32_t nodes = 1;
  for (size_t i = 0; i < s->nnames; i++) {
    uint32_t at = 0;
    for (size_t j = s->names[i].len; j-- > 0;) {
      uint16_t *slot = &s->next[(size_t)at * nc + s->cls[s->names[i].bytes[j]]];
      if (!*slot)
        *slot = (uint16_t)nodes++;
      at = *slot;
    }
    s->final[at] = 1;
    ends[s->names[i].bytes[s->names[i].len - 1]] = 1; /* folded */
  }
  for (int c = 0; c < 256; c++)
    s->last[c] = s->skip[c] | ends[fold((unsigned char)c)];
  s->nnodes = nodes;
  return 0;
}

/* 1 when a name ends (separators aside) right before text[t]. */
static inline int ends_before(const lm_suffix *s, const unsigned char *text, size_t t) {
  /* most terminators follow a byte no name ends with: decided inline */
  if (t > 0 && !s->last[text[t - 1]])
    return 0;
  uint32_t at = 0;
  const uint32_t nc = s->nclass;
  while (t > 0) {
    unsigned char c = text[--t];
    if (s->skip[c])
      continue;
    at = s->next[(size_t)at * nc + s->cls[c]];
    if (!at)
      return 0;
    if (s->final[at])
      return 1;
  }
  return 0;
}

#ifdef __SSE2__
#include <emmintrin.h>
#endif

int lm_suffix_any(const lm_suffix *s, const unsigned char *text, size_t len) {
  if (!s->next || !s->nnames)
    return 0;
  size_t i = 0;
#ifdef __SSE2__
  /* up to four terminators (as in use): 16 bytes a compare per
   * terminator, then only the positions that hold one */
  const size_t nt = s->nterms;
  if (nt >= 1 && nt <= 4 && len >= 16) {
    __m128i t[4];
    for (size_t k = 0; k < 4; k++)
      t[k] = _mm_set1_epi8((char)s->terms[k < nt ? k : 0]);
    for (; i + 16 <= len; i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(text + i));
      __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, t[0]), _mm_cmpeq_epi8(v, t[1])),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, t[2]), _mm_cmpeq_epi8(v, t[3])));
      unsigned bits = (unsigned)_mm_movemask_epi8(hit);
      while (bits) {
        if (ends_before(s, text, i + (size_t)__builtin_ctz(bits)))
          return 1;
        bits &= bits - 1;
      }
    }
  }
#endif
  for (; i < len; i++)
    if (s->term[text[i]] && ends_before(s, text, i))
      return 1;
  return 0;
}
