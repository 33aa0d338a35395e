/* What `logmask scan` found: one record per secret, never the secret. */
#ifndef LOGMASK_SCAN_FINDINGS_H
#define LOGMASK_SCAN_FINDINGS_H

#include <stddef.h>

/* Hex digits of a fingerprint: the first 16 bytes of HMAC-SHA256(key,
 * secret), or of SHA-256(secret) without a key. */
#define SCAN_FP_HEX 32

struct scan_finding {
  char *path;             /* as reported: relative to the walk's start */
  unsigned long line;     /* 1-based */
  size_t column;          /* 1-based byte column of the first secret byte */
  size_t end_column;      /* 1-based byte column just after the secret */
  size_t char_column;     /* the same two counted in characters (UTF-8 lead */
  size_t char_end_column; /* bytes), for SARIF's unicodeCodePoints */
  char *rule;             /* rule id, "literal:NAME" or "match-limit" */
  char *description;      /* the rule's description, or NULL */
  char *preview;          /* the masked line around the finding, sanitised */
  char fingerprint[SCAN_FP_HEX + 1];
  int suppressed;         /* accepted by the baseline */
};

struct scan_findings {
  struct scan_finding *items;
  size_t count, cap;
};

/* A new zeroed record at the end of the list, or NULL when out of memory. */
struct scan_finding *findings_push(struct scan_findings *list);
/* Frees the strings of every record and the array. */
void findings_free(struct scan_findings *list);
/* Number of records not suppressed by the baseline. */
size_t findings_new_count(const struct scan_findings *list);

#endif
