/* SPDX-License-Identifier: Apache-2.0 */
/* `logmask scan --audit-baseline`: walk the baseline's entries with what
 * a scan of the PATHs finds now. */
#ifndef LOGMASK_SCAN_AUDIT_H
#define LOGMASK_SCAN_AUDIT_H

#include "baseline.h"
#include "scan_findings.h"
#include "scan_options.h"
#include "scan_report.h"

/* With --json (or --report-format=json): lists every entry (path, line,
 * rule, fingerprint, verdict, whether the scan still finds it, its
 * preview) on the output and changes nothing.  Otherwise, on a terminal,
 * asks for each entry: keep (a real secret, to rotate), allow (not a
 * secret), remove, skip or quit, and writes the baseline when something
 * changed.  Without a terminal and without --json it is a usage error.
 * Returns the exit status. */
int scan_audit(const struct scan_options *opts, struct baseline *b,
               struct scan_findings *list, const struct scan_summary *sum);

#endif
