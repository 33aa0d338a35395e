/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the format, decoder and gzip unit tests: a rule set
 * from inline rules, one masked line as a string, JSON validation. */
#ifndef FMT_HELPERS_H
#define FMT_HELPERS_H
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>
#include "logmask.h"

static const char TEST_RULES[] =
    "rule: password-assignment\n"
    "description: a password in k=v form\n"
    "keywords: password, passwd\n"
    "regex: (?i)(?:password|passwd)[\"']?\\s*[:=]\\s*[\"']?(?<secret>[^\\s\"',;&]+)\n"
    "match: login password=[[hunter2x]] ok\n"
    "rule: url-credentials\n"
    "description: user:password@host\n"
    "keywords: ://\n"
    "regex: \\b[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:(?<secret>[^/\\s@]+)@\n"
    "match: postgres://app:[[s3cr3tPw]]@db/app\n"
    "rule: aws-key\n"
    "description: AWS access key id\n"
    "keywords: AKIA\n"
    "regex: \\bAKIA[0-9A-Z]{16}\\b\n"
    "match: key [[AKIAIOSFODNN7EXAMPLE]] used\n"
    "rule: pem\n"
    "description: PEM private key block\n"
    "keywords: -----BEGIN\n"
    "regex: -----BEGIN [A-Z ]*PRIVATE KEY-----\n"
    "block-end: -----END [A-Z ]*PRIVATE KEY-----\n"
    "block-max-lines: 5\n"
    "match: [[-----BEGIN RSA PRIVATE KEY-----]]\n";

/* main() of each of these test programs: runs the suite, exit status from
 * the failures. */
static inline int fmt_run(Suite *suite) {
  SRunner *sr = srunner_create(suite);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A compiled set: the test rules, then `style` as the default mask (NULL:
 * redact), then `prep` for extra building calls. */
static inline lm_ruleset *fmt_set(const char *style, void (*prep)(lm_ruleset *)) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "test.rules", TEST_RULES, strlen(TEST_RULES)),
                   LM_OK);
  if (style)
    ck_assert_int_eq(lm_ruleset_set_mask(set, style, 1), LM_OK);
  if (prep)
    prep(set);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  return set;
}

/* A set without rules: only the sensitive-key labels mask. */
static inline lm_ruleset *fmt_keys_set(void) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  return set;
}

static inline lm_masker *fmt_masker(const lm_ruleset *set, const char *format) {
  lm_masker *m = lm_masker_new(set);
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(lm_masker_set_format(m, format), LM_OK);
  return m;
}

/* The masked line as a new string ("<dropped>" for a dropped one). */
static inline char *fmt_mask(lm_masker *m, const char *line) {
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, line, strlen(line), &out), LM_OK);
  if (!out.text)
    return strdup("<dropped>");
  char *s = malloc(out.len + 1);
  ck_assert_ptr_nonnull(s);
  memcpy(s, out.text, out.len);
  s[out.len] = '\0';
  return s;
}

static inline int json_valid(const char *s, size_t len) {
  yajl_handle h = yajl_alloc(NULL, NULL, NULL);
  ck_assert_ptr_nonnull(h);
  yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(h);
  yajl_free(h);
  return st == yajl_status_ok;
}

#define ASSERT_MASK(m, in, want)                 \
  do {                                           \
    char *got_ = fmt_mask(m, in);                \
    ck_assert_str_eq(got_, want);                \
    free(got_);                                  \
  } while (0)

/* Also checks that the input and the output are valid JSON. */
#define ASSERT_JSON(m, in, want)                                   \
  do {                                                             \
    ck_assert_msg(json_valid(in, strlen(in)), "input not JSON: %s", in); \
    char *got_ = fmt_mask(m, in);                                  \
    ck_assert_str_eq(got_, want);                                  \
    ck_assert_msg(json_valid(got_, strlen(got_)), "output not JSON: %s", got_); \
    free(got_);                                                    \
  } while (0)
#endif
