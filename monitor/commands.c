/* SPDX-License-Identifier: Apache-2.0 */
/* commands.c - init, check, accept, status and verify-audit. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "commands.h"
#include "alert.h"
#include "audit.h"
#include "baseline.h"
#include "checks.h"
#include "fingerprint.h"
#include "sources.h"
#include "status.h"
#include "util.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *state_path(const config *cfg, const char *name)
{
  return mon_printf("%s/%s", cfg->state_dir, name);
}

void env_free(env *e)
{
  secret_set_free(&e->set);
  baseline_free(&e->base);
  keyring_wipe(&e->keys);
  audit_set_keys(NULL);
  checks_cleanup();
  free(e->key_error);
  free(e->base_error);
  free(e->baseline_path);
  free(e->key_path);
  free(e->status_path);
  if (e->have_cfg)
    config_free(&e->cfg);
  memset(e, 0, sizeof *e);
}

int env_config(env *e, const cmd_options *o)
{
  memset(e, 0, sizeof *e);
  char *err = NULL;
  if (config_load(o->config_path, &e->cfg, &err) != 0) {
    mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  e->have_cfg = 1;
  e->key = KEY_ABSENT;
  e->baseline_path = state_path(&e->cfg, "baseline");
  e->status_path = state_path(&e->cfg, "status.json");
  if (!e->baseline_path || !e->status_path) {
    mon_warn("out of memory");
    return -1;
  }
  return 0;
}

int env_key(env *e)
{
  char *err = NULL;
  free(e->key_path);
  if (!(e->key_path = config_key_path(&e->cfg, &err))) {
    mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  free(e->key_error);
  e->key_error = NULL;
  if (fp_key_load(e->key_path, e->keys.fp, &e->key_st, &err) != 0) {
    e->key = errno == ENOENT ? KEY_ABSENT : KEY_UNREADABLE;
    e->key_error = err;
    audit_set_keys(NULL);
    return 0;
  }
  if (keyring_derive(&e->keys) != 0) {
    e->key = KEY_UNREADABLE;
    e->key_error = mon_printf("%s: cannot derive keys from it", e->key_path);
    audit_set_keys(NULL);
    return 0;
  }
  e->key = KEY_LOADED;
  audit_set_keys(&e->keys);
  return 0;
}

int env_baseline(env *e)
{
  char *err = NULL;
  baseline_free(&e->base);
  free(e->base_error);
  e->base_error = NULL;
  e->base_state = 0;
  if (e->key != KEY_LOADED) {
    /* Nothing can be verified without the key; say whether there is a
     * baseline at all. */
    if (access(e->baseline_path, F_OK) != 0) {
      mon_warn("%s: no baseline; run '" MON_PROGRAM " init' first", e->baseline_path);
      return -1;
    }
    e->base_state = BASELINE_TAMPERED;
    e->base_error = mon_printf("%s cannot be verified without the key", e->baseline_path);
    return 0;
  }
  int rc = baseline_load(e->baseline_path, e->keys.state, &e->base, &err);
  if (rc == BASELINE_TAMPERED) {
    e->base_state = BASELINE_TAMPERED;
    e->base_error = err;
    return 0;
  }
  if (rc != 0) {
    if (errno == ENOENT)
      mon_warn("%s: no baseline; run '" MON_PROGRAM " init' first", e->baseline_path);
    else
      mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  return 0;
}

int env_sources(env *e)
{
  char *err = NULL;
  secret_set_free(&e->set);
  if (sources_load(&e->cfg, &e->set, &err) != 0) {
    mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  return 0;
}

/* Creates the state directory (parents 0755, the directory itself 0700)
 * or tightens an existing one. */
static int make_state_dir(const char *dir)
{
  char *path = strdup(dir);
  if (!path)
    return -1;
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
      mon_warn("%s: cannot create: %s", path, strerror(errno));
      free(path);
      return -1;
    }
    *p = '/';
  }
  free(path);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    mon_warn("%s: cannot create: %s", dir, strerror(errno));
    return -1;
  }
  struct stat st;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    mon_warn("%s: not a directory", dir);
    return -1;
  }
  if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0) {
    mon_warn("%s: cannot chmod 700: %s", dir, strerror(errno));
    return -1;
  }
  return 0;
}

