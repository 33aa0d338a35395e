/* SPDX-License-Identifier: Apache-2.0 */
/* lm_ruleset_add_env_file on a real application .env: settings skipped by
 * the ignore lists, short values skipped with one warning naming the key,
 * passwords inside URLs added on their own. */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "logmask.h"

static char dir[64];
static char diag_text[8192];
static int diag_warnings;

static void on_diag(void *ctx, lm_severity sev, const char *message) {
  (void)ctx;
  if (sev == LM_DIAG_WARNING)
    diag_warnings++;
  strncat(diag_text, message, sizeof diag_text - strlen(diag_text) - 2);
  strcat(diag_text, "\n");
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/lmenv.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  diag_text[0] = '\0';
  diag_warnings = 0;
}

static void teardown(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static const char *write_env(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  return path;
}

static lm_ruleset *new_set(void) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  lm_ruleset_set_diag(set, on_diag, NULL);
  return set;
}

/* The masked text of one line (a static buffer). */
static const char *mask(lm_masker *m, const char *line) {
  static char out[4096];
  lm_line l;
  ck_assert_int_eq(lm_masker_line(m, line, strlen(line), &l), LM_OK);
  snprintf(out, sizeof out, "%.*s", (int)l.len, l.text);
  return out;
}

/* A Django project's .env as people write it. */
static const char django_env[] =
  "# settings\n"
  "DEBUG=True\n"
  "SECRET_KEY='django-insecure-9x!k2@p#q7w$e5r'\n"
  "ALLOWED_HOSTS=example.com,localhost,127.0.0.1\n"
  "DJANGO_SETTINGS_MODULE=mysite.settings.production\n"
  "DATABASE_URL=postgres://app:s3cr%40etPW@db.internal:5432/appdb\n"
  "REDIS_URL=redis://:redispass99@cache.internal:6379/0\n"
  "AMQP_URL=amqp://guest:guest@rabbit.internal//\n"
  "EMAIL_HOST=smtp.example.org\n"
  "EMAIL_HOST_USER=mailer@example.org\n"
  "EMAIL_HOST_PASSWORD=mail-pass-4711\n"
  "EMAIL_PORT=587\n"
  "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0000/B0000/XXXXxxxxXXXX\n"
  "PIN=1234\n"
  "TIME_ZONE=Europe/Berlin\n"
  "STRIPE_API_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n";

START_TEST(django_env_defaults) {
  lm_ruleset *set = new_set();
  const char *path = write_env("django.env", django_env);
  ck_assert_int_eq(lm_ruleset_add_env_file(set, path), LM_OK);
  /* PIN (short, not ignored) warns once; DEBUG (ignored) and EMAIL_PORT
   * (ignored) do not; AMQP_URL's password "guest" is short. */
  ck_assert_int_eq(diag_warnings, 2);
  ck_assert_ptr_nonnull(strstr(diag_text, "django.env:14: PIN: value shorter than the minimum of 6 bytes, not masked"));
  ck_assert_ptr_nonnull(strstr(diag_text, "django.env:8: AMQP_URL (URL password): value shorter"));
  ck_assert_ptr_null(strstr(diag_text, "1234"));
  ck_assert_ptr_null(strstr(diag_text, "guest"));
  ck_assert_ptr_null(strstr(diag_text, "DEBUG"));
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  /* settings stay readable */
  ck_assert_str_eq(mask(m, "hosts example.com,localhost,127.0.0.1 tz Europe/Berlin"),
                   "hosts example.com,localhost,127.0.0.1 tz Europe/Berlin");
  ck_assert_str_eq(mask(m, "module mysite.settings.production via smtp.example.org as mailer@example.org"),
                   "module mysite.settings.production via smtp.example.org as mailer@example.org");
  /* secrets are masked, the URL password as written and decoded */
  ck_assert_str_eq(mask(m, "key django-insecure-9x!k2@p#q7w$e5r"), "key [REDACTED:SECRET_KEY]");
  ck_assert_str_eq(mask(m, "'PASSWORD': 's3cr@etPW', 'HOST': 'db.internal'"),
                   "'PASSWORD': '[REDACTED:DATABASE_URL]', 'HOST': 'db.internal'");
  ck_assert_str_eq(mask(m, "raw s3cr%40etPW"), "raw [REDACTED:DATABASE_URL]");
  ck_assert_str_eq(mask(m, "redis pw redispass99"), "redis pw [REDACTED:REDIS_URL]");
  ck_assert_str_eq(mask(m, "smtp login mail-pass-4711"), "smtp login [REDACTED:EMAIL_HOST_PASSWORD]");
  /* *_URL is ignored, but a key naming a secret (WEBHOOK) is not */
  ck_assert_str_eq(mask(m, "hook https://hooks.slack.com/services/T0000/B0000/XXXXxxxxXXXX"),
                   "hook [REDACTED:SLACK_WEBHOOK_URL]");
  ck_assert_str_eq(mask(m, "PIN 1234 guest"), "PIN 1234 guest");
  ck_assert_uint_eq(lm_ruleset_literal_count(set), 7);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(user_globs_and_no_defaults) {
  const char *path = write_env("app.env",
                               "APP_MODE=production\n"
                               "ALLOWED_HOSTS=example.com,localhost\n"
                               "MY_SECRET_HINT=ask-the-admin\n"
                               "DB_PASSWORD=long-password-1\n");
  /* user globs apply whatever the key says, case ignored */
  const char *globs[] = {"app_*", "*_HINT"};
  lm_ruleset *set = new_set();
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, path, globs, 2, 0), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_literal_count(set), 1);
  ck_assert_str_eq(lm_ruleset_literal_name(set, 0), "DB_PASSWORD");
  lm_ruleset_free(set);

  /* without the built-in list ALLOWED_HOSTS is a value like any other */
  set = new_set();
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, path, NULL, 0, LM_ENV_NO_DEFAULT_IGNORE),
                   LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_literal_count(set), 4);
  lm_ruleset_free(set);
  ck_assert_int_eq(diag_warnings, 0);
}
END_TEST

