/* A dotenv parser: the KEY=value files applications keep secrets in.
 *
 * Accepted: blank lines; comments ('#' first on a line, or after blank
 * space following an unquoted value or a closing quote); an optional
 * `export ` prefix; KEY of [A-Za-z_][A-Za-z0-9_.-]*; blanks around '=';
 * values unquoted (trailing blanks and CR removed), 'single quoted'
 * (verbatim), "double quoted" (\n \r \t \\ \" \$ \' escapes; other
 * backslashes kept) or `backquoted` (verbatim); quoted values may span
 * lines.  No ${VAR} expansion: the text is taken as written. */
#ifndef LOGMASK_DOTENV_H
#define LOGMASK_DOTENV_H

#include <stddef.h>

/* One KEY=value.  `key` and `value` are NUL-terminated but `value` may hold
 * NULs (use len); both are wiped after the call returns.  `line` is where
 * the assignment starts.  Return 0 to go on, non-zero to stop. */
typedef int (*dotenv_fn)(void *ctx, const char *key, const char *value, size_t len,
                         unsigned long line);

struct dotenv_error {
  unsigned long line;   /* 1-based line of the syntax error */
  const char *message;  /* static text */
};

/* Parses `text` (len bytes).  Returns 0 when every assignment was handed
 * to fn; -1 on a syntax error (filled *err); the callback's non-zero value
 * when it stopped; -2 when out of memory. */
int dotenv_parse(const char *text, size_t len, dotenv_fn fn, void *ctx,
                 struct dotenv_error *err);

#endif
