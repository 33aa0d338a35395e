/* Walking the PATHs of `logmask scan`: directories recursively in name
 * order, regular files handed to a callback, excludes applied. */
#ifndef LOGMASK_SCAN_WALK_H
#define LOGMASK_SCAN_WALK_H

#include <stddef.h>

/* Called for every regular file to scan.  `open_path` opens it from the
 * current directory; `report_path` is the name findings carry.  Returns 0,
 * or -1 after reporting an error (the walk goes on). */
typedef int (*walk_visit_fn)(void *ctx, const char *open_path, const char *report_path);

struct scan_walk {
  const char *const *excludes; /* --exclude globs */
  size_t exclude_count;
  int default_excludes;        /* apply .git, node_modules, *.min.js */
  walk_visit_fn visit;
  void *ctx;
  /* Counters, for the summary. */
  size_t errors;               /* paths reported as unreadable */
  size_t files;                /* files handed to visit */
  size_t excluded;             /* files and directories skipped by a glob */
};

/* Walks one PATH (a file or a directory).  Problems are reported on stderr
 * and counted in w->errors; returns -1 only when out of memory. */
int walk_path(struct scan_walk *w, const char *path);

#endif
