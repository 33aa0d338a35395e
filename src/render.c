/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering, once per line: the line with every fitted span replaced by
 * its mask, written for where it lands (escaped for each string it sits
 * in, innermost first; a whole token as a JSON string literal). */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

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

/* s[0..n) written as the inside of a quoted value of kind esc. */
static int escape_into(lm_buf *out, const char *s, size_t n, int esc) {
  if (esc == LM_ESC_JSON)
    return lm_json_escape(out, s, n);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (esc == LM_ESC_NAME) {
      if (lm_buf_putc(out, c == '=' || c == ']' || c == '"' || c == ' ' ? '_' : c))
        return -1;
      continue;
    }
    if ((c == '"' || c == '\\' || (c == ']' && esc == LM_ESC_SD)) && lm_buf_putc(out, '\\'))
      return -1;
    if (lm_buf_putc(out, c))
      return -1;
  }
  return 0;
}

/* The inverse, for the secret a mask is made from: what the bytes stand
 * for inside their string. */
static int unescape_into(lm_buf *out, const char *s, size_t n, int esc, lm_masker *m) {
  if (esc == LM_ESC_JSON) {
    if (lm_unescape(s, n, &m->dec, &m->pmap))
      return -1;
    return lm_buf_append(out, m->dec.data ? m->dec.data : "", m->dec.len);
  }
  for (size_t i = 0; i < n; i++) {
    if (esc != LM_ESC_NAME && s[i] == '\\' && i + 1 < n &&
        (s[i + 1] == '"' || s[i + 1] == '\\' || (esc == LM_ESC_SD && s[i + 1] == ']')))
      i++;
    if (lm_buf_putc(out, s[i]))
      return -1;
  }
  return 0;
}

const char *lm_label_name(const lm_ruleset *set, uint32_t label, uint32_t literal) {
  if (label == LM_LITERAL)
    return set->literals[literal].name;
  return set->rules[label].id;
}

/* One span's replacement into out. */
static int put_mask(lm_masker *m, const lm_span *sp, lm_buf *out, int *drop) {
  const lm_ruleset *set = m->set;
  const lm_maskspec *spec = lm_rule_mask(set, sp->label);
  if (spec->kind == LM_MASK_DROP)
    *drop = 1;
  /* the secret as its strings mean it, outermost layer first */
  lm_buf *a = &m->secret, *b = &m->mask2;
  lm_buf_clear(a);
  if (lm_buf_append(a, m->lc.line + sp->start, sp->end - sp->start))
    return -1;
  size_t nesc = sp->esc.n;
  for (size_t k = 0; k < nesc; k++) {
    lm_buf_clear(b);
    if (unescape_into(b, a->data ? a->data : "", a->len, sp->esc.e[k], m))
      return -1;
    lm_buf *t = a;
    a = b;
    b = t;
  }
  lm_buf_clear(&m->mask);
  if (lm_mask_secret(set, spec, lm_label_name(set, sp->label, sp->literal),
                     a->data ? a->data : "", a->len, &m->mask))
    return -1;
  /* then escaped for where it lands, innermost layer first */
  a = &m->mask;
  b = &m->secret;
  if (sp->quote) {
    lm_buf_clear(b);
    if (lm_buf_putc(b, '"') || lm_json_escape(b, a->data ? a->data : "", a->len) ||
        lm_buf_putc(b, '"'))
      return -1;
    lm_buf *t = a;
    a = b;
    b = t;
  }
  for (size_t k = nesc; k-- > 0;) {
    lm_buf_clear(b);
    if (escape_into(b, a->data ? a->data : "", a->len, sp->esc.e[k]))
      return -1;
    lm_buf *t = a;
    a = b;
    b = t;
  }
  int rc = lm_buf_append(out, a->data ? a->data : "", a->len);
  /* both scratch buffers held the secret */
  if (m->secret.data)
    explicit_bzero(m->secret.data, m->secret.len);
  if (m->mask2.data)
    explicit_bzero(m->mask2.data, m->mask2.len);
  return rc;
}

int lm_render_line(lm_masker *m, int *drop, size_t *at, size_t nat) {
  const lm_lctx *lc = &m->lc;
  lm_buf *out = &m->out;
  size_t pos = 0;
  *drop = 0;
  lm_buf_clear(out);
  for (size_t i = 0; i < nat; i++)
    at[i] = (size_t)-1;
  for (size_t i = 0; i < lc->spans.n; i++) {
    const lm_span *sp = &lc->spans.v[i];
    if (lm_buf_append(out, lc->line + pos, sp->start - pos))
      return -1;
    if (sp->src < nat && at[sp->src] == (size_t)-1)
      at[sp->src] = out->len;
    if (put_mask(m, sp, out, drop))
      return -1;
    pos = sp->end;
  }
  return lm_buf_append(out, lc->line + pos, lc->len - pos);
}
