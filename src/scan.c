/* SPDX-License-Identifier: Apache-2.0 */
/* Reading one view: the keyword walk (candidate rules, known literals),
 * then each candidate rule's regex, its secret validated (allow list,
 * placeholders, entropy, check, code), mapped back to raw spans. */
#include "internal.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void lm_cands_free(lm_cands *c) {
  if (c) {
    free(c->v);
    free(c->hits);
    free(c);
  }
}

static int holds(const char *text, size_t len, int c) {
  if (c < 0)
    return 1;
  if (memchr(text, c, len))
    return 1;
  if (c >= 'a' && c <= 'z')
    return memchr(text, c - 32, len) != NULL;
  if (c >= 'A' && c <= 'Z')
    return memchr(text, c + 32, len) != NULL;
  return 0;
}

typedef struct walk_ctx {
  lm_masker *m;
  const lm_view *v; /* NULL: the raw line */
  const char *text;
  size_t len;
  lm_cands *c;
  int literals;
  int oom;
} walk_ctx;

/* Whether [start, end) lies inside one value of pair view v. */
static int inside_member(const lm_view *v, size_t start, size_t end) {
  size_t lo = 0, hi = v->nmembers;
  while (lo < hi) { /* the first value ending after start */
    size_t mid = (lo + hi) / 2;
    if (v->members[2 * mid + 1] <= start)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < v->nmembers && v->members[2 * lo] <= start && end <= v->members[2 * lo + 1];
}

static int on_hit(void *vctx, uint32_t id, size_t end, size_t len) {
  walk_ctx *w = vctx;
  lm_masker *m = w->m;
  const lm_ruleset *set = m->set;
  size_t start = end - len;
  if (id & LM_AC_MARK_BIT) {
    w->c->marks |= id & ~LM_AC_MARK_BIT;
    return 0;
  }
  if (id & LM_AC_LITERAL_BIT) {
    if (!w->literals)
      return 0;
    uint32_t l = id & ~LM_AC_LITERAL_BIT;
    /* the automaton holds a case-folded prefix; known secrets are exact */
    size_t full = set->literals[l].len;
    if (full <= w->len - start && memcmp(w->text + start, set->literals[l].value, full) == 0 &&
        (w->v ? lm_span_add_view(&m->lc, w->v, start, start + full, LM_LITERAL, l,
                                 LM_ORIGIN_LITERAL)
              : lm_span_add_raw(&m->lc, start, start + full, LM_LITERAL, l, LM_ORIGIN_LITERAL))) {
      w->oom = 1;
      return 1;
    }
    return 0;
  }
  /* in a pair view the values are read alone: a keyword counts here only
   * where it touches a `path=` */
  if (w->v && w->v->kind == LM_VIEW_PAIR && w->v->nmembers && inside_member(w->v, start, end))
    return 0;
  lm_cands *c = w->c;
  if (c->record) {
    if (lm_vec_grow((void **)&c->hits, &c->hitcap, 3 * (c->nhits + 1), sizeof *c->hits)) {
      w->oom = 1;
      return 1;
    }
    c->hits[3 * c->nhits] = (uint32_t)start;
    c->hits[3 * c->nhits + 1] = (uint32_t)end;
    c->hits[3 * c->nhits + 2] = id;
    c->nhits++;
  }
  for (uint32_t k = 0; k < set->kw_rule_count[id]; k++) {
    uint32_t r = set->kw_rules[set->kw_rule_first[id] + k];
    if (m->cand_mark[r])
      continue;
    if (lm_vec_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v)) {
      w->oom = 1;
      return 1;
    }
    m->cand_mark[r] = 1;
    c->v[c->n++] = r;
  }
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_hit(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* The candidates in c->v: unmarked, left out when not run (rule tests)
 * or when v lacks their required bytes, sorted. */
static void finish(lm_masker *m, const char *text, size_t len, lm_cands *c) {
  const lm_ruleset *set = m->set;
  size_t k = 0;
  for (size_t i = 0; i < c->n; i++) {
    uint32_t r = c->v[i];
    m->cand_mark[r] = 0;
    const lm_rule *rule = &set->rules[r];
    if (m->only_rule >= 0 && r != (uint32_t)m->only_rule)
      continue;
    if (!holds(text, len, rule->need[0]) || !holds(text, len, rule->need[1]))
      continue;
    c->v[k++] = r;
    if (rule->block_end)
      c->block |= LM_BLOCK_BIT(rule->block_index);
  }
  c->n = k;
  /* rule order, so results never depend on keyword order in the line;
   * a line has a few candidates: insertion sort, no library call */
  if (c->n > 16) {
    qsort(c->v, c->n, sizeof *c->v, cmp_u32);
    return;
  }
  for (size_t i = 1; i < c->n; i++) {
    uint32_t r = c->v[i];
    size_t j = i;
    for (; j > 0 && c->v[j - 1] > r; j--)
      c->v[j] = c->v[j - 1];
    c->v[j] = r;
  }
}

/* Orders the hits by the quarter of the text they start in, keeping
 * their order within each (a counting sort).  0, or -1 out of memory. */
static int deal_quarters(lm_cands *c, size_t len) {
  size_t n = c->nhits, q = len / 4;
  if (q == 0)
    return 0;
  uint32_t *tmp = malloc(3 * n * sizeof *tmp);
  if (!tmp)
    return -1;
  size_t at[5] = {0};
  for (size_t i = 0; i < n; i++) {
    size_t k = c->hits[3 * i] / q;
    at[(k > 3 ? 3 : k) + 1]++;
  }
  for (size_t k = 1; k < 5; k++)
    at[k] += at[k - 1];
  for (size_t i = 0; i < n; i++) {
    size_t k = c->hits[3 * i] / q;
    memcpy(tmp + 3 * at[k > 3 ? 3 : k]++, c->hits + 3 * i, 3 * sizeof *tmp);
  }
  memcpy(c->hits, tmp, 3 * n * sizeof *tmp);
  free(tmp);
  return 0;
}

static int walk(lm_masker *m, const lm_view *v, const char *text, size_t len, lm_cands *c,
                int literals) {
  c->n = 0;
  c->block = 0;
  c->marks = 0;
  c->nhits = 0;
  walk_ctx w = {m, v, text, len, c, literals, 0};
  lm_ac_scan(m->set->ac, (const unsigned char *)text, len, on_hit, &w);
  if (c->n) /* most walks find no keyword */
    finish(m, text, len, c);
  if (w.oom) {
    m->lc.oom = 1;
    return -1;
  }
  /* the walk reports the four quarters of the text side by side (ac.c):
   * dealt out by quarter, each is in text order, and the four merge */
  if (c->nhits > 32) {
    if (deal_quarters(c, len)) {
      m->lc.oom = 1;
      return -1;
    }
    lm_sort_runs(c->hits, c->nhits, 3 * sizeof *c->hits, cmp_hit);
  } else {
    uint32_t *h = c->hits;
    for (size_t i = 1; i < c->nhits; i++) {
      uint32_t a = h[3 * i], b = h[3 * i + 1], id = h[3 * i + 2];
      size_t j = i;
      for (; j > 0 && h[3 * (j - 1)] > a; j--)
        memcpy(h + 3 * j, h + 3 * (j - 1), 3 * sizeof *h);
      h[3 * j] = a;
      h[3 * j + 1] = b;
      h[3 * j + 2] = id;
    }
  }
  return 0;
}

int lm_scan_walk(lm_masker *m, const lm_view *v, lm_cands *c, int literals) {
  return walk(m, v, v->text, v->len, c, literals);
}

int lm_scan_walk_line(lm_masker *m, const char *line, size_t len, lm_cands *c, int literals) {
  return walk(m, NULL, line, len, c, literals);
}

int lm_scan_part(lm_masker *m, const lm_cands *line, const lm_view *v, lm_cands *c) {
  const lm_lctx *lc = &m->lc;
  if (!line->record || v->nsegs != 1 || v->segs[0].map || v->kind != LM_VIEW_RECORD ||
      v->segs[0].re - v->segs[0].rs != v->len || v->text != lc->line + v->segs[0].rs)
    return 0;
  size_t rs = v->segs[0].rs, re = v->segs[0].re;
  c->n = 0;
  c->block = 0;
  size_t lo = 0, hi = line->nhits;
  while (lo < hi) { /* the first occurrence starting at rs or later */
    size_t mid = (lo + hi) / 2;
    if (line->hits[3 * mid] < rs)
      lo = mid + 1;
    else
      hi = mid;
  }
  const lm_ruleset *set = m->set;
  for (size_t h = lo; h < line->nhits && line->hits[3 * h] < re; h++) {
    if (line->hits[3 * h + 1] > re)
      continue;
    uint32_t id = line->hits[3 * h + 2];
    for (uint32_t k = 0; k < set->kw_rule_count[id]; k++) {
      uint32_t r = set->kw_rules[set->kw_rule_first[id] + k];
      if (m->cand_mark[r])
        continue;
      if (lm_vec_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v)) {
        for (size_t i = 0; i < c->n; i++)
          m->cand_mark[c->v[i]] = 0;
        m->lc.oom = 1;
        return -1;
      }
      m->cand_mark[r] = 1;
      c->v[c->n++] = r;
    }
  }
  if (c->n)
    finish(m, v->text, v->len, c);
  return 1;
}

static int is_quote(char c) { return c == '"' || c == '\''; }

/* The secret a rule matched is kept only when it is not a placeholder,
 * not allowed, long enough, random enough, passes the rule's check and,
 * for a bare value, is not code. */
/* A rule's allow pattern i to run: JIT-compiled on its first run, by
 * whichever thread gets there first (a compiled set is shared: the copy
 * is made aside and published with one atomic exchange, a loser frees
 * its own).  The interpreter where JIT fails or memory runs out. */
static pcre2_code *allow_code(const lm_rule *r, size_t i) {
  if (!r->allow_run)
    return r->allow[i];
  pcre2_code *run = __atomic_load_n(&r->allow_run[i], __ATOMIC_ACQUIRE);
  if (run)
    return run;
  pcre2_code *copy = pcre2_code_copy(r->allow[i]);
  if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) != 0) {
    pcre2_code_free(copy);
    copy = NULL;
  }
  run = copy ? copy : r->allow[i];
  pcre2_code *none = NULL;
  if (!__atomic_compare_exchange_n(&r->allow_run[i], &none, run, 0, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    pcre2_code_free(copy);
    return none;
  }
  return run;
}

