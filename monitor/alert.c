/* SPDX-License-Identifier: Apache-2.0 */
/* alert.c - see alert.h.  Each sink has its own de-duplication window and
 * rate limit; both live in memory, so they span one daemon run (a one-shot
 * `check` reports everything it finds). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "alert.h"
#include "audit.h"
#include "json.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/rand.h>

void alert_free(alert *a)
{
  free(a->id);
  free(a->kind);
  free(a->secret);
  free(a->source);
  free(a->detail);
  free(a->log);
  free(a->rule);
  memset(a, 0, sizeof *a);
}

void alert_list_free(alert_list *list)
{
  for (size_t i = 0; i < list->n; i++)
    alert_free(&list->v[i]);
  free(list->v);
  list->v = NULL;
  list->n = list->cap = 0;
}

void alert_list_remove(alert_list *list, size_t i)
{
  alert_free(&list->v[i]);
  memmove(&list->v[i], &list->v[i + 1], (list->n - i - 1) * sizeof *list->v);
  list->n--;
}

static int copy_str(char **dst, const char *src)
{
  *dst = NULL;
  return src && !(*dst = strdup(src)) ? -1 : 0;
}

static char *new_id(void)
{
  unsigned char raw[6];
  char *hex = malloc(2 * sizeof raw + 1);
  if (!hex || RAND_bytes(raw, sizeof raw) != 1) {
    free(hex);
    return NULL;
  }
  mon_hex(raw, sizeof raw, hex);
  return hex;
}

int alert_list_push(alert_list *list, const alert *a)
{
  if (mon_grow(&list->v, &list->cap, list->n, list->n + 1, sizeof *list->v) != 0)
    return -1;
  alert c = { .time = a->time ? a->time : time(NULL), .line = a->line };
  if (!(c.id = a->id ? strdup(a->id) : new_id()))
    return -1;
  if (copy_str(&c.kind, a->kind) | copy_str(&c.secret, a->secret) |
      copy_str(&c.source, a->source) | copy_str(&c.detail, a->detail) |
      copy_str(&c.log, a->log) | copy_str(&c.rule, a->rule)) {
    alert_free(&c);
    return -1;
  }
  list->v[list->n++] = c;
  return 0;
}

int alert_list_add(alert_list *list, const char *kind, const char *secret,
                   const char *source, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *detail = mon_vprintf(fmt, ap);
  va_end(ap);
  if (!detail)
    return -1;
  alert a = { .kind = (char *)kind, .secret = (char *)secret, .source = (char *)source,
              .detail = detail };
  int rc = alert_list_push(list, &a);
  free(detail);
  return rc;
}

const char *alert_severity(const char *kind)
{
  if (strcmp(kind, "leaked") == 0 || strcmp(kind, "tampered") == 0)
    return "critical";
  if (strcmp(kind, "added") == 0 || strcmp(kind, "weak") == 0)
    return "medium";
  return "high";
}

int alert_is_failure(const char *kind)
{
  return strcmp(kind, "tampered") == 0 || strcmp(kind, "unreadable") == 0 ||
         strcmp(kind, "duplicate") == 0;
}

void alert_gen(const alert *a, void *handle)
{
  yajl_gen g = handle;
  char when[32];
  mon_time_iso(a->time, when, sizeof when);
  yajl_gen_map_open(g);
  json_put_str(g, "time", when);
  json_put_str(g, "host", mon_hostname());
  json_put_str(g, "kind", a->kind);
  json_put_str(g, "severity", alert_severity(a->kind));
  json_put_str(g, "secret", a->secret);
  json_put_str(g, "source", a->source);
  json_put_str(g, "detail", a->detail);
  if (a->log) {
    json_put_str(g, "log", a->log);
    json_put_int(g, "line", (long long)a->line);
    json_put_str(g, "rule", a->rule);
  }
  json_put_str(g, "id", a->id);
  yajl_gen_map_close(g);
}

char *alert_to_json(const alert *a, size_t *len)
{
  yajl_gen g = json_gen_new(0);
  if (!g)
    return NULL;
  alert_gen(a, g);
  char *out = json_gen_take(g, len);
  yajl_gen_free(g);
  return out;
}

int alert_from_json(yajl_val obj, alert *out)
{
  memset(out, 0, sizeof *out);
  const char *kind = json_get_str(obj, "kind");
  const char *when = json_get_str(obj, "time");
  if (!kind || !when || mon_time_parse(when, &out->time) != 0)
    return -1;
  long long line = json_get_int(obj, "line");
  out->line = line > 0 ? (unsigned long)line : 0;
  if (copy_str(&out->id, json_get_str(obj, "id")) |
      copy_str(&out->kind, kind) | copy_str(&out->secret, json_get_str(obj, "secret")) |
      copy_str(&out->source, json_get_str(obj, "source")) |
      copy_str(&out->detail, json_get_str(obj, "detail")) |
      copy_str(&out->log, json_get_str(obj, "log")) |
      copy_str(&out->rule, json_get_str(obj, "rule"))) {
    alert_free(out);
    return -1;
  }
  return 0;
}

/* ---- delivery ---------------------------------------------------- */

