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

/* texts shorter than this are walked in one piece */
#define SPLIT_MIN 96

struct lm_ac {
  /* building */
  ac_pattern *pats;
  size_t npats, cap;
  /* built */
  uint8_t cls[256];      /* byte -> class */
  uint32_t nclass;
  uint32_t nstates;
  uint32_t *delta;       /* nstates * nclass, entries are row offsets */
  uint32_t match_min;    /* row offsets >= this have output */
  /* outputs, indexed by state number (row offset / nclass) */
  uint32_t *out_first;   /* index into out_ids of the state's own outputs */
  uint32_t *out_count;
  uint32_t *out_link;    /* next state (number) with output along fail links, or UINT32_MAX */
  uint32_t *out_ids;     /* pattern indices */
  uint32_t *pat_len;
  uint32_t *pat_id;
  unsigned char **pat_cased; /* per pattern: exact bytes, or NULL; NULL when none is cased */
  uint32_t maxlen;       /* longest pattern */
  uint32_t npat_built;
  uint8_t skip[256];     /* bytes stepped over */
  uint32_t skip_class;   /* 0 when none */
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
  for (int c = 0; c < 256; c++)
    if (ac->skip[c]) {
      if (!ac->skip_class)
        ac->skip_class = next++;
      ac->cls[c] = (uint8_t)ac->skip_class;
    }
  ac->nclass = next;
}

void lm_ac_set_skip(lm_ac *ac, const char *bytes) {
  for (; *bytes; bytes++)
    ac->skip[(unsigned char)*bytes] = 1;
}

