/* SPDX-License-Identifier: Apache-2.0 */
/* JSON records.  yajl parses (and validates) the record; its callbacks
 * follow along the text with a cursor, so every token is known by its
 * offsets.  Out come: regions (strings masked in place and escaped, a
 * number or a container under a sensitive key masked whole as a JSON
 * string, everything else never), the spans of sensitive keys' values,
 * views for the rules (each string alone; `path=value; path=value` of an
 * object's scalar members where a keyword stands in a key; `NAME=value`
 * of name/value objects and two-string arrays; an array of strings as
 * argv), the strings as block contents, and strings that hold records of
 * their own.
 *
 * Views cost: a string becomes one only when something will read it (a
 * keyword of the line's walk or an escape inside it, the block machine, a
 * record it may hold).  A record yajl refuses for Python's NaN/Infinity
 * or a raw control byte in a string is parsed again from a copy with
 * those spelled as JSON would, offsets unchanged; invalid UTF-8 is not
 * checked at all. */
#include "internal.h"
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>

#define JSON_MAX_DEPTH 128
#define PATH_MAX_LEN 256
#define LIST_MAX 32
#define OBJ_MAX 32
#define BYTES_MIN 4 /* shorter byte arrays spell no secret */

enum { FAIL_NONE, FAIL_DESYNC, FAIL_DEPTH, FAIL_NOMEM };

/* A scalar of the record: a string's inside or a number, [a, b). */
typedef struct tok {
  uint32_t a, b;
  uint8_t is_string, escaped;
} tok;

/* A member of an object: its key's inside [ka, kb) and its value. */
typedef struct jmember {
  tok v;
  uint32_t ka, kb;
} jmember;

/* What an object or array being parsed has shown so far. */
typedef struct frame {
  uint8_t is_obj;
  uint8_t list_ok;         /* array: strings only so far */
  uint8_t bytes_ok;        /* array: integers 0-255 only so far */
  uint32_t nbytes;         /* array: how many */
  uint32_t start;          /* array: its '[' */
  size_t preg_at;          /* array: the pending regions before its own */
  uint8_t nlist, nmem;
  uint8_t has_name, has_value;
  uint16_t path_len;       /* the container's own key path, restored at its end */
  uint32_t ka, kb;         /* object: the current key */
  uint32_t cmd_a, cmd_b;   /* object: its "command"/"Cmd"/"Entrypoint" array */
  uint32_t args_a, args_b; /* object: its "args"/"Args" array */
  tok path;                /* object: its "Path" string (docker inspect) */
  uint8_t has_cmd, has_args, has_path;
  tok name, value;         /* object: the name/value members */
  tok list[LIST_MAX];      /* array: its strings, for its argv view */
  jmember mem[OBJ_MAX];    /* object: scalar members, for its view */
} frame;

typedef struct jctx {
  lm_fmt_env *env;
  const lm_view *rec;
  const char *text;        /* what yajl reads (the record, or its lenient copy) */
  size_t len, cur;
  unsigned depth;
  int sens;                /* the next value belongs to a sensitive key */
  int sens_list;           /* the next value, if an array, holds sensitive values */
  int member;              /* the next value's role in a name/value object */
  int has_key;             /* the next value is an object member */
  unsigned sens_depth;     /* >0: inside a container under a sensitive key
                              (opened at this depth): its values masked */
  long raw_at;             /* the record is the line's bytes from here, or -1 */
  size_t vend;             /* the end of the first complete value, or 0 */
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

/* The raw string token at the cursor: [*start, cursor), quotes included;
 * *escaped set when it holds a backslash. */
static int string_token(jctx *c, size_t *start, int *escaped) {
  skip(c);
  if (c->cur >= c->len || c->text[c->cur] != '"')
    return desync(c);
  *start = c->cur;
  *escaped = 0;
  const char *p = c->text + c->cur + 1, *end = c->text + c->len;
  for (;;) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q)
      return desync(c);
    size_t bs = 0;
    while (q - bs > p && q[-1 - (long)bs] == '\\')
      bs++;
    *escaped |= bs != 0 || memchr(p, '\\', (size_t)(q - p)) != NULL;
    if (bs % 2 == 0) {
      c->cur = (size_t)(q - c->text) + 1;
      return 1;
    }
    p = q + 1;
  }
}

static frame *top(jctx *c) { return c->depth ? &c->frames[c->depth - 1] : NULL; }

/* Whether the line's keyword walk saw an occurrence inside [a, b) of the
 * record (1 when the record is not the line's bytes: nobody knows). */
