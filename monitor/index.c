/* SPDX-License-Identifier: Apache-2.0 */
/* index.c - see index.h.  Open addressing with linear probing, kept at
 * most half full; FNV-1a hashes (the keys are names, not secrets). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "index.h"

#include <stdlib.h>

uint64_t mon_index_hash(const char *a, const char *b)
{
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    h = (h ^ *p) * 1099511628211ULL;
  h = (h ^ 0x1f) * 1099511628211ULL;
  if (b)
    for (const unsigned char *p = (const unsigned char *)b; *p; p++)
      h = (h ^ *p) * 1099511628211ULL;
  /* murmur3's finalizer: every input bit reaches the low bits probed */
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

long mon_index_find(const mon_index *ix, uint64_t hash, mon_index_eq eq, const void *ctx)
{
  if (!ix->cap)
    return -1;
  for (size_t i = hash & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
    if (!ix->slots[i])
      return -1;
    if (ix->hashes[i] == hash && eq(ctx, ix->slots[i] - 1))
      return (long)(ix->slots[i] - 1);
  }
}

static void put(size_t *slots, uint64_t *hashes, size_t cap, uint64_t hash, size_t value)
{
  size_t i = hash & (cap - 1);
  while (slots[i])
    i = (i + 1) & (cap - 1);
  slots[i] = value;
  hashes[i] = hash;
}

int mon_index_add(mon_index *ix, uint64_t hash, size_t pos)
{
  if ((ix->n + 1) * 2 > ix->cap) {
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    size_t *slots = calloc(cap, sizeof *slots);
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    if (!slots || !hashes) {
      free(slots);
      free(hashes);
      return -1;
    }
    for (size_t i = 0; i < ix->cap; i++)
      if (ix->slots[i])
        put(slots, hashes, cap, ix->hashes[i], ix->slots[i]);
    free(ix->slots);
    free(ix->hashes);
    ix->slots = slots;
    ix->hashes = hashes;
    ix->cap = cap;
  }
  put(ix->slots, ix->hashes, ix->cap, hash, pos + 1);
  ix->n++;
  return 0;
}

void mon_index_free(mon_index *ix)
{
  free(ix->slots);
  free(ix->hashes);
  ix->slots = NULL;
  ix->hashes = NULL;
  ix->cap = ix->n = 0;
}
