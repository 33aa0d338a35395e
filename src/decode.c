/* Encoded views of a line: see internal.h. */
#include "internal.h"

int lm_decode_append(lm_masker *m, const char *text, size_t len) {
  (void)m; (void)text; (void)len;
  return 0;
}