typedef struct seen {
  char *key;
  time_t when;
} seen;

typedef struct sink {
  const sink_cfg *cfg;
  seen *seen;               /* de-duplication window */
  size_t n_seen, seen_cap;
  time_t window_start;      /* rate limit: fixed windows */
  unsigned sent_in_window;
  unsigned long suppressed;
} sink;

struct alerter {
  const config *cfg;
  sink *sinks;
  size_t n_sinks;
  sink_cfg fallback;        /* stdout when nothing is configured */
  pid_t *children;
  size_t n_children, children_cap;
};

alerter *alerter_new(const config *cfg)
{
  alerter *al = calloc(1, sizeof *al);
  if (!al)
    return NULL;
  al->cfg = cfg;
  size_t n = cfg->n_sinks ? cfg->n_sinks : 1;
  al->sinks = calloc(n, sizeof *al->sinks);
  if (!al->sinks) {
    free(al);
    return NULL;
  }
  al->fallback.kind = SINK_STDOUT;
  for (size_t i = 0; i < n; i++)
    al->sinks[i].cfg = cfg->n_sinks ? &cfg->sinks[i] : &al->fallback;
  al->n_sinks = n;
  return al;
}

/* Identity of an alert for de-duplication: everything but time and line. */
static char *dedup_key(const alert *a)
{
  return mon_printf("%s\x1f%s\x1f%s\x1f%s\x1f%s", a->kind, a->secret ? a->secret : "",
                    a->source ? a->source : "", a->log ? a->log : "",
                    a->rule ? a->rule : "");
}

/* Non-zero when the sink already sent this alert within its window. */
static int duplicate(sink *s, const alert *a, time_t now)
{
  unsigned window = s->cfg->dedup_seconds;
  if (!window)
    return 0;
  size_t keep = 0;
  for (size_t i = 0; i < s->n_seen; i++) {
    if (now - s->seen[i].when < (time_t)window)
      s->seen[keep++] = s->seen[i];
    else
      free(s->seen[i].key);
  }
  s->n_seen = keep;
  char *key = dedup_key(a);
  if (!key)
    return 0; /* fail towards sending */
  for (size_t i = 0; i < s->n_seen; i++)
    if (strcmp(s->seen[i].key, key) == 0) {
      free(key);
      return 1;
    }
  if (mon_grow(&s->seen, &s->seen_cap, s->n_seen, s->n_seen + 1, sizeof *s->seen) != 0) {
    free(key);
    return 0;
  }
  s->seen[s->n_seen++] = (seen){ key, now };
  return 0;
}

static int rate_limited(alerter *al, sink *s, const alert *a, time_t now)
{
  if (!s->cfg->rate_count)
    return 0;
  if (now - s->window_start >= (time_t)s->cfg->rate_seconds) {
    if (s->suppressed) {
      char *note = mon_printf("%lu alerts suppressed by the rate limit of the sink on %s:%lu",
                              s->suppressed, al->cfg->path, s->cfg->line);
      mon_warn("%s", note ? note : "alerts suppressed by a rate limit");
      audit_record(al->cfg, "alert-suppressed", NULL, "suppressed", note);
      free(note);
    }
    s->window_start = now;
    s->sent_in_window = 0;
    s->suppressed = 0;
  }
  if (s->sent_in_window >= s->cfg->rate_count) {
    if (s->suppressed++ == 0) {
      char *note = mon_printf("the rate limit of the sink on %s:%lu (%u per %u s) is reached; "
                              "further alerts are dropped for the rest of the window",
                              al->cfg->path, s->cfg->line, s->cfg->rate_count,
                              s->cfg->rate_seconds);
      audit_record(al->cfg, "alert-suppressed", a->secret, a->kind, note);
      free(note);
    }
    return 1;
  }
  s->sent_in_window++;
  return 0;
}

static void write_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    buf += n;
    len -= (size_t)n;
  }
}

