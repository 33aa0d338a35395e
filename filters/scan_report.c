/* Text, JSON and SARIF reports of `logmask scan`; see scan_report.h.  JSON
 * is generated with yajl; previews and paths are valid UTF-8 already
 * (text_printable), and hold no secret. */
#include <config.h>

#include "scan_report.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "logmask.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_FINGERPRINT "logmask/v1"

static int report_text(FILE *out, const struct scan_findings *list)
{
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    if (!f->suppressed)
      fprintf(out, "%s:%lu:%zu: %s: %s (fingerprint %s)\n", f->path, f->line, f->column,
              f->rule, f->preview, f->fingerprint);
  }
  return 0;
}

static void put_string(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void put_member(yajl_gen g, const char *key, const char *value)
{
  put_string(g, key);
  put_string(g, value);
}

static void put_number(yajl_gen g, const char *key, unsigned long long value)
{
  put_string(g, key);
  yajl_gen_integer(g, (long long)value);
}

static int report_json(yajl_gen g, const struct scan_findings *list,
                       const struct scan_summary *sum)
{
  yajl_gen_map_open(g);
  put_member(g, "tool", "logmask");
  put_member(g, "version", lm_version());
  put_member(g, "fingerprint", sum->fingerprint_kind);
  put_string(g, "findings");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    if (f->suppressed)
      continue;
    yajl_gen_map_open(g);
    put_member(g, "path", f->path);
    put_number(g, "line", f->line);
    put_number(g, "column", f->column);
    put_number(g, "end_column", f->end_column);
    put_member(g, "rule", f->rule);
    put_member(g, "preview", f->preview);
    put_member(g, "fingerprint", f->fingerprint);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  put_string(g, "summary");
  yajl_gen_map_open(g);
  put_number(g, "files", sum->files);
  put_number(g, "binary_skipped", sum->binary);
  put_number(g, "excluded", sum->excluded);
  put_number(g, "errors", sum->errors);
  put_number(g, "findings", sum->found);
  put_number(g, "suppressed", sum->suppressed);
  yajl_gen_map_close(g);
  return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* A relative path as a URI reference (percent-encoded; an absolute path
 * becomes a file: URI).  NULL when out of memory. */
static char *path_uri(const char *path)
{
  size_t len = strlen(path);
  char *uri = malloc(len * 3 + sizeof "file://");
  if (!uri)
    return NULL;
  size_t o = 0;
  if (path[0] == '/') {
    memcpy(uri, "file://", 7);
    o = 7;
  }
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)path[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        strchr("-._~/", c)) {
      uri[o++] = (char)c;
    } else {
      uri[o++] = '%';
      uri[o++] = hex[c >> 4];
      uri[o++] = hex[c & 15];
    }
  }
  uri[o] = '\0';
  return uri;
}

/* Index in `rules` (sorted ids of reported findings) of `id`. */
static size_t rule_index(const struct scan_finding *const *rules, size_t n, const char *id)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(id, rules[mid]->rule);
    if (c == 0)
      return mid;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0; /* not reached: every reported rule is listed */
}

static int by_rule(const void *a, const void *b)
{
  return strcmp((*(const struct scan_finding *const *)a)->rule,
                (*(const struct scan_finding *const *)b)->rule);
}

/* One finding per rule reported, sorted by rule id: the driver's rules[]. */
static const struct scan_finding **sarif_rules(const struct scan_findings *list, size_t *n)
{
  const struct scan_finding **rules = calloc(list->count ? list->count : 1, sizeof *rules);
  if (!rules)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < list->count; i++)
    if (!list->items[i].suppressed)
      rules[k++] = &list->items[i];
  qsort(rules, k, sizeof *rules, by_rule);
  size_t w = 0;
  for (size_t i = 0; i < k; i++)
    if (w == 0 || strcmp(rules[w - 1]->rule, rules[i]->rule) != 0)
      rules[w++] = rules[i];
  *n = w;
  return rules;
}

