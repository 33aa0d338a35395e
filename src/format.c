/* Format selection, dispatch to the handlers (fmt_*.c), and what the
 * handlers share: per-masker buffers, masks written into a quoted or JSON
 * context, spans kept inside quoted values. */
#include "fmt.h"
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  int format;
} formats[] = {{"auto", LM_FMT_AUTO},
               {"text", LM_FMT_TEXT},
               {"json", LM_FMT_JSON},
               {"logfmt", LM_FMT_LOGFMT},
               {"syslog", LM_FMT_SYSLOG}};

static const char *const label_ids[LM_NLABELS] = {
    [LM_LABEL_JSON_KEY] = "json-sensitive-key",
    [LM_LABEL_LOGFMT_KEY] = "logfmt-sensitive-key",
    [LM_LABEL_SYSLOG_KEY] = "syslog-sensitive-key",
    [LM_LABEL_LIMIT] = "match-limit",
    [LM_LABEL_JSON_DEPTH] = "json-depth-limit"};

lm_status lm_masker_set_format(lm_masker *m, const char *format) {
  if (!m || !format)
    return LM_ERR_ARG;
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(format, formats[i].name) == 0) {
      m->format = formats[i].format;
      return LM_OK;
    }
  return LM_SET_ERR(m, LM_ERR_ARG, NULL, 0, 0,
                    "unknown format '%s' (auto, text, json, logfmt, syslog)", format);
}

struct lm_fmt_state *lm_fmt_state(lm_masker *m) {
  if (!m->fmt)
    m->fmt = calloc(1, sizeof *m->fmt);
  return m->fmt;
}

void lm_fmt_state_free(struct lm_fmt_state *st) {
  if (!st)
    return;
  lm_buf_wipe_free(&st->view);
  lm_buf_wipe_free(&st->str);
  lm_buf_wipe_free(&st->mask);
  free(st->view_map.v);
  free(st->str_map.v);
  free(st->json_ev);
  free(st->pairs);
  free(st);
}

lm_qregion *lm_fmt_regions(struct lm_fmt_state *st, size_t n) {
  if (n > st->pairscap) {
    size_t cap = st->pairscap ? st->pairscap : 16;
    while (cap < n)
      cap *= 2;
    lm_qregion *p = realloc(st->pairs, cap * sizeof *p);
    if (!p)
      return NULL;
    st->pairs = p;
    st->pairscap = cap;
  }
  return st->pairs;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    need = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F; /* no UTF-16 surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (n < need || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < need; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return need;
}

int lm_json_escape(lm_buf *out, const char *str, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
      run++;
    if (lm_buf_append(out, s + i, run - i))
      return -1;
    i = run;
    if (i == n)
      break;
    unsigned c = s[i];
    char esc[7] = {'\\', 0};
    size_t elen = 2;
    if (c >= 0x80) {
      size_t ul = utf8_len(s + i, n - i);
      if (ul) {
        if (lm_buf_append(out, s + i, ul))
          return -1;
        i += ul;
        continue;
      }
      /* a byte that is not UTF-8 (a mask keeping part of a character):
       * the replacement character keeps the output valid JSON */
      memcpy(esc, "\\ufffd", 6);
      elen = 6;
    } else if (c == '"' || c == '\\') {
      esc[1] = (char)c;
    } else if (c == '\n') {
      esc[1] = 'n';
    } else if (c == '\r') {
      esc[1] = 'r';
    } else if (c == '\t') {
      esc[1] = 't';
    } else {
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      elen = 6;
    }
    if (lm_buf_append(out, esc, elen))
      return -1;
    i++;
  }
  return 0;
}

static int put_escaped(lm_buf *out, const char *s, size_t n, lm_esc esc) {
  if (esc == LM_ESC_RAW)
    return lm_buf_append(out, s, n);
  if (esc == LM_ESC_JSON)
    return lm_json_escape(out, s, n);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if ((c == '"' || c == '\\' || (c == ']' && esc == LM_ESC_SD)) && lm_buf_putc(out, '\\'))
      return -1;
    if (lm_buf_putc(out, c))
      return -1;
  }
  return 0;
}

static int put(lm_masker *m, const lm_maskspec *spec, const char *id, const char *secret,
               size_t len, lm_esc esc, lm_buf *out, int *drop) {
  struct lm_fmt_state *st = lm_fmt_state(m);
  if (!st)
    return -1;
  if (spec->kind == LM_MASK_DROP)
    *drop = 1;
  lm_buf_clear(&st->mask);
  if (lm_mask_secret(m->set, spec, id, secret, len, &st->mask))
    return -1;
  return put_escaped(out, st->mask.data ? st->mask.data : "", st->mask.len, esc);
}