static void send_file(const sink_cfg *c, const char *line, size_t len)
{
  int fd = open(c->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    mon_warn("%s: cannot write an alert: %s", c->path, strerror(errno));
    return;
  }
  write_all(fd, line, len);
  close(fd);
}

static void send_syslog(const sink_cfg *c, const alert *a, const char *json)
{
  const char *sev = alert_severity(a->kind);
  int prio = strcmp(sev, "critical") == 0 ? LOG_CRIT
             : strcmp(sev, "high") == 0   ? LOG_ERR
                                          : LOG_WARNING;
  openlog(c->tag, LOG_PID | LOG_NDELAY, c->facility);
  syslog(prio, "%s", json);
  closelog();
}

/* The command gets the alert on stdin and a minimal environment: the
 * monitor's own environment may hold guarded secrets. */
static void send_exec(alerter *al, const sink_cfg *c, const alert *a, const char *line,
                      size_t len)
{
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    mon_warn("alert exec %s: %s", c->argv.v[0], strerror(errno));
    return;
  }
  char *env_kind = mon_printf("LOGMASK_ALERT_KIND=%s", a->kind);
  char *env_sev = mon_printf("LOGMASK_ALERT_SEVERITY=%s", alert_severity(a->kind));
  char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", env_kind, env_sev, NULL };
  if (!env_kind || !env_sev)
    envp[2] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    /* The daemon blocks SIGHUP/SIGINT/SIGTERM (signalfd) and ignores
     * SIGPIPE: the hook starts with neither. */
    mon_child_reset();
    dup2(fds[0], 0);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0)
      dup2(null, 1);
    execve(c->argv.v[0], c->argv.v, envp);
    _exit(127);
  }
  free(env_kind);
  free(env_sev);
  close(fds[0]);
  if (pid < 0) {
    mon_warn("alert exec %s: cannot fork: %s", c->argv.v[0], strerror(errno));
    close(fds[1]);
    return;
  }
  write_all(fds[1], line, len);
  close(fds[1]);
  if (mon_grow(&al->children, &al->children_cap, al->n_children, al->n_children + 1,
               sizeof *al->children) == 0)
    al->children[al->n_children++] = pid;
}

void alerter_emit(alerter *al, const alert *a)
{
  size_t len;
  char *json = alert_to_json(a, &len);
  if (!json) {
    mon_warn("out of memory while sending a %s alert", a->kind);
    return;
  }
  json[len] = '\n'; /* json_gen_take leaves room for the terminator */
  time_t now = time(NULL);
  for (size_t i = 0; i < al->n_sinks; i++) {
    sink *s = &al->sinks[i];
    if (duplicate(s, a, now) || rate_limited(al, s, a, now))
      continue;
    switch (s->cfg->kind) {
    case SINK_STDOUT:
      fwrite(json, 1, len + 1, stdout);
      fflush(stdout);
      break;
    case SINK_FILE: send_file(s->cfg, json, len + 1); break;
    case SINK_SYSLOG:
      json[len] = '\0';
      send_syslog(s->cfg, a, json);
      json[len] = '\n';
      break;
    case SINK_EXEC: send_exec(al, s->cfg, a, json, len + 1); break;
    }
  }
  free(json);
  alerter_reap(al);
}

static void reaped(const alerter *al, int status)
{
  (void)al;
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    mon_warn("an alert command exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    mon_warn("an alert command was killed by signal %d", WTERMSIG(status));
}

void alerter_reap(alerter *al)
{
  size_t keep = 0;
  for (size_t i = 0; i < al->n_children; i++) {
    int status;
    pid_t r = waitpid(al->children[i], &status, WNOHANG);
    if (r == al->children[i])
      reaped(al, status);
    else if (r == 0)
      al->children[keep++] = al->children[i];
  }
  al->n_children = keep;
}

void alerter_free(alerter *al)
{
  if (!al)
    return;
  /* Give alert commands up to 10 s to finish so a one-shot run does not
   * exit before the page went out. */
  for (int tries = 0; al->n_children && tries < 100; tries++) {
    alerter_reap(al);
    if (al->n_children)
      usleep(100000);
  }
  if (al->n_children)
    mon_warn("%zu alert command(s) still running", al->n_children);
  for (size_t i = 0; i < al->n_sinks; i++) {
    for (size_t j = 0; j < al->sinks[i].n_seen; j++)
      free(al->sinks[i].seen[j].key);
    free(al->sinks[i].seen);
  }
  free(al->sinks);
  free(al->children);
  free(al);
}
