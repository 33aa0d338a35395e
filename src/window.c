/* SPDX-License-Identifier: Apache-2.0 */
/* Lines longer than the stream's limit, read in windows that overlap so
 * that a secret with the context its rule needs is found across a cut.
 * Memory stays bounded by the window, and nothing is passed unread:
 *  - each window goes the line path as text (rules, literals, decoded
 *    forms, the block machine: a body line over the limit is masked as
 *    block content);
 *  - a JSON or logfmt record keeps its sensitive keys: a small tracker
 *    follows strings, keys and nesting from one window to the next and
 *    masks the values of sensitive keys whole;
 *  - a secret the window's end cuts goes on in the next window up to the
 *    end of its token, even where no rule sees its context there;
 *  - with a "drop" mask in effect the whole line is dropped: part of it
 *    would already be written when the secret shows. */
#include "internal.h"
#include <string.h>

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void json_key_done(lm_masker *m, lm_track *t) {
  t->sens_next = lm_key_is_sensitive(m->set, t->key, t->keylen);
}

/* Walks text[0..len) from state t: spans of sensitive values into m->lc
 * (with `add`).  0 or -1 (OOM). */
static int track_json(lm_masker *m, lm_track *t, const char *s, size_t len, int add) {
  lm_lctx *lc = &m->lc;
  uint32_t label = lm_label(m->set, LM_LBL_JSON_KEY);
  size_t open_at = t->sens ? 0 : (size_t)-1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (t->in_str) {
      if (t->esc) {
        t->esc = 0;
      } else if (c == '\\') {
        t->esc = 1;
      } else if (c == '"') {
        t->in_str = 0;
        if (t->is_key) {
          json_key_done(m, t);
        } else if (t->sens && !t->sens_depth) {
          if (add && lm_span_add_raw(lc, open_at, i, label, 0, LM_ORIGIN_LABEL))
            return -1;
          t->sens = 0;
          open_at = (size_t)-1;
        }
        continue;
      }
      if (t->is_key && t->keylen < sizeof t->key)
        t->key[t->keylen++] = c;
      continue;
    }
    if (t->sens && !t->sens_depth && !t->in_str && (c == ',' || c == '}' || c == ']' || blank(c))) {
      /* the end of a number or literal under a sensitive key */
      if (add && lm_span_add_raw(lc, open_at, i, label, 0, LM_ORIGIN_LABEL))
        return -1;
      t->sens = 0;
      open_at = (size_t)-1;
    }
    switch (c) {
    case '"':
      t->in_str = 1;
      t->is_key = t->depth && t->depth <= sizeof t->stack && t->stack[t->depth - 1] == '{' &&
                  t->want_key;
      if (t->is_key) {
        t->keylen = 0;
      } else if (t->sens_next && !t->sens_depth) {
        t->sens = 1;
        open_at = i + 1;
      }
      if (!t->is_key)
        t->sens_next = 0;
      break;
    case '{':
    case '[':
      if (t->sens_next && !t->sens_depth) {
        t->sens_depth = (uint16_t)(t->depth + 1);
        open_at = i;
      }
      t->sens_next = 0;
      if (t->depth < sizeof t->stack)
        t->stack[t->depth] = (uint8_t)c;
      t->depth++;
      t->want_key = c == '{';
      break;
    case '}':
    case ']':
      if (t->depth)
        t->depth--;
      if (t->sens_depth && t->depth < t->sens_depth) {
        if (add && lm_span_add_raw(lc, open_at, i + 1, label, 0, LM_ORIGIN_LABEL))
          return -1;
        t->sens_depth = 0;
        open_at = (size_t)-1;
      }
      t->want_key = 0;
      break;
    case ':':
      t->want_key = 0;
      break;
    case ',':
      t->want_key = t->depth && t->depth <= sizeof t->stack && t->stack[t->depth - 1] == '{';
      t->sens_next = 0;
      break;
    default:
      if (!blank(c) && t->sens_next && !t->sens_depth) {
        t->sens = 1; /* a number or literal */
        t->sens_next = 0;
        open_at = i;
      }
      break;
    }
  }
  /* a value still open at the window's end is masked to it */
  if (add && open_at != (size_t)-1 && lm_span_add_raw(lc, open_at, len, label, 0, LM_ORIGIN_LABEL))
    return -1;
  return 0;
}

static int track_logfmt(lm_masker *m, lm_track *t, const char *s, size_t len, int add) {
  lm_lctx *lc = &m->lc;
  uint32_t label = lm_label(m->set, LM_LBL_LOGFMT_KEY);
  size_t open_at = t->sens ? 0 : (size_t)-1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (t->in_value) {
      int end;
      if (t->in_str) {
        if (t->esc) {
          t->esc = 0;
          continue;
        }
        if (c == '\\') {
          t->esc = 1;
          continue;
        }
        end = c == '"';
      } else {
        end = blank(c);
      }
      if (!end)
        continue;
      if (t->sens && add && lm_span_add_raw(lc, open_at, i, label, 0, LM_ORIGIN_LABEL))
        return -1;
      t->sens = t->in_value = t->in_str = 0;
      t->keylen = 0;
      open_at = (size_t)-1;
      continue;
    }
    if (c == '=') {
      t->in_value = 1;
      t->sens = lm_key_is_sensitive(m->set, t->key, t->keylen);
      t->in_str = i + 1 < len && s[i + 1] == '"';
      if (t->in_str)
        i++;
      open_at = i + 1;
    } else if (blank(c)) {
      t->keylen = 0;
    } else if (t->keylen < sizeof t->key) {
      t->key[t->keylen++] = c;
    }
  }
  if (add && t->sens && open_at != (size_t)-1 &&
      lm_span_add_raw(lc, open_at, len, label, 0, LM_ORIGIN_LABEL))
    return -1;
  return 0;
}

