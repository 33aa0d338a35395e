/* SPDX-License-Identifier: Apache-2.0 */
/* daemon.c - `logmask-monitor run`: re-checks the secrets when their
 * files, the baseline, the key or the state change (inotify) and every
 * `interval`, and tails the watched logs for leaks.  SIGHUP reloads the
 * configuration; SIGTERM/SIGINT save the log offsets and exit 0. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "audit.h"
#include "checks.h"
#include "commands.h"
#include "leak.h"
#include "status.h"
#include "tail.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How often logs are polled and watched paths re-resolved when inotify
 * says nothing (file systems without events, symlinks switched above a
 * watched directory). */
#define POLL_MS 500
/* Re-check this long after the last event on a source (edits come in
 * bursts). */
#define SETTLE_MS 200

typedef struct watched_log {
  tailer t;
  lm_masker *finder, *masker;
  lm_stream *masked;        /* over masker, writing mask_fd */
  int mask_fd;
  size_t line_alerts;       /* where the alerts of the current line start in
                               the pending list (windows of a long line) */
} watched_log;

typedef enum watch_kind { W_SOURCE_PARENT, W_SECRET_DIR, W_LOG_PARENT, W_STATE, W_KEY_PARENT } watch_kind;

/* A watched directory as configured, and what it resolved to. */
typedef struct watch {
  int wd;
  watch_kind kind;
  char *path;
  int exists;
  dev_t dev;
  ino_t ino;
} watch;

typedef struct monitor_daemon {
  env e;
  alerter *al;
  leak_detector leaks;
  char *secrets_digest;     /* keyed digest of every fingerprint, to see changes */
  secret_set kept;          /* values the detector holds, kept for sources
                               that later fail to read */
  watched_log *logs;
  size_t n_logs;
  tail_offset *offsets;
  size_t n_offsets;
  char *offsets_path;
  int inotify_fd;
  watch *watches;
  size_t n_watches, watches_cap;
  size_t alerts_raised;
  alert_list pending;       /* leaks and gaps of the current poll */
  alert_list standing;      /* state problems repeated at every check until
                               they are gone (a baseline that does not
                               verify, a rollback) */
  int jit_unavailable;
} monitor_daemon;

static void logs_close(monitor_daemon *d)
{
  for (size_t i = 0; i < d->n_logs; i++) {
    tail_close(&d->logs[i].t);
    if (d->logs[i].masked)
      lm_stream_flush(d->logs[i].masked);
    lm_stream_free(d->logs[i].masked);
    lm_masker_free(d->logs[i].finder);
    lm_masker_free(d->logs[i].masker);
    if (d->logs[i].mask_fd >= 0)
      close(d->logs[i].mask_fd);
  }
  free(d->logs);
  d->logs = NULL;
  d->n_logs = 0;
}

static void save_offsets(monitor_daemon *d)
{
  if (d->e.key != KEY_LOADED)
    return; /* cannot be sealed; the next start reads from the saved or first position */
  const tailer **ts = calloc(d->n_logs ? d->n_logs : 1, sizeof *ts);
  if (!ts)
    return;
  for (size_t i = 0; i < d->n_logs; i++)
    ts[i] = &d->logs[i].t;
  char *err = NULL;
  if (tail_offsets_save(d->offsets_path, d->e.keys.state, ts, d->n_logs, &err) != 0) {
    mon_warn("%s", err);
    free(err);
  }
  free(ts);
}

static int write_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int write_masked(void *ctx, const char *buf, size_t len)
{
  const watched_log *w = ctx;
  if (write_all(w->mask_fd, buf, len) == 0)
    return 0;
  mon_warn("%s: cannot write the masked copy: %s", w->t.cfg->mask_to, strerror(errno));
  return -1;
}

/* The masked copy goes through a library stream: it masks a line too long
 * for one window in overlapping windows, as the filter does.  Opened at a
 * line's start only (never before a further window of a long line); 0
 * when it is open, not configured or waits for the line's end. */
