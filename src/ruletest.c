/* SPDX-License-Identifier: Apache-2.0 */
/* Inline rule tests: each `match` line must be masked by its rule alone at
 * exactly the marked spans, each `nomatch` line left alone, and a match
 * line must hold one of the rule's keywords (else the prefilter would
 * never run the rule on it).  Every test also runs wrapped the ways logs
 * carry text: as a JSON string, a logfmt quoted value and a syslog
 * message; a test that is one `KEY=VALUE` (or `KEY: VALUE`) pair also as
 * that pair in JSON (flat, nested, a name/value list), logfmt and RFC 5424
 * structured data.  The line path is the one lm_masker_line runs. */
#include "internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int has_keyword(const lm_rule *r, const char *line, size_t len) {
  for (size_t k = 0; k < r->nkeywords; k++) {
    const char *kw = lm_kw_text(r->keywords[k]);
    int cased = lm_kw_cased(r->keywords[k]);
    size_t kl = strlen(kw);
    for (size_t i = 0; i + kl <= len; i++)
      if (cased ? memcmp(line + i, kw, kl) == 0 : strncasecmp(line + i, kw, kl) == 0)
        return 1;
  }
  return 0;
}

/* A test line carried inside something: the text, the format to read it
 * in, and where each byte of the test line landed (pos[i] for byte i,
 * pos[len] its end). */
typedef struct wrapped {
  lm_buf text;
  size_t *pos;
  const char *name;
  const char *format;
} wrapped;

enum { W_PLAIN, W_JSON, W_LOGFMT, W_SYSLOG, W_PAIR_JSON, W_PAIR_NESTED, W_PAIR_LIST,
       W_PAIR_LOGFMT, W_PAIR_SD, W_COUNT };

static int put_text(wrapped *w, const char *s) { return lm_buf_append(&w->text, s, strlen(s)); }

/* Appends src[a..b) escaped for esc (0: as is), recording positions. */
static int put_mapped(wrapped *w, const char *src, size_t a, size_t b, int esc) {
  for (size_t i = a; i < b; i++) {
    w->pos[i] = w->text.len;
    if (esc == LM_ESC_JSON) {
      if (lm_json_escape(&w->text, src + i, 1))
        return -1;
    } else {
      if (esc && (src[i] == '"' || src[i] == '\\' || (esc == LM_ESC_SD && src[i] == ']')) &&
          lm_buf_putc(&w->text, '\\'))
        return -1;
      if (lm_buf_putc(&w->text, src[i]))
        return -1;
    }
  }
  w->pos[b] = w->text.len;
  return 0;
}

/* `KEY=VALUE` / `KEY: VALUE` as a whole line: the key [*ks, *ke) and the
 * value [*vs, *ve) (quotes around it left out). */
static int one_pair(const char *l, size_t n, size_t *ks, size_t *ke, size_t *vs, size_t *ve) {
  size_t i = 0;
  while (i < n && l[i] == ' ')
    i++;
  *ks = i;
  if (i == n || !(isalpha((unsigned char)l[i]) || l[i] == '_'))
    return 0;
  while (i < n && (isalnum((unsigned char)l[i]) || l[i] == '_' || l[i] == '.' || l[i] == '-'))
    i++;
  *ke = i;
  while (i < n && l[i] == ' ')
    i++;
  if (i == n || (l[i] != '=' && l[i] != ':'))
    return 0;
  i++;
  while (i < n && l[i] == ' ')
    i++;
  size_t e = n;
  while (e > i && l[e - 1] == ' ')
    e--;
  if (e - i >= 2 && (l[i] == '"' || l[i] == '\'') && l[e - 1] == l[i]) {
    i++;
    e--;
  }
  if (e <= i)
    return 0;
  for (size_t k = i; k < e; k++)
    if (l[k] == '"' || l[k] == '\'' || l[k] == ' ' || l[k] == '\\')
      return 0; /* values with quotes or blanks change meaning when moved */
  *vs = i;
  *ve = e;
  return 1;
}

/* Builds wrapper `kind` of test line t into w.  0 built, 1 not for this
 * test, -1 OOM. */
