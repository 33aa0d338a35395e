/* SPDX-License-Identifier: Apache-2.0 */
/* Baseline audit; see scan_audit.h. */
#include <config.h>

#include "scan_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "scan.h"
#include "scan_json.h"
#include "scan_preview.h"
#include "scan_ui.h"

/* The finding of this scan that entry e stands for, or NULL. */
static const struct scan_finding *current(const struct scan_findings *list,
                                          const struct baseline_entry *e)
{
  for (size_t i = 0; i < list->count; i++) {
    const struct scan_finding *f = &list->items[i];
    if (strcmp(f->fingerprint, e->fingerprint) == 0 && strcmp(f->rule, e->rule) == 0 &&
        strcmp(f->path, e->path) == 0)
      return f;
  }
  return NULL;
}

static int audit_json(FILE *out, const struct scan_options *opts, const struct baseline *b,
                      const struct scan_findings *list)
{
  yajl_gen g = scan_json_new();
  if (!g)
    return -1;
  yajl_gen_map_open(g);
  scan_json_string(g, "baseline");
  scan_json_string(g, opts->baseline);
  scan_json_string(g, "entries");
  yajl_gen_array_open(g);
  int status = 0;
  size_t counts[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < b->count && status == 0; i++) {
    const struct baseline_entry *e = &b->items[i];
    const struct scan_finding *f = current(list, e);
    char *path = path_escape(e->path);
    if (!path) {
      status = -1;
      break;
    }
    yajl_gen_map_open(g);
    scan_json_string(g, "path");
    scan_json_string(g, path);
    scan_json_string(g, "line");
    yajl_gen_integer(g, (long long)(f ? f->line : e->line));
    scan_json_string(g, "rule");
    scan_json_string(g, e->rule);
    scan_json_string(g, "fingerprint");
    scan_json_string(g, e->fingerprint);
    scan_json_string(g, "audit");
    scan_json_string(g, e->audit ? e->audit : "unreviewed");
    scan_json_string(g, "found");
    yajl_gen_bool(g, f != NULL);
    if (f) {
      scan_json_string(g, "preview");
      scan_json_string(g, f->preview);
    }
    yajl_gen_map_close(g);
    free(path);
    counts[!e->audit ? 0 : strcmp(e->audit, BASELINE_AUDIT_SECRET) == 0 ? 1 : 2]++;
    counts[3] += f == NULL;
  }
  yajl_gen_array_close(g);
  scan_json_string(g, "summary");
  yajl_gen_map_open(g);
  scan_json_string(g, "entries");
  yajl_gen_integer(g, (long long)b->count);
  scan_json_string(g, "unreviewed");
  yajl_gen_integer(g, (long long)counts[0]);
  scan_json_string(g, "secret");
  yajl_gen_integer(g, (long long)counts[1]);
  scan_json_string(g, "allowed");
  yajl_gen_integer(g, (long long)counts[2]);
  scan_json_string(g, "not_found");
  yajl_gen_integer(g, (long long)counts[3]);
  yajl_gen_map_close(g);
  if (yajl_gen_map_close(g) != yajl_gen_status_ok)
    status = -1;
  if (status == 0)
    status = scan_json_write(g, out);
  yajl_gen_free(g);
  return fflush(out) == 0 && !ferror(out) ? status : -1;
}

/* One answer from the terminal: the first non-blank character of a line,
 * lower-cased; 'q' at the end of input. */
static int ask(FILE *in)
{
  char line[64];
  if (!fgets(line, sizeof line, in))
    return 'q';
  const char *p = line + strspn(line, " \t");
  int c = *p == '\n' || *p == '\0' ? '\n' : *p | 0x20;
  while (!strchr(line, '\n') && fgets(line, sizeof line, in))
    ; /* the rest of a long line */
  return c;
}

