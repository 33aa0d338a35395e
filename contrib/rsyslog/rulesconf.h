/* SPDX-License-Identifier: Apache-2.0 */
/* The rule settings both rsyslog hosts take (helper options, module
 * parameters) and the one way they become a compiled lm_ruleset, so a
 * reload builds exactly what the start built. */
#ifndef LMR_RULESCONF_H
#define LMR_RULESCONF_H
#include <stddef.h>
#include "logmask.h"

typedef struct lmr_strings {
  char **items;
  size_t count;
} lmr_strings;

typedef struct lmr_rulesconf {
  int no_default_rules;
  lmr_strings rules, enable, disable; /* paths; rule ids or groups */
  char *literals;                     /* file of known secrets, or NULL */
  char *hash_key_file, *hash_key_id;  /* for mask "hash", or NULL */
  char *mask;                         /* default mask style, or NULL */
} lmr_rulesconf;

/* Appends a copy of s.  0 ok, -1 out of memory. */
int lmr_strings_add(lmr_strings *l, const char *s);
/* Frees every string owned by c and zeroes it. */
void lmr_rulesconf_free(lmr_rulesconf *c);

/* Builds and compiles the set c describes, with diag as its diagnostics
 * callback.  On failure returns the status, frees what it built, and
 * writes "WHAT: DETAIL" (the setting and the library's message with file,
 * line and column) into why (why_cap bytes). */
lm_status lmr_rulesconf_build(const lmr_rulesconf *c, lm_diag_fn diag, void *ctx,
                              lm_ruleset **out, char *why, size_t why_cap);
#endif
