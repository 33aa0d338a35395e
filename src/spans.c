/* SPDX-License-Identifier: Apache-2.0 */
/* The spans of a line after every view was read: repeats of the secrets
 * found, their union with one label each, and their fitting to the
 * line's regions. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static int cmp_span(const void *a, const void *b) {
  const lm_span *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  if (x->origin != y->origin)
    return x->origin > y->origin ? -1 : 1;
  return x->label < y->label ? -1 : x->label > y->label;
}

/* Union of overlapping and touching spans.  The label of a union is that
 * of its most telling part: a known literal, then a block, a rule, a key
 * label (view.h); among equals the leftmost. */
void lm_spans_merge(lm_lctx *lc) {
  lm_span *s = lc->spans.v;
  size_t n = lc->spans.n;
  if (n < 2)
    return;
  lm_sort_runs(s, n, sizeof *s, cmp_span);
  size_t w = 0;
  for (size_t i = 1; i < n; i++) {
    if (s[i].start <= s[w].end) {
      if (s[i].end > s[w].end)
        s[w].end = s[i].end;
      if (s[i].origin > s[w].origin) {
        s[w].label = s[i].label;
        s[w].literal = s[i].literal;
        s[w].origin = s[i].origin;
      }
    } else {
      s[++w] = s[i];
    }
  }
  lc->spans.n = w + 1;
}

/* Once a rule has shown a value to be secret, the same bytes elsewhere in
 * the line are that secret too, even where no context points at them
 * ("password=X ... retrying with X").  Values under REPEAT_MIN bytes are
 * left to their rule: repeating them would hit ordinary words.
 *
 * Linear in the line whatever it holds: the distinct secrets are hashed
 * by their first REPEAT_MIN bytes, the line is walked once with a rolling
 * hash of that many bytes, and a window whose hash is a secret's is
 * compared with the secrets of that hash.  A hostile line with many
 * secrets sharing a prefix could make those comparisons quadratic, so
 * they have a budget, and a bucket holds at most CHAIN_MAX of them; past
 * either a window that starts like a secret is masked as far as the
 * longest such secret (more, never less). */
#define REPEAT_MIN 6
#define CHAIN_MAX 8

typedef struct rep {
  size_t start, len; /* one occurrence found by a rule */
  uint32_t label, literal;
  uint8_t origin;
  uint32_t next;     /* next secret in the same bucket */
} rep;

static uint32_t hash6(const unsigned char *p, unsigned bits) {
  uint64_t x = 0;
  memcpy(&x, p, REPEAT_MIN);
  x *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(x >> (64 - bits));
}

