/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "check.h"
#include <stdio.h>
#include <string.h>

uint32_t lmr_fnv32(const char *text, size_t len) {
  uint32_t h = 0; /* fmhash's default seed, not FNV's offset basis */
  for (size_t i = 0; i < len; i++) {
    h *= 16777619u; /* the 32-bit FNV prime */
    h ^= (unsigned char)text[i];
  }
  return h;
}

void lmr_check(const char *text, size_t len, char out[LMR_CHECK_MAX]) {
  const char *nul = memchr(text, '\0', len);
  if (nul)
    len = (size_t)(nul - text);
  snprintf(out, LMR_CHECK_MAX, "%zu:%lu", len, (unsigned long)lmr_fnv32(text, len));
}
