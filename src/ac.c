/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "ac.h"

typedef struct ac_pattern {
  unsigned char *bytes; /* folded */
  unsigned char *cased; /* as given, when the case must match too; else NULL */
  size_t len;
  uint32_t id;
} ac_pattern;

struct lm_ac {
  /* building */
  ac_pattern *pats;
  size_t npats, cap;
  /* built */
  uint8_t cls[256];      /* byte -> class */
  uint32_t nclass;
  uint32_t *delta;       /* states * nclass, entries are row offsets */
  uint32_t match_min;    /* row offsets >= this have output */
  /* outputs, indexed by state number (row offset / nclass) */
  uint32_t *out_first;   /* index into out_ids of the state's own outputs */
  uint32_t *out_count;
  uint32_t *out_link;    /* next state (number) with output along fail links, or UINT32_MAX */
  uint32_t *out_ids;     /* pattern indices */
  uint32_t *pat_len;
  uint32_t *pat_id;
  unsigned char **pat_cased; /* per pattern: exact bytes, or NULL; NULL when none is cased */
  uint32_t *depth;       /* per state: length of the prefix it stands for */
  /* row offset -> state number without a division: offsets are multiples
   * of nclass, so (offset >> tz) * inv (mod 2^32) is exact, inv being the
   * inverse of nclass's odd part */
  uint32_t tz, inv;
  uint32_t npat_built;
};

