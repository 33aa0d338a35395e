/* SPDX-License-Identifier: Apache-2.0 */
/* The git program for `logmask scan`; see scan_git.h.  git is run with
 * posix_spawnp, never through a shell: paths and revisions are argv words. */
#include <config.h>

#include "scan_git.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int git_start(const char *const *argv, struct git_child *child, int capture_stderr,
              int report_missing)
{
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  child->pid = -1;
  child->out = child->err = -1;
  if (pipe2(out, O_CLOEXEC) != 0 || (capture_stderr && pipe2(err, O_CLOEXEC) != 0)) {
    fprintf(stderr, "logmask scan: git: %s\n", strerror(errno));
    goto fail;
  }
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa) != 0)
    goto fail;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (capture_stderr)
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  /* git must not take our SIGPIPE disposition or a pager. */
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  int rc = posix_spawnp(&child->pid, "git", &fa, &attr, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (rc != ENOENT || report_missing)
      fprintf(stderr, "logmask scan: cannot run git: %s\n", strerror(rc));
    errno = rc;
    child->pid = -1;
    goto fail;
  }
  close(out[1]);
  child->out = out[0];
  if (capture_stderr) {
    close(err[1]);
    child->err = err[0];
  }
  return 0;
fail:
  for (int i = 0; i < 2; i++) {
    if (out[i] >= 0)
      close(out[i]);
    if (err[i] >= 0)
      close(err[i]);
  }
  return -1;
}

int git_finish(struct git_child *child, char *errbuf, size_t errcap)
{
  if (errbuf && errcap)
    errbuf[0] = '\0';
  if (child->out >= 0)
    close(child->out);
  if (child->err >= 0) {
    size_t len = 0;
    char sink[512];
    ssize_t n;
    while ((n = read(child->err, sink, sizeof sink)) != 0) {
      if (n < 0) {
        if (errno == EINTR)
          continue;
        break;
      }
      if (errbuf && len + 1 < errcap) {
        size_t take = (size_t)n < errcap - 1 - len ? (size_t)n : errcap - 1 - len;
        memcpy(errbuf + len, sink, take);
        len += take;
        errbuf[len] = '\0';
      }
    }
    close(child->err);
    if (errbuf)
      errbuf[strcspn(errbuf, "\n")] = '\0';
  }
  child->out = child->err = -1;
  int status;
  while (waitpid(child->pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  child->pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int git_work_tree(const char *dir)
{
  const char *argv[] = {"git", "-C", dir, "rev-parse", "--is-inside-work-tree", NULL};
  struct git_child child;
  if (git_start(argv, &child, 1, 0) < 0)
    return 0; /* no git: not a work tree as far as we can tell */
  char answer[16] = "";
  size_t len = 0;
  ssize_t n;
  while ((n = read(child.out, answer + len, sizeof answer - 1 - len)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    len += (size_t)n;
    if (len == sizeof answer - 1)
      break;
  }
  answer[len] = '\0';
  char why[256];
  int status = git_finish(&child, why, sizeof why);
  if (status == 0 && strcmp(answer, "true\n") == 0)
    return 1;
  /* "not a git repository" is the ordinary answer outside one; anything
   * else (dubious ownership, a broken .git) deserves a word, since the
   * walk that follows reads more than git would. */
  if (status != 0 && !strstr(why, "not a git repository"))
    fprintf(stderr, "logmask scan: %s: git: %s; walking the directory instead\n", dir, why);
  return 0;
}

int git_list_files(const char *dir, int untracked, git_file_fn fn, void *ctx)
{
  const char *tracked[] = {"git", "-C", dir, "ls-files", "-z", "--cached", NULL};
  const char *wider[] = {"git", "-C", dir, "ls-files", "-z", "--cached",
                         "--others", "--exclude-standard", NULL};
  struct git_child child;
  if (git_start(untracked ? wider : tracked, &child, 0, 1) < 0)
    return -1;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  int status = buf ? 0 : -1;
  char chunk[16384];
  ssize_t n;
  while (status == 0 && (n = read(child.out, chunk, sizeof chunk)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      status = -1;
      break;
    }
    for (ssize_t i = 0; i < n && status == 0; i++) {
      if (len + 1 >= cap) {
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
          status = -1;
          break;
        }
        buf = grown;
        cap *= 2;
      }
      buf[len++] = chunk[i];
      if (chunk[i] == '\0') {
        if (fn(ctx, buf) < 0)
          status = -2;
        len = 0;
      }
    }
  }
  free(buf);
  if (status == -1)
    fprintf(stderr, "logmask scan: %s: reading git ls-files: %s\n", dir,
            errno ? strerror(errno) : "out of memory");
  int rc = git_finish(&child, NULL, 0);
  if (status == 0 && rc != 0) {
    fprintf(stderr, "logmask scan: %s: git ls-files failed (exit %d)\n", dir, rc);
    status = -1;
  }
  return status < 0 ? -1 : 0;
}

char *git_unquote(const char *text, size_t len)
{
  char *out = malloc(len + 1);
  if (!out)
    return NULL;
  if (len < 2 || text[0] != '"') {
    memcpy(out, text, len);
    out[len] = '\0';
    return out;
  }
  size_t o = 0, i = 1;
  for (; i < len && text[i] != '"'; i++) {
    if (text[i] != '\\') {
      out[o++] = text[i];
      continue;
    }
    if (++i >= len)
      break;
    char c = text[i];
    switch (c) {
    case 'a': out[o++] = '\a'; break;
    case 'b': out[o++] = '\b'; break;
    case 'f': out[o++] = '\f'; break;
    case 'n': out[o++] = '\n'; break;
    case 'r': out[o++] = '\r'; break;
    case 't': out[o++] = '\t'; break;
    case 'v': out[o++] = '\v'; break;
    case '"': case '\\': out[o++] = c; break;
    default:
      if (c >= '0' && c <= '3' && i + 2 < len && text[i + 1] >= '0' && text[i + 1] <= '7' &&
          text[i + 2] >= '0' && text[i + 2] <= '7') {
        out[o++] = (char)((c - '0') << 6 | (text[i + 1] - '0') << 3 | (text[i + 2] - '0'));
        i += 2;
      } else {
        free(out);
        return NULL;
      }
    }
  }
  if (i >= len || o == 0 || memchr(out, '\0', o)) {
    free(out);
    return NULL;
  }
  out[o] = '\0';
  return out;
}
