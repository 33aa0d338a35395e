/* SPDX-License-Identifier: Apache-2.0 */
/* checks.c - see checks.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "checks.h"
#include "index.h"
#include "util.h"

#include "logmask.h"

#include <errno.h>
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

/* ---- provider token formats ------------------------------------------ */

static struct {
  lm_ruleset *set;
  lm_masker *finder;
  int tried;
} formats;

void checks_cleanup(void)
{
  lm_masker_free(formats.finder);
  lm_ruleset_free(formats.set);
  memset(&formats, 0, sizeof formats);
}

/* The rule library knows the documented formats of provider tokens
 * (prefix, alphabet, length); a value one of its rules matches whole is
 * as long as its issuer makes it, whatever its variable is called. */
const char *checks_token_format(const char *value, size_t len)
{
  if (!formats.tried) {
    formats.tried = 1;
    formats.set = lm_ruleset_new();
    if (!formats.set || lm_ruleset_load_defaults(formats.set) != LM_OK ||
        lm_ruleset_compile(formats.set) != LM_OK ||
        !(formats.finder = lm_masker_new(formats.set))) {
      checks_cleanup();
      formats.tried = 1;
    }
  }
  if (!formats.finder || !len || len > 4096 || memchr(value, '\n', len))
    return NULL;
  lm_finding found[8];
  size_t count = 0;
  lm_masker_reset(formats.finder);
  if (lm_masker_find(formats.finder, value, len, found, 8, &count) != LM_OK)
    return NULL;
  for (size_t i = 0; i < count && i < 8; i++)
    if (found[i].rule != (size_t)-1 && found[i].start == 0 && found[i].end == len &&
        !(found[i].flags & LM_LINE_LIMIT))
      return lm_ruleset_rule_id(formats.set, found[i].rule);
  return NULL;
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
  /* A provider token has the length its documented format gives it: the
   * class of the variable's name does not apply. */
  if (len < min && !checks_token_format(value, len))
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

static int check_owner(alert_list *out, const char *secret_name, const char *source,
                       const char *path, uid_t have_uid, uid_t want_uid)
{
  if (have_uid == want_uid)
    return 0;
  char have[128], want[128];
  return alert_list_add(out, "permissions", secret_name, source, "%s is owned by uid %s, expected %s",
                        path, user_label(have_uid, have, sizeof have),
                        user_label(want_uid, want, sizeof want));
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
    if (check_owner(out, f->secret, f->cfg->path, f->path, f->st.st_uid, f->cfg->owner) != 0)
      return -1;
  }
  return 0;
}

/* The monitor's own files: only its user may read or change them.  The
 * key, because whoever reads it can forge every MAC; the state, because
 * whoever writes it can roll it back. */
static int check_own_file(alert_list *out, const char *what, const char *path,
                          const struct stat *st, mode_t allowed)
{
  if ((st->st_mode & 07777 & ~allowed) &&
      alert_list_add(out, "permissions", NULL, path, "%s %s has mode %04o, expected %04o%s",
                     what, path, (unsigned)(st->st_mode & 07777), (unsigned)allowed,
                     st->st_mode & 0044 ? " (readable by group or others)" : "") != 0)
    return -1;
  return check_owner(out, NULL, path, path, st->st_uid, geteuid());
}

static int check_state_files(const check_input *in, alert_list *out)
{
  const config *cfg = in->cfg;
  struct stat st;
  if (in->key_st && check_own_file(out, "the fingerprint key", in->key_path, in->key_st, 0600) != 0)
    return -1;
  if (stat(cfg->state_dir, &st) == 0 &&
      check_own_file(out, "the state directory", cfg->state_dir, &st, 0700) != 0)
    return -1;
  static const char *const names[] = { "baseline", "status.json", "offsets", "audit.head" };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *path = mon_printf("%s/%s", cfg->state_dir, names[i]);
    if (!path)
      return -1;
    int rc = lstat(path, &st) == 0 ? check_own_file(out, "the state file", path, &st, 0600) : 0;
    free(path);
    if (rc != 0)
      return -1;
  }
  if (lstat(cfg->audit_log, &st) == 0 &&
      check_own_file(out, "the audit log", cfg->audit_log, &st, 0600) != 0)
    return -1;
  return 0;
}

static const source_state *state_of(const secret_set *set, const char *source)
{
  for (size_t i = 0; i < set->n_sources; i++)
    if (strcmp(source_name(set->sources[i].cfg), source) == 0)
      return &set->sources[i];
  return NULL;
}

/* Sources that could not be read completely: one high alert each, saying
 * how many guarded secrets it leaves unverified. */
static int check_unreadable(const baseline *b, const secret_set *set, alert_list *out)
{
  for (size_t i = 0; i < set->n_sources; i++) {
    const source_state *st = &set->sources[i];
    if (!st->error)
      continue;
    const char *src = source_name(st->cfg);
    size_t unverified = 0;
    for (size_t j = 0; b && j < b->n; j++)
      unverified += strcmp(b->v[j].source, src) == 0 && secret_find(set, src, b->v[j].name) < 0;
    int rc = unverified
                 ? alert_list_add(out, "unreadable", NULL, src,
                                  "%s: %zu guarded secret%s of it cannot be verified", st->error,
                                  unverified, unverified == 1 ? "" : "s")
                 : alert_list_add(out, "unreadable", NULL, src,
                                  "%s: it cannot be read completely", st->error);
    if (rc != 0)
      return -1;
  }
  return 0;
}