int lm_spans_repeats(lm_lctx *lc) {
  size_t n = lc->spans.n;
  const unsigned char *t = (const unsigned char *)lc->line;
  size_t len = lc->len;
  if (n == 0 || len < REPEAT_MIN)
    return 0;
  /* a table of at least twice as many buckets as secrets */
  unsigned bits = 4;
  while ((1u << bits) < 2 * n && bits < 20)
    bits++;
  size_t nb = (size_t)1 << bits;
  uint32_t *head = malloc(nb * sizeof *head);
  uint32_t *count = calloc(nb, sizeof *count);
  uint32_t *widest = malloc(nb * sizeof *widest);
  rep *reps = malloc(n * sizeof *reps);
  if (!head || !count || !widest || !reps) {
    free(head);
    free(count);
    free(widest);
    free(reps);
    lc->oom = 1;
    return -1;
  }
  memset(head, 0xff, nb * sizeof *head);
  size_t nr = 0;
  for (size_t i = 0; i < n; i++) {
    const lm_span *sp = &lc->spans.v[i];
    size_t l = sp->end - sp->start;
    if (l < REPEAT_MIN || sp->origin == LM_ORIGIN_LABEL)
      continue;
    uint32_t h = hash6(t + sp->start, bits);
    /* one entry per distinct secret, in a bucket of up to CHAIN_MAX; a
     * bucket with more (secrets sharing their first bytes) keeps only its
     * longest, and is matched by those first bytes alone */
    int dup = 0;
    for (uint32_t k = head[h]; k != UINT32_MAX && !dup && count[h] <= CHAIN_MAX; k = reps[k].next)
      dup = reps[k].len == l && memcmp(t + reps[k].start, t + sp->start, l) == 0;
    if (dup)
      continue;
    reps[nr] = (rep){sp->start, l, sp->label, sp->literal, sp->origin, UINT32_MAX};
    if (count[h] < CHAIN_MAX) {
      reps[nr].next = head[h];
      head[h] = (uint32_t)nr;
    }
    if (!count[h] || l > reps[widest[h]].len)
      widest[h] = (uint32_t)nr;
    count[h]++;
    nr++;
  }
  size_t budget = 8 * len + 65536;
  int rc = 0;
  if (nr == 1) {
    /* the common case, one secret: memmem from one occurrence to the
     * next, comparisons on the same budget */
    const rep *r = &reps[0];
    const unsigned char *q = t;
    while (rc == 0 && (size_t)(t + len - q) >= r->len) {
      q = memmem(q, (size_t)(t + len - q), t + r->start, r->len);
      if (!q)
        break;
      size_t p = (size_t)(q - t);
      if (p != r->start && lm_span_add_raw(lc, p, p + r->len, r->label, r->literal, r->origin))
        rc = -1;
      if (budget < r->len)
        break; /* many overlapping copies: the walk below takes over */
      budget -= r->len;
      q++;
    }
    if (rc != 0 || !q || (size_t)(t + len - q) < r->len)
      goto done;
    budget = 0; /* out of budget: the walk from here on fails closed */
  }
  /* the blind scans' reach: no delimiter from the last blind window's
   * REPEAT_MIN-th byte up to it */
  size_t scanned = 0;
  for (size_t p = 0; nr && p + REPEAT_MIN <= len; p++) {
    uint32_t h = hash6(t + p, bits);
    uint32_t k = head[h];
    if (k == UINT32_MAX)
      continue;
    size_t best = 0;
    const rep *who = NULL;
    int blind = 0; /* who was not compared whole */
    for (; k != UINT32_MAX; k = reps[k].next) {
      const rep *r = &reps[k];
      if (count[h] > CHAIN_MAX || budget < r->len) {
        /* too many to compare, or out of budget: fail closed, as far as
         * the longest secret starting so */
        if (memcmp(t + p, t + r->start, REPEAT_MIN) == 0) {
          const rep *w = count[h] > CHAIN_MAX ? &reps[widest[h]] : r;
          if (w->len > best) {
            best = w->len;
            who = w;
            blind = 1;
          }
        }
        continue;
      }
      if (r->len > len - p)
        continue;
      budget -= r->len;
      if (r->len > best && memcmp(t + p, t + r->start, r->len) == 0) {
        best = r->len;
        who = r;
        blind = 0;
      }
    }
    if (best > len - p)
      best = len - p;
    if (who && blind) {
      /* not compared whole: up to the end of the token, as far as the
       * longest secret starting so (a secret holds no blank or quote);
       * what an earlier window's scan passed is not read again */
      size_t e = p + REPEAT_MIN, lim = p + best;
      if (scanned > e)
        e = scanned < lim ? scanned : lim;
      while (e < lim && !strchr(" \t\"'<>,;&", t[e]))
        e++;
      if (e > scanned)
        scanned = e;
      best = e - p;
    }
    if (who && p != who->start &&
        lm_span_add_raw(lc, p, p + best, who->label, who->literal, who->origin)) {
      rc = -1;
      break;
    }
  }
done:
  free(head);
  free(count);
  free(widest);
  free(reps);
  return rc;
}

/* Whether a backslash escape starting at t[b] spans position p (b < p):
 * t[b] is a backslash with an even run of backslashes before it. */
static int escape_covers(const char *t, size_t lo, size_t b, size_t p) {
  if (t[b] != '\\')
    return 0;
  size_t run = 0;
  while (b > lo + run && t[b - 1 - run] == '\\')
    run++;
  if (run % 2)
    return 0; /* this backslash is itself escaped */
  size_t n = t[b + 1] == 'u' ? 6 : t[b + 1] == 'x' ? 4 : 2;
  return p < b + n;
}

/* Moves [*s, *e) inside region [lo, hi) of escaped text out of the middle
 * of any escape, so a mask never leaves half an escape behind (a lone
 * backslash would swallow the quote after the mask). */
