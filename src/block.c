/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-line secret blocks (PEM and PGP private keys, PuTTY key bodies):
 * an explicit state machine over the lines of the contents of each line
 * (a text line, or the strings of a JSON record such as Docker's
 * {"log":"...\n"}).
 *
 *   closed --opener (rule regex, no end marker after it)--> open(rule)
 *   open   --end marker--> closed    (text before the marker masked)
 *          --another opener--> open(that rule), restarted
 *          --a body line (the rule's block-body, default PEM: base64 or
 *            an armor header)--> open, the line masked whole
 *          --a blank line, or another source's line (a block opened
 *            behind a prefix, a line with a prefix of another shape that
 *            is no body line)--> open, nothing masked (counted in the bound)
 *          --any other line, or the rule's line bound--> closed, and that
 *            line is read as any other
 *
 * A block opened behind a prefix on its line goes on in lines with a
 * prefix of the same shape (digit runs aside), read after it, and in bare
 * lines; another program's lines written between them (a CRI log of
 * several streams) neither end it nor are masked.  So a forged opener can
 * only mask lines that look like key material, and
 * an opener left unterminated cannot hide a later real key.  A block
 * opened inside a structured record follows the key path it opened in:
 * later records are read at that path (all of a record when it has none). */
#include "internal.h"
#include <string.h>

static int path_is(const lm_view *v, const lm_block *b) {
  if (!b->has_path)
    return v->path == NULL;
  return v->path && v->pathlen == b->pathlen && memcmp(v->path, b->path, b->pathlen) == 0;
}

int lm_block_is_body(lm_masker *m, const lm_rule *r, const char *t, size_t n) {
  pcre2_code *re = r->block_body ? r->block_body : m->set->pem_body;
  int rc = pcre2_match(re, (PCRE2_SPTR)t, n, 0, 0, m->md, m->mctx);
  if (rc >= 0)
    return 1;
  if (rc != PCRE2_ERROR_NOMATCH)
    m->lc.limit = 1;
  return 0;
}

/* After lm_block_is_body said yes: the part of the body line masked, its
 * `secret` group when the rule's block-body has one, else all of it. */
static void body_part(lm_masker *m, const lm_rule *r, size_t *a, size_t *z) {
  int g = r->block_body_group;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
  if (g && ov[2 * g] != PCRE2_UNSET) {
    size_t base = *a;
    *a = base + ov[2 * g];
    *z = base + ov[2 * g + 1];
  }
}

/* The first opener in t among the candidate block rules `cands`: its
 * rule, secret [*s, *e) (empty for a rule that keeps its opener) and
 * whether an end marker follows on the same line.  -1 when none. */
