/* SPDX-License-Identifier: Apache-2.0 */
/* sources.c - see sources.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "sources.h"
#include "dotenv.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *source_name(const source_cfg *s)
{
  return s->kind == SOURCE_ENV ? "env" : s->path;
}

const char *source_kind_name(source_kind kind)
{
  switch (kind) {
  case SOURCE_DOTENV: return "dotenv";
  case SOURCE_FILE: return "file";
  case SOURCE_DIR: return "dir";
  case SOURCE_ENV: return "env";
  case SOURCE_ENV_OF: return "env-of";
  }
  return "?";
}

typedef struct loader {
  const config *cfg;
  secret_set *set;
  const source_cfg *src;
  source_state *state;
  char **err;
  mon_index dups;            /* set->dups by (source, name) */
} loader;

typedef struct key_ref {
  const secret_set *set;
  const char *source, *name;
} key_ref;

static int secret_eq(const void *vctx, size_t pos)
{
  const key_ref *k = vctx;
  const secret *s = &k->set->v[pos];
  return !s->shadowed && strcmp(s->source, k->source) == 0 && strcmp(s->name, k->name) == 0;
}

long secret_find(const secret_set *set, const char *source, const char *name)
{
  key_ref k = { set, source, name };
  return mon_index_find(&set->by_name, mon_index_hash(source, name), secret_eq, &k);
}

static int dup_eq(const void *vctx, size_t pos)
{
  const key_ref *k = vctx;
  const duplicate *d = &k->set->dups[pos];
  return strcmp(d->source, k->source) == 0 && strcmp(d->name, k->name) == 0;
}

static int ignored(const config *cfg, const char *name)
{
  for (size_t i = 0; i < cfg->ignore_globs.n; i++)
    if (mon_glob_match(cfg->ignore_globs.v[i], name))
      return 1;
  return 0;
}

/* A second (third...) assignment of a name in one file: the earlier one is
 * shadowed, and the repetition recorded. */
static int note_duplicate(loader *l, secret *earlier, unsigned long line)
{
  mon_index *dups = &l->dups;
  secret_set *set = l->set;
  earlier->shadowed = 1;
  key_ref k = { set, earlier->source, earlier->name };
  uint64_t h = mon_index_hash(earlier->source, earlier->name);
  long at = mon_index_find(dups, h, dup_eq, &k);
  if (at >= 0) {
    set->dups[at].last_line = line;
    set->dups[at].count++;
    return 0;
  }
  if (mon_grow(&set->dups, &set->dups_cap, set->n_dups, set->n_dups + 1, sizeof *set->dups) != 0)
    return mon_fail(l->err, "out of memory");
  duplicate *d = &set->dups[set->n_dups];
  *d = (duplicate){ earlier->source, strdup(earlier->name), earlier->line, line, 2 };
  if (!d->name || mon_index_add(dups, h, set->n_dups) != 0) {
    free(d->name);
    return mon_fail(l->err, "out of memory");
  }
  set->n_dups++;
  return 0;
}

/* Adds a secret; the value is copied into locked memory. */
static int add_secret(loader *l, const char *name, const char *value, size_t len,
                      unsigned long line)
{
  secret_set *set = l->set;
  if (ignored(l->cfg, name))
    return 0;
  const char *source = source_name(l->src);
  long earlier = secret_find(set, source, name);
  if (earlier >= 0 && note_duplicate(l, &set->v[earlier], line) != 0)
    return -1;
  if (mon_grow(&set->v, &set->cap, set->n, set->n + 1, sizeof *set->v) != 0)
    return mon_fail(l->err, "out of memory");
  secret *s = &set->v[set->n];
  *s = (secret){ .cfg = l->src, .source = source, .len = len, .line = line };
  s->name = strdup(name);
  s->value = mon_arena_alloc(&set->values, len);
  if (!s->name || !s->value ||
      mon_index_add(&set->by_name, mon_index_hash(source, name), set->n) != 0) {
    free(s->name);
    return mon_fail(l->err, "out of memory");
  }
  memcpy(s->value, value, len);
  s->value[len] = '\0';
  set->n++;
  return 0;
}

static int add_file_state(loader *l, const char *path, const char *secret_name,
                          const struct stat *st)
{
  secret_set *set = l->set;
  if (mon_grow(&set->files, &set->files_cap, set->n_files, set->n_files + 1,
               sizeof *set->files) != 0)
    return mon_fail(l->err, "out of memory");
  file_state *f = &set->files[set->n_files];
  f->path = strdup(path);
  f->secret = secret_name ? strdup(secret_name) : NULL;
  if (!f->path || (secret_name && !f->secret)) {
    free(f->path);
    free(f->secret);
    return mon_fail(l->err, "out of memory");
  }
  f->cfg = l->src;
  f->st = *st;
  set->n_files++;
  return 0;
}

