/* logfmt / key=value lines: `key=value`, `key="quoted \"value\""` and bare
 * keys.  The whole line goes through the text rules (they need the key as
 * context); values of sensitive keys are masked whole; masks stay inside
 * the quotes they fall in and are escaped there, so quoting survives. */
#include "fmt.h"
#include <ctype.h>
#include <string.h>

typedef struct pair_ctx {
  lm_masker *m;
  struct lm_fmt_state *st;
  lm_qregion *q; /* quoted values, grown in st */
  size_t nq;
  int oom;
} pair_ctx;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* End of the quoted value opened at l[q] (index of the closing quote), or 0
 * when it does not close. */
static size_t close_quote(const char *l, size_t q, size_t end) {
  for (size_t i = q + 1; i < end; i++) {
    if (l[i] == '\\')
      i++;
    else if (l[i] == '"')
      return i;
  }
  return 0;
}

/* Walks the pairs: the first walk records the quoted values, the second
 * (`second`) adds the spans of sensitive keys' values.  0 when the line is
 * logfmt, -1 when not (a key starting with '"' or '=', an unclosed quote,
 * text glued to a closing quote). */
static int walk(const char *l, size_t len, pair_ctx *c, int second) {
  size_t end = len && l[len - 1] == '\r' ? len - 1 : len, i = 0;
  for (;;) {
    while (i < end && is_blank(l[i]))
      i++;
    if (i == end)
      return 0;
    size_t ks = i;
    while (i < end && !is_blank(l[i]) && l[i] != '=' && l[i] != '"')
      i++;
    if (i == ks)
      return -1;
    size_t ke = i;
    if (i == end || l[i] != '=') {
      if (i < end && l[i] == '"')
        return -1;
      continue; /* a bare key */
    }
    i++;
    size_t vs, ve;
    int quoted = i < end && l[i] == '"';
    if (quoted) {
      size_t close = close_quote(l, i, end);
      if (!close || (close + 1 < end && !is_blank(l[close + 1])))
        return -1;
      vs = i + 1;
      ve = close;
      i = close + 1;
    } else {
      vs = i;
      while (i < end && !is_blank(l[i]))
        i++;
      ve = i;
    }
    if (!second) {
      if (quoted) {
        if (!(c->q = lm_fmt_regions(c->st, c->nq + 1))) {
          c->oom = 1;
          return 0;
        }
        c->q[c->nq++] = (lm_qregion){vs, ve, 0};
      }
    } else if (lm_key_is_sensitive(c->m->set, l + ks, ke - ks) &&
               !lm_key_value_is_placeholder(l + vs, ve - vs) &&
               lm_add_span(c->m, vs, ve, LM_LITERAL_RULE,
                               LM_FMT_LABEL(LM_LABEL_LOGFMT_KEY))) {
      c->oom = 1;
      return 0;
    }
  }
}

int lm_fmt_is_logfmt(const char *l, size_t len) {
  size_t i = 0;
  if (!len || !(isalpha((unsigned char)l[0]) || l[0] == '_'))
    return 0;
  while (i < len && (isalnum((unsigned char)l[i]) || l[i] == '_' || l[i] == '.' || l[i] == '-'))
    i++;
  return i < len && l[i] == '=';
}

int lm_fmt_logfmt(lm_masker *m, const char *line, size_t len, lm_buf *out,
                  unsigned *nsecrets) {
  struct lm_fmt_state *st = lm_fmt_state(m);
  if (!st)
    return -1;
  pair_ctx c = {.m = m, .st = st};
  if (walk(line, len, &c, 0)) {
    m->totals.format_fallbacks++;
    return 0;
  }
  if (c.oom)
    return -1;
  if (lm_collect_spans(m, line, len))
    return -1;
  if (m->limit_hit)
    return 0; /* the engine masks the line whole */
  walk(line, len, &c, 1);
  if (c.oom)
    return -1;
  return lm_fmt_finish(m, line, len, c.q, c.nq, LM_ESC_QUOTED, out, nsecrets);
}