int lm_fmt_put_label(lm_masker *m, int label, const char *secret, size_t len, lm_esc esc,
                     lm_buf *out, int *drop) {
  return put(m, &m->set->default_mask, label_ids[label], secret, len, esc, out, drop);
}

int lm_fmt_put_mask(lm_masker *m, const lm_span *sp, const char *secret, size_t len,
                    lm_esc esc, lm_buf *out, int *drop) {
  if (sp->rule == LM_LITERAL_RULE && sp->literal >= LM_FMT_LABEL(LM_NLABELS - 1))
    return lm_fmt_put_label(m, (int)(LM_FMT_LABEL(0) - sp->literal), secret, len, esc, out,
                            drop);
  return put(m, lm_rule_mask(m->set, sp->rule), lm_span_label(m->set, sp, NULL, 0), secret,
             len, esc, out, drop);
}

/* A block opener found inside a view covers the view to its end marker:
 * the whole key when a PEM block sits in one JSON string with \n escapes. */
static void extend_blocks(lm_masker *m, const char *text, size_t len, size_t from) {
  for (size_t i = from; i < m->nspans; i++) {
    lm_span *sp = &m->spans[i];
    if (sp->rule == LM_LITERAL_RULE || !m->set->rules[sp->rule].block_end)
      continue;
    int rc = pcre2_match(m->set->rules[sp->rule].block_end, (PCRE2_SPTR)text, len, sp->end, 0,
                         m->md, m->mctx);
    size_t end = rc >= 0 ? pcre2_get_ovector_pointer(m->md)[1] : len;
    if (end > sp->end)
      sp->end = end;
  }
}

int lm_fmt_scan_view(lm_masker *m, const char *text, size_t len, int decode) {
  int block_rule = m->block_rule;
  unsigned block_lines = m->block_lines;
  size_t from = m->nspans;
  int rc = lm_scan_append(m, text, len);
  if (rc == 0 && decode)
    rc = lm_decode_append(m, text, len);
  if (rc == 0)
    extend_blocks(m, text, len, from);
  /* a view is one value: it never opens a block over the next lines */
  m->block_rule = block_rule;
  m->block_lines = block_lines;
  return rc;
}

int lm_fmt_scan(lm_masker *m, const char *text, size_t len) {
  return lm_fmt_scan_view(m, text, len, 1);
}

/* Which region holds offset p (regions sorted), or -1. */
static long region_at(const lm_qregion *q, size_t nq, size_t p) {
  size_t lo = 0, hi = nq;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (q[mid].end <= p)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < nq && q[lo].start <= p && p < q[lo].end ? (long)lo : -1;
}

void lm_fmt_fit_spans(lm_masker *m, const lm_qregion *q, size_t nq) {
  if (!nq || !m->nspans)
    return;
  size_t n = m->nspans;
  /* pieces are appended after the originals, then moved down */
  for (size_t i = 0; i < n; i++) {
    lm_span sp = m->spans[i];
    size_t s = sp.start;
    /* first region whose closing quote is at or after s */
    size_t lo = 0, hi = nq;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (q[mid].end < s)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t r = lo; r < nq && s < sp.end; r++) {
      size_t open = q[r].start - 1, close = q[r].end;
      if (open >= sp.end)
        break;
      /* cut out the quote bytes: the mask never eats a delimiter */
      if (s < open) {
        if (lm_add_span(m, s, open, sp.rule, sp.literal))
          goto oom;
        s = open + 1;
      } else if (s == open) {
        s = open + 1;
      }
      size_t e = sp.end < close ? sp.end : close;
      if (s < e && lm_add_span(m, s, e, sp.rule, sp.literal))
        goto oom;
      s = e < close ? e : close + 1;
    }
    if (s < sp.end && lm_add_span(m, s, sp.end, sp.rule, sp.literal))
      goto oom;
  }
  memmove(m->spans, m->spans + n, (m->nspans - n) * sizeof *m->spans);
  m->nspans -= n;
  return;
oom:
  /* keep the unsplit spans: the line is still masked, maybe less neatly */
  m->nspans = n;
}

