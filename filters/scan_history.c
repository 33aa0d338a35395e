/* SPDX-License-Identifier: Apache-2.0 */
/* History scanning; see scan_history.h.
 *
 * git is asked for a patch that is easy to read without guessing:
 *   NUL "commit " HASH " " AUTHOR-DATE      one line per commit
 *   "diff --git ..." ... "+++ b/PATH"       per file ("+++ /dev/null" when
 *                                           deleted); PATH C-quoted when odd
 *   "@@ -a,b +c,d @@ ..."                   a hunk with no context lines:
 *                                           b lines "-...", then d lines "+..."
 * A NUL cannot start any other line, and the hunk header's counts say
 * which lines are content, so a content line such as "+++ x" is never
 * taken for a header. */
#include <config.h>

#include "scan_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_git.h"
#include "scan_preview.h"

/* Longest header line kept (a path, a hash and a date fit many times). */
#define HEADER_MAX ((size_t)65536)

/* What a patch line is, decided by its first piece: a long line's later
 * pieces are the same kind (the bytes of a removed line must never be
 * read as a header). */
enum line_kind { LINE_HEADER, LINE_ADDED, LINE_SKIPPED };

struct patch {
  struct scanner *sc;
  char commit[SCAN_COMMIT_MAX + 1];
  char date[64];
  char *path;                 /* the file of the hunks that follow, or NULL */
  unsigned long minus, plus;  /* lines left in the current hunk */
  unsigned long next;         /* line number of the next added line */
  enum line_kind kind;        /* what the current line (all its pieces) is */
  char *hdr;                  /* the current header line, gathered */
  size_t hdr_len;
  int hdr_over;
  size_t commits;
  history_exclude_fn excluded;
  void *ctx;
  int bad;                    /* a malformed patch was reported */
};

static int header_line(struct patch *p, const char *line, size_t len)
{
  if (len > 8 && line[0] == '\0' && memcmp(line + 1, "commit ", 7) == 0) {
    const char *hash = line + 8;
    size_t hlen = strcspn(hash, " ");
    if (hlen == 0 || hlen > SCAN_COMMIT_MAX || hash + hlen >= line + len) {
      fputs("logmask scan: git log: malformed commit line\n", stderr);
      p->bad = 1;
      return 0;
    }
    memcpy(p->commit, hash, hlen);
    p->commit[hlen] = '\0';
    size_t dlen = (size_t)(line + len - (hash + hlen + 1));
    if (dlen >= sizeof p->date)
      dlen = sizeof p->date - 1;
    memcpy(p->date, hash + hlen + 1, dlen);
    p->date[dlen] = '\0';
    p->commits++;
    free(p->path);
    p->path = NULL;
    p->minus = p->plus = 0;
    return 0;
  }
  if (len >= 11 && memcmp(line, "diff --git ", 11) == 0) {
    free(p->path);
    p->path = NULL;
    p->minus = p->plus = 0;
    return 0;
  }
  if (len >= 4 && memcmp(line, "+++ ", 4) == 0) {
    free(p->path);
    p->path = NULL;
    if (len == 13 && memcmp(line + 4, "/dev/null", 9) == 0)
      return 0;
    char *path = git_unquote(line + 4, len - 4);
    if (!path)
      return -1;
    if (strncmp(path, "b/", 2) != 0 || path[2] == '\0') {
      fputs("logmask scan: git: unexpected file header in the patch\n", stderr);
      free(path);
      p->bad = 1;
      return 0;
    }
    memmove(path, path + 2, strlen(path + 2) + 1);
    if (p->excluded && p->excluded(p->ctx, path)) {
      free(path);
      return 0; /* its hunks are read and skipped */
    }
    p->path = path;
    int in_commit = p->commit[0] != '\0';
    return scanner_begin(p->sc, p->path, in_commit ? p->commit : NULL,
                         in_commit ? p->date : NULL, 0);
  }
  if (len >= 3 && memcmp(line, "@@ ", 3) == 0) {
    /* @@ -a[,b] +c[,d] @@ */
    unsigned long a, b = 1, c, d = 1;
    const char *s = line + 3;
    char *end;
    if (*s != '-')
      goto bad;
    a = strtoul(s + 1, &end, 10);
    if (*end == ',')
      b = strtoul(end + 1, &end, 10);
    if (*end != ' ' || end[1] != '+')
      goto bad;
    c = strtoul(end + 2, &end, 10);
    if (*end == ',')
      d = strtoul(end + 1, &end, 10);
    if (*end != ' ')
      goto bad;
    (void)a;
    p->minus = b;
    p->plus = d;
    p->next = c;
    return 0;
  bad:
    fputs("logmask scan: git: malformed hunk header in the patch\n", stderr);
    p->bad = 1;
    return 0;
  }
  /* index, mode, similarity, "--- a/...", "Binary files ... differ":
   * nothing to scan. */
  return 0;
}

