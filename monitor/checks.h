/* SPDX-License-Identifier: Apache-2.0 */
/* checks.h - compares the secrets as they are now with the baseline and
 * judges them: changed, missing, added, permissions, weak, duplicate,
 * unreadable.  Linear in the number of secrets (hash indexes). */
#ifndef MONITOR_CHECKS_H
#define MONITOR_CHECKS_H

#include "alert.h"
#include "baseline.h"
#include "conf.h"
#include "fingerprint.h"
#include "sources.h"

#include <sys/stat.h>

/* Fingerprint of every secret of `set`, in order (malloc'd array of
 * set->n strings of FP_HEX_LEN + 1 bytes); NULL on failure. */
char (*checks_fingerprints(const secret_set *set, const unsigned char *key))[FP_HEX_LEN + 1];

typedef struct check_input {
  const config *cfg;
  const baseline *base;        /* NULL: no trusted baseline (key gone,
                                  baseline tampered): no comparison */
  const unsigned char *fp_key; /* a throw-away key when base is NULL */
  const secret_set *set;
  const char *key_path;
  const struct stat *key_st;   /* NULL when the key was not read */
} check_input;

/* Appends every alert to `out`.  -1 only when out of memory. */
int checks_run(const check_input *in, alert_list *out);

/* The weakness of one value as a sentence, or NULL when it is fine
 * (malloc'd).  Does not include reuse, which needs every secret. */
char *checks_weakness(const config *cfg, const char *name, const char *value, size_t len);

/* Shannon entropy in bits per byte. */
double checks_entropy(const char *value, size_t len);

/* The library rule whose documented token format the whole value has
 * (e.g. "gcp-oauth-client-secret"), or NULL. */
const char *checks_token_format(const char *value, size_t len);

/* Frees the rule set checks_token_format keeps. */
void checks_cleanup(void);

#endif
