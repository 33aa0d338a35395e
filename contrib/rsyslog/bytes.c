/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "bytes.h"
#include <stdlib.h>
#include <string.h>

int lmr_bytes_reserve(lmr_bytes *b, size_t need) {
  if (need < b->cap)
    return 0;
  if (need > ((size_t)-1) / 2 - 1)
    return -1;
  size_t cap = (need + 1) * 2;
  if (cap < 256)
    cap = 256;
  char *grown = malloc(cap);
  if (!grown)
    return -1;
  if (b->data) {
    memcpy(grown, b->data, b->len + 1);
    explicit_bzero(b->data, b->cap);
    free(b->data);
  } else {
    grown[0] = '\0';
  }
  b->data = grown;
  b->cap = cap;
  return 0;
}

int lmr_bytes_put(lmr_bytes *b, const char *p, size_t n) {
  if (n > ((size_t)-1) / 2 - b->len || lmr_bytes_reserve(b, b->len + n) != 0)
    return -1;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

void lmr_bytes_clear(lmr_bytes *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void lmr_bytes_free(lmr_bytes *b) {
  if (b->data)
    explicit_bzero(b->data, b->cap);
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
