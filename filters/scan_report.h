/* The reports of `logmask scan`: text lines, JSON, SARIF 2.1.0.  Only the
 * findings the baseline does not accept are reported. */
#ifndef LOGMASK_SCAN_REPORT_H
#define LOGMASK_SCAN_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "scan_findings.h"
#include "scan_options.h"

struct scan_summary {
  size_t files;       /* files read */
  size_t binary;      /* skipped as binary or gzip */
  size_t excluded;    /* files and directories skipped by a glob */
  size_t errors;      /* paths that could not be read */
  size_t found;       /* new findings */
  size_t suppressed;  /* findings the baseline accepts */
  const char *fingerprint_kind;
};

/* Writes the report on `out`.  Returns 0, or -1 when writing failed or
 * memory ran out (not reported). */
int scan_report(FILE *out, enum scan_format format, const struct scan_findings *list,
                const struct scan_summary *summary);

#endif
