/* SPDX-License-Identifier: Apache-2.0 */
/* Per-line scratch memory: a bump allocator over blocks that never move,
 * so views of a line may point into it until the line is done.  Reset
 * after each line keeps the blocks (the steady state does not allocate);
 * they hold decoded line bytes, so they are wiped before release. */
#ifndef LM_ARENA_H
#define LM_ARENA_H
#include <stddef.h>

typedef struct lm_arena_block lm_arena_block;
typedef struct lm_arena {
  lm_arena_block *head; /* blocks in use, newest first */
  lm_arena_block *free; /* blocks kept from earlier lines */
} lm_arena;

/* n bytes aligned for any scalar type, or NULL when out of memory. */
void *lm_arena_alloc(lm_arena *a, size_t n);
/* Forgets every allocation; keeps the blocks for the next line. */
void lm_arena_reset(lm_arena *a);
/* Wipes and releases every block. */
void lm_arena_free(lm_arena *a);
#endif
