/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_automata.c - the two multi-literal matchers (src/ac.c and
 * src/suffix.c, built in) against a naive search.  Input: a pattern count
 * byte, then per pattern a length byte, a flags byte (bit 0: cased) and
 * the bytes; the rest is the text.  Oracles: every occurrence of every
 * pattern is reported exactly once with the right end, nothing else is
 * reported, and the key-name check agrees with a backwards naive scan. */
#include "fuzz.h"
#include "ac.h"
#include "suffix.h"
#include "../naive_match.h"

#define MAXPAT 32
#define MAXTEXT 4096

typedef naive_pat pat;

typedef struct seen {
  const pat *pats;
  size_t np, tlen;
  uint8_t *count; /* [pattern][end] */
  size_t total;
} seen;

static int on_hit(void *ctx, uint32_t id, size_t end, size_t len) {
  seen *s = ctx;
  FUZZ_ASSERT(id < s->np, "id %u of %zu patterns", id, s->np);
  FUZZ_ASSERT(len == s->pats[id].len, "length %zu for a pattern of %zu", len, s->pats[id].len);
  FUZZ_ASSERT(end >= len && end <= s->tlen, "end %zu outside the text", end);
  uint8_t *c = &s->count[id * (MAXTEXT + 1) + end];
  FUZZ_ASSERT(*c == 0, "pattern %u at end %zu reported twice", id, end);
  (*c)++;
  s->total++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t np = data[0] % MAXPAT + 1, off = 1;
  pat pats[MAXPAT];
  size_t got = 0;
  while (got < np && off + 2 <= size) {
    size_t len = data[off] % 24 + 1;
    int cased = data[off + 1] & 1;
    off += 2;
    if (off + len > size)
      break;
    pats[got++] = (pat){data + off, len, cased};
    off += len;
  }
  if (got == 0)
    return 0;
  const uint8_t *text = data + off;
  size_t tlen = size - off;
  if (tlen > MAXTEXT)
    tlen = MAXTEXT;

  lm_ac *ac = lm_ac_new();
  FUZZ_ASSERT(ac, "out of memory");
  for (size_t i = 0; i < got; i++)
    FUZZ_ASSERT((pats[i].cased ? lm_ac_add_cased : lm_ac_add)(ac, pats[i].b, pats[i].len,
                                                              (uint32_t)i) == 0,
                "add failed");
  FUZZ_ASSERT(lm_ac_build(ac) == 0, "build failed");
  seen s = {pats, got, tlen, calloc(got * (MAXTEXT + 1), 1), 0};
  FUZZ_ASSERT(s.count, "out of memory");
  FUZZ_ASSERT(lm_ac_scan(ac, text, tlen, on_hit, &s) == 0, "scan stopped by itself");
  size_t want = 0;
  for (size_t i = 0; i < got; i++)
    for (size_t st = 0; st + pats[i].len <= tlen; st++)
      if (naive_occurs(&pats[i], text, tlen, st)) {
        want++;
        FUZZ_ASSERT(s.count[i * (MAXTEXT + 1) + st + pats[i].len] == 1,
                    "pattern %zu at %zu of %zu not reported", i, st, tlen);
      }
  FUZZ_ASSERT(s.total == want, "%zu reports for %zu occurrences", s.total, want);
  free(s.count);
  lm_ac_free(ac);

  /* the same patterns as key names (those without separators) */
  lm_suffix *sx = lm_suffix_new(NAIVE_SEPS, "=\"");
  FUZZ_ASSERT(sx, "out of memory");
  pat names[MAXPAT];
  size_t nn = 0;
  for (size_t i = 0; i < got; i++) {
    int sep = 0;
    for (size_t k = 0; k < pats[i].len; k++)
      sep |= naive_is_sep(pats[i].b[k]);
    int rc = lm_suffix_add(sx, pats[i].b, pats[i].len);
    FUZZ_ASSERT(rc == (sep ? -1 : 0), "suffix_add gave %d for a name %s separators", rc,
                sep ? "with" : "without");
    if (!sep)
      names[nn++] = pats[i];
  }
  FUZZ_ASSERT(lm_suffix_build(sx) == 0, "suffix build failed");
  int expect = 0;
  for (size_t t = 0; t < tlen && !expect; t++)
    if (text[t] == '=' || text[t] == '"')
      for (size_t k = 0; k < nn && !expect; k++)
        expect = naive_name_before(&names[k], text, t);
  FUZZ_ASSERT(lm_suffix_any(sx, text, tlen) == expect, "key-name check said %d, naive %d",
              !expect, expect);
  lm_suffix_free(sx);
  return 0;
}