static int opener(lm_masker *m, uint64_t cands, const char *t, size_t n, size_t *ms, size_t *s,
                  size_t *e, int *closed) {
  const lm_ruleset *set = m->set;
  for (size_t k = 0; k < set->nblock && cands; k++) {
    if (!(cands & LM_BLOCK_BIT(k)))
      continue;
    uint32_t ri = set->block_rules[k];
    if (m->only_rule >= 0 && ri != (uint32_t)m->only_rule)
      continue;
    const lm_rule *r = &set->rules[ri];
    int rc = pcre2_match(r->re, (PCRE2_SPTR)t, n, 0, 0, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
      continue;
    if (rc < 0) {
      m->lc.limit = 1;
      return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    size_t me = ov[1];
    *ms = r->block_keep_opener ? 0 : ov[0];
    *s = ov[0];
    *e = ov[1];
    int g = r->secret_group;
    if (g && rc > g && ov[2 * g] != PCRE2_UNSET) {
      *s = ov[2 * g];
      *e = ov[2 * g + 1];
    }
    if (r->block_keep_opener)
      *s = *e = 0;
    else if (*e <= *s)
      continue;
    *closed = pcre2_match(r->block_end, (PCRE2_SPTR)t, n, me, 0, m->md, m->mctx) >= 0;
    return (int)ri;
  }
  return -1;
}

static void trim(const char *t, size_t *a, size_t *b) {
  while (*a < *b && (t[*a] == ' ' || t[*a] == '\t'))
    (*a)++;
  while (*b > *a && (t[*b - 1] == ' ' || t[*b - 1] == '\t' || t[*b - 1] == '\r'))
    (*b)--;
}

/* The length of the prefix of t that has the shape sig (a digit run for
 * each '0'), or 0. */
static size_t prefix_match(const char *t, size_t n, const char *sig, size_t siglen) {
  size_t i = 0;
  for (size_t j = 0; j < siglen; j++) {
    if (sig[j] == '0') {
      if (i == n || t[i] < '0' || t[i] > '9')
        return 0;
      while (i < n && t[i] >= '0' && t[i] <= '9')
        i++;
    } else if (i == n || t[i++] != sig[j]) {
      return 0;
    }
  }
  return i;
}

/* A block opened behind a prefix on its line (a container runtime's
 * `TIME stdout F `, a logger's time and level) goes on in lines with a
 * prefix of that shape, read after it, or in bare lines. */
static void keep_prefix(lm_block *b, const char *t, size_t n) {
  b->prefixlen = 0;
  if (n == 0 || (t[n - 1] != ' ' && t[n - 1] != '\t'))
    return;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k == LM_BLOCK_PREFIX_MAX) {
      b->prefixlen = 0;
      return;
    }
    if (t[i] >= '0' && t[i] <= '9') {
      if (k && b->prefix[k - 1] == '0' && i && t[i - 1] >= '0' && t[i - 1] <= '9')
        continue;
      b->prefix[k++] = '0';
    } else {
      b->prefix[k++] = t[i];
    }
  }
  b->prefixlen = (uint8_t)k;
}

static void open_block(lm_masker *m, int rule, const lm_view *v, const char *prefix,
                       size_t prefixlen) {
  lm_block *b = &m->block;
  b->rule = rule;
  b->lines = 0;
  keep_prefix(b, prefix, prefixlen);
  b->has_path = v->path != NULL && v->pathlen <= LM_BLOCK_PATH_MAX;
  b->pathlen = b->has_path ? (uint8_t)v->pathlen : 0;
  if (b->has_path)
    memcpy(b->path, v->path, v->pathlen);
  m->lc.blocks_opened++;
}

/* One line of a content, [ls, le) of v; `body`: it may continue an open
 * block (else only an opener in it counts).  Returns 0 or -1 (OOM). */
