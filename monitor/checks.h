/* checks.h - compares the secrets as they are now with the baseline and
 * judges them: changed, missing, added, permissions, weak. */
#ifndef MONITOR_CHECKS_H
#define MONITOR_CHECKS_H

#include "alert.h"
#include "baseline.h"
#include "conf.h"
#include "fingerprint.h"
#include "sources.h"

/* Fingerprint of every secret of `set`, in order (malloc'd array of
 * set->n strings of FP_HEX_LEN + 1 bytes); NULL on failure. */
char (*checks_fingerprints(const secret_set *set, const unsigned char *key))[FP_HEX_LEN + 1];

/* Appends every alert to `out`.  -1 only when out of memory.  With b NULL
 * the baseline comparison is skipped (the key is gone). */
int checks_run(const config *cfg, const baseline *b, const unsigned char *key,
               const secret_set *set, alert_list *out);

/* The weakness of one value as a sentence, or NULL when it is fine
 * (malloc'd).  Does not include reuse, which needs every secret. */
char *checks_weakness(const config *cfg, const char *name, const char *value, size_t len);

/* Shannon entropy in bits per byte. */
double checks_entropy(const char *value, size_t len);

#endif
