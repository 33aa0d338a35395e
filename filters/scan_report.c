/* SPDX-License-Identifier: Apache-2.0 */
/* Text, JSON and SARIF reports of `logmask scan`; see scan_report.h.  JSON
 * is generated with yajl; previews are valid UTF-8 already
 * (text_printable), paths are shown with path_escape (every byte kept, as
 * valid UTF-8), and nothing holds a secret. */
#include <config.h>

#include "scan_report.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "logmask.h"
#include "scan_json.h"
#include "scan_preview.h"
#include "scan_rulemeta.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_FINGERPRINT "logmask/v1"
#define SARIF_SECRET_FINGERPRINT "logmaskSecret/v1"
#ifndef PACKAGE_URL
#define PACKAGE_URL ""
#endif

static const char *plural(size_t n)
{
  return n == 1 ? "" : "s";
}

/* The preview with every "[REDACTED:...]" in the mask style. */
static void put_preview(FILE *out, const char *preview, const struct ui_style *st)
{
  if (!*st->mask) {
    fputs(preview, out);
    return;
  }
  const char *p = preview, *m;
  while ((m = strstr(p, "[REDACTED:")) != NULL) {
    const char *end = strchr(m, ']');
    if (!end)
      break;
    fwrite(p, 1, (size_t)(m - p), out);
    fprintf(out, "%s%.*s%s", st->mask, (int)(end + 1 - m), m, st->reset);
    p = end + 1;
  }
  fputs(p, out);
}

static int report_text(FILE *out, const struct scan_findings *list, const struct ui_style *st)
{
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    if (f->suppressed)
      continue;
    char *path = path_escape(f->path);
    if (!path)
      return -1;
    fprintf(out, "%s%s%s:%s%lu:%zu%s: %s%s%s: ", st->path, path, st->reset, st->pos, f->line,
            f->column, st->reset, st->rule, f->rule, st->reset);
    put_preview(out, f->preview, st);
    if (f->commit[0])
      fprintf(out, " %s(fingerprint %s, commit %.12s, %s)%s\n", st->dim, f->fingerprint,
              f->commit, f->date ? f->date : "", st->reset);
    else
      fprintf(out, " %s(fingerprint %s)%s\n", st->dim, f->fingerprint, st->reset);
    free(path);
  }
  return 0;
}

static void put_member(yajl_gen g, const char *key, const char *value)
{
  scan_json_string(g, key);
  scan_json_string(g, value);
}

static void put_number(yajl_gen g, const char *key, unsigned long long value)
{
  scan_json_string(g, key);
  yajl_gen_integer(g, (long long)value);
}

static const char *suppression_name(enum scan_suppression s)
{
  return s == SCAN_BASELINE ? "baseline" : s == SCAN_INLINE ? "inline" : "new";
}

static int json_finding(yajl_gen g, const struct scan_finding *f)
{
  char *path = path_escape(f->path);
  if (!path)
    return -1;
  yajl_gen_map_open(g);
  put_member(g, "path", path);
  put_number(g, "line", f->line);
  put_number(g, "column", f->column);
  put_number(g, "end_column", f->end_column);
  put_member(g, "rule", f->rule);
  put_member(g, "preview", f->preview);
  put_member(g, "fingerprint", f->fingerprint);
  if (f->commit[0]) {
    put_member(g, "commit", f->commit);
    put_member(g, "date", f->date ? f->date : "");
  }
  if (f->suppressed) {
    put_member(g, "suppression", suppression_name(f->suppressed));
    if (f->audit)
      put_member(g, "audit", f->audit);
  }
  yajl_gen_map_close(g);
  free(path);
  return 0;
}