static void entry_from_secret(const secret *s, const char *fp, const char *now,
                              const char *reason, baseline_entry *out)
{
  *out = (baseline_entry){
    .name = s->name,
    .source = (char *)s->source,
    .kind = (char *)source_kind_name(s->cfg->kind),
    .length = (char *)fp_length_class(s->len),
    .fingerprint = (char *)fp,
    .since = (char *)now,
    .by = (char *)mon_username(),
    .reason = (char *)reason,
  };
}

/* init guards only what it can read whole: every configured source must
 * exist, read and parse completely, without a name assigned twice. */
static int sources_complete(const env *e)
{
  int ok = 1;
  for (size_t i = 0; i < e->set.n_sources; i++) {
    const source_state *st = &e->set.sources[i];
    if (st->error) {
      mon_warn("%s", st->error);
      ok = 0;
    } else if (!st->present) {
      mon_warn("%s:%lu: %s %s: %s", e->cfg.path, st->cfg->line,
               st->cfg->kind == SOURCE_ENV ? "env" : source_kind_name(st->cfg->kind),
               st->cfg->path, strerror(st->err_no));
      ok = 0;
    }
  }
  for (size_t i = 0; i < e->set.n_dups; i++) {
    const duplicate *d = &e->set.dups[i];
    mon_warn("%s:%lu: %s is assigned again (first on line %lu): loaders differ on which "
             "one wins; keep one", d->source, d->last_line, d->name, d->first_line);
    ok = 0;
  }
  if (!ok)
    mon_warn("nothing initialised: fix the sources above (or the configuration %s)",
             e->cfg.path);
  return ok;
}

int cmd_init(const cmd_options *o)
{
  env e;
  int rc = MON_EXIT_ERROR;
  char *err = NULL;
  char (*fps)[FP_HEX_LEN + 1] = NULL;
  if (env_config(&e, o) != 0)
    goto out;
  if (access(e.baseline_path, F_OK) == 0 && !o->force) {
    mon_warn("%s exists: the monitor is initialised (use accept, or init --force to "
             "start over)", e.baseline_path);
    goto out;
  }
  /* Read everything before creating anything, so an error changes nothing. */
  if (env_sources(&e) != 0 || !sources_complete(&e))
    goto out;
  if (env_key(&e) != 0)
    goto out;
  if (e.key == KEY_UNREADABLE) {
    mon_warn("%s", e.key_error);
    goto out;
  }
  if (e.key == KEY_ABSENT && e.cfg.key_credential) {
    mon_warn("%s: the credential holds no key; create one (64 hex digits: openssl rand -hex "
             "32) where LoadCredential= reads it", e.key_path);
    goto out;
  }
  if (e.key == KEY_ABSENT && access(e.cfg.audit_log, F_OK) == 0) {
    mon_warn("%s: an audit trail chained under another key exists; move it away before "
             "creating a new key", e.cfg.audit_log);
    goto out;
  }
  if (make_state_dir(e.cfg.state_dir) != 0)
    goto out;
  if (e.key == KEY_ABSENT) {
    if (fp_key_create(e.key_path, e.keys.fp, &err) != 0) {
      mon_warn("%s", err);
      goto out;
    }
    if (env_key(&e) != 0 || e.key != KEY_LOADED) {
      mon_warn("%s", e.key_error ? e.key_error : "cannot read the new key");
      goto out;
    }
  }
  if (e.key_st.st_mode & 077)
    mon_warn("%s: mode %04o lets others read the key and forge the state; chmod 600 it",
             e.key_path, (unsigned)(e.key_st.st_mode & 07777));
  if (!(fps = checks_fingerprints(&e.set, e.keys.fp))) {
    mon_warn("cannot compute fingerprints");
    goto out;
  }
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  if (!(e.base.created = strdup(now))) {
    mon_warn("out of memory");
    goto out;
  }
  /* A baseline left by an earlier init keeps counting generations. */
  baseline old;
  char *ignored = NULL;
  if (baseline_load(e.baseline_path, e.keys.state, &old, &ignored) == 0)
    e.base.generation = old.generation;
  baseline_free(&old);
  free(ignored);
  for (size_t i = 0; i < e.set.n; i++) {
    baseline_entry be;
    entry_from_secret(&e.set.v[i], fps[i], now, "init", &be);
    if (baseline_add(&e.base, &be) != 0) {
      mon_warn("out of memory");
      goto out;
    }
  }
  if (baseline_save(e.baseline_path, e.keys.state, &e.base, &err) != 0) {
    mon_warn("%s", err);
    goto out;
  }
  status fresh = { 0 };
  if (status_save(e.status_path, e.keys.state, &fresh, &err) != 0) {
    mon_warn("%s", err);
    goto out;
  }
  char *detail = mon_printf("%zu secrets from %zu sources%s", e.set.n, e.cfg.n_sources,
                            o->force ? " (--force)" : "");
  audit_record(&e.cfg, "init", NULL, "ok", detail);
  fprintf(stderr, MON_PROGRAM ": guarding %s\n", detail ? detail : "secrets");
  free(detail);
  rc = MON_EXIT_OK;
out:
  free(fps);
  free(err);
  env_free(&e);
  return rc;
}

