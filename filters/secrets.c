/* Loading known secret values from files; see secrets.h. */
#include <config.h>

#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotenv.h"

/* Reads all of `path` into a new buffer the caller wipes and frees.
 * Returns 0, or -1 after reporting. */
static int slurp(const char *path, char **text, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "logmask: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fprintf(stderr, "logmask: %s: out of memory\n", path);
      close(fd);
      return -1;
    }
    if (used == cap) {
      /* Grow by hand so the old copy of the secrets can be wiped. */
      char *bigger = malloc(cap * 2);
      if (bigger)
        memcpy(bigger, buf, used);
      explicit_bzero(buf, used);
      free(buf);
      buf = bigger;
      cap *= 2;
      continue;
    }
    ssize_t n = read(fd, buf + used, cap - used);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "logmask: %s: read error: %s\n", path, strerror(errno));
      explicit_bzero(buf, used);
      free(buf);
      close(fd);
      return -1;
    }
    used += (size_t)n;
  }
  close(fd);
  *text = buf;
  *len = used;
  return 0;
}

static void discard(char *text, size_t len)
{
  explicit_bzero(text, len);
  free(text);
}

/* Adds one value; reports a refusal as FILE:LINE with the key, never the
 * value.  Returns 0 or -1. */
static int add_literal(lm_ruleset *set, const char *path, unsigned long line,
                       const char *name, const char *value, size_t len)
{
  lm_status status = lm_ruleset_add_literal(set, name, value, len);
  if (status == LM_OK)
    return 0;
  const lm_error *err = lm_ruleset_error(set);
  const char *detail =
    err && err->message && *err->message ? err->message : lm_strerror(status);
  if (status == LM_ERR_SHORT)
    fprintf(stderr,
            "logmask: %s:%lu: value of %s is too short to mask safely "
            "(%zu bytes): %s\n",
            path, line, name, len, detail);
  else
    fprintf(stderr, "logmask: %s:%lu: %s: %s\n", path, line, name, detail);
  return -1;
}

int secrets_load_literals(lm_ruleset *set, const char *path)
{
  char *text;
  size_t len;
  if (slurp(path, &text, &len) < 0)
    return -1;
  int rc = 0;
  unsigned long line = 0;
  const char *p = text, *end = text + len;
  while (rc == 0 && p < end) {
    line++;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *stop = eol ? eol : end;
    const char *next = eol ? eol + 1 : end;
    if (stop > p && stop[-1] == '\r')
      stop--;
    if (stop > p) {
      /* The name labels findings and counters: where, never what. */
      const char *slash = strrchr(path, '/');
      char *name = NULL;
      if (asprintf(&name, "%s:%lu", slash ? slash + 1 : path, line) < 0) {
        fprintf(stderr, "logmask: %s: out of memory\n", path);
        rc = -1;
        break;
      }
      rc = add_literal(set, path, line, name, p, (size_t)(stop - p));
      free(name);
    }
    p = next;
  }
  discard(text, len);
  return rc;
}

struct env_ctx {
  lm_ruleset *set;
  const char *path;
};

/* The library's default minimum literal length (logmask.h). */
#define LITERAL_MIN_LEN 6

/* A multi-line value (a PEM key in double quotes) can never appear whole
 * in one log line: each of its lines becomes a literal instead.  Lines
 * shorter than the minimum (a PEM key's short last line) are left out;
 * only a value with no line long enough is refused. */
static int add_multiline_value(struct env_ctx *env, unsigned long line,
                               const char *key, const char *value, size_t len)
{
  const char *p = value, *end = value + len;
  int added = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *stop = eol ? eol : end;
    size_t piece = (size_t)(stop - p);
    if (piece > 0 && p[piece - 1] == '\r')
      piece--;
    if (piece >= LITERAL_MIN_LEN) {
      if (add_literal(env->set, env->path, line, key, p, piece) < 0)
        return 1;
      added = 1;
    }
    p = eol ? eol + 1 : end;
  }
  if (added)
    return 0;
  fprintf(stderr,
          "logmask: %s:%lu: value of %s has no line of %d bytes or more: too "
          "short to mask safely\n",
          env->path, line, key, LITERAL_MIN_LEN);
  return 1;
}

static int add_env_value(void *ctx, const char *key, const char *value, size_t len,
                         unsigned long line)
{
  struct env_ctx *env = ctx;
  if (memchr(value, '\n', len))
    return add_multiline_value(env, line, key, value, len);
  return add_literal(env->set, env->path, line, key, value, len) < 0 ? 1 : 0;
}

int secrets_load_env_file(lm_ruleset *set, const char *path)
{
  char *text;
  size_t len;
  if (slurp(path, &text, &len) < 0)
    return -1;
  struct env_ctx env = {.set = set, .path = path};
  struct dotenv_error err = {0, NULL};
  int rc = dotenv_parse(text, len, add_env_value, &env, &err);
  discard(text, len);
  if (rc == -1)
    fprintf(stderr, "logmask: %s:%lu: %s\n", path, err.line, err.message);
  else if (rc == -2)
    fprintf(stderr, "logmask: %s: out of memory\n", path);
  return rc == 0 ? 0 : -1;
}
