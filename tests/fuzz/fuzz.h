/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz.h - shared by the fuzz targets: the libFuzzer entry point, an
 * oracle failure that stops both libFuzzer and the standalone runner, a
 * growable output sink for lm_stream writers, and a deterministic
 * generator of chunk sizes derived from the input itself. */
#ifndef LOGMASK_FUZZ_H
#define LOGMASK_FUZZ_H

#ifdef HAVE_CONFIG_H
#include "config.h" /* _GNU_SOURCE: memmem, memfd_create */
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An oracle violation: abort() so libFuzzer saves the input as a crash. */
#define FUZZ_FAIL(...)                                         \
  do {                                                         \
    fprintf(stderr, "fuzz oracle: %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__);                              \
    fputc('\n', stderr);                                       \
    abort();                                                   \
  } while (0)
#define FUZZ_ASSERT(cond, ...)  \
  do {                          \
    if (!(cond))                \
      FUZZ_FAIL(__VA_ARGS__);   \
  } while (0)

typedef struct fuzz_sink {
  char *data;
  size_t len, cap;
} fuzz_sink;

/* lm_write_fn collecting everything written; out of memory ends the
 * process (an allocation failure is not what the oracle looks for). */
static inline int fuzz_sink_write(void *ctx, const char *buf, size_t len)
{
  fuzz_sink *s = ctx;
  if (len > s->cap - s->len) {
    size_t cap = s->cap ? s->cap : 256;
    while (len > cap - s->len)
      cap *= 2;
    char *grown = realloc(s->data, cap);
    if (!grown) {
      fprintf(stderr, "fuzz: out of memory\n");
      abort();
    }
    s->data = grown;
    s->cap = cap;
  }
  if (len)
    memcpy(s->data + s->len, buf, len);
  s->len += len;
  return 0;
}

static inline void fuzz_sink_free(fuzz_sink *s)
{
  free(s->data);
  memset(s, 0, sizeof *s);
}

/* xorshift64*, seeded from input bytes, so a crash replays exactly. */
static inline uint64_t fuzz_next(uint64_t *state)
{
  uint64_t x = *state ? *state : 0x9e3779b97f4a7c15u;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dULL;
}

/* Chunk sizes with many 0s, 1s and small sizes, some large ones. */
static inline size_t fuzz_chunk(uint64_t *state)
{
  uint64_t r = fuzz_next(state);
  switch (r & 7) {
  case 0: return 0;
  case 1: return 1;
  case 2: case 3: return (size_t)((r >> 8) % 8);
  case 4: case 5: return (size_t)((r >> 8) % 64);
  default: return (size_t)((r >> 8) % 4096);
  }
}

static inline uint64_t fuzz_seed(const uint8_t *data, size_t size, size_t n)
{
  uint64_t seed = 0;
  for (size_t i = 0; i < n && i < size; i++)
    seed = seed << 8 | data[i];
  return seed;
}

static inline int fuzz_contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
  return nlen <= hlen && memmem(hay, hlen, needle, nlen) != NULL;
}

#endif