/* Records why the source cannot be read completely (the first reason
 * wins).  -1 only when out of memory. */
static int source_error(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int source_error(loader *l, const char *fmt, ...)
{
  if (l->state->error)
    return 0;
  va_list ap;
  va_start(ap, fmt);
  l->state->error = mon_vprintf(fmt, ap);
  va_end(ap);
  return l->state->error ? 0 : mon_fail(l->err, "out of memory");
}

/* Absent (no such file: the source or secret is missing) or unreadable
 * (anything else: permissions, a directory, a FIFO...). */
static int is_absent(int e) { return e == ENOENT || e == ENOTDIR; }

/* Reads a whole (small) file into locked memory.  -1 with errno (EFBIG
 * over the size limit, EINVAL not a regular file). */
static int read_secret_file(const config *cfg, const char *path, struct stat *st, char **data,
                            size_t *len, size_t *alloc)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return -1;
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    int saved = S_ISREG(st->st_mode) ? errno : EINVAL;
    close(fd);
    errno = saved;
    return -1;
  }
  if ((uint64_t)st->st_size > cfg->max_source_size) {
    close(fd);
    errno = EFBIG;
    return -1;
  }
  /* One byte more than the size, to see a file that grew meanwhile. */
  size_t cap = (size_t)st->st_size + 1;
  char *buf = mon_secret_alloc(cap);
  if (!buf) {
    close(fd);
    errno = ENOMEM;
    return -1;
  }
  size_t used = 0;
  while (used < cap) {
    ssize_t n = read(fd, buf + used, cap - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int saved = errno;
      mon_secret_free(buf, cap);
      close(fd);
      errno = saved;
      return -1;
    }
    if (n == 0)
      break;
    used += (size_t)n;
  }
  close(fd);
  if (used == cap) {
    mon_secret_free(buf, cap);
    errno = EFBIG;
    return -1;
  }
  buf[used] = '\0';
  *data = buf;
  *len = used;
  *alloc = cap;
  return 0;
}

/* "cannot read" reason of a failed read_secret_file. */
static int read_failure(loader *l, const char *path, int e)
{
  if (e == EFBIG)
    return source_error(l, "%s: larger than %llu bytes (max-source-size): not read", path,
                        (unsigned long long)l->cfg->max_source_size);
  if (e == ENOMEM)
    return mon_fail(l->err, "out of memory");
  if (e == EINVAL)
    return source_error(l, "%s: not a regular file", path);
  return source_error(l, "%s: cannot read: %s", path, strerror(e));
}

static int on_assignment(void *vctx, const char *name, const char *value, size_t len,
                         unsigned long line)
{
  return add_secret(vctx, name, value, len, line) == 0 ? 0 : 2;
}

static int load_dotenv(loader *l)
{
  struct stat st;
  char *text;
  size_t len, alloc;
  if (read_secret_file(l->cfg, l->src->path, &st, &text, &len, &alloc) != 0) {
    int e = errno;
    l->state->err_no = e;
    return is_absent(e) ? 0 : read_failure(l, l->src->path, e);
  }
  l->state->present = 1;
  char *why = NULL;
  int rc = dotenv_parse(l->src->path, text, len, on_assignment, l, &why);
  mon_secret_free(text, alloc);
  if (rc == 2) {
    free(why);
    return -1; /* out of memory, *l->err set */
  }
  if (rc != 0) {
    /* Assignments before the error were read and are compared; the
     * source is marked as failing. */
    int r = source_error(l, "%s", why ? why : "syntax error");
    free(why);
    if (r != 0)
      return -1;
  }
  return add_file_state(l, l->src->path, NULL, &st);
}

/* One secret per file; a single trailing newline (as `echo` leaves it) is
 * not part of the value.  *present: 1 read, 0 absent, -1 unreadable. */
static int load_one_file(loader *l, const char *path, const char *name, int *present)
{
  struct stat st;
  char *text;
  size_t len, alloc;
  if (read_secret_file(l->cfg, path, &st, &text, &len, &alloc) != 0) {
    int e = errno;
    *present = is_absent(e) ? 0 : -1;
    l->state->err_no = e;
    return is_absent(e) ? 0 : read_failure(l, path, e);
  }
  *present = 1;
  size_t used = len;
  if (used && text[used - 1] == '\n')
    used--;
  if (used && text[used - 1] == '\r')
    used--;
  int rc = add_secret(l, name, text, used, 0);
  mon_secret_free(text, alloc);
  if (rc != 0)
    return -1;
  return add_file_state(l, path, name, &st);
}

