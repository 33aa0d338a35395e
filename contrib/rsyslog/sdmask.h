/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 5424 STRUCTURED-DATA (the structured-data property: "-" or
 * "[id k=\"v\" ...]...") masked by the library exactly as its syslog
 * handler masks structured data: escapes \" \\ \] kept, parameters with
 * sensitive names masked whole.  The parsing is the library's
 * (lm_masker_set_format(m, "sd")); this file holds no syntax of its own. */
#ifndef LMR_SDMASK_H
#define LMR_SDMASK_H
#include <stddef.h>
#include "logmask.h"

typedef struct lmr_sdmask {
  lm_masker *m;
} lmr_sdmask;

/* One masker over `set` (not owned; must outlive s).  LM_OK, LM_ERR_NOMEM,
 * or the library's refusal of the format. */
lm_status lmr_sdmask_init(lmr_sdmask *s, const lm_ruleset *set);
/* Frees the masker.  Accepts a zeroed or freed s. */
void lmr_sdmask_free(lmr_sdmask *s);
/* Masks `len` bytes of structured data into *out, as lm_masker_line does
 * (out->text valid until the next call; unchanged text points at `sd`).
 * "-" and "" are left alone without a library call.  Any error means the
 * structured data could not be masked: the caller withholds it. */
lm_status lmr_sdmask_run(lmr_sdmask *s, const char *sd, size_t len, lm_line *out);
/* The masker, for its counters. */
const lm_masker *lmr_sdmask_masker(const lmr_sdmask *s);
#endif