static int step(lm_masker *m, const lm_view *v, size_t ls, size_t le, uint64_t openers,
                int body, unsigned *flags) {
  lm_lctx *lc = &m->lc;
  lm_block *b = &m->block;
  const char *t = v->text;
  size_t a = ls, z = le;
  trim(t, &a, &z);
  if (b->rule >= 0 && body) {
    const lm_rule *r = &m->set->rules[b->rule];
    /* another source's line between the block's own: a line with a prefix
     * of another shape that is no body line (bare body lines go on) */
    int other = 0;
    if (b->prefixlen) {
      size_t p = prefix_match(t + a, z - a, b->prefix, b->prefixlen);
      other = p == 0;
      a += p;
      trim(t, &a, &z);
    }
    uint32_t label = (uint32_t)(r - m->set->rules);
    int rc = pcre2_match(r->block_end, (PCRE2_SPTR)t + ls, le - ls, 0, 0, m->md, m->mctx);
    if (rc >= 0) {
      size_t e0 = ls + pcre2_get_ovector_pointer(m->md)[0];
      while (e0 > a && (t[e0 - 1] == ' ' || t[e0 - 1] == '\t'))
        e0--;
      b->rule = -1;
      *flags |= LM_LINE_BLOCK;
      return e0 > a ? lm_span_add_view(lc, v, a, e0, label, 0, LM_ORIGIN_BLOCK) : 0;
    }
    if (rc != PCRE2_ERROR_NOMATCH) {
      lc->limit = 1;
      return 0;
    }
    size_t ms, s, e;
    int closed, nr = openers ? opener(m, openers, t + a, z - a, &ms, &s, &e, &closed) : -1;
    if (nr >= 0) {
      /* a new opener restarts the block (or is a whole key on one line) */
      b->rule = -1;
      *flags |= LM_LINE_BLOCK;
      if (!closed)
        open_block(m, nr, v, t + a, ms);
      return e > s ? lm_span_add_view(lc, v, a + s, a + e, (uint32_t)nr, 0, LM_ORIGIN_RULE) : 0;
    }
    if (a == z)
      return 0; /* a blank line neither continues nor ends a block */
    int is_body = lm_block_is_body(m, r, t + a, z - a);
    if (other && !is_body)
      return 0; /* nor does another source's line (counted: lm_block_line) */
    if (is_body) {
      if (++b->lines <= r->block_max_lines) {
        *flags |= LM_LINE_BLOCK;
        body_part(m, r, &a, &z);
        return z > a ? lm_span_add_view(lc, v, a, z, label, 0, LM_ORIGIN_BLOCK) : 0;
      }
      lc->blocks_cut++; /* unterminated: stop rather than mask on */
    }
    b->rule = -1;
  }
  if (!openers || a == z)
    return 0;
  size_t ms, s, e;
  int closed, nr = opener(m, openers, t + a, z - a, &ms, &s, &e, &closed);
  if (nr < 0)
    return 0;
  if (!closed)
    open_block(m, nr, v, t + a, ms);
  *flags |= LM_LINE_BLOCK;
  return e > s ? lm_span_add_view(lc, v, a + s, a + e, (uint32_t)nr, 0, LM_ORIGIN_RULE) : 0;
}

static int content(lm_masker *m, const lm_view *v, uint64_t openers, int body,
                   unsigned *flags) {
  size_t ls = 0;
  if (v->len == 0)
    return step(m, v, 0, 0, openers, body, flags);
  while (ls < v->len) {
    const char *nl = memchr(v->text + ls, '\n', v->len - ls);
    size_t le = nl ? (size_t)(nl - v->text) : v->len;
    if (step(m, v, ls, le, openers, body, flags))
      return -1;
    ls = le + 1;
  }
  return 0;
}

int lm_block_line(lm_masker *m, uint64_t openers, unsigned *flags) {
  lm_lctx *lc = &m->lc;
  if (m->block.rule < 0 && !openers)
    return 0;
  /* A block that opened in a record's value goes on in the value at the
   * same key path of the next records; when a record has none, all of it
   * is read.  Other values of the record are read for openers only. */
  int rule = m->block.rule;
  unsigned lines = m->block.lines, opened_before = lc->blocks_opened;
  int at_path = 0;
  if (m->block.rule >= 0 && m->block.has_path)
    for (size_t i = 0; i < lc->contents.n && !at_path; i++)
      at_path = path_is(lc->contents.v[i], &m->block);
  for (size_t i = 0; i < lc->contents.n; i++) {
    const lm_view *v = lc->contents.v[i];
    int body = !(m->block.rule >= 0 && m->block.has_path && at_path && !path_is(v, &m->block));
    unsigned opened = lc->blocks_opened;
    if (content(m, v->unescaped ? v->unescaped : v, v->body_only ? 0 : openers, body, flags))
      return -1;
    /* opened here: this record has its path */
    if (lc->blocks_opened != opened)
      at_path = 1;
  }
  /* a line that left the block open without a body line (blank, or no
   * content at its path) counts toward the bound too: whether a block is
   * open depends on the last block-max-lines lines alone, as
   * lm_masker_prime has it */
  if (rule >= 0 && m->block.rule == rule && lc->blocks_opened == opened_before &&
      m->block.lines == lines && ++m->block.lines > m->set->rules[rule].block_max_lines) {
    m->block.rule = -1;
    lc->blocks_cut++;
  }
  return lc->oom ? -1 : 0;
}
