/* SPDX-License-Identifier: Apache-2.0 */
/* Environment files (.env), see lm_dotenv_parse in logmask.h.
 *
 * The syntax is the union of what three loaders accept, so a file one of
 * them reads never fails here (a host that guards the file would go blind
 * on it):
 *   docker compose   compose-spec/compose-go dotenv/parser.go, documented
 *                    at docs.docker.com/compose/environment-variables/
 *                    variable-interpolation/#env-file-syntax
 *   python-dotenv    theskumar/python-dotenv src/dotenv/parser.py
 *   django-environ   joke2k/django-environ environ/environ.py Env.read_env
 * Where they read the same line differently the value follows compose and
 * python-dotenv; django-environ's whole-line reading is the fallback for
 * lines only it accepts.  A single pass over the text with a cursor;
 * values are built in a growing buffer that is wiped after each use (they
 * are secrets). */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cursor {
  const char *p, *end;
  unsigned long line;
} cursor;

typedef struct valbuf {
  char *data;
  size_t len, cap;
} valbuf;

/* Grows by allocate-copy-wipe-free: a freed block never keeps a secret. */
static int valbuf_push(valbuf *b, char c)
{
  if (b->len + 1 >= b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    char *bigger = malloc(cap);
    if (!bigger)
      return -1;
    if (b->data) {
      memcpy(bigger, b->data, b->len);
      explicit_bzero(b->data, b->cap);
    }
    free(b->data);
    b->data = bigger;
    b->cap = cap;
  }
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return 0;
}

static int valbuf_append(valbuf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (valbuf_push(b, s[i]) != 0)
      return -1;
  return 0;
}

/* Blanks inside a line: compose and python-dotenv also skip \v and \f. */
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }
static int is_eol(char c) { return c == '\n' || c == '\r'; }

/* Length of the valid UTF-8 sequence at p (2..4 bytes), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
  size_t n;
  unsigned min;
  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    n = 2, min = 0x80;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    n = 3, min = 0x800;
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    n = 4, min = 0x10000;
  else
    return 0;
  if ((size_t)(end - p) < n)
    return 0;
  unsigned cp = p[0] & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

/* Bytes of a name character at p: python-dotenv takes any run of
 * [^=#\s] as a name and compose any letter, digit, _ . - [ ]; we take
 * printable ASCII but for the separators, comment and quote characters,
 * and whole UTF-8 letters (names end up in JSON reports). */
static size_t name_char(const char *p, const char *end)
{
  unsigned char c = (unsigned char)*p;
  if (c >= 0x80)
    return utf8_seq((const unsigned char *)p, (const unsigned char *)end);
  if (c <= 0x20 || c == 0x7F)
    return 0;
  return strchr("=#:'\"`", c) ? 0 : 1;
}

static int is_django_name_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static void skip_blanks(cursor *c)
{
  while (c->p < c->end && is_blank(*c->p))
    c->p++;
}

/* First line terminator (\n, \r\n or a lone \r, as python-dotenv) at or
 * after p, or end. */
static const char *eol(const char *p, const char *end)
{
  while (p < end && !is_eol(*p))
    p++;
  return p;
}

/* Moves the cursor past the terminator at `stop` (or to the end). */
static void next_line(cursor *c, const char *stop)
{
  c->p = stop;
  if (c->p < c->end) {
    if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
      c->p++;
    c->p++;
  }
  c->line++;
}

/* Nothing but blanks and perhaps a comment from p to stop. */
static int rest_is_empty(const char *p, const char *stop)
{
  while (p < stop && is_blank(*p))
    p++;
  return p == stop || *p == '#';
}

/* A quoted value as compose and python-dotenv read it, from the opening
 * quote; may span lines.  In double quotes \n \r \t \a \b \f \v \" \\ \$ \`
 * \' are escapes (others are kept as written, a backslash before a line
 * end too); in single quotes \' is a quote and every other byte literal;
 * back quotes are literal.  0 at the closing quote (cursor after it), -1
 * unterminated, -2 out of memory. */
