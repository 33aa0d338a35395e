/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "arena.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)
#define ALIGN 16

struct lm_arena_block {
  lm_arena_block *next;
  size_t cap, used;
  _Alignas(ALIGN) unsigned char data[];
};

void *lm_arena_alloc(lm_arena *a, size_t n) {
  n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (n == 0)
    n = ALIGN;
  lm_arena_block *b = a->head;
  if (b && b->cap - b->used >= n) {
    void *p = b->data + b->used;
    b->used += n;
    return p;
  }
  /* a kept block big enough, else a new one */
  lm_arena_block **pp = &a->free;
  while (*pp && (*pp)->cap < n)
    pp = &(*pp)->next;
  if (*pp) {
    b = *pp;
    *pp = b->next;
  } else {
    size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
    if (cap > SIZE_MAX - sizeof *b)
      return NULL;
    b = malloc(sizeof *b + cap);
    if (!b)
      return NULL;
    b->cap = cap;
  }
  b->used = n;
  b->next = a->head;
  a->head = b;
  return b->data;
}

void lm_arena_reset(lm_arena *a) {
  while (a->head) {
    lm_arena_block *b = a->head;
    a->head = b->next;
    b->used = 0;
    b->next = a->free;
    a->free = b;
  }
}

static void release(lm_arena_block *b) {
  while (b) {
    lm_arena_block *next = b->next;
    explicit_bzero(b->data, b->cap);
    free(b);
    b = next;
  }
}

void lm_arena_free(lm_arena *a) {
  release(a->head);
  release(a->free);
  a->head = a->free = NULL;
}
