/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline of `logmask scan`: findings accepted once, matched by path,
 * rule and fingerprint (never by line, so edits above a finding keep it
 * accepted), kept as JSON in a stable sorted order with no secret text.
 * Each entry also records the line it was last seen on and, once audited,
 * the verdict, for the people who review it. */
#ifndef LOGMASK_BASELINE_H
#define LOGMASK_BASELINE_H

#include <stddef.h>

#include "scan_findings.h"

#define BASELINE_VERSION 1

/* Audit verdicts (--audit-baseline). */
#define BASELINE_AUDIT_SECRET "secret"   /* kept: a real secret, to rotate */
#define BASELINE_AUDIT_ALLOWED "allowed" /* kept: not a secret */

struct baseline_entry {
  char *path;            /* exact bytes (the file holds path_escape of it) */
  char *rule;
  char fingerprint[SCAN_FP_HEX + 1];
  unsigned long line;    /* where it was last seen; 0 when unknown */
  const char *audit;     /* a BASELINE_AUDIT_* string, or NULL */
  size_t order;          /* baseline_write: the order gathered in, for ties */
};

struct baseline {
  struct baseline_entry *items; /* sorted by path, rule, fingerprint */
  size_t count;
};

/* Reads `file`, whose fingerprints must be of kind `kind` ("sha256" or
 * "hmac-sha256": a baseline made with another key setting would match
 * nothing).  A missing file is an error unless `missing_ok` (then the
 * baseline is empty).  Returns 0, or -1 after reporting. */
int baseline_load(const char *file, const char *kind, int missing_ok, struct baseline *b);
void baseline_free(struct baseline *b);

/* Marks every finding of `list` the baseline accepts as suppressed
 * (SCAN_BASELINE; inline-allowed ones stay SCAN_INLINE) and copies the
 * entry's verdict to it. */
void baseline_apply(const struct baseline *b, struct scan_findings *list);

/* Writes `list`'s findings (each path, rule and fingerprint once, with the
 * first line it is on and the verdict an old entry gave it) plus the
 * entries of `keep` that `keep_entry` keeps (may be NULL: none) to `file`
 * atomically: a temporary file in the same directory, then rename(2).
 * Returns 0, or -1 after reporting. */
typedef int (*baseline_keep_fn)(void *ctx, const struct baseline_entry *e);
int baseline_write(const char *file, const char *kind, const struct scan_findings *list,
                   const struct baseline *keep, baseline_keep_fn keep_entry, void *ctx);

/* Writes the entries of `b` alone (after an audit). */
int baseline_write_entries(const char *file, const char *kind, const struct baseline *b);

#endif
