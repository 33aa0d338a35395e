/* SPDX-License-Identifier: Apache-2.0 */
/* logfmt / key=value records: `key=value`, `key="quoted \"value\""` and
 * bare keys.  The rules read the record as text (it is its own pairs
 * view, and a line that only starts like logfmt keeps its other quoting);
 * here the values of sensitive keys are masked whole, the quotes around a
 * value are never masked and masks inside them are escaped, quoted values
 * that hold a record (JSON) are queued for their handler, and the values
 * are the block machine's contents. */
#include "internal.h"
#include <string.h>

/* Blanks end a bare value; a line break inside a record (decoded from a
 * JSON string) too. */
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Index of the quote closing the value opened at l[q], or 0. */
static size_t close_quote(const char *l, size_t q, size_t end) {
  for (size_t i = q + 1; i < end; i++) {
    if (l[i] == '\\')
      i++;
    else if (l[i] == l[q])
      return i;
  }
  return 0;
}

typedef struct pair {
  size_t ks, ke, vs, ve;
  int quoted;  /* '"' or '\'' around the value, else 0 */
  size_t json; /* where JSON starts in a bare key or value, or NO_JSON */
} pair;
#define NO_JSON ((size_t)-1)

/* Where JSON starts in the bare token [s, e) (`{"` or `{'`, blanks
 * between), or NO_JSON. */
static size_t json_in(const char *l, size_t s, size_t e, size_t end) {
  for (const char *b = memchr(l + s, '{', e - s); b; b = memchr(b + 1, '{', e - (size_t)(b + 1 - l)))
    if (lm_json_opens(l, end, (size_t)(b - l)))
      return (size_t)(b - l);
  return NO_JSON;
}

/* The next pair at *i: 1 found, 0 at the end, -1 when the record is not
 * logfmt (a key starting with '"' or '=', an unclosed quote, text glued
 * to a closing quote).  A bare token where JSON starts ends the pairs:
 * p->json is set, and 2 returned when the token is no pair's value
 * (`level=info msg=login {"user":"bob"}`). */
static int next_pair(const char *l, size_t end, size_t *i, pair *p) {
  for (;;) {
    while (*i < end && is_blank(l[*i]))
      (*i)++;
    if (*i == end)
      return 0;
    size_t ks = *i;
    while (*i < end && !is_blank(l[*i]) && l[*i] != '=' && l[*i] != '"')
      (*i)++;
    size_t ke = *i;
    if ((p->json = json_in(l, ks, ke, end)) != NO_JSON)
      return 2;
    if (*i == ks)
      return -1;
    if (*i == end || l[*i] != '=') {
      if (*i < end && l[*i] == '"')
        return -1;
      continue; /* a bare key */
    }
    (*i)++;
    int quoted = *i < end && (l[*i] == '"' || l[*i] == '\'') ? l[*i] : 0;
    size_t vs, ve, close = quoted ? close_quote(l, *i, end) : 0;
    /* single quotes are no logfmt, but shells and Python's repr write
     * them (password='two words'): a value they close is what they hold,
     * an unclosed one is a bare value */
    if (quoted == '\'' && (!close || (close + 1 < end && !is_blank(l[close + 1]))))
      quoted = 0;
    if (quoted) {
      if (!close || (close + 1 < end && !is_blank(l[close + 1])))
        return -1;
      vs = *i + 1;
      ve = close;
      *i = close + 1;
    } else {
      vs = *i;
      while (*i < end && !is_blank(l[*i]))
        (*i)++;
      ve = *i;
    }
    *p = (pair){ks, ke, vs, ve, quoted, quoted ? NO_JSON : json_in(l, vs, ve, end)};
    return 1;
  }
}

#define PAIRS_MAX 32

/* `key=value; key=value` of up to PAIRS_MAX pairs with quoted values
 * unquoted where they need no quotes (`code="1234"` reads `code=1234`),
 * for rules written for the bare form. */
