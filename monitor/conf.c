/* SPDX-License-Identifier: Apache-2.0 */
/* conf.c - see conf.h.  Parse a line into words, then one small
 * function per directive. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "conf.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

void strv_free(strv *s)
{
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

/* The capacity is the next power of two at or above n + 1 (the NULL). */
static size_t strv_cap(size_t n)
{
  size_t cap = 8;
  while (cap < n + 1)
    cap *= 2;
  return cap;
}

int strv_push(strv *s, const char *word)
{
  size_t cap = s->v ? strv_cap(s->n) : 0;
  if (mon_grow(&s->v, &cap, s->n ? s->n + 1 : 0, s->n + 2, sizeof *s->v) != 0)
    return -1;
  if (!(s->v[s->n] = strdup(word)))
    return -1;
  s->n++;
  s->v[s->n] = NULL; /* ready for execv */
  return 0;
}

/* Splits one line into words.  Returns -1 with a reason on bad quoting. */
static int split_words(const char *line, strv *words, const char **why)
{
  const char *p = line;
  char *word = malloc(strlen(line) + 1);
  if (!word) {
    *why = "out of memory";
    return -1;
  }
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r')
      p++;
    if (!*p || *p == '#')
      break;
    size_t n = 0;
    while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
      if (*p == '"' || *p == '\'') {
        char q = *p++;
        while (*p && *p != q) {
          if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
            p++;
          word[n++] = *p++;
        }
        if (*p != q) {
          free(word);
          *why = "unterminated quote";
          return -1;
        }
        p++;
      } else {
        word[n++] = *p++;
      }
    }
    word[n] = '\0';
    if (strv_push(words, word) != 0) {
      free(word);
      *why = "out of memory";
      return -1;
    }
  }
  free(word);
  return 0;
}

char *config_key_path(const config *cfg, char **err)
{
  if (cfg->key_credential) {
    const char *dir = getenv("CREDENTIALS_DIRECTORY");
    if (!dir || dir[0] != '/') {
      mon_fail(err, "%s: key-credential %s: $CREDENTIALS_DIRECTORY is not set (run under "
               "systemd with LoadCredential=%s:PATH)", cfg->path, cfg->key_credential,
               cfg->key_credential);
      return NULL;
    }
    char *p = mon_printf("%s/%s", dir, cfg->key_credential);
    if (!p)
      mon_fail(err, "out of memory");
    return p;
  }
  char *p = cfg->key_file ? strdup(cfg->key_file) : mon_printf("%s/key", cfg->state_dir);
  if (!p)
    mon_fail(err, "out of memory");
  return p;
}

int config_parse_duration(const char *text, time_t *out)
{
  char *end;
  errno = 0;
  unsigned long long n = strtoull(text, &end, 10);
  if (errno || end == text || !isdigit((unsigned char)*text))
    return -1;
  unsigned long long unit = 1;
  if (*end) {
    switch (*end) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400ULL; break;
    case 'y': unit = 365 * 86400ULL; break;
    default: return -1;
    }
    if (end[1])
      return -1;
  }
  if (n > (unsigned long long)INT32_MAX * 64 / unit)
    return -1;
  *out = (time_t)(n * unit);
  return 0;
}

static int parse_size(const char *text, uint64_t *out)
{
  char *end;
  errno = 0;
  unsigned long long n = strtoull(text, &end, 10);
  if (errno || end == text || !isdigit((unsigned char)*text))
    return -1;
  unsigned shift = 0;
  if (*end) {
    switch (*end) {
    case 'k': case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    default: return -1;
    }
    if (end[1])
      return -1;
  }
  if (n > (UINT64_MAX >> shift))
    return -1;
  *out = (uint64_t)n << shift;
  return 0;
}

static int parse_count(const char *text, unsigned long max, unsigned long *out)
{
  char *end;
  errno = 0;
  unsigned long n = strtoul(text, &end, 10);
  if (errno || end == text || *end || !isdigit((unsigned char)*text) || n > max)
    return -1;
  *out = n;
  return 0;
}

static int parse_owner(const char *text, uid_t *out)
{
  unsigned long uid;
  if (parse_count(text, (unsigned long)INT32_MAX, &uid) == 0) {
    *out = (uid_t)uid;
    return 0;
  }
  struct passwd *pw = getpwnam(text);
  if (!pw)
    return -1;
  *out = pw->pw_uid;
  return 0;
}