static int report_json(yajl_gen g, const struct scan_findings *list,
                       const struct scan_summary *sum)
{
  yajl_gen_map_open(g);
  put_member(g, "tool", "logmask");
  put_member(g, "version", lm_version());
  put_member(g, "fingerprint", sum->fingerprint_kind);
  int status = 0;
  for (int pass = 0; pass < 2; pass++) {
    scan_json_string(g, pass == 0 ? "findings" : "suppressed");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < list->count && status == 0; i++)
      if ((list->items[i].suppressed != SCAN_NEW) == pass)
        status = json_finding(g, &list->items[i]);
    yajl_gen_array_close(g);
  }
  scan_json_string(g, "summary");
  yajl_gen_map_open(g);
  put_number(g, "files", sum->files);
  if (sum->mode == SCAN_MODE_GIT)
    put_number(g, "commits", sum->commits);
  put_number(g, "lines", sum->lines);
  put_number(g, "long_lines", sum->long_lines);
  put_number(g, "binary_skipped", sum->binary);
  put_number(g, "excluded", sum->excluded);
  put_number(g, "gitignored", sum->ignored);
  put_number(g, "errors", sum->errors);
  put_number(g, "findings", sum->found);
  put_number(g, "baseline", sum->baseline);
  put_number(g, "allowed", sum->allowed);
  yajl_gen_map_close(g);
  if (yajl_gen_map_close(g) != yajl_gen_status_ok)
    status = -1;
  return status;
}

/* An exact path as a URI reference: every byte outside the unreserved set
 * percent-encoded (so control and non-UTF-8 bytes survive); an absolute
 * path becomes a file: URI.  NULL when out of memory. */
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

static int by_rule(const void *a, const void *b)
{
  return strcmp((*(const struct scan_finding *const *)a)->rule,
                (*(const struct scan_finding *const *)b)->rule);
}

/* Index in `rules` (sorted ids of reported findings) of f's rule: every
 * reported rule is listed. */
static size_t rule_index(const struct scan_finding *const *rules, size_t n,
                         const struct scan_finding *f)
{
  const struct scan_finding *const *hit = bsearch(&f, rules, n, sizeof *rules, by_rule);
  return hit ? (size_t)(hit - rules) : 0;
}

/* One finding per rule reported, sorted by rule id: the driver's rules[]. */
static const struct scan_finding **sarif_rules(const struct scan_findings *list, size_t *n)
{
  const struct scan_finding **rules = calloc(list->count ? list->count : 1, sizeof *rules);
  if (!rules)
    return NULL;
  for (size_t i = 0; i < list->count; i++)
    rules[i] = &list->items[i];
  qsort(rules, list->count, sizeof *rules, by_rule);
  size_t w = 0;
  for (size_t i = 0; i < list->count; i++)
    if (w == 0 || strcmp(rules[w - 1]->rule, rules[i]->rule) != 0)
      rules[w++] = rules[i];
  *n = w;
  return rules;
}

static void put_text(yajl_gen g, const char *key, const char *text)
{
  scan_json_string(g, key);
  yajl_gen_map_open(g);
  put_member(g, "text", text);
  yajl_gen_map_close(g);
}

static int sarif_rule(yajl_gen g, const struct scan_finding *f)
{
  const struct rule_meta *meta = rule_meta_find(f->rule);
  const char *desc = f->description ? f->description : f->rule;
  char *full = NULL, *text = NULL, *markdown = NULL;
  if (asprintf(&full, "%s. %s", desc, meta->what) < 0)
    full = NULL;
  if (asprintf(&text,
               "%s (rule %s).\n\n%s\n\nHow to fix: %s\n\nRemoving the line is not enough: the "
               "secret stays in the history and in every clone. Rotate it first. A value "
               "that is not a secret can be marked on its line with logmask:allow, or "
               "accepted with --baseline.",
               desc, f->rule, meta->what, meta->rotate) < 0)
    text = NULL;
  if (asprintf(&markdown,
               "**%s** (rule `%s`)\n\n%s\n\n### How to fix\n\n%s\n\nRemoving the line is "
               "not enough: the secret stays in the history and in every clone. Rotate it "
               "first. A value that is not a secret can be marked on its line with "
               "`logmask:allow`, or accepted with `--baseline`.\n\nSee [%s](%s).",
               desc, f->rule, meta->what, meta->rotate, meta->help_uri, meta->help_uri) < 0)
    markdown = NULL;
  int status = full && text && markdown ? 0 : -1;
  if (status == 0) {
    yajl_gen_map_open(g);
    put_member(g, "id", f->rule);
    put_member(g, "name", f->rule);
    put_text(g, "shortDescription", desc);
    put_text(g, "fullDescription", full);
    scan_json_string(g, "help");
    yajl_gen_map_open(g);
    put_member(g, "text", text);
    put_member(g, "markdown", markdown);
    yajl_gen_map_close(g);
    put_member(g, "helpUri", meta->help_uri);
    scan_json_string(g, "defaultConfiguration");
    yajl_gen_map_open(g);
    put_member(g, "level", "error");
    yajl_gen_map_close(g);
    scan_json_string(g, "properties");
    yajl_gen_map_open(g);
    scan_json_string(g, "tags");
    yajl_gen_array_open(g);
    for (size_t i = 0; meta->tags[i]; i++)
      scan_json_string(g, meta->tags[i]);
    yajl_gen_array_close(g);
    put_member(g, "security-severity", meta->severity);
    put_member(g, "precision", "high");
    put_member(g, "problem.severity", "error");
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
  }
  free(full);
  free(text);
  free(markdown);
  return status;
}

