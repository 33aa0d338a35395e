/* daemon.c - `logmask-monitor run`: re-checks the secrets when their
 * files change (inotify) and every `interval`, and tails the watched logs
 * for leaks.  SIGHUP reloads the configuration; SIGTERM/SIGINT save the
 * log offsets and exit 0. */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* How often logs are polled when inotify says nothing (a fallback for
 * file systems without events). */
#define POLL_MS 500
/* Re-check this long after the last event on a source (edits come in
 * bursts). */
#define SETTLE_MS 200

typedef struct watched_log {
  tailer t;
  lm_masker *finder, *masker;
  int mask_fd;
} watched_log;

typedef struct monitor_daemon {
  env e;
  alerter *al;
  leak_detector leaks;
  char *secrets_digest;     /* keyed digest of every fingerprint, to see changes */
  watched_log *logs;
  size_t n_logs;
  tail_offset *offsets;
  size_t n_offsets;
  char *offsets_path;
  int inotify_fd;
  int dir_wds[64];          /* watches of secret directories */
  size_t n_dir_wds;
  size_t alerts_raised;
  alert_list pending;       /* leaks of the current poll */
} monitor_daemon;

static void logs_close(monitor_daemon *d)
{
  for (size_t i = 0; i < d->n_logs; i++) {
    tail_close(&d->logs[i].t);
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
  tailer *ts = calloc(d->n_logs ? d->n_logs : 1, sizeof *ts);
  if (!ts)
    return;
  for (size_t i = 0; i < d->n_logs; i++)
    ts[i] = d->logs[i].t;
  char *err = NULL;
  if (tail_offsets_save(d->offsets_path, ts, d->n_logs, &err) != 0) {
    mon_warn("%s", err);
    free(err);
  }
  free(ts);
}

static int maskers_new(monitor_daemon *d, watched_log *w)
{
  lm_masker_free(w->finder);
  lm_masker_free(w->masker);
  w->finder = lm_masker_new(d->leaks.set);
  w->masker = lm_masker_new(d->leaks.set);
  return w->finder && w->masker ? 0 : -1;
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
              tail_offsets_find(d->offsets, d->n_offsets, cfg->logs[i].path));
    if (maskers_new(d, w) != 0)
      return -1;
    if (cfg->logs[i].mask_to) {
      w->mask_fd = open(cfg->logs[i].mask_to, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      if (w->mask_fd < 0) {
        mon_warn("%s: cannot open the masked copy: %s", cfg->logs[i].mask_to, strerror(errno));
        return -1;
      }
    }
  }
  return 0;
}

/* Builds the leak detector from the secrets now loaded, then wipes them. */
static int rebuild_detector(monitor_daemon *d)
{
  leak_detector fresh;
  char *err = NULL;
  if (leak_build(&d->e.cfg, &d->e.set, &fresh, &err) != 0) {
    mon_warn("%s", err ? err : "out of memory");
    free(err);
    return -1;
  }
  leak_free(&d->leaks);
  d->leaks = fresh;
  for (size_t i = 0; i < d->n_logs; i++)
    if (maskers_new(d, &d->logs[i]) != 0)
      return -1;
  return 0;
}

/* A keyed digest of all (source, name, fingerprint): no secret, and equal
 * exactly when the guarded values are. */
static char *secrets_digest(const env *e)
{
  char (*fps)[FP_HEX_LEN + 1] = checks_fingerprints(&e->set, e->key);
  if (!fps)
    return NULL;
  char *all = strdup("");
  for (size_t i = 0; all && i < e->set.n; i++) {
    char *more = mon_printf("%s%s\x1f%s\x1f%s\n", all, e->set.v[i].source, e->set.v[i].name,
                            fps[i]);
    free(all);
    all = more;
  }
  free(fps);
  return all;
}

static void emit(monitor_daemon *d, const alert_list *alerts)
{
  for (size_t i = 0; i < alerts->n; i++)
    alerter_emit(d->al, &alerts->v[i]);
  d->alerts_raised += alerts->n;
}