static int load_file(loader *l)
{
  const char *slash = strrchr(l->src->path, '/');
  const char *name = slash ? slash + 1 : l->src->path;
  int present = 0;
  if (load_one_file(l, l->src->path, name, &present) != 0)
    return -1;
  l->state->present = present != 0;
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
  return d->d_name[0] != '.';
}

/* Every regular file of the directory whose name does not start with '.'
 * (Kubernetes keeps its ..data links there); symlinks are followed. */
static int load_dir(loader *l)
{
  struct dirent **names;
  int n = scandir(l->src->path, &names, not_hidden, by_name);
  if (n < 0) {
    int e = errno;
    l->state->err_no = e;
    if (is_absent(e))
      return 0;
    return source_error(l, "%s: cannot list: %s", l->src->path, strerror(e));
  }
  l->state->present = 1;
  int rc = 0;
  for (int i = 0; i < n; i++) {
    if (rc == 0) {
      char *path = mon_printf("%s/%s", l->src->path, names[i]->d_name);
      struct stat st;
      int present;
      if (!path)
        rc = mon_fail(l->err, "out of memory");
      else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        rc = load_one_file(l, path, names[i]->d_name, &present);
      else if (stat(path, &st) != 0 && errno != ENOENT)
        rc = source_error(l, "%s: cannot read: %s", path, strerror(errno));
      free(path);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

static int load_env(loader *l)
{
  const char *value = getenv(l->src->path);
  if (!value) {
    l->state->err_no = ENOENT;
    return 0;
  }
  l->state->present = 1;
  return add_secret(l, l->src->path, value, strlen(value), 0);
}

/* ---- env-of: the environment of another process ---------------------- */

/* Output of `systemctl show -p MainPID --value -- UNIT` (at most 5 s).
 * 0 with *pid (0 when the unit does not run), -1 with a reason. */
static int unit_main_pid(loader *l, const char *unit, long *pid)
{
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return source_error(l, "%s: pipe: %s", l->src->path, strerror(errno)), -1;
  const char *sysctl = l->cfg->systemctl;
  pid_t child = fork();
  if (child == 0) {
    mon_child_reset();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 2);
    }
    dup2(fds[1], 1);
    char *argv[] = { "systemctl", "show", "-p", "MainPID", "--value", "--", (char *)unit, NULL };
    char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
    execve(sysctl, argv, envp);
    _exit(127);
  }
  close(fds[1]);
  if (child < 0) {
    close(fds[0]);
    return source_error(l, "%s: cannot run %s: %s", l->src->path, sysctl, strerror(errno)), -1;
  }
  char out[64];
  size_t used = 0;
  int timed_out = 0;
  for (;;) {
    struct pollfd p = { fds[0], POLLIN, 0 };
    int r = poll(&p, 1, 5000);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      timed_out = 1;
      break;
    }
    ssize_t n = read(fds[0], out + used, sizeof out - 1 - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    used += (size_t)n;
    if (used == sizeof out - 1)
      break;
  }
  close(fds[0]);
  if (timed_out)
    kill(child, SIGKILL);
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  out[used] = '\0';
  char *end;
  long v = strtol(out, &end, 10);
  if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || end == out ||
      (*end && *end != '\n') || v < 0)
    return source_error(l, "%s: %s show -p MainPID %s %s", l->src->path, sysctl, unit,
                        timed_out ? "timed out" : "failed"), -1;
  *pid = v;
  return 0;
}

static int wanted(const source_cfg *src, const char *name)
{
  for (size_t i = 0; i < src->names.n; i++)
    if (fnmatch(src->names.v[i], name, 0) == 0)
      return 1;
  return 0;
}