static int has_digit(const char *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isdigit((unsigned char)v[i]))
      return 1;
  return 0;
}

static int literal_closes(const char *t, size_t e, size_t len, char quote) {
  for (; e < len && t[e] != ' ' && t[e] != '\t'; e++)
    if (t[e] == quote)
      return 1;
  return 0;
}

static int accept_secret(lm_masker *m, const lm_rule *r, const char *text, size_t len,
                         size_t s, size_t e) {
  const char *sec = text + s;
  size_t n = e - s;
  if (n < r->min_length)
    return 0;
  if (!r->mask_placeholders && lm_is_placeholder(sec, n))
    return 0;
  for (size_t i = 0; i < r->nallow; i++)
    if (pcre2_match(allow_code(r, i), (PCRE2_SPTR)sec, n, 0, 0, m->md, m->mctx) >= 0)
      return 0;
  if (r->min_entropy > 0 && lm_entropy(sec, n) < r->min_entropy)
    return 0;
  if (r->check != LM_CHECK_NONE && !lm_check_run(r->check, sec, n))
    return 0;
  if (r->value_end == LM_VALUE_END_TOKEN && !(s > 0 && is_quote(text[s - 1])) &&
      lm_value_is_code(text, s, e, m->input == LM_INPUT_CODE))
    return 0;
  /* In source, the generic rules (a value after a sensitive name) meet
   * tests, defaults and code far more often than secrets; a provider's
   * token or the password of a URL's userinfo (user:pw@host) is judged by
   * its shape alone. */
  int generic = r->value_end == LM_VALUE_END_TOKEN ||
                (r->group && (strcmp(r->group, "generic") == 0 ||
                              strcmp(r->group, "database") == 0));
  if (m->input == LM_INPUT_CODE && generic && !(e < len && text[e] == '@')) {
    /* a quoted value is a string literal, closed by its quote within the
     * word (curl -u "pw:"); else the quote was the end of another string
     * ({% translate 'New password:' %}) */
    if (s > 0 && is_quote(text[s - 1]) && !literal_closes(text, e, len, text[s - 1]))
      return 0;
    /* judged without the punctuation that ends a clause or a call */
    size_t cn = n;
    while (cn > 1 && strchr(",;.:)", sec[cn - 1]))
      cn--;
    /* 'secret', 'password1', 'test123': a test's example word; an
     * upper-case constant (WITHCOORD); a bare value that is code
     * (`var camelKey = key`, a `selector` in a docstring, c->argv[1]) */
    if (lm_value_is_example(sec, cn) || lm_value_is_constant(sec, cn))
      return 0;
    int quoted = s > 0 && is_quote(text[s - 1]);
    /* a bare value is judged by its first operand (self.secret or
     * settings.SECRET_KEY, session_key).exists()) */
    size_t operand = cn;
    for (size_t i = 0; !quoted && i < cn; i++)
      if (sec[i] == ' ' || sec[i] == '\t' || sec[i] == ')') {
        operand = i;
        break;
      }
    if (r->value_end != LM_VALUE_END_TOKEN && !quoted && operand > 0 &&
        lm_value_is_code(text, s, s + operand, 1))
      return 0;
    /* a literal of three words or more without a digit is prose or a
     * query (a passphrase of random words mixes digits in: vT4q Lw9z) */
    size_t spaces = 0;
    for (size_t i = 0; quoted && i < cn; i++)
      spaces += sec[i] == ' ';
    if (spaces >= 2 && !has_digit(sec, cn))
      return 0;
  }
  return 1;
}