static void audit_alerts(const config *cfg, const alert_list *alerts)
{
  for (size_t i = 0; i < alerts->n; i++)
    audit_record(cfg, "check", alerts->v[i].secret, alerts->v[i].kind, alerts->v[i].detail);
}

/* Alerts about the monitor's own key and state, before the comparison. */
static int state_alerts(env *e, alert_list *alerts)
{
  int rc = 0;
  if (e->key == KEY_ABSENT)
    rc = alert_list_add(alerts, "missing", NULL, e->key_path,
                        "the fingerprint key %s is gone: the baseline cannot be verified",
                        e->key_path);
  else if (e->key == KEY_UNREADABLE)
    rc = alert_list_add(alerts, "unreadable", NULL, e->key_path,
                        "%s: the baseline cannot be verified", e->key_error);
  else if (e->base_state == BASELINE_TAMPERED)
    rc = alert_list_add(alerts, "tampered", NULL, e->baseline_path,
                        "%s; no secret is compared until it is investigated (init --force "
                        "starts over)", e->base_error);
  if (rc == 0 && e->key == KEY_LOADED) {
    status st;
    char *err = NULL;
    if (status_load(e->status_path, e->keys.state, &st, &err) == STATUS_TAMPERED)
      rc = alert_list_add(alerts, "tampered", NULL, e->status_path,
                          "%s; it is rewritten from this check", err);
    free(err);
    status_free(&st);
  }
  return rc;
}

/* The comparison shared by `check` and the daemon: fills *alerts.
 * Returns -1 on an error already reported. */
int run_check(env *e, alert_list *alerts)
{
  unsigned char throwaway[FP_KEY_LEN];
  int trusted = e->key == KEY_LOADED && e->base_state == 0;
  /* Without a trusted baseline the weak checks still run (they compare
   * the current fingerprints among themselves). */
  if (e->key != KEY_LOADED && fp_key_random(throwaway) != 0) {
    mon_warn("the random generator failed");
    return -1;
  }
  check_input in = {
    .cfg = &e->cfg,
    .base = trusted ? &e->base : NULL,
    .fp_key = e->key == KEY_LOADED ? e->keys.fp : throwaway,
    .set = &e->set,
    .key_path = e->key_path,
    .key_st = e->key == KEY_LOADED ? &e->key_st : NULL,
  };
  int rc = state_alerts(e, alerts) == 0 && checks_run(&in, alerts) == 0 ? 0 : -1;
  mon_wipe(throwaway, sizeof throwaway);
  if (rc != 0)
    mon_warn("out of memory");
  return rc;
}

static const char *result_of(const alert_list *alerts)
{
  for (size_t i = 0; i < alerts->n; i++)
    if (alert_is_failure(alerts->v[i].kind))
      return "failing";
  return alerts->n ? "alerts" : "ok";
}

/* Records a check in the audit trail and the status file (which needs
 * the key: without it the status cannot be sealed and stays as it is). */
