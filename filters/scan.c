/* `logmask scan`: build the rule set as the filter does, walk the PATHs,
 * collect findings, apply or update the baseline, report.  See scan.h. */
#include <config.h>

#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "logmask.h"
#include "rules.h"
#include "scan_file.h"
#include "scan_findings.h"
#include "scan_options.h"
#include "scan_report.h"
#include "scan_walk.h"

static int walk_all(const struct scan_options *opts, struct scanner *sc,
                    struct scan_walk *walk)
{
  walk->excludes = opts->excludes.items;
  walk->exclude_count = opts->excludes.count;
  walk->default_excludes = opts->default_excludes;
  walk->visit = scanner_file;
  walk->ctx = sc;
  for (size_t i = 0; i < opts->path_count; i++)
    if (walk_path(walk, opts->paths[i]) < 0)
      return -1;
  return 0;
}

static void summarise(const struct scan_summary *s)
{
  fprintf(stderr,
          "logmask scan: %zu new finding%s (%zu accepted by the baseline) in %zu "
          "file%s; %zu binary skipped, %zu excluded, %zu error%s\n",
          s->found, s->found == 1 ? "" : "s", s->suppressed, s->files,
          s->files == 1 ? "" : "s", s->binary, s->excluded, s->errors,
          s->errors == 1 ? "" : "s");
}

/* Writes the baseline, unless some path could not be read: a baseline
 * that forgot that path's findings would hide nothing, but it would be
 * wrong, and the old one is better. */
static int update_baseline(const struct scan_options *opts, const struct scan_findings *list,
                           const struct scan_summary *sum)
{
  if (sum->errors > 0) {
    fprintf(stderr, "logmask scan: baseline %s not updated: %zu path%s could not be read\n",
            opts->baseline, sum->errors, sum->errors == 1 ? "" : "s");
    return SCAN_EXIT_ERROR;
  }
  if (baseline_write(opts->baseline, sum->fingerprint_kind, list) < 0)
    return SCAN_EXIT_ERROR;
  fprintf(stderr, "logmask scan: baseline %s: %zu finding%s accepted\n", opts->baseline,
          list->count, list->count == 1 ? "" : "s");
  return SCAN_EXIT_CLEAN;
}

static int scan_with(const struct scan_options *opts, const lm_ruleset *set)
{
  struct scan_findings list = {0};
  struct scanner sc;
  if (scanner_init(&sc, set, &list) < 0)
    return SCAN_EXIT_ERROR;
  struct scan_summary sum = {.fingerprint_kind = scanner_fingerprint_kind(&sc)};
  struct baseline accepted = {0};
  if (opts->baseline && !opts->update_baseline &&
      baseline_load(opts->baseline, sum.fingerprint_kind, &accepted) < 0) {
    scanner_free(&sc);
    return SCAN_EXIT_ERROR;
  }

  int status = SCAN_EXIT_CLEAN;
  struct scan_walk walk = {0};
  if (walk_all(opts, &sc, &walk) < 0) {
    status = SCAN_EXIT_ERROR; /* out of memory: reported, nothing to trust */
  } else {
    baseline_apply(&accepted, &list);
    sum.files = walk.files;
    sum.binary = sc.binary;
    sum.excluded = walk.excluded;
    sum.errors = walk.errors;
    sum.found = findings_new_count(&list);
    sum.suppressed = list.count - sum.found;
    if (opts->update_baseline) {
      status = update_baseline(opts, &list, &sum);
    } else {
      if (scan_report(stdout, opts->format, &list, &sum) < 0) {
        fputs("logmask scan: could not write the report\n", stderr);
        status = SCAN_EXIT_ERROR;
      }
      summarise(&sum);
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

int scan_main(int argc, char **argv)
{
  struct scan_options opts;
  int status = scan_parse(argc, argv, &opts);
  if (status >= 0) {
    scan_options_free(&opts);
    return status;
  }
  lm_ruleset *set = rules_build(&opts.rules);
  status = set ? scan_with(&opts, set) : SCAN_EXIT_ERROR;
  lm_ruleset_free(set);
  scan_options_free(&opts);
  return status;
}