/* Loads the sources, compares, alerts, and rebuilds the detector when a
 * value changed.  Values are wiped before returning. */
static int recheck(monitor_daemon *d)
{
  alert_list alerts = { 0 };
  secret_set_free(&d->e.set);
  if (env_sources(&d->e) != 0) {
    audit_record(&d->e.cfg, "check", NULL, "error", "a secret source could not be parsed");
    return -1;
  }
  int rc = run_check(&d->e, &alerts);
  if (rc == 0) {
    emit(d, &alerts);
    record_check(&d->e, &alerts);
    char *digest = secrets_digest(&d->e);
    if (!digest || !d->secrets_digest || strcmp(digest, d->secrets_digest) != 0) {
      if (rebuild_detector(d) != 0)
        rc = -1;
    }
    free(d->secrets_digest);
    d->secrets_digest = digest;
  }
  alert_list_free(&alerts);
  secret_set_free(&d->e.set);
  return rc;
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

typedef struct line_ctx {
  monitor_daemon *d;
  watched_log *w;
} line_ctx;

static int on_line(void *ctx, tailer *t, const char *line, size_t len)
{
  line_ctx *c = ctx;
  const char *log = t->is_stdin ? "(stdin)" : t->cfg->path;
  if (leak_scan(&c->d->leaks, c->w->finder, log, t->line, line, len, &c->d->pending) != 0)
    return -1;
  if (c->w->mask_fd >= 0) {
    lm_line out;
    if (lm_masker_line(c->w->masker, line, len, &out) != LM_OK) {
      /* Fail closed: the masked copy gets a marker, never the line. */
      static const char marker[] = "[REDACTED:line-not-masked]\n";
      return write_all(c->w->mask_fd, marker, sizeof marker - 1) ? -1 : 0;
    }
    if (out.text && (write_all(c->w->mask_fd, out.text, out.len) != 0 ||
                     write_all(c->w->mask_fd, "\n", 1) != 0)) {
      mon_warn("%s: cannot write the masked copy: %s", t->cfg->mask_to, strerror(errno));
      return -1;
    }
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
  if (status_load(d->e.status_path, &st, &err) != 0) {
    free(err);
    err = NULL;
    memset(&st, 0, sizeof st);
  }
  for (size_t i = 0; i < d->pending.n; i++) {
    const alert *a = &d->pending.v[i];
    audit_record(&d->e.cfg, "leak", a->secret ? a->secret : a->rule, "leaked", a->detail);
    status_add_leak(&st, a);
  }
  if (status_save(d->e.status_path, &st, &err) != 0) {
    mon_warn("%s", err);
    free(err);
  }
  status_free(&st);
  alert_list_free(&d->pending);
}

static void poll_logs(monitor_daemon *d)
{
  int moved = 0;
  for (size_t i = 0; i < d->n_logs; i++) {
    line_ctx c = { d, &d->logs[i] };
    int r = tail_poll(&d->logs[i].t, on_line, &c);
    moved |= r > 0;
  }
  record_leaks(d);
  if (moved)
    save_offsets(d);
}

static int add_watch(monitor_daemon *d, const char *path, uint32_t mask)
{
  int wd = inotify_add_watch(d->inotify_fd, path, mask);
  if (wd < 0 && errno != ENOENT)
    mon_warn("%s: cannot watch: %s", path, strerror(errno));
  return wd;
}

/* Directories of the logs and of the sources: events there cover files
 * being replaced, renamed, created and written. */
static void watch_all(monitor_daemon *d)
{
  if (d->inotify_fd >= 0)
    close(d->inotify_fd);
  d->n_dir_wds = 0;
  d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (d->inotify_fd < 0) {
    mon_warn("inotify: %s (falling back to polling)", strerror(errno));
    return;
  }
  const uint32_t mask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                        IN_MOVED_TO | IN_ATTRIB;
  const config *cfg = &d->e.cfg;
  for (size_t i = 0; i < cfg->n_sources; i++) {
    if (cfg->sources[i].kind == SOURCE_ENV)
      continue;
    if (cfg->sources[i].kind == SOURCE_DIR) {
      int wd = add_watch(d, cfg->sources[i].path, mask);
      if (wd >= 0 && d->n_dir_wds < sizeof d->dir_wds / sizeof *d->dir_wds)
        d->dir_wds[d->n_dir_wds++] = wd;
    }
    char *dir = mon_dirname(cfg->sources[i].path);
    if (dir)
      add_watch(d, dir, mask);
    free(dir);
  }
  for (size_t i = 0; i < cfg->n_logs; i++) {
    if (strcmp(cfg->logs[i].path, "-") == 0)
      continue;
    char *dir = mon_dirname(cfg->logs[i].path);
    if (dir)
      add_watch(d, dir, mask);
    free(dir);
  }
}

/* Does an event in a watched directory concern a secret source?  Any
 * event inside a secret directory does; elsewhere only events naming a
 * dotenv or secret file (writes to logs are frequent and do not). */
static int concerns_source(const monitor_daemon *d, const struct inotify_event *ev)
{
  const config *cfg = &d->e.cfg;
  for (size_t i = 0; i < d->n_dir_wds; i++)
    if (ev->wd == d->dir_wds[i])
      return 1;
  if (!ev->len)
    return 0;
  for (size_t i = 0; i < cfg->n_sources; i++) {
    if (cfg->sources[i].kind != SOURCE_DOTENV && cfg->sources[i].kind != SOURCE_FILE)
      continue;
    const char *slash = strrchr(cfg->sources[i].path, '/');
    if (slash && strcmp(ev->name, slash + 1) == 0)
      return 1;
  }
  return 0;
}

static int drain_events(monitor_daemon *d)
{
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  int any = 0;
  ssize_t n;
  while ((n = read(d->inotify_fd, buf, sizeof buf)) > 0) {
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      any |= concerns_source(d, ev);
      p += sizeof *ev + ev->len;
    }
  }
  return any;
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int daemon_load(monitor_daemon *d, const cmd_options *o)
{
  if (env_config(&d->e, o) != 0 || env_baseline(&d->e) != 0)
    return -1;
  if (env_key(&d->e) < 0)
    return -1;
  char *err = NULL;
  if (!(d->offsets_path = state_path(&d->e.cfg, "offsets")))
    return -1;
  if (tail_offsets_load(d->offsets_path, &d->offsets, &d->n_offsets, &err) != 0) {
    mon_warn("%s", err);
    free(err);
    return -1;
  }
  if (!(d->al = alerter_new(&d->e.cfg)))
    return -1;
  return 0;
}

static void daemon_free(monitor_daemon *d)
{
  if (d->inotify_fd >= 0)
    close(d->inotify_fd);
  d->inotify_fd = -1;
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
  alert_list_free(&d->pending);
  env_free(&d->e);
}

/* Config, detector and logs from scratch (start and SIGHUP). */
static int daemon_start(monitor_daemon *d, const cmd_options *o)
{
  memset(d, 0, sizeof *d);
  d->inotify_fd = -1;
  if (daemon_load(d, o) != 0)
    return -1;
  /* The first check builds the detector (no digest yet). */
  if (recheck(d) != 0 || !d->leaks.set) {
    /* The detector must exist before any log line is read. */
    if (!d->leaks.set)
      return -1;
  }
  if (logs_open(d) != 0)
    return -1;
  watch_all(d);
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
  audit_record(&d.e.cfg, "run", NULL, "started", o->once ? "--once" : NULL);
  if (d.leaks.n_undetectable)
    mon_warn("%zu secret(s) too short to be found in logs (see the weak alerts)",
             d.leaks.n_undetectable);
  poll_logs(&d);
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
    if (wait < 0)
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
    if (d.inotify_fd >= 0 && drain_events(&d) && settle_at < 0)
      settle_at = now_ms() + SETTLE_MS;
    poll_logs(&d);
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
