/* JSON lines.  yajl parses (and validates) the line; its callbacks follow
 * along the raw bytes with a cursor, so every string and every value under
 * a sensitive key is known by its byte offsets.  Only after the whole line
 * parsed are the strings scanned (after decoding their escapes) and the
 * changed ones re-written: every other byte of the line is copied as is, so
 * key order, numbers, whitespace and untouched escapes stay byte-exact. */
#include "fmt.h"
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* Deeper lines are masked whole (fail closed), counted in limit_trips. */
#define JSON_MAX_DEPTH LM_JSON_MAX_DEPTH

enum { EV_STR, EV_KEY, EV_SENS_STR, EV_SENS_RAW };
enum { FAIL_NONE, FAIL_DESYNC, FAIL_DEPTH, FAIL_NOMEM };

typedef struct jev {
  size_t start, end; /* the token, quotes included */
  unsigned char kind;
  unsigned char escaped; /* the string holds backslash escapes */
} jev;

typedef struct jctx {
  lm_masker *m;
  struct lm_fmt_state *st;
  const char *line;
  size_t len, cur;
  unsigned depth;
  int pending;          /* the next value belongs to a sensitive key */
  int region;           /* inside a container under a sensitive key */
  unsigned region_depth;
  size_t region_start;
  size_t nev;
  int fail;
} jctx;

static int push(jctx *c, size_t start, size_t end, int kind, int escaped) {
  struct lm_fmt_state *st = c->st;
  if (c->nev == st->json_evcap) {
    size_t cap = st->json_evcap ? st->json_evcap * 2 : 64;
    jev *ev = realloc(st->json_ev, cap * sizeof *ev);
    if (!ev) {
      c->fail = FAIL_NOMEM;
      return 0;
    }
    st->json_ev = ev;
    st->json_evcap = cap;
  }
  ((jev *)st->json_ev)[c->nev++] = (jev){start, end, (unsigned char)kind, (unsigned char)escaped};
  return 1;
}

/* Moves the cursor over whitespace (as yajl's lexer knows it) and the
 * separators yajl reports no event for. */
static void skip(jctx *c) {
  while (c->cur < c->len) {
    switch (c->line[c->cur]) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': case ':': case ',':
      c->cur++;
      continue;
    }
    return;
  }
}

static int desync(jctx *c) {
  c->fail = FAIL_DESYNC;
  return 0;
}

/* The raw string token at the cursor: [*start, cursor). */
static int string_token(jctx *c, size_t *start) {
  skip(c);
  if (c->cur >= c->len || c->line[c->cur] != '"')
    return desync(c);
  *start = c->cur;
  const char *p = c->line + c->cur + 1, *end = c->line + c->len;
  for (;;) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q)
      return desync(c);
    size_t bs = 0;
    while (q - bs > p && q[-1 - (long)bs] == '\\')
      bs++;
    if (bs % 2 == 0) {
      c->cur = (size_t)(q - c->line) + 1;
      return 1;
    }
    p = q + 1;
  }
}

static int on_scalar(jctx *c, size_t start, int is_number) {
  int sens = c->pending;
  c->pending = 0;
  if (c->region || !sens || !is_number)
    return 1;
  return push(c, start, c->cur, EV_SENS_RAW, 0);
}

static int cb_null(void *ctx) {
  jctx *c = ctx;
  skip(c);
  size_t start = c->cur;
  if (c->len - c->cur < 4 || memcmp(c->line + c->cur, "null", 4) != 0)
    return desync(c);
  c->cur += 4;
  return on_scalar(c, start, 0);
}

static int cb_boolean(void *ctx, int value) {
  jctx *c = ctx;
  skip(c);
  size_t start = c->cur, n = value ? 4 : 5;
  if (c->len - c->cur < n || memcmp(c->line + c->cur, value ? "true" : "false", n) != 0)
    return desync(c);
  c->cur += n;
  return on_scalar(c, start, 0);
}

static int cb_number(void *ctx, const char *s, size_t n) {
  jctx *c = ctx;
  skip(c);
  size_t start = c->cur;
  if (c->len - c->cur < n || memcmp(c->line + c->cur, s, n) != 0)
    return desync(c);
  c->cur += n;
  return on_scalar(c, start, 1);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n) {
  (void)s;
  jctx *c = ctx;
  size_t start;
  if (!string_token(c, &start))
    return 0;
  int sens = c->pending;
  c->pending = 0;
  if (c->region)
    return 1;
  /* every escape is longer than what it decodes to */
  int escaped = c->cur - start - 2 != n;
  return push(c, start, c->cur, sens ? EV_SENS_STR : EV_STR, escaped);
}

