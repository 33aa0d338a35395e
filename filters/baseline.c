/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing the scan baseline; see baseline.h.
 *
 * {"version": 1, "fingerprint": "sha256",
 *  "findings": [{"path": "...", "line": 3, "rule": "...", "fingerprint": "...",
 *                "audit": "secret"}, ...]}
 * "line" and "audit" are optional when read; "path" is path_escape()d. */
#include <config.h>

#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "scan_json.h"
#include "scan_preview.h"

/* A baseline beyond this is not one we wrote. */
#define BASELINE_MAX_BYTES ((size_t)256 * 1024 * 1024)

static int entry_cmp(const char *path_a, const char *rule_a, const char *fp_a,
                     const char *path_b, const char *rule_b, const char *fp_b)
{
  int c = strcmp(path_a, path_b);
  if (c == 0)
    c = strcmp(rule_a, rule_b);
  if (c == 0)
    c = strcmp(fp_a, fp_b);
  return c;
}

static int entry_order(const void *a, const void *b)
{
  const struct baseline_entry *x = a, *y = b;
  return entry_cmp(x->path, x->rule, x->fingerprint, y->path, y->rule, y->fingerprint);
}

/* entry_order, then the order the entries were gathered in. */
static int entry_order_seen(const void *a, const void *b)
{
  int c = entry_order(a, b);
  if (c == 0) {
    const struct baseline_entry *x = a, *y = b;
    c = (x->order > y->order) - (x->order < y->order);
  }
  return c;
}

void baseline_free(struct baseline *b)
{
  for (size_t i = 0; i < b->count; i++) {
    free(b->items[i].path);
    free(b->items[i].rule);
  }
  free(b->items);
  memset(b, 0, sizeof *b);
}