static int hit_in(jctx *c, size_t a, size_t b) {
  if (c->raw_at < 0)
    return 1;
  const lm_cands *w = c->env->walk;
  size_t ra = (size_t)c->raw_at + a, rb = (size_t)c->raw_at + b;
  /* occurrences are sorted by start and no longer than the longest
   * keyword: those overlapping [ra, rb) start in [ra - longest, rb) */
  size_t from = ra > c->env->set->max_keyword ? ra - c->env->set->max_keyword : 0;
  size_t lo = 0, hi = w->nhits;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (w->hits[3 * mid] < from)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t h = lo; h < w->nhits && w->hits[3 * h] < rb; h++)
    if (w->hits[3 * h + 1] > ra)
      return 1;
  return 0;
}

/* Whether an occurrence of the line's walk starts in [a, b) of the record
 * (the record is the line's bytes). */
static int hit_starts_in(jctx *c, size_t a, size_t b) {
  const lm_cands *w = c->env->walk;
  size_t ra = (size_t)c->raw_at + a, rb = (size_t)c->raw_at + b;
  size_t lo = 0, hi = w->nhits;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (w->hits[3 * mid] < ra)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < w->nhits && w->hits[3 * lo] < rb;
}

/* The view of a scalar (decoded when escaped).  NULL when out of memory. */
static lm_view *view_of(jctx *c, const tok *t) {
  lm_view *v = t->is_string && t->escaped
                   ? lm_fmt_string_view(c->env, c->rec, t->a, t->b, LM_ESC_JSON)
                   : lm_view_slice(c->env->lc, c->rec, t->a, t->b, t->is_string ? LM_ESC_JSON : 0);
  if (v) {
    v->path = NULL;
    v->pathlen = 0;
  }
  return v;
}

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

/* Whether some member's key holds a keyword or reaches one into its value
 * (then the object's view is worth reading). */
static int keys_hold_keyword(jctx *c, const frame *f) {
  /* an occurrence starting in a key (quotes and ':' included) */
  if (c->raw_at >= 0)
    for (size_t i = 0; i < f->nmem; i++)
      if (hit_starts_in(c, f->mem[i].ka - 1, f->mem[i].v.a))
        return 1;
  if (f->path_len) {
    /* the view's made-up path prefix (`data.` of a Secret's map) */
    char prefix[PATH_MAX_LEN + 1];
    memcpy(prefix, c->path, f->path_len);
    prefix[f->path_len] = '.';
    if (lm_fmt_has_keyword(c->env, prefix, f->path_len + 1u))
      return 1;
  }
  /* where a keyword's own name stands as a key in the line (`pwd` of a
   * keyword `pwd=`), or the record is not the line's bytes: each pair as
   * the view will write it */
  if (c->raw_at >= 0 && !c->env->names)
    return 0;
  for (size_t i = 0; i < f->nmem; i++) {
    const jmember *mb = &f->mem[i];
    if (lm_fmt_text_has_keyword(c->env, c->rec->text + mb->ka, mb->kb - mb->ka,
                                c->rec->text + mb->v.a, mb->v.b - mb->v.a))
      return 1;
  }
  return 0;
}

/* The scalar members of an object as one view `path=value; path=value`:
 * a rule sees a pair with its key path and its siblings, as it would in a
 * text log; only where a keyword stands in a key (every value is read
 * alone where its own keywords are). */
static int object_view(jctx *c, frame *f) {
  size_t n = f->nmem;
  f->nmem = 0;
  if (!n || !c->env->read)
    return 1;
  f->nmem = (uint8_t)n;
  int worth = keys_hold_keyword(c, f);
  f->nmem = 0;
  if (!worth)
    return 1;
  lm_lctx *lc = c->env->lc;
  /* the object's own path, then each key as written */
  size_t plen = f->path_len;
  char *prefix = NULL;
  if (plen) {
    if (!(prefix = lm_arena_alloc(&lc->arena, plen + 1)))
      return oom(c);
    memcpy(prefix, c->path, plen);
    prefix[plen] = '.';
  }
  lm_piece pc[5 * OBJ_MAX];
  size_t np = 0;
  for (size_t i = 0; i < n; i++) {
    const jmember *mb = &f->mem[i];
    lm_view *val = view_of(c, &mb->v);
    if (!val)
      return oom(c);
    if (i) /* as dicts print: `k=v; k=v` (a value never runs on into a key) */
      pc[np++] = (lm_piece){NULL, "; ", 2, 0};
    if (prefix)
      pc[np++] = (lm_piece){NULL, prefix, plen + 1, 0};
    pc[np++] = (lm_piece){NULL, c->rec->text + mb->ka, mb->kb - mb->ka, 0};
    pc[np++] = (lm_piece){NULL, "=", 1, 0};
    pc[np++] = (lm_piece){val, NULL, 0, lm_view_needs_quotes(val)};
  }
  lm_view *v = lm_view_join(lc, pc, np, LM_VIEW_PAIR, c->rec->depth);
  if (!v)
    return oom(c);
  return LM_VEC_PUSH(lc, lc->views, v) ? oom(c) : 1;
}