static void align_escapes(const char *t, size_t lo, size_t hi, size_t *s, size_t *e) {
  for (size_t b = *s > lo + 5 ? *s - 5 : lo; b < *s; b++)
    if (escape_covers(t, lo, b, *s)) {
      *s = b;
      break;
    }
  for (size_t b = *e > lo + 5 ? *e - 5 : lo; b < *e; b++)
    if (escape_covers(t, lo, b, *e)) {
      size_t n = t[b + 1] == 'u' ? 6 : t[b + 1] == 'x' ? 4 : 2;
      *e = b + n < hi ? b + n : hi;
      break;
    }
}

/* Regions sorted by start, outer before inner. */
static int cmp_region(const void *a, const void *b) {
  const lm_region *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end;
}

/* Fits the merged spans to the regions: each piece of a span takes the
 * innermost region holding it; pieces on structural bytes are dropped, a
 * piece of a number or masked container takes the whole token (written as
 * a JSON string), a piece inside a string is escaped for it.  Spans stay
 * sorted and disjoint. */
int lm_spans_fit(lm_lctx *lc) {
  if (lc->spans.n && lm_region_map(lc))
    return -1;
  size_t nreg = lc->regions.n, n = lc->spans.n;
  for (size_t i = 0; i < n; i++)
    lc->spans.v[i].src = (uint32_t)i;
  if (!nreg || !n)
    return 0;
  lm_region *reg = lc->regions.v;
  /* handlers add regions mostly in text order: insertion sort unless many */
  if (nreg > 64) {
    lm_sort_runs(reg, nreg, sizeof *reg, cmp_region);
  } else {
    for (size_t i = 1; i < nreg; i++) {
      lm_region r = reg[i];
      size_t j = i;
      for (; j > 0 && cmp_region(&reg[j - 1], &r) > 0; j--)
        reg[j] = reg[j - 1];
      reg[j] = r;
    }
  }
  /* pieces are appended after the spans, then moved down */
  size_t stack_cap = 64, top = 0;
  size_t *stack = malloc(stack_cap * sizeof *stack);
  if (!stack) {
    lc->oom = 1;
    return -1;
  }
  size_t ri = 0;
  size_t last_end = 0;
  for (size_t i = 0; i < n; i++) {
    lm_span sp = lc->spans.v[i];
    sp.src = (uint32_t)i;
    size_t p = sp.start > last_end ? sp.start : last_end;
    while (p < sp.end) {
      /* open the regions starting at or before p, close those ended */
      while (ri < nreg && reg[ri].start <= p) {
        while (top && reg[stack[top - 1]].end <= reg[ri].start)
          top--;
        if (top == stack_cap) {
          size_t *ns = realloc(stack, 2 * stack_cap * sizeof *ns);
          if (!ns) {
            free(stack);
            lc->oom = 1;
            return -1;
          }
          stack = ns;
          stack_cap *= 2;
        }
        stack[top++] = ri++;
      }
      while (top && reg[stack[top - 1]].end <= p)
        top--;
      const lm_region *in = top ? &reg[stack[top - 1]] : NULL;
      size_t q = sp.end;
      if (in && in->end < q)
        q = in->end;
      if (ri < nreg && reg[ri].start < q)
        q = reg[ri].start;
      lm_span piece = sp;
      piece.start = p;
      piece.end = q;
      if (!in || in->kind == LM_REG_CONTENT) {
        if (in) {
          piece.esc = in->esc;
          if (in->esc.n)
            align_escapes(lc->line, in->start, in->end, &piece.start, &piece.end);
        }
      } else if (in->kind == LM_REG_TOKEN) {
        piece.start = in->start;
        piece.end = q = in->end;
        piece.quote = 1;
        piece.esc = in->esc;
        /* the token is written whole: nothing inside it is read again */
        while (ri < nreg && reg[ri].start < in->end)
          ri++;
      } else {
        piece.end = piece.start; /* structural: dropped */
      }
      if (piece.end > piece.start) {
        size_t lastn = lc->spans.n;
        if (lastn > n && lc->spans.v[lastn - 1].end > piece.start)
          piece.start = lc->spans.v[lastn - 1].end; /* a token already written */
        if (piece.end > piece.start && LM_VEC_PUSH(lc, lc->spans, piece)) {
          free(stack);
          return -1;
        }
      }
      p = q;
    }
    last_end = p;
  }
  free(stack);
  memmove(lc->spans.v, lc->spans.v + n, (lc->spans.n - n) * sizeof *lc->spans.v);
  lc->spans.n -= n;
  return 0;
}
