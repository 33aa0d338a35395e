/* SPDX-License-Identifier: Apache-2.0 */
/* Decoders of encoded text (decode.h).  Each only shrinks its input, so
 * the output is reserved once at the input's length. */
#include "config.h"
#include "decode.h"
#include <stdlib.h>
#include <string.h>

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int hex2(const char *s) {
  int a = hexval((unsigned char)s[0]), b = hexval((unsigned char)s[1]);
  return a < 0 || b < 0 ? -1 : a * 16 + b;
}

static long hex4(const char *s) {
  int a = hex2(s), b = hex2(s + 2);
  return a < 0 || b < 0 ? -1 : (long)a * 256 + b;
}

/* A backslash that starts an escape a log writer would have produced. */
static int escape_at(const char *p, const char *end) {
  if (end - p < 2)
    return 0;
  switch (p[1]) {
  case '"': case '\\': case '/': case '\'': case 'b': case 'f': case 'n': case 'r': case 't':
    return 1;
  case 'u':
    return end - p >= 6 && hex4(p + 2) >= 0;
  case 'x':
    return end - p >= 4 && hex2(p + 2) >= 0;
  default:
    return 0;
  }
}

/* "&name;" or "&#N;" / "&#xH;" at p: its length, or 0. */
static const struct {
  const char *name;
  size_t len;
  char c;
} entities[] = {{"quot", 4, '"'},  {"amp", 3, '&'},    {"lt", 2, '<'},    {"gt", 2, '>'},
                {"apos", 4, '\''}, {"equals", 6, '='}, {"colon", 5, ':'}, {"sol", 3, '/'},
                {"num", 3, '#'},   {"percnt", 6, '%'}, {"plus", 4, '+'},  {"nbsp", 4, ' '}};

static size_t entity_at(const char *p, const char *end, unsigned long *cp) {
  size_t n = (size_t)(end - p);
  if (n < 4 || p[0] != '&')
    return 0;
  /* most '&' join query parameters: an entity ends in ';' within 10 */
  if (!memchr(p + 2, ';', n - 2 < 9 ? n - 2 : 9))
    return 0;
  if (p[1] == '#') {
    size_t i = 2;
    int hex = i < n && (p[i] == 'x' || p[i] == 'X');
    i += (size_t)hex;
    unsigned long v = 0;
    size_t digits = 0;
    while (i < n && digits < 7) {
      int d = hex ? hexval((unsigned char)p[i]) : (p[i] >= '0' && p[i] <= '9' ? p[i] - '0' : -1);
      if (d < 0)
        break;
      v = v * (hex ? 16 : 10) + (unsigned long)d;
      i++;
      digits++;
    }
    if (!digits || i >= n || p[i] != ';' || v == 0 || v > 0x10FFFF)
      return 0;
    *cp = v;
    return i + 1;
  }
  for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
    size_t l = entities[k].len;
    if (n >= l + 2 && memcmp(p + 1, entities[k].name, l) == 0 && p[l + 1] == ';') {
      *cp = (unsigned char)entities[k].c;
      return l + 2;
    }
  }
  return 0;
}

unsigned lm_encodings(const char *t, size_t len) {
  unsigned enc = 0;
  const char *end = t + len, *p;
  for (p = t; (p = memchr(p, '%', (size_t)(end - p))); p++)
    if (end - p >= 3 && hex2(p + 1) >= 0) {
      enc |= LM_ENC_PERCENT;
      break;
    }
  for (p = t; (p = memchr(p, '\\', (size_t)(end - p))); p++)
    if (escape_at(p, end)) {
      enc |= LM_ENC_BACKSLASH;
      break;
    }
  unsigned long cp;
  for (p = t; (p = memchr(p, '&', (size_t)(end - p))); p++)
    if (entity_at(p, end, &cp)) {
      enc |= LM_ENC_HTML;
      break;
    }
  return enc;
}

int lm_hides_letters(const char *p, size_t n, unsigned enc) {
  return (enc & (LM_ENC_PERCENT | LM_ENC_HTML)) ||
         ((enc & LM_ENC_BACKSLASH) && (memmem(p, n, "\\u", 2) || memmem(p, n, "\\x", 2)));
}

static int reserve(lm_buf *dst, lm_pmap *pm, size_t len) {
  lm_buf_clear(dst);
  if (lm_buf_reserve(dst, len + 1))
    return -1;
  if (len + 1 > pm->cap) {
    size_t cap = pm->cap ? pm->cap : 256;
    while (cap < len + 1)
      cap *= 2;
    uint32_t *v = malloc(cap * sizeof *v);
    if (!v)
      return -1;
    free(pm->v); /* offsets only, no secret bytes */
    pm->v = v;
    pm->cap = cap;
  }
  return 0;
}

static inline void put(lm_buf *dst, lm_pmap *pm, char c, size_t from) {
  pm->v[dst->len] = (uint32_t)from;
  dst->data[dst->len++] = c;
}