/* In a pair or list view a secret stays inside the value it starts in:
 * the made-up quotes, `; ` and keys around values are no part of one. */
static void clip_to_member(const lm_view *v, size_t *s, size_t *e) {
  size_t lo = 0, hi = v->nmembers;
  while (lo < hi) { /* the first value ending after s */
    size_t mid = (lo + hi) / 2;
    if (v->members[2 * mid + 1] <= *s)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == v->nmembers) {
    *e = *s;
    return;
  }
  if (*s < v->members[2 * lo])
    *s = v->members[2 * lo];
  if (*e > v->members[2 * lo + 1])
    *e = v->members[2 * lo + 1];
  if (*e < *s)
    *e = *s;
}

/* What accept_secret reads of a log line around a value: the value, the
 * SURROUNDINGS bytes before it (its key and what ends the key) and the
 * byte after it.  Whether [s, e) has those of [ps, pe). */
#define SURROUNDINGS 64
static int same_surroundings(const char *t, size_t len, size_t ps, size_t pe, size_t s,
                             size_t e) {
  size_t n = e - s;
  if (n != pe - ps || s < SURROUNDINGS || ps < SURROUNDINGS)
    return 0;
  if ((e < len ? t[e] : -1) != (pe < len ? t[pe] : -1))
    return 0;
  /* the key the checks read (repeats_key) lies inside what is compared */
  if (s - lm_value_key_start(t, s, SURROUNDINGS) >= SURROUNDINGS)
    return 0;
  return memcmp(t + s - SURROUNDINGS, t + ps - SURROUNDINGS, SURROUNDINGS + n) == 0;
}

