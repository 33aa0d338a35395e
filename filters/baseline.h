/* The baseline of `logmask scan`: findings accepted once, by path, rule and
 * fingerprint (never by line, so edits above a finding keep it accepted),
 * kept as JSON in a stable sorted order with no secret text. */
#ifndef LOGMASK_BASELINE_H
#define LOGMASK_BASELINE_H

#include <stddef.h>

#include "scan_findings.h"

#define BASELINE_VERSION 1

struct baseline_entry {
  char *path;
  char *rule;
  char fingerprint[SCAN_FP_HEX + 1];
};

struct baseline {
  struct baseline_entry *items; /* sorted by path, rule, fingerprint */
  size_t count;
};

/* Reads `file`, whose fingerprints must be of kind `kind` ("sha256" or
 * "hmac-sha256": a baseline made with another key setting would match
 * nothing).  Returns 0, or -1 after reporting. */
int baseline_load(const char *file, const char *kind, struct baseline *b);
void baseline_free(struct baseline *b);

/* Marks every finding of `list` the baseline accepts as suppressed. */
void baseline_apply(const struct baseline *b, struct scan_findings *list);

/* Writes every finding of `list` (each path, rule and fingerprint once) to
 * `file` atomically: a temporary file in the same directory, then
 * rename(2).  Returns 0, or -1 after reporting. */
int baseline_write(const char *file, const char *kind, const struct scan_findings *list);

#endif