static yajl_val member(yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT(obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

static const char *member_string(yajl_val obj, const char *key)
{
  yajl_val v = member(obj, key);
  return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static int is_fingerprint(const char *s)
{
  if (!s || strlen(s) != SCAN_FP_HEX)
    return 0;
  return strspn(s, "0123456789abcdef") == SCAN_FP_HEX;
}

/* The whole file, NUL-terminated; NULL after reporting. */
static char *read_all(const char *file, int missing_ok, int *missing)
{
  FILE *f = fopen(file, "re");
  *missing = 0;
  if (!f && errno == ENOENT && missing_ok) {
    *missing = 1;
    return NULL;
  }
  if (!f) {
    fprintf(stderr, "logmask scan: baseline %s: %s%s\n", file, strerror(errno),
            errno == ENOENT ? " (make one with --update-baseline)" : "");
    return NULL;
  }
  char *text = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (cap - len < 4096) {
      cap = cap ? cap * 2 : 65536;
      char *grown = cap <= BASELINE_MAX_BYTES ? realloc(text, cap + 1) : NULL;
      if (!grown) {
        fprintf(stderr, "logmask scan: baseline %s: %s\n", file,
                cap > BASELINE_MAX_BYTES ? "too large" : "out of memory");
        free(text);
        fclose(f);
        return NULL;
      }
      text = grown;
    }
    size_t n = fread(text + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    fprintf(stderr, "logmask scan: baseline %s: read error\n", file);
    free(text);
    return NULL;
  }
  text[len] = '\0';
  return text;
}

static int not_a_baseline(const char *file, const char *why)
{
  fprintf(stderr, "logmask scan: baseline %s: not a logmask baseline: %s\n", file, why);
  return -1;
}

static int load_entries(const char *file, yajl_val findings, struct baseline *b)
{
  size_t n = findings->u.array.len;
  b->items = calloc(n ? n : 1, sizeof *b->items);
  if (!b->items) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    yajl_val item = findings->u.array.values[i];
    const char *path = member_string(item, "path");
    const char *rule = member_string(item, "rule");
    const char *fp = member_string(item, "fingerprint");
    const char *audit = member_string(item, "audit");
    yajl_val line = member(item, "line");
    if (!path || !rule || !is_fingerprint(fp)) {
      fprintf(stderr,
              "logmask scan: baseline %s: finding %zu needs string path, rule and a "
              "%d-digit lower-case hex fingerprint\n",
              file, i + 1, SCAN_FP_HEX);
      return -1;
    }
    if ((line && (!YAJL_IS_INTEGER(line) || YAJL_GET_INTEGER(line) < 0)) ||
        (audit && strcmp(audit, BASELINE_AUDIT_SECRET) != 0 &&
         strcmp(audit, BASELINE_AUDIT_ALLOWED) != 0)) {
      fprintf(stderr,
              "logmask scan: baseline %s: finding %zu: \"line\" must be a line number and "
              "\"audit\" \"%s\" or \"%s\"\n",
              file, i + 1, BASELINE_AUDIT_SECRET, BASELINE_AUDIT_ALLOWED);
      return -1;
    }
    struct baseline_entry *e = &b->items[b->count++];
    e->path = path_unescape(path);
    e->rule = strdup(rule);
    memcpy(e->fingerprint, fp, SCAN_FP_HEX + 1);
    e->line = line ? (unsigned long)YAJL_GET_INTEGER(line) : 0;
    e->audit = !audit ? NULL
               : strcmp(audit, BASELINE_AUDIT_SECRET) == 0 ? BASELINE_AUDIT_SECRET
                                                           : BASELINE_AUDIT_ALLOWED;
    if (!e->rule) {
      fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
      return -1;
    }
    if (!e->path) {
      fprintf(stderr, "logmask scan: baseline %s: finding %zu: the path is not escaped as "
              "logmask writes it (\\\\ and \\xHH only)\n", file, i + 1);
      return -1;
    }
  }
  qsort(b->items, b->count, sizeof *b->items, entry_order);
  return 0;
}

int baseline_load(const char *file, const char *kind, int missing_ok, struct baseline *b)
{
  memset(b, 0, sizeof *b);
  int missing;
  char *text = read_all(file, missing_ok, &missing);
  if (!text)
    return missing ? 0 : -1;
  char why[256] = "";
  yajl_val root = yajl_tree_parse(text, why, sizeof why);
  free(text);
  if (!root) {
    /* yajl's message may span lines (it quotes the input): keep the first. */
    why[strcspn(why, "\n")] = '\0';
    return not_a_baseline(file, *why ? why : "invalid JSON");
  }
  int status = -1;
  yajl_val version = member(root, "version");
  const char *fp_kind = member_string(root, "fingerprint");
  yajl_val findings = member(root, "findings");
  if (!YAJL_IS_INTEGER(version) || YAJL_GET_INTEGER(version) != BASELINE_VERSION)
    not_a_baseline(file, "\"version\" is not 1");
  else if (!fp_kind)
    not_a_baseline(file, "no \"fingerprint\" kind");
  else if (!YAJL_IS_ARRAY(findings))
    not_a_baseline(file, "no \"findings\" array");
  else if (strcmp(fp_kind, kind) != 0)
    fprintf(stderr,
            "logmask scan: baseline %s holds %s fingerprints but this run makes %s "
            "ones: %s\n",
            file, fp_kind, kind,
            strcmp(kind, "sha256") == 0 ? "give the --hash-key-file it was made with"
                                        : "it was made without --hash-key-file");
  else
    status = load_entries(file, findings, b);
  yajl_tree_free(root);
  if (status < 0)
    baseline_free(b);
  return status;
}

static int entry_key_cmp(const void *key, const void *entry)
{
  const struct scan_finding *f = key;
  const struct baseline_entry *e = entry;
  return entry_cmp(f->path, f->rule, f->fingerprint, e->path, e->rule, e->fingerprint);
}

/* The entry with the finding's path, rule and fingerprint, or NULL. */
static const struct baseline_entry *find_entry(const struct baseline *b,
                                               const struct scan_finding *f)
{
  if (!b || b->count == 0)
    return NULL;
  return bsearch(f, b->items, b->count, sizeof *b->items, entry_key_cmp);
}

void baseline_apply(const struct baseline *b, struct scan_findings *list)
{
  for (size_t i = 0; i < list->count; i++) {
    struct scan_finding *f = &list->items[i];
    const struct baseline_entry *e = find_entry(b, f);
    if (e) {
      if (f->suppressed == SCAN_NEW)
        f->suppressed = SCAN_BASELINE;
      f->audit = e->audit;
    }
  }
}

static int put_entry(yajl_gen g, const struct baseline_entry *e)
{
  char *path = path_escape(e->path);
  if (!path)
    return -1;
  yajl_gen_map_open(g);
  scan_json_string(g, "path");
  scan_json_string(g, path);
  if (e->line) {
    scan_json_string(g, "line");
    yajl_gen_integer(g, (long long)e->line);
  }
  scan_json_string(g, "rule");
  scan_json_string(g, e->rule);
  scan_json_string(g, "fingerprint");
  scan_json_string(g, e->fingerprint);
  if (e->audit) {
    scan_json_string(g, "audit");
    scan_json_string(g, e->audit);
  }
  yajl_gen_map_close(g);
  free(path);
  return 0;
}

/* The baseline text of `entries` (sorted, duplicates next to each other:
 * the first is written), in a yajl buffer. */
static yajl_gen generate(const char *kind, const struct baseline_entry *entries, size_t n)
{
  yajl_gen g = scan_json_new();
  if (!g)
    return NULL;
  yajl_gen_map_open(g);
  scan_json_string(g, "version");
  yajl_gen_integer(g, BASELINE_VERSION);
  scan_json_string(g, "fingerprint");
  scan_json_string(g, kind);
  scan_json_string(g, "findings");
  yajl_gen_array_open(g);
  int status = 0;
  for (size_t i = 0; i < n && status == 0; i++) {
    if (i > 0 && entry_order(&entries[i - 1], &entries[i]) == 0)
      continue;
    status = put_entry(g, &entries[i]);
  }
  yajl_gen_array_close(g);
  if (status != 0 || yajl_gen_map_close(g) != yajl_gen_status_ok) {
    yajl_gen_free(g);
    g = NULL;
  }
  return g;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int write_text(const char *file, yajl_gen g)
{
  const unsigned char *buf;
  size_t len;
  if (!g || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    return -1;
  }
  /* The temporary file sits next to the baseline so rename(2) is atomic. */
  char *tmp = NULL;
  if (asprintf(&tmp, "%s.XXXXXX", file) < 0) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    return -1;
  }
  int status = -1;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, "logmask scan: baseline %s: %s\n", tmp, strerror(errno));
  } else {
    mode_t mask = umask(0);
    umask(mask);
    /* mkstemp makes 0600; a baseline holds no secret and is shared. */
    if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, buf, len) != 0 ||
        (len > 0 && buf[len - 1] != '\n' &&
         write_all(fd, (const unsigned char *)"\n", 1) != 0) ||
        fsync(fd) != 0)
      fprintf(stderr, "logmask scan: baseline %s: %s\n", tmp, strerror(errno));
    else if (close(fd) != 0) {
      fd = -1;
      fprintf(stderr, "logmask scan: baseline %s: %s\n", tmp, strerror(errno));
    } else {
      fd = -1;
      if (rename(tmp, file) != 0)
        fprintf(stderr, "logmask scan: baseline %s: %s\n", file, strerror(errno));
      else
        status = 0;
    }
    if (fd >= 0)
      close(fd);
    if (status != 0)
      unlink(tmp);
  }
  free(tmp);
  return status;
}