/* The spans earlier rules found in the line's own view, a sorted run per
 * rule: a value one of them found already is not judged again (the union
 * keeps the earlier rule's label for it anyway: cmp_span).  Only the same
 * bytes: a value inside a wider span is judged, its repeats elsewhere in
 * the line are its own (password=https://u:X@host ... X). */
#define COVER_RUNS 32
typedef struct cover {
  const lm_lctx *lc;
  size_t nruns;
  size_t at[COVER_RUNS + 1]; /* run k: lc->spans [at[k], at[k + 1]) */
} cover;

static int covered(const cover *cv, size_t s, size_t e) {
  const lm_span *sp = cv->lc->spans.v;
  for (size_t k = 0; k < cv->nruns; k++) {
    size_t lo = cv->at[k], hi = cv->at[k + 1];
    while (lo < hi) { /* the first span starting after s */
      size_t mid = lo + (hi - lo) / 2;
      if (sp[mid].start <= s)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo > cv->at[k] && sp[lo - 1].start == s && sp[lo - 1].end == e)
      return 1;
  }
  return 0;
}

static int rule_matches(lm_masker *m, uint32_t ri, const lm_view *v, lm_found_fn fn, void *ctx,
                        const cover *cv);

int lm_rule_matches(lm_masker *m, uint32_t ri, const lm_view *v, lm_found_fn fn, void *ctx) {
  return rule_matches(m, ri, v, fn, ctx, NULL);
}

