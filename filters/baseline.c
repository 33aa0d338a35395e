/* Reading and writing the scan baseline; see baseline.h.
 *
 * {"version": 1, "fingerprint": "sha256",
 *  "findings": [{"path": "...", "rule": "...", "fingerprint": "..."}, ...]} */
#include <config.h>

#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

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
static char *read_all(const char *file)
{
  FILE *f = fopen(file, "re");
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
    if (!path || !rule || !is_fingerprint(fp)) {
      fprintf(stderr,
              "logmask scan: baseline %s: finding %zu needs string path, rule and a "
              "%d-digit lower-case hex fingerprint\n",
              file, i + 1, SCAN_FP_HEX);
      return -1;
    }
    struct baseline_entry *e = &b->items[b->count++];
    e->path = strdup(path);
    e->rule = strdup(rule);
    memcpy(e->fingerprint, fp, SCAN_FP_HEX + 1);
    if (!e->path || !e->rule) {
      fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
      return -1;
    }
  }
  qsort(b->items, b->count, sizeof *b->items, entry_order);
  return 0;
}

int baseline_load(const char *file, const char *kind, struct baseline *b)
{
  memset(b, 0, sizeof *b);
  char *text = read_all(file);
  if (!text)
    return -1;
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

void baseline_apply(const struct baseline *b, struct scan_findings *list)
{
  for (size_t i = 0; i < list->count; i++) {
    struct scan_finding *f = &list->items[i];
    size_t lo = 0, hi = b->count;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      const struct baseline_entry *e = &b->items[mid];
      int c = entry_cmp(f->path, f->rule, f->fingerprint, e->path, e->rule, e->fingerprint);
      if (c == 0) {
        f->suppressed = 1;
        break;
      }
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  }
}

static int finding_order(const void *a, const void *b)
{
  const struct scan_finding *x = *(const struct scan_finding *const *)a;
  const struct scan_finding *y = *(const struct scan_finding *const *)b;
  return entry_cmp(x->path, x->rule, x->fingerprint, y->path, y->rule, y->fingerprint);
}

static void put_string(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* The baseline text, sorted and without duplicates, in a yajl buffer. */
static yajl_gen generate(const char *kind, const struct scan_findings *list)
{
  const struct scan_finding **sorted = calloc(list->count ? list->count : 1, sizeof *sorted);
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!sorted || !g) {
    free(sorted);
    if (g)
      yajl_gen_free(g);
    return NULL;
  }
  for (size_t i = 0; i < list->count; i++)
    sorted[i] = &list->items[i];
  qsort(sorted, list->count, sizeof *sorted, finding_order);
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  yajl_gen_map_open(g);
  put_string(g, "version");
  yajl_gen_integer(g, BASELINE_VERSION);
  put_string(g, "fingerprint");
  put_string(g, kind);
  put_string(g, "findings");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < list->count; i++) {
    if (i > 0 && finding_order(&sorted[i - 1], &sorted[i]) == 0)
      continue;
    yajl_gen_map_open(g);
    put_string(g, "path");
    put_string(g, sorted[i]->path);
    put_string(g, "rule");
    put_string(g, sorted[i]->rule);
    put_string(g, "fingerprint");
    put_string(g, sorted[i]->fingerprint);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  if (yajl_gen_map_close(g) != yajl_gen_status_ok) {
    yajl_gen_free(g);
    g = NULL;
  }
  free(sorted);
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

int baseline_write(const char *file, const char *kind, const struct scan_findings *list)
{
  yajl_gen g = generate(kind, list);
  const unsigned char *buf;
  size_t len;
  if (!g || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    if (g)
      yajl_gen_free(g);
    return -1;
  }
  /* The temporary file sits next to the baseline so rename(2) is atomic. */
  char *tmp = NULL;
  if (asprintf(&tmp, "%s.XXXXXX", file) < 0) {
    fprintf(stderr, "logmask scan: baseline %s: out of memory\n", file);
    yajl_gen_free(g);
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
  yajl_gen_free(g);
  return status;
}