/* A value of a sensitive key (`key`, klen: the key it stands under, for
 * the benign test): masked unless it is a placeholder, a reference or a
 * file path; a number or container as a whole token. */
static int sensitive_value(jctx *c, const char *key, size_t klen, const tok *t, int token) {
  lm_lctx *lc = c->env->lc;
  if (!token) {
    const char *s = c->rec->text + t->a;
    size_t n = t->b - t->a;
    lm_view *v = NULL;
    if (t->escaped) {
      if (!(v = view_of(c, t)))
        return oom(c);
      s = v->text;
      n = v->len;
    }
    if (lm_key_value_is_benign(key, klen, s, n, 0) || (c->env->code && lm_value_is_example(s, n)))
      return 1;
  }
  if (token && lm_region_add_view(lc, c->rec, t->a, t->b, LM_REG_TOKEN, 0))
    return oom(c);
  return lm_span_add_view(lc, c->rec, t->a, t->b, lm_label(c->env->set, LM_LBL_JSON_KEY), 0,
                          LM_ORIGIN_LABEL)
             ? oom(c)
             : 1;
}

/* Members of a container under a sensitive key that name or describe the
 * secret rather than hold it (`{"secret":{"secretName":"db"}}`, a
 * Spring property's "origin"): their last word. */
static int describes(const char *k, size_t n) {
  static const char *const words[] = {"name", "id", "ref", "kind", "type", "path", "file",
                                      "mode", "version", "namespace", "optional", "origin",
                                      "source", "format", "alg", "algorithm", "encoding",
                                      "length", "expires", "expiry", "created", NULL};
  size_t w = n;
  while (w > 0 && k[w - 1] != '_' && k[w - 1] != '-' && k[w - 1] != '.' &&
         !(w > 1 && isupper((unsigned char)k[w - 1]) && islower((unsigned char)k[w - 2])))
    w--;
  if (w > 0 && (k[w - 1] == '_' || k[w - 1] == '-' || k[w - 1] == '.'))
    ; /* the word starts at w */
  else if (w > 0)
    w--; /* a camelCase step: the word starts with its capital */
  for (const char *const *p = words; *p; p++)
    if (strlen(*p) == n - w && strncasecmp(k + w, *p, n - w) == 0)
      return 1;
  return 0;
}

/* Whether '{\"' occurs in a raw string token (JSON in a JSON string). */
static int escaped_object(const char *t, size_t n) {
  for (const char *p = memchr(t, '{', n); p; p = memchr(p + 1, '{', n - (size_t)(p + 1 - t)))
    if (p + 2 < t + n && p[1] == '\\' && p[2] == '"')
      return 1;
  return 0;
}

/* Whether a string could hold a record of its own (fmt.c decides). */
static int maybe_record_text(const char *t, size_t n) {
  /* the raw token: a line's end is written \n (Docker's "log") */
  while (n >= 2 && t[n - 2] == '\\' && (t[n - 1] == 'n' || t[n - 1] == 'r'))
    n -= 2;
  while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
    n--;
  if (n < 3)
    return 0;
  char first = t[0], last = t[n - 1];
  return first == '{' || first == '[' || first == '<' || (first >= 'A' && first <= 'Z') ||
         last == '}' || memchr(t, '=', n) != NULL || escaped_object(t, n);
}

/* Whether a number token is an integer 0-255 as JSON writes one. */
static int byte_number(const char *t, size_t n) {
  if (n == 0 || n > 3 || (n > 1 && t[0] == '0'))
    return 0;
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i] < '0' || t[i] > '9')
      return 0;
    v = v * 10 + (unsigned)(t[i] - '0');
  }
  return v < 256;
}

/* A value as a block content, under the key path it stands at. */
static int add_content(jctx *c, lm_view *v) {
  lm_lctx *lc = c->env->lc;
  char *path = c->path_len ? lm_arena_alloc(&lc->arena, c->path_len) : NULL;
  if (c->path_len && !path)
    return oom(c);
  if (path)
    memcpy(path, c->path, c->path_len);
  v->path = path;
  v->pathlen = (uint32_t)c->path_len;
  return LM_VEC_PUSH(lc, lc->contents, v) ? oom(c) : 1;
}

