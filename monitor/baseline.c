/* baseline.c - see baseline.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "baseline.h"
#include "fingerprint.h"
#include "json.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BASELINE_FORMAT "logmask-monitor-baseline"
#define BASELINE_VERSION 1

void baseline_entry_free(baseline_entry *e)
{
  free(e->name);
  free(e->source);
  free(e->kind);
  free(e->length);
  free(e->fingerprint);
  free(e->since);
  free(e->by);
  free(e->reason);
  memset(e, 0, sizeof *e);
}

void baseline_free(baseline *b)
{
  if (!b)
    return;
  for (size_t i = 0; i < b->n; i++)
    baseline_entry_free(&b->v[i]);
  free(b->v);
  free(b->created);
  memset(b, 0, sizeof *b);
}

long baseline_find(const baseline *b, const char *source, const char *name)
{
  for (size_t i = 0; i < b->n; i++)
    if (strcmp(b->v[i].source, source) == 0 && strcmp(b->v[i].name, name) == 0)
      return (long)i;
  return -1;
}

static int dup_field(char **dst, const char *src)
{
  *dst = NULL;
  if (src && !(*dst = strdup(src)))
    return -1;
  return 0;
}

int baseline_add(baseline *b, const baseline_entry *e)
{
  baseline_entry *bigger = realloc(b->v, (b->n + 1) * sizeof *bigger);
  if (!bigger)
    return -1;
  b->v = bigger;
  baseline_entry c;
  if (dup_field(&c.name, e->name) | dup_field(&c.source, e->source) |
      dup_field(&c.kind, e->kind) | dup_field(&c.length, e->length) |
      dup_field(&c.fingerprint, e->fingerprint) | dup_field(&c.since, e->since) |
      dup_field(&c.by, e->by) | dup_field(&c.reason, e->reason)) {
    baseline_entry_free(&c);
    return -1;
  }
  b->v[b->n++] = c;
  return 0;
}

void baseline_remove(baseline *b, size_t index)
{
  baseline_entry_free(&b->v[index]);
  memmove(&b->v[index], &b->v[index + 1], (b->n - index - 1) * sizeof *b->v);
  b->n--;
}

/* Parses one entry line into *e; returns a reason on failure. */
static const char *parse_entry(yajl_val obj, baseline_entry *e)
{
  static const char *required[] = { "name", "source", "kind", "length", "fingerprint" };
  memset(e, 0, sizeof *e);
  for (size_t i = 0; i < sizeof required / sizeof *required; i++)
    if (!json_get_str(obj, required[i]))
      return required[i];
  if (!fp_is_fingerprint(json_get_str(obj, "fingerprint")))
    return "fingerprint";
  if (!*json_get_str(obj, "name") || !*json_get_str(obj, "source"))
    return "name";
  baseline_entry tmp = {
    .name = (char *)json_get_str(obj, "name"),
    .source = (char *)json_get_str(obj, "source"),
    .kind = (char *)json_get_str(obj, "kind"),
    .length = (char *)json_get_str(obj, "length"),
    .fingerprint = (char *)json_get_str(obj, "fingerprint"),
    .since = (char *)json_get_str(obj, "since"),
    .by = (char *)json_get_str(obj, "by"),
    .reason = (char *)json_get_str(obj, "reason"),
  };
  *e = tmp;
  return NULL;
}

