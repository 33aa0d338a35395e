/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "sdmask.h"
#include <string.h>

lm_status lmr_sdmask_init(lmr_sdmask *s, const lm_ruleset *set) {
  memset(s, 0, sizeof *s);
  s->m = lm_masker_new(set);
  if (!s->m)
    return LM_ERR_NOMEM;
  lm_status st = lm_masker_set_format(s->m, "sd");
  if (st != LM_OK) {
    lm_masker_free(s->m);
    s->m = NULL;
  }
  return st;
}

void lmr_sdmask_free(lmr_sdmask *s) {
  lm_masker_free(s->m);
  s->m = NULL;
}

const lm_masker *lmr_sdmask_masker(const lmr_sdmask *s) { return s->m; }

lm_status lmr_sdmask_run(lmr_sdmask *s, const char *sd, size_t len, lm_line *out) {
  if (len == 0 || (len == 1 && sd[0] == '-')) {
    *out = (lm_line){ .text = sd, .len = len };
    return LM_OK;
  }
  if (!s->m)
    return LM_ERR_STATE;
  /* structured data belongs to one message: no block state across them */
  lm_masker_reset(s->m);
  return lm_masker_line(s->m, sd, len, out);
}
