/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the encoded views: percent-encoding and backslash escapes
 * are decoded for matching, and the mask covers the encoded bytes. */
#include "config.h"
#include "fmt_helpers.h"

static void literal_prep(lm_ruleset *set) {
  ck_assert_int_eq(lm_ruleset_add_literal(set, "db-pass", "p@ss/word1", 10), LM_OK);
}

START_TEST(percent_encoded) {
  lm_ruleset *set = fmt_set(NULL, literal_prep);
  lm_masker *m = fmt_masker(set, "text");
  /* URL userinfo and a query value carry a known secret percent-encoded:
   * where a rule and a known secret cover the same bytes, the mask names
   * the known secret (the one to rotate) */
  ASSERT_MASK(m, "connect postgres://app:p%40ss%2Fword1@db/x",
              "connect postgres://app:[REDACTED:db-pass]@db/x");
  ASSERT_MASK(m, "GET /login?user=bob&pw=p%40ss%2Fword1&next=%2Fhome HTTP/1.1",
              "GET /login?user=bob&pw=[REDACTED:db-pass]&next=%2Fhome HTTP/1.1");
  ASSERT_MASK(m, "GET /login?pw=p%40ss%2fword1", "GET /login?pw=[REDACTED:db-pass]");
  /* an encoded keyword */
  ASSERT_MASK(m, "q=pass%77ord%3Dhunter2x&x=1", "q=pass%77ord%3D[REDACTED:password-assignment]&x=1");
  /* not hex: untouched, no view */
  ASSERT_MASK(m, "100% done %zz %4", "100% done %zz %4");
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.literal_matches, 3);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(backslash_escapes) {
  lm_ruleset *set = fmt_set(NULL, literal_prep);
  lm_masker *m = fmt_masker(set, "text");
  ASSERT_MASK(m, "key=\\u0041KIAIOSFODNN7EXAMPLE end", "key=[REDACTED:aws-key] end");
  ASSERT_MASK(m, "k=\\x41KIAIOSFODNN7EXAMPLE", "k=[REDACTED:aws-key]");
  ASSERT_MASK(m, "url=\"https:\\/\\/app:s3cr3tPw@db\\/x\"",
              "url=\"https:\\/\\/app:[REDACTED:url-credentials]@db\\/x\"");
  ASSERT_MASK(m, "lit \"p@ss\\/word1\"", "lit \"[REDACTED:db-pass]\"");
  /* a \n-escaped PEM key inside a text line: masked line by line up to
   * its END marker, a block opened and closed in one line */
  ASSERT_MASK(m,
              "cfg key=\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKC\\nAQEA\\n"
              "-----END RSA PRIVATE KEY-----\" next=1",
              "cfg key=\"[REDACTED:pem]\\n[REDACTED:pem]\\n[REDACTED:pem]\\n"
              "-----END RSA PRIVATE KEY-----\" next=1");
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.blocks, 1);
  /* a surrogate pair and an unknown escape */
  ASSERT_MASK(m, "x=\\ud83d\\ude00 \\q \\", "x=\\ud83d\\ude00 \\q \\");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(counted_once) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "text");
  /* found by the plain scan and again in the view: one match */
  ASSERT_MASK(m, "password=hunter2x x=%41", "password=[REDACTED:password-assignment] x=%41");
  lm_rule_stats rs;
  lm_masker_rule_stats(m, 0, &rs);
  ck_assert_str_eq(rs.id, "password-assignment");
  ck_assert_uint_eq(rs.matches, 1);
  ck_assert_uint_eq(rs.bytes_masked, 8);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

typedef struct sink {
  char data[1024];
  size_t len;
} sink;

static int to_sink(void *ctx, const char *buf, size_t len) {
  sink *k = ctx;
  ck_assert_uint_le(k->len + len, sizeof k->data);
  memcpy(k->data + k->len, buf, len);
  k->len += len;
  return 0;
}

START_TEST(stream_chunks) {
  /* every chunk size gives the same result: views run on whole lines */
  static const char in[] = "a q=pass%77ord%3Dhunter2x\nb k=\\u0041KIAIOSFODNN7EXAMPLE\n";
  static const char want[] =
      "a q=pass%77ord%3D[REDACTED:password-assignment]\nb k=[REDACTED:aws-key]\n";
  lm_ruleset *set = fmt_set(NULL, NULL);
  for (size_t chunk = 1; chunk < sizeof in; chunk++) {
    lm_masker *m = fmt_masker(set, "auto");
    sink out = {.len = 0};
    lm_stream *s = lm_stream_new(m, to_sink, &out);
    ck_assert_ptr_nonnull(s);
    for (size_t off = 0; off < sizeof in - 1; off += chunk) {
      size_t n = sizeof in - 1 - off < chunk ? sizeof in - 1 - off : chunk;
      ck_assert_int_eq(lm_stream_feed(s, in + off, n), LM_OK);
    }
    ck_assert_int_eq(lm_stream_finish(s), LM_OK);
    ck_assert_uint_eq(out.len, sizeof want - 1);
    ck_assert(memcmp(out.data, want, out.len) == 0);
    lm_stream_free(s);
    lm_masker_free(m);
  }
  lm_ruleset_free(set);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("decode");
  TCase *tc = tcase_create("decode");
  tcase_add_test(tc, percent_encoded);
  tcase_add_test(tc, backslash_escapes);
  tcase_add_test(tc, counted_once);
  tcase_add_test(tc, stream_chunks);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return fmt_run(suite()); }