static int load_env_of(loader *l)
{
  const char *target = l->src->path;
  long pid = 0;
  if (strncmp(target, "pid:", 4) == 0) {
    pid = strtol(target + 4, NULL, 10);
  } else {
    if (unit_main_pid(l, target + 5, &pid) != 0)
      return l->state->error ? 0 : -1;
    if (pid == 0) {
      l->state->err_no = ESRCH;
      return 0;
    }
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/environ", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    l->state->err_no = e == ENOENT ? ESRCH : e;
    if (e == ENOENT)
      return 0;
    return source_error(l, "%s: cannot read %s: %s (another user's process needs "
                        "CAP_SYS_PTRACE; see logmask-monitor(8))", target, path, strerror(e));
  }
  size_t cap = 0, used = 0;
  char *buf = NULL;
  int rc = 0;
  for (;;) {
    if (cap - used < 2) {
      /* Grown through locked memory: the environment holds the secrets. */
      size_t fresh_cap = cap ? cap * 2 : 16384;
      if (fresh_cap > l->cfg->max_source_size + 2) {
        rc = read_failure(l, path, EFBIG);
        break;
      }
      char *fresh = mon_secret_alloc(fresh_cap);
      if (!fresh) {
        rc = mon_fail(l->err, "out of memory");
        break;
      }
      if (buf) {
        memcpy(fresh, buf, used);
        mon_secret_free(buf, cap);
      }
      buf = fresh;
      cap = fresh_cap;
    }
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      rc = e == ESRCH ? 0 : source_error(l, "%s: cannot read %s: %s", target, path,
                                         strerror(e));
      l->state->err_no = e;
      break;
    }
    if (n == 0) {
      l->state->present = 1;
      break;
    }
    used += (size_t)n;
  }
  close(fd);
  if (l->state->present && !l->state->error) {
    for (char *p = buf, *end = buf + used; rc == 0 && p < end;) {
      char *nul = memchr(p, '\0', (size_t)(end - p));
      char *stop = nul ? nul : end;
      char *eq = memchr(p, '=', (size_t)(stop - p));
      if (eq && eq > p) {
        *eq = '\0';
        if (wanted(l->src, p))
          rc = add_secret(l, p, eq + 1, (size_t)(stop - eq - 1), 0);
        *eq = '=';
      }
      p = stop + 1;
    }
  }
  if (buf)
    mon_secret_free(buf, cap);
  /* The unit's main process must still be the one read (not a PID reused
   * by another process after a restart in between). */
  long again = pid;
  if (rc == 0 && l->state->present && strncmp(target, "unit:", 5) == 0 &&
      (unit_main_pid(l, target + 5, &again) != 0 || again != pid))
    return l->state->error ? 0
                           : source_error(l, "%s: the main process changed while its "
                                          "environment was read (%ld, now %ld)", target, pid,
                                          again);
  return rc;
}

int sources_load(const config *cfg, secret_set *out, char **err)
{
  secret_set set = { 0 };
  set.sources = calloc(cfg->n_sources ? cfg->n_sources : 1, sizeof *set.sources);
  if (!set.sources)
    return mon_fail(err, "out of memory");
  set.n_sources = cfg->n_sources;
  loader l = { cfg, &set, NULL, NULL, err, { 0 } };
  int rc = 0;
  for (size_t i = 0; i < cfg->n_sources && rc == 0; i++) {
    l.src = &cfg->sources[i];
    l.state = &set.sources[i];
    l.state->cfg = l.src;
    switch (l.src->kind) {
    case SOURCE_DOTENV: rc = load_dotenv(&l); break;
    case SOURCE_FILE: rc = load_file(&l); break;
    case SOURCE_DIR: rc = load_dir(&l); break;
    case SOURCE_ENV: rc = load_env(&l); break;
    case SOURCE_ENV_OF: rc = load_env_of(&l); break;
    }
  }
  mon_index_free(&l.dups);
  if (rc != 0) {
    secret_set_free(&set);
    return -1;
  }
  *out = set;
  return 0;
}

int secret_set_add_copy(secret_set *set, const secret *s)
{
  if (mon_grow(&set->v, &set->cap, set->n, set->n + 1, sizeof *set->v) != 0)
    return -1;
  secret *c = &set->v[set->n];
  *c = *s;
  c->name = strdup(s->name);
  c->value = mon_arena_alloc(&set->values, s->len);
  if (!c->name || !c->value ||
      (!s->shadowed &&
       mon_index_add(&set->by_name, mon_index_hash(s->source, s->name), set->n) != 0)) {
    free(c->name);
    return -1;
  }
  memcpy(c->value, s->value, s->len);
  c->value[s->len] = '\0';
  set->n++;
  return 0;
}

void secret_set_free(secret_set *set)
{
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++)
    free(set->v[i].name);
  free(set->v);
  mon_arena_free(&set->values);
  for (size_t i = 0; i < set->n_files; i++) {
    free(set->files[i].path);
    free(set->files[i].secret);
  }
  free(set->files);
  for (size_t i = 0; i < set->n_sources; i++)
    free(set->sources[i].error);
  free(set->sources);
  for (size_t i = 0; i < set->n_dups; i++)
    free(set->dups[i].name);
  free(set->dups);
  mon_index_free(&set->by_name);
  memset(set, 0, sizeof *set);
}