int lm_ac_build(lm_ac *ac) {
  build_classes(ac);
  const uint32_t nc = ac->nclass;
  size_t maxstates = 1;
  for (size_t i = 0; i < ac->npats; i++) {
    maxstates += ac->pats[i].len;
    if (ac->pats[i].len > ac->maxlen)
      ac->maxlen = (uint32_t)ac->pats[i].len;
  }
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
  int rc = -1;
  uint32_t *perm = NULL, *delta = NULL;
  if (!go || !fail || !own_count || !term || !queue || !link)
    goto out;

  uint32_t nstates = 1;
  for (size_t i = 0; i < ac->npats; i++) {
    uint32_t s = 0;
    for (size_t j = 0; j < ac->pats[i].len; j++) {
      uint32_t c = ac->cls[ac->pats[i].bytes[j]];
      if (!go[(size_t)s * nc + c])
        go[(size_t)s * nc + c] = nstates++;
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
  ac->out_ids = malloc((ac->npats + 1) * sizeof(uint32_t));
  ac->pat_len = malloc((ac->npats + 1) * sizeof(uint32_t));
  ac->pat_id = malloc((ac->npats + 1) * sizeof(uint32_t));
  int any_cased = 0;
  for (size_t i = 0; i < ac->npats; i++)
    any_cased |= ac->pats[i].cased != NULL;
  if (any_cased && !(ac->pat_cased = calloc(ac->npats + 1, sizeof *ac->pat_cased)))
    goto out;
  if (!delta || !ac->out_first || !ac->out_count || !ac->out_link || !ac->out_ids ||
      !ac->pat_len || !ac->pat_id)
    goto out;
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
  /* a skipped byte leaves every state where it is */
  if (ac->skip_class)
    for (uint32_t st = 0; st < nstates; st++)
      delta[(size_t)st * nc + ac->skip_class] = st * nc;
  ac->delta = delta;
  delta = NULL;
  ac->nstates = nstates;
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
  free(perm);
  free(delta);
  return rc;
}

/* A folded match of pattern p ending at `end` is a match when the pattern
 * ignores case or its exact bytes are there. */
static inline int exact(const lm_ac *ac, uint32_t p, const unsigned char *text, size_t end) {
  const unsigned char *c = ac->pat_cased ? ac->pat_cased[p] : NULL;
  return !c || memcmp(text + end - ac->pat_len[p], c, ac->pat_len[p]) == 0;
}

/* Reports every pattern that ends in state st at offset `end`. */
static int report(const lm_ac *ac, uint32_t st, const unsigned char *text, size_t end,
                  lm_ac_hit_fn hit, void *ctx) {
  for (; st != UINT32_MAX; st = ac->out_link[st])
    for (uint32_t k = 0; k < ac->out_count[st]; k++) {
      uint32_t p = ac->out_ids[ac->out_first[st] + k];
      if (exact(ac, p, text, end) && hit(ctx, ac->pat_id[p], end, ac->pat_len[p]))
        return 1;
    }
  return 0;
}

/* 1 when some pattern ending in state st at `end` really occurs (the case
 * of a cased pattern can rule it out). */
static int occurs(const lm_ac *ac, uint32_t st, const unsigned char *text, size_t end) {
  if (!ac->pat_cased)
    return 1;
  for (; st != UINT32_MAX; st = ac->out_link[st])
    for (uint32_t k = 0; k < ac->out_count[st]; k++)
      if (exact(ac, ac->out_ids[ac->out_first[st] + k], text, end))
        return 1;
  return 0;
}

/* The scan is bound by the latency of one table load per byte.  A long
 * text is therefore cut in two halves walked side by side: A covers
 * [0, mid) and reports what ends there; B starts maxlen - 1 bytes early so
 * it sees every pattern ending after mid, and reports only those.  Each
 * occurrence is reported once. */

int lm_ac_scan(const lm_ac *ac, const unsigned char *text, size_t len,
               lm_ac_hit_fn hit, void *ctx) {
  const uint32_t *delta = ac->delta;
  const uint8_t *cls = ac->cls;
  const uint32_t match_min = ac->match_min, nc = ac->nclass;
  if (!delta)
    return 0;
  size_t i = 0, mid = len;
  uint32_t sa = 0;
  /* maxlen 0 (no pattern) would start B before the text */
  if (len >= SPLIT_MIN && ac->maxlen && ac->maxlen < len / 4) {
    mid = len / 2;
    size_t jb = mid - (ac->maxlen - 1);
    uint32_t sb = 0;
    /* B is maxlen - 1 bytes longer: walk both for A's length */
    for (; i < mid; i++, jb++) {
      sa = delta[sa + cls[text[i]]];
      sb = delta[sb + cls[text[jb]]];
      if (__builtin_expect((sa >= match_min) | (sb >= match_min), 0)) {
        if (sa >= match_min && report(ac, sa / nc, text, i + 1, hit, ctx))
          return 1;
        if (sb >= match_min && jb + 1 > mid && report(ac, sb / nc, text, jb + 1, hit, ctx))
          return 1;
      }
    }
    for (; jb < len; jb++) {
      sb = delta[sb + cls[text[jb]]];
      if (__builtin_expect(sb >= match_min, 0) && jb + 1 > mid &&
          report(ac, sb / nc, text, jb + 1, hit, ctx))
        return 1;
    }
    return 0;
  }
  for (; i < len; i++) {
    sa = delta[sa + cls[text[i]]];
    if (__builtin_expect(sa >= match_min, 0) && report(ac, sa / nc, text, i + 1, hit, ctx))
      return 1;
  }
  return 0;
}

int lm_ac_any(const lm_ac *ac, const unsigned char *text, size_t len) {
  const uint32_t *delta = ac->delta;
  const uint8_t *cls = ac->cls;
  const uint32_t match_min = ac->match_min;
  if (!delta)
    return 0;
  uint32_t s = 0;
  for (size_t i = 0; i < len; i++) {
    s = delta[s + cls[text[i]]];
    if (s >= match_min && occurs(ac, s / ac->nclass, text, i + 1))
      return 1;
  }
  return 0;
}

/* Both automata, each over both halves of the text (as in lm_ac_scan):
 * four independent chains of table loads in one loop. */
int lm_ac_any2(const lm_ac *a, const lm_ac *b, const unsigned char *text, size_t len) {
  if (!a->delta || !b->delta)
    return lm_ac_any(a->delta ? a : b, text, len);
  const uint32_t *da = a->delta, *db = b->delta;
  const uint8_t *ca = a->cls, *cb = b->cls;
  const uint32_t ma = a->match_min, mb = b->match_min;
  uint32_t maxlen = a->maxlen > b->maxlen ? a->maxlen : b->maxlen;
  uint32_t sa = 0, sb = 0;
  size_t i = 0;
  if (len >= SPLIT_MIN && maxlen && maxlen < len / 4) {
    size_t mid = len / 2, j = mid - (maxlen - 1);
    uint32_t ta = 0, tb = 0;
    for (; i < mid; i++, j++) {
      unsigned char c = text[i], d = text[j];
      sa = da[sa + ca[c]];
      sb = db[sb + cb[c]];
      ta = da[ta + ca[d]];
      tb = db[tb + cb[d]];
      if (__builtin_expect((sa >= ma) | (sb >= mb) | (ta >= ma) | (tb >= mb), 0)) {
        if ((sa >= ma && occurs(a, sa / a->nclass, text, i + 1)) ||
            (sb >= mb && occurs(b, sb / b->nclass, text, i + 1)) ||
            (ta >= ma && occurs(a, ta / a->nclass, text, j + 1)) ||
            (tb >= mb && occurs(b, tb / b->nclass, text, j + 1)))
          return 1;
      }
    }
    for (; j < len; j++) {
      ta = da[ta + ca[text[j]]];
      tb = db[tb + cb[text[j]]];
      if (__builtin_expect((ta >= ma) | (tb >= mb), 0) &&
          ((ta >= ma && occurs(a, ta / a->nclass, text, j + 1)) ||
           (tb >= mb && occurs(b, tb / b->nclass, text, j + 1))))
        return 1;
    }
    return 0;
  }
  for (; i < len; i++) {
    unsigned char c = text[i];
    sa = da[sa + ca[c]];
    sb = db[sb + cb[c]];
    if (__builtin_expect((sa >= ma) | (sb >= mb), 0) &&
        ((sa >= ma && occurs(a, sa / a->nclass, text, i + 1)) ||
         (sb >= mb && occurs(b, sb / b->nclass, text, i + 1))))
      return 1;
  }
  return 0;
}

size_t lm_ac_memory(const lm_ac *ac) {
  return (size_t)ac->nstates * ac->nclass * sizeof(uint32_t) +
         (size_t)ac->nstates * 3 * sizeof(uint32_t);
}
