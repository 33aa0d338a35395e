/* SPDX-License-Identifier: Apache-2.0 */
/* index.h - a hash index over an array the caller owns: maps a key (one
 * or two strings) to the position of its element, so the checks stay
 * linear in the number of secrets.  Names and paths are hashed, never
 * values (those are compared by their keyed fingerprints). */
#ifndef MONITOR_INDEX_H
#define MONITOR_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct mon_index {
  size_t *slots;   /* position + 1; 0 = empty */
  uint64_t *hashes;
  size_t cap, n;
} mon_index;

/* Hash of a and b (b may be NULL). */
uint64_t mon_index_hash(const char *a, const char *b);

/* Does the element at `pos` have the key being looked up? */
typedef int (*mon_index_eq)(const void *ctx, size_t pos);

/* Position of the first element with the key, or -1. */
long mon_index_find(const mon_index *ix, uint64_t hash, mon_index_eq eq, const void *ctx);
/* Adds pos under hash (duplicates allowed).  -1 when out of memory. */
int mon_index_add(mon_index *ix, uint64_t hash, size_t pos);
void mon_index_free(mon_index *ix);

#endif
