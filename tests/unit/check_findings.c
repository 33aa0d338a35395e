/* SPDX-License-Identifier: Apache-2.0 */
/* lm_masker_find as a scanner and the monitor use it (issue 11): where a
 * known literal and a rule cover the same bytes the finding names the
 * literal, in every format the literal can hide in (class 12); and find
 * reports exactly the lines lm_masker_line changes, on the same path
 * (formats included). */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "logmask.h"

#define LIT "Zq8vLm2RtW4x"
#define LIT2 "AKIAQ7XZ2LMN4PQR5STU"

static lm_ruleset *set;

static void setup(void)
{
  set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  ck_assert_int_eq(lm_ruleset_load_defaults(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "DB_PASSWORD", LIT, strlen(LIT)), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "AWS_KEY_ID", LIT2, strlen(LIT2)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
}

static void teardown(void) { lm_ruleset_free(set); }

static lm_masker *auto_masker(void)
{
  lm_masker *m = lm_masker_new(set);
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(lm_masker_set_format(m, "auto"), LM_OK);
  return m;
}

/* Lines where a rule (or a key) covers the literal's bytes too. */
static const char *const OVERLAPS[] = {
    "login password=" LIT " user=bob",
    "{\"password\":\"" LIT "\",\"user\":\"bob\"}",
    "{\"session\":\"" LIT "\"}",
    "level=info PGPASSWORD=" LIT " host=db1",
    "<165>1 2024-05-01T10:00:00Z web01 app 42 ID47 [a@1 password=\"" LIT "\"] x",
    "url https://bob:" LIT "@db.example.com/x",
    "{\"log\":\"{\\\"password\\\":\\\"" LIT "\\\"}\\n\"}",
    "GET /login?password=Zq8vLm2R%74W4x HTTP/1.1",
    "aws key " LIT2 " used",
    "{\"env\":[{\"name\":\"AWS_ACCESS_KEY_ID\",\"value\":\"" LIT2 "\"}]}",
};

START_TEST(literal_names_the_finding)
{
  lm_masker *m = auto_masker();
  const char *line = OVERLAPS[_i];
  size_t want = strstr(line, LIT2) ? 1 : 0;
  lm_finding f[8];
  size_t n = 0;
  ck_assert_int_eq(lm_masker_find(m, line, strlen(line), f, 8, &n), LM_OK);
  ck_assert_msg(n >= 1, "no finding in %s", line);
  int named = 0;
  for (size_t i = 0; i < n && i < 8; i++)
    named |= f[i].rule == (size_t)-1 && f[i].literal == want;
  ck_assert_msg(named, "no finding names literal %zu (%s) in: %s; first finding: rule %s",
                want, lm_ruleset_literal_name(set, want), line,
                f[0].rule == (size_t)-1 ? "(literal)" : lm_ruleset_rule_id(set, f[0].rule));
  /* and the mask names it too (its ']' may be escaped: SD values) */
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, line, strlen(line), &out), LM_OK);
  char tag[64];
  snprintf(tag, sizeof tag, "[REDACTED:%s", lm_ruleset_literal_name(set, want));
  ck_assert_msg(out.text && memmem(out.text, out.len, tag, strlen(tag)),
                "the mask does not name %s: %.*s", tag, (int)out.len, out.text);
  lm_masker_free(m);
}
END_TEST

/* find reports something exactly where line changes the line. */
static const char *const LINES[] = {
    "plain line with nothing",
    "{\"level\":\"info\",\"session\":\"Ul7sEw3qMz9XkP2v\"}",
    "{\"level\":\"info\",\"msg\":\"served\"}",
    "2024-05-01T10:00:00Z stdout F {\"cookie\":\"Ul7sEw3qMz9XkP2v\"}",
    "ts=1 level=info session=Ul7sEw3qMz9XkP2v",
    "<165>1 2024-05-01T10:00:00Z web01 app 42 ID47 [a@1 session=\"Ul7s\\\"Ew3qMz9\"] x",
    "{\"log\":\"{\\\"session\\\":\\\"Ul7sEw3qMz9XkP2v\\\"}\\n\"}",
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEAzQ7kP3xv9Lw2bT1c8fYqJ0Rk5nH3Zp6sVu4Wm2Xe7Ga9BcD1",
    "-----END RSA PRIVATE KEY-----",
    "after the block",
};

START_TEST(find_agrees_with_line)
{
  lm_masker *ml = auto_masker(), *mf = auto_masker();
  for (size_t i = 0; i < sizeof LINES / sizeof LINES[0]; i++) {
    lm_line out;
    ck_assert_int_eq(lm_masker_line(ml, LINES[i], strlen(LINES[i]), &out), LM_OK);
    lm_finding f[8];
    size_t n = 0;
    ck_assert_int_eq(lm_masker_find(mf, LINES[i], strlen(LINES[i]), f, 8, &n), LM_OK);
    int changed = (out.flags & LM_LINE_CHANGED) != 0;
    ck_assert_msg(changed == (n > 0), "line %zu: masked %d, %zu findings: %s", i, changed, n,
                  LINES[i]);
    ck_assert_uint_eq(out.secrets, n);
  }
  lm_masker_free(ml);
  lm_masker_free(mf);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("findings");
  TCase *tc = tcase_create("findings");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, literal_names_the_finding, 0, sizeof OVERLAPS / sizeof OVERLAPS[0]);
  tcase_add_test(tc, find_agrees_with_line);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