static int wrap(int kind, const lm_rule_test *t, wrapped *w) {
  const char *l = t->line;
  size_t n = t->len, ks, ke, vs, ve;
  lm_buf_clear(&w->text);
  for (size_t i = 0; i <= n; i++)
    w->pos[i] = (size_t)-1;
  w->format = "auto";
  switch (kind) {
  case W_PLAIN:
    w->name = NULL;
    return put_mapped(w, l, 0, n, 0);
  case W_JSON:
    w->name = "as a JSON string";
    return put_text(w, "{\"msg\":\"") || put_mapped(w, l, 0, n, LM_ESC_JSON) ||
                   put_text(w, "\",\"level\":\"info\"}")
               ? -1
               : 0;
  case W_LOGFMT:
    w->name = "as a logfmt value";
    return put_text(w, "level=info msg=\"") || put_mapped(w, l, 0, n, LM_ESC_QUOTED) ||
                   put_text(w, "\"")
               ? -1
               : 0;
  case W_SYSLOG:
    w->name = "as a syslog message";
    return put_text(w, "<134>1 2024-05-01T10:22:13.123Z web-1 app 4242 - - ") ||
                   put_mapped(w, l, 0, n, 0)
               ? -1
               : 0;
  }
  /* the pair forms: only a test that is one pair, whose marked span (if
   * any) is its whole value */
  if (!one_pair(l, n, &ks, &ke, &vs, &ve))
    return 1;
  if (t->expect_match && (t->nspans != 1 || t->spans[0] != vs || t->spans[1] != ve))
    return 1;
  switch (kind) {
  case W_PAIR_JSON:
    w->name = "as a JSON pair";
    return put_text(w, "{\"") || put_mapped(w, l, ks, ke, LM_ESC_JSON) || put_text(w, "\":\"") ||
                   put_mapped(w, l, vs, ve, LM_ESC_JSON) || put_text(w, "\"}")
               ? -1
               : 0;
  case W_PAIR_NESTED:
    w->name = "as a nested JSON pair";
    return put_text(w, "{\"app\":{\"config\":{\"") || put_mapped(w, l, ks, ke, LM_ESC_JSON) ||
                   put_text(w, "\":\"") || put_mapped(w, l, vs, ve, LM_ESC_JSON) ||
                   put_text(w, "\"}},\"ok\":true}")
               ? -1
               : 0;
  case W_PAIR_LIST:
    w->name = "as a name/value list";
    return put_text(w, "{\"env\":[{\"name\":\"HOME\",\"value\":\"/root\"},{\"name\":\"") ||
                   put_mapped(w, l, ks, ke, LM_ESC_JSON) || put_text(w, "\",\"value\":\"") ||
                   put_mapped(w, l, vs, ve, LM_ESC_JSON) || put_text(w, "\"}]}")
               ? -1
               : 0;
  case W_PAIR_LOGFMT:
    w->name = "as a logfmt pair";
    return put_text(w, "level=info ") || put_mapped(w, l, ks, ke, 0) || put_text(w, "=\"") ||
                   put_mapped(w, l, vs, ve, LM_ESC_QUOTED) || put_text(w, "\" user=bob")
               ? -1
               : 0;
  case W_PAIR_SD:
    w->name = "as a structured-data parameter";
    return put_text(w, "<134>1 2024-05-01T10:22:13.123Z web-1 app 4242 - [cfg@32473 ") ||
                   put_mapped(w, l, ks, ke, 0) || put_text(w, "=\"") ||
                   put_mapped(w, l, vs, ve, LM_ESC_SD) || put_text(w, "\"] reloaded")
               ? -1
               : 0;
  }
  return 1;
}

static void describe(const lm_lctx *lc, const char *line, char *out, size_t cap) {
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < lc->spans.n && o < cap; i++)
    o += (size_t)snprintf(out + o, cap - o, "%s[[%.*s]]", i ? " " : "",
                          (int)(lc->spans.v[i].end - lc->spans.v[i].start),
                          line + lc->spans.v[i].start);
  if (lc->spans.n == 0)
    snprintf(out, cap, "nothing");
}

/* Runs one test in one wrapping; NULL when it passes, else why not. */
static const char *run(lm_masker *m, uint32_t ri, const lm_rule_test *t, const wrapped *w,
                       int *oom) {
  m->only_rule = (int)ri;
  lm_masker_set_format(m, w->format);
  lm_masker_reset(m);
  unsigned flags;
  if (lm_line_spans(m, w->text.data ? w->text.data : "", w->text.len, 0, &flags)) {
    *oom = 1;
    return NULL;
  }
  lm_lctx *lc = &m->lc;
  if (flags & LM_LINE_LIMIT)
    return "regex hit the match limit";
  /* what would be masked: quotes and punctuation of a record never are */
  if (lm_spans_fit(lc)) {
    *oom = 1;
    return NULL;
  }
  if (!t->expect_match)
    return lc->spans.n ? "nomatch line was masked" : NULL;
  int ok = lc->spans.n == t->nspans;
  for (size_t i = 0; ok && i < t->nspans; i++)
    ok = lc->spans.v[i].start == w->pos[t->spans[2 * i]] &&
         lc->spans.v[i].end == w->pos[t->spans[2 * i + 1]];
  return ok ? NULL : "masked spans differ from the [[marked]] ones";
}

lm_status lm_ruleset_test(const lm_ruleset *set, size_t *run_count, size_t *failed) {
  if (!set || !set->compiled)
    return LM_ERR_STATE;
  lm_masker *m = lm_masker_new(set);
  if (!m)
    return LM_ERR_NOMEM;
  size_t nrun = 0, nfail = 0;
  int oom = 0;
  wrapped w = {0};
  char got[512];
  for (size_t ri = 0; ri < set->nmatch && !oom; ri++) {
    const lm_rule *r = &set->rules[ri];
    for (size_t ti = 0; ti < r->ntests && !oom; ti++) {
      const lm_rule_test *t = &r->tests[ti];
      size_t *pos = realloc(w.pos, (t->len + 1) * sizeof *pos);
      if (!pos) {
        oom = 1;
        break;
      }
      w.pos = pos;
      nrun++;
      int test_failed = 0;
      for (int kind = 0; kind < W_COUNT && !oom; kind++) {
        int rc = wrap(kind, t, &w);
        if (rc < 0)
          oom = 1;
        if (rc)
          continue;
        const char *why = NULL;
        if (kind == W_PLAIN && t->expect_match && !has_keyword(r, t->line, t->len))
          why = "line holds none of the rule's keywords, so the rule would never run on it";
        else
          why = run(m, (uint32_t)ri, t, &w, &oom);
        if (why && !oom) {
          test_failed = 1;
          describe(&m->lc, w.text.data, got, sizeof got);
          lm_diag(set, LM_DIAG_ERROR, "%s:%lu: rule %s: %s%s%s%s; masked: %s", r->origin,
                  t->lineno, r->id, w.name ? "(" : "", w.name ? w.name : "",
                  w.name ? ") " : "", why, got);
        }
      }
      nfail += test_failed;
    }
  }
  free(w.pos);
  lm_buf_wipe_free(&w.text);
  lm_masker_free(m);
  if (oom)
    return LM_ERR_NOMEM;
  if (run_count)
    *run_count = nrun;
  if (failed)
    *failed = nfail;
  return nfail ? LM_ERR_TEST : LM_OK;
}