int baseline_write(const char *file, const char *kind, const struct scan_findings *list,
                   const struct baseline *keep, baseline_keep_fn keep_entry, void *ctx)
{
  size_t cap = list->count + (keep ? keep->count : 0);
  struct baseline_entry *entries = calloc(cap ? cap : 1, sizeof *entries);
  if (!entries) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    return -1;
  }
  size_t n = 0;
  /* Findings in list order, so the first line of a repeated key wins
   * (qsort is not stable: `order` breaks the ties). */
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    const struct baseline_entry *old = find_entry(keep, f);
    struct baseline_entry *e = &entries[n++];
    e->path = f->path;
    e->rule = f->rule;
    memcpy(e->fingerprint, f->fingerprint, sizeof e->fingerprint);
    e->line = f->line;
    e->audit = old ? old->audit : NULL;
    e->order = i;
  }
  for (size_t i = 0; keep && keep_entry && i < keep->count; i++)
    if (keep_entry(ctx, &keep->items[i])) {
      entries[n] = keep->items[i];
      entries[n++].order = list->count + i;
    }
  qsort(entries, n, sizeof *entries, entry_order_seen);
  yajl_gen g = generate(kind, entries, n);
  int status = write_text(file, g);
  if (g)
    yajl_gen_free(g);
  free(entries);
  return status;
}

int baseline_write_entries(const char *file, const char *kind, const struct baseline *b)
{
  yajl_gen g = generate(kind, b->items, b->count);
  int status = write_text(file, g);
  if (g)
    yajl_gen_free(g);
  return status;
}
