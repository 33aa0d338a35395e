/* SPDX-License-Identifier: Apache-2.0 */
/* `logmask scan --git` and `--staged`: the lines commits (or the index)
 * add, read from git's patch text as a stream. */
#ifndef LOGMASK_SCAN_HISTORY_H
#define LOGMASK_SCAN_HISTORY_H

#include <stddef.h>

#include "scan_file.h"

/* Scans the added lines of `git log -p` over the revision arguments
 * (`revs`, none: every ref), limited to `paths` (after "--"); findings
 * carry the commit, its author date, the file (from the repository's top)
 * and the line in that commit's version of it.  Files `excluded` (may be
 * NULL) names are skipped.  With `staged`, the index
 * against HEAD (`git diff --cached`) instead, with no commit.  Returns 0,
 * or -1 after reporting (git failed or a patch was malformed). */
typedef int (*history_exclude_fn)(void *ctx, const char *path);
int scan_history(struct scanner *sc, int staged, const char *const *revs, size_t nrevs,
                 const char *const *paths, size_t npaths, history_exclude_fn excluded,
                 void *ctx, size_t *commits);

/* The patch parser alone, over any fd of `git log -p` / `git diff` text
 * in the format scan_history asks git for. */
int scan_patch_fd(struct scanner *sc, int fd, history_exclude_fn excluded, void *ctx,
                  size_t *commits);

#endif
