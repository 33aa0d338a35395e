/* checks.c - see checks.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "checks.h"
#include "util.h"

#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The library refuses shorter known literals: such a secret cannot be
 * found in logs, which the weak alert says. */
#define LIBRARY_MIN_LITERAL 6

/* Values that are defaults or placeholders when they are the whole value. */
static const char *const placeholder_values[] = {
  "changeme", "change-me", "change_me", "password", "passw0rd", "secret", "default",
  "example", "test", "testing", "dev", "development", "admin", "root", "guest",
  "letmein", "qwerty", "123456", "12345678", "123456789", "todo", "tbd", "xxx",
  "placeholder", "insecure", "dev-key", "devkey", "null", "none", "foobar",
  "secretkey", "mysecret", "your-secret-key", "supersecret", "s3cr3t",
};
/* Fragments that mark a value as a default or placeholder anywhere. */
static const char *const placeholder_parts[] = {
  "changeme", "change-me", "change_me", "insecure", "dev-key", "placeholder",
  "your-secret", "your_secret", "replace-me", "replaceme", "replace_me", "example",
  "dummy", "not-a-secret", "password", "xxxxxx",
};

double checks_entropy(const char *value, size_t len)
{
  if (!len)
    return 0;
  size_t counts[256] = { 0 };
  for (size_t i = 0; i < len; i++)
    counts[(unsigned char)value[i]]++;
  double h = 0;
  for (size_t c = 0; c < 256; c++)
    if (counts[c]) {
      double p = (double)counts[c] / (double)len;
      h -= p * log2(p);
    }
  return h;
}

static int name_in(const strv *globs, const char *name)
{
  for (size_t i = 0; i < globs->n; i++)
    if (mon_glob_match(globs->v[i], name))
      return 1;
  return 0;
}

static int is_placeholder(const char *value, size_t len)
{
  if (memchr(value, '\0', len))
    return 0;
  for (size_t i = 0; i < sizeof placeholder_values / sizeof *placeholder_values; i++)
    if (strcasecmp(value, placeholder_values[i]) == 0)
      return 1;
  for (size_t i = 0; i < sizeof placeholder_parts / sizeof *placeholder_parts; i++)
    if (strcasestr(value, placeholder_parts[i]))
      return 1;
  return 0;
}

/* Appends "; " and a sentence to *text. */
static int add_reason(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_reason(char **text, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *reason = mon_vprintf(fmt, ap);
  va_end(ap);
  if (!reason)
    return -1;
  char *joined = *text ? mon_printf("%s; %s", *text, reason) : reason;
  if (*text) {
    free(reason);
    free(*text);
  }
  *text = joined;
  return joined ? 0 : -1;
}

char *checks_weakness(const config *cfg, const char *name, const char *value, size_t len)
{
  char *why = NULL;
  const char *cls = "other";
  size_t min = cfg->min_len_other;
  if (name_in(&cfg->key_globs, name)) {
    cls = "key";
    min = cfg->min_len_key;
  } else if (name_in(&cfg->password_globs, name)) {
    cls = "password";
    min = cfg->min_len_password;
  }
  if (len < min)
    add_reason(&why, "shorter than %zu bytes, the minimum for a %s", min, cls);
  if (is_placeholder(value, len))
    add_reason(&why, "a known default or placeholder value");
  double h = checks_entropy(value, len);
  if (len && h < cfg->min_entropy)
    add_reason(&why, "low entropy (%.1f bits per byte, minimum %.1f)", h, cfg->min_entropy);
  if (len < LIBRARY_MIN_LITERAL)
    add_reason(&why, "shorter than %d bytes: it cannot be leak-detected in logs",
               LIBRARY_MIN_LITERAL);
  return why;
}

char (*checks_fingerprints(const secret_set *set, const unsigned char *key))[FP_HEX_LEN + 1]
{
  char (*fps)[FP_HEX_LEN + 1] = calloc(set->n ? set->n : 1, sizeof *fps);
  if (!fps)
    return NULL;
  for (size_t i = 0; i < set->n; i++)
    if (fp_compute(key, set->v[i].value, set->v[i].len, fps[i]) != 0) {
      free(fps);
      return NULL;
    }
  return fps;
}

static const char *user_label(uid_t uid, char *buf, size_t size)
{
  struct passwd *pw = getpwuid(uid);
  if (pw)
    snprintf(buf, size, "%lu (%s)", (unsigned long)uid, pw->pw_name);
  else
    snprintf(buf, size, "%lu", (unsigned long)uid);
  return buf;
}

static int check_permissions(const secret_set *set, alert_list *out)
{
  for (size_t i = 0; i < set->n_files; i++) {
    const file_state *f = &set->files[i];
    mode_t mode = f->st.st_mode & 07777;
    mode_t extra = mode & ~f->cfg->max_mode & 0777;
    if (extra &&
        alert_list_add(out, "permissions", f->secret, f->cfg->path,
                       "%s has mode %04o, more than the allowed %04o%s", f->path,
                       (unsigned)mode, (unsigned)f->cfg->max_mode,
                       extra & 0044 ? " (readable by group or others)" : "") != 0)
      return -1;
    if (f->st.st_uid != f->cfg->owner) {
      char have[128], want[128];
      if (alert_list_add(out, "permissions", f->secret, f->cfg->path,
                         "%s is owned by uid %s, expected %s", f->path,
                         user_label(f->st.st_uid, have, sizeof have),
                         user_label(f->cfg->owner, want, sizeof want)) != 0)
        return -1;
    }
  }
  return 0;
}

static int check_state_dir(const config *cfg, alert_list *out)
{
  struct stat st;
  if (stat(cfg->state_dir, &st) == 0 && (st.st_mode & 077))
    return alert_list_add(out, "permissions", NULL, cfg->state_dir,
                          "state directory %s has mode %04o, expected 0700", cfg->state_dir,
                          (unsigned)(st.st_mode & 07777));
  return 0;
}

static const source_state *state_of(const secret_set *set, const char *source)
{
  for (size_t i = 0; i < set->n_sources; i++)
    if (strcmp(source_name(set->sources[i].cfg), source) == 0)
      return &set->sources[i];
  return NULL;
}

static long find_secret(const secret_set *set, const char *source, const char *name)
{
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->v[i].source, source) == 0 && strcmp(set->v[i].name, name) == 0)
      return (long)i;
  return -1;
}