static int cb_map_key(void *ctx, const unsigned char *key, size_t n) {
  jctx *c = ctx;
  size_t start;
  if (!string_token(c, &start))
    return 0;
  if (c->region)
    return 1;
  c->pending = lm_key_is_sensitive(c->m->set, (const char *)key, n);
  return push(c, start, c->cur, EV_KEY, c->cur - start - 2 != n);
}

static int open_container(jctx *c, char ch) {
  skip(c);
  if (c->cur >= c->len || c->line[c->cur] != ch)
    return desync(c);
  if (!c->region && c->pending) {
    c->region = 1;
    c->region_depth = c->depth;
    c->region_start = c->cur;
  }
  c->pending = 0;
  c->cur++;
  if (++c->depth > JSON_MAX_DEPTH) {
    c->fail = FAIL_DEPTH;
    return 0;
  }
  return 1;
}

static int close_container(jctx *c, char ch) {
  skip(c);
  if (c->cur >= c->len || c->line[c->cur] != ch)
    return desync(c);
  c->cur++;
  c->depth--;
  if (c->region && c->depth == c->region_depth) {
    c->region = 0;
    return push(c, c->region_start, c->cur, EV_SENS_RAW, 0);
  }
  return 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, '{'); }
static int cb_end_map(void *ctx) { return close_container(ctx, '}'); }
static int cb_start_array(void *ctx) { return open_container(ctx, '['); }
static int cb_end_array(void *ctx) { return close_container(ctx, ']'); }

static const yajl_callbacks callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array};

/* The decoded text of a string token (without quotes). */
static int decoded(jctx *c, const jev *ev, const char **text, size_t *len,
                   const lm_map **map) {
  const char *raw = c->line + ev->start + 1;
  size_t rawlen = ev->end - ev->start - 2;
  *map = NULL;
  if (!ev->escaped) {
    *text = raw;
    *len = rawlen;
    return 0;
  }
  struct lm_fmt_state *st = c->st;
  lm_buf_clear(&st->str);
  st->str_map.len = 0;
  if (lm_unescape(&st->str, &st->str_map, raw, rawlen))
    return -1;
  *text = st->str.data;
  *len = st->str.len;
  *map = &st->str_map;
  return 0;
}

/* Replaces the token of ev by a JSON string holding a mask label. */
static int replace_token(jctx *c, const jev *ev, int label, const char *secret, size_t n,
                         lm_buf *out, size_t *copied, int *drop) {
  if (lm_buf_append(out, c->line + *copied, ev->start - *copied) || lm_buf_putc(out, '"') ||
      lm_fmt_put_label(c->m, label, secret, n, LM_ESC_JSON, out, drop) ||
      lm_buf_putc(out, '"'))
    return -1;
  *copied = ev->end;
  return 0;
}

/* Scans one string; when it holds secrets, writes it with them masked.
 * Parts outside the masks keep their raw bytes, escapes included. */
static int mask_string(jctx *c, const jev *ev, lm_buf *out, size_t *copied, unsigned *n,
                       int *drop) {
  lm_masker *m = c->m;
  const char *text;
  size_t tlen;
  const lm_map *map;
  if (decoded(c, ev, &text, &tlen, &map))
    return -1;
  m->nspans = 0;
  m->limit_hit = 0;
  if (lm_fmt_scan(m, text, tlen))
    return -1;
  if (m->limit_hit) {
    /* cannot vouch for this string: it goes whole */
    m->totals.limit_trips++;
    (*n)++;
    return replace_token(c, ev, LM_LABEL_LIMIT, text, tlen, out, copied, drop);
  }
  if (!m->nspans)
    return 0;
  lm_merge_spans(m);
  const char *raw = c->line + ev->start + 1;
  size_t rawlen = ev->end - ev->start - 2, rawpos = 0;
  if (lm_buf_append(out, c->line + *copied, ev->start + 1 - *copied))
    return -1;
  for (size_t i = 0; i < m->nspans; i++) {
    const lm_span *sp = &m->spans[i];
    size_t rs = sp->start, re = sp->end;
    if (map)
      lm_map_span(map, rawlen, &rs, &re);
    if (rs < rawpos)
      rs = rawpos;
    if (lm_buf_append(out, raw + rawpos, rs - rawpos) ||
        lm_fmt_put_mask(m, sp, text + sp->start, sp->end - sp->start, LM_ESC_JSON, out, drop))
      return -1;
    if (re > rawpos)
      rawpos = re;
  }
  if (lm_buf_append(out, raw + rawpos, rawlen - rawpos))
    return -1;
  *copied = ev->end - 1; /* the closing quote */
  *n += (unsigned)m->nspans;
  return 0;
}

