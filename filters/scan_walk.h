/* SPDX-License-Identifier: Apache-2.0 */
/* Which files `logmask scan` reads for its PATHs: git-tracked files inside
 * a work tree, else a walk in name order honouring .gitignore; excludes
 * applied either way. */
#ifndef LOGMASK_SCAN_WALK_H
#define LOGMASK_SCAN_WALK_H

#include <stddef.h>

/* Called for every regular file to scan.  `open_path` opens it from the
 * current directory; `report_path` is the name findings carry (exact
 * bytes).  Returns 0, or -1 after reporting an error (the walk goes on). */
typedef int (*walk_visit_fn)(void *ctx, const char *open_path, const char *report_path);

struct scan_walk {
  const char *const *excludes; /* --exclude globs */
  size_t exclude_count;
  int default_excludes;        /* skip .git, venv, node_modules, build... */
  int use_git;                 /* in a work tree, ask git which files */
  int untracked;               /* --all-files: untracked ones too */
  int gitignore;               /* honour .gitignore files (0: --no-gitignore) */
  walk_visit_fn visit;
  void *ctx;
  /* Counters, for the summary. */
  size_t errors;               /* paths reported as unreadable */
  size_t files;                /* files handed to visit */
  size_t excluded;             /* files and directories skipped by a glob */
  size_t ignored;              /* skipped by .gitignore (walks outside git) */
  size_t untracked_dirs;       /* directories walked with git that list nothing */
};

/* Walks one PATH (a file or a directory).  Problems are reported on stderr
 * and counted in w->errors; returns -1 only when out of memory. */
int walk_path(struct scan_walk *w, const char *path);

/* The same excludes for paths that come from elsewhere (history): the
 * default excludes, --exclude and the current directory's .logmaskignore.
 * walk_filter_new returns NULL when out of memory; walk_filter_excluded
 * counts what it excludes in w->excluded. */
struct walk_filter;
struct walk_filter *walk_filter_new(struct scan_walk *w);
int walk_filter_excluded(struct walk_filter *f, const char *rel);
void walk_filter_free(struct walk_filter *f);

/* The name the findings under a PATH argument start with: `path` without
 * a leading "./" or trailing slashes, empty for the current directory.
 * Returns its length; *name gets its start (inside `path`). */
size_t walk_root_name(const char *path, const char **name);

/* Whether the directory `name` is one of the default excludes (for tests
 * and the man page's list). */
int walk_default_excluded_dir(const char *name);

#endif
