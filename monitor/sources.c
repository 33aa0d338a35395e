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
#include <stdlib.h>
#include <string.h>
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
  }
  return "?";
}

typedef struct loader {
  const config *cfg;
  secret_set *set;
  const source_cfg *src;
  char **err;
} loader;

static int ignored(const config *cfg, const char *name)
{
  for (size_t i = 0; i < cfg->ignore_globs.n; i++)
    if (mon_glob_match(cfg->ignore_globs.v[i], name))
      return 1;
  return 0;
}

/* Adds a secret; the value is copied into locked memory. */
static int add_secret(loader *l, const char *name, const char *value, size_t len)
{
  secret_set *set = l->set;
  if (ignored(l->cfg, name))
    return 0;
  /* A later assignment of the same name in the same source wins, as in
   * a shell. */
  for (size_t i = 0; i < set->n; i++) {
    secret *s = &set->v[i];
    if (s->cfg == l->src && strcmp(s->name, name) == 0) {
      char *copy = mon_secret_alloc(len);
      if (!copy)
        return mon_fail(l->err, "out of memory");
      memcpy(copy, value, len);
      copy[len] = '\0';
      mon_secret_free(s->value, s->len);
      s->value = copy;
      s->len = len;
      return 0;
    }
  }
  secret *bigger = realloc(set->v, (set->n + 1) * sizeof *bigger);
  if (!bigger)
    return mon_fail(l->err, "out of memory");
  set->v = bigger;
  secret *s = &set->v[set->n];
  s->name = strdup(name);
  s->value = mon_secret_alloc(len);
  if (!s->name || !s->value) {
    free(s->name);
    mon_secret_free(s->value, len);
    return mon_fail(l->err, "out of memory");
  }
  memcpy(s->value, value, len);
  s->value[len] = '\0';
  s->len = len;
  s->cfg = l->src;
  s->source = source_name(l->src);
  set->n++;
  return 0;
}

static int add_file_state(loader *l, const char *path, const char *secret_name,
                          const struct stat *st)
{
  secret_set *set = l->set;
  file_state *bigger = realloc(set->files, (set->n_files + 1) * sizeof *bigger);
  if (!bigger)
    return mon_fail(l->err, "out of memory");
  set->files = bigger;
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

/* Reads a whole (small) file into locked memory.  Returns -1 with errno
 * for an unreadable file, -2 with *err for one over the size limit. */
static int read_secret_file(loader *l, const char *path, struct stat *st, char **data,
                            size_t *len)
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
  if ((unsigned long long)st->st_size > MON_MAX_SOURCE_SIZE) {
    close(fd);
    mon_fail(l->err, "%s: larger than %u bytes, not read as a secret", path,
             MON_MAX_SOURCE_SIZE);
    return -2;
  }
  size_t cap = (size_t)st->st_size;
  char *buf = mon_secret_alloc(cap);
  if (!buf) {
    close(fd);
    mon_fail(l->err, "out of memory");
    return -2;
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
  buf[used] = '\0';
  *data = buf;
  *len = used;
  return 0;
}

static int on_assignment(void *ctx, const char *name, const char *value, size_t len,
                         unsigned long line)
{
  (void)line;
  return add_secret(ctx, name, value, len);
}

static int load_dotenv(loader *l, source_state *state)
{
  struct stat st;
  char *text;
  size_t len;
  int r = read_secret_file(l, l->src->path, &st, &text, &len);
  if (r == -2)
    return -1;
  if (r == -1) {
    state->err_no = errno;
    return 0;
  }
  int rc = dotenv_parse(l->src->path, text, len, on_assignment, l, l->err);
  mon_secret_free(text, len);
  if (rc != 0)
    return -1;
  state->present = 1;
  return add_file_state(l, l->src->path, NULL, &st);
}

/* One secret per file; a single trailing newline (as `echo` leaves it) is
 * not part of the value. */
static int load_one_file(loader *l, const char *path, const char *name, int *present)
{
  struct stat st;
  char *text;
  size_t len;
  int r = read_secret_file(l, path, &st, &text, &len);
  if (r == -2)
    return -1;
  if (r == -1) {
    *present = 0;
    return 0;
  }
  *present = 1;
  size_t used = len;
  if (used && text[used - 1] == '\n')
    used--;
  if (used && text[used - 1] == '\r')
    used--;
  int rc = add_secret(l, name, text, used);
  mon_secret_free(text, len);
  if (rc != 0)
    return -1;
  return add_file_state(l, path, name, &st);
}

static int load_file(loader *l, source_state *state)
{
  const char *slash = strrchr(l->src->path, '/');
  const char *name = slash ? slash + 1 : l->src->path;
  int present = 0;
  if (load_one_file(l, l->src->path, name, &present) != 0)
    return -1;
  state->present = present;
  if (!present)
    state->err_no = errno;
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
static int load_dir(loader *l, source_state *state)
{
  struct dirent **names;
  int n = scandir(l->src->path, &names, not_hidden, by_name);
  if (n < 0) {
    state->err_no = errno;
    return 0;
  }
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
      free(path);
    }
    free(names[i]);
  }
  free(names);
  if (rc == 0)
    state->present = 1;
  return rc;
}

static int load_env(loader *l, source_state *state)
{
  const char *value = getenv(l->src->path);
  if (!value) {
    state->err_no = ENOENT;
    return 0;
  }
  state->present = 1;
  return add_secret(l, l->src->path, value, strlen(value));
}

int sources_load(const config *cfg, secret_set *out, char **err)
{
  secret_set set = { 0 };
  set.sources = calloc(cfg->n_sources ? cfg->n_sources : 1, sizeof *set.sources);
  if (!set.sources)
    return mon_fail(err, "out of memory");
  set.n_sources = cfg->n_sources;
  loader l = { cfg, &set, NULL, err };
  int rc = 0;
  for (size_t i = 0; i < cfg->n_sources && rc == 0; i++) {
    l.src = &cfg->sources[i];
    set.sources[i].cfg = l.src;
    switch (l.src->kind) {
    case SOURCE_DOTENV: rc = load_dotenv(&l, &set.sources[i]); break;
    case SOURCE_FILE: rc = load_file(&l, &set.sources[i]); break;
    case SOURCE_DIR: rc = load_dir(&l, &set.sources[i]); break;
    case SOURCE_ENV: rc = load_env(&l, &set.sources[i]); break;
    }
  }
  if (rc != 0) {
    secret_set_free(&set);
    return -1;
  }
  *out = set;
  return 0;
}

void secret_set_free(secret_set *set)
{
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++) {
    free(set->v[i].name);
    mon_secret_free(set->v[i].value, set->v[i].len);
  }
  free(set->v);
  for (size_t i = 0; i < set->n_files; i++) {
    free(set->files[i].path);
    free(set->files[i].secret);
  }
  free(set->files);
  free(set->sources);
  memset(set, 0, sizeof *set);
}
