/* SPDX-License-Identifier: Apache-2.0 */
/* The reports of `logmask scan`: text lines, JSON, SARIF 2.1.0, and the
 * summary line. */
#ifndef LOGMASK_SCAN_REPORT_H
#define LOGMASK_SCAN_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "scan_findings.h"
#include "scan_options.h"
#include "scan_ui.h"

struct scan_summary {
  enum scan_mode mode;
  size_t files;       /* files read */
  size_t commits;     /* --git: commits read */
  size_t lines;       /* lines (added lines for --git and --staged) read */
  size_t long_lines;  /* lines over --max-line, read in windows */
  size_t binary;      /* skipped as binary or gzip */
  size_t excluded;    /* files and directories skipped by a glob */
  size_t ignored;     /* skipped by .gitignore in a walk */
  size_t errors;      /* paths or git runs that failed */
  size_t found;       /* new findings */
  size_t baseline;    /* findings the baseline accepts */
  size_t allowed;     /* findings allowed by a marker on their line */
  const char *fingerprint_kind;
  const char *baseline_file;
};

/* Writes the report on `out` (colour from `style`, text only).  Returns 0,
 * or -1 when writing failed or memory ran out (not reported). */
int scan_report(FILE *out, enum scan_report_format format, const struct scan_findings *list,
                const struct scan_summary *summary, const struct ui_style *style);

/* The one summary line, on `out` (stderr). */
void scan_summary_line(FILE *out, const struct scan_summary *s, const struct ui_style *style);

/* --stats: findings per rule (new, baseline, inline) and every finding
 * allowed inline, on `out`. */
void scan_stats(FILE *out, const struct scan_findings *list, const struct ui_style *style);

#endif
