/* SPDX-License-Identifier: Apache-2.0 */
/* `logmask scan`: build the rule set as the filter does, read the inputs
 * (files and trees, git history, the index, standard input), collect
 * findings, apply or update the baseline, report.  See scan.h. */
#include <config.h>

#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "logmask.h"
#include "rules.h"
#include "scan_audit.h"
#include "scan_file.h"
#include "scan_findings.h"
#include "scan_history.h"
#include "scan_options.h"
#include "scan_report.h"
#include "scan_rulemeta.h"
#include "scan_ui.h"
#include "scan_walk.h"

/* The walk's visitor wraps the scanner's to count files for the progress
 * line. */
struct visit_ctx {
  struct scanner *sc;
  struct ui_progress *progress;
};

static int visit_file(void *ctx, const char *open_path, const char *report_path)
{
  struct visit_ctx *v = ctx;
  ui_progress_file(v->progress);
  return scanner_file(v->sc, open_path, report_path);
}

/* Reads the PATHs (files mode).  Returns 0, or -1 when out of memory. */
static int read_paths(const struct scan_options *opts, struct scanner *sc,
                      struct ui_progress *progress, struct scan_summary *sum)
{
  struct visit_ctx v = {sc, progress};
  struct scan_walk walk = {
    .excludes = opts->excludes.items,
    .exclude_count = opts->excludes.count,
    .default_excludes = opts->default_excludes,
    .use_git = 1,
    .untracked = opts->all_files,
    .gitignore = opts->gitignore,
    .visit = visit_file,
    .ctx = &v,
  };
  int status = 0, stdin_read = 0;
  for (size_t i = 0; i < opts->path_count && status == 0; i++) {
    if (strcmp(opts->paths[i], "-") == 0) {
      if (stdin_read++) {
        fputs("logmask scan: '-' given twice; standard input is read once\n", stderr);
        walk.errors++;
        continue;
      }
      walk.files++;
      ui_progress_file(progress);
      if (scanner_stdin(sc, opts->stdin_name) < 0)
        walk.errors++;
      continue;
    }
    if (walk_path(&walk, opts->paths[i]) < 0)
      status = -1;
  }
  sum->files = walk.files;
  sum->excluded = walk.excluded;
  sum->ignored = walk.ignored;
  sum->errors += walk.errors;
  return status;
}

static int history_excluded(void *ctx, const char *path)
{
  return walk_filter_excluded(ctx, path);
}

/* --git and --staged, with the walk's excludes.  Returns 0, or -1 when
 * out of memory. */
static int read_history(const struct scan_options *opts, struct scanner *sc,
                        struct scan_summary *sum)
{
  struct scan_walk walk = {
    .excludes = opts->excludes.items,
    .exclude_count = opts->excludes.count,
    .default_excludes = opts->default_excludes,
  };
  struct walk_filter *filter = walk_filter_new(&walk);
  if (!filter) {
    fputs("logmask scan: out of memory\n", stderr);
    return -1;
  }
  if (scan_history(sc, opts->mode == SCAN_MODE_STAGED, opts->paths, opts->path_count,
                   opts->pathspecs, opts->pathspec_count, history_excluded, filter,
                   &sum->commits) < 0)
    sum->errors++;
  walk_filter_free(filter);
  sum->excluded = walk.excluded;
  sum->errors += walk.errors;
  return 0;
}

/* Entries of paths this run did not read are kept by --update-baseline:
 * an entry is replaced when its path lies under a PATH this run walked. */
struct keep_ctx {
  const struct scan_options *opts;
};

