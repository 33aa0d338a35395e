/* SPDX-License-Identifier: Apache-2.0 */
/* What `logmask scan` found: one record per secret, never the secret. */
#ifndef LOGMASK_SCAN_FINDINGS_H
#define LOGMASK_SCAN_FINDINGS_H

#include <stddef.h>

/* Hex digits of a fingerprint: the first 16 bytes of HMAC-SHA256(key,
 * secret), or of SHA-256(secret) without a key. */
#define SCAN_FP_HEX 32
/* A commit id in hex (SHA-1; SHA-256 repositories have 64). */
#define SCAN_COMMIT_MAX 64

/* Why a finding is not new. */
enum scan_suppression {
  SCAN_NEW = 0,
  SCAN_BASELINE, /* the baseline accepts it */
  SCAN_INLINE    /* its line carries an allow marker (LM_FIND_ALLOWED) */
};

struct scan_finding {
  char *path;             /* the exact path bytes (never NUL), relative to
                             the walk's start or the repository's top */
  unsigned long line;     /* 1-based */
  size_t column;          /* 1-based byte column of the first secret byte */
  size_t end_column;      /* 1-based byte column just after the secret */
  size_t char_column;     /* the same two counted in characters (UTF-8 lead */
  size_t char_end_column; /* bytes), for SARIF's unicodeCodePoints */
  char *rule;             /* rule id, "literal:NAME" or "match-limit" */
  char *label;            /* what its mask names: the rule id or literal name */
  char *description;      /* the rule's description, or NULL */
  char *preview;          /* the masked line around the finding, sanitised */
  char fingerprint[SCAN_FP_HEX + 1];
  char commit[SCAN_COMMIT_MAX + 1]; /* --git: the commit that added the line */
  char *date;             /* --git: its author date (ISO 8601), else NULL */
  enum scan_suppression suppressed;
  const char *audit;      /* baseline entries: the audit verdict, or NULL */
};

struct scan_findings {
  struct scan_finding *items;
  size_t count, cap;
};

/* A new zeroed record at the end of the list, or NULL when out of memory. */
struct scan_finding *findings_push(struct scan_findings *list);
/* Frees the strings of every record and the array. */
void findings_free(struct scan_findings *list);
/* Number of records with suppression `kind`. */
size_t findings_count(const struct scan_findings *list, enum scan_suppression kind);

#endif
