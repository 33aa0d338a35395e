/* commands.c - init, check, accept and status. */
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
  mon_wipe(e->key, sizeof e->key);
  free(e->baseline_path);
  free(e->key_path);
  free(e->status_path);
  if (e->have_cfg)
    config_free(&e->cfg);
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
  e->baseline_path = state_path(&e->cfg, "baseline");
  e->key_path = state_path(&e->cfg, "key");
  e->status_path = state_path(&e->cfg, "status.json");
  if (!e->baseline_path || !e->key_path || !e->status_path) {
    mon_warn("out of memory");
    return -1;
  }
  return 0;
}

int env_baseline(env *e)
{
  char *err = NULL;
  if (baseline_load(e->baseline_path, &e->base, &err) != 0) {
    if (errno == ENOENT)
      mon_warn("%s: no baseline; run '" MON_PROGRAM " init' first", e->baseline_path);
    else
      mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  return 0;
}

/* -1 error; 1 key gone (errno ENOENT); 0 loaded. */
int env_key(env *e)
{
  char *err = NULL;
  if (fp_key_load(e->key_path, e->key, &err) != 0) {
    int gone = errno == ENOENT;
    if (!gone)
      mon_warn("%s", err ? err : "out of memory");
    free(err);
    return gone ? 1 : -1;
  }
  e->have_key = 1;
  return 0;
}

int env_sources(env *e)
{
  char *err = NULL;
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

static int entry_from_secret(const secret *s, const char *fp, const char *now,
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
  return 0;
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
  if (env_sources(&e) != 0)
    goto out;
  if (make_state_dir(e.cfg.state_dir) != 0)
    goto out;
  int k = env_key(&e);
  if (k < 0)
    goto out;
  if (k == 1 && fp_key_create(e.key_path, e.key, &err) != 0) {
    mon_warn("%s", err);
    goto out;
  }
  if (!(fps = checks_fingerprints(&e.set, e.key))) {
    mon_warn("cannot compute fingerprints");
    goto out;
  }
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  e.base.created = strdup(now);
  for (size_t i = 0; i < e.set.n; i++) {
    baseline_entry be;
    entry_from_secret(&e.set.v[i], fps[i], now, "init", &be);
    if (!e.base.created || baseline_add(&e.base, &be) != 0) {
      mon_warn("out of memory");
      goto out;
    }
  }
  if (baseline_save(e.baseline_path, &e.base, &err) != 0) {
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

/* The comparison shared by `check` and the daemon: fills *alerts.
 * Returns -1 on an error already reported. */
int run_check(env *e, alert_list *alerts)
{
  int k = env_key(e);
  if (k < 0)
    return -1;
  if (k == 1) {
    /* Without the key nothing can be compared with the baseline; the weak
     * checks still run with a throw-away key (they only compare the
     * current fingerprints among themselves). */
    if (alert_list_add(alerts, "missing", NULL, e->key_path,
                       "the fingerprint key %s is gone: the baseline cannot be verified",
                       e->key_path) != 0 ||
        fp_key_random(e->key) != 0) {
      mon_warn("out of memory");
      return -1;
    }
  }
  if (checks_run(&e->cfg, k == 1 ? NULL : &e->base, e->key, &e->set, alerts) != 0) {
    mon_warn("out of memory");
    return -1;
  }
  return 0;
}

/* Records a check in the audit trail and the status file. */
void record_check(env *e, const alert_list *alerts)
{
  audit_alerts(&e->cfg, alerts);
  char *detail = mon_printf("%zu secrets, %zu alerts", e->set.n, alerts->n);
  audit_record(&e->cfg, "check", NULL, alerts->n ? "alerts" : "ok", detail);
  free(detail);
  status st;
  char *err = NULL;
  if (status_load(e->status_path, &st, &err) != 0) {
    /* A damaged status file only holds a summary: start it afresh. */
    mon_warn("%s (starting a new status file)", err);
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  free(st.last_check);
  free(st.result);
  st.last_check = strdup(now);
  st.result = strdup(alerts->n ? "alerts" : "ok");
  alert_list_free(&st.alerts);
  for (size_t i = 0; i < alerts->n; i++)
    if (alert_list_push(&st.alerts, &alerts->v[i]) != 0)
      break;
  if (status_save(e->status_path, &st, &err) != 0) {
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
  if (env_config(&e, o) != 0 || env_baseline(&e) != 0 || env_sources(&e) != 0)
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
  if (o->all == (o->n_names > 0)) {
    mon_warn("accept needs secret names or --all (not both)");
    goto out;
  }
  if (!o->reason || !*o->reason) {
    mon_warn("accept needs --reason TEXT: the audit trail records why");
    goto out;
  }
  if (env_config(&e, o) != 0 || env_baseline(&e) != 0 || env_sources(&e) != 0)
    goto out;
  int k = env_key(&e);
  if (k != 0) {
    if (k == 1)
      mon_warn("%s: the fingerprint key is gone; run 'init --force' to start over",
               e.key_path);
    goto out;
  }
  if (!(fps = checks_fingerprints(&e.set, e.key))) {
    mon_warn("out of memory");
    goto out;
  }
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  /* Plan first, so an unknown name changes nothing. */
  for (size_t i = 0; i < e.set.n; i++)
    selected(o, e.set.v[i].source, e.set.v[i].name, used);
  for (size_t i = 0; i < e.base.n; i++)
    selected(o, e.base.v[i].source, e.base.v[i].name, used);
  for (int i = 0; i < o->n_names; i++)
    if (!used[i]) {
      mon_warn("no secret named '%s' in the sources or the baseline", o->names[i]);
      goto out;
    }
  if (status_load(e.status_path, &st, &err) != 0) {
    mon_warn("%s (starting a new status file)", err);
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  size_t changes = 0;
  /* Changed and added secrets take their current fingerprint. */
  for (size_t i = 0; i < e.set.n; i++) {
    const secret *s = &e.set.v[i];
    if (!selected(o, s->source, s->name, used))
      continue;
    long at = baseline_find(&e.base, s->source, s->name);
    const char *what = NULL;
    if (at < 0)
      what = "added";
    else if (strcmp(e.base.v[at].fingerprint, fps[i]) != 0)
      what = "rotated";
    status_forget(&st, s->source, s->name);
    if (!what)
      continue;
    if (at >= 0)
      baseline_remove(&e.base, (size_t)at);
    baseline_entry be;
    entry_from_secret(s, fps[i], now, o->reason, &be);
    if (baseline_add(&e.base, &be) != 0) {
      mon_warn("out of memory");
      goto out;
    }
    audit_record(&e.cfg, "accept", s->name, what, o->reason);
    printf("accepted %s (%s): %s\n", s->name, s->source, what);
    changes++;
  }
  /* Missing secrets leave the baseline. */
  for (size_t i = 0; i < e.base.n;) {
    baseline_entry *b = &e.base.v[i];
    int present = 0;
    for (size_t j = 0; j < e.set.n && !present; j++)
      present = strcmp(e.set.v[j].source, b->source) == 0 && strcmp(e.set.v[j].name, b->name) == 0;
    if (present || !selected(o, b->source, b->name, used)) {
      i++;
      continue;
    }
    status_forget(&st, b->source, b->name);
    audit_record(&e.cfg, "accept", b->name, "removed", o->reason);
    printf("accepted %s (%s): removed\n", b->name, b->source);
    baseline_remove(&e.base, i);
    changes++;
  }
  if (changes && baseline_save(e.baseline_path, &e.base, &err) != 0) {
    mon_warn("%s", err);
    goto out;
  }
  if (status_save(e.status_path, &st, &err) != 0)
    mon_warn("%s", err);
  if (!changes)
    printf("nothing to accept: the selected secrets match the baseline\n");
  rc = MON_EXIT_OK;
out:
  status_free(&st);
  free(fps);
  free(err);
  free(used);
  env_free(&e);
  return rc;
}

static void status_json(const env *e, const status *st)
{
  yajl_gen g = json_gen_new(1);
  if (!g)
    return;
  yajl_gen_map_open(g);
  json_put_str(g, "config", e->cfg.path);
  json_put_str(g, "state_dir", e->cfg.state_dir);
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
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  json_put_str(g, "last_check", st->last_check);
  json_put_str(g, "result", st->result);
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

static void status_text(const env *e, const status *st)
{
  printf("config:      %s\n", e->cfg.path);
  printf("state:       %s\n", e->cfg.state_dir);
  printf("guarded:     %zu secrets\n", e->base.n);
  for (size_t i = 0; i < e->base.n; i++) {
    const baseline_entry *b = &e->base.v[i];
    printf("  %-24s %-7s %-7s %s (since %s by %s: %s)\n", b->name, b->kind, b->length,
           b->source, b->since ? b->since : "?", b->by ? b->by : "?",
           b->reason ? b->reason : "?");
  }
  printf("last check:  %s (%s)\n", st->last_check ? st->last_check : "never",
         st->result ? st->result : "-");
  printf("open alerts: %zu\n", st->alerts.n + st->leaks.n);
  const alert_list *lists[] = { &st->alerts, &st->leaks };
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->n; i++) {
      const alert *a = &lists[l]->v[i];
      printf("  %-11s %-24s %s\n", a->kind, a->secret ? a->secret : a->rule ? a->rule : "-",
             a->detail ? a->detail : "");
    }
}

int cmd_status(const cmd_options *o)
{
  env e;
  status st = { 0 };
  char *err = NULL;
  int rc = MON_EXIT_ERROR;
  if (env_config(&e, o) != 0 || env_baseline(&e) != 0)
    goto out;
  if (status_load(e.status_path, &st, &err) != 0) {
    mon_warn("%s", err);
    goto out;
  }
  if (o->json)
    status_json(&e, &st);
  else
    status_text(&e, &st);
  rc = st.alerts.n + st.leaks.n ? MON_EXIT_ALERT : MON_EXIT_OK;
out:
  free(err);
  status_free(&st);
  env_free(&e);
  return rc;
}