static int sarif_driver(yajl_gen g, const struct scan_finding *const *rules, size_t n)
{
  scan_json_string(g, "tool");
  yajl_gen_map_open(g);
  scan_json_string(g, "driver");
  yajl_gen_map_open(g);
  put_member(g, "name", "logmask");
  put_member(g, "fullName", "logmask scan");
  put_member(g, "version", lm_version());
  put_member(g, "semanticVersion", lm_version());
  if (*PACKAGE_URL)
    put_member(g, "informationUri", PACKAGE_URL);
  scan_json_string(g, "rules");
  yajl_gen_array_open(g);
  int status = 0;
  for (size_t i = 0; i < n && status == 0; i++)
    status = sarif_rule(g, rules[i]);
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  return status;
}

/* The result's identity across runs: SHA-256 over the path, the rule, the
 * secret's fingerprint and which occurrence of that triple in the file it
 * is (not the line, so edits above it keep the alert the same). */
static int result_fingerprint(const struct scan_finding *f, size_t occurrence,
                              char hex[SCAN_FP_HEX + 1])
{
  char *text = NULL;
  int len = asprintf(&text, "%s%c%s%c%s%c%zu", f->path, 0, f->rule, 0, f->fingerprint, 0,
                     occurrence);
  if (len < 0)
    return -1;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  int ok = EVP_Digest(text, (size_t)len, md, &mdlen, EVP_sha256(), NULL);
  free(text);
  if (!ok)
    return -1;
  scan_hex(md, SCAN_FP_HEX / 2, hex);
  return 0;
}

/* For each finding, how many earlier findings share its path, rule and
 * secret: sorted once, so a large report stays O(n log n). */
static const struct scan_findings *occ_list;

static int by_identity(const void *a, const void *b)
{
  size_t i = *(const size_t *)a, j = *(const size_t *)b;
  const struct scan_finding *x = &occ_list->items[i], *y = &occ_list->items[j];
  int c = strcmp(x->path, y->path);
  if (c == 0)
    c = strcmp(x->rule, y->rule);
  if (c == 0)
    c = strcmp(x->fingerprint, y->fingerprint);
  return c ? c : (i > j) - (i < j);
}

