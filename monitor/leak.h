/* SPDX-License-Identifier: Apache-2.0 */
/* leak.h - leak detection in log lines through liblogmask: the rule
 * library plus every guarded secret as a known literal. */
#ifndef MONITOR_LEAK_H
#define MONITOR_LEAK_H

#include "alert.h"
#include "conf.h"
#include "sources.h"
#include "logmask.h"

typedef struct leak_literal {
  char *name;
  char *source;
} leak_literal;

typedef struct leak_detector {
  lm_ruleset *set;
  leak_literal *lits;     /* by literal index of the set */
  size_t n_lits, lits_cap;
  size_t n_undetectable;  /* secrets too short to be a literal */
} leak_detector;

/* Builds and compiles the rule set.  Values are copied into the library
 * (which wipes them on free); the caller wipes its own copies. */
int leak_build(const config *cfg, const secret_set *secrets, leak_detector *out, char **err);
void leak_free(leak_detector *d);

/* Scans one line (or a window of one) with `finder` (a masker of d->set)
 * and appends one `leaked` alert per distinct secret or rule found that
 * out->v[same_line_from..] does not hold yet (the alerts of earlier
 * windows of the same line). */
int leak_scan(const leak_detector *d, lm_masker *finder, const char *log, unsigned long line,
              const char *text, size_t len, size_t same_line_from, alert_list *out);

#endif
