/* SPDX-License-Identifier: Apache-2.0 */
/* Known secrets from files: one value a line, or every value of a dotenv
 * file.  Shared by every host so none reads secret files its own way. */
#include "internal.h"
#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
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

/* Keys of a typical application .env that hold settings, not secrets
 * (documented in logmask(1); keep the two lists equal).  A key that names a
 * secret (see secret_word) is never ignored by this list. */
static const char *const default_ignore[] = {
  "DEBUG", "*_DEBUG", "ALLOWED_HOSTS", "INTERNAL_IPS", "*_ORIGINS",
  "*_HOST", "*_HOSTS", "*_HOSTNAME", "*_PORT", "*_URL", "*_URI",
  "*_USER", "*_USERNAME", "*_NAME", "*_EMAIL", "*_PATH", "*_DIR", "*_ROOT",
  "*_FILE", "*_MODULE", "*_BACKEND", "*_ENGINE", "*_LEVEL", "*_TIMEOUT",
  "*_REGION", "*_ENABLED", "*_VERSION", "USE_*", "ENV", "ENVIRONMENT",
  "*_ENV", "*_ENVIRONMENT", "TZ", "TIME_ZONE", "LANGUAGE_CODE", "LANG",
  "LC_*", "PATH", "HOME", "PYTHONPATH",
};

const char *lm_env_default_ignore(size_t index) {
  return index < sizeof default_ignore / sizeof *default_ignore ? default_ignore[index] : NULL;
}

/* Words that make a key a secret whatever the default list says:
 * SLACK_WEBHOOK_URL or PRIVATE_KEY_PATH stay masked. */
static int secret_word(const char *key) {
  static const char *const words[] = {"SECRET", "PASS", "PWD",  "TOKEN",   "KEY",
                                      "AUTH",   "CRED", "PRIV", "HOOK",    "SALT",
                                      "SIGN",   "CERT", "DSN",  "SESSION", "COOKIE"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcasestr(key, words[i]))
      return 1;
  return 0;
}

typedef struct env_ctx {
  lm_ruleset *set;
  const char *path;
  const char *const *ignore;
  size_t n_ignore;
  int defaults;
  lm_status st;
} env_ctx;

static int ignored(const env_ctx *c, const char *key) {
  for (size_t i = 0; i < c->n_ignore; i++)
    if (c->ignore[i] && fnmatch(c->ignore[i], key, FNM_CASEFOLD) == 0)
      return 1;
  if (!c->defaults || secret_word(key))
    return 0;
  for (size_t i = 0; lm_env_default_ignore(i); i++)
    if (fnmatch(lm_env_default_ignore(i), key, FNM_CASEFOLD) == 0)
      return 1;
  return 0;
}

/* Adds one value of `name`, or skips it with a warning naming the key (never
 * the value) when it is too short to mask without hitting ordinary text. */
static int env_add(env_ctx *c, const char *name, unsigned long line, const char *what,
                   const char *value, size_t len) {
  if (len < c->set->min_literal) {
    lm_diag(c->set, LM_DIAG_WARNING,
            "%s:%lu: %s%s: value shorter than the minimum of %zu bytes, not masked", c->path,
            line, name, what, c->set->min_literal);
    return 0;
  }
  c->st = add_at(c->set, c->path, line, name, value, len);
  return c->st != LM_OK;
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* A URL with a password (scheme://user:password@host...): the password is
 * a secret of its own, since applications log it apart from the URL (a
 * settings dump shows 'PASSWORD': '...'), as written and percent-decoded. */
static int env_url_password(env_ctx *c, const char *name, unsigned long line,
                            const char *value, size_t len) {
  size_t i = 0;
  if (len == 0 || !((value[0] | 0x20) >= 'a' && (value[0] | 0x20) <= 'z'))
    return 0;
  while (i < len && (isalnum((unsigned char)value[i]) || value[i] == '+' || value[i] == '-' ||
                     value[i] == '.'))
    i++;
  if (len - i < 3 || memcmp(value + i, "://", 3) != 0)
    return 0;
  const char *auth = value + i + 3;
  size_t alen = strcspn(auth, "/?#");
  if (alen > (size_t)(value + len - auth))
    alen = (size_t)(value + len - auth);
  const char *at = NULL;
  for (size_t k = 0; k < alen; k++)
    if (auth[k] == '@')
      at = auth + k;
  const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
  if (!colon || colon + 1 == at)
    return 0;
  const char *pw = colon + 1;
  size_t pwlen = (size_t)(at - pw);
  if (env_add(c, name, line, " (URL password)", pw, pwlen))
    return 1;
  char *decoded = malloc(pwlen + 1);
  if (!decoded) {
    c->st = LM_SET_ERR(c->set, LM_ERR_NOMEM, c->path, line, 0, "out of memory");
    return 1;
  }
  size_t dlen = 0;
  for (size_t k = 0; k < pwlen; k++) {
    int hi, lo;
    if (pw[k] == '%' && k + 2 < pwlen && (hi = hex_digit(pw[k + 1])) >= 0 &&
        (lo = hex_digit(pw[k + 2])) >= 0) {
      decoded[dlen++] = (char)(hi * 16 + lo);
      k += 2;
    } else {
      decoded[dlen++] = pw[k];
    }
  }
  int stop = 0;
  if (dlen != pwlen && !memchr(decoded, '\n', dlen))
    stop = env_add(c, name, line, " (URL password, decoded)", decoded, dlen);
  explicit_bzero(decoded, pwlen + 1);
  free(decoded);
  return stop;
}

/* A value may span lines (a PEM key in double quotes): the masker sees
 * lines, so each line of it is a known secret on its own, and a short
 * piece of a long value (a key's last "==" line) is no value of its own to
 * warn about. */
static int env_value(void *vctx, const char *name, const char *value, size_t len,
                     unsigned long line) {
  env_ctx *c = vctx;
  int several = memchr(value, '\n', len) != NULL;
  int skip = ignored(c, name);
  if (!several && env_url_password(c, name, line, value, len))
    return 1;
  if (skip)
    return 0;
  size_t pos = 0;
  while (pos < len) {
    const char *p;
    size_t n = next_line(value, len, &pos, &p);
    if (n == 0 || (several && n < c->set->min_literal))
      continue;
    if (env_add(c, name, line, "", p, n))
      return 1;
  }
  return 0;
}

lm_status lm_ruleset_add_env_file(lm_ruleset *set, const char *path) {
  return lm_ruleset_add_env_file_ignore(set, path, NULL, 0, 0);
}

lm_status lm_ruleset_add_env_file_ignore(lm_ruleset *set, const char *path,
                                         const char *const *ignore, size_t n_ignore,
                                         unsigned flags) {
  if (!set || !path || (n_ignore && !ignore))
    return LM_ERR_ARG;
  if (set->compiled)
    return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0, "the rule set is compiled");
  if (flags & ~LM_ENV_NO_DEFAULT_IGNORE)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "unknown flags 0x%x", flags);
  lm_buf b = {0};
  lm_status st = slurp(set, path, &b);
  if (st == LM_OK) {
    env_ctx c = {set, path, ignore, n_ignore, !(flags & LM_ENV_NO_DEFAULT_IGNORE), LM_OK};
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