static int rule_matches(lm_masker *m, uint32_t ri, const lm_view *v, lm_found_fn fn, void *ctx,
                        const cover *cv) {
  const lm_rule *r = &m->set->rules[ri];
  const char *text = v->text;
  size_t len = v->len;
  size_t off = 0;
  if (!m->tested[ri]) {
    m->tested[ri] = 1;
    m->tested_list[m->ntested++] = ri;
  }
  size_t judged = SIZE_MAX, judged_end = 0;
  int judged_ok = 0;
  while (off <= len) {
    int rc = pcre2_match(r->re, (PCRE2_SPTR)text, len, off, 0, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
      break;
    if (rc < 0)
      return 1; /* a limit: the caller masks the line whole */
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    size_t ms = ov[0], me = ov[1], s = ms, e = me;
    int g = r->secret_group;
    if (g && rc > g && ov[2 * g] != PCRE2_UNSET) {
      s = ov[2 * g];
      e = ov[2 * g + 1];
    }
    if (r->value_end == LM_VALUE_END_TOKEN && e > s && !is_quote(text[s]) &&
        !(s > 0 && is_quote(text[s - 1])))
      e = lm_value_end(text, len, s);
    if (v->nmembers)
      clip_to_member(v, &s, &e);
    if (e > s && cv && covered(cv, s, e)) {
      /* an earlier rule found it */
    } else if (e > s) {
      /* a line repeating one pair (password=X password=X ...) is judged
       * once: the same value in the same surroundings gets the same
       * answer (in a log: source files read more around a value) */
      int ok;
      if (judged != SIZE_MAX && m->input == LM_INPUT_LOG &&
          same_surroundings(text, len, judged, judged_end, s, e)) {
        ok = judged_ok;
      } else {
        ok = accept_secret(m, r, text, len, s, e);
        judged = s;
        judged_end = e;
        judged_ok = ok;
      }
      if (ok && fn(ctx, s, e))
        return -1;
    }
    size_t next = me > ms ? me : me + 1;
    off = e > next ? e : next;
  }
  return 0;
}

typedef struct add_ctx {
  lm_lctx *lc;
  const lm_view *v;
  uint32_t rule;
  int origin;
} add_ctx;

static int add_found(void *vctx, size_t s, size_t e) {
  add_ctx *a = vctx;
  return lm_span_add_view(a->lc, a->v, s, e, a->rule, 0, a->origin);
}

int lm_scan_rules(lm_masker *m, const lm_view *v, const lm_cands *c) {
  /* in the line's own view a span is the match itself */
  cover cv = {&m->lc, 0, {0}};
  int raw = v->text == m->lc.line && v->nsegs == 1 && !v->segs[0].map &&
            v->segs[0].rs == 0 && v->segs[0].vs == 0;
  for (size_t i = 0; i < c->n && !m->lc.limit; i++) {
    /* an opener that stays (block-open: keep) is the block machine's */
    if (m->set->rules[c->v[i]].block_keep_opener)
      continue;
    add_ctx a = {&m->lc, v, c->v[i], LM_ORIGIN_RULE};
    size_t before = m->lc.spans.n;
    int rc = rule_matches(m, c->v[i], v, add_found, &a, raw ? &cv : NULL);
    if (rc < 0 || m->lc.oom)
      return -1;
    if (rc > 0)
      m->lc.limit = 1;
    if (raw && m->lc.spans.n > before && cv.nruns < COVER_RUNS) {
      cv.at[cv.nruns++] = before;
      cv.at[cv.nruns] = m->lc.spans.n;
    }
  }
  return 0;
}