static int check_duplicates(const secret_set *set, alert_list *out)
{
  for (size_t i = 0; i < set->n_dups; i++) {
    const duplicate *d = &set->dups[i];
    if (alert_list_add(out, "duplicate", d->name, d->source,
                       "%s is assigned %u times in %s (lines %lu to %lu): loaders differ on "
                       "which assignment wins; the last is compared, every one is watched "
                       "for leaks", d->name, d->count, d->source, d->first_line,
                       d->last_line) != 0)
      return -1;
  }
  return 0;
}

static int check_baseline(const baseline *b, const secret_set *set,
                          char (*fps)[FP_HEX_LEN + 1], alert_list *out)
{
  for (size_t i = 0; i < b->n; i++) {
    const baseline_entry *e = &b->v[i];
    long k = secret_find(set, e->source, e->name);
    int rc = 0;
    if (k < 0) {
      const source_state *st = state_of(set, e->source);
      if (st && st->error)
        continue; /* unverified: the unreadable alert counts it */
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
    if (st->present || st->error)
      continue;
    int known = 0;
    for (size_t j = 0; j < b->n && !known; j++)
      known = strcmp(b->v[j].source, src) == 0 &&
              (st->cfg->kind != SOURCE_ENV || strcmp(b->v[j].name, st->cfg->path) == 0);
    if (!known &&
        alert_list_add(out, "missing", st->cfg->kind == SOURCE_ENV ? st->cfg->path : NULL,
                       src, "%s %s cannot be read (%s)", source_kind_name(st->cfg->kind),
                       st->cfg->path, strerror(st->err_no)) != 0)
      return -1;
  }
  for (size_t k = 0; k < set->n; k++)
    if (!set->v[k].shadowed && baseline_find(b, set->v[k].source, set->v[k].name) < 0 &&
        alert_list_add(out, "added", set->v[k].name, set->v[k].source,
                       "a new secret (length class %s) not in the baseline; "
                       "accept it when intended", fp_length_class(set->v[k].len)) != 0)
      return -1;
  return 0;
}

/* Is the weakness of secret k acknowledged (accept --weak) for its
 * current value? */
static int weak_acknowledged(const baseline *b, const secret *s, const char *fp)
{
  if (!b)
    return 0;
  long at = baseline_find(b, s->source, s->name);
  return at >= 0 && b->v[at].weak_ack && strcmp(b->v[at].fingerprint, fp) == 0;
}

typedef struct fp_ref {
  char (*fps)[FP_HEX_LEN + 1];
  const char *fp;
} fp_ref;

static int fp_eq(const void *vctx, size_t pos)
{
  const fp_ref *r = vctx;
  return strcmp(r->fps[pos], r->fp) == 0;
}

static int check_weak(const config *cfg, const baseline *b, const secret_set *set,
                      char (*fps)[FP_HEX_LEN + 1], alert_list *out)
{
  mon_index seen = { 0 };
  int rc = 0;
  for (size_t k = 0; k < set->n && rc == 0; k++) {
    const secret *s = &set->v[k];
    if (s->shadowed)
      continue;
    /* Reuse: the same value as an earlier secret (one alert per copy). */
    uint64_t h = mon_index_hash(fps[k], NULL);
    fp_ref ref = { fps, fps[k] };
    long first = mon_index_find(&seen, h, fp_eq, &ref);
    if (first < 0 && mon_index_add(&seen, h, k) != 0)
      rc = -1;
    if (rc != 0 || weak_acknowledged(b, s, fps[k]))
      continue;
    char *why = checks_weakness(cfg, s->name, s->value, s->len);
    if (why) {
      rc = alert_list_add(out, "weak", s->name, s->source, "%s", why);
      free(why);
    }
    if (rc == 0 && first >= 0)
      rc = alert_list_add(out, "weak", s->name, s->source, "the same value as %s in %s",
                          set->v[first].name, set->v[first].source);
  }
  mon_index_free(&seen);
  return rc;
}

int checks_run(const check_input *in, alert_list *out)
{
  char (*fps)[FP_HEX_LEN + 1] = checks_fingerprints(in->set, in->fp_key);
  if (!fps)
    return -1;
  int rc = check_unreadable(in->base, in->set, out);
  if (rc == 0 && in->base)
    rc = check_baseline(in->base, in->set, fps, out);
  if (rc == 0)
    rc = check_duplicates(in->set, out);
  if (rc == 0)
    rc = check_permissions(in->set, out);
  if (rc == 0)
    rc = check_state_files(in, out);
  if (rc == 0)
    rc = check_weak(in->cfg, in->base, in->set, fps, out);
  free(fps);
  return rc;
}