static unsigned char fold(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

lm_ac *lm_ac_new(void) { return calloc(1, sizeof(lm_ac)); }

void lm_ac_free(lm_ac *ac) {
  if (!ac)
    return;
  for (size_t i = 0; i < ac->npats; i++) {
    /* patterns can be known secret values */
    explicit_bzero(ac->pats[i].bytes, ac->pats[i].len);
    free(ac->pats[i].bytes);
    free(ac->pats[i].cased);
  }
  free(ac->pats);
  if (ac->pat_cased)
    for (uint32_t i = 0; i < ac->npat_built; i++)
      free(ac->pat_cased[i]);
  free(ac->pat_cased);
  free(ac->depth);
  free(ac->delta);
  free(ac->out_first);
  free(ac->out_count);
  free(ac->out_link);
  free(ac->out_ids);
  free(ac->pat_len);
  free(ac->pat_id);
  free(ac);
}

static int add(lm_ac *ac, const unsigned char *pat, size_t len, uint32_t id, int cased) {
  if (len == 0 || ac->delta)
    return -1;
  if (ac->npats == ac->cap) {
    size_t cap = ac->cap ? ac->cap * 2 : 64;
    ac_pattern *p = realloc(ac->pats, cap * sizeof(*p));
    if (!p)
      return -1;
    ac->pats = p;
    ac->cap = cap;
  }
  unsigned char *b = malloc(len);
  if (!b)
    return -1;
  unsigned char *exact = NULL;
  if (cased) {
    exact = malloc(len);
    if (!exact) {
      free(b);
      return -1;
    }
    memcpy(exact, pat, len);
  }
  for (size_t i = 0; i < len; i++)
    b[i] = fold(pat[i]);
  ac->pats[ac->npats++] = (ac_pattern){b, exact, len, id};
  return 0;
}

int lm_ac_add(lm_ac *ac, const unsigned char *pat, size_t len, uint32_t id) {
  return add(ac, pat, len, id, 0);
}

int lm_ac_add_cased(lm_ac *ac, const unsigned char *pat, size_t len, uint32_t id) {
  return add(ac, pat, len, id, 1);
}

/* Byte classes: two bytes share a class when no pattern tells them apart,
 * i.e. they occur at exactly the same set of pattern positions; a cheap
 * sufficient version: each distinct pattern byte gets its own class, all
 * other bytes class 0. */
static void build_classes(lm_ac *ac) {
  uint8_t used[256] = {0};
  for (size_t i = 0; i < ac->npats; i++)
    for (size_t j = 0; j < ac->pats[i].len; j++)
      used[ac->pats[i].bytes[j]] = 1;
  uint32_t next = 1;
  uint8_t of[256] = {0};
  for (int c = 0; c < 256; c++)
    if (used[c])
      of[c] = (uint8_t)next++;
  for (int c = 0; c < 256; c++)
    ac->cls[c] = of[fold((unsigned char)c)];
  ac->nclass = next;
}

int lm_ac_build(lm_ac *ac) {
  build_classes(ac);
  const uint32_t nc = ac->nclass;
  size_t maxstates = 1;
  for (size_t i = 0; i < ac->npats; i++)
    maxstates += ac->pats[i].len;
  if (maxstates > UINT32_MAX / nc / 2)
    return -1;

  /* Trie in a dense table of state numbers (0 = none; the root is never
   * a child). */
  uint32_t *go = calloc(maxstates * nc, sizeof(uint32_t));
  uint32_t *fail = calloc(maxstates, sizeof(uint32_t));
  uint32_t *own_count = calloc(maxstates, sizeof(uint32_t));
  uint32_t *term = malloc(ac->npats * sizeof(uint32_t) + 1);
  uint32_t *queue = malloc(maxstates * sizeof(uint32_t));
  uint32_t *link = malloc(maxstates * sizeof(uint32_t));
  uint32_t *depth = calloc(maxstates, sizeof(uint32_t));
  int rc = -1;
  uint32_t *perm = NULL, *delta = NULL;
  if (!go || !fail || !own_count || !term || !queue || !link || !depth)
    goto out;

  uint32_t nstates = 1;
  for (size_t i = 0; i < ac->npats; i++) {
    uint32_t s = 0;
    for (size_t j = 0; j < ac->pats[i].len; j++) {
      uint32_t c = ac->cls[ac->pats[i].bytes[j]];
      if (!go[(size_t)s * nc + c]) {
        depth[nstates] = (uint32_t)(j + 1);
        go[(size_t)s * nc + c] = nstates++;
      }
      s = go[(size_t)s * nc + c];
    }
    term[i] = s;
    own_count[s]++;
  }

  /* Breadth-first: fail links, full DFA transitions, output links. */
  size_t qh = 0, qt = 0;
  link[0] = UINT32_MAX;
  for (uint32_t c = 0; c < nc; c++) {
    uint32_t t = go[c];
    if (t) {
      fail[t] = 0;
      queue[qt++] = t;
    }
  }
  while (qh < qt) {
    uint32_t s = queue[qh++];
    uint32_t f = fail[s];
    link[s] = own_count[f] ? f : link[f];
    for (uint32_t c = 0; c < nc; c++) {
      uint32_t t = go[(size_t)s * nc + c];
      if (t) {
        fail[t] = go[(size_t)f * nc + c];
        queue[qt++] = t;
      } else {
        go[(size_t)s * nc + c] = go[(size_t)f * nc + c];
      }
    }
  }

  /* Renumber: states without output first, so "has output" is one compare
   * in the scan loop. */
  perm = malloc(nstates * sizeof(uint32_t));
  if (!perm)
    goto out;
  uint32_t k = 0;
  for (uint32_t s = 0; s < nstates; s++)
    if (!own_count[s] && link[s] == UINT32_MAX)
      perm[s] = k++;
  uint32_t first_match = k;
  for (uint32_t s = 0; s < nstates; s++)
    if (own_count[s] || link[s] != UINT32_MAX)
      perm[s] = k++;

  delta = malloc((size_t)nstates * nc * sizeof(uint32_t));
  ac->out_first = calloc(nstates, sizeof(uint32_t));
  ac->out_count = calloc(nstates, sizeof(uint32_t));
  ac->out_link = malloc(nstates * sizeof(uint32_t));
  ac->depth = malloc(nstates * sizeof(uint32_t));
  ac->out_ids = malloc((ac->npats + 1) * sizeof(uint32_t));
  ac->pat_len = malloc((ac->npats + 1) * sizeof(uint32_t));
  ac->pat_id = malloc((ac->npats + 1) * sizeof(uint32_t));
  int any_cased = 0;
  for (size_t i = 0; i < ac->npats; i++)
    any_cased |= ac->pats[i].cased != NULL;
  if (any_cased && !(ac->pat_cased = calloc(ac->npats + 1, sizeof *ac->pat_cased)))
    goto out;
  if (!delta || !ac->out_first || !ac->out_count || !ac->out_link || !ac->out_ids ||
      !ac->pat_len || !ac->pat_id || !ac->depth)
    goto out;
  for (uint32_t s = 0; s < nstates; s++)
    ac->depth[perm[s]] = depth[s];
  ac->tz = (uint32_t)__builtin_ctz(nc);
  uint32_t odd = nc >> ac->tz, inv = odd;
  for (int it = 0; it < 5; it++) /* Newton: each step doubles the correct low bits */
    inv *= 2 - odd * inv;
  ac->inv = inv;
  for (uint32_t s = 0; s < nstates; s++)
    for (uint32_t c = 0; c < nc; c++)
      delta[(size_t)perm[s] * nc + c] = perm[go[(size_t)s * nc + c]] * nc;
  /* own outputs grouped by (renumbered) state */
  for (uint32_t s = 0; s < nstates; s++) {
    ac->out_count[perm[s]] = own_count[s];
    ac->out_link[perm[s]] = link[s] == UINT32_MAX ? UINT32_MAX : perm[link[s]];
  }
  uint32_t pos = 0;
  for (uint32_t s = 0; s < nstates; s++) {
    ac->out_first[s] = pos;
    pos += ac->out_count[s];
  }
  memset(own_count, 0, nstates * sizeof(uint32_t)); /* now: fill cursor */
  for (size_t i = 0; i < ac->npats; i++) {
    uint32_t s = perm[term[i]];
    ac->out_ids[ac->out_first[s] + own_count[s]++] = (uint32_t)i;
    ac->pat_len[i] = (uint32_t)ac->pats[i].len;
    ac->pat_id[i] = ac->pats[i].id;
    if (ac->pat_cased) {
      ac->pat_cased[i] = ac->pats[i].cased;
      ac->pats[i].cased = NULL;
    }
  }
  ac->npat_built = (uint32_t)ac->npats;
  ac->delta = delta;
  delta = NULL;
  ac->match_min = first_match * nc;
  /* The folded pattern bytes are no longer needed: wipe them now rather
   * than keep secret values around for the life of the rule set. */
  for (size_t i = 0; i < ac->npats; i++) {
    explicit_bzero(ac->pats[i].bytes, ac->pats[i].len);
    free(ac->pats[i].bytes);
    free(ac->pats[i].cased);
  }
  free(ac->pats);
  ac->pats = NULL;
  ac->npats = ac->cap = 0;
  rc = 0;
out:
  free(go);
  free(fail);
  free(own_count);
  free(term);
  free(queue);
  free(link);
  free(depth);
  free(perm);
  free(delta);
  return rc;
}

static inline uint32_t state_of(const lm_ac *ac, uint32_t off) {
  return (off >> ac->tz) * ac->inv;
}

/* A folded match of pattern p ending at `end` is a match when the pattern
 * ignores case or its exact bytes are there. */
static inline int exact(const lm_ac *ac, uint32_t p, const unsigned char *text, size_t end) {
  const unsigned char *c = ac->pat_cased ? ac->pat_cased[p] : NULL;
  return !c || memcmp(text + end - ac->pat_len[p], c, ac->pat_len[p]) == 0;
}

/* At a state with output, ending at `end`: reports every pattern longer
 * than `longer` (see lm_ac_scan) that really occurs (the case of a cased one can
 * rule it out).  1 when the callback stops the walk. */
static int outputs(const lm_ac *ac, uint32_t off, const unsigned char *text, size_t end,
                   size_t longer, lm_ac_hit_fn hit, void *ctx) {
  for (uint32_t st = state_of(ac, off); st != UINT32_MAX; st = ac->out_link[st])
    for (uint32_t k = 0; k < ac->out_count[st]; k++) {
      uint32_t p = ac->out_ids[ac->out_first[st] + k];
      if (ac->pat_len[p] <= longer || !exact(ac, p, text, end))
        continue;
      if (hit(ctx, ac->pat_id[p], end, ac->pat_len[p]))
        return 1;
    }
  return 0;
}

/* The walk is bound by the latency of one dependent table load per byte,
 * so a text of some length is cut in four quarters walked side by side,
 * each from the root.  An occurrence belongs to the quarter it starts in:
 * the walk of quarter k reports what ends inside it, then goes on past its
 * end only while its state still stands for a prefix begun inside it
 * (depth greater than the bytes walked past the end), reporting just the
 * occurrences that began before that end.  So each occurrence is reported
 * once, and the overlap is a byte or two, not the longest pattern. */
#define WALK4_MIN 64

/* Quarter k's walk past its end at `end` from state t (see lm_ac_scan). */
static inline int tail(const lm_ac *ac, const unsigned char *text, size_t len, size_t end,
                       size_t t, lm_ac_hit_fn hit, void *ctx) {
  const uint32_t *delta = ac->delta;
  for (size_t j = end; j < len && ac->depth[state_of(ac, (uint32_t)t)] > j - end; j++) {
    t = delta[t + ac->cls[text[j]]];
    if (t >= ac->match_min && outputs(ac, (uint32_t)t, text, j + 1, j + 1 - end, hit, ctx))
      return 1;
  }
  return 0;
}

int lm_ac_scan(const lm_ac *ac, const unsigned char *text, size_t len, lm_ac_hit_fn hit,
               void *ctx) {
  const uint32_t *delta = ac->delta;
  const uint8_t *cls = ac->cls;
  const size_t mm = ac->match_min;
  if (!delta || !ac->npat_built)
    return 0;
  size_t i = 0;
  /* size_t states: the index needs no widening in the dependent chain */
  size_t s = 0;
  if (len >= WALK4_MIN) {
    const size_t q = len / 4;
    const unsigned char *p1 = text + q, *p2 = text + 2 * q, *p3 = text + 3 * q;
    size_t s0 = 0, s1 = 0, s2 = 0;
    while (i < q) {
      /* no call inside, so that everything stays in registers */
      for (; i < q; i++) {
        s0 = delta[s0 + cls[text[i]]];
        s1 = delta[s1 + cls[p1[i]]];
        s2 = delta[s2 + cls[p2[i]]];
        s = delta[s + cls[p3[i]]];
        if (__builtin_expect((s0 >= mm) | (s1 >= mm) | (s2 >= mm) | (s >= mm), 0))
          break;
      }
      if (i == q)
        break;
      if ((s0 >= mm && outputs(ac, (uint32_t)s0, text, i + 1, 0, hit, ctx)) ||
          (s1 >= mm && outputs(ac, (uint32_t)s1, text, q + i + 1, 0, hit, ctx)) ||
          (s2 >= mm && outputs(ac, (uint32_t)s2, text, 2 * q + i + 1, 0, hit, ctx)) ||
          (s >= mm && outputs(ac, (uint32_t)s, text, 3 * q + i + 1, 0, hit, ctx)))
        return 1;
      i++;
    }
    if (tail(ac, text, len, q, s0, hit, ctx) || tail(ac, text, len, 2 * q, s1, hit, ctx) ||
        tail(ac, text, len, 3 * q, s2, hit, ctx))
      return 1;
    i = 4 * q; /* the last quarter goes on to the end */
  }
  for (; i < len; i++) {
    s = delta[s + cls[text[i]]];
    if (__builtin_expect(s >= mm, 0) && outputs(ac, (uint32_t)s, text, i + 1, 0, hit, ctx))
      return 1;
  }
  return 0;
}