START_TEST(multi_line_and_errors) {
  /* a PEM value: its short last line is part of a long value, no warning */
  const char *path = write_env("pem.env", "TLS_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\n"
                                          "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
                                          "ab==\n"
                                          "-----END PRIVATE KEY-----\"\n");
  lm_ruleset *set = new_set();
  ck_assert_int_eq(lm_ruleset_add_env_file(set, path), LM_OK);
  ck_assert_int_eq(diag_warnings, 0);
  const char *globs[] = {"X"};
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, path, NULL, 1, 0), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, path, globs, 1, 0x80), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, "/nonexistent/.env", globs, 1, 0),
                   LM_ERR_IO);
  /* no dotenv loader reads it: django-environ alone would read
   * BROKEN="never closed whole, but not with blanks around '=' */
  path = write_env("bad.env", "OK_VALUE=long-enough\nBROKEN = \"never closed\n");
  ck_assert_int_eq(lm_ruleset_add_env_file_ignore(set, path, globs, 1, 0), LM_ERR_SYNTAX);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "bad.env:2:"));
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_env_file(set, path), LM_ERR_STATE);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(default_list) {
  ck_assert_str_eq(lm_env_default_ignore(0), "DEBUG");
  size_t n = 0;
  while (lm_env_default_ignore(n))
    n++;
  ck_assert_uint_gt(n, 10);
  ck_assert_ptr_null(lm_env_default_ignore(n));
  ck_assert_ptr_null(lm_env_default_ignore((size_t)-1));
  /* logmask(1) documents the list: every glob must be in it */
  const char *top = getenv("top_srcdir");
  if (!top)
    return;
  char path[1024];
  snprintf(path, sizeof path, "%s/filters/logmask.1", top);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  static char page[1 << 17];
  size_t len = fread(page, 1, sizeof page - 1, f);
  fclose(f);
  page[len] = '\0';
  const char *list = strstr(page, "The default ignore list");
  ck_assert_ptr_nonnull(list);
  list = strstr(list, ".nf\n");
  ck_assert_ptr_nonnull(list);
  const char *end = strstr(list, ".fi");
  ck_assert_ptr_nonnull(end);
  size_t documented = 0;
  for (const char *p = list; p < end; p++)
    documented += *p == ',';
  ck_assert_uint_eq(documented + 1, n); /* as many entries as the library has */
  for (size_t i = 0; i < n; i++) {
    char entry[64];
    snprintf(entry, sizeof entry, "%s,", lm_env_default_ignore(i));
    const char *at = strstr(list, entry);
    if (!at || at > end) {
      snprintf(entry, sizeof entry, "%s\n.fi", lm_env_default_ignore(i));
      at = strstr(list, entry);
    }
    ck_assert_msg(at && at <= end, "logmask.1 lacks default ignore glob %s",
                  lm_env_default_ignore(i));
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("envfile");
  TCase *tc = tcase_create("envfile");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, django_env_defaults);
  tcase_add_test(tc, user_globs_and_no_defaults);
  tcase_add_test(tc, multi_line_and_errors);
  tcase_add_test(tc, default_list);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
