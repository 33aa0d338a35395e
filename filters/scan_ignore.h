/* SPDX-License-Identifier: Apache-2.0 */
/* .gitignore files for walks outside a git work tree (inside one, git
 * itself decides): the patterns of gitignore(5), read directory by
 * directory on the way down. */
#ifndef LOGMASK_SCAN_IGNORE_H
#define LOGMASK_SCAN_IGNORE_H

#include <stddef.h>

struct ignore_pattern;

/* The patterns of one directory's .gitignore; `up` is the parent
 * directory's (a stack on the walk's way down). */
struct gitignore {
  struct ignore_pattern *items;
  size_t count;
  char *dir;                    /* the directory, relative to the walk ("" at the top) */
  const struct gitignore *up;
};

/* Reads OPEN_DIR/.gitignore (absent: no patterns) for the directory
 * `rel_dir`.  Returns 0, 1 after reporting a read error (no patterns), or
 * -1 when out of memory. */
int gitignore_load(struct gitignore *g, const char *open_dir, const char *rel_dir,
                   const struct gitignore *up);
void gitignore_free(struct gitignore *g);

/* Whether `rel` (relative to the walk, no leading "./") is ignored by the
 * stack ending at g: the deepest file with a matching pattern decides, and
 * in a file the last matching pattern ("!" re-includes). */
int gitignore_ignored(const struct gitignore *g, const char *rel, int is_dir);

/* Hands each line of the file `path` (its line end removed) to fn.
 * Returns 0 (also when there is no such file), 1 after reporting a read
 * error, or -1 when fn returned -1 (out of memory). */
typedef int (*ignore_line_fn)(void *ctx, char *line);
int ignore_file_read(const char *path, ignore_line_fn fn, void *ctx);

/* gitignore(5) glob matching of `text` against `pattern`: '*' and '?' stop
 * at '/', "**" spans directories, [...] classes.  For tests and reuse. */
int gitignore_glob(const char *pattern, const char *text);

#endif
