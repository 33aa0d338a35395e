/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_stream.c - lm_stream_feed with input cut into chunks (0 bytes
 * included) at sizes derived from the input.  Oracles: the output equals
 * the output of one whole-buffer feed; the line count is kept; no planted
 * known literal (planted.h), inserted at input-derived offsets, survives.
 *
 * Input layout: byte 0 picks the format and the line limit (small limits
 * force long-line windows), bytes 1..8 seed the chunk sizes and the
 * planting offsets, the rest is the log text. */
#include "fuzz.h"
#include "logmask.h"
#include "planted.h"

static const char *const formats[] = {"text", "auto", "json", "logfmt", "syslog"};
#define N_FORMATS (sizeof formats / sizeof formats[0])
#define HEADER 9

static lm_ruleset *set;

static void setup(void)
{
  if (set)
    return;
  set = lm_ruleset_new();
  FUZZ_ASSERT(set, "out of memory");
  lm_status st = lm_ruleset_load_defaults(set);
  FUZZ_ASSERT(st == LM_OK, "defaults: %s", lm_strerror(st));
  planted_load(set);
  st = lm_ruleset_compile(set);
  FUZZ_ASSERT(st == LM_OK, "compile: %s", lm_strerror(st));
}

/* Masks `in` through a fresh masker and stream; chunk sizes from *seed,
 * or the whole buffer in one feed when seed is NULL. */
static void run(const char *in, size_t len, const char *format, int small, uint64_t *seed,
                fuzz_sink *out)
{
  lm_masker *m = lm_masker_new(set);
  FUZZ_ASSERT(m, "lm_masker_new failed");
  lm_status st = lm_masker_set_format(m, format);
  FUZZ_ASSERT(st == LM_OK, "set_format %s: %s", format, lm_strerror(st));
  lm_stream *s = lm_stream_new(m, fuzz_sink_write, out);
  FUZZ_ASSERT(s, "lm_stream_new failed");
  if (small) {
    st = lm_stream_set_limits(s, 256, 64);
    FUZZ_ASSERT(st == LM_OK, "set_limits: %s", lm_strerror(st));
  }
  size_t pos = 0;
  while (pos < len) {
    size_t n = seed ? fuzz_chunk(seed) : len;
    if (n > len - pos)
      n = len - pos;
    st = lm_stream_feed(s, in + pos, n);
    FUZZ_ASSERT(st == LM_OK, "feed: %s", lm_strerror(st));
    pos += n;
  }
  if (seed) {
    st = lm_stream_feed(s, in + len, 0);
    FUZZ_ASSERT(st == LM_OK, "empty feed: %s", lm_strerror(st));
  }
  st = lm_stream_finish(s);
  FUZZ_ASSERT(st == LM_OK, "finish: %s", lm_strerror(st));
  lm_stream_free(s);
  lm_masker_free(m);
}

static size_t count_newlines(const char *p, size_t len)
{
  size_t n = 0;
  if (!len)
    return 0; /* p may be NULL */
  for (const char *end = p + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
    n++;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < HEADER)
    return 0;
  setup();
  const char *format = formats[data[0] % N_FORMATS];
  int small = (data[0] / N_FORMATS) & 1;
  uint64_t seed = fuzz_seed(data + 1, size - 1, 8);
  const char *body = (const char *)data + HEADER;
  size_t blen = size - HEADER;

  /* Plant up to three secrets at offsets derived from the seed. */
  size_t extra = 0;
  for (size_t i = 0; i < N_PLANTED; i++)
    extra += strlen(planted[i]);
  char *in = malloc(blen + extra + 1);
  FUZZ_ASSERT(in, "out of memory");
  size_t len = 0, taken = 0;
  unsigned nplant = (unsigned)(seed % 4);
  uint64_t pseed = seed;
  for (unsigned k = 0; k < nplant; k++) {
    size_t at = blen ? (size_t)(fuzz_next(&pseed) % (blen + 1)) : 0;
    if (at < taken)
      at = taken;
    memcpy(in + len, body + taken, at - taken);
    len += at - taken;
    taken = at;
    const char *p = planted[(k + seed / 4) % N_PLANTED];
    memcpy(in + len, p, strlen(p));
    len += strlen(p);
  }
  memcpy(in + len, body + taken, blen - taken);
  len += blen - taken;

  fuzz_sink whole = {0}, chunked = {0};
  run(in, len, format, small, NULL, &whole);
  run(in, len, format, small, &seed, &chunked);
  if (whole.len != chunked.len || (whole.len && memcmp(whole.data, chunked.data, whole.len)))
    FUZZ_FAIL("format %s: chunked output (%zu bytes) differs from whole (%zu bytes)", format,
              chunked.len, whole.len);
  planted_absent(whole.data, whole.len);
  FUZZ_ASSERT(count_newlines(in, len) == count_newlines(whole.data, whole.len),
              "format %s: %zu lines in, %zu out", format, count_newlines(in, len),
              count_newlines(whole.data, whole.len));
  fuzz_sink_free(&whole);
  fuzz_sink_free(&chunked);
  free(in);
  return 0;
}
