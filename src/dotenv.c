/* Environment files (.env), see lm_dotenv_parse in logmask.h.  A single
 * pass over the text with a cursor; values are built in a growing buffer
 * that is wiped after each use (they are secrets). */
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

static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_name_start(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int is_name_char(char c)
{
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static void skip_blanks(cursor *c)
{
  while (c->p < c->end && is_blank(*c->p))
    c->p++;
}

/* End of the current line, a trailing '\r' excluded. */
static const char *line_end(const cursor *c, const char **next)
{
  /* c->p <= c->end always; saying so keeps GCC from imagining a negative
   * length under -Werror=stringop-overread */
  size_t left = c->p < c->end ? (size_t)(c->end - c->p) : 0;
  const char *nl = left ? memchr(c->p, '\n', left) : NULL;
  const char *stop = nl ? nl : c->end;
  *next = nl ? nl + 1 : c->end;
  if (stop > c->p && stop[-1] == '\r')
    stop--;
  return stop;
}

/* After a value: blanks, then nothing or a comment, then the line end. */
static int finish_line(cursor *c)
{
  skip_blanks(c);
  const char *next;
  const char *stop = line_end(c, &next);
  if (c->p < stop && *c->p != '#')
    return -1;
  c->p = next;
  c->line++;
  return 0;
}

static int parse_quoted(cursor *c, char quote, valbuf *v, unsigned long *bad_line)
{
  c->p++; /* opening quote */
  while (c->p < c->end) {
    char ch = *c->p++;
    if (ch == quote)
      return 0;
    if (ch == '\n')
      c->line++;
    if (ch == '\\' && quote == '"' && c->p < c->end) {
      char e = *c->p++;
      switch (e) {
      case 'n': ch = '\n'; break;
      case 'r': ch = '\r'; break;
      case 't': ch = '\t'; break;
      case '"': case '\\': case '$': case '`': ch = e; break;
      case '\n':
        /* A backslash before a line end continues the line (shell rule). */
        c->line++;
        continue;
      default:
        if (valbuf_push(v, '\\') != 0)
          return -2;
        ch = e;
        if (e == '\n')
          c->line++;
        break;
      }
    }
    if (valbuf_push(v, ch) != 0)
      return -2;
  }
  *bad_line = c->line;
  return -1;
}

static int parse_unquoted(cursor *c, valbuf *v)
{
  const char *next;
  const char *stop = line_end(c, &next);
  const char *start = c->p;
  const char *q = start;
  /* A comment starts at '#' preceded by a blank (or at the value start). */
  while (q < stop && !(*q == '#' && (q == start || is_blank(q[-1]))))
    q++;
  while (q > start && is_blank(q[-1]))
    q--;
  for (const char *s = start; s < q; s++)
    if (valbuf_push(v, *s) != 0)
      return -2;
  c->p = next;
  c->line++;
  return 0;
}

lm_status lm_dotenv_parse(const char *text, size_t len, lm_dotenv_fn fn, void *ctx,
                          unsigned long *err_line, char *err, size_t err_cap) {
  cursor c = {text, text + len, 1};
  valbuf v = {NULL, 0, 0};
  lm_status st = LM_OK;
  unsigned long bad = 0;
  const char *what = NULL;
  const char *what_name = NULL; /* the variable a quote error is about */
  size_t what_len = 0;
  if (!fn || (!text && len))
    return LM_ERR_ARG;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    c.p += 3;

  while (c.p < c.end && st == LM_OK) {
    skip_blanks(&c);
    const char *next;
    const char *stop = line_end(&c, &next);
    if (c.p == stop || *c.p == '#') {
      c.p = next;
      c.line++;
      continue;
    }
    unsigned long name_line = c.line;
    if ((size_t)(stop - c.p) > 7 && memcmp(c.p, "export", 6) == 0 && is_blank(c.p[6])) {
      c.p += 6;
      skip_blanks(&c);
    }
    const char *name = c.p;
    /* "export" and blanks may end the text: check before reading */
    if (c.p >= stop || !is_name_start(*c.p)) {
      bad = name_line, what = "expected a variable name", st = LM_ERR_SYNTAX;
      break;
    }
    while (c.p < stop && is_name_char(*c.p))
      c.p++;
    size_t name_len = (size_t)(c.p - name);
    skip_blanks(&c);
    if (c.p >= stop || *c.p != '=') {
      bad = name_line, what = "expected '=' after the variable name", st = LM_ERR_SYNTAX;
      break;
    }
    c.p++;
    skip_blanks(&c);

    v.len = 0;
    if (v.data)
      v.data[0] = '\0';
    int r;
    unsigned long quote_line = 0;
    if (c.p < c.end && (*c.p == '"' || *c.p == '\'' || *c.p == '`')) {
      char quote = *c.p;
      r = parse_quoted(&c, quote, &v, &quote_line);
      if (r == -1) {
        bad = name_line, st = LM_ERR_SYNTAX;
        what = quote == '"'    ? "unterminated double-quoted value"
               : quote == '\'' ? "unterminated single-quoted value"
                               : "unterminated back-quoted value";
        what_name = name, what_len = name_len;
        break;
      }
      if (r == 0 && finish_line(&c) != 0) {
        bad = c.line, what = "unexpected text after the closing quote", st = LM_ERR_SYNTAX;
        what_name = name, what_len = name_len;
        break;
      }
    } else {
      r = parse_unquoted(&c, &v);
    }
    if (r == -2 || valbuf_push(&v, '\0') != 0) {
      st = LM_ERR_NOMEM;
      break;
    }
    v.len--; /* the pushed NUL terminates, it is not part of the value */
    char *key = strndup(name, name_len);
    if (!key) {
      st = LM_ERR_NOMEM;
      break;
    }
    if (fn(ctx, key, v.data, v.len, name_line) != 0)
      st = LM_ERR_STATE;
    free(key);
    if (v.data)
      explicit_bzero(v.data, v.cap);
  }
  if (v.data)
    explicit_bzero(v.data, v.cap);
  free(v.data);
  if (err_line)
    *err_line = bad;
  if (err && err_cap) {
    err[0] = '\0';
    if (what && what_name)
      snprintf(err, err_cap, "%s of %.*s", what, (int)what_len, what_name);
    else if (what)
      snprintf(err, err_cap, "%s", what);
  }
  return st;
}
