/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer.  Every growth is checked; callers test the
 * return value (0 ok, -1 out of memory). */
#ifndef LM_BUF_H
#define LM_BUF_H
#include <stddef.h>
#include <string.h>

typedef struct lm_buf {
  char *data;
  size_t len, cap;
} lm_buf;

int lm_buf_reserve(lm_buf *b, size_t extra);
int lm_buf_append(lm_buf *b, const void *p, size_t n);
int lm_buf_fill(lm_buf *b, char c, size_t n);
/* Wipes the bytes (they may have held secrets) and releases them. */
void lm_buf_wipe_free(lm_buf *b);

static inline void lm_buf_clear(lm_buf *b) { b->len = 0; }
static inline int lm_buf_putc(lm_buf *b, char c) {
  if (b->len == b->cap && lm_buf_reserve(b, 1) != 0)
    return -1;
  b->data[b->len++] = c;
  return 0;
}
#endif