typedef struct pair_add {
  lm_lctx *lc;
  uint32_t label;
} pair_add;

static int add_pair(void *ctx, const char *key, size_t klen, size_t s, size_t e) {
  (void)key;
  (void)klen;
  pair_add *a = ctx;
  return lm_span_add_raw(a->lc, s, e, a->label, 0, LM_ORIGIN_LABEL);
}

static int track(lm_masker *m, lm_track *t, const char *s, size_t len, int add) {
  /* pairs in any syntax: JSON in a JSON string (Docker's "log"), JSON
   * behind a prefix (CRI), RFC 5424 structured data */
  pair_add pa = {&m->lc, lm_label(m->set, LM_LBL_LOGFMT_KEY)};
  if (lm_pairs_scan(m->set, &t->pairs, s, len, add ? add_pair : NULL, &pa))
    return -1;
  if (t->kind == 0) {
    size_t at;
    int f = m->format == LM_FMT_AUTO ? lm_detect(s, len, &at) : m->format;
    t->kind = f == LM_FMT_JSON ? 1 : f == LM_FMT_LOGFMT ? 2 : 3;
  }
  if (t->kind == 1)
    return track_json(m, t, s, len, add);
  if (t->kind == 2)
    return track_logfmt(m, t, s, len, add);
  return 0;
}

/* The end of the token a cut secret goes on with in the next window. */
static size_t token_end(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && !blank(s[i]) && s[i] != '"' && s[i] != '\'' && s[i] != ',' && s[i] != '&' &&
         !(s[i] == '\\' && i + 1 < len && s[i + 1] == '"'))
    i++;
  return i;
}

int lm_window(lm_masker *m, const char *text, size_t len, size_t overlap, int last,
              lm_track *t, size_t *emit) {
  lm_lctx *lc = &m->lc;
  const lm_ruleset *set = m->set;
  *emit = last ? len : len - overlap;
  if (set->any_drop) {
    lm_buf_clear(&m->out); /* the whole line goes: nothing written */
    return 0;
  }
  int format = m->format;
  m->format = LM_FMT_TEXT;
  unsigned flags;
  int rc = lm_line_spans(m, text, len, 0, &flags);
  m->format = format;
  /* the tracker's spans from this window's start state; its state then
   * moves only as far as the window is cut (below) */
  const lm_track start = *t;
  if (rc == 0 && !(flags & LM_LINE_LIMIT)) {
    lm_track probe = start;
    rc = track(m, &probe, text, len, 1);
    if (rc == 0 && start.carry)
      rc = lm_span_add_raw(lc, 0, token_end(text, len), start.carry_label, start.carry_literal,
                           LM_ORIGIN_RULE);
    if (rc == 0)
      lm_spans_merge(lc);
  }
  size_t cut = *emit;
  if (rc == 0 && (flags & LM_LINE_LIMIT)) {
    /* masked whole up to the cut: no rule could be vouched for */
    lc->spans.n = 0;
    rc = lm_span_add_raw(lc, 0, cut, lm_label(set, LM_LBL_LIMIT), 0, LM_ORIGIN_LITERAL);
  }
  if (rc) {
    /* fail closed: the window whole */
    static const char mask[] = "[REDACTED:out-of-memory]";
    *emit = len;
    m->totals.limit_trips++;
    lm_buf_clear(&m->out);
    return lm_buf_append(&m->out, mask, sizeof mask - 1);
  }
  /* a secret across the cut, or after it, moves the cut to its end: it
   * was found with its context (a key before the cut), which the next
   * window may not hold */
  size_t keep = lc->spans.n;
  for (size_t i = 0; i < lc->spans.n; i++)
    if (lc->spans.v[i].end > cut)
      cut = lc->spans.v[i].end;
  *emit = cut;
  lm_line_count(m, flags);
  lm_track moved = start;
  if (track(m, &moved, text, cut, 0))
    return -1;
  /* cut by the window's end, the secret may go on in the next one */
  moved.carry = !last && keep && cut == len && lc->spans.v[keep - 1].end == len;
  if (moved.carry) {
    moved.carry_label = lc->spans.v[keep - 1].label;
    moved.carry_literal = lc->spans.v[keep - 1].literal;
  }
  *t = moved;
  lc->len = cut;
  int drop;
  return lm_render_line(m, &drop, NULL, 0);
}
