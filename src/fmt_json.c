/* SPDX-License-Identifier: Apache-2.0 */
/* JSON records.  yajl parses (and validates) the record; its callbacks
 * follow along the text with a cursor, so every token is known by its
 * offsets.  Out come: regions (strings masked in place and escaped, a
 * number or a container under a sensitive key masked whole as a JSON
 * string, everything else never), the spans of sensitive keys' values,
 * views for the rules (`path=value` of each pair, `NAME=value` of
 * name/value objects and two-string arrays, an array of strings as argv),
 * the strings as block contents, and strings that hold records of their
 * own.  A record yajl refuses for Python's NaN/Infinity or a raw control
 * byte in a string is parsed again from a copy with those spelled as JSON
 * would, offsets unchanged; invalid UTF-8 is not checked at all. */
#include "internal.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>

#define JSON_MAX_DEPTH 128
#define PATH_MAX_LEN 256
#define LIST_MAX 32
#define OBJ_MAX 32

enum { FAIL_NONE, FAIL_DESYNC, FAIL_DEPTH, FAIL_NOMEM };

/* What an object or array being parsed has shown so far. */
typedef struct frame {
  uint8_t is_obj;
  uint8_t member;          /* the next value's key: 0 other, 1 a name, 2 a value */
  uint16_t path_len;       /* path length before this frame's current key */
  lm_view *name, *value;   /* name/value members (strings; value may be a number) */
  size_t value_a, value_b; /* the value's text [a, b) in the record */
  uint8_t value_str;
  uint8_t list_ok;         /* array: strings only so far */
  uint8_t nlist;
  size_t list_a[2], list_b[2]; /* text of the first two strings */
  uint8_t nmem;
  lm_view *mem[OBJ_MAX];   /* scalar members, for the object's view */
  lm_view *list[LIST_MAX];
} frame;

typedef struct jctx {
  lm_fmt_env *env;
  const lm_view *rec;
  const char *text;        /* what yajl reads (the record, or its lenient copy) */
  size_t len, cur;
  unsigned depth;
  int sens;                /* the next value belongs to a sensitive key */
  int member;              /* the next value's role in a name/value object */
  int has_key;             /* the next value is an object member */
  unsigned region_depth;   /* >0: inside a container masked whole */
  size_t region_start;
  char path[PATH_MAX_LEN];
  size_t path_len;
  frame *frames;
  int fail;
} jctx;

static int oom(jctx *c) {
  c->fail = FAIL_NOMEM;
  return 0;
}

/* Moves the cursor over whitespace (as yajl's lexer knows it) and the
 * separators yajl reports no event for. */
