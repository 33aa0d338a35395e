/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer for message text.  It grows by allocate, copy,
 * wipe, free (never realloc, which would leave the old block unwiped), and
 * is wiped when freed: the bytes it held may be secrets. */
#ifndef LMR_BYTES_H
#define LMR_BYTES_H
#include <stddef.h>

typedef struct lmr_bytes {
  char *data; /* NUL-terminated after every put; NULL until the first */
  size_t len, cap;
} lmr_bytes;

/* Appends n bytes.  0 ok, -1 out of memory (the buffer is unchanged). */
int lmr_bytes_put(lmr_bytes *b, const char *p, size_t n);
/* Makes room for `need` bytes in all (and the NUL).  0 ok, -1 out of memory. */
int lmr_bytes_reserve(lmr_bytes *b, size_t need);
/* Empties the buffer, keeping its memory. */
void lmr_bytes_clear(lmr_bytes *b);
/* Wipes and frees; the buffer is empty and reusable afterwards. */
void lmr_bytes_free(lmr_bytes *b);
#endif