static int patch_piece(void *ctx, unsigned long lineno, const char *data, size_t len,
                       size_t offset, size_t chars_before, size_t fresh, int last)
{
  struct patch *p = ctx;
  (void)lineno;
  if (offset == 0) {
    p->kind = LINE_HEADER;
    p->hdr_len = 0;
    p->hdr_over = 0;
    if (p->minus > 0 && len > 0 && data[0] == '-') {
      p->minus--;
      p->kind = LINE_SKIPPED;
      return 0;
    }
    if (p->minus == 0 && p->plus > 0 && len > 0 && data[0] == '+') {
      p->plus--;
      p->kind = LINE_ADDED;
      if (!p->path)
        return 0;
      p->sc->lines++;
      if (!last)
        p->sc->long_lines++;
      return scanner_piece(p->sc, p->next++, data + 1, len - 1, 0, 0, last);
    }
    if (len > 0 && data[0] == '\\') {
      p->kind = LINE_SKIPPED; /* "\ No newline at end of file" */
      return 0;
    }
    if (p->minus > 0 || p->plus > 0) {
      fputs("logmask scan: git: a hunk ends early in the patch\n", stderr);
      p->bad = 1;
      p->minus = p->plus = 0;
    }
  } else if (p->kind == LINE_ADDED) {
    if (!p->path)
      return 0;
    /* The '+' was the first byte of the line, not of the file's line. */
    return scanner_piece(p->sc, p->next - 1, data, len, offset - 1, chars_before - 1, last);
  } else if (p->kind == LINE_SKIPPED) {
    return 0;
  }
  /* A header line: gather it whole, up to a bound. */
  const char *add = data + (offset == 0 ? 0 : fresh);
  size_t n = len - (offset == 0 ? 0 : fresh);
  if (p->hdr_len + n > HEADER_MAX) {
    p->hdr_over = 1;
    n = HEADER_MAX - p->hdr_len;
  }
  memcpy(p->hdr + p->hdr_len, add, n);
  p->hdr_len += n;
  if (!last)
    return 0;
  if (p->hdr_over) {
    if (p->hdr_len >= 4 && memcmp(p->hdr, "+++ ", 4) == 0) {
      fputs("logmask scan: git: a file name in the patch is too long\n", stderr);
      p->bad = 1;
    }
    return 0;
  }
  if (p->hdr_len > 0 && p->hdr[0] == '-')
    return 0;
  return header_line(p, p->hdr, p->hdr_len) < 0 ? -1 : 0;
}

int scan_patch_fd(struct scanner *sc, int fd, history_exclude_fn excluded, void *ctx,
                  size_t *commits)
{
  struct patch p = {.sc = sc, .excluded = excluded, .ctx = ctx};
  p.hdr = malloc(HEADER_MAX);
  if (!p.hdr) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  int rc = scan_read_lines(fd, sc->max_line, sc->overlap, 0, patch_piece, &p, "git output");
  if (sc->tick)
    sc->tick(sc->tick_ctx, "git history");
  scanner_end(sc);
  free(p.path);
  free(p.hdr);
  if (commits)
    *commits = p.commits;
  return rc < 0 || p.bad ? -1 : 0;
}

int scan_history(struct scanner *sc, int staged, const char *const *revs, size_t nrevs,
                 const char *const *paths, size_t npaths, history_exclude_fn excluded,
                 void *ctx, size_t *commits)
{
  static const char *const common[] = {
    "git", "-c", "core.quotePath=true", "-c", "log.showSignature=false",
    "-c", "diff.noprefix=false"};
  static const char *const log_args[] = {
    "log", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
    "--no-relative", "--full-history", "--src-prefix=a/", "--dst-prefix=b/",
    "--format=format:%x00commit %H %aI"};
  static const char *const diff_args[] = {
    "diff", "--cached", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
    "--no-renames", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/"};
  size_t ncommon = sizeof common / sizeof *common;
  size_t nfixed = staged ? sizeof diff_args / sizeof *diff_args
                         : sizeof log_args / sizeof *log_args;
  const char **argv = calloc(ncommon + nfixed + nrevs + npaths + 4, sizeof *argv);
  if (!argv) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < ncommon; i++)
    argv[k++] = common[i];
  for (size_t i = 0; i < nfixed; i++)
    argv[k++] = staged ? diff_args[i] : log_args[i];
  if (!staged && nrevs == 0)
    argv[k++] = "--all";
  for (size_t i = 0; i < nrevs; i++)
    argv[k++] = revs[i];
  argv[k++] = "--";
  for (size_t i = 0; i < npaths; i++)
    argv[k++] = paths[i];
  argv[k] = NULL;
  struct git_child child;
  int status = git_start(argv, &child, 0, 1);
  free(argv);
  if (status < 0)
    return -1;
  int rc = scan_patch_fd(sc, child.out, excluded, ctx, commits);
  int exit_status = git_finish(&child, NULL, 0);
  if (exit_status != 0) {
    fprintf(stderr, "logmask scan: git %s failed (exit %d)\n", staged ? "diff --cached" : "log",
            exit_status);
    return -1;
  }
  return rc;
}