static int audit_interactive(const struct scan_options *opts, struct baseline *b,
                             const struct scan_findings *list, const char *kind)
{
  struct ui_style st;
  ui_style_init(&st, ui_color(opts->color, STDERR_FILENO));
  FILE *term = stderr;
  size_t changed = 0, removed = 0;
  int *drop = calloc(b->count ? b->count : 1, sizeof *drop);
  if (!drop)
    return SCAN_EXIT_ERROR;
  fprintf(term,
          "Auditing %zu baseline entr%s of %s.  For each: k keep (a real secret, to rotate), "
          "a allow (not a secret), r remove (report it again), s skip, q quit.\n",
          b->count, b->count == 1 ? "y" : "ies", opts->baseline);
  int quit = 0;
  for (size_t i = 0; i < b->count && !quit; i++) {
    struct baseline_entry *e = &b->items[i];
    const struct scan_finding *f = current(list, e);
    char *path = path_escape(e->path);
    fprintf(term, "\n[%zu/%zu] %s%s%s:%s%lu%s  %s%s%s  (%s)\n", i + 1, b->count, st.path,
            path ? path : "?", st.reset, st.pos, f ? f->line : e->line, st.reset, st.rule,
            e->rule, st.reset, e->audit ? e->audit : "unreviewed");
    free(path);
    if (f)
      fprintf(term, "    %s\n", f->preview);
    else
      fprintf(term, "    %s(no longer found by this scan: r removes it)%s\n", st.dim, st.reset);
    for (;;) {
      fputs("keep, allow, remove, skip, quit? [k/a/r/s/q] ", term);
      fflush(term);
      int c = ask(stdin);
      if (c == 'k' || c == 'a') {
        const char *verdict = c == 'k' ? BASELINE_AUDIT_SECRET : BASELINE_AUDIT_ALLOWED;
        if (e->audit != verdict)
          changed++;
        e->audit = verdict;
      } else if (c == 'r') {
        drop[i] = 1;
        removed++;
      } else if (c == 'q') {
        quit = 1;
      } else if (c != 's' && c != '\n') {
        continue;
      }
      break;
    }
  }
  int status = SCAN_EXIT_CLEAN;
  if (changed + removed > 0) {
    size_t w = 0;
    for (size_t i = 0; i < b->count; i++) {
      if (drop[i]) {
        free(b->items[i].path);
        free(b->items[i].rule);
      } else {
        b->items[w++] = b->items[i];
      }
    }
    b->count = w;
    if (baseline_write_entries(opts->baseline, kind, b) < 0)
      status = SCAN_EXIT_ERROR;
  }
  free(drop);
  fprintf(term, "\nlogmask scan: baseline %s: %zu verdict%s changed, %zu entr%s removed%s\n",
          opts->baseline, changed, changed == 1 ? "" : "s", removed, removed == 1 ? "y" : "ies",
          changed + removed ? "" : " (file unchanged)");
  return status;
}

int scan_audit(const struct scan_options *opts, struct baseline *b,
               struct scan_findings *list, const struct scan_summary *sum)
{
  if (opts->report == SCAN_REPORT_JSON) {
    FILE *out = stdout;
    if (opts->output && strcmp(opts->output, "-") != 0 && !(out = fopen(opts->output, "we"))) {
      fprintf(stderr, "logmask scan: %s: %m\n", opts->output);
      return SCAN_EXIT_ERROR;
    }
    int rc = audit_json(out, opts, b, list);
    if (out != stdout && fclose(out) != 0)
      rc = -1;
    if (rc < 0) {
      fputs("logmask scan: could not write the audit listing\n", stderr);
      return SCAN_EXIT_ERROR;
    }
    return sum->errors ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;
  }
  if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
    fputs("logmask scan: --audit-baseline asks on a terminal; use --json for a listing\n",
          stderr);
    return CLI_EXIT_USAGE;
  }
  if (sum->errors)
    fprintf(stderr, "logmask scan: %zu input%s could not be read: entries there show as not "
            "found\n", sum->errors, sum->errors == 1 ? "" : "s");
  return audit_interactive(opts, b, list, sum->fingerprint_kind);
}