/* Too deep to vouch for: the whole line becomes one JSON string holding
 * the mask, so it stays valid JSON; blanks around it and a CR stay. */
static int mask_whole(lm_masker *m, const char *line, size_t len, lm_buf *out, int *drop) {
  size_t a = 0, b = len;
  if (b && line[b - 1] == '\r')
    b--;
  while (a < b && (line[a] == ' ' || line[a] == '\t'))
    a++;
  while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
    b--;
  lm_buf_clear(out);
  return lm_buf_append(out, line, a) || lm_buf_putc(out, '"') ||
                 lm_fmt_put_label(m, LM_LABEL_JSON_DEPTH, line + a, b - a, LM_ESC_JSON, out,
                                  drop) ||
                 lm_buf_putc(out, '"') || lm_buf_append(out, line + b, len - b)
             ? -1
             : 0;
}

int lm_fmt_json(lm_masker *m, const char *line, size_t len, lm_buf *out, unsigned *nsecrets) {
  size_t a = 0;
  while (a < len && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r'))
    a++;
  if (a == len)
    return 0; /* a blank line: nothing to parse */
  struct lm_fmt_state *st = lm_fmt_state(m);
  if (!st)
    return -1;
  jctx c = {.m = m, .st = st, .line = line, .len = len};
  yajl_handle h = yajl_alloc(&callbacks, NULL, &c);
  if (!h)
    return -1;
  yajl_status ys = yajl_parse(h, (const unsigned char *)line, len);
  if (ys == yajl_status_ok)
    ys = yajl_complete_parse(h);
  yajl_free(h);
  int drop = 0;
  if (ys != yajl_status_ok) {
    if (c.fail == FAIL_NOMEM)
      return -1;
    if (c.fail == FAIL_DEPTH) {
      m->totals.limit_trips++;
      *nsecrets = 1;
      if (mask_whole(m, line, len, out, &drop))
        return -1;
      return drop ? 2 : 1;
    }
    m->totals.format_fallbacks++;
    return 0;
  }
  /* yajl 2.1 takes an unterminated string after the value for input still
   * to come and calls the line complete: a tail like ` "password=x` would
   * go out unscanned.  Anything but blanks after the value: not JSON. */
  size_t tail = c.cur;
  while (tail < len && (line[tail] == ' ' || line[tail] == '\t' || line[tail] == '\n' ||
                        line[tail] == '\v' || line[tail] == '\f' || line[tail] == '\r'))
    tail++;
  if (tail != len) {
    m->totals.format_fallbacks++;
    return 0;
  }
  size_t copied = 0;
  unsigned n = 0;
  const jev *ev = st->json_ev;
  for (size_t i = 0; i < c.nev; i++) {
    const jev *e = &ev[i];
    int rc = 0;
    if (e->kind == EV_STR || e->kind == EV_KEY) {
      rc = mask_string(&c, e, out, &copied, &n, &drop);
    } else if (e->kind == EV_SENS_STR) {
      const char *text;
      size_t tlen;
      const lm_map *map;
      rc = decoded(&c, e, &text, &tlen, &map);
      if (rc == 0 && !lm_key_value_is_placeholder(text, tlen)) {
        rc = replace_token(&c, e, LM_LABEL_JSON_KEY, text, tlen, out, &copied, &drop);
        n++;
      } else if (rc == 0) {
        /* a placeholder-looking value still goes through the rules and
         * known literals, as every other string does */
        rc = mask_string(&c, e, out, &copied, &n, &drop);
      }
    } else {
      rc = replace_token(&c, e, LM_LABEL_JSON_KEY, line + e->start, e->end - e->start, out,
                         &copied, &drop);
      n++;
    }
    if (rc)
      return -1;
  }
  m->nspans = 0;
  if (n && lm_buf_append(out, line + copied, len - copied))
    return -1;
  *nsecrets = n;
  return n && drop ? 2 : 1;
}
