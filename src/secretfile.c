/* Known secrets from files: one value a line, or every value of a dotenv
 * file.  Shared by every host so none reads secret files its own way. */
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads a whole file into b (wiped by the caller). */
static lm_status slurp(lm_ruleset *set, const char *path, lm_buf *b) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
  for (;;) {
    if (lm_buf_reserve(b, 65536)) {
      close(fd);
      return LM_SET_ERR(set, LM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    ssize_t n = read(fd, b->data + b->len, b->cap - b->len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "read error: %s", strerror(e));
    }
    if (n == 0)
      break;
    b->len += (size_t)n;
  }
  close(fd);
  return LM_OK;
}

/* Adds one value, naming file and line in the error the library gives. */
static lm_status add_at(lm_ruleset *set, const char *path, unsigned long line,
                        const char *name, const char *value, size_t len) {
  lm_status st = lm_ruleset_add_literal(set, name, value, len);
  if (st != LM_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", set->err.message);
    return LM_SET_ERR(set, st, path, line, 0, "%s", why);
  }
  return LM_OK;
}

/* The next line of text[*pos, len) without its LF or CRLF; advances *pos.
 * Returns its length; *line gets where it starts. */
static size_t next_line(const char *text, size_t len, size_t *pos, const char **line) {
  const char *p = text + *pos;
  const char *nl = memchr(p, '\n', len - *pos);
  size_t n = nl ? (size_t)(nl - p) : len - *pos;
  *pos += n + (nl ? 1 : 0);
  if (n && p[n - 1] == '\r')
    n--;
  *line = p;
  return n;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

lm_status lm_ruleset_add_literals_file(lm_ruleset *set, const char *path) {
  if (!set || !path)
    return LM_ERR_ARG;
  if (set->compiled)
    return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0, "the rule set is compiled");
  lm_buf b = {0};
  lm_status st = slurp(set, path, &b);
  unsigned long line = 0;
  size_t pos = 0;
  while (st == LM_OK && pos < b.len) {
    const char *p;
    size_t n = next_line(b.data, b.len, &pos, &p);
    line++;
    if (n == 0)
      continue;
    char name[128];
    snprintf(name, sizeof name, "%.100s:%lu", base_name(path), line);
    st = add_at(set, path, line, name, p, n);
  }
  lm_buf_wipe_free(&b);
  return st;
}

typedef struct env_ctx {
  lm_ruleset *set;
  const char *path;
  lm_status st;
} env_ctx;

/* A value may span lines (a PEM key in double quotes): the masker sees
 * lines, so each line of it is a known secret on its own, and a short
 * piece of a long value (a key's last "==" line) is no value of its own to
 * refuse. */
static int env_value(void *vctx, const char *name, const char *value, size_t len,
                     unsigned long line) {
  env_ctx *c = vctx;
  int several = memchr(value, '\n', len) != NULL;
  size_t pos = 0;
  while (pos < len) {
    const char *p;
    size_t n = next_line(value, len, &pos, &p);
    if (n == 0 || (several && n < c->set->min_literal))
      continue;
    c->st = add_at(c->set, c->path, line, name, p, n);
    if (c->st != LM_OK)
      return 1;
  }
  return 0;
}

lm_status lm_ruleset_add_env_file(lm_ruleset *set, const char *path) {
  if (!set || !path)
    return LM_ERR_ARG;
  if (set->compiled)
    return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0, "the rule set is compiled");
  lm_buf b = {0};
  lm_status st = slurp(set, path, &b);
  if (st == LM_OK) {
    env_ctx c = {set, path, LM_OK};
    unsigned long line = 0;
    char why[256];
    st = lm_dotenv_parse(b.data ? b.data : "", b.len, env_value, &c, &line, why, sizeof why);
    if (st == LM_ERR_STATE)
      st = c.st; /* the callback stopped on a refused value: error already set */
    else if (st == LM_ERR_SYNTAX)
      LM_SET_ERR(set, st, path, line, 0, "%s", why);
    else if (st == LM_ERR_NOMEM)
      LM_SET_ERR(set, st, path, 0, 0, "out of memory");
  }
  lm_buf_wipe_free(&b);
  return st;
}
