/* SPDX-License-Identifier: Apache-2.0 */
/* baseline.c - see baseline.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "baseline.h"
#include "fingerprint.h"
#include "json.h"
#include "seal.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BASELINE_FORMAT "logmask-monitor-baseline"
#define BASELINE_VERSION 2
#define BASELINE_LABEL "baseline"

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
  free(e->weak_ack);
  free(e->weak_ack_by);
  free(e->weak_ack_since);
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
  mon_index_free(&b->index);
  memset(b, 0, sizeof *b);
}

typedef struct key_ref {
  const baseline *b;
  const char *source, *name;
} key_ref;

static int entry_eq(const void *vctx, size_t pos)
{
  const key_ref *k = vctx;
  const baseline_entry *e = &k->b->v[pos];
  return e->name && strcmp(e->source, k->source) == 0 && strcmp(e->name, k->name) == 0;
}

long baseline_find(const baseline *b, const char *source, const char *name)
{
  key_ref k = { b, source, name };
  return mon_index_find(&b->index, mon_index_hash(source, name), entry_eq, &k);
}

static int dup_field(char **dst, const char *src)
{
  *dst = NULL;
  if (src && !(*dst = strdup(src)))
    return -1;
  return 0;
}

static int copy_entry(baseline_entry *c, const baseline_entry *e)
{
  if (dup_field(&c->name, e->name) | dup_field(&c->source, e->source) |
      dup_field(&c->kind, e->kind) | dup_field(&c->length, e->length) |
      dup_field(&c->fingerprint, e->fingerprint) | dup_field(&c->since, e->since) |
      dup_field(&c->by, e->by) | dup_field(&c->reason, e->reason) |
      dup_field(&c->weak_ack, e->weak_ack) | dup_field(&c->weak_ack_by, e->weak_ack_by) |
      dup_field(&c->weak_ack_since, e->weak_ack_since)) {
    baseline_entry_free(c);
    return -1;
  }
  return 0;
}

int baseline_add(baseline *b, const baseline_entry *e)
{
  if (mon_grow(&b->v, &b->cap, b->n, b->n + 1, sizeof *b->v) != 0)
    return -1;
  baseline_entry c;
  if (copy_entry(&c, e) != 0)
    return -1;
  if (mon_index_add(&b->index, mon_index_hash(c.source, c.name), b->n) != 0) {
    baseline_entry_free(&c);
    return -1;
  }
  b->v[b->n++] = c;
  return 0;
}

int baseline_replace(baseline *b, size_t index, const baseline_entry *e)
{
  baseline_entry c;
  if (copy_entry(&c, e) != 0)
    return -1;
  baseline_entry_free(&b->v[index]);
  b->v[index] = c;
  return 0;
}

void baseline_remove(baseline *b, size_t index)
{
  baseline_entry_free(&b->v[index]);
}

int baseline_compact(baseline *b)
{
  size_t keep = 0;
  for (size_t i = 0; i < b->n; i++)
    if (b->v[i].name)
      b->v[keep++] = b->v[i];
  if (keep == b->n)
    return 0;
  b->n = keep;
  mon_index_free(&b->index);
  for (size_t i = 0; i < b->n; i++)
    if (mon_index_add(&b->index, mon_index_hash(b->v[i].source, b->v[i].name), i) != 0)
      return -1;
  return 0;
}

/* Parses one entry line into *e (borrowed strings); returns a reason on
 * failure. */
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
    .weak_ack = (char *)json_get_str(obj, "weak_ack"),
    .weak_ack_by = (char *)json_get_str(obj, "weak_ack_by"),
    .weak_ack_since = (char *)json_get_str(obj, "weak_ack_since"),
  };
  *e = tmp;
  return NULL;
}