static int masked_open(watched_log *w)
{
  if (w->t.cfg->mask_to && !w->masked && !w->t.long_line &&
      !(w->masked = lm_stream_new(w->masker, write_masked, w)))
    return -1;
  return 0;
}

/* A masked copy that cannot be written (a full disk) loses the lines of
 * this poll; it is opened again at the next one.  The leak scan goes on
 * meanwhile. */
static void masked_failed(watched_log *w)
{
  lm_stream_free(w->masked);
  w->masked = NULL;
}

static int maskers_new(monitor_daemon *d, watched_log *w)
{
  if (w->masked)
    lm_stream_flush(w->masked);
  lm_stream_free(w->masked);
  w->masked = NULL;
  lm_masker_free(w->finder);
  lm_masker_free(w->masker);
  w->finder = lm_masker_new(d->leaks.set);
  w->masker = lm_masker_new(d->leaks.set);
  if (!w->finder || !w->masker)
    return -1;
  return masked_open(w);
}

static int logs_open(monitor_daemon *d)
{
  config *cfg = &d->e.cfg;
  d->logs = calloc(cfg->n_logs ? cfg->n_logs : 1, sizeof *d->logs);
  if (!d->logs)
    return -1;
  d->n_logs = cfg->n_logs;
  for (size_t i = 0; i < cfg->n_logs; i++) {
    watched_log *w = &d->logs[i];
    w->mask_fd = -1;
    tail_init(&w->t, &cfg->logs[i],
              tail_offsets_find(d->offsets, d->n_offsets, cfg->logs[i].path),
              d->e.key == KEY_LOADED ? d->e.keys.head : NULL);
    if (cfg->logs[i].mask_to) {
      w->mask_fd = open(cfg->logs[i].mask_to, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      if (w->mask_fd < 0) {
        mon_warn("%s: cannot open the masked copy: %s", cfg->logs[i].mask_to, strerror(errno));
        return -1;
      }
    }
    if (maskers_new(d, w) != 0)
      return -1;
  }
  return 0;
}

static void emit(monitor_daemon *d, const alert_list *alerts)
{
  for (size_t i = 0; i < alerts->n; i++)
    alerter_emit(d->al, &alerts->v[i]);
  d->alerts_raised += alerts->n;
}

/* The values the detector watches: every assignment read now, plus the
 * values kept from before for sources that cannot be read completely
 * now (a source an attacker breaks must not drop its secrets from leak
 * detection). */
static int detector_values(monitor_daemon *d, secret_set *out)
{
  const secret_set *now = &d->e.set;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < now->n; i++)
    if (secret_set_add_copy(out, &now->v[i]) != 0)
      return -1;
  for (size_t i = 0; i < d->kept.n; i++) {
    const secret *s = &d->kept.v[i];
    int failing = 0;
    for (size_t j = 0; j < now->n_sources && !failing; j++)
      failing = now->sources[j].error && strcmp(source_name(now->sources[j].cfg), s->source) == 0;
    if (failing && secret_find(now, s->source, s->name) < 0 &&
        secret_find(out, s->source, s->name) < 0 && secret_set_add_copy(out, s) != 0)
      return -1;
  }
  return 0;
}

/* A digest of all (source, name, fingerprint) under the state key: equal
 * exactly when the watched values are.  No value is in it. */
static char *values_digest(const monitor_daemon *d, const secret_set *set)
{
  char (*fps)[FP_HEX_LEN + 1] = checks_fingerprints(set, d->e.keys.fp);
  if (!fps)
    return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int ok = 1;
  for (size_t i = 0; ok && i < set->n; i++) {
    const secret *s = &set->v[i];
    size_t need = strlen(s->source) + strlen(s->name) + FP_HEX_LEN + 4;
    ok = mon_grow(&buf, &cap, len, len + need + 1, 1) == 0;
    if (ok)
      len += (size_t)snprintf(buf + len, need + 1, "%s\x1f%s\x1f%s\n", s->source, s->name, fps[i]);
  }
  free(fps);
  char *hex = ok ? malloc(MAC_HEX_LEN + 1) : NULL;
  if (hex && mac_hex(d->e.keys.state, "values", buf ? buf : "", len, NULL, 0, hex) != 0) {
    free(hex);
    hex = NULL;
  }
  free(buf);
  return hex;
}

