/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming tests: chunking never changes the output, lines are never
 * lost or split, long lines are windowed without letting secrets out. */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "logmask.h"

static const char RULES[] =
    "rule: password-assignment\ndescription: d\nkeywords: password\n"
    "regex: (?i)password[\"']?\\s*[:=]\\s*[\"']?(?<secret>[^\\s\"',;&]+)\n"
    "rule: token\ndescription: d\nkeywords: tok_\nregex: \\btok_[A-Za-z0-9]{20,40}\\b\n"
    "rule: pem\ndescription: d\nkeywords: -----BEGIN\nregex: -----BEGIN [A-Z ]*PRIVATE KEY-----\n"
    "block-end: -----END [A-Z ]*PRIVATE KEY-----\n";

typedef struct sink {
  char *data;
  size_t len, cap;
  int fail_after; /* fail the n-th write (0: never) */
  int writes;
} sink;

static int sink_write(void *ctx, const char *buf, size_t len) {
  sink *s = ctx;
  s->writes++;
  if (s->fail_after && s->writes >= s->fail_after)
    return -1;
  if (s->len + len + 1 > s->cap) {
    s->cap = (s->len + len + 1) * 2;
    s->data = realloc(s->data, s->cap);
  }
  memcpy(s->data + s->len, buf, len);
  s->len += len;
  s->data[s->len] = '\0';
  return 0;
}

static lm_ruleset *set;
static void setup(void) {
  set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "s", RULES, strlen(RULES)), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "LIT", "Xy9!Literal", 11), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
}
static void teardown(void) { lm_ruleset_free(set); }

/* Masks `in` fed in chunks of `chunk` bytes (0: whole). */
static sink run(const char *in, size_t len, size_t chunk, size_t max_line, size_t overlap) {
  sink out = {0};
  lm_masker *m = lm_masker_new(set);
  lm_stream *s = lm_stream_new(m, sink_write, &out);
  if (max_line)
    ck_assert_int_eq(lm_stream_set_limits(s, max_line, overlap), LM_OK);
  if (!chunk)
    chunk = len ? len : 1;
  for (size_t i = 0; i < len; i += chunk)
    ck_assert_int_eq(lm_stream_feed(s, in + i, len - i < chunk ? len - i : chunk), LM_OK);
  ck_assert_int_eq(lm_stream_finish(s), LM_OK);
  ck_assert_int_eq(lm_stream_feed(s, "x", 1), LM_ERR_STATE);
  ck_assert_int_eq(lm_stream_finish(s), LM_ERR_STATE);
  lm_stream_free(s);
  lm_masker_free(m);
  if (!out.data)
    out.data = calloc(1, 1);
  return out;
}

/* A corpus of mixed lines, deterministic. */
static char *corpus(size_t *len) {
  static const char *const lines[] = {
      "Jan 12 10:00:01 host sshd[42]: Accepted publickey for root from 10.0.0.1",
      "password=hunter2hunter2 user=alice",
      "{\"level\":\"info\",\"password\": \"s3cr3t-value\",\"n\":1}",
      "GET /api?tok_abcdefghijklmnopqrstu1234=1 HTTP/1.1",
      "auth with tok_ABCDEFGHIJKLMNOPQRSTUVWX and Xy9!Literal",
      "crlf line password: abcdefgh\r",
      "",
      "invalid utf8 \xff\xfe\xc3 password=\xc3\xa9t\xc3\xa9\xff",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecretbody\n-----END RSA PRIVATE KEY-----",
      "plain line with nothing",
  };
  size_t n = sizeof lines / sizeof lines[0];
  char *buf = malloc(64 * 1024);
  size_t o = 0;
  unsigned x = 12345;
  for (int i = 0; i < 300; i++) {
    x = x * 1103515245u + 12345u;
    const char *l = lines[(x >> 16) % n];
    size_t k = strlen(l);
    memcpy(buf + o, l, k);
    o += k;
    buf[o++] = '\n';
    if (i % 37 == 0) { /* a NUL byte inside a line */
      memcpy(buf + o, "nul\0byte password=p4ssw0rd!\n", 29);
      o += 29;
    }
  }
  memcpy(buf + o, "last line without newline password=zzzzyyyy", 44);
  o += 44;
  *len = o;
  return buf;
}

static size_t count_nl(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += s[i] == '\n';
  return c;
}

START_TEST(chunking_is_invisible) {
  size_t len;
  char *in = corpus(&len);
  sink whole = run(in, len, 0, 0, 0);
  ck_assert_uint_eq(count_nl(whole.data, whole.len), count_nl(in, len));
  ck_assert_ptr_null(memmem(whole.data, whole.len, "hunter2hunter2", 14));
  ck_assert_ptr_null(memmem(whole.data, whole.len, "Xy9!Literal", 11));
  ck_assert_ptr_null(memmem(whole.data, whole.len, "secretbody", 10));
  ck_assert_ptr_null(memmem(whole.data, whole.len, "zzzzyyyy", 8));
  ck_assert_ptr_null(memmem(whole.data, whole.len, "p4ssw0rd", 8));
  /* bytes outside masks pass unchanged: CR, NUL, invalid UTF-8 */
  ck_assert_ptr_nonnull(memmem(whole.data, whole.len, "crlf line password: [REDACTED:password-assignment]\r\n", 52));
  ck_assert_ptr_nonnull(memmem(whole.data, whole.len, "invalid utf8 \xff\xfe\xc3 password=[REDACTED", 32));
  ck_assert_ptr_nonnull(memmem(whole.data, whole.len, "nul\0byte password=[REDACTED", 27));
  ck_assert(whole.data[whole.len - 1] != '\n');
  for (size_t chunk = 1; chunk <= 31; chunk++) {
    sink part = run(in, len, chunk, 0, 0);
    ck_assert_uint_eq(part.len, whole.len);
    ck_assert_msg(memcmp(part.data, whole.data, whole.len) == 0, "chunk %zu differs", chunk);
    free(part.data);
  }
  free(whole.data);
  free(in);
}
END_TEST