static int pairs_view(lm_fmt_env *env, const lm_view *rec, const pair *p, lm_view *const *vals,
                      size_t n) {
  lm_piece pc[4 * PAIRS_MAX];
  size_t np = 0;
  for (size_t i = 0; i < n; i++) {
    if (i)
      pc[np++] = (lm_piece){NULL, "; ", 2, 0};
    pc[np++] = (lm_piece){NULL, rec->text + p[i].ks, p[i].ke - p[i].ks, 0};
    pc[np++] = (lm_piece){NULL, "=", 1, 0};
    pc[np++] = (lm_piece){vals[i], NULL, 0, lm_view_needs_quotes(vals[i])};
  }
  lm_view *v = lm_view_join(env->lc, pc, np, LM_VIEW_PAIR, rec->depth);
  return !v || LM_VEC_PUSH(env->lc, env->lc->views, v) ? -1 : 0;
}

int lm_fmt_logfmt(lm_fmt_env *env, lm_view *rec) {
  lm_lctx *lc = env->lc;
  const char *l = rec->text;
  size_t end = rec->len && l[rec->len - 1] == '\r' ? rec->len - 1 : rec->len, i = 0;
  pair p;
  int rc;
  /* the whole record must be logfmt (up to JSON) before anything is added */
  while ((rc = next_pair(l, end, &i, &p)) > 0 && p.json == NO_JSON)
    ;
  if (rc < 0)
    return 1;
  pair pairs[PAIRS_MAX];
  lm_view *vals[PAIRS_MAX];
  size_t n = 0;
  int quoted = 0;
  i = 0;
  while ((rc = next_pair(l, end, &i, &p)) > 0) {
    if (rc == 2)
      break;
    lm_view *val;
    if (p.quoted == '\'') {
      if (lm_region_add_view(lc, rec, p.vs - 1, p.vs, LM_REG_STRUCT, 0) ||
          lm_region_add_view(lc, rec, p.ve, p.ve + 1, LM_REG_STRUCT, 0))
        return -1;
      val = lm_view_slice(lc, rec, p.vs, p.ve, 0);
    } else if (p.quoted) {
      if (lm_region_add_view(lc, rec, p.vs - 1, p.vs, LM_REG_STRUCT, 0) ||
          lm_region_add_view(lc, rec, p.ve, p.ve + 1, LM_REG_STRUCT, 0) ||
          lm_region_add_view(lc, rec, p.vs, p.ve, LM_REG_CONTENT, LM_ESC_QUOTED))
        return -1;
      val = lm_fmt_string_view(env, rec, p.vs, p.ve, LM_ESC_QUOTED);
    } else {
      val = lm_view_slice(lc, rec, p.vs, p.ve, 0);
    }
    if (!val)
      return -1;
    val->path = l + p.ks;
    val->pathlen = (uint32_t)(p.ke - p.ks);
    /* a quoted value is also read alone, as the text it is (a rule
     * anchored at its start, a value that must not run into the quote) */
    if ((env->contents && LM_VEC_PUSH(lc, lc->contents, val)) ||
        (p.quoted && (LM_VEC_PUSH(lc, lc->views, val) || lm_fmt_maybe_record(env, val))))
      return -1;
    if (env->keys && lm_key_is_sensitive(env->set, l + p.ks, p.ke - p.ks) &&
        !lm_key_value_is_benign(l + p.ks, p.ke - p.ks, val->text, val->len, env->code ? 2 : 1) &&
        lm_span_add_view(lc, rec, p.vs, p.ve, lm_label(env->set, LM_LBL_LOGFMT_KEY), 0,
                         LM_ORIGIN_LABEL))
      return -1;
    /* the record reads differently with a value unquoted: `code="1234"` */
    quoted |= p.quoted == '"' && !lm_view_needs_quotes(val);
    if (n == PAIRS_MAX) {
      if (quoted && pairs_view(env, rec, pairs, vals, n))
        return -1;
      n = 0;
    }
    pairs[n] = p;
    vals[n++] = val;
    if (p.json != NO_JSON)
      break;
  }
  /* JSON behind the pairs: its own record (what follows it, its tail) */
  if (rc > 0 && p.json != NO_JSON && lm_fmt_json_behind(lc, rec, p.json, 0))
    return -1;
  /* the record as written is its own pairs view when nothing is quoted */
  return quoted && n && pairs_view(env, rec, pairs, vals, n) ? -1 : 0;
}
