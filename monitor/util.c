/* SPDX-License-Identifier: Apache-2.0 */
/* util.c - see util.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

void mon_warn(const char *fmt, ...)
{
  va_list ap;
  fputs(MON_PROGRAM ": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

char *mon_vprintf(const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    return NULL;
  return s;
}

char *mon_printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *s = mon_vprintf(fmt, ap);
  va_end(ap);
  return s;
}

int mon_fail(char **err, const char *fmt, ...)
{
  if (!err)
    return -1;
  free(*err);
  va_list ap;
  va_start(ap, fmt);
  *err = mon_vprintf(fmt, ap);
  va_end(ap);
  if (!*err)
    *err = strdup("out of memory");
  return -1;
}

void mon_time_iso(time_t t, char *buf, size_t size)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mon_time_parse(const char *text, time_t *out)
{
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end)
    return -1;
  *out = timegm(&tm);
  return 0;
}

const char *mon_hostname(void)
{
  static char host[256];
  if (!host[0] && (gethostname(host, sizeof host - 1) != 0 || !host[0]))
    strcpy(host, "localhost");
  return host;
}

/* The person behind the command: sudo's caller first, then the login
 * name, then the account of the real uid. */
const char *mon_username(void)
{
  static char user[256];
  if (user[0])
    return user;
  const char *name = getenv("SUDO_USER");
  struct passwd *pw = NULL;
  if (!name || !*name) {
    pw = getpwuid(getuid());
    name = pw ? pw->pw_name : NULL;
  }
  if (name && *name)
    snprintf(user, sizeof user, "%s", name);
  else
    snprintf(user, sizeof user, "uid:%lu", (unsigned long)getuid());
  return user;
}

int mon_read_file(const char *path, char **data, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t cap = 0, used = 0;
  char *buf = NULL;
  for (;;) {
    if (cap - used < 2 && mon_grow(&buf, &cap, used, used + 4096, 1) != 0) {
      mon_wipe(buf, cap);
      free(buf);
      close(fd);
      errno = ENOMEM;
      return -1;
    }
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int saved = errno;
      mon_wipe(buf, cap);
      free(buf);
      close(fd);
      errno = saved;
      return -1;
    }
    if (n == 0)
      break;
    used += (size_t)n;
  }
  close(fd);
  buf[used] = '\0';
  *data = buf;
  *len = used;
  return 0;
}

int mon_grow(void *array_ptr, size_t *cap, size_t used, size_t need, size_t size)
{
  if (need <= *cap)
    return 0;
  size_t fresh_cap = *cap ? *cap : 8;
  while (fresh_cap < need) {
    if (fresh_cap > SIZE_MAX / 2)
      return -1;
    fresh_cap *= 2;
  }
  if (size && fresh_cap > SIZE_MAX / size)
    return -1;
  void *old;
  memcpy(&old, array_ptr, sizeof old);
  void *fresh = malloc(fresh_cap * size);
  if (!fresh)
    return -1;
  if (old) {
    memcpy(fresh, old, used * size);
    mon_wipe(old, *cap * size);
    free(old);
  }
  memcpy(array_ptr, &fresh, sizeof fresh);
  *cap = fresh_cap;
  return 0;
}

void mon_hex(const unsigned char *in, size_t len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * len] = '\0';
}

char *mon_dirname(const char *path)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    return strdup(".");
  if (slash == path)
    return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

int mon_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                     char **err)
{
  char *tmp = mon_printf("%s.tmp.XXXXXX", path);
  char *dir = mon_dirname(path);
  if (!tmp || !dir) {
    free(tmp);
    free(dir);
    return mon_fail(err, "out of memory");
  }
  int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    mon_fail(err, "%s: cannot create temporary file: %s", path, strerror(errno));
    goto fail_early;
  }
  if (fchmod(fd, mode) != 0)
    goto fail_io;
  for (size_t done = 0; done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      goto fail_io;
    }
    done += (size_t)n;
  }
  if (fsync(fd) != 0)
    goto fail_io;
  if (close(fd) != 0) {
    fd = -1;
    goto fail_io;
  }
  fd = -1;
  if (rename(tmp, path) != 0)
    goto fail_io;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  free(tmp);
  free(dir);
  return 0;

fail_io:
  mon_fail(err, "%s: cannot write: %s", path, strerror(errno));
  if (fd >= 0)
    close(fd);
  unlink(tmp);
fail_early:
  free(tmp);
  free(dir);
  return -1;
}

void mon_wipe(void *p, size_t len)
{
  if (p && len)
    OPENSSL_cleanse(p, len);
}

/* One extra byte so values can be NUL-terminated for printing-free use. */
char *mon_secret_alloc(size_t len)
{
  char *p = calloc(1, len + 1);
  if (!p)
    return NULL;
  /* Keeps secrets out of swap where the limit allows; EPERM/ENOMEM are
   * expected for unprivileged runs and change nothing else. */
  (void)mlock(p, len + 1);
  return p;
}

void mon_secret_free(char *p, size_t len)
{
  if (!p)
    return;
  mon_wipe(p, len + 1);
  (void)munlock(p, len + 1);
  free(p);
}

#define ARENA_BLOCK (256u << 10)

char *mon_arena_alloc(mon_arena *a, size_t len)
{
  size_t need = len + 1;
  if (need <= ARENA_BLOCK / 4 && need <= a->left) {
    char *p = a->blocks[a->n - 1].p + (ARENA_BLOCK - a->left);
    a->left -= need;
    return p;
  }
  int dedicated = need > ARENA_BLOCK / 4;
  size_t size = dedicated ? need : ARENA_BLOCK;
  if (mon_grow(&a->blocks, &a->cap, a->n, a->n + 1, sizeof *a->blocks) != 0)
    return NULL;
  char *block = mon_secret_alloc(size - 1);
  if (!block)
    return NULL;
  struct mon_block fresh = { block, size };
  if (dedicated && a->left) {
    /* Keep the shared block with free space last. */
    a->blocks[a->n] = a->blocks[a->n - 1];
    a->blocks[a->n - 1] = fresh;
    a->n++;
    return block;
  }
  a->blocks[a->n++] = fresh;
  if (dedicated) {
    a->left = 0;
    return block;
  }
  a->left = ARENA_BLOCK - need;
  return block;
}

void mon_arena_free(mon_arena *a)
{
  for (size_t i = 0; i < a->n; i++)
    mon_secret_free(a->blocks[i].p, a->blocks[i].size - 1);
  free(a->blocks);
  memset(a, 0, sizeof *a);
}

void mon_child_reset(void)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal(sig, SIG_DFL);
}

int mon_glob_match(const char *glob, const char *name)
{
  return fnmatch(glob, name, FNM_CASEFOLD) == 0;
}