int baseline_load(const char *path, baseline *out, char **err)
{
  char *text;
  size_t len;
  if (mon_read_file(path, &text, &len) != 0) {
    int saved = errno;
    mon_fail(err, "%s: cannot read the baseline: %s", path, strerror(errno));
    errno = saved;
    return -1;
  }
  baseline b = { 0 };
  unsigned long line = 0;
  int rc = 0, header = 0;
  char *cur = text;
  while (rc == 0 && cur < text + len) {
    char *nl = strchr(cur, '\n');
    if (nl)
      *nl = '\0';
    else
      nl = text + len;
    line++;
    char errbuf[256] = "";
    if (strlen(cur) != (size_t)(nl - cur)) {
      rc = mon_fail(err, "%s:%lu: NUL byte in the baseline", path, line);
      break;
    }
    if (!*cur) {
      rc = mon_fail(err, "%s:%lu: empty line in the baseline", path, line);
      break;
    }
    yajl_val obj = yajl_tree_parse(cur, errbuf, sizeof errbuf);
    if (!obj || !YAJL_IS_OBJECT(obj)) {
      char *nl2 = strchr(errbuf, '\n'); /* yajl's message spans lines */
      if (nl2)
        *nl2 = '\0';
      rc = mon_fail(err, "%s:%lu: not a JSON object%s%s", path, line, errbuf[0] ? ": " : "",
                    errbuf);
    } else if (!header) {
      const char *format = json_get_str(obj, "format");
      if (!format || strcmp(format, BASELINE_FORMAT) != 0 ||
          json_get_int(obj, "version") != BASELINE_VERSION)
        rc = mon_fail(err, "%s:%lu: not a logmask-monitor baseline (version %d)", path, line,
                      BASELINE_VERSION);
      else if (json_get_str(obj, "created") && !(b.created = strdup(json_get_str(obj, "created"))))
        rc = mon_fail(err, "out of memory");
      header = 1;
    } else {
      baseline_entry e;
      const char *bad = parse_entry(obj, &e);
      if (bad)
        rc = mon_fail(err, "%s:%lu: missing or bad field \"%s\"", path, line, bad);
      else if (baseline_find(&b, e.source, e.name) >= 0)
        rc = mon_fail(err, "%s:%lu: secret %s of %s listed twice", path, line, e.name,
                      e.source);
      else if (baseline_add(&b, &e) != 0)
        rc = mon_fail(err, "out of memory");
    }
    yajl_tree_free(obj);
    cur = nl + 1;
  }
  if (rc == 0 && !header)
    rc = mon_fail(err, "%s:1: empty baseline", path);
  free(text);
  if (rc != 0) {
    baseline_free(&b);
    errno = EINVAL;
    return -1;
  }
  *out = b;
  return 0;
}

static int append_line(char **buf, size_t *len, yajl_gen g)
{
  const unsigned char *text;
  size_t n;
  yajl_gen_get_buf(g, &text, &n);
  char *bigger = realloc(*buf, *len + n + 2);
  if (!bigger)
    return -1;
  memcpy(bigger + *len, text, n);
  bigger[*len + n] = '\n';
  *len += n + 1;
  bigger[*len] = '\0';
  *buf = bigger;
  yajl_gen_clear(g);
  yajl_gen_reset(g, NULL);
  return 0;
}

int baseline_save(const char *path, const baseline *b, char **err)
{
  yajl_gen g = json_gen_new(0);
  if (!g)
    return mon_fail(err, "out of memory");
  char *buf = NULL;
  size_t len = 0;
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  yajl_gen_map_open(g);
  json_put_str(g, "format", BASELINE_FORMAT);
  json_put_int(g, "version", BASELINE_VERSION);
  json_put_str(g, "created", b->created ? b->created : now);
  json_put_str(g, "updated", now);
  json_put_int(g, "secrets", (long long)b->n);
  yajl_gen_map_close(g);
  int rc = append_line(&buf, &len, g);
  for (size_t i = 0; rc == 0 && i < b->n; i++) {
    const baseline_entry *e = &b->v[i];
    yajl_gen_map_open(g);
    json_put_str(g, "name", e->name);
    json_put_str(g, "source", e->source);
    json_put_str(g, "kind", e->kind);
    json_put_str(g, "length", e->length);
    json_put_str(g, "fingerprint", e->fingerprint);
    json_put_str(g, "since", e->since);
    json_put_str(g, "by", e->by);
    json_put_str(g, "reason", e->reason);
    yajl_gen_map_close(g);
    rc = append_line(&buf, &len, g);
  }
  yajl_gen_free(g);
  if (rc != 0) {
    free(buf);
    return mon_fail(err, "out of memory");
  }
  rc = mon_write_atomic(path, buf, len, 0600, err);
  free(buf);
  return rc;
}
