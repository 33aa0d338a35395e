/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "sdmask.h"
#include <string.h>

/* PRI, version and five NILVALUE header fields: nothing here can match a
 * rule, so the handler's output begins with these bytes unchanged. */
static const char PREFIX[] = "<0>1 - - - - - ";
#define PREFIX_LEN (sizeof PREFIX - 1)

lm_status lmr_sdmask_init(lmr_sdmask *s, const lm_ruleset *set) {
  memset(s, 0, sizeof *s);
  s->m = lm_masker_new(set);
  if (!s->m)
    return LM_ERR_NOMEM;
  lm_status st = lm_masker_set_format(s->m, "sd");
  if (st == LM_ERR_ARG) {
    s->wrapped = 1;
    st = lm_masker_set_format(s->m, "syslog");
  }
  if (st != LM_OK) {
    lm_masker_free(s->m);
    s->m = NULL;
  }
  return st;
}

void lmr_sdmask_free(lmr_sdmask *s) {
  lm_masker_free(s->m);
  s->m = NULL;
  lmr_bytes_free(&s->line);
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
  if (!s->wrapped)
    return lm_masker_line(s->m, sd, len, out);

  lmr_bytes_clear(&s->line);
  if (lmr_bytes_put(&s->line, PREFIX, PREFIX_LEN) != 0 || lmr_bytes_put(&s->line, sd, len) != 0)
    return LM_ERR_NOMEM;
  lm_status st = lm_masker_line(s->m, s->line.data, s->line.len, out);
  lmr_bytes_clear(&s->line);
  if (st != LM_OK)
    return st;
  if (out->flags & LM_LINE_DROPPED)
    return LM_OK;
  if (!(out->flags & LM_LINE_CHANGED)) {
    out->text = sd;
    out->len = len;
    return LM_OK;
  }
  /* a mask that reached into the prefix cannot be taken apart: refuse */
  if (out->len < PREFIX_LEN || memcmp(out->text, PREFIX, PREFIX_LEN) != 0)
    return LM_ERR_FORMAT;
  out->text += PREFIX_LEN;
  out->len -= PREFIX_LEN;
  return LM_OK;
}