static void skip(jctx *c) {
  while (c->cur < c->len) {
    switch (c->text[c->cur]) {
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

/* The raw string token at the cursor: [*start, cursor), quotes included. */
static int string_token(jctx *c, size_t *start) {
  skip(c);
  if (c->cur >= c->len || c->text[c->cur] != '"')
    return desync(c);
  *start = c->cur;
  const char *p = c->text + c->cur + 1, *end = c->text + c->len;
  for (;;) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q)
      return desync(c);
    size_t bs = 0;
    while (q - bs > p && q[-1 - (long)bs] == '\\')
      bs++;
    if (bs % 2 == 0) {
      c->cur = (size_t)(q - c->text) + 1;
      return 1;
    }
    p = q + 1;
  }
}

static frame *top(jctx *c) { return c->depth ? &c->frames[c->depth - 1] : NULL; }

/* One `name=value` view (a name/value object, a two-string array). */
static int pair_view(jctx *c, const char *key, size_t klen, const lm_view *val) {
  lm_lctx *lc = c->env->lc;
  lm_piece pc[3] = {{NULL, key, klen, 0}, {NULL, "=", 1, 0},
                    {val, NULL, 0, lm_view_needs_quotes(val)}};
  lm_view *v = lm_view_join(lc, pc, 3, LM_VIEW_PAIR, c->rec->depth);
  if (!v)
    return oom(c);
  return LM_VEC_PUSH(lc, lc->views, v) ? oom(c) : 1;
}

/* The scalar members of an object as one view `path=value; path=value`:
 * a rule sees a pair with its key path and its siblings, as it would in a
 * text log. */
static int object_view(jctx *c, frame *f) {
  if (!f->nmem)
    return 1;
  lm_lctx *lc = c->env->lc;
  /* only where a keyword stands in a key (or across its '='): every
   * value is read alone as well */
  if (!lm_fmt_keys_have_keyword(c->env, f->mem, f->nmem)) {
    f->nmem = 0;
    return 1;
  }
  lm_piece pc[4 * OBJ_MAX];
  size_t np = 0;
  for (size_t i = 0; i < f->nmem; i++) {
    const lm_view *val = f->mem[i];
    if (i) /* as dicts print: `k=v; k=v` (a value never runs on into a key) */
      pc[np++] = (lm_piece){NULL, "; ", 2, 0};
    pc[np++] = (lm_piece){NULL, val->path, val->pathlen, 0};
    pc[np++] = (lm_piece){NULL, "=", 1, 0};
    pc[np++] = (lm_piece){val, NULL, 0, lm_view_needs_quotes(val)};
  }
  f->nmem = 0;
  lm_view *v = lm_view_join(lc, pc, np, LM_VIEW_PAIR, c->rec->depth);
  if (!v)
    return oom(c);
  return LM_VEC_PUSH(lc, lc->views, v) ? oom(c) : 1;
}

/* An array that is no list of strings after all: the strings kept for
 * its view are read alone instead. */
static int list_alone(jctx *c, frame *f) {
  lm_lctx *lc = c->env->lc;
  if (f->list_ok)
    for (size_t i = 0; i < f->nlist; i++)
      if (LM_VEC_PUSH(lc, lc->views, f->list[i]))
        return 0;
  f->list_ok = 0;
  f->nlist = 0;
  return 1;
}

static int sensitive_value(jctx *c, const lm_view *val, size_t a, size_t b, int token) {
  lm_lctx *lc = c->env->lc;
  if (!token && lm_key_value_is_placeholder(val->text, val->len))
    return 1;
  if (token && lm_region_add_view(lc, c->rec, a, b, LM_REG_TOKEN, 0))
    return oom(c);
  return lm_span_add_view(lc, c->rec, a, b, lm_label(c->env->set, LM_LBL_JSON_KEY), 0,
                          LM_ORIGIN_LABEL)
             ? oom(c)
             : 1;
}

/* A scalar value (string content [a, b) or number token [a, b)). */
static int on_value(jctx *c, size_t a, size_t b, int is_string) {
  lm_fmt_env *env = c->env;
  lm_lctx *lc = env->lc;
  int sens = c->sens, member = c->member, has_key = c->has_key;
  c->sens = c->member = c->has_key = 0;
  if (c->region_depth)
    return 1;
  lm_view *val;
  if (is_string) {
    if (lm_region_add_view(lc, c->rec, a, b, LM_REG_CONTENT, LM_ESC_JSON))
      return oom(c);
    val = lm_fmt_string_view(env, c->rec, a, b, LM_ESC_JSON);
  } else {
    if (lm_region_add_view(lc, c->rec, a, b, LM_REG_TOKEN, 0))
      return oom(c);
    val = lm_view_slice(lc, c->rec, a, b, 0);
  }
  if (!val)
    return oom(c);
  val->path = NULL;
  if (c->path_len) {
    char *p = lm_arena_alloc(&lc->arena, c->path_len);
    if (!p)
      return oom(c);
    memcpy(p, c->path, c->path_len);
    val->path = p;
    val->pathlen = (uint32_t)c->path_len;
  }
  /* a string is read alone; an array's strings in the array's view or
   * alone (below) */
  if (is_string && ((env->contents && LM_VEC_PUSH(lc, lc->contents, val)) ||
                    lm_fmt_maybe_record(env, val)))
    return oom(c);
  if (sens && !sensitive_value(c, val, a, b, !is_string))
    return 0;
  frame *f = top(c);
  if (has_key && f && f->is_obj) {
    if (f->nmem == OBJ_MAX && !object_view(c, f))
      return 0;
    f->mem[f->nmem++] = val;
  }
  if (f && f->is_obj && member == 1 && is_string)
    f->name = val;
  if (f && f->is_obj && member == 2) {
    f->value = val;
    f->value_a = a;
    f->value_b = b;
    f->value_str = (uint8_t)is_string;
  }
  if (f && !f->is_obj) {
    if (!is_string || f->nlist == LIST_MAX) {
      if (!list_alone(c, f) || (is_string && LM_VEC_PUSH(lc, lc->views, val)))
        return oom(c);
    } else {
      if (f->nlist < 2) {
        f->list_a[f->nlist] = a;
        f->list_b[f->nlist] = b;
      }
      f->list[f->nlist++] = val;
    }
  } else if (is_string && LM_VEC_PUSH(lc, lc->views, val)) {
    return oom(c);
  }
  return 1;
}

static int cb_null(void *ctx) {
  jctx *c = ctx;
  skip(c);
  if (c->len - c->cur < 4 || memcmp(c->text + c->cur, "null", 4) != 0)
    return desync(c);
  c->cur += 4;
  c->sens = c->member = c->has_key = 0;
  frame *f = top(c);
  return f && !f->is_obj && !c->region_depth ? list_alone(c, f) : 1;
}

static int cb_boolean(void *ctx, int value) {
  jctx *c = ctx;
  skip(c);
  size_t n = value ? 4 : 5;
  if (c->len - c->cur < n || memcmp(c->text + c->cur, value ? "true" : "false", n) != 0)
    return desync(c);
  c->cur += n;
  c->sens = c->member = c->has_key = 0;
  frame *f = top(c);
  return f && !f->is_obj && !c->region_depth ? list_alone(c, f) : 1;
}

static int cb_number(void *ctx, const char *s, size_t n) {
  jctx *c = ctx;
  skip(c);
  size_t start = c->cur;
  if (c->len - c->cur < n || memcmp(c->text + c->cur, s, n) != 0)
    return desync(c);
  c->cur += n;
  return on_value(c, start, c->cur, 0);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n) {
  (void)s;
  (void)n;
  jctx *c = ctx;
  size_t start;
  if (!string_token(c, &start))
    return 0;
  return on_value(c, start + 1, c->cur - 1, 1);
}

static int role_of(const unsigned char *k, size_t n) {
  if ((n == 4 && strncasecmp((const char *)k, "name", 4) == 0) ||
      (n == 3 && strncasecmp((const char *)k, "key", 3) == 0) ||
      (n == 12 && strncasecmp((const char *)k, "parameterkey", 12) == 0))
    return 1;
  if ((n == 5 && strncasecmp((const char *)k, "value", 5) == 0) ||
      (n == 14 && strncasecmp((const char *)k, "parametervalue", 14) == 0))
    return 2;
  return 0;
}

static int cb_map_key(void *ctx, const unsigned char *key, size_t n) {
  jctx *c = ctx;
  size_t start;
  if (!string_token(c, &start))
    return 0;
  if (c->region_depth)
    return 1;
  lm_lctx *lc = c->env->lc;
  if (lm_region_add_view(lc, c->rec, start + 1, c->cur - 1, LM_REG_CONTENT, LM_ESC_JSON))
    return oom(c);
  frame *f = top(c);
  /* the path: this object's path, a dot, the (decoded) key; a path too
   * long keeps its end, where the names that say most are */
  size_t base = f ? f->path_len : 0;
  size_t keep = n < PATH_MAX_LEN - 1 ? n : PATH_MAX_LEN - 1;
  if (base + 1 + keep > PATH_MAX_LEN)
    base = 0;
  c->path_len = base;
  if (base)
    c->path[c->path_len++] = '.';
  memcpy(c->path + c->path_len, key + (n - keep), keep);
  c->path_len += keep;
  c->sens = c->env->keys && lm_key_is_sensitive(c->env->set, (const char *)key, n);
  c->member = role_of(key, n);
  c->has_key = 1;
  return 1;
}

static int open_container(jctx *c, char ch) {
  skip(c);
  if (c->cur >= c->len || c->text[c->cur] != ch)
    return desync(c);
  if (c->depth >= JSON_MAX_DEPTH) {
    c->fail = FAIL_DEPTH;
    return 0;
  }
  if (!c->region_depth && c->sens) {
    c->region_depth = c->depth + 1;
    c->region_start = c->cur;
  }
  frame *parent = top(c);
  if (parent && !parent->is_obj && !c->region_depth && !list_alone(c, parent))
    return 0;
  c->sens = c->member = c->has_key = 0;
  c->cur++;
  frame *f = &c->frames[c->depth++];
  f->name = f->value = NULL;
  f->member = 0;
  f->nlist = f->nmem = 0;
  f->is_obj = ch == '{';
  f->list_ok = 1;
  /* an array's elements share its path; an object's members add to it */
  f->path_len = (uint16_t)c->path_len;
  return 1;
}

/* name/value objects and two-string arrays whose first string is a name:
 * the pair the way a text log would show it. */
static int named_pair(jctx *c, const lm_view *name, const lm_view *val, size_t a, size_t b,
                      int token) {
  if (!name->len || name->len >= PATH_MAX_LEN)
    return 1;
  for (size_t i = 0; i < name->len; i++)
    if (name->text[i] == '=' || name->text[i] == ' ' || name->text[i] == '\n')
      return 1;
  if (c->env->keys && lm_key_is_sensitive(c->env->set, name->text, name->len) &&
      !sensitive_value(c, val, a, b, token))
    return 0;
  return pair_view(c, name->text, name->len, val);
}

static int close_container(jctx *c, char ch) {
  skip(c);
  if (c->cur >= c->len || c->text[c->cur] != ch || !c->depth)
    return desync(c);
  c->cur++;
  frame *f = &c->frames[--c->depth];
  c->path_len = f->path_len;
  if (c->region_depth) {
    if (c->depth + 1 != c->region_depth)
      return 1;
    c->region_depth = 0;
    return sensitive_value(c, NULL, c->region_start, c->cur, 1);
  }
  lm_lctx *lc = c->env->lc;
  if (f->is_obj && !object_view(c, f))
    return 0;
  if (f->is_obj && f->name && f->value &&
      !named_pair(c, f->name, f->value, f->value_a, f->value_b, !f->value_str))
    return 0;
  if (!f->is_obj && f->list_ok && f->nlist == 2 &&
      !named_pair(c, f->list[0], f->list[1], f->list_a[1], f->list_b[1], 0))
    return 0;
  if (!f->is_obj && f->list_ok && f->nlist == 1 && LM_VEC_PUSH(lc, lc->views, f->list[0]))
    return oom(c);
  if (!f->is_obj && f->list_ok && f->nlist >= 2) {
    lm_piece pc[2 * LIST_MAX];
    size_t np = 0;
    for (size_t i = 0; i < f->nlist; i++) {
      int q = 0;
      for (size_t j = 0; j < f->list[i]->len && !q; j++)
        q = f->list[i]->text[j] == ' ' || f->list[i]->text[j] == '"';
      if (i)
        pc[np++] = (lm_piece){NULL, " ", 1, 0};
      pc[np++] = (lm_piece){f->list[i], NULL, 0, q};
    }
    lm_view *v = lm_view_join(lc, pc, np, LM_VIEW_LIST, c->rec->depth);
    if (!v || LM_VEC_PUSH(lc, lc->views, v))
      return oom(c);
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

/* A copy yajl accepts where the record is only lenient JSON: NaN,
 * Infinity and -Infinity outside strings become numbers padded with
 * blanks, control bytes inside strings blanks.  NULL when it has none of
 * those (or out of memory: lc->oom). */
static char *lenient_copy(lm_lctx *lc, const char *t, size_t len) {
  char *cp = NULL;
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)t[i];
    const char *fix = NULL;
    size_t n = 0;
    if (in_str) {
      if (ch == '\\')
        i++;
      else if (ch == '"')
        in_str = 0;
      else if (ch < 0x20) {
        fix = " ";
        n = 1;
      }
    } else if (ch == '"') {
      in_str = 1;
    } else if (ch == 'N' && len - i >= 3 && memcmp(t + i, "NaN", 3) == 0) {
      fix = "0  ";
      n = 3;
    } else if (ch == 'I' && len - i >= 8 && memcmp(t + i, "Infinity", 8) == 0) {
      fix = "0       ";
      n = 8;
    }
    if (!fix)
      continue;
    if (!cp) {
      if (!(cp = lm_arena_alloc(&lc->arena, len + 1))) {
        lc->oom = 1;
        return NULL;
      }
      memcpy(cp, t, len);
      cp[len] = '\0';
    }
    memcpy(cp + i, fix, n);
    i += n - 1;
  }
  return cp;
}

static int parse(jctx *c, const char *text, size_t from) {
  c->text = text;
  c->cur = from;
  c->depth = 0;
  c->sens = c->member = c->has_key = 0;
  c->region_depth = 0;
  c->path_len = 0;
  c->fail = FAIL_NONE;
  yajl_handle h = yajl_alloc(&callbacks, NULL, c);
  if (!h)
    return FAIL_NOMEM;
  yajl_config(h, yajl_dont_validate_strings, 1);
  yajl_status ys = yajl_parse(h, (const unsigned char *)text + from, c->len - from);
  if (ys == yajl_status_ok)
    ys = yajl_complete_parse(h);
  yajl_free(h);
  if (ys != yajl_status_ok)
    return c->fail != FAIL_NONE ? c->fail : FAIL_DESYNC;
  /* yajl 2.1 takes an unterminated string after the value for input still
   * to come and calls the record complete: a tail like ` "password=x`
   * would go unread.  Anything but blanks after the value: not JSON. */
  size_t t = c->cur;
  while (t < c->len && (text[t] == ' ' || text[t] == '\t' || text[t] == '\n' ||
                        text[t] == '\v' || text[t] == '\f' || text[t] == '\r'))
    t++;
  return t == c->len ? FAIL_NONE : FAIL_DESYNC;
}

int lm_fmt_json(lm_fmt_env *env, const lm_view *rec) {
  lm_lctx *lc = env->lc;
  size_t a = 0;
  while (a < rec->len && (rec->text[a] == ' ' || rec->text[a] == '\t'))
    a++;
  if (a == rec->len || (rec->text[a] != '{' && rec->text[a] != '['))
    return 1;
  frame *frames = malloc(JSON_MAX_DEPTH * sizeof *frames);
  if (!frames) {
    lc->oom = 1;
    return -1;
  }
  jctx c = {.env = env, .rec = rec, .len = rec->len, .frames = frames};
  size_t nviews = lc->views.n, nrec = lc->records.n, ncont = lc->contents.n,
         nreg = lc->regions.n, nspan = lc->spans.n;
  int fail = parse(&c, rec->text, a);
  if (fail == FAIL_DESYNC) {
    char *cp = lenient_copy(lc, rec->text, rec->len);
    if (cp) {
      lc->views.n = nviews, lc->records.n = nrec, lc->contents.n = ncont;
      lc->regions.n = nreg, lc->spans.n = nspan;
      fail = parse(&c, cp, a);
    } else if (lc->oom) {
      fail = FAIL_NOMEM;
    }
  }
  free(frames);
  if (fail != FAIL_NONE) {
    lc->views.n = nviews, lc->records.n = nrec, lc->contents.n = ncont;
    lc->regions.n = nreg, lc->spans.n = nspan;
  }
  size_t end = rec->len;
  while (end > a && (rec->text[end - 1] == ' ' || rec->text[end - 1] == '\t' ||
                     rec->text[end - 1] == '\r' || rec->text[end - 1] == '\n'))
    end--;
  switch (fail) {
  case FAIL_NONE:
    /* punctuation and literals never change; strings and numbers added
     * their own regions inside this one */
    return lm_region_add_view(lc, rec, a, end, LM_REG_STRUCT, 0) ? -1 : 0;
  case FAIL_DEPTH:
    /* too deep to vouch for: masked whole, as a JSON string */
    lc->trips++;
    if (lm_region_add_view(lc, rec, a, end, LM_REG_TOKEN, 0) ||
        lm_span_add_view(lc, rec, a, end, lm_label(env->set, LM_LBL_JSON_DEPTH), 0,
                         LM_ORIGIN_BLOCK))
      return -1;
    return 0;
  case FAIL_NOMEM:
    lc->oom = 1;
    return -1;
  default:
    return 1;
  }
}