/* Builds the leak detector from `values` when they differ from the last
 * ones; the set is then what `kept` holds. */
static int update_detector(monitor_daemon *d, secret_set *values)
{
  char *digest = values_digest(d, values);
  if (digest && d->secrets_digest && d->leaks.set && strcmp(digest, d->secrets_digest) == 0) {
    free(digest);
    secret_set_free(values);
    return 0;
  }
  leak_detector fresh;
  char *err = NULL;
  if (leak_build(&d->e.cfg, values, &fresh, &err) != 0) {
    mon_warn("%s", err ? err : "out of memory");
    free(err);
    free(digest);
    secret_set_free(values);
    return -1;
  }
  leak_free(&d->leaks);
  d->leaks = fresh;
  for (size_t i = 0; i < d->n_logs; i++)
    if (maskers_new(d, &d->logs[i]) != 0) {
      free(digest);
      secret_set_free(values);
      return -1;
    }
  free(d->secrets_digest);
  d->secrets_digest = digest;
  secret_set_free(&d->kept);
  d->kept = *values;
  return 0;
}

/* Re-reads the key (it may have been replaced or chmod'ed) and the
 * sources, compares, alerts, and rebuilds the detector when a value
 * changed.  The current values are wiped before returning (the detector
 * and `kept` hold theirs). */
static int recheck(monitor_daemon *d)
{
  unsigned char before[FP_KEY_LEN];
  memcpy(before, d->e.keys.fp, sizeof before);
  key_state was = d->e.key;
  if (env_key(&d->e) != 0)
    return -1;
  if (d->e.key == KEY_LOADED && (was != KEY_LOADED || memcmp(before, d->e.keys.fp, sizeof before))) {
    /* A new key: the baseline must verify under it. */
    baseline_free(&d->e.base);
    if (env_baseline(&d->e) != 0)
      d->e.base_state = BASELINE_TAMPERED;
  }
  mon_wipe(before, sizeof before);
  alert_list alerts = { 0 };
  if (env_sources(&d->e) != 0)
    return -1;
  int rc = run_check(&d->e, &alerts);
  for (size_t i = 0; rc == 0 && i < d->standing.n; i++)
    rc = alert_list_push(&alerts, &d->standing.v[i]);
  if (rc == 0) {
    emit(d, &alerts);
    record_check(&d->e, &alerts);
    secret_set values;
    if (detector_values(d, &values) != 0) {
      secret_set_free(&values);
      rc = -1;
    } else {
      rc = update_detector(d, &values);
    }
  }
  alert_list_free(&alerts);
  secret_set_free(&d->e.set);
  return rc;
}

/* A state problem found between checks: sent now, kept for every check
 * until it is gone. */
static void raise_standing(monitor_daemon *d, const char *kind, const char *source,
                           const char *detail)
{
  alert a = { .kind = (char *)kind, .source = (char *)source, .detail = (char *)detail };
  alert_list now = { 0 };
  if (alert_list_push(&now, &a) == 0) {
    emit(d, &now);
    audit_record(&d->e.cfg, "state", NULL, kind, detail);
    if (alert_list_push(&d->standing, &now.v[0]) != 0)
      mon_warn("out of memory");
  }
  alert_list_free(&now);
}

static void clear_standing(monitor_daemon *d, const char *source)
{
  for (size_t i = 0; i < d->standing.n;)
    if (d->standing.v[i].source && strcmp(d->standing.v[i].source, source) == 0)
      alert_list_remove(&d->standing, i);
    else
      i++;
}

/* The baseline changed on disk: an accept (adopted at once) or tampering
 * (alerted at once; the last verified baseline stays the reference). */
