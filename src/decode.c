/* Encoded views of a line (see internal.h): secrets written as
 * percent-encoding (p%40ss%2Fword) or backslash escapes (\u0041KIA, \/,
 * \n-escaped keys) are matched on the decoded text, and the mask covers the
 * encoded bytes of the original.  Runs on every line: two memchr-driven
 * checks decide, and the buffers are the masker's, reused. */
#include "fmt.h"
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

static int has_percent(const char *t, size_t len) {
  const char *p = t, *end = t + len;
  while ((p = memchr(p, '%', (size_t)(end - p)))) {
    if (end - p >= 3 && hex2(p + 1) >= 0)
      return 1;
    p++;
  }
  return 0;
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

static int has_escape(const char *t, size_t len) {
  const char *p = t, *end = t + len;
  while ((p = memchr(p, '\\', (size_t)(end - p)))) {
    if (escape_at(p, end))
      return 1;
    p++;
  }
  return 0;
}

int lm_has_encoding(const char *text, size_t len) {
  return has_percent(text, len) || has_escape(text, len);
}

/* Both decoders only shrink text, so len bytes of room suffice. */
static int reserve(lm_buf *dst, lm_map *map, size_t len) {
  if (lm_buf_reserve(dst, len + 1))
    return -1;
  if (map->len + len > map->cap) {
    size_t cap = map->cap ? map->cap : 256;
    while (cap < map->len + len)
      cap *= 2;
    uint32_t *v = realloc(map->v, cap * sizeof *v);
    if (!v)
      return -1;
    map->v = v;
    map->cap = cap;
  }
  return 0;
}

static inline void put(lm_buf *dst, lm_map *map, char c, size_t from) {
  dst->data[dst->len++] = c;
  map->v[map->len++] = (uint32_t)from;
}

static void put_run(lm_buf *dst, lm_map *map, const char *src, size_t a, size_t b) {
  memcpy(dst->data + dst->len, src + a, b - a);
  dst->len += b - a;
  for (size_t i = a; i < b; i++)
    map->v[map->len++] = (uint32_t)i;
}

static void put_utf8(lm_buf *dst, lm_map *map, unsigned long cp, size_t from) {
  if (cp < 0x80) {
    put(dst, map, (char)cp, from);
  } else if (cp < 0x800) {
    put(dst, map, (char)(0xC0 | (cp >> 6)), from);
    put(dst, map, (char)(0x80 | (cp & 0x3F)), from);
  } else if (cp < 0x10000) {
    put(dst, map, (char)(0xE0 | (cp >> 12)), from);
    put(dst, map, (char)(0x80 | ((cp >> 6) & 0x3F)), from);
    put(dst, map, (char)(0x80 | (cp & 0x3F)), from);
  } else {
    put(dst, map, (char)(0xF0 | (cp >> 18)), from);
    put(dst, map, (char)(0x80 | ((cp >> 12) & 0x3F)), from);
    put(dst, map, (char)(0x80 | ((cp >> 6) & 0x3F)), from);
    put(dst, map, (char)(0x80 | (cp & 0x3F)), from);
  }
}

int lm_unescape(lm_buf *dst, lm_map *map, const char *src, size_t len) {
  if (reserve(dst, map, len))
    return -1;
  const char *end = src + len;
  size_t i = 0;
  while (i < len) {
    const char *bs = memchr(src + i, '\\', len - i);
    size_t stop = bs ? (size_t)(bs - src) : len;
    put_run(dst, map, src, i, stop);
    i = stop;
    if (i == len)
      break;
    if (!escape_at(src + i, end)) {
      put(dst, map, '\\', i++);
      continue;
    }
    char c = src[i + 1];
    switch (c) {
    case 'b': put(dst, map, '\b', i); break;
    case 'f': put(dst, map, '\f', i); break;
    case 'n': put(dst, map, '\n', i); break;
    case 'r': put(dst, map, '\r', i); break;
    case 't': put(dst, map, '\t', i); break;
    case 'x':
      put(dst, map, (char)hex2(src + i + 2), i);
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
      put_utf8(dst, map, cp, i);
      i += used;
      continue;
    }
    default: put(dst, map, c, i); break; /* \" \\ \/ \' */
    }
    i += 2;
  }
  return 0;
}

static int unpercent(lm_buf *dst, lm_map *map, const char *src, size_t len) {
  if (reserve(dst, map, len))
    return -1;
  size_t i = 0;
  while (i < len) {
    const char *pc = memchr(src + i, '%', len - i);
    size_t stop = pc ? (size_t)(pc - src) : len;
    put_run(dst, map, src, i, stop);
    i = stop;
    if (i == len)
      break;
    int v = len - i >= 3 ? hex2(src + i + 1) : -1;
    if (v < 0) {
      put(dst, map, '%', i++);
    } else {
      put(dst, map, (char)v, i);
      i += 3;
    }
  }
  return 0;
}

void lm_map_span(const lm_map *map, size_t srclen, size_t *start, size_t *end) {
  size_t s = *start, e = *end, n = map->len;
  *start = s < n ? map->v[s] : srclen;
  /* an end inside the bytes of one escape moves past the whole escape */
  while (e > 0 && e < n && map->v[e] == map->v[e - 1])
    e++;
  *end = e < n ? map->v[e] : srclen;
}

/* Forgets the counts of a view span that the plain scan already had. */
static void uncount(lm_masker *m, const lm_span *sp, size_t declen) {
  if (sp->rule == LM_LITERAL_RULE) {
    if (m->totals.literal_matches)
      m->totals.literal_matches--;
  } else {
    lm_rule_stats *rs = &m->rstats[sp->rule];
    if (rs->matches)
      rs->matches--;
    rs->bytes_masked -= rs->bytes_masked >= declen ? declen : rs->bytes_masked;
  }
}

typedef int (*decode_fn)(lm_buf *dst, lm_map *map, const char *src, size_t len);

static int scan_view(lm_masker *m, struct lm_fmt_state *st, const char *text, size_t len,
                     decode_fn decode) {
  lm_buf_clear(&st->view);
  st->view_map.len = 0;
  if (decode(&st->view, &st->view_map, text, len))
    return -1;
  size_t n0 = m->nspans;
  if (lm_fmt_scan_view(m, st->view.data, st->view.len, 0))
    return -1;
  size_t w = n0;
  for (size_t i = n0; i < m->nspans; i++) {
    lm_span sp = m->spans[i];
    size_t declen = sp.end - sp.start;
    lm_map_span(&st->view_map, len, &sp.start, &sp.end);
    int dup = 0;
    for (size_t j = 0; j < n0 && !dup; j++)
      dup = m->spans[j].start == sp.start && m->spans[j].end == sp.end &&
            m->spans[j].rule == sp.rule && m->spans[j].literal == sp.literal;
    if (dup)
      uncount(m, &sp, declen);
    else
      m->spans[w++] = sp;
  }
  m->nspans = w;
  return 0;
}

int lm_decode_append(lm_masker *m, const char *text, size_t len) {
  if (len == 0 || len > UINT32_MAX)
    return 0;
  int pct = has_percent(text, len), esc = has_escape(text, len);
  if (!pct && !esc)
    return 0;
  struct lm_fmt_state *st = lm_fmt_state(m);
  if (!st)
    return -1;
  if (pct && scan_view(m, st, text, len, unpercent))
    return -1;
  if (esc && scan_view(m, st, text, len, lm_unescape))
    return -1;
  return 0;
}