static void sarif_driver(yajl_gen g, const struct scan_finding *const *rules, size_t n)
{
  put_string(g, "tool");
  yajl_gen_map_open(g);
  put_string(g, "driver");
  yajl_gen_map_open(g);
  put_member(g, "name", "logmask");
  put_member(g, "version", lm_version());
  put_member(g, "semanticVersion", lm_version());
  put_string(g, "rules");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    put_member(g, "id", rules[i]->rule);
    put_string(g, "shortDescription");
    yajl_gen_map_open(g);
    put_member(g, "text", rules[i]->description ? rules[i]->description : rules[i]->rule);
    yajl_gen_map_close(g);
    put_string(g, "defaultConfiguration");
    yajl_gen_map_open(g);
    put_member(g, "level", "error");
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static int sarif_result(yajl_gen g, const struct scan_finding *f, size_t index)
{
  char *uri = path_uri(f->path);
  char *message = NULL;
  if (!uri || asprintf(&message, "Secret found by rule %s: %s", f->rule, f->preview) < 0) {
    free(uri);
    return -1;
  }
  yajl_gen_map_open(g);
  put_member(g, "ruleId", f->rule);
  put_number(g, "ruleIndex", index);
  put_member(g, "level", "error");
  put_string(g, "message");
  yajl_gen_map_open(g);
  put_member(g, "text", message);
  yajl_gen_map_close(g);
  put_string(g, "locations");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  put_string(g, "physicalLocation");
  yajl_gen_map_open(g);
  put_string(g, "artifactLocation");
  yajl_gen_map_open(g);
  put_member(g, "uri", uri);
  if (f->path[0] != '/')
    put_member(g, "uriBaseId", "%SRCROOT%");
  yajl_gen_map_close(g);
  put_string(g, "region");
  yajl_gen_map_open(g);
  put_number(g, "startLine", f->line);
  put_number(g, "startColumn", f->char_column);
  put_number(g, "endColumn", f->char_end_column);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  put_string(g, "partialFingerprints");
  yajl_gen_map_open(g);
  put_member(g, SARIF_FINGERPRINT, f->fingerprint);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  free(uri);
  free(message);
  return 0;
}

static int report_sarif(yajl_gen g, const struct scan_findings *list)
{
  size_t nrules = 0;
  const struct scan_finding **rules = sarif_rules(list, &nrules);
  if (!rules)
    return -1;
  yajl_gen_map_open(g);
  put_member(g, "$schema", SARIF_SCHEMA);
  put_member(g, "version", "2.1.0");
  put_string(g, "runs");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  sarif_driver(g, rules, nrules);
  /* Columns count characters; logmask's text report counts bytes. */
  put_member(g, "columnKind", "unicodeCodePoints");
  put_string(g, "results");
  yajl_gen_array_open(g);
  int status = 0;
  for (size_t i = 0; i < list->count && status == 0; i++)
    if (!list->items[i].suppressed)
      status = sarif_result(g, &list->items[i],
                            rule_index(rules, nrules, list->items[i].rule));
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  if (status == 0 && yajl_gen_map_close(g) != yajl_gen_status_ok)
    status = -1;
  free(rules);
  return status;
}

int scan_report(FILE *out, enum scan_format format, const struct scan_findings *list,
                const struct scan_summary *summary)
{
  int status;
  if (format == SCAN_FORMAT_TEXT) {
    status = report_text(out, list);
  } else {
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
      return -1;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    /* Every string went through text_printable; a slip must not give
     * invalid JSON. */
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    status = format == SCAN_FORMAT_JSON ? report_json(g, list, summary)
                                        : report_sarif(g, list);
    const unsigned char *buf;
    size_t len;
    if (status == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
      fwrite(buf, 1, len, out);
      if (len == 0 || buf[len - 1] != '\n')
        fputc('\n', out);
    } else {
      status = -1;
    }
    yajl_gen_free(g);
  }
  if (fflush(out) != 0 || ferror(out))
    status = -1;
  return status;
}