static void put_run(lm_buf *dst, lm_pmap *pm, const char *src, size_t a, size_t b) {
  memcpy(dst->data + dst->len, src + a, b - a);
  for (size_t i = a; i < b; i++)
    pm->v[dst->len++] = (uint32_t)i;
}

/* A code point as UTF-8, every byte from source offset `from`.  Only
 * called where the escape is at least as long as its UTF-8 form. */
static void put_utf8(lm_buf *dst, lm_pmap *pm, unsigned long cp, size_t from) {
  if (cp < 0x80) {
    put(dst, pm, (char)cp, from);
  } else if (cp < 0x800) {
    put(dst, pm, (char)(0xC0 | (cp >> 6)), from);
    put(dst, pm, (char)(0x80 | (cp & 0x3F)), from);
  } else if (cp < 0x10000) {
    put(dst, pm, (char)(0xE0 | (cp >> 12)), from);
    put(dst, pm, (char)(0x80 | ((cp >> 6) & 0x3F)), from);
    put(dst, pm, (char)(0x80 | (cp & 0x3F)), from);
  } else {
    put(dst, pm, (char)(0xF0 | (cp >> 18)), from);
    put(dst, pm, (char)(0x80 | ((cp >> 12) & 0x3F)), from);
    put(dst, pm, (char)(0x80 | ((cp >> 6) & 0x3F)), from);
    put(dst, pm, (char)(0x80 | (cp & 0x3F)), from);
  }
}

int lm_unescape(const char *src, size_t len, lm_buf *dst, lm_pmap *pm) {
  if (reserve(dst, pm, len))
    return -1;
  const char *end = src + len;
  size_t i = 0;
  while (i < len) {
    const char *bs = memchr(src + i, '\\', len - i);
    size_t stop = bs ? (size_t)(bs - src) : len;
    put_run(dst, pm, src, i, stop);
    i = stop;
    if (i == len)
      break;
    if (!escape_at(src + i, end)) {
      put(dst, pm, '\\', i++);
      continue;
    }
    char c = src[i + 1];
    switch (c) {
    case 'b': put(dst, pm, '\b', i); break;
    case 'f': put(dst, pm, '\f', i); break;
    case 'n': put(dst, pm, '\n', i); break;
    case 'r': put(dst, pm, '\r', i); break;
    case 't': put(dst, pm, '\t', i); break;
    case 'x':
      put(dst, pm, (char)hex2(src + i + 2), i);
      i += 4;
      continue;
    case 'u': {
      unsigned long cp = (unsigned long)hex4(src + i + 2);
      size_t used = 6;
      if (cp >= 0xD800 && cp < 0xDC00 && len - i >= 12 && src[i + 6] == '\\' &&
          src[i + 7] == 'u') {
        long lo = hex4(src + i + 8);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
          used = 12;
        }
      }
      put_utf8(dst, pm, cp, i);
      i += used;
      continue;
    }
    default: put(dst, pm, c, i); break; /* \" \\ \/ \' */
    }
    i += 2;
  }
  return 0;
}

static int unpercent(const char *src, size_t len, lm_buf *dst, lm_pmap *pm) {
  if (reserve(dst, pm, len))
    return -1;
  size_t i = 0;
  while (i < len) {
    const char *pc = memchr(src + i, '%', len - i);
    size_t stop = pc ? (size_t)(pc - src) : len;
    put_run(dst, pm, src, i, stop);
    i = stop;
    if (i == len)
      break;
    int v = len - i >= 3 ? hex2(src + i + 1) : -1;
    if (v < 0) {
      put(dst, pm, '%', i++);
    } else {
      put(dst, pm, (char)v, i);
      i += 3;
    }
  }
  return 0;
}

static int unentity(const char *src, size_t len, lm_buf *dst, lm_pmap *pm) {
  if (reserve(dst, pm, len))
    return -1;
  const char *end = src + len;
  size_t i = 0;
  while (i < len) {
    const char *amp = memchr(src + i, '&', len - i);
    size_t stop = amp ? (size_t)(amp - src) : len;
    put_run(dst, pm, src, i, stop);
    i = stop;
    if (i == len)
      break;
    unsigned long cp;
    size_t n = entity_at(src + i, end, &cp);
    if (!n) {
      put(dst, pm, '&', i++);
      continue;
    }
    put_utf8(dst, pm, cp, i); /* "&#N;" is 4+ bytes, UTF-8 at most 4 */
    i += n;
  }
  return 0;
}

int lm_decode(unsigned enc, const char *src, size_t len, lm_buf *dst, lm_pmap *pm) {
  switch (enc) {
  case LM_ENC_PERCENT: return unpercent(src, len, dst, pm);
  case LM_ENC_BACKSLASH: return lm_unescape(src, len, dst, pm);
  case LM_ENC_HTML: return unentity(src, len, dst, pm);
  }
  return -1;
}

void lm_pmap_free(lm_pmap *p) {
  free(p->v);
  p->v = NULL;
  p->cap = 0;
}