static size_t *occurrences(const struct scan_findings *list)
{
  size_t n = list->count;
  size_t *order = calloc(n ? n : 1, sizeof *order);
  size_t *occ = calloc(n ? n : 1, sizeof *occ);
  if (!order || !occ) {
    free(order);
    free(occ);
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  occ_list = list;
  qsort(order, n, sizeof *order, by_identity);
  for (size_t k = 1; k < n; k++) {
    const struct scan_finding *x = &list->items[order[k - 1]], *y = &list->items[order[k]];
    if (strcmp(x->path, y->path) == 0 && strcmp(x->rule, y->rule) == 0 &&
        strcmp(x->fingerprint, y->fingerprint) == 0)
      occ[order[k]] = occ[order[k - 1]] + 1;
  }
  free(order);
  return occ;
}

static void sarif_suppression(yajl_gen g, const struct scan_finding *f,
                              const struct scan_summary *sum)
{
  scan_json_string(g, "suppressions");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  if (f->suppressed == SCAN_INLINE) {
    put_member(g, "kind", "inSource");
    put_member(g, "status", "accepted");
    put_member(g, "justification",
               "The line carries an allow marker (logmask:allow, pragma: allowlist secret, "
               "gitleaks:allow or secretlint-disable-line).");
  } else {
    char *why = NULL;
    if (asprintf(&why, "Accepted in the baseline %s%s%s.",
                 sum->baseline_file ? sum->baseline_file : "",
                 f->audit ? "; audit: " : "", f->audit ? f->audit : "") < 0)
      why = NULL;
    put_member(g, "kind", "external");
    put_member(g, "status", "accepted");
    put_member(g, "justification", why ? why : "Accepted in the baseline.");
    free(why);
  }
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
}

static int sarif_result(yajl_gen g, const struct scan_findings *list, size_t index,
                        size_t occurrence, size_t rule, const struct scan_summary *sum)
{
  const struct scan_finding *f = &list->items[index];
  char *uri = path_uri(f->path);
  char *shown = path_escape(f->path);
  char *message = NULL;
  char id[SCAN_FP_HEX + 1];
  if (!uri || !shown || result_fingerprint(f, occurrence, id) < 0 ||
      asprintf(&message, "%s found in %s line %lu%s%.12s: %s", f->rule, shown, f->line,
               f->commit[0] ? " of commit " : "", f->commit, f->preview) < 0) {
    free(uri);
    free(shown);
    return -1;
  }
  yajl_gen_map_open(g);
  put_member(g, "ruleId", f->rule);
  put_number(g, "ruleIndex", rule);
  put_member(g, "level", "error");
  put_text(g, "message", message);
  scan_json_string(g, "locations");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  scan_json_string(g, "physicalLocation");
  yajl_gen_map_open(g);
  scan_json_string(g, "artifactLocation");
  yajl_gen_map_open(g);
  put_member(g, "uri", uri);
  if (f->path[0] != '/')
    put_member(g, "uriBaseId", "%SRCROOT%");
  yajl_gen_map_close(g);
  scan_json_string(g, "region");
  yajl_gen_map_open(g);
  put_number(g, "startLine", f->line);
  put_number(g, "startColumn", f->char_column);
  put_number(g, "endColumn", f->char_end_column);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  scan_json_string(g, "partialFingerprints");
  yajl_gen_map_open(g);
  put_member(g, SARIF_FINGERPRINT, id);
  put_member(g, SARIF_SECRET_FINGERPRINT, f->fingerprint);
  yajl_gen_map_close(g);
  if (f->suppressed)
    sarif_suppression(g, f, sum);
  if (f->commit[0]) {
    scan_json_string(g, "properties");
    yajl_gen_map_open(g);
    put_member(g, "commit", f->commit);
    put_member(g, "authorDate", f->date ? f->date : "");
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  free(uri);
  free(shown);
  free(message);
  return 0;
}

static int report_sarif(yajl_gen g, const struct scan_findings *list,
                        const struct scan_summary *sum)
{
  size_t nrules = 0;
  const struct scan_finding **rules = sarif_rules(list, &nrules);
  size_t *occ = occurrences(list);
  if (!rules || !occ) {
    free(rules);
    free(occ);
    return -1;
  }
  yajl_gen_map_open(g);
  put_member(g, "$schema", SARIF_SCHEMA);
  put_member(g, "version", "2.1.0");
  scan_json_string(g, "runs");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  int status = sarif_driver(g, rules, nrules);
  scan_json_string(g, "invocations");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  scan_json_string(g, "executionSuccessful");
  yajl_gen_bool(g, sum->errors == 0);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  /* Columns count characters; logmask's text report counts bytes. */
  put_member(g, "columnKind", "unicodeCodePoints");
  scan_json_string(g, "results");
  yajl_gen_array_open(g);
  /* New findings first: GitHub keeps the first 5,000 of a run. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < list->count && status == 0; i++)
      if ((list->items[i].suppressed != SCAN_NEW) == pass)
        status = sarif_result(g, list, i, occ[i], rule_index(rules, nrules, &list->items[i]),
                              sum);
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  if (status == 0 && yajl_gen_map_close(g) != yajl_gen_status_ok)
    status = -1;
  free(rules);
  free(occ);
  return status;
}

int scan_report(FILE *out, enum scan_report_format format, const struct scan_findings *list,
                const struct scan_summary *summary, const struct ui_style *style)
{
  int status;
  if (format == SCAN_REPORT_TEXT) {
    status = report_text(out, list, style);
  } else {
    yajl_gen g = scan_json_new();
    if (!g)
      return -1;
    status = format == SCAN_REPORT_JSON ? report_json(g, list, summary)
                                        : report_sarif(g, list, summary);
    if (status == 0)
      status = scan_json_write(g, out);
    yajl_gen_free(g);
  }
  if (fflush(out) != 0 || ferror(out))
    status = -1;
  return status;
}

void scan_summary_line(FILE *out, const struct scan_summary *s, const struct ui_style *st)
{
  fprintf(out, "logmask scan: %s%zu new finding%s%s (%zu accepted by the baseline, %zu allowed "
          "inline) in ",
          s->found ? st->bad : st->good, s->found, plural(s->found), st->reset, s->baseline,
          s->allowed);
  if (s->mode == SCAN_MODE_GIT)
    fprintf(out, "%zu commit%s, ", s->commits, plural(s->commits));
  if (s->mode == SCAN_MODE_GIT || s->mode == SCAN_MODE_STAGED)
    fprintf(out, "%zu added line%s", s->lines, plural(s->lines));
  else
    fprintf(out, "%zu file%s", s->files, plural(s->files));
  fprintf(out, "; %zu binary skipped, %zu excluded, %zu git-ignored, %s%zu error%s%s\n",
          s->binary, s->excluded, s->ignored, s->errors ? st->bad : "", s->errors,
          plural(s->errors), s->errors ? st->reset : "");
  if (s->long_lines)
    fprintf(out, "logmask scan: %zu line%s over --max-line read in overlapping windows\n",
            s->long_lines, plural(s->long_lines));
}

void scan_stats(FILE *out, const struct scan_findings *list, const struct ui_style *st)
{
  const struct scan_finding **sorted = calloc(list->count ? list->count : 1, sizeof *sorted);
  if (!sorted) {
    fputs("logmask scan: --stats: out of memory\n", out);
    return;
  }
  for (size_t i = 0; i < list->count; i++)
    sorted[i] = &list->items[i];
  qsort(sorted, list->count, sizeof *sorted, by_rule);
  fprintf(out, "%-40s %6s %9s %8s\n", "rule", "new", "baseline", "allowed");
  for (size_t i = 0; i < list->count;) {
    size_t j = i, n[3] = {0, 0, 0};
    while (j < list->count && strcmp(sorted[j]->rule, sorted[i]->rule) == 0)
      n[sorted[j++]->suppressed]++;
    fprintf(out, "%-40s %6zu %9zu %8zu\n", sorted[i]->rule, n[SCAN_NEW], n[SCAN_BASELINE],
            n[SCAN_INLINE]);
    i = j;
  }
  free(sorted);
  size_t allowed = findings_count(list, SCAN_INLINE);
  fprintf(out, "allowed inline: %zu\n", allowed);
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    if (f->suppressed != SCAN_INLINE)
      continue;
    char *path = path_escape(f->path);
    fprintf(out, "  %s%s%s:%s%lu:%zu%s: %s (fingerprint %s)\n", st->path, path ? path : "?",
            st->reset, st->pos, f->line, f->column, st->reset, f->rule, f->fingerprint);
    free(path);
  }
}