static int check_baseline(const baseline *b, const secret_set *set,
                          char (*fps)[FP_HEX_LEN + 1], alert_list *out)
{
  for (size_t i = 0; i < b->n; i++) {
    const baseline_entry *e = &b->v[i];
    long k = find_secret(set, e->source, e->name);
    int rc = 0;
    if (k < 0) {
      const source_state *st = state_of(set, e->source);
      if (!st)
        rc = alert_list_add(out, "missing", e->name, e->source,
                            "the source %s is no longer configured", e->source);
      else if (!st->present)
        rc = alert_list_add(out, "missing", e->name, e->source, "the source %s is gone (%s)",
                            e->source, strerror(st->err_no));
      else
        rc = alert_list_add(out, "missing", e->name, e->source,
                            "%s is no longer defined in %s", e->name, e->source);
    } else if (strcmp(fps[k], e->fingerprint) != 0) {
      const char *now_len = fp_length_class(set->v[k].len);
      if (strcmp(now_len, e->length) != 0)
        rc = alert_list_add(out, "changed", e->name, e->source,
                            "the value differs from the baseline accepted %s "
                            "(length class %s, was %s)",
                            e->since ? e->since : "at init", now_len, e->length);
      else
        rc = alert_list_add(out, "changed", e->name, e->source,
                            "the value differs from the baseline accepted %s",
                            e->since ? e->since : "at init");
    }
    if (rc != 0)
      return -1;
  }
  /* A configured source that is gone and had nothing in the baseline. */
  for (size_t i = 0; i < set->n_sources; i++) {
    const source_state *st = &set->sources[i];
    const char *src = source_name(st->cfg);
    int known = 0;
    for (size_t j = 0; j < b->n && !known; j++)
      known = strcmp(b->v[j].source, src) == 0 &&
              (st->cfg->kind != SOURCE_ENV || strcmp(b->v[j].name, st->cfg->path) == 0);
    if (!st->present && !known &&
        alert_list_add(out, "missing", st->cfg->kind == SOURCE_ENV ? st->cfg->path : NULL,
                       src, "%s %s cannot be read (%s)", source_kind_name(st->cfg->kind),
                       st->cfg->path, strerror(st->err_no)) != 0)
      return -1;
  }
  for (size_t k = 0; k < set->n; k++)
    if (baseline_find(b, set->v[k].source, set->v[k].name) < 0 &&
        alert_list_add(out, "added", set->v[k].name, set->v[k].source,
                       "a new secret (length class %s) not in the baseline; "
                       "accept it when intended", fp_length_class(set->v[k].len)) != 0)
      return -1;
  return 0;
}

static int check_weak(const config *cfg, const secret_set *set,
                      char (*fps)[FP_HEX_LEN + 1], alert_list *out)
{
  for (size_t k = 0; k < set->n; k++) {
    const secret *s = &set->v[k];
    char *why = checks_weakness(cfg, s->name, s->value, s->len);
    if (why) {
      int rc = alert_list_add(out, "weak", s->name, s->source, "%s", why);
      free(why);
      if (rc != 0)
        return -1;
    }
    /* Reuse: the same value as an earlier secret (one alert per copy). */
    for (size_t j = 0; j < k; j++)
      if (strcmp(fps[j], fps[k]) == 0) {
        if (alert_list_add(out, "weak", s->name, s->source, "the same value as %s in %s",
                           set->v[j].name, set->v[j].source) != 0)
          return -1;
        break;
      }
  }
  return 0;
}

int checks_run(const config *cfg, const baseline *b, const unsigned char *key,
               const secret_set *set, alert_list *out)
{
  char (*fps)[FP_HEX_LEN + 1] = checks_fingerprints(set, key);
  if (!fps)
    return -1;
  int rc = b ? check_baseline(b, set, fps, out) : 0;
  if (rc == 0)
    rc = check_permissions(set, out);
  if (rc == 0)
    rc = check_state_dir(cfg, out);
  if (rc == 0)
    rc = check_weak(cfg, set, fps, out);
  free(fps);
  return rc;
}
