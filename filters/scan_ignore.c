/* SPDX-License-Identifier: Apache-2.0 */
/* gitignore(5) patterns; see scan_ignore.h. */
#include <config.h>

#include "scan_ignore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "**" more often than this in one pattern makes it ignored: each one
 * multiplies the matching work. */
#define MAX_DOUBLE_STARS 4

struct ignore_pattern {
  char *glob;       /* without "!", the trailing '/' or a leading '/' */
  int negate;       /* "!pattern" */
  int dir_only;     /* "pattern/" */
  int anchored;     /* a '/' before the end: relative to the file's directory */
};

/* A [...] class at p (after '['): 1 match, 0 no match, -1 not a class
 * (then '[' is literal); *end gets the byte after ']'. */
static int class_match(const char *p, unsigned char c, const char **end)
{
  int negate = *p == '!' || *p == '^';
  if (negate)
    p++;
  int hit = 0;
  const char *start = p;
  while (*p && (*p != ']' || p == start)) {
    unsigned char lo = (unsigned char)*p, hi;
    if (*p == '\\' && p[1])
      lo = (unsigned char)*++p;
    p++;
    if (p[0] == '-' && p[1] && p[1] != ']') {
      const char *q = p + 1;
      if (*q == '\\' && q[1])
        q++;
      hi = (unsigned char)*q;
      p = q + 1;
    } else {
      hi = lo;
    }
    if (c >= lo && c <= hi)
      hit = 1;
  }
  if (*p != ']')
    return -1;
  *end = p + 1;
  return hit != negate;
}

static int glob_at(const char *p, const char *s, int stars_left)
{
  const char *star_p = NULL, *star_s = NULL; /* the last '*', for backtracking */
  for (;;) {
    if (p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0') && stars_left > 0) {
      const char *rest = p + 2;
      if (*rest == '\0')
        return 1; /* trailing "**": everything below */
      rest++; /* a "**" then a slash: zero or more whole directories */
      for (const char *t = s;;) {
        if (glob_at(rest, t, stars_left - 1))
          return 1;
        t = strchr(t, '/');
        if (!t)
          return 0;
        t++;
      }
    }
    if (*p == '*') {
      while (*p == '*')
        p++;
      star_p = p;
      star_s = s;
      continue;
    }
    if (*s == '\0') {
      if (*p == '\0')
        return 1;
      goto backtrack;
    }
    if (*p == '?' && *s != '/') {
      p++;
      s++;
      continue;
    }
    if (*p == '[') {
      const char *end;
      int m = class_match(p + 1, (unsigned char)*s, &end);
      if (m == 1 && *s != '/') {
        p = end;
        s++;
        continue;
      }
      if (m == 0 || m == 1)
        goto backtrack;
    }
    {
      const char *lit = p;
      if (*lit == '\\' && lit[1])
        lit++;
      if (*lit != '\0' && *lit == *s) {
        p = lit + 1;
        s++;
        continue;
      }
    }
  backtrack:
    /* The last '*' takes one more byte, but never a '/'. */
    if (!star_p || *star_s == '\0' || *star_s == '/')
      return 0;
    star_s++;
    p = star_p;
    s = star_s;
  }
}

int gitignore_glob(const char *pattern, const char *text)
{
  return glob_at(pattern, text, MAX_DOUBLE_STARS);
}

static int add_pattern(struct gitignore *g, char *line)
{
  size_t n = strlen(line);
  /* Trailing blanks go unless escaped with a backslash. */
  while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t') &&
         !(n >= 2 && line[n - 2] == '\\'))
    line[--n] = '\0';
  if (n == 0 || line[0] == '#')
    return 0;
  struct ignore_pattern pat = {0};
  if (line[0] == '!') {
    pat.negate = 1;
    line++;
    n--;
  } else if (line[0] == '\\' && (line[1] == '#' || line[1] == '!')) {
    line++;
    n--;
  }
  if (n > 0 && line[n - 1] == '/') {
    pat.dir_only = 1;
    line[--n] = '\0';
  }
  if (n == 0)
    return 0;
  pat.anchored = strchr(line, '/') != NULL;
  if (line[0] == '/')
    line++;
  if (*line == '\0')
    return 0;
  struct ignore_pattern *items = realloc(g->items, (g->count + 1) * sizeof *items);
  if (!items)
    return -1;
  g->items = items;
  if (!(pat.glob = strdup(line)))
    return -1;
  g->items[g->count++] = pat;
  return 0;
}

int ignore_file_read(const char *path, ignore_line_fn fn, void *ctx)
{
  FILE *f = fopen(path, "re");
  if (!f) {
    int absent = errno == ENOENT || errno == ENOTDIR;
    if (!absent)
      fprintf(stderr, "logmask scan: %s: %s\n", path, strerror(errno));
    return absent ? 0 : 1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = 0;
  while (status == 0 && (n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (fn(ctx, line) < 0)
      status = -1;
  }
  if (status == 0 && ferror(f)) {
    fprintf(stderr, "logmask scan: %s: read error: %s\n", path, strerror(errno));
    status = 1;
  }
  free(line);
  fclose(f);
  return status;
}

static int add_pattern_line(void *ctx, char *line)
{
  return add_pattern(ctx, line);
}

int gitignore_load(struct gitignore *g, const char *open_dir, const char *rel_dir,
                   const struct gitignore *up)
{
  memset(g, 0, sizeof *g);
  g->up = up;
  if (!(g->dir = strdup(rel_dir)))
    return -1;
  char *path = NULL;
  if (asprintf(&path, "%s/.gitignore", open_dir) < 0)
    return -1;
  int status = ignore_file_read(path, add_pattern_line, g);
  free(path);
  return status;
}

void gitignore_free(struct gitignore *g)
{
  for (size_t i = 0; i < g->count; i++)
    free(g->items[i].glob);
  free(g->items);
  free(g->dir);
  memset(g, 0, sizeof *g);
}

int gitignore_ignored(const struct gitignore *g, const char *rel, int is_dir)
{
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  for (; g; g = g->up) {
    size_t dlen = strlen(g->dir);
    const char *below = rel;
    if (dlen > 0) {
      if (strncmp(rel, g->dir, dlen) != 0 || rel[dlen] != '/')
        continue;
      below = rel + dlen + 1;
    }
    for (size_t i = g->count; i-- > 0;) {
      const struct ignore_pattern *p = &g->items[i];
      if (p->dir_only && !is_dir)
        continue;
      if (gitignore_glob(p->glob, p->anchored ? below : base))
        return !p->negate;
    }
  }
  return 0;
}
