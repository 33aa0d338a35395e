/* Command-line options of `logmask scan`.  The rule-set options are the
 * filter's own (struct cli_options, built by rules_build); the rest say
 * what to walk and how to report. */
#ifndef LOGMASK_SCAN_OPTIONS_H
#define LOGMASK_SCAN_OPTIONS_H

#include <stddef.h>

#include "options.h"

enum scan_format { SCAN_FORMAT_TEXT, SCAN_FORMAT_JSON, SCAN_FORMAT_SARIF };

struct scan_options {
  struct cli_options rules;   /* only the rule-set fields are used */
  enum scan_format format;
  struct cli_list excludes;   /* --exclude globs, in order */
  int default_excludes;       /* 0 after --no-default-excludes */
  const char *baseline;       /* --baseline FILE or NULL */
  int update_baseline;
  const char **paths;         /* PATH arguments; "." when none */
  size_t path_count;
};

/* Parses `logmask scan` arguments (argv[0] is the command name).  Returns
 * -1 to go on, or an exit status after --help or a reported usage error. */
int scan_parse(int argc, char **argv, struct scan_options *opts);

void scan_options_free(struct scan_options *opts);

#endif
