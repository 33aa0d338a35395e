/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_gzip.c - the gzip reader and writer of lm_stream.  Input byte 0:
 * bit 0 wraps the rest in a real gzip member first (then bytes 1..2 cut
 * it short or flip a byte, to reach truncated and corrupt streams), bit 1
 * asks for gzip output.  Chunk sizes derive from bytes 1..8.
 * Oracles: no crash or leak whatever the input (errors are expected and
 * must carry a message); with gzip output, a stream that finished without
 * error inflates to exactly what the plain-output run wrote. */
#include "fuzz.h"
#include "logmask.h"
#include <zlib.h>

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
  st = lm_ruleset_compile(set);
  FUZZ_ASSERT(st == LM_OK, "compile: %s", lm_strerror(st));
}

/* Deflates `in` as one gzip member into *out (malloc'd). */
static void gzip_wrap(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
  z_stream z = {0};
  FUZZ_ASSERT(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK,
              "deflateInit2");
  size_t cap = deflateBound(&z, (uLong)len) + 64;
  *out = malloc(cap);
  FUZZ_ASSERT(*out, "out of memory");
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)len;
  z.next_out = *out;
  z.avail_out = (uInt)cap;
  FUZZ_ASSERT(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
  *outlen = z.total_out;
  deflateEnd(&z);
}

/* Inflates every gzip member of `in`; 0 when it is complete and valid. */
static int gunzip(const char *in, size_t len, fuzz_sink *out)
{
  size_t pos = 0;
  while (pos < len) {
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 16) != Z_OK)
      return -1;
    z.next_in = (Bytef *)in + pos;
    z.avail_in = (uInt)(len - pos);
    int rc;
    do {
      char buf[4096];
      z.next_out = (Bytef *)buf;
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      fuzz_sink_write(out, buf, sizeof buf - z.avail_out);
    } while (rc == Z_OK);
    pos += z.total_in;
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
      return -1;
  }
  return 0;
}

static lm_status run(const uint8_t *in, size_t len, int level, uint64_t seed, fuzz_sink *out)
{
  lm_masker *m = lm_masker_new(set);
  FUZZ_ASSERT(m, "lm_masker_new failed");
  lm_stream *s = lm_stream_new(m, fuzz_sink_write, out);
  FUZZ_ASSERT(s, "lm_stream_new failed");
  lm_status st = lm_stream_set_gzip(s, LM_GZIP_AUTO, level);
  FUZZ_ASSERT(st == LM_OK, "set_gzip: %s", lm_strerror(st));
  size_t pos = 0;
  while (st == LM_OK && pos < len) {
    size_t n = fuzz_chunk(&seed);
    if (n > len - pos)
      n = len - pos;
    st = lm_stream_feed(s, (const char *)in + pos, n);
    pos += n;
  }
  if (st == LM_OK)
    st = lm_stream_finish(s);
  if (st != LM_OK) {
    FUZZ_ASSERT(st == LM_ERR_FORMAT || st == LM_ERR_NOMEM, "unexpected error %s",
                lm_strerror(st));
    const lm_error *e = lm_stream_error(s);
    FUZZ_ASSERT(e && e->message && e->message[0], "%s without a message", lm_strerror(st));
  }
  lm_stream_free(s);
  lm_masker_free(m);
  return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < HEADER)
    return 0;
  setup();
  uint64_t seed = fuzz_seed(data + 1, size - 1, 8);
  const uint8_t *in = data + HEADER;
  size_t len = size - HEADER;
  uint8_t *wrapped = NULL;
  if (data[0] & 1) {
    gzip_wrap(in, len, &wrapped, &len);
    unsigned cut = data[1], flip = data[2];
    if (cut < 32 && cut < len)
      len -= cut;           /* truncated member */
    else if (flip < 64 && len)
      wrapped[flip % len] ^= (uint8_t)(data[3] | 1); /* corrupt byte */
    in = wrapped;
  }
  fuzz_sink plain = {0};
  lm_status st = run(in, len, -1, seed, &plain);
  if (data[0] & 2) {
    fuzz_sink packed = {0}, unpacked = {0};
    lm_status st2 = run(in, len, 1, seed, &packed);
    FUZZ_ASSERT(st2 == st, "gzip output changed the status: %s vs %s", lm_strerror(st2),
                lm_strerror(st));
    if (st == LM_OK) {
      FUZZ_ASSERT(gunzip(packed.data, packed.len, &unpacked) == 0,
                  "gzip output does not inflate");
      FUZZ_ASSERT(unpacked.len == plain.len &&
                      (plain.len == 0 || memcmp(unpacked.data, plain.data, plain.len) == 0),
                  "gzip output inflates to %zu bytes, plain output is %zu", unpacked.len,
                  plain.len);
    }
    fuzz_sink_free(&packed);
    fuzz_sink_free(&unpacked);
  }
  fuzz_sink_free(&plain);
  free(wrapped);
  return 0;
}
