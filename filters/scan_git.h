/* SPDX-License-Identifier: Apache-2.0 */
/* Running the git program for `logmask scan`: is a directory in a work
 * tree, which files does it track, and the patch text of history. */
#ifndef LOGMASK_SCAN_GIT_H
#define LOGMASK_SCAN_GIT_H

#include <stddef.h>
#include <sys/types.h>

/* Starts `git ARGV...` (argv[0] is "git") with its standard output on a
 * pipe (*out) and standard input from /dev/null; stderr is captured when
 * `errbuf` is not NULL (read by git_finish), else shared with ours.
 * Returns 0, or -1 after reporting (git missing: errno ENOENT, reported
 * only when `report_missing`). */
struct git_child {
  pid_t pid;
  int out;      /* read end of git's stdout */
  int err;      /* read end of git's stderr, or -1 */
};
int git_start(const char *const *argv, struct git_child *child, int capture_stderr,
              int report_missing);
/* Closes the pipes, waits, and returns git's exit status (0..255), or -1
 * when it died of a signal or could not be waited for.  `errbuf` (may be
 * NULL) gets the first line of captured stderr. */
int git_finish(struct git_child *child, char *errbuf, size_t errcap);

/* 1 when `dir` is inside a git work tree, 0 when not (or git is not
 * installed, or refuses the repository: then a note says so), -1 when out
 * of memory. */
int git_work_tree(const char *dir);

/* Calls fn with each file `git ls-files` names under `dir` (relative to
 * dir, exact bytes): the tracked files, with `untracked` also those
 * .gitignore does not ignore.  fn returns 0 or -1 to stop.  Returns 0, or
 * -1 after reporting (git failed, or fn stopped). */
typedef int (*git_file_fn)(void *ctx, const char *rel);
int git_list_files(const char *dir, int untracked, git_file_fn fn, void *ctx);

/* Decodes a path as git writes it in patch headers: C-quoted
 * ("a\tb\303\251") or bare.  Returns a new string of the exact bytes, or
 * NULL when out of memory or malformed. */
char *git_unquote(const char *text, size_t len);

#endif