static int under(const char *path, const char *root)
{
  size_t n = walk_root_name(root, &root);
  return n == 0 || (strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

static int keep_unscanned(void *ctx, const struct baseline_entry *e)
{
  const struct keep_ctx *k = ctx;
  if (k->opts->mode != SCAN_MODE_FILES)
    return 1; /* history and the index never show the whole tree */
  for (size_t i = 0; i < k->opts->path_count; i++) {
    const char *p = k->opts->paths[i];
    if (strcmp(p, "-") == 0 ? strcmp(e->path, k->opts->stdin_name) == 0 : under(e->path, p))
      return 0;
  }
  return 1;
}

/* Writes the baseline, unless some input could not be read: a baseline
 * that forgot that path's findings would be wrong, and the old one is
 * better. */
static int update_baseline(const struct scan_options *opts, const struct scan_findings *list,
                           const struct baseline *old, const struct scan_summary *sum)
{
  if (sum->errors > 0) {
    fprintf(stderr, "logmask scan: baseline %s not updated: %zu input%s could not be read\n",
            opts->baseline, sum->errors, sum->errors == 1 ? "" : "s");
    return SCAN_EXIT_ERROR;
  }
  struct keep_ctx k = {opts};
  if (baseline_write(opts->baseline, sum->fingerprint_kind, list, old, keep_unscanned, &k) < 0)
    return SCAN_EXIT_ERROR;
  size_t kept = 0;
  for (size_t i = 0; i < old->count; i++)
    kept += (size_t)keep_unscanned(&k, &old->items[i]);
  fprintf(stderr, "logmask scan: baseline %s: %zu finding%s of this run, %zu entr%s of other "
          "paths kept\n",
          opts->baseline, list->count, list->count == 1 ? "" : "s", kept,
          kept == 1 ? "y" : "ies");
  return SCAN_EXIT_CLEAN;
}

static FILE *open_output(const struct scan_options *opts)
{
  if (!opts->output || strcmp(opts->output, "-") == 0)
    return stdout;
  FILE *f = fopen(opts->output, "we");
  if (!f)
    fprintf(stderr, "logmask scan: %s: %m\n", opts->output);
  return f;
}

static int report(const struct scan_options *opts, const struct scan_findings *list,
                  const struct scan_summary *sum)
{
  FILE *out = open_output(opts);
  if (!out)
    return SCAN_EXIT_ERROR;
  struct ui_style style, err_style;
  int color_out = opts->report == SCAN_REPORT_TEXT && out == stdout &&
                  ui_color(opts->color, STDOUT_FILENO);
  ui_style_init(&style, color_out);
  ui_style_init(&err_style, ui_color(opts->color, STDERR_FILENO));
  int status = SCAN_EXIT_CLEAN;
  if (scan_report(out, opts->report, list, sum, &style) < 0) {
    fputs("logmask scan: could not write the report\n", stderr);
    status = SCAN_EXIT_ERROR;
  }
  if (out != stdout && fclose(out) != 0) {
    fprintf(stderr, "logmask scan: %s: %m\n", opts->output);
    status = SCAN_EXIT_ERROR;
  }
  if (opts->stats)
    scan_stats(stderr, list, &err_style);
  scan_summary_line(stderr, sum, &err_style);
  return status;
}

static int scan_with(const struct scan_options *opts, const lm_ruleset *set)
{
  struct scan_findings list = {0};
  struct scanner sc;
  if (scanner_init(&sc, set, opts, &list) < 0)
    return SCAN_EXIT_ERROR;
  struct scan_summary sum = {
    .mode = opts->mode,
    .fingerprint_kind = scanner_fingerprint_kind(&sc),
    .baseline_file = opts->baseline,
  };
  struct baseline accepted = {0};
  if (opts->baseline &&
      baseline_load(opts->baseline, sum.fingerprint_kind, opts->update_baseline, &accepted) < 0) {
    scanner_free(&sc);
    return SCAN_EXIT_ERROR;
  }
  struct ui_progress progress;
  ui_progress_init(&progress, opts->progress, &list.count);
  sc.tick = ui_progress_tick;
  sc.tick_ctx = &progress;

  int status = SCAN_EXIT_CLEAN, failed = 0;
  if (opts->mode == SCAN_MODE_GIT || opts->mode == SCAN_MODE_STAGED) {
    if (read_history(opts, &sc, &sum) < 0)
      failed = 1;
  } else if (read_paths(opts, &sc, &progress, &sum) < 0) {
    failed = 1; /* out of memory: reported, nothing to trust */
  }
  ui_progress_end(&progress);
  sum.errors += sc.errors;
  sum.binary = sc.binary;
  sum.lines = sc.lines;
  sum.long_lines = sc.long_lines;
  if (failed) {
    status = SCAN_EXIT_ERROR;
  } else if (opts->mode == SCAN_MODE_AUDIT) {
    status = scan_audit(opts, &accepted, &list, &sum);
  } else {
    baseline_apply(&accepted, &list);
    sum.found = findings_count(&list, SCAN_NEW);
    sum.baseline = findings_count(&list, SCAN_BASELINE);
    sum.allowed = findings_count(&list, SCAN_INLINE);
    if (opts->update_baseline) {
      status = update_baseline(opts, &list, &accepted, &sum);
    } else {
      status = report(opts, &list, &sum);
      if (status == SCAN_EXIT_CLEAN)
        status = sum.errors > 0 ? SCAN_EXIT_ERROR
                                : sum.found > 0 ? SCAN_EXIT_FOUND : SCAN_EXIT_CLEAN;
    }
  }
  baseline_free(&accepted);
  findings_free(&list);
  scanner_free(&sc);
  return status;
}

/* --list-rules: what SARIF says about each enabled rule. */
static int list_rules(const lm_ruleset *set)
{
  size_t n = lm_ruleset_rule_count(set);
  for (size_t i = 0; i < n; i++) {
    const char *id = lm_ruleset_rule_id(set, i);
    const struct rule_meta *meta = rule_meta_find(id ? id : "");
    printf("%-36s %4s  ", id ? id : "", meta->severity);
    for (size_t t = 0; meta->tags[t]; t++)
      printf("%s%s", t ? "," : "", meta->tags[t]);
    printf("  %s\n", meta->help_uri);
  }
  return fflush(stdout) == 0 && !ferror(stdout) ? SCAN_EXIT_CLEAN : SCAN_EXIT_ERROR;
}

int scan_main(int argc, char **argv)
{
  struct scan_options opts;
  int status = scan_parse(argc, argv, &opts);
  if (status >= 0) {
    scan_options_free(&opts);
    return status;
  }
  lm_ruleset *set = rules_build(&opts.rules);
  if (set && opts.list_rules)
    status = list_rules(set);
  else
    status = set ? scan_with(&opts, set) : SCAN_EXIT_ERROR;
  lm_ruleset_free(set);
  scan_options_free(&opts);
  return status;
}
