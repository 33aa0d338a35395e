/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include <stdlib.h>
#include <stdint.h>
#include "buf.h"

/* Growth never uses realloc: the old block may have held a secret, and
 * realloc would free it unwiped.  Allocate, copy, wipe, free. */
int lm_buf_reserve(lm_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len)
    return -1;
  size_t need = b->len + extra;
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = malloc(cap);
  if (!p)
    return -1;
  if (b->data) {
    memcpy(p, b->data, b->len);
    explicit_bzero(b->data, b->cap);
    free(b->data);
  }
  b->data = p;
  b->cap = cap;
  return 0;
}

int lm_buf_append(lm_buf *b, const void *p, size_t n) {
  if (n == 0)
    return 0;
  if (lm_buf_reserve(b, n) != 0)
    return -1;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

int lm_buf_fill(lm_buf *b, char c, size_t n) {
  if (lm_buf_reserve(b, n) != 0)
    return -1;
  memset(b->data + b->len, c, n);
  b->len += n;
  return 0;
}

void lm_buf_wipe_free(lm_buf *b) {
  if (b->data) {
    /* explicit_bzero so the compiler cannot drop the wipe of a buffer
     * about to be freed. */
    explicit_bzero(b->data, b->cap);
    free(b->data);
  }
  b->data = NULL;
  b->len = b->cap = 0;
}