void record_check(env *e, const alert_list *alerts)
{
  audit_alerts(&e->cfg, alerts);
  char *detail = mon_printf("%zu secrets, %zu alerts", e->set.n, alerts->n);
  audit_record(&e->cfg, "check", NULL, result_of(alerts), detail);
  free(detail);
  if (e->key != KEY_LOADED)
    return;
  status st;
  char *err = NULL;
  if (status_load(e->status_path, e->keys.state, &st, &err) != 0) {
    /* Damaged or forged: its alerts are in the audit trail; start afresh. */
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  free(st.last_check);
  free(st.result);
  st.last_check = strdup(now);
  st.result = strdup(result_of(alerts));
  alert_list_free(&st.alerts);
  for (size_t i = 0; i < alerts->n; i++)
    if (alert_list_push(&st.alerts, &alerts->v[i]) != 0)
      break;
  if (status_save(e->status_path, e->keys.state, &st, &err) != 0) {
    mon_warn("%s", err);
    free(err);
  }
  status_free(&st);
}

int cmd_check(const cmd_options *o)
{
  env e;
  int rc = MON_EXIT_ERROR;
  alert_list alerts = { 0 };
  if (env_config(&e, o) != 0 || env_key(&e) != 0 || env_baseline(&e) != 0 ||
      env_sources(&e) != 0)
    goto out;
  if (run_check(&e, &alerts) != 0)
    goto out;
  alerter *al = alerter_new(&e.cfg);
  if (!al) {
    mon_warn("out of memory");
    goto out;
  }
  for (size_t i = 0; i < alerts.n; i++)
    alerter_emit(al, &alerts.v[i]);
  alerter_free(al);
  record_check(&e, &alerts);
  rc = alerts.n ? MON_EXIT_ALERT : MON_EXIT_OK;
out:
  alert_list_free(&alerts);
  env_free(&e);
  return rc;
}

/* Does NAME select the secret (source, name)?  NAME is a secret name or
 * SOURCE:NAME. */
static int selects(const char *sel, const char *source, const char *name)
{
  if (strcmp(sel, name) == 0)
    return 1;
  size_t n = strlen(source);
  return strncmp(sel, source, n) == 0 && sel[n] == ':' && strcmp(sel + n + 1, name) == 0;
}

static int selected(const cmd_options *o, const char *source, const char *name, int *used)
{
  if (o->all)
    return 1;
  int hit = 0;
  for (int i = 0; i < o->n_names; i++)
    if (selects(o->names[i], source, name)) {
      used[i] = 1;
      hit = 1;
    }
  return hit;
}

/* accept --leak ID...: rule-only leaks leave the open alerts. */
static int accept_leaks(env *e, const cmd_options *o, status *st)
{
  for (int i = 0; i < o->n_names; i++) {
    long at = status_find_leak(st, o->names[i]);
    if (at < 0) {
      mon_warn("no open leak alert with id %s (see 'status')", o->names[i]);
      return -1;
    }
    const alert *a = &st->leaks.v[at];
    if (a->secret) {
      mon_warn("leak %s is guarded secret %s: rotate it, then 'accept %s'", o->names[i],
               a->secret, a->secret);
      return -1;
    }
  }
  for (int i = 0; i < o->n_names; i++) {
    long at = status_find_leak(st, o->names[i]);
    if (at < 0)
      continue; /* named twice */
    const alert *a = &st->leaks.v[at];
    char *detail = mon_printf("leak %s (rule %s, %s line %lu): %s", a->id,
                              a->rule ? a->rule : "?", a->log ? a->log : "?", a->line,
                              o->reason);
    audit_record(&e->cfg, "accept", a->rule, "leak-acknowledged", detail ? detail : o->reason);
    printf("acknowledged leak %s (rule %s)\n", a->id, a->rule ? a->rule : "?");
    free(detail);
    alert_list_remove(&st->leaks, (size_t)at);
  }
  return 0;
}

/* accept --weak NAME...: the weakness of each value is acknowledged in
 * the baseline, for the value it has now. */
static int accept_weak(env *e, const cmd_options *o, char (*fps)[FP_HEX_LEN + 1], int *used,
                       status *st, size_t *changes)
{
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  for (size_t i = 0; i < e->set.n; i++)
    if (!e->set.v[i].shadowed)
      selected(o, e->set.v[i].source, e->set.v[i].name, used);
  for (int i = 0; i < o->n_names; i++)
    if (!used[i]) {
      mon_warn("no secret named '%s' in the sources", o->names[i]);
      return -1;
    }
  /* Plan: every selected secret must be weak and in the baseline as it
   * is now. */
  for (size_t i = 0; i < e->set.n; i++) {
    const secret *s = &e->set.v[i];
    if (s->shadowed || !selected(o, s->source, s->name, used))
      continue;
    long at = baseline_find(&e->base, s->source, s->name);
    if (at < 0 || strcmp(e->base.v[at].fingerprint, fps[i]) != 0) {
      mon_warn("%s (%s) differs from the baseline: accept the change first", s->name,
               s->source);
      return -1;
    }
    char *why = checks_weakness(&e->cfg, s->name, s->value, s->len);
    int reused = 0;
    for (size_t j = 0; j < e->set.n && !why && !reused; j++)
      reused = j != i && !e->set.v[j].shadowed && strcmp(fps[i], fps[j]) == 0;
    free(why);
    if (!why && !reused) {
      mon_warn("%s (%s) is not weak: nothing to acknowledge", s->name, s->source);
      return -1;
    }
  }
  for (size_t i = 0; i < e->set.n; i++) {
    const secret *s = &e->set.v[i];
    if (s->shadowed || !selected(o, s->source, s->name, used))
      continue;
    long at = baseline_find(&e->base, s->source, s->name);
    baseline_entry be = e->base.v[at];
    be.weak_ack = (char *)o->reason;
    be.weak_ack_by = (char *)mon_username();
    be.weak_ack_since = now;
    if (baseline_replace(&e->base, (size_t)at, &be) != 0) {
      mon_warn("out of memory");
      return -1;
    }
    status_forget_weak(st, s->source, s->name);
    audit_record(&e->cfg, "accept", s->name, "weak-acknowledged", o->reason);
    printf("acknowledged weak %s (%s)\n", s->name, s->source);
    (*changes)++;
  }
  return 0;
}

/* accept NAME...|--all: changed and added secrets take their current
 * fingerprint, missing ones leave the baseline. */
static int accept_changes(env *e, const cmd_options *o, char (*fps)[FP_HEX_LEN + 1], int *used,
                          status *st, size_t *changes)
{
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  /* Plan first, so an unknown name changes nothing. */
  for (size_t i = 0; i < e->set.n; i++)
    if (!e->set.v[i].shadowed)
      selected(o, e->set.v[i].source, e->set.v[i].name, used);
  for (size_t i = 0; i < e->base.n; i++)
    selected(o, e->base.v[i].source, e->base.v[i].name, used);
  for (int i = 0; i < o->n_names; i++)
    if (!used[i]) {
      mon_warn("no secret named '%s' in the sources or the baseline", o->names[i]);
      return -1;
    }
  for (size_t i = 0; i < e->set.n; i++) {
    const secret *s = &e->set.v[i];
    if (s->shadowed || !selected(o, s->source, s->name, used))
      continue;
    long at = baseline_find(&e->base, s->source, s->name);
    const char *what = NULL;
    if (at < 0)
      what = "added";
    else if (strcmp(e->base.v[at].fingerprint, fps[i]) != 0)
      what = "rotated";
    status_forget(st, s->source, s->name);
    if (!what)
      continue;
    baseline_entry be;
    entry_from_secret(s, fps[i], now, o->reason, &be);
    if ((at >= 0 ? baseline_replace(&e->base, (size_t)at, &be) : baseline_add(&e->base, &be)) != 0) {
      mon_warn("out of memory");
      return -1;
    }
    audit_record(&e->cfg, "accept", s->name, what, o->reason);
    printf("accepted %s (%s): %s\n", s->name, s->source, what);
    (*changes)++;
  }
  for (size_t i = 0; i < e->base.n; i++) {
    baseline_entry *b = &e->base.v[i];
    if (!b->name || secret_find(&e->set, b->source, b->name) >= 0 ||
        !selected(o, b->source, b->name, used))
      continue;
    int unreadable = 0;
    for (size_t j = 0; j < e->set.n_sources; j++)
      unreadable |= e->set.sources[j].error &&
                    strcmp(source_name(e->set.sources[j].cfg), b->source) == 0;
    if (unreadable) {
      printf("kept %s (%s): its source cannot be read completely\n", b->name, b->source);
      continue;
    }
    status_forget(st, b->source, b->name);
    audit_record(&e->cfg, "accept", b->name, "removed", o->reason);
    printf("accepted %s (%s): removed\n", b->name, b->source);
    baseline_remove(&e->base, i);
    (*changes)++;
  }
  return 0;
}

int cmd_accept(const cmd_options *o)
{
  env e;
  memset(&e, 0, sizeof e);
  int rc = MON_EXIT_ERROR;
  char (*fps)[FP_HEX_LEN + 1] = NULL;
  char *err = NULL;
  int *used = calloc((size_t)o->n_names + 1, sizeof *used);
  status st = { 0 };
  if (!used) {
    mon_warn("out of memory");
    return rc;
  }
  if (o->leak + o->weak + o->all > 1) {
    mon_warn("accept takes one of NAME..., --all, --leak ID... and --weak NAME...");
    goto out_early;
  }
  if (!o->all && o->n_names == 0) {
    mon_warn("accept needs %s", o->leak ? "leak ids (see 'status')"
                                : "secret names or --all");
    goto out_early;
  }
  if (o->all && o->n_names > 0) {
    mon_warn("accept needs secret names or --all (not both)");
    goto out_early;
  }
  if (!o->reason || !*o->reason) {
    mon_warn("accept needs --reason TEXT: the audit trail records why");
    goto out_early;
  }
  if (env_config(&e, o) != 0 || env_key(&e) != 0)
    goto out;
  if (e.key != KEY_LOADED) {
    mon_warn("%s; nothing can be accepted without the key", e.key_error);
    goto out;
  }
  if (env_baseline(&e) != 0 || env_sources(&e) != 0)
    goto out;
  if (e.base_state == BASELINE_TAMPERED) {
    mon_warn("%s; nothing is accepted into a baseline that does not verify", e.base_error);
    goto out;
  }
  int st_rc = status_load(e.status_path, e.keys.state, &st, &err);
  if (st_rc != 0) {
    mon_warn("%s (its open alerts are dropped; the audit trail keeps them)", err);
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  size_t changes = 0;
  if (o->leak) {
    if (accept_leaks(&e, o, &st) != 0)
      goto out;
  } else {
    if (!(fps = checks_fingerprints(&e.set, e.keys.fp))) {
      mon_warn("out of memory");
      goto out;
    }
    if ((o->weak ? accept_weak(&e, o, fps, used, &st, &changes)
                 : accept_changes(&e, o, fps, used, &st, &changes)) != 0)
      goto out;
    if (changes && baseline_save(e.baseline_path, e.keys.state, &e.base, &err) != 0) {
      mon_warn("%s", err);
      goto out;
    }
    if (!changes)
      printf("nothing to accept: the selected secrets match the baseline\n");
  }
  if (status_save(e.status_path, e.keys.state, &st, &err) != 0)
    mon_warn("%s", err);
  rc = MON_EXIT_OK;
out:
  status_free(&st);
  free(fps);
  free(err);
  env_free(&e);
out_early:
  free(used);
  return rc;
}

static void status_json(const env *e, const status *st, const char *state_error)
{
  yajl_gen g = json_gen_new(1);
  if (!g)
    return;
  yajl_gen_map_open(g);
  json_put_str(g, "config", e->cfg.path);
  json_put_str(g, "state_dir", e->cfg.state_dir);
  json_put_str(g, "state_error", state_error);
  yajl_gen_string(g, (const unsigned char *)"secrets", 7);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < e->base.n; i++) {
    const baseline_entry *b = &e->base.v[i];
    yajl_gen_map_open(g);
    json_put_str(g, "name", b->name);
    json_put_str(g, "source", b->source);
    json_put_str(g, "kind", b->kind);
    json_put_str(g, "length", b->length);
    json_put_str(g, "since", b->since);
    json_put_str(g, "by", b->by);
    json_put_str(g, "reason", b->reason);
    json_put_str(g, "weak_ack", b->weak_ack);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  json_put_str(g, "last_check", st->last_check);
  json_put_str(g, "result", state_error ? "failing" : st->result);
  yajl_gen_string(g, (const unsigned char *)"open_alerts", 11);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < st->alerts.n; i++)
    alert_gen(&st->alerts.v[i], g);
  for (size_t i = 0; i < st->leaks.n; i++)
    alert_gen(&st->leaks.v[i], g);
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  size_t len;
  char *text = json_gen_take(g, &len);
  if (text)
    printf("%s\n", text);
  free(text);
  yajl_gen_free(g);
}

static void status_text(const env *e, const status *st, const char *state_error)
{
  printf("config:      %s\n", e->cfg.path);
  printf("state:       %s\n", e->cfg.state_dir);
  if (state_error)
    printf("FAILING:     %s\n", state_error);
  printf("guarded:     %zu secrets\n", e->base.n);
  for (size_t i = 0; i < e->base.n; i++) {
    const baseline_entry *b = &e->base.v[i];
    printf("  %-24s %-7s %-7s %s (since %s by %s: %s)%s%s\n", b->name, b->kind, b->length,
           b->source, b->since ? b->since : "?", b->by ? b->by : "?",
           b->reason ? b->reason : "?", b->weak_ack ? " weak, kept: " : "",
           b->weak_ack ? b->weak_ack : "");
  }
  printf("last check:  %s (%s)\n", st->last_check ? st->last_check : "never",
         st->result ? st->result : "-");
  printf("open alerts: %zu\n", st->alerts.n + st->leaks.n);
  const alert_list *lists[] = { &st->alerts, &st->leaks };
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->n; i++) {
      const alert *a = &lists[l]->v[i];
      printf("  %-11s %-12s %-24s %s\n", a->kind, a->id ? a->id : "-",
             a->secret ? a->secret : a->rule ? a->rule : "-", a->detail ? a->detail : "");
    }
}

