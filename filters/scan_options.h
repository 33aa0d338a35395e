/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of `logmask scan`.  The rule-set options are the
 * filter's own (struct cli_options, built by rules_build); the rest say
 * what to read and how to report. */
#ifndef LOGMASK_SCAN_OPTIONS_H
#define LOGMASK_SCAN_OPTIONS_H

#include <stddef.h>

#include "options.h"

enum scan_report_format { SCAN_REPORT_TEXT, SCAN_REPORT_JSON, SCAN_REPORT_SARIF };

/* What the PATHs name. */
enum scan_mode {
  SCAN_MODE_FILES,  /* files and trees (git-tracked files inside a work tree) */
  SCAN_MODE_GIT,    /* --git: added lines of commits */
  SCAN_MODE_STAGED, /* --staged: added lines of the index against HEAD */
  SCAN_MODE_AUDIT   /* --audit-baseline: walk the baseline's entries */
};

/* How lines are read: code (source and config: values that are code are
 * not secrets, allow markers count) or log (exactly as the filter masks). */
enum scan_input { SCAN_INPUT_AUTO, SCAN_INPUT_CODE, SCAN_INPUT_LOG };

enum scan_color { SCAN_COLOR_AUTO, SCAN_COLOR_ALWAYS, SCAN_COLOR_NEVER };

struct scan_options {
  struct cli_options rules;   /* the rule-set fields, format and max_line */
  enum scan_mode mode;
  enum scan_input input;
  enum scan_report_format report;
  const char *output;         /* -o FILE, or NULL for stdout */
  struct cli_list excludes;   /* --exclude globs, in order */
  int default_excludes;       /* 0 after --no-default-excludes */
  int all_files;              /* --all-files: not only git-tracked files */
  int gitignore;              /* 0 after --no-gitignore */
  const char *stdin_name;     /* --stdin-name, "(standard input)" by default */
  const char *baseline;       /* --baseline FILE or NULL */
  int update_baseline;
  enum scan_color color;
  int stats;                  /* --stats */
  int list_rules;             /* --list-rules */
  int progress;               /* -1 auto (a terminal), 0 --no-progress */
  const char **paths;         /* PATH arguments ("." when none); for --git
                                 the revision arguments before "--" */
  size_t path_count;
  const char **pathspecs;     /* --git/--staged: the paths after "--" */
  size_t pathspec_count;
};

/* Parses `logmask scan` arguments (argv[0] is the command name).  Returns
 * -1 to go on, or an exit status after --help, --version or a reported
 * usage error. */
int scan_parse(int argc, char **argv, struct scan_options *opts);

void scan_options_free(struct scan_options *opts);

#endif