static void reload_baseline(monitor_daemon *d)
{
  if (d->e.key != KEY_LOADED)
    return;
  baseline fresh;
  char *err = NULL;
  int rc = baseline_load(d->e.baseline_path, d->e.keys.state, &fresh, &err);
  const char *path = d->e.baseline_path;
  if (rc == BASELINE_TAMPERED || (rc != 0 && errno != ENOENT)) {
    char *detail = mon_printf("%s; the monitor keeps comparing with the baseline it last "
                              "verified", err ? err : "the baseline cannot be read");
    clear_standing(d, path);
    raise_standing(d, "tampered", path, detail ? detail : "the baseline does not verify");
    free(detail);
  } else if (rc != 0) {
    clear_standing(d, path);
    raise_standing(d, "missing", path, "the baseline was deleted; the monitor keeps "
                   "comparing with the baseline it last verified");
  } else if (d->e.base_state == 0 && fresh.generation < d->e.base.generation) {
    char *detail = mon_printf("%s: generation %llu replaced generation %llu: an older "
                              "baseline was put back (a rollback); the monitor keeps the newer",
                              path, fresh.generation, d->e.base.generation);
    baseline_free(&fresh);
    clear_standing(d, path);
    raise_standing(d, "tampered", path, detail ? detail : "baseline rolled back");
    free(detail);
  } else {
    int changed = d->e.base_state != 0 || fresh.generation != d->e.base.generation;
    baseline_free(&d->e.base);
    d->e.base = fresh;
    d->e.base_state = 0;
    clear_standing(d, path);
    if (changed)
      audit_record(&d->e.cfg, "reload", NULL, "ok", "baseline reloaded");
  }
  free(err);
}

typedef struct line_ctx {
  monitor_daemon *d;
  watched_log *w;
} line_ctx;

/* Alerts held before they are sent: a log full of leaks costs bounded
 * memory however much one poll reads. */
#define PENDING_MAX 4096
static void record_leaks(monitor_daemon *d);

static int on_line(void *ctx, tailer *t, const char *line, size_t len, tail_piece piece,
                   size_t fresh)
{
  line_ctx *c = ctx;
  watched_log *w = c->w;
  if (piece == TAIL_WHOLE || piece == TAIL_FIRST || w->line_alerts > c->d->pending.n)
    w->line_alerts = c->d->pending.n;
  if (leak_scan(&c->d->leaks, w->finder, t->reading, t->line, line, len, w->line_alerts,
                &c->d->pending) != 0)
    return -1;
  if (c->d->pending.n >= PENDING_MAX)
    record_leaks(c->d);
  if (!w->masked)
    return 0;
  /* The stream gets every byte once: the overlap of a window was fed
   * with the window before. */
  int end = piece == TAIL_WHOLE || piece == TAIL_LAST;
  if (lm_stream_feed(w->masked, line + fresh, len - fresh) != LM_OK ||
      (end && lm_stream_feed(w->masked, "\n", 1) != LM_OK)) {
    mon_warn("%s: cannot mask: %s", t->cfg->mask_to, lm_stream_error(w->masked)->message);
    masked_failed(w);
  }
  return 0;
}