int lm_fmt_render(lm_masker *m, const char *line, size_t len, const lm_qregion *q, size_t nq,
                  lm_esc esc, lm_buf *out, int *drop) {
  size_t pos = 0;
  *drop = 0;
  for (size_t i = 0; i < m->nspans; i++) {
    const lm_span *sp = &m->spans[i];
    lm_esc e = region_at(q, nq, sp->start) >= 0 ? esc : LM_ESC_RAW;
    if (lm_buf_append(out, line + pos, sp->start - pos) ||
        lm_fmt_put_mask(m, sp, line + sp->start, sp->end - sp->start, e, out, drop))
      return -1;
    pos = sp->end;
  }
  return lm_buf_append(out, line + pos, len - pos);
}

int lm_fmt_finish(lm_masker *m, const char *line, size_t len, const lm_qregion *q,
                  size_t nq, lm_esc esc, lm_buf *out, unsigned *nsecrets) {
  if (!m->nspans)
    return 1;
  lm_merge_spans(m);
  lm_fmt_fit_spans(m, q, nq);
  int drop = 0;
  if (lm_fmt_render(m, line, len, q, nq, esc, out, &drop))
    return -1;
  *nsecrets = (unsigned)m->nspans;
  return drop ? 2 : 1;
}


static int detect(const char *line, size_t len) {
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (i == len)
    return LM_FMT_TEXT;
  if (line[i] == '{')
    return LM_FMT_JSON;
  if (i == 0 && lm_fmt_is_syslog(line, len))
    return LM_FMT_SYSLOG;
  if (lm_fmt_is_logfmt(line + i, len - i))
    return LM_FMT_LOGFMT;
  return LM_FMT_TEXT;
}

static int format_mask(lm_masker *m, const char *line, size_t len, lm_buf *out,
                       unsigned *nsecrets) {
  *nsecrets = 0;
  /* Inside (or opening) a multi-line block the engine decides line by
   * line; a base64 body line must not be read as logfmt. */
  if (m->block_rule >= 0)
    return 0;
  int f = m->format == LM_FMT_AUTO ? detect(line, len) : m->format;
  if (f == LM_FMT_TEXT)
    return 0; /* no handler: the engine's text path decides alone */
  /* Most lines hold no keyword, no known secret, no sensitive key name and
   * nothing encoded: no handler could change them, so they skip parsing.
   * (A key or secret hidden behind an escape is why encodings go the long
   * way.)  Names count only where a handler masks by name: JSON, logfmt
   * and RFC 5424 structured data, not RFC 3164 lines. */
  const unsigned char *u = (const unsigned char *)line;
  if (!lm_has_encoding(line, len)) {
    if (f == LM_FMT_JSON ? lm_suffix_any(m->set->key_names_json, u, len)
                         : (f != LM_FMT_SYSLOG || lm_fmt_syslog_has_params(line, len)) &&
                               lm_suffix_any(m->set->key_names, u, len))
      goto handle;
    /* A keyword alone is not enough: a rule whose other required bytes
     * are missing cannot match here, nor in any part of the line a
     * handler would scan.  The text path reuses these candidates. */
    int rc = lm_prescan(m, line, len);
    if (rc <= 0)
      return rc < 0 ? -1 : 1;
  }
handle:;
  int rc;
  switch (f) {
  case LM_FMT_JSON:
    rc = lm_fmt_json(m, line, len, out, nsecrets);
    break;
  case LM_FMT_LOGFMT:
    rc = lm_fmt_logfmt(m, line, len, out, nsecrets);
    break;
  case LM_FMT_SYSLOG:
    rc = lm_fmt_syslog(m, line, len, out, nsecrets);
    break;
  default:
    return 0;
  }
  /* A block opener in a handled line (a PEM header in a syslog message):
   * enter the block now, as the text path does at the end of its line. */
  if (rc > 0 && m->block_rule >= 0 && (m->block_rule & 0x40000000)) {
    m->block_rule &= ~0x40000000;
    m->block_lines = 0;
    m->totals.blocks++;
  }
  return rc;
}

int lm_format_mask(lm_masker *m, const char *line, size_t len, lm_buf *out,
                   unsigned *nsecrets) {
  int rc = format_mask(m, line, len, out, nsecrets);
  /* The candidates lm_prescan kept are for the text path of this very
   * line, which follows only when 0 is returned.  Otherwise they must not
   * outlive the call: a buffer reused at the same address and length (the
   * stream's pending line, then a long line's first window) would take
   * them for its own and skip its scan. */
  if (rc != 0)
    m->pre_ready = 0;
  return rc;
}