/* A scalar value (a string's inside or a number token). */
static int on_value(jctx *c, tok t) {
  lm_fmt_env *env = c->env;
  lm_lctx *lc = env->lc;
  int sens = c->sens, member = c->member, has_key = c->has_key;
  c->sens = c->sens_list = c->member = c->has_key = 0;
  frame *f = top(c);
  /* inside a container under a sensitive key: each value is one, but for
   * members that only describe it */
  if (!sens && c->sens_depth && c->depth >= c->sens_depth)
    sens = !(has_key && f && f->is_obj &&
             describes(c->rec->text + f->ka, f->kb - f->ka));
  if (lm_region_add_view(lc, c->rec, t.a, t.b, t.is_string ? LM_REG_CONTENT : LM_REG_TOKEN,
                         t.is_string ? LM_ESC_JSON : 0))
    return oom(c);
  if (t.is_string) {
    /* read alone where a keyword of the line lies in it or an escape may
     * hide one; a block content; maybe a record */
    int read = env->read && (t.escaped || hit_in(c, t.a, t.b));
    int rec = c->rec->depth + 1 < 3 && maybe_record_text(c->rec->text + t.a, t.b - t.a);
    if (read || env->contents || rec) {
      lm_view *val = view_of(c, &t);
      if (!val || (read && LM_VEC_PUSH(lc, lc->views, val)))
        return oom(c);
      if (env->contents && !add_content(c, val))
        return 0;
      if (rec && lm_fmt_maybe_record(env, val))
        return oom(c);
    }
  }
  if (sens && !sensitive_value(c, f && f->is_obj ? c->rec->text + f->ka : NULL,
                               f && f->is_obj ? f->kb - f->ka : 0, &t, !t.is_string))
    return 0;
  if (!f)
    return 1;
  if (f->is_obj) {
    if (has_key) {
      if (f->nmem == OBJ_MAX && !object_view(c, f))
        return 0;
      f->mem[f->nmem++] = (jmember){t, f->ka, f->kb};
      if (t.is_string && f->kb - f->ka == 4 && memcmp(c->rec->text + f->ka, "Path", 4) == 0) {
        f->path = t;
        f->has_path = 1;
      }
    }
    if (member == 1 && t.is_string) {
      f->name = t;
      f->has_name = 1;
    } else if (member == 2) {
      f->value = t;
      f->has_value = 1;
    }
  } else {
    if (t.is_string || !byte_number(c->rec->text + t.a, t.b - t.a))
      f->bytes_ok = 0;
    else
      f->nbytes++;
    if (!t.is_string || f->nlist == LIST_MAX)
      f->list_ok = 0;
    else
      f->list[f->nlist++] = t;
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
  if (f && !f->is_obj)
    f->list_ok = f->bytes_ok = 0;
  return 1;
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
  if (f && !f->is_obj)
    f->list_ok = f->bytes_ok = 0;
  return 1;
}

static int cb_number(void *ctx, const char *s, size_t n) {
  jctx *c = ctx;
  skip(c);
  size_t start = c->cur;
  if (c->len - c->cur < n || memcmp(c->text + c->cur, s, n) != 0)
    return desync(c);
  c->cur += n;
  return on_value(c, (tok){(uint32_t)start, (uint32_t)c->cur, 0, 0});
}

static int cb_string(void *ctx, const unsigned char *s, size_t n) {
  (void)s;
  (void)n;
  jctx *c = ctx;
  size_t start;
  int escaped;
  if (!string_token(c, &start, &escaped))
    return 0;
  return on_value(c, (tok){(uint32_t)start + 1, (uint32_t)c->cur - 1, 1, (uint8_t)escaped});
}

static int role_of(const unsigned char *k, size_t n) {
  switch (n) { /* most keys are none of these: one compare */
  case 3: return strncasecmp((const char *)k, "key", 3) == 0;
  case 4: return strncasecmp((const char *)k, "name", 4) == 0;
  case 5: return strncasecmp((const char *)k, "value", 5) == 0 ? 2 : 0;
  case 12: return strncasecmp((const char *)k, "parameterkey", 12) == 0;
  case 14: return strncasecmp((const char *)k, "parametervalue", 14) == 0 ? 2 : 0;
  }
  return 0;
}

static int cb_map_key(void *ctx, const unsigned char *key, size_t n) {
  jctx *c = ctx;
  size_t start;
  int escaped;
  if (!string_token(c, &start, &escaped))
    return 0;
  lm_lctx *lc = c->env->lc;
  if (lm_region_add_view(lc, c->rec, start + 1, c->cur - 1, LM_REG_CONTENT, LM_ESC_JSON))
    return oom(c);
  frame *f = top(c);
  if (f) {
    f->ka = (uint32_t)start + 1;
    f->kb = (uint32_t)c->cur - 1;
  }
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
  /* a plural names a list of them ("api_keys": [...], "tokens": [...]);
   * a number under it is a count ("max_tokens": 512) */
  c->sens_list = !c->sens && c->env->keys && n > 2 && key[n - 1] == 's' &&
                 lm_key_is_sensitive(c->env->set, (const char *)key, n - 1);
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
  if (!c->sens_depth && (c->sens || (c->sens_list && ch == '[')))
    c->sens_depth = c->depth + 1;
  frame *parent = top(c);
  if (parent && !parent->is_obj)
    parent->list_ok = parent->bytes_ok = 0;
  c->sens = c->sens_list = c->member = c->has_key = 0;
  frame *f = &c->frames[c->depth++];
  f->start = (uint32_t)c->cur;
  c->cur++;
  f->is_obj = ch == '{';
  f->list_ok = 1;
  f->bytes_ok = 1;
  f->nbytes = 0;
  f->preg_at = c->env->lc->pregions.n;
  f->nlist = f->nmem = 0;
  f->has_name = f->has_value = 0;
  f->has_cmd = f->has_args = f->has_path = 0;
  /* an array's elements share its path; an object's members add to it */
  f->path_len = (uint16_t)c->path_len;
  return 1;
}

/* name/value objects and two-string arrays whose first string is a name:
 * the pair the way a text log would show it, masked whole when the name
 * is sensitive. */
static int named_pair(jctx *c, const tok *name, const tok *val) {
  lm_view *nv = view_of(c, name);
  if (!nv)
    return oom(c);
  if (!nv->len || nv->len >= PATH_MAX_LEN)
    return 1;
  for (size_t i = 0; i < nv->len; i++)
    if (nv->text[i] == '=' || nv->text[i] == ' ' || nv->text[i] == '\n')
      return 1;
  if (c->env->keys && lm_key_is_sensitive(c->env->set, nv->text, nv->len) &&
      !sensitive_value(c, nv->text, nv->len, val, !val->is_string))
    return 0;
  if (!c->env->read)
    return 1;
  lm_view *vv = view_of(c, val);
  return vv ? pair_view(c, nv->text, nv->len, vv) : oom(c);
}

/* An array of strings under a key where a keyword stands
 * ("PGPASSWORD": ["a", "b"]): each string read as that key's value, as a
 * text log writes one `PGPASSWORD=a` per value. */
static int key_list(jctx *c, const frame *parent, const frame *f) {
  const char *key = c->rec->text + parent->ka;
  size_t klen = parent->kb - parent->ka;
  if (!c->env->read || !(c->raw_at >= 0 ? hit_starts_in(c, parent->ka - 1, f->start)
                                         : lm_fmt_has_keyword(c->env, key, klen)))
    return 1;
  for (size_t i = 0; i < f->nlist; i++) {
    lm_view *v = view_of(c, &f->list[i]);
    if (!v || !pair_view(c, key, klen, v))
      return oom(c);
  }
  return 1;
}

/* Strings as their program would have been called: `a b "c d"`. */
static int list_view(jctx *c, const tok *list, size_t n) {
  if (!c->env->read || !n || !hit_in(c, list[0].a, list[n - 1].b))
    return 1;
  lm_lctx *lc = c->env->lc;
  lm_piece pc[2 * LIST_MAX];
  size_t np = 0;
  for (size_t i = 0; i < n; i++) {
    lm_view *v = view_of(c, &list[i]);
    if (!v)
      return oom(c);
    int q = 0;
    for (size_t j = 0; j < v->len && !q; j++)
      q = v->text[j] == ' ' || v->text[j] == '"';
    if (i)
      pc[np++] = (lm_piece){NULL, " ", 1, 0};
    pc[np++] = (lm_piece){v, NULL, 0, q};
  }
  lm_view *v = lm_view_join(lc, pc, np, LM_VIEW_LIST, c->rec->depth);
  if (!v || LM_VEC_PUSH(lc, lc->views, v))
    return oom(c);
  return 1;
}

/* The strings of an array of strings [a, b) of the record (yajl has
 * validated it), appended to list up to LIST_MAX. */
static size_t array_strings(const jctx *c, uint32_t a, uint32_t b, tok *list, size_t n) {
  const char *t = c->text;
  for (uint32_t i = a; i < b && n < LIST_MAX; i++) {
    if (t[i] != '"')
      continue;
    uint32_t s = i + 1;
    int escaped = 0;
    for (i = s; i < b && t[i] != '"'; i++)
      if (t[i] == '\\') {
        escaped = 1;
        i++;
      }
    list[n++] = (tok){s, i, 1, (uint8_t)escaped};
  }
  return n;
}

/* A container's program and its arguments, written apart as Kubernetes
 * ("command" and "args") and docker inspect ("Path" or "Cmd"/"Entrypoint",
 * and "Args") write them: read together as one command line. */
static int command_view(jctx *c, const frame *f) {
  tok list[LIST_MAX];
  size_t n = 0;
  if (f->has_cmd)
    n = array_strings(c, f->cmd_a, f->cmd_b, list, 0);
  else if (f->has_path)
    list[n++] = f->path;
  n = array_strings(c, f->args_a, f->args_b, list, n);
  return list_view(c, list, n);
}

/* Which part of a command line an array under this key holds: 1 the
 * program, 2 its arguments, 0 neither. */
static int command_role(const char *k, size_t n) {
  if ((n == 7 && strncasecmp(k, "command", 7) == 0) || (n == 3 && strncasecmp(k, "cmd", 3) == 0) ||
      (n == 10 && strncasecmp(k, "entrypoint", 10) == 0))
    return 1;
  return n == 4 && strncasecmp(k, "args", 4) == 0 ? 2 : 0;
}

/* An array of byte values, as journald writes a field that is not valid
 * UTF-8 text (journalctl -o json): read as the bytes it spells.  It can
 * only be masked whole (its numbers replaced by one JSON string), so its
 * numbers' regions give way to one token region over the array. */
static int byte_array(jctx *c, const frame *f) {
  lm_lctx *lc = c->env->lc;
  lc->pregions.n = f->preg_at;
  if (lm_region_add_view(lc, c->rec, f->start, c->cur, LM_REG_TOKEN, 0))
    return oom(c);
  if (!c->env->read && !c->env->contents)
    return 1;
  char *bytes = lm_arena_alloc(&lc->arena, f->nbytes);
  uint32_t *pmap = lm_arena_alloc(&lc->arena, f->nbytes * sizeof *pmap);
  if (!bytes || !pmap)
    return oom(c);
  const char *t = c->rec->text;
  size_t n = 0;
  for (size_t i = f->start + 1; i < c->cur && n < f->nbytes; i++) {
    if (t[i] < '0' || t[i] > '9')
      continue;
    pmap[n] = (uint32_t)i;
    unsigned v = 0;
    while (t[i] >= '0' && t[i] <= '9')
      v = v * 10 + (unsigned)(t[i++] - '0');
    bytes[n++] = (char)v;
  }
  lm_view *v = lm_view_derive(lc, c->rec, bytes, n, pmap, c->cur, 0, LM_VIEW_DECODED);
  if (!v)
    return oom(c);
  if (c->env->read && LM_VEC_PUSH(lc, lc->views, v))
    return oom(c);
  return !c->env->contents || add_content(c, v);
}

static int close_container(jctx *c, char ch) {
  skip(c);
  if (c->cur >= c->len || c->text[c->cur] != ch || !c->depth)
    return desync(c);
  c->cur++;
  frame *f = &c->frames[--c->depth];
  if (!c->depth && !c->vend)
    c->vend = c->cur;
  c->path_len = f->path_len;
  if (c->sens_depth == c->depth + 1)
    c->sens_depth = 0;
  if (f->is_obj)
    return object_view(c, f) &&
           (!f->has_name || !f->has_value || named_pair(c, &f->name, &f->value)) &&
           (!f->has_args || (!f->has_cmd && !f->has_path) || command_view(c, f));
  if (f->bytes_ok && f->nbytes >= BYTES_MIN)
    return byte_array(c, f);
  if (!f->list_ok)
    return 1;
  frame *parent = top(c);
  if (parent && parent->is_obj && f->nlist) {
    int role = command_role(c->rec->text + parent->ka, parent->kb - parent->ka);
    if (role == 1) {
      parent->has_cmd = 1;
      parent->cmd_a = f->start;
      parent->cmd_b = (uint32_t)c->cur;
    } else if (role == 2) {
      parent->has_args = 1;
      parent->args_a = f->start;
      parent->args_b = (uint32_t)c->cur;
    }
  }
  if (parent && parent->is_obj && f->nlist && !key_list(c, parent, f))
    return 0;
  if (f->nlist == 2 && !named_pair(c, &f->list[0], &f->list[1]))
    return 0;
  return f->nlist >= 2 ? list_view(c, f->list, f->nlist) : 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, '{'); }
