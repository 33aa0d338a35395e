/* RFC 5424 structured data: masks each PARAM-VALUE through the library.
 * Every parameter is shown to the masker alone as the text NAME="VALUE"
 * (value unescaped), so the library's rules and format handlers decide by
 * the parameter's name and value; this file only takes the syntax apart
 * and puts it back together, escaping '"', '\' and ']' in what the masker
 * returns so the result stays valid structured data. */
#ifndef LMR_SDATA_H
#define LMR_SDATA_H
#include <stddef.h>
#include "logmask.h"

typedef struct lmr_bytes {
  char *data;
  size_t len, cap;
} lmr_bytes;

int lmr_bytes_put(lmr_bytes *b, const char *p, size_t n);
void lmr_bytes_free(lmr_bytes *b);

/* Masks `sd` into `out` (cleared first).  *changed and *secrets report the
 * result.  Structured data that does not parse is masked as one line, so
 * nothing is let through unscanned.  Returns LM_OK or the library's error
 * (LM_ERR_NOMEM when `out` cannot grow). */
lm_status lmr_sd_mask(lm_masker *m, lmr_bytes *scratch, const char *sd, size_t len,
                      lmr_bytes *out, int *changed, unsigned *secrets);
#endif
