/* SPDX-License-Identifier: Apache-2.0 */
/* What logmask prints besides the masked lines: the rule list, the inline
 * test summary and the counters. */
#ifndef LOGMASK_REPORT_H
#define LOGMASK_REPORT_H

#include <stdio.h>

#include "logmask.h"

/* --list-rules: one enabled rule a line (id, origin, description), then the
 * known literals by name.  Returns 0, or -1 when `out` failed. */
int report_rules(FILE *out, const lm_ruleset *set);

/* --test-rules: runs the inline tests (failures reach the diag callback)
 * and prints "N tests run, N failed".  Returns an exit status. */
int report_rule_tests(FILE *out, const lm_ruleset *set);

/* --stats: a table of per-rule counters (rules that never ran are counted,
 * not listed) and the totals. */
void report_stats_text(FILE *out, const lm_ruleset *set, const lm_masker *m);
/* --stats=json: the library's JSON.  Returns 0, or -1 after reporting. */
int report_stats_json(FILE *out, const lm_masker *m);

#endif
