/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of gzip streams: input recognised by magic bytes, concatenated
 * members, gzip output, and corrupt or truncated input ending in an error
 * after every complete line was written. */
#include "config.h"
#include <stdio.h>
#include <zlib.h>
#include "fmt_helpers.h"

typedef struct bytes {
  unsigned char *data;
  size_t len, cap;
} bytes;

static void bytes_add(bytes *b, const void *p, size_t n) {
  if (n == 0)
    return;
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 64;
    b->data = realloc(b->data, b->cap);
    ck_assert_ptr_nonnull(b->data);
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static int to_bytes(void *ctx, const char *buf, size_t len) {
  bytes_add(ctx, buf, len);
  return 0;
}

/* One gzip member holding text. */
static void gz(bytes *out, const char *text, size_t len) {
  z_stream z = {0};
  ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  unsigned char buf[4096];
  z.next_in = (Bytef *)text;
  z.avail_in = (uInt)len;
  int rc;
  do {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    bytes_add(out, buf, sizeof buf - z.avail_out);
  } while (rc != Z_STREAM_END);
  deflateEnd(&z);
}

/* Inflates every member of in; `complete` 0 allows a stream still open
 * (after a sync flush). */
static void gunzip(const bytes *in, bytes *out, int complete) {
  z_stream z = {0};
  ck_assert_int_eq(inflateInit2(&z, 31), Z_OK);
  unsigned char buf[4096];
  z.next_in = in->data;
  z.avail_in = (uInt)in->len;
  int rc = Z_OK;
  while (z.avail_in) {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_SYNC_FLUSH);
    ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, "inflate %d", rc);
    bytes_add(out, buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END && z.avail_in)
      inflateReset(&z);
  }
  if (complete)
    ck_assert_int_eq(rc, Z_STREAM_END);
  inflateEnd(&z);
}

static const char TEXT[] = "login password=hunter2x ok\n"
                           "clean line\n"
                           "db postgres://app:s3cr3tPw@db/x\n"
                           "last password=lastpass1";
static const char WANT[] = "login password=[REDACTED:password-assignment] ok\n"
                           "clean line\n"
                           "db postgres://app:[REDACTED:url-credentials]@db/x\n"
                           "last password=[REDACTED:password-assignment]";

/* Feeds in in chunks of `chunk` bytes; returns the first failing status
 * (feed or finish). */
static lm_status run(lm_masker *m, const bytes *in, size_t chunk, int level, bytes *out,
                     char *msg, size_t msgcap) {
  lm_stream *s = lm_stream_new(m, to_bytes, out);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(lm_stream_set_gzip(s, LM_GZIP_AUTO, level), LM_OK);
  lm_status st = LM_OK;
  for (size_t off = 0; off < in->len && st == LM_OK; off += chunk)
    st = lm_stream_feed(s, (const char *)in->data + off,
                        in->len - off < chunk ? in->len - off : chunk);
  lm_status fst = lm_stream_finish(s);
  if (st == LM_OK)
    st = fst;
  if (msg)
    snprintf(msg, msgcap, "%s", lm_stream_error(s)->message);
  lm_stream_free(s);
  return st;
}

static void assert_text(const bytes *b, const char *want) {
  ck_assert_uint_eq(b->len, strlen(want));
  ck_assert(memcmp(b->data, want, b->len) == 0);
}

