/* Finding the secrets of one file for `logmask scan`: spans from
 * lm_masker_find, previews from lm_masker_line, fingerprints with OpenSSL. */
#ifndef LOGMASK_SCAN_FILE_H
#define LOGMASK_SCAN_FILE_H

#include <stddef.h>

#include "logmask.h"
#include "scan_findings.h"

struct scanner {
  const lm_ruleset *set;
  lm_masker *finder;      /* lm_masker_find: where the secrets are */
  int keyed;              /* fingerprints are HMAC-SHA256 (else SHA-256) */
  lm_finding *found;
  size_t found_cap;
  struct scan_findings *out;
  size_t binary;          /* files skipped as binary (or gzip) */
};

/* Prepares a scanner over a compiled set (previews show each finding as
 * "[REDACTED:LABEL]", whatever the set's style); the set's hash key, if it
 * has one, keys the fingerprints.  Returns 0, or -1 after reporting. */
int scanner_init(struct scanner *sc, const lm_ruleset *set, struct scan_findings *out);
/* Frees the maskers and the findings buffer. */
void scanner_free(struct scanner *sc);

/* "hmac-sha256" or "sha256": how fingerprints are made. */
const char *scanner_fingerprint_kind(const struct scanner *sc);

/* A walk_visit_fn (ctx is the scanner): appends the findings of one file. */
int scanner_file(void *ctx, const char *open_path, const char *report_path);

#endif
