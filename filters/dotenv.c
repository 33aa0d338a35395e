/* dotenv parsing; see dotenv.h for the accepted syntax. */
#include <config.h>

#include "dotenv.h"

#include <stdlib.h>
#include <string.h>

struct cursor {
  const char *p, *end;
  unsigned long line;
};

static int is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static int is_key_start(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_key_char(char c)
{
  return is_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static void skip_blanks(struct cursor *c)
{
  while (c->p < c->end && is_blank(*c->p))
    c->p++;
}

static void skip_to_line_end(struct cursor *c)
{
  while (c->p < c->end && *c->p != '\n')
    c->p++;
}

/* A quoted value into out; the cursor is on the opening quote.  Returns the
 * value length, or -1 when the quote is never closed. */
static long read_quoted(struct cursor *c, char *out)
{
  char quote = *c->p++;
  char *o = out;
  while (c->p < c->end && *c->p != quote) {
    char ch = *c->p++;
    if (ch == '\n')
      c->line++;
    if (ch == '\\' && quote == '"' && c->p < c->end) {
      char next = *c->p;
      switch (next) {
      case 'n': ch = '\n'; c->p++; break;
      case 'r': ch = '\r'; c->p++; break;
      case 't': ch = '\t'; c->p++; break;
      case '\\': case '"': case '$': case '\'': ch = next; c->p++; break;
      default: break; /* keep the backslash; the next byte follows as is */
      }
    }
    *o++ = ch;
  }
  if (c->p >= c->end)
    return -1;
  c->p++; /* closing quote */
  return o - out;
}

/* An unquoted value: up to the line end or a blank-preceded '#'. */
static long read_unquoted(struct cursor *c, char *out)
{
  const char *start = c->p;
  while (c->p < c->end && *c->p != '\n') {
    if (*c->p == '#' && c->p > start && is_blank(c->p[-1]))
      break;
    c->p++;
  }
  const char *stop = c->p;
  while (stop > start && (is_blank(stop[-1]) || stop[-1] == '\r'))
    stop--;
  memcpy(out, start, (size_t)(stop - start));
  skip_to_line_end(c);
  return stop - start;
}

static int fail(struct dotenv_error *err, unsigned long line, const char *message)
{
  err->line = line;
  err->message = message;
  return -1;
}

static int parse_all(struct cursor *c, char *scratch, dotenv_fn fn, void *ctx,
                     struct dotenv_error *err)
{
  while (c->p < c->end) {
    skip_blanks(c);
    if (c->p < c->end && *c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
      c->p++;
    if (c->p >= c->end)
      break;
    if (*c->p == '\n') {
      c->p++;
      c->line++;
      continue;
    }
    if (*c->p == '#') {
      skip_to_line_end(c);
      continue;
    }

    unsigned long line = c->line;
    if ((size_t)(c->end - c->p) > 7 && memcmp(c->p, "export", 6) == 0 &&
        is_blank(c->p[6])) {
      c->p += 7;
      skip_blanks(c);
    }
    if (c->p >= c->end || !is_key_start(*c->p))
      return fail(err, line, "expected KEY=value");
    char *key = scratch;
    size_t key_len = 0;
    while (c->p < c->end && is_key_char(*c->p))
      key[key_len++] = *c->p++;
    key[key_len] = '\0';
    skip_blanks(c);
    if (c->p >= c->end || *c->p != '=')
      return fail(err, line, "expected '=' after the key");
    c->p++;
    skip_blanks(c);

    char *value = key + key_len + 1;
    long value_len;
    if (c->p < c->end && (*c->p == '\'' || *c->p == '"' || *c->p == '`')) {
      value_len = read_quoted(c, value);
      if (value_len < 0)
        return fail(err, line, "quoted value never closed");
      skip_blanks(c);
      if (c->p < c->end && *c->p == '\r')
        c->p++;
      if (c->p < c->end && *c->p == '#')
        skip_to_line_end(c);
      if (c->p < c->end && *c->p != '\n')
        return fail(err, c->line, "unexpected text after the closing quote");
    } else {
      value_len = read_unquoted(c, value);
    }
    value[value_len] = '\0';
    int stop = fn(ctx, key, value, (size_t)value_len, line);
    explicit_bzero(scratch, key_len + 1 + (size_t)value_len + 1);
    if (stop)
      return stop;
  }
  return 0;
}

int dotenv_parse(const char *text, size_t len, dotenv_fn fn, void *ctx,
                 struct dotenv_error *err)
{
  /* Keys and values are never longer than the text they come from. */
  char *scratch = malloc(len + 2);
  if (!scratch)
    return -2;
  struct cursor c = {.p = text, .end = text + len, .line = 1};
  int rc = parse_all(&c, scratch, fn, ctx, err);
  explicit_bzero(scratch, len + 2);
  free(scratch);
  return rc;
}