int cmd_status(const cmd_options *o)
{
  env e;
  status st = { 0 };
  char *err = NULL, *state_error = NULL;
  int rc = MON_EXIT_ERROR;
  if (env_config(&e, o) != 0 || env_key(&e) != 0 || env_baseline(&e) != 0)
    goto out;
  if (e.key != KEY_LOADED) {
    state_error = strdup(e.key_error ? e.key_error : "the key cannot be read");
  } else if (e.base_state == BASELINE_TAMPERED) {
    state_error = strdup(e.base_error);
  } else {
    int r = status_load(e.status_path, e.keys.state, &st, &err);
    if (r == STATUS_TAMPERED) {
      state_error = err;
      err = NULL;
      memset(&st, 0, sizeof st);
    } else if (r != 0) {
      mon_warn("%s", err);
      goto out;
    }
  }
  if (!state_error && st.result && strcmp(st.result, "failing") == 0)
    state_error = strdup("the last check could not read every source or its own state "
                         "(see the open alerts)");
  if (o->json)
    status_json(&e, &st, state_error);
  else
    status_text(&e, &st, state_error);
  rc = st.alerts.n + st.leaks.n || state_error ? MON_EXIT_ALERT : MON_EXIT_OK;
out:
  free(err);
  free(state_error);
  status_free(&st);
  env_free(&e);
  return rc;
}

int cmd_verify_audit(const cmd_options *o)
{
  env e;
  int rc = MON_EXIT_ERROR;
  if (env_config(&e, o) != 0 || env_key(&e) != 0)
    goto out;
  if (e.key != KEY_LOADED) {
    mon_warn("%s; the audit chain cannot be verified without the key", e.key_error);
    goto out;
  }
  rc = audit_verify(&e.cfg, &e.keys);
out:
  env_free(&e);
  return rc;
}