static int parse_quoted(cursor *c, valbuf *v)
{
  char quote = *c->p++;
  while (c->p < c->end) {
    char ch = *c->p++;
    if (ch == quote)
      return 0;
    if (ch == '\n' || (ch == '\r' && !(c->p < c->end && *c->p == '\n')))
      c->line++;
    if (ch == '\\' && quote != '`' && c->p < c->end) {
      char e = *c->p;
      if (e == quote) {
        c->p++;
        ch = quote;
      } else if (quote == '\'') {
        if (e == '\\') { /* a pair, so \\' still closes (compose) */
          c->p++;
          if (valbuf_push(v, '\\') != 0)
            return -2;
        }
      } else {
        const char *from = "nrtabfv\\$`'";
        const char *to = "\n\r\t\a\b\f\v\\$`'";
        const char *hit = strchr(from, e);
        if (hit && e) {
          c->p++;
          ch = to[hit - from];
        }
      }
    }
    if (valbuf_push(v, ch) != 0)
      return -2;
  }
  return -1;
}

/* An unquoted value: to the line end, trimmed, a comment starting at '#'
 * after a blank ('#' at the start is data, as in compose and
 * python-dotenv). */
static int parse_unquoted(cursor *c, valbuf *v)
{
  const char *start = c->p;
  const char *stop = eol(c->p, c->end);
  const char *q = start;
  while (q < stop && !(*q == '#' && q > start && is_blank(q[-1])))
    q++;
  while (q > start && is_blank(q[-1]))
    q--;
  if (valbuf_append(v, start, (size_t)(q - start)) != 0)
    return -2;
  next_line(c, stop);
  return 0;
}

/* django-environ's reading of the rest of a line after "NAME=" (it knows
 * neither blanks around '=' nor values spanning lines): a value in single
 * quotes up to the last quote followed only by blanks and a comment, else
 * everything before the first '#'; then a value wholly in double quotes
 * loses them and \X becomes X (\n \r \t stay two bytes). */
static int parse_django(const char *raw, const char *stop, valbuf *v)
{
  const char *a = raw, *b = stop;
  const char *s = raw;
  while (s < stop && (is_blank(*s)))
    s++;
  int single = 0;
  if (s < stop && *s == '\'') {
    for (const char *q = stop; q > s + 1; q--)
      if (q[-1] == '\'' && rest_is_empty(q, stop)) {
        a = s + 1, b = q - 1, single = 1;
        break;
      }
  }
  if (!single) {
    const char *hash = memchr(raw, '#', (size_t)(stop - raw));
    if (hash)
      b = hash;
  }
  if (b - a >= 2 && *a == '"' && b[-1] == '"') {
    for (const char *q = a + 1; q < b - 1; q++) {
      if (*q == '\\' && q + 1 < b - 1) {
        q++;
        if (strchr("rnt", *q) && valbuf_push(v, '\\') != 0)
          return -2;
      }
      if (valbuf_push(v, *q) != 0)
        return -2;
    }
    return 0;
  }
  return valbuf_append(v, a, (size_t)(b - a)) != 0 ? -2 : 0;
}

typedef struct parse_error {
  unsigned long line;
  const char *what;
  const char *name; /* the variable a value error is about */
  size_t name_len;
} parse_error;

/* One statement, the cursor at its first non-blank byte of the line that
 * starts at line_start.  Returns LM_OK (the cursor on the next line). */