static int parse_mode(const char *text, mode_t *out)
{
  char *end;
  errno = 0;
  unsigned long m = strtoul(text, &end, 8);
  if (errno || end == text || *end || m > 0777)
    return -1;
  *out = (mode_t)m;
  return 0;
}

static const struct {
  const char *name;
  int value;
} facilities[] = {
  { "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON },
  { "user", LOG_USER },     { "local0", LOG_LOCAL0 },     { "local1", LOG_LOCAL1 },
  { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },     { "local4", LOG_LOCAL4 },
  { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },     { "local7", LOG_LOCAL7 },
};

/* Parsing context of one file. */
typedef struct parser {
  config *cfg;
  const char *file;
  unsigned long line;
  char **err;
} parser;

#define FAIL(P, ...) fail_at(P, __VA_ARGS__)
static int fail_at(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(parser *p, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *why = mon_vprintf(fmt, ap);
  va_end(ap);
  mon_fail(p->err, "%s:%lu: %s", p->file, p->line, why ? why : "out of memory");
  free(why);
  return -1;
}

static int set_string(parser *p, char **slot, const char *value)
{
  char *copy = strdup(value);
  if (!copy)
    return FAIL(p, "out of memory");
  free(*slot);
  *slot = copy;
  return 0;
}

static int want_args(parser *p, const strv *w, size_t min, size_t max)
{
  size_t got = w->n - 1;
  if (got < min || got > max) {
    if (min == max)
      return FAIL(p, "'%s' takes %zu argument%s, got %zu", w->v[0], min,
                  min == 1 ? "" : "s", got);
    return FAIL(p, "'%s' takes %zu to %zu arguments, got %zu", w->v[0], min, max, got);
  }
  return 0;
}

static int do_source(parser *p, const strv *w, source_kind kind)
{
  config *c = p->cfg;
  if (w->n < 2)
    return FAIL(p, "'%s' needs a path", w->v[0]);
  source_cfg s = { .kind = kind, .max_mode = 0600, .owner = c->owner, .line = p->line };
  int owner_set = 0;
  for (size_t i = 2; i < w->n; i++) {
    const char *opt = w->v[i];
    if (strncmp(opt, "mode=", 5) == 0) {
      if (parse_mode(opt + 5, &s.max_mode) != 0)
        return FAIL(p, "bad mode '%s' (octal, e.g. mode=0640)", opt + 5);
    } else if (strncmp(opt, "owner=", 6) == 0) {
      if (parse_owner(opt + 6, &s.owner) != 0)
        return FAIL(p, "unknown user '%s'", opt + 6);
      owner_set = 1;
    } else {
      return FAIL(p, "unknown option '%s' (mode=, owner=)", opt);
    }
  }
  (void)owner_set;
  if (kind != SOURCE_ENV && w->v[1][0] != '/')
    return FAIL(p, "'%s' needs an absolute path, got '%s'", w->v[0], w->v[1]);
  for (size_t i = 0; i < c->n_sources; i++)
    if (c->sources[i].kind == kind && kind != SOURCE_ENV &&
        strcmp(c->sources[i].path, w->v[1]) == 0)
      return FAIL(p, "'%s %s' already configured on line %lu", w->v[0], w->v[1],
                  c->sources[i].line);
  size_t cap = c->n_sources;
  if (mon_grow(&c->sources, &cap, c->n_sources, c->n_sources + 1, sizeof *c->sources) != 0)
    return FAIL(p, "out of memory");
  if (!(s.path = strdup(w->v[1])))
    return FAIL(p, "out of memory");
  c->sources[c->n_sources++] = s;
  return 0;
}

static int do_env(parser *p, const strv *w)
{
  if (w->n < 2)
    return FAIL(p, "'env' needs at least one variable name");
  for (size_t i = 1; i < w->n; i++) {
    const char *name = w->v[i];
    for (const char *q = name; *q; q++)
      if (!(isalnum((unsigned char)*q) || *q == '_'))
        return FAIL(p, "bad variable name '%s'", name);
    strv one = { NULL, 0 };
    if (strv_push(&one, "env") != 0 || strv_push(&one, name) != 0) {
      strv_free(&one);
      return FAIL(p, "out of memory");
    }
    int rc = do_source(p, &one, SOURCE_ENV);
    strv_free(&one);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* env-of PID|pid:PID|unit:NAME VARIABLE... */
static int do_env_of(parser *p, const strv *w)
{
  config *c = p->cfg;
  if (w->n < 3)
    return FAIL(p, "'env-of' needs a process (PID, pid:PID or unit:NAME) and at least one "
                "variable name");
  const char *target = w->v[1];
  char *path = NULL;
  if (strncmp(target, "unit:", 5) == 0) {
    const char *u = target + 5;
    if (!*u || strlen(u) > 255)
      return FAIL(p, "bad unit name '%s'", u);
    for (const char *q = u; *q; q++)
      if (!(isalnum((unsigned char)*q) || strchr(":-_.\\@", *q)))
        return FAIL(p, "bad unit name '%s'", u);
    path = strdup(target);
  } else {
    const char *num = strncmp(target, "pid:", 4) == 0 ? target + 4 : target;
    unsigned long pid;
    if (parse_count(num, (unsigned long)INT32_MAX, &pid) != 0 || pid == 0)
      return FAIL(p, "bad process '%s' (a PID, pid:PID or unit:NAME)", target);
    path = mon_printf("pid:%lu", pid);
  }
  if (!path)
    return FAIL(p, "out of memory");
  for (size_t i = 0; i < c->n_sources; i++)
    if (c->sources[i].kind == SOURCE_ENV_OF && strcmp(c->sources[i].path, path) == 0) {
      free(path);
      return FAIL(p, "'env-of %s' already configured on line %lu", target, c->sources[i].line);
    }
  source_cfg s = { .kind = SOURCE_ENV_OF, .path = path, .max_mode = 0777, .owner = c->owner,
                   .line = p->line };
  for (size_t i = 2; i < w->n; i++) {
    for (const char *q = w->v[i]; *q; q++)
      if (!(isalnum((unsigned char)*q) || strchr("_*?[]", *q))) {
        strv_free(&s.names);
        free(path);
        return FAIL(p, "bad variable name '%s'", w->v[i]);
      }
    if (strv_push(&s.names, w->v[i]) != 0) {
      strv_free(&s.names);
      free(path);
      return FAIL(p, "out of memory");
    }
  }
  size_t cap = c->n_sources;
  if (mon_grow(&c->sources, &cap, c->n_sources, c->n_sources + 1, sizeof *c->sources) != 0) {
    strv_free(&s.names);
    free(path);
    return FAIL(p, "out of memory");
  }
  c->sources[c->n_sources++] = s;
  return 0;
}

static int do_log(parser *p, const strv *w)
{
  config *c = p->cfg;
  if (w->n < 2)
    return FAIL(p, "'log' needs a path or '-'");
  log_cfg l = { .line = p->line };
  const char *mask_to = NULL;
  for (size_t i = 2; i < w->n; i++) {
    if (strcmp(w->v[i], "mask-to") == 0 && i + 1 < w->n) {
      mask_to = w->v[++i];
      if (mask_to[0] != '/')
        return FAIL(p, "mask-to needs an absolute path, got '%s'", mask_to);
    } else if (strcmp(w->v[i], "start=end") == 0) {
      l.from_end = 1;
    } else if (strcmp(w->v[i], "start=beginning") == 0) {
      l.from_end = 0;
    } else {
      return FAIL(p, "unknown option '%s' (mask-to FILE, start=beginning|end)", w->v[i]);
    }
  }
  if (strcmp(w->v[1], "-") != 0 && w->v[1][0] != '/')
    return FAIL(p, "'log' needs an absolute path or '-', got '%s'", w->v[1]);
  for (size_t i = 0; i < c->n_logs; i++)
    if (strcmp(c->logs[i].path, w->v[1]) == 0)
      return FAIL(p, "log '%s' already configured on line %lu", w->v[1], c->logs[i].line);
  size_t cap = c->n_logs;
  if (mon_grow(&c->logs, &cap, c->n_logs, c->n_logs + 1, sizeof *c->logs) != 0)
    return FAIL(p, "out of memory");
  l.path = strdup(w->v[1]);
  l.mask_to = mask_to ? strdup(mask_to) : NULL;
  if (!l.path || (mask_to && !l.mask_to)) {
    free(l.path);
    free(l.mask_to);
    return FAIL(p, "out of memory");
  }
  c->logs[c->n_logs++] = l;
  return 0;
}

/* "N/DURATION" */
static int parse_rate(const char *text, unsigned *count, unsigned *seconds)
{
  const char *slash = strchr(text, '/');
  if (!slash)
    return -1;
  char *num = strndup(text, (size_t)(slash - text));
  if (!num)
    return -1;
  unsigned long n;
  time_t secs;
  int rc = parse_count(num, 1000000, &n);
  free(num);
  if (rc != 0 || config_parse_duration(slash + 1, &secs) != 0 || secs <= 0 ||
      secs > UINT32_MAX)
    return -1;
  *count = (unsigned)n;
  *seconds = (unsigned)secs;
  return 0;
}

static int parse_alert_into(parser *p, const strv *w, sink_cfg *s)
{
  if (w->n < 2)
    return FAIL(p, "'alert' needs a sink: stdout, file, syslog or exec");
  size_t opts = 2; /* first option word */
  const char *kind = w->v[1];
  /* Sinks that page people get the global limits unless told otherwise. */
  int paging = 0;
  if (strcmp(kind, "stdout") == 0) {
    s->kind = SINK_STDOUT;
  } else if (strcmp(kind, "file") == 0) {
    s->kind = SINK_FILE;
    if (w->n < 3 || w->v[2][0] != '/')
      return FAIL(p, "'alert file' needs an absolute path");
    if (!(s->path = strdup(w->v[2])))
      return FAIL(p, "out of memory");
    opts = 3;
  } else if (strcmp(kind, "syslog") == 0) {
    s->kind = SINK_SYSLOG;
    paging = 1;
  } else if (strcmp(kind, "exec") == 0) {
    s->kind = SINK_EXEC;
    paging = 1;
    opts = w->n; /* everything after exec belongs to the command... */
  } else {
    return FAIL(p, "unknown alert sink '%s' (stdout, file, syslog, exec)", kind);
  }
  if (paging) {
    s->rate_count = (unsigned)-1; /* filled from the globals at the end */
    s->dedup_seconds = (unsigned)-1;
  }
  /* ...except leading rate=/dedup= options: alert exec rate=5/1h dedup=1h /bin/x */
  size_t i = s->kind == SINK_EXEC ? 2 : opts;
  for (; i < w->n; i++) {
    const char *opt = w->v[i];
    if (strncmp(opt, "rate=", 5) == 0) {
      if (parse_rate(opt + 5, &s->rate_count, &s->rate_seconds) != 0)
        return FAIL(p, "bad rate '%s' (COUNT/DURATION, e.g. rate=10/1h)", opt + 5);
    } else if (strncmp(opt, "dedup=", 6) == 0) {
      time_t d;
      if (config_parse_duration(opt + 6, &d) != 0 || d > UINT32_MAX)
        return FAIL(p, "bad dedup window '%s'", opt + 6);
      s->dedup_seconds = (unsigned)d;
    } else if (s->kind == SINK_SYSLOG && strncmp(opt, "facility=", 9) == 0) {
      size_t f = 0;
      while (f < sizeof facilities / sizeof *facilities &&
             strcmp(facilities[f].name, opt + 9) != 0)
        f++;
      if (f == sizeof facilities / sizeof *facilities)
        return FAIL(p, "unknown syslog facility '%s'", opt + 9);
      s->facility = facilities[f].value;
    } else if (s->kind == SINK_SYSLOG && strncmp(opt, "tag=", 4) == 0) {
      if (set_string(p, &s->tag, opt + 4) != 0)
        return -1;
    } else if (s->kind == SINK_EXEC) {
      break; /* the command starts here */
    } else {
      return FAIL(p, "unknown option '%s' for 'alert %s'", opt, kind);
    }
  }
  if (s->kind == SINK_EXEC) {
    if (i >= w->n || w->v[i][0] != '/')
      return FAIL(p, "'alert exec' needs an absolute program path");
    for (; i < w->n; i++)
      if (strv_push(&s->argv, w->v[i]) != 0)
        return FAIL(p, "out of memory");
  }
  if (s->kind == SINK_SYSLOG && !s->tag && set_string(p, &s->tag, MON_PROGRAM) != 0)
    return -1;
  return 0;
}

static int do_alert(parser *p, const strv *w)
{
  config *c = p->cfg;
  sink_cfg s = { .line = p->line, .facility = LOG_AUTH };
  size_t cap = c->n_sinks;
  int rc = parse_alert_into(p, w, &s);
  if (rc == 0 && mon_grow(&c->sinks, &cap, c->n_sinks, c->n_sinks + 1, sizeof *c->sinks) != 0)
    rc = FAIL(p, "out of memory");
  if (rc != 0) {
    /* an error after the path, tag or command were copied frees them */
    free(s.path);
    free(s.tag);
    strv_free(&s.argv);
    return rc;
  }
  c->sinks[c->n_sinks++] = s;
  return 0;
}

static int do_min_length(parser *p, const strv *w)
{
  if (want_args(p, w, 2, 2) != 0)
    return -1;
  unsigned long n;
  if (parse_count(w->v[2], 1 << 20, &n) != 0)
    return FAIL(p, "bad length '%s'", w->v[2]);
  if (strcmp(w->v[1], "key") == 0)
    p->cfg->min_len_key = n;
  else if (strcmp(w->v[1], "password") == 0)
    p->cfg->min_len_password = n;
  else if (strcmp(w->v[1], "other") == 0)
    p->cfg->min_len_other = n;
  else
    return FAIL(p, "unknown class '%s' (key, password, other)", w->v[1]);
  return 0;
}

static int replace_globs(parser *p, strv *dst, const strv *w, size_t from)
{
  strv_free(dst);
  for (size_t i = from; i < w->n; i++)
    if (strv_push(dst, w->v[i]) != 0)
      return FAIL(p, "out of memory");
  return 0;
}

static int do_class(parser *p, const strv *w)
{
  if (w->n < 3)
    return FAIL(p, "'class' needs a class (key, password) and at least one pattern");
  if (strcmp(w->v[1], "key") == 0)
    return replace_globs(p, &p->cfg->key_globs, w, 2);
  if (strcmp(w->v[1], "password") == 0)
    return replace_globs(p, &p->cfg->password_globs, w, 2);
  return FAIL(p, "unknown class '%s' (key, password)", w->v[1]);
}

static int do_line(parser *p, const strv *w)
{
  config *c = p->cfg;
  const char *d = w->v[0];
  time_t t;
  unsigned long n;
  if (strcmp(d, "state-dir") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (w->v[1][0] != '/')
      return FAIL(p, "state-dir needs an absolute path");
    return set_string(p, &c->state_dir, w->v[1]);
  }
  if (strcmp(d, "key-file") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (w->v[1][0] != '/')
      return FAIL(p, "key-file needs an absolute path");
    if (c->key_credential)
      return FAIL(p, "key-file and key-credential exclude each other");
    return set_string(p, &c->key_file, w->v[1]);
  }
  if (strcmp(d, "key-credential") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (!*w->v[1] || strchr(w->v[1], '/') || strcmp(w->v[1], ".") == 0 ||
        strcmp(w->v[1], "..") == 0)
      return FAIL(p, "bad credential name '%s'", w->v[1]);
    if (c->key_file)
      return FAIL(p, "key-file and key-credential exclude each other");
    return set_string(p, &c->key_credential, w->v[1]);
  }
  if (strcmp(d, "systemctl") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (w->v[1][0] != '/')
      return FAIL(p, "systemctl needs an absolute path");
    return set_string(p, &c->systemctl, w->v[1]);
  }
  if (strcmp(d, "max-source-size") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (parse_size(w->v[1], &c->max_source_size) != 0 || c->max_source_size == 0 ||
        c->max_source_size > (1ULL << 30))
      return FAIL(p, "bad size '%s' (e.g. 1M, at most 1G)", w->v[1]);
    return 0;
  }
  if (strcmp(d, "audit-log") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (w->v[1][0] != '/')
      return FAIL(p, "audit-log needs an absolute path");
    return set_string(p, &c->audit_log, w->v[1]);
  }
  if (strcmp(d, "audit-retention") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (config_parse_duration(w->v[1], &t) != 0 || t <= 0)
      return FAIL(p, "bad duration '%s' (e.g. 90d, 3y)", w->v[1]);
    c->audit_retention = t;
    return 0;
  }
  if (strcmp(d, "audit-rotate-size") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (parse_size(w->v[1], &c->audit_rotate_size) != 0 || c->audit_rotate_size == 0)
      return FAIL(p, "bad size '%s' (e.g. 10M)", w->v[1]);
    return 0;
  }
  if (strcmp(d, "owner") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (parse_owner(w->v[1], &c->owner) != 0)
      return FAIL(p, "unknown user '%s'", w->v[1]);
    return 0;
  }
  if (strcmp(d, "interval") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    if (config_parse_duration(w->v[1], &t) != 0 || t <= 0 || t > 86400 * 7)
      return FAIL(p, "bad interval '%s' (1s to 7d)", w->v[1]);
    c->interval = (unsigned)t;
    return 0;
  }
  if (strcmp(d, "min-length") == 0)
    return do_min_length(p, w);
  if (strcmp(d, "min-entropy") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    char *end;
    double e = strtod(w->v[1], &end);
    if (*end || end == w->v[1] || e < 0 || e > 8)
      return FAIL(p, "bad entropy '%s' (bits per byte, 0 to 8)", w->v[1]);
    c->min_entropy = e;
    return 0;
  }
  if (strcmp(d, "class") == 0)
    return do_class(p, w);
  if (strcmp(d, "ignore") == 0) {
    if (w->n < 2)
      return FAIL(p, "'ignore' needs at least one name pattern");
    for (size_t i = 1; i < w->n; i++)
      if (strv_push(&c->ignore_globs, w->v[i]) != 0)
        return FAIL(p, "out of memory");
    return 0;
  }
  if (strcmp(d, "rules") == 0) {
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    return strv_push(&c->rule_paths, w->v[1]) == 0 ? 0 : FAIL(p, "out of memory");
  }
  if (strcmp(d, "dotenv") == 0)
    return do_source(p, w, SOURCE_DOTENV);
  if (strcmp(d, "secret-file") == 0)
    return do_source(p, w, SOURCE_FILE);
  if (strcmp(d, "secret-dir") == 0)
    return do_source(p, w, SOURCE_DIR);
  if (strcmp(d, "env") == 0)
    return do_env(p, w);
  if (strcmp(d, "env-of") == 0)
    return do_env_of(p, w);
  if (strcmp(d, "log") == 0)
    return do_log(p, w);
  if (strcmp(d, "alert") == 0)
    return do_alert(p, w);
  if (strcmp(d, "rate-limit") == 0 || strcmp(d, "dedup-window") == 0) {
    /* Handled in a second pass: they are defaults for every paging sink,
     * wherever they appear in the file. */
    if (want_args(p, w, 1, 1) != 0)
      return -1;
    return 0;
  }
  (void)n;
  return FAIL(p, "unknown directive '%s'", d);
}

/* Second pass for the paging defaults; returns -1 on a bad value. */
static int do_defaults(parser *p, const strv *w, unsigned *rate_count, unsigned *rate_secs,
                       unsigned *dedup)
{
  if (strcmp(w->v[0], "rate-limit") == 0) {
    if (strcmp(w->v[1], "off") == 0) {
      *rate_count = 0;
      return 0;
    }
    if (parse_rate(w->v[1], rate_count, rate_secs) != 0)
      return FAIL(p, "bad rate '%s' (COUNT/DURATION, e.g. 10/1h, or off)", w->v[1]);
  } else if (strcmp(w->v[0], "dedup-window") == 0) {
    time_t d;
    if (config_parse_duration(w->v[1], &d) != 0 || d > UINT32_MAX)
      return FAIL(p, "bad duration '%s'", w->v[1]);
    *dedup = (unsigned)d;
  }
  return 0;
}

static void config_defaults(config *c)
{
  memset(c, 0, sizeof *c);
  c->audit_retention = 3 * 365 * 86400L;
  c->audit_rotate_size = 10u << 20;
  c->owner = geteuid();
  c->interval = 300;
  c->min_len_key = 50;
  c->min_len_password = 12;
  c->min_len_other = 6;
  c->min_entropy = 2.5;
  c->max_source_size = 1u << 20;
}

static int push_defaults(config *c)
{
  static const char *keys[] = { "*SECRET_KEY*", "*SIGNING_KEY*", "*ENCRYPTION_KEY*",
                                "*PRIVATE_KEY*", "*MASTER_KEY*", "*_SECRET" };
  static const char *passwords[] = { "*PASSWORD*", "*PASSWD*", "*_PASS", "*PWD*" };
  if (!c->key_globs.n)
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
      if (strv_push(&c->key_globs, keys[i]) != 0)
        return -1;
  if (!c->password_globs.n)
    for (size_t i = 0; i < sizeof passwords / sizeof *passwords; i++)
      if (strv_push(&c->password_globs, passwords[i]) != 0)
        return -1;
  if (!c->state_dir && !(c->state_dir = strdup(MON_DEFAULT_STATE_DIR)))
    return -1;
  if (!c->audit_log && !(c->audit_log = mon_printf("%s/audit.log", c->state_dir)))
    return -1;
  if (!c->systemctl && !(c->systemctl = strdup(MON_DEFAULT_SYSTEMCTL)))
    return -1;
  return 0;
}

int config_load(const char *path, config *out, char **err)
{
  char *text;
  size_t len;
  if (mon_read_file(path, &text, &len) != 0)
    return mon_fail(err, "%s: cannot read: %s", path, strerror(errno));
  config c;
  config_defaults(&c);
  parser p = { &c, path, 0, err };
  unsigned rate_count = 10, rate_secs = 3600, dedup = 3600;
  int rc = 0;
  /* Two passes over the same lines: directives, then paging defaults. */
  for (int pass = 0; pass < 2 && rc == 0; pass++) {
    char *line = text;
    p.line = 0;
    while (line && *line && rc == 0) {
      char *nl = strchr(line, '\n');
      if (nl)
        *nl = '\0';
      p.line++;
      strv words = { NULL, 0 };
      const char *why = NULL;
      if (strlen(line) != (size_t)((nl ? nl : text + len) - line))
        rc = FAIL(&p, "NUL byte in line");
      else if (split_words(line, &words, &why) != 0)
        rc = FAIL(&p, "%s", why);
      else if (words.n > 0)
        rc = pass == 0 ? do_line(&p, &words)
                       : do_defaults(&p, &words, &rate_count, &rate_secs, &dedup);
      strv_free(&words);
      if (nl)
        *nl = '\n';
      line = nl ? nl + 1 : NULL;
    }
  }
  free(text);
  if (rc == 0 && push_defaults(&c) != 0)
    rc = mon_fail(err, "%s: out of memory", path);
  if (rc == 0 && !(c.path = strdup(path)))
    rc = mon_fail(err, "%s: out of memory", path);
  if (rc == 0 && c.n_sources == 0) {
    p.line = 0;
    rc = mon_fail(err, "%s: no secret sources (dotenv, secret-file, secret-dir, env, env-of)",
                  path);
  }
  if (rc != 0) {
    config_free(&c);
    return -1;
  }
  for (size_t i = 0; i < c.n_sinks; i++) {
    if (c.sinks[i].rate_count == (unsigned)-1) {
      c.sinks[i].rate_count = rate_count;
      c.sinks[i].rate_seconds = rate_secs;
    }
    if (c.sinks[i].dedup_seconds == (unsigned)-1)
      c.sinks[i].dedup_seconds = dedup;
  }
  *out = c;
  return 0;
}

void config_free(config *c)
{
  if (!c)
    return;
  free(c->path);
  free(c->state_dir);
  free(c->key_file);
  free(c->key_credential);
  free(c->systemctl);
  free(c->audit_log);
  strv_free(&c->key_globs);
  strv_free(&c->password_globs);
  strv_free(&c->ignore_globs);
  strv_free(&c->rule_paths);
  for (size_t i = 0; i < c->n_sources; i++) {
    free(c->sources[i].path);
    strv_free(&c->sources[i].names);
  }
  free(c->sources);
  for (size_t i = 0; i < c->n_logs; i++) {
    free(c->logs[i].path);
    free(c->logs[i].mask_to);
  }
  free(c->logs);
  for (size_t i = 0; i < c->n_sinks; i++) {
    free(c->sinks[i].path);
    free(c->sinks[i].tag);
    strv_free(&c->sinks[i].argv);
  }
  free(c->sinks);
  memset(c, 0, sizeof *c);
}