static int cb_end_map(void *ctx) { return close_container(ctx, '}'); }
static int cb_start_array(void *ctx) { return open_container(ctx, '['); }
static int cb_end_array(void *ctx) { return close_container(ctx, ']'); }

static const yajl_callbacks callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array};

/* A copy yajl accepts where the record is only lenient JSON, of the same
 * length so that every offset holds: NaN, Infinity and -Infinity outside
 * strings become numbers padded with blanks, control bytes inside strings
 * blanks, a comma before '}' or ']' a blank, and Python's repr of a dict
 * ({'k': 'v', 'n': None, 'ok': True}) its JSON (quotes swapped, None
 * null, True true, False false).  NULL when it has none of those (or out
 * of memory: lc->oom). */
static int word_at(const char *t, size_t len, size_t i, const char *w, size_t n) {
  return len - i >= n && memcmp(t + i, w, n) == 0 &&
         (i == 0 || !isalnum((unsigned char)t[i - 1])) &&
         (i + n == len || !isalnum((unsigned char)t[i + n]));
}

static char *lenient_copy(lm_lctx *lc, const char *t, size_t len) {
  char *cp = NULL;
  char in_str = 0; /* the quote of the string the byte is in */
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)t[i];
    const char *fix = NULL;
    size_t n = 0, at = i;
    if (in_str) {
      if (ch == '\\') {
        i++;
        if (in_str == '\'' && i < len && t[i] == '\'') /* \' is \" */
          fix = "\"", n = 1, at = i;
      } else if (ch == (unsigned char)in_str) {
        if (in_str == '\'')
          fix = "\"", n = 1;
        in_str = 0;
      } else if (ch < 0x20) {
        fix = " ", n = 1;
      } else if (ch == '"') { /* inside '...': a byte of the string */
        fix = "'", n = 1;
      }
    } else if (ch == '"' || ch == '\'') {
      in_str = (char)ch;
      if (ch == '\'')
        fix = "\"", n = 1;
    } else if (ch == ',') {
      size_t j = i + 1;
      while (j < len && (t[j] == ' ' || t[j] == '\t'))
        j++;
      if (j < len && (t[j] == '}' || t[j] == ']'))
        fix = " ", n = 1;
    } else if (ch == 'N' && len - i >= 3 && memcmp(t + i, "NaN", 3) == 0) {
      fix = "0  ", n = 3;
    } else if (ch == 'I' && len - i >= 8 && memcmp(t + i, "Infinity", 8) == 0) {
      fix = "0       ", n = 8;
    } else if (ch == 'N' && word_at(t, len, i, "None", 4)) {
      fix = "null", n = 4;
    } else if (ch == 'T' && word_at(t, len, i, "True", 4)) {
      fix = "true", n = 4;
    } else if (ch == 'F' && word_at(t, len, i, "False", 5)) {
      fix = "false", n = 5;
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
    memcpy(cp + at, fix, n);
    if (at == i)
      i += n - 1;
  }
  return cp;
}