static void record_leaks(monitor_daemon *d)
{
  if (!d->pending.n)
    return;
  emit(d, &d->pending);
  status st;
  char *err = NULL;
  int have = d->e.key == KEY_LOADED;
  if (have && status_load(d->e.status_path, d->e.keys.state, &st, &err) != 0) {
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  audit_entry *records = malloc(d->pending.n * sizeof *records);
  for (size_t i = 0; records && i < d->pending.n; i++) {
    const alert *a = &d->pending.v[i];
    records[i] = (audit_entry){ strcmp(a->kind, "leaked") == 0 ? "leak" : "tail",
                                a->secret ? a->secret : a->rule, a->kind, a->detail };
  }
  if (!records)
    mon_warn("out of memory: %zu alerts not in the audit trail", d->pending.n);
  else
    audit_records(&d->e.cfg, records, d->pending.n);
  free(records);
  /* status keeps the last STATUS_MAX_LEAKS; older ones would be added
   * only to be dropped again */
  size_t from = d->pending.n > STATUS_MAX_LEAKS ? d->pending.n - STATUS_MAX_LEAKS : 0;
  for (size_t i = from; have && i < d->pending.n; i++)
    status_add_leak(&st, &d->pending.v[i]);
  if (have && status_save(d->e.status_path, d->e.keys.state, &st, &err) != 0) {
    mon_warn("%s", err);
    free(err);
  }
  if (have)
    status_free(&st);
  alert_list_free(&d->pending);
}

/* Returns non-zero when a log has more to read now. */
static int poll_logs(monitor_daemon *d)
{
  int moved = 0, more = 0;
  for (size_t i = 0; i < d->n_logs; i++) {
    line_ctx c = { d, &d->logs[i] };
    tailer *t = &d->logs[i].t;
    if (masked_open(&d->logs[i]) != 0)
      mon_warn("%s: cannot mask: out of memory", t->cfg->mask_to);
    int r = tail_poll(t, on_line, &c);
    moved |= r > 0;
    more |= t->more;
    if (d->logs[i].masked && lm_stream_flush(d->logs[i].masked) != LM_OK) {
      mon_warn("%s: cannot write the masked copy", t->cfg->mask_to);
      masked_failed(&d->logs[i]);
    }
    if (t->notice) {
      if (alert_list_add(&d->pending, "unreadable", NULL, t->cfg->path, "%s", t->notice) != 0)
        mon_warn("out of memory");
      free(t->notice);
      t->notice = NULL;
    }
  }
  record_leaks(d);
  if (moved)
    save_offsets(d);
  return more;
}

/* ---- watches ----------------------------------------------------------- */

static void watches_free(monitor_daemon *d)
{
  for (size_t i = 0; i < d->n_watches; i++)
    free(d->watches[i].path);
  free(d->watches);
  d->watches = NULL;
  d->n_watches = d->watches_cap = 0;
}

static void add_watch(monitor_daemon *d, const char *path, watch_kind kind)
{
  for (size_t i = 0; i < d->n_watches; i++)
    if (d->watches[i].kind == kind && strcmp(d->watches[i].path, path) == 0)
      return;
  if (mon_grow(&d->watches, &d->watches_cap, d->n_watches, d->n_watches + 1,
               sizeof *d->watches) != 0)
    return;
  watch *w = &d->watches[d->n_watches];
  if (!(w->path = strdup(path)))
    return;
  w->kind = kind;
  w->wd = -1;
  struct stat st;
  w->exists = stat(path, &st) == 0;
  w->dev = w->exists ? st.st_dev : 0;
  w->ino = w->exists ? st.st_ino : 0;
  const uint32_t mask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                        IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
  if (d->inotify_fd >= 0 && w->exists) {
    w->wd = inotify_add_watch(d->inotify_fd, path, mask);
    if (w->wd < 0)
      mon_warn("%s: cannot watch: %s", path, strerror(errno));
  }
  d->n_watches++;
}

static void add_parent_watch(monitor_daemon *d, const char *file, watch_kind kind)
{
  char *dir = mon_dirname(file);
  if (dir)
    add_watch(d, dir, kind);
  free(dir);
}

/* The directories of the sources, the logs, the state and the key; a
 * watch follows symlinks as they are when it is made, so every path is
 * re-resolved at each poll (watches_moved). */
static void watch_all(monitor_daemon *d)
{
  if (d->inotify_fd >= 0)
    close(d->inotify_fd);
  watches_free(d);
  d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (d->inotify_fd < 0)
    mon_warn("inotify: %s (falling back to polling)", strerror(errno));
  const config *cfg = &d->e.cfg;
  for (size_t i = 0; i < cfg->n_sources; i++) {
    const source_cfg *s = &cfg->sources[i];
    if (s->kind == SOURCE_ENV || s->kind == SOURCE_ENV_OF)
      continue;
    if (s->kind == SOURCE_DIR)
      add_watch(d, s->path, W_SECRET_DIR);
    add_parent_watch(d, s->path, W_SOURCE_PARENT);
  }
  for (size_t i = 0; i < cfg->n_logs; i++)
    if (strcmp(cfg->logs[i].path, "-") != 0)
      add_parent_watch(d, cfg->logs[i].path, W_LOG_PARENT);
  add_watch(d, cfg->state_dir, W_STATE);
  if (d->e.key_path)
    add_parent_watch(d, d->e.key_path, W_KEY_PARENT);
}

/* Has a watched path come to name another directory (a symlink above it
 * switched, the directory replaced or created)? */
static int watches_moved(const monitor_daemon *d)
{
  for (size_t i = 0; i < d->n_watches; i++) {
    const watch *w = &d->watches[i];
    struct stat st;
    int exists = stat(w->path, &st) == 0;
    if (exists != w->exists || (exists && (st.st_dev != w->dev || st.st_ino != w->ino)))
      return 1;
  }
  return 0;
}

static int base_is(const char *path, const char *name)
{
  const char *slash = strrchr(path, '/');
  return strcmp(slash ? slash + 1 : path, name) == 0;
}

/* What an event asks for. */
enum { EV_RECHECK = 1, EV_BASELINE = 2, EV_REWATCH = 4 };

/* One watch descriptor may stand for several watches (a log next to its
 * dotenv file): every one of them judges the event. */
static int classify_one(const monitor_daemon *d, const watch *w, const struct inotify_event *ev)
{
  if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
    return EV_RECHECK | EV_REWATCH | (w->kind == W_STATE ? EV_BASELINE : 0);
  const char *name = ev->len ? ev->name : "";
  if (strstr(name, ".tmp"))
    return 0; /* the temporary files of atomic writes */
  const config *cfg = &d->e.cfg;
  int ask = 0;
  switch (w->kind) {
  case W_SECRET_DIR:
    return EV_RECHECK;
  case W_SOURCE_PARENT:
    for (size_t i = 0; i < cfg->n_sources; i++)
      if ((cfg->sources[i].kind == SOURCE_DOTENV || cfg->sources[i].kind == SOURCE_FILE ||
           cfg->sources[i].kind == SOURCE_DIR) && base_is(cfg->sources[i].path, name))
        ask |= EV_RECHECK;
    break;
  case W_STATE:
    if (strcmp(name, "baseline") == 0)
      ask |= EV_BASELINE | EV_RECHECK;
    else if (ev->mask & (IN_ATTRIB | IN_DELETE))
      ask |= EV_RECHECK; /* permissions of the key and the state files */
    break;
  case W_LOG_PARENT:
    break; /* the logs are read at every wake-up */
  case W_KEY_PARENT:
    break;
  }
  if (d->e.key_path && base_is(d->e.key_path, name)) {
    char *dir = mon_dirname(d->e.key_path);
    if (dir && strcmp(dir, w->path) == 0)
      ask |= EV_RECHECK;
    free(dir);
  }
  return ask;
}

static int classify(const monitor_daemon *d, const struct inotify_event *ev)
{
  if (ev->mask & IN_Q_OVERFLOW)
    return EV_RECHECK | EV_BASELINE | EV_REWATCH;
  int ask = 0;
  for (size_t i = 0; i < d->n_watches; i++)
    if (d->watches[i].wd == ev->wd)
      ask |= classify_one(d, &d->watches[i], ev);
  return ask;
}

static int drain_events(monitor_daemon *d)
{
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  int ask = 0;
  ssize_t n;
  while ((n = read(d->inotify_fd, buf, sizeof buf)) > 0) {
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      ask |= classify(d, ev);
      p += sizeof *ev + ev->len;
    }
  }
  return ask;
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Tells systemd (Type=notify) that the detector is built and the logs
 * are open. */
static void notify_ready(void)
{
  const char *sock = getenv("NOTIFY_SOCKET");
  if (!sock || (sock[0] != '/' && sock[0] != '@') || strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
    return;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t len = strlen(sock);
  memcpy(addr.sun_path, sock, len);
  if (addr.sun_path[0] == '@')
    addr.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  static const char msg[] = "READY=1";
  (void)sendto(fd, msg, sizeof msg - 1, 0, (struct sockaddr *)&addr,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
  close(fd);
}

static int daemon_load(monitor_daemon *d, const cmd_options *o)
{
  if (env_config(&d->e, o) != 0 || env_key(&d->e) != 0 || env_baseline(&d->e) != 0)
    return -1;
  if (!(d->offsets_path = state_path(&d->e.cfg, "offsets")))
    return -1;
  if (!(d->al = alerter_new(&d->e.cfg)))
    return -1;
  if (d->e.key == KEY_LOADED) {
    char *err = NULL;
    int r = tail_offsets_load(d->offsets_path, d->e.keys.state, &d->offsets, &d->n_offsets,
                              &err);
    if (r < 0) {
      mon_warn("%s", err);
      free(err);
      return -1;
    }
    if (r == 1) {
      /* Fail closed: positions that do not verify are not trusted; every
       * log is read again from its beginning. */
      char *detail = mon_printf("%s; every log is read again from its beginning", err);
      raise_standing(d, "tampered", d->offsets_path, detail ? detail : err);
      clear_standing(d, d->offsets_path); /* said once: the file is rewritten now */
      free(detail);
      free(err);
    }
  }
  return 0;
}

static void daemon_free(monitor_daemon *d)
{
  if (d->inotify_fd >= 0)
    close(d->inotify_fd);
  d->inotify_fd = -1;
  watches_free(d);
  logs_close(d);
  leak_free(&d->leaks);
  alerter_free(d->al);
  d->al = NULL;
  tail_offsets_free(d->offsets, d->n_offsets);
  d->offsets = NULL;
  d->n_offsets = 0;
  free(d->offsets_path);
  d->offsets_path = NULL;
  free(d->secrets_digest);
  d->secrets_digest = NULL;
  secret_set_free(&d->kept);
  alert_list_free(&d->pending);
  alert_list_free(&d->standing);
  env_free(&d->e);
}

/* Config, detector and logs from scratch (start and SIGHUP). */
static int daemon_start(monitor_daemon *d, const cmd_options *o)
{
  memset(d, 0, sizeof *d);
  d->inotify_fd = -1;
  if (daemon_load(d, o) != 0)
    return -1;
  if (d->e.base_state == BASELINE_TAMPERED && d->e.key == KEY_LOADED) {
    /* run_check reports it at every check; nothing else to keep. */
  }
  recheck(d);
  /* The detector must exist before any log line is read. */
  if (!d->leaks.set)
    return -1;
  if (logs_open(d) != 0)
    return -1;
  watch_all(d);
  /* PCRE2 compiles its JIT code into memory that is writable, then
   * executable; where that is refused (MemoryDenyWriteExecute=yes, SELinux
   * execmem) the rules run in the interpreter, about half as fast. */
  size_t regex_rules = 0;
  d->jit_unavailable = lm_ruleset_jit_count(d->leaks.set, &regex_rules) < regex_rules;
  return 0;
}

int cmd_run(const cmd_options *o)
{
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGHUP);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigprocmask(SIG_BLOCK, &sigs, NULL);
  int sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0) {
    mon_warn("signalfd: %s", strerror(errno));
    return MON_EXIT_ERROR;
  }
  monitor_daemon d;
  if (daemon_start(&d, o) != 0) {
    daemon_free(&d);
    close(sfd);
    return MON_EXIT_ERROR;
  }
  char *started = mon_printf("%s%s", o->once ? "--once; " : "",
                             d.jit_unavailable ? "PCRE2 JIT unavailable (W^X memory policy, "
                                                 "e.g. MemoryDenyWriteExecute=yes): leak "
                                                 "scanning runs the regex interpreter"
                                               : "PCRE2 JIT available");
  audit_record(&d.e.cfg, "run", NULL, "started", started);
  free(started);
  if (d.jit_unavailable)
    mon_warn("PCRE2 JIT unavailable (W^X memory policy): leak scanning runs the regex "
             "interpreter, about half as fast");
  if (d.leaks.n_undetectable)
    mon_warn("%zu secret(s) too short to be found in logs (see the weak alerts)",
             d.leaks.n_undetectable);
  int more = poll_logs(&d);
  while (more && o->once)
    more = poll_logs(&d);
  notify_ready();
  if (o->once) {
    save_offsets(&d);
    int rc = d.alerts_raised ? MON_EXIT_ALERT : MON_EXIT_OK;
    audit_record(&d.e.cfg, "run", NULL, "stopped", "--once");
    daemon_free(&d);
    close(sfd);
    return rc;
  }
  long long next_check = now_ms() + (long long)d.e.cfg.interval * 1000;
  long long settle_at = -1;
  int rc = MON_EXIT_OK;
  for (;;) {
    struct pollfd fds[3] = { { sfd, POLLIN, 0 }, { d.inotify_fd, POLLIN, 0 }, { -1, 0, 0 } };
    nfds_t nfds = 2;
    for (size_t i = 0; i < d.n_logs; i++)
      if (d.logs[i].t.is_stdin && !d.logs[i].t.at_eof) {
        fds[2] = (struct pollfd){ 0, POLLIN, 0 };
        nfds = 3;
      }
    long long now = now_ms();
    long long wait = POLL_MS;
    if (settle_at >= 0 && settle_at - now < wait)
      wait = settle_at - now;
    if (next_check - now < wait)
      wait = next_check - now;
    if (wait < 0 || more)
      wait = 0;
    int r = poll(fds, nfds, (int)wait);
    if (r < 0 && errno != EINTR) {
      mon_warn("poll: %s", strerror(errno));
      rc = MON_EXIT_ERROR;
      break;
    }
    struct signalfd_siginfo si;
    int stop = 0, reload = 0;
    while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
      if (si.ssi_signo == SIGHUP)
        reload = 1;
      else
        stop = 1;
    }
    int ask = d.inotify_fd >= 0 ? drain_events(&d) : 0;
    if (watches_moved(&d))
      ask |= EV_REWATCH | EV_RECHECK | EV_BASELINE;
    if (ask & EV_REWATCH)
      watch_all(&d);
    if (ask & EV_BASELINE)
      reload_baseline(&d);
    if ((ask & EV_RECHECK) && settle_at < 0)
      settle_at = now_ms() + SETTLE_MS;
    more = poll_logs(&d);
    alerter_reap(d.al);
    if (stop)
      break;
    if (reload) {
      /* Validate the new configuration before dropping the old one. */
      config probe;
      char *err = NULL;
      if (config_load(o->config_path, &probe, &err) != 0) {
        mon_warn("reload refused, keeping the running configuration: %s", err);
        audit_record(&d.e.cfg, "reload", NULL, "error", err);
        free(err);
      } else {
        config_free(&probe);
        save_offsets(&d);
        daemon_free(&d);
        if (daemon_start(&d, o) != 0) {
          mon_warn("reload failed; stopping");
          rc = MON_EXIT_ERROR;
          daemon_free(&d);
          close(sfd);
          return rc;
        }
        audit_record(&d.e.cfg, "reload", NULL, "ok", o->config_path);
        poll_logs(&d);
      }
      next_check = now_ms() + (long long)d.e.cfg.interval * 1000;
      settle_at = -1;
    }
    now = now_ms();
    if ((settle_at >= 0 && now >= settle_at) || now >= next_check) {
      recheck(&d);
      settle_at = -1;
      next_check = now_ms() + (long long)d.e.cfg.interval * 1000;
    }
  }
  save_offsets(&d);
  audit_record(&d.e.cfg, "run", NULL, "stopped", NULL);
  daemon_free(&d);
  close(sfd);
  return rc;
}