START_TEST(round_trip) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  bytes in = {0};
  gz(&in, TEXT, strlen(TEXT));
  static const size_t chunks[] = {1, 2, 3, 7, 10, 64, 4096};
  for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    /* gzip in, text out */
    bytes out = {0};
    ck_assert_int_eq(run(m, &in, chunks[i], -1, &out, NULL, 0), LM_OK);
    assert_text(&out, WANT);
    /* gzip in, gzip out */
    bytes zout = {0}, plain = {0};
    ck_assert_int_eq(run(m, &in, chunks[i], 9, &zout, NULL, 0), LM_OK);
    ck_assert_uint_ge(zout.len, 18);
    ck_assert(zout.data[0] == 0x1f && zout.data[1] == 0x8b);
    gunzip(&zout, &plain, 1);
    assert_text(&plain, WANT);
    free(out.data);
    free(zout.data);
    free(plain.data);
  }
  /* plain in, gzip out */
  bytes text = {0}, zout = {0}, plain = {0};
  bytes_add(&text, TEXT, strlen(TEXT));
  ck_assert_int_eq(run(m, &text, 5, 1, &zout, NULL, 0), LM_OK);
  gunzip(&zout, &plain, 1);
  assert_text(&plain, WANT);
  free(text.data);
  free(zout.data);
  free(plain.data);
  free(in.data);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(concatenated_members) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  /* members cut in the middle of a line and of a secret */
  size_t cuts[] = {1, 10, 20, 27, 40, strlen(TEXT) - 3};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    bytes in = {0}, out = {0};
    gz(&in, TEXT, cuts[i]);
    gz(&in, TEXT + cuts[i], strlen(TEXT) - cuts[i]);
    gz(&in, "", 0); /* an empty member too */
    for (size_t chunk = 1; chunk <= 33; chunk += 16) {
      out.len = 0;
      ck_assert_int_eq(run(m, &in, chunk, -1, &out, NULL, 0), LM_OK);
      assert_text(&out, WANT);
    }
    free(in.data);
    free(out.data);
  }
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(truncated_input) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  bytes full = {0};
  gz(&full, TEXT, strlen(TEXT));
  for (size_t chunk = 1; chunk <= 4096; chunk *= 8) {
    bytes in = {0}, out = {0};
    /* without the 8-byte trailer: all text decodes, the member does not end */
    bytes_add(&in, full.data, full.len - 8);
    char msg[256];
    ck_assert_int_eq(run(m, &in, chunk, -1, &out, msg, sizeof msg), LM_ERR_FORMAT);
    /* the complete lines are written, the cut last one is not */
    assert_text(&out, "login password=[REDACTED:password-assignment] ok\n"
                      "clean line\n"
                      "db postgres://app:[REDACTED:url-credentials]@db/x\n");
    char want[128];
    snprintf(want, sizeof want, "at byte %zu", full.len - 8);
    ck_assert_msg(strstr(msg, "truncated") && strstr(msg, want), "message: %s", msg);
    free(in.data);
    free(out.data);
  }
  /* cut inside the header */
  bytes in = {0}, out = {0};
  bytes_add(&in, full.data, 5);
  ck_assert_int_eq(run(m, &in, 1, -1, &out, NULL, 0), LM_ERR_FORMAT);
  ck_assert_uint_eq(out.len, 0);
  /* gzip output is still a complete gzip stream of the good lines */
  in.len = 0;
  bytes_add(&in, full.data, full.len - 8);
  bytes zout = {0}, plain = {0};
  ck_assert_int_eq(run(m, &in, 3, 6, &zout, NULL, 0), LM_ERR_FORMAT);
  gunzip(&zout, &plain, 1);
  ck_assert_uint_eq(plain.len, strlen(WANT) - strlen("last password=[REDACTED:password-assignment]"));
  free(in.data);
  free(out.data);
  free(zout.data);
  free(plain.data);
  free(full.data);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(corrupt_input) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  bytes in = {0}, out = {0};
  gz(&in, "one password=hunter2x\n", 22);
  size_t good = in.len;
  bytes_add(&in, "garbage after the member", 24);
  char msg[256];
  ck_assert_int_eq(run(m, &in, 4096, -1, &out, msg, sizeof msg), LM_ERR_FORMAT);
  assert_text(&out, "one password=[REDACTED:password-assignment]\n");
  char want[64];
  snprintf(want, sizeof want, "corrupt gzip data at byte %zu", good + 2);
  ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "message: %s", msg);
  /* a damaged deflate block: the CRC or the block structure fails */
  in.len = 0;
  out.len = 0;
  gz(&in, TEXT, strlen(TEXT));
  in.data[in.len - 6] ^= 0xff; /* inside the CRC-32/ISIZE trailer */
  ck_assert_int_eq(run(m, &in, 7, -1, &out, msg, sizeof msg), LM_ERR_FORMAT);
  ck_assert_ptr_nonnull(strstr(msg, "corrupt gzip data"));
  free(in.data);
  free(out.data);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(plain_and_arguments) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  const char *texts[] = {"x", "\x1f", "\x1fz password=hunter2x", ""};
  const char *want[] = {"x", "\x1f", "\x1fz password=[REDACTED:password-assignment]", ""};
  for (size_t i = 0; i < 4; i++) {
    bytes in = {0}, out = {0};
    bytes_add(&in, texts[i], strlen(texts[i]));
    ck_assert_int_eq(run(m, &in, 1, -1, &out, NULL, 0), LM_OK);
    ck_assert_uint_eq(out.len, strlen(want[i]));
    ck_assert(out.len == 0 || memcmp(out.data, want[i], out.len) == 0);
    free(in.data);
    free(out.data);
  }
  bytes out = {0};
  lm_stream *s = lm_stream_new(m, to_bytes, &out);
  ck_assert_int_eq(lm_stream_set_gzip(s, 2, -1), LM_ERR_ARG);
  ck_assert_int_eq(lm_stream_set_gzip(s, LM_GZIP_OFF, 10), LM_ERR_ARG);
  ck_assert_int_eq(lm_stream_set_gzip(s, LM_GZIP_OFF, 6), LM_OK);
  /* off: gzip bytes are text */
  ck_assert_int_eq(lm_stream_feed(s, "\x1f\x8b\n", 3), LM_OK);
  ck_assert_int_eq(lm_stream_set_gzip(s, LM_GZIP_AUTO, -1), LM_ERR_STATE);
  /* a flush makes everything so far readable */
  ck_assert_int_eq(lm_stream_feed(s, "password=hunter2x\n", 18), LM_OK);
  ck_assert_int_eq(lm_stream_flush(s), LM_OK);
  bytes plain = {0};
  gunzip(&out, &plain, 0);
  assert_text(&plain, "\x1f\x8b\npassword=[REDACTED:password-assignment]\n");
  ck_assert_int_eq(lm_stream_finish(s), LM_OK);
  plain.len = 0;
  gunzip(&out, &plain, 1);
  assert_text(&plain, "\x1f\x8b\npassword=[REDACTED:password-assignment]\n");
  ck_assert_str_eq(lm_strerror(LM_ERR_FORMAT), "input format error");
  lm_stream_free(s);
  free(out.data);
  free(plain.data);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("gzip");
  TCase *tc = tcase_create("gzip");
  tcase_add_test(tc, round_trip);
  tcase_add_test(tc, concatenated_members);
  tcase_add_test(tc, truncated_input);
  tcase_add_test(tc, corrupt_input);
  tcase_add_test(tc, plain_and_arguments);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return fmt_run(suite()); }