static lm_status statement(cursor *c, const char *line_start, valbuf *v, lm_dotenv_fn fn,
                           void *ctx, parse_error *e)
{
  const char *stop = eol(c->p, c->end);
  unsigned long name_line = c->line;
  /* django-environ: ^(export )?[A-Za-z_0-9]+=  with nothing around '=' */
  int django = c->p == line_start;
  if ((size_t)(stop - c->p) > 7 && memcmp(c->p, "export", 6) == 0 && is_blank(c->p[6])) {
    c->p += 6;
    django = django && c->p[0] == ' ' && !is_blank(c->p[1]);
    skip_blanks(c);
  }
  const char *name, *name_end;
  if (c->p < stop && *c->p == '\'') {
    /* python-dotenv's quoted names: 'NAME'=value */
    name = c->p + 1;
    name_end = name;
    size_t n;
    while (name_end < stop && *name_end != '\'' &&
           (n = *name_end == ' ' || *name_end == ':' ? 1 : name_char(name_end, stop)))
      name_end += n;
    if (name_end == name || name_end >= stop || *name_end != '\'') {
      e->line = name_line, e->what = "expected a variable name";
      return LM_ERR_SYNTAX;
    }
    c->p = name_end + 1;
    django = 0;
  } else {
    name = c->p;
    size_t n;
    while (c->p < stop && (n = name_char(c->p, stop)))
      c->p += n;
    /* A ':' is compose's YAML-style separator unless the name goes on to
     * an '=' (python-dotenv names may hold ':'). */
    if (c->p < stop && *c->p == ':' && c->p > name) {
      const char *q = c->p + 1;
      while (q < stop && (*q == ':' || (n = name_char(q, stop)))) {
        q += *q == ':' ? 1 : n;
      }
      if (q < stop && *q == '=')
        c->p = q;
    }
    name_end = c->p;
    if (name_end == name) {
      e->line = name_line, e->what = "expected a variable name";
      return LM_ERR_SYNTAX;
    }
  }
  for (const char *q = name; q < name_end; q++)
    django = django && is_django_name_char(*q);
  size_t name_len = (size_t)(name_end - name);
  if (c->p < stop && is_blank(*c->p))
    django = 0;
  skip_blanks(c);
  if (rest_is_empty(c->p, stop)) {
    /* A bare NAME: compose takes the value from its own environment,
     * python-dotenv gives None.  Nothing is assigned here. */
    next_line(c, stop);
    return LM_OK;
  }
  if (*c->p != '=' && *c->p != ':') {
    e->line = name_line, e->what = "expected '=' after the variable name";
    return LM_ERR_SYNTAX;
  }
  django = django && *c->p == '=';
  c->p++;
  const char *raw = c->p;
  skip_blanks(c);

  v->len = 0;
  if (v->data)
    v->data[0] = '\0';
  int r;
  if (c->p < c->end && (*c->p == '"' || *c->p == '\'' || *c->p == '`')) {
    char quote = *c->p;
    cursor saved = *c;
    r = parse_quoted(c, v);
    int junk = r == 0 && !rest_is_empty(c->p, eol(c->p, c->end));
    if (r == -1 || junk) {
      if (!django) {
        e->name = name, e->name_len = name_len;
        if (junk) {
          e->line = c->line, e->what = "unexpected text after the closing quote";
        } else {
          e->line = name_line;
          e->what = quote == '"'    ? "unterminated double-quoted value"
                    : quote == '\'' ? "unterminated single-quoted value"
                                    : "unterminated back-quoted value";
        }
        return LM_ERR_SYNTAX;
      }
      /* Only django-environ reads this line: take its value. */
      *c = saved;
      v->len = 0;
      r = parse_django(raw, stop, v);
      if (r == 0)
        next_line(c, stop);
    } else if (r == 0) {
      next_line(c, eol(c->p, c->end));
    }
  } else {
    r = parse_unquoted(c, v);
  }
  if (r == -2 || valbuf_push(v, '\0') != 0)
    return LM_ERR_NOMEM;
  v->len--; /* the pushed NUL terminates, it is not part of the value */
  char *key = strndup(name, name_len);
  if (!key)
    return LM_ERR_NOMEM;
  lm_status st = fn(ctx, key, v->data, v->len, name_line) != 0 ? LM_ERR_STATE : LM_OK;
  free(key);
  explicit_bzero(v->data, v->cap);
  return st;
}

lm_status lm_dotenv_parse(const char *text, size_t len, lm_dotenv_fn fn, void *ctx,
                          unsigned long *err_line, char *err, size_t err_cap) {
  cursor c = {text, text + len, 1};
  valbuf v = {NULL, 0, 0};
  lm_status st = LM_OK;
  parse_error e = {0, NULL, NULL, 0};
  if (!fn || (!text && len))
    return LM_ERR_ARG;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    c.p += 3;

  while (c.p < c.end && st == LM_OK) {
    const char *line_start = c.p;
    skip_blanks(&c);
    const char *stop = eol(c.p, c.end);
    if (c.p == stop || *c.p == '#') {
      next_line(&c, stop);
      continue;
    }
    st = statement(&c, line_start, &v, fn, ctx, &e);
  }
  if (v.data)
    explicit_bzero(v.data, v.cap);
  free(v.data);
  if (err_line)
    *err_line = st == LM_ERR_SYNTAX ? e.line : 0;
  if (err && err_cap) {
    err[0] = '\0';
    if (st == LM_ERR_SYNTAX && e.name)
      snprintf(err, err_cap, "%s of %.*s", e.what, (int)e.name_len, e.name);
    else if (st == LM_ERR_SYNTAX)
      snprintf(err, err_cap, "%s", e.what);
  }
  return st;
}