/* Parses the verified body. */
static int parse_body(const char *path, char *text, size_t len, baseline *b, char **err)
{
  unsigned long line = 0;
  int rc = 0, header = 0;
  long long declared = -1;
  char *cur = text;
  while (rc == 0 && cur < text + len) {
    char *nl = memchr(cur, '\n', (size_t)(text + len - cur));
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
    yajl_val obj = yajl_tree_parse(cur, errbuf, sizeof errbuf);
    if (!obj || !YAJL_IS_OBJECT(obj)) {
      char *nl2 = strchr(errbuf, '\n'); /* yajl's message spans lines */
      if (nl2)
        *nl2 = '\0';
      rc = mon_fail(err, "%s:%lu: not a JSON object%s%s", path, line, errbuf[0] ? ": " : "",
                    errbuf);
    } else if (!header) {
      const char *format = json_get_str(obj, "format");
      long long gen = json_get_int(obj, "generation");
      declared = json_get_int(obj, "secrets");
      if (!format || strcmp(format, BASELINE_FORMAT) != 0 ||
          json_get_int(obj, "version") != BASELINE_VERSION || gen < 0)
        rc = mon_fail(err, "%s:%lu: not a logmask-monitor baseline (version %d)", path, line,
                      BASELINE_VERSION);
      else if (json_get_str(obj, "created") && !(b->created = strdup(json_get_str(obj, "created"))))
        rc = mon_fail(err, "out of memory");
      b->generation = (unsigned long long)(gen < 0 ? 0 : gen);
      header = 1;
    } else {
      baseline_entry e;
      const char *bad = parse_entry(obj, &e);
      if (bad)
        rc = mon_fail(err, "%s:%lu: missing or bad field \"%s\"", path, line, bad);
      else if (baseline_find(b, e.source, e.name) >= 0)
        rc = mon_fail(err, "%s:%lu: secret %s of %s listed twice", path, line, e.name,
                      e.source);
      else if (baseline_add(b, &e) != 0)
        rc = mon_fail(err, "out of memory");
    }
    yajl_tree_free(obj);
    cur = nl + 1;
  }
  if (rc == 0 && !header)
    rc = mon_fail(err, "%s:1: empty baseline", path);
  if (rc == 0 && declared != (long long)b->n)
    rc = mon_fail(err, "%s: the header counts %lld secrets, the file holds %zu", path, declared,
                  b->n);
  return rc;
}

int baseline_load(const char *path, const unsigned char state_key[MAC_LEN], baseline *out,
                  char **err)
{
  char *text;
  size_t len;
  memset(out, 0, sizeof *out);
  if (mon_read_file(path, &text, &len) != 0) {
    int saved = errno;
    mon_fail(err, "%s: cannot read the baseline: %s", path, strerror(errno));
    errno = saved;
    return -1;
  }
  size_t body_len = 0;
  seal_result sr = seal_check(state_key, BASELINE_LABEL, text, len, &body_len);
  if (sr != SEAL_OK) {
    free(text);
    mon_fail(err, sr == SEAL_MISSING
                      ? "%s: the baseline is not sealed (no MAC line at its end): it was "
                        "not written by this monitor, or was cut short"
                      : "%s: the baseline's MAC does not verify: it was edited since the "
                        "monitor wrote it, or was sealed under another key",
             path);
    errno = EBADMSG;
    return BASELINE_TAMPERED;
  }
  baseline b = { 0 };
  int rc = parse_body(path, text, body_len, &b, err);
  free(text);
  if (rc != 0) {
    baseline_free(&b);
    errno = EINVAL;
    return -1;
  }
  *out = b;
  return 0;
}

static int append_line(char **buf, size_t *len, size_t *cap, yajl_gen g)
{
  const unsigned char *text;
  size_t n;
  yajl_gen_get_buf(g, &text, &n);
  if (mon_grow(buf, cap, *len, *len + n + 2, 1) != 0)
    return -1;
  memcpy(*buf + *len, text, n);
  (*buf)[*len + n] = '\n';
  *len += n + 1;
  (*buf)[*len] = '\0';
  yajl_gen_clear(g);
  yajl_gen_reset(g, NULL);
  return 0;
}

int baseline_save(const char *path, const unsigned char state_key[MAC_LEN], baseline *b,
                  char **err)
{
  if (baseline_compact(b) != 0)
    return mon_fail(err, "out of memory");
  yajl_gen g = json_gen_new(0);
  if (!g)
    return mon_fail(err, "out of memory");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  char now[32];
  mon_time_iso(time(NULL), now, sizeof now);
  b->generation++;
  yajl_gen_map_open(g);
  json_put_str(g, "format", BASELINE_FORMAT);
  json_put_int(g, "version", BASELINE_VERSION);
  json_put_str(g, "created", b->created ? b->created : now);
  json_put_str(g, "updated", now);
  json_put_int(g, "generation", (long long)b->generation);
  json_put_int(g, "secrets", (long long)b->n);
  yajl_gen_map_close(g);
  int rc = append_line(&buf, &len, &cap, g);
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
    if (e->weak_ack) {
      json_put_str(g, "weak_ack", e->weak_ack);
      json_put_str(g, "weak_ack_by", e->weak_ack_by);
      json_put_str(g, "weak_ack_since", e->weak_ack_since);
    }
    yajl_gen_map_close(g);
    rc = append_line(&buf, &len, &cap, g);
  }
  yajl_gen_free(g);
  char *sealed = NULL;
  size_t sealed_len = 0;
  if (rc != 0 || seal_wrap(state_key, BASELINE_LABEL, buf ? buf : "", len, &sealed,
                           &sealed_len) != 0) {
    free(buf);
    b->generation--;
    return mon_fail(err, "out of memory");
  }
  free(buf);
  rc = mon_write_atomic(path, sealed, sealed_len, 0600, err);
  free(sealed);
  if (rc != 0)
    b->generation--;
  return rc;
}