START_TEST(empty_and_newline_only) {
  sink a = run("", 0, 0, 0, 0);
  ck_assert_uint_eq(a.len, 0);
  free(a.data);
  sink b = run("\n\n\n", 3, 1, 0, 0);
  ck_assert_uint_eq(b.len, 3);
  ck_assert_str_eq(b.data, "\n\n\n");
  free(b.data);
}
END_TEST

/* A line far longer than the limit: windows of 256 bytes overlapping by 64.
 * Every secret (with its key) no longer than the overlap must be masked
 * wherever it falls, at every chunking. */
START_TEST(long_line_windows) {
  char line[8192];
  size_t o = 0;
  int secrets = 0;
  while (o < sizeof line - 200) {
    o += (size_t)snprintf(line + o, sizeof line - o, "filler %d ", (int)o);
    if ((o / 7) % 3 == 0) {
      o += (size_t)snprintf(line + o, sizeof line - o, "tok_S%05dabcdefghijklmnop ", secrets++);
    }
  }
  line[o++] = '\n';
  sink whole = run(line, o, 0, 256, 64);
  ck_assert_ptr_null(memmem(whole.data, whole.len, "tok_S", 5));
  ck_assert_uint_eq(count_nl(whole.data, whole.len), 1);
  ck_assert_ptr_nonnull(strstr(whole.data, "filler"));
  for (size_t chunk = 1; chunk <= 31; chunk += 3) {
    sink part = run(line, o, chunk, 256, 64);
    ck_assert_uint_eq(part.len, whole.len);
    ck_assert(memcmp(part.data, whole.data, whole.len) == 0);
    free(part.data);
  }
  ck_assert_int_gt(secrets, 10);
  free(whole.data);

  lm_masker *m = lm_masker_new(set);
  sink out = {0};
  lm_stream *s = lm_stream_new(m, sink_write, &out);
  ck_assert_int_eq(lm_stream_set_limits(s, 100, 50), LM_ERR_ARG); /* overlap too big */
  ck_assert_int_eq(lm_stream_set_limits(s, 10, 1), LM_ERR_ARG);   /* limit too small */
  ck_assert_int_eq(lm_stream_feed(s, line, o), LM_OK);
  ck_assert_int_eq(lm_stream_finish(s), LM_OK);
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.lines, 1);
  ck_assert_uint_eq(t.long_lines, 0); /* under the default 1 MiB */
  lm_stream_free(s);
  lm_masker_free(m);
  free(out.data);
}
END_TEST

START_TEST(writer_failure) {
  lm_masker *m = lm_masker_new(set);
  sink out = {.fail_after = 1};
  lm_stream *s = lm_stream_new(m, sink_write, &out);
  lm_stream_set_line_buffered(s, 1);
  ck_assert_int_eq(lm_stream_feed(s, "a\nb\n", 4), LM_ERR_WRITE);
  ck_assert_int_eq(lm_stream_feed(s, "c\n", 2), LM_ERR_WRITE);
  lm_stream_free(s);
  free(out.data);
  /* batched: the failure shows at finish */
  sink out2 = {.fail_after = 1};
  s = lm_stream_new(m, sink_write, &out2);
  ck_assert_int_eq(lm_stream_feed(s, "a\nb", 3), LM_OK);
  ck_assert_int_eq(lm_stream_flush(s), LM_ERR_WRITE);
  ck_assert_int_eq(lm_stream_finish(s), LM_ERR_WRITE);
  lm_stream_free(s);
  lm_masker_free(m);
  free(out2.data);
}
END_TEST

START_TEST(line_buffered_writes_each_line) {
  lm_masker *m = lm_masker_new(set);
  sink out = {0};
  lm_stream *s = lm_stream_new(m, sink_write, &out);
  lm_stream_set_line_buffered(s, 1);
  ck_assert_int_eq(lm_stream_feed(s, "one\ntw", 6), LM_OK);
  ck_assert_str_eq(out.data, "one\n");
  ck_assert_int_eq(lm_stream_feed(s, "o password=abcdefgh\n", 20), LM_OK);
  ck_assert_str_eq(out.data, "one\ntwo password=[REDACTED:password-assignment]\n");
  ck_assert_int_eq(lm_stream_finish(s), LM_OK);
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.lines, 2);
  ck_assert_uint_eq(t.lines_masked, 1);
  ck_assert_uint_eq(t.bytes, 26);
  lm_stream_free(s);
  lm_masker_free(m);
  free(out.data);
}
END_TEST

int main(void) {
  Suite *su = suite_create("stream");
  TCase *tc = tcase_create("stream");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, chunking_is_invisible);
  tcase_add_test(tc, empty_and_newline_only);
  tcase_add_test(tc, long_line_windows);
  tcase_add_test(tc, writer_failure);
  tcase_add_test(tc, line_buffered_writes_each_line);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