/* The end of the value opened at t[a] as lenient_copy reads it (strings
 * in '"' or '\'', brackets counted), or len when it does not close: a
 * copy of that value alone costs the value, not the rest of the line. */
/* The end of the value that starts at t[a], read leniently (either
 * quote, escapes stepped over), or 0 when it does not close within
 * *budget bytes (then no lenient copy can parse).  Every record of a line
 * draws on one budget: a line of many records that never close (a decoy
 * '{"' before each) costs its length a few times over, not its square. */
static size_t lenient_end(const char *t, size_t len, size_t a, size_t *budget) {
  size_t depth = 0;
  char in_str = 0;
  if (len - a > *budget)
    len = a + *budget;
  *budget -= len - a;
  for (size_t i = a; i < len; i++) {
    char ch = t[i];
    if (in_str) {
      if (ch == '\\')
        i++;
      else if (ch == in_str)
        in_str = 0;
    } else if (ch == '"' || ch == '\'') {
      in_str = ch;
    } else if (ch == '{' || ch == '[') {
      depth++;
    } else if ((ch == '}' || ch == ']') && depth && --depth == 0) {
      *budget += len - (i + 1); /* what was not read */
      return i + 1;
    }
  }
  return 0;
}

static int parse(jctx *c, const char *text, size_t from) {
  c->text = text;
  c->cur = from;
  c->depth = 0;
  c->sens = c->member = c->has_key = 0;
  c->sens_depth = 0;
  c->path_len = 0;
  c->vend = 0;
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

void lm_fmt_json_free(void *frames) { free(frames); }

int lm_fmt_json(lm_fmt_env *env, const lm_view *rec) {
  lm_lctx *lc = env->lc;
  size_t a = 0;
  while (a < rec->len && (rec->text[a] == ' ' || rec->text[a] == '\t'))
    a++;
  if (a == rec->len || (rec->text[a] != '{' && rec->text[a] != '['))
    return 1;
  if (!*env->frames && !(*env->frames = malloc(JSON_MAX_DEPTH * sizeof(frame)))) {
    lc->oom = 1;
    return -1;
  }
  frame *frames = *env->frames;
  jctx c = {.env = env, .rec = rec, .len = rec->len, .frames = frames, .raw_at = -1};
  /* the line's own bytes: its keyword walk tells which parts hold keywords */
  if (rec->nsegs == 1 && !rec->segs[0].map && rec->text == lc->line + rec->segs[0].rs &&
      env->walk && env->walk->record)
    c.raw_at = (long)rec->segs[0].rs;
  size_t nviews = lc->views.n, nrec = lc->records.n, ncont = lc->contents.n,
         nreg = lc->regions.n, npreg = lc->pregions.n, nspan = lc->spans.n;
  int fail = parse(&c, rec->text, a);
  /* a lenient copy of the first value alone (one that parsed whole
   * needs none): what follows it is the rest below */
  size_t e;
  if (fail == FAIL_DESYNC && c.vend == 0 && !rec->json_strict &&
      (e = lenient_end(rec->text, rec->len, a, &lc->lenient_left)) != 0) {
    char *cp = lenient_copy(lc, rec->text, e);
    if (cp) {
      lc->views.n = nviews, lc->records.n = nrec, lc->contents.n = ncont;
      lc->regions.n = nreg, lc->pregions.n = npreg, lc->spans.n = nspan;
      c.len = e;
      fail = parse(&c, cp, a);
    } else if (lc->oom) {
      fail = FAIL_NOMEM;
    }
  }
  /* a value and then more (`{...} (took 3 ms)`, `{...}{...}`): the value
   * is JSON, the rest a record of its own */
  if (fail == FAIL_DESYNC && c.vend > a) {
    lc->views.n = nviews, lc->records.n = nrec, lc->contents.n = ncont;
    lc->regions.n = nreg, lc->pregions.n = npreg, lc->spans.n = nspan;
    c.len = c.vend;
    fail = parse(&c, c.text, a);
  }
  size_t tail = c.len < rec->len ? c.len : 0;
  if (fail != FAIL_NONE) {
    lc->views.n = nviews, lc->records.n = nrec, lc->contents.n = ncont;
    lc->regions.n = nreg, lc->pregions.n = npreg, lc->spans.n = nspan;
  }
  size_t end = rec->len;
  while (end > a && (rec->text[end - 1] == ' ' || rec->text[end - 1] == '\t' ||
                     rec->text[end - 1] == '\r' || rec->text[end - 1] == '\n'))
    end--;
  switch (fail) {
  case FAIL_NONE:
    /* punctuation and literals never change; strings and numbers added
     * their own regions inside this one */
    if (lm_region_add_view(lc, rec, a, tail ? tail : end, LM_REG_STRUCT, 0))
      return -1;
    if (lc->pregions.n - 1 > npreg) {
      /* before its strings and numbers, where it starts: regions stay in
       * text order as records come (a line of many values sorts in one
       * pass, spans.c) */
      struct lm_pregion whole = lc->pregions.v[lc->pregions.n - 1];
      memmove(lc->pregions.v + npreg + 1, lc->pregions.v + npreg,
              (lc->pregions.n - 1 - npreg) * sizeof whole);
      lc->pregions.v[npreg] = whole;
    }
    if (tail && tail < end) {
      /* the rest is a record of its own (another value, logfmt, words),
       * read as text unless the record's owner reads it already.  Each
       * value costs its own bytes only (a lenient copy stops at its
       * end), so a line of many values is split into all of them. */
      lm_view *rest = lm_view_slice(lc, rec, tail, end, 0);
      if (!rest)
        return -1;
      rest->kind = LM_VIEW_RECORD;
      rest->depth = rec->depth;
      rest->read = rec->owner != NULL;
      size_t at;
      rest->format = (uint8_t)lm_detect(rest->text, rest->len, &at);
      if (rest->format == LM_FMT_SYSLOG)
        rest->format = LM_FMT_TEXT;
      lc->json_tailed = rec;
      if (LM_VEC_PUSH(lc, lc->records, rest))
        return -1;
    }
    return 0;
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
