/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of liblogmask's engine through the public API. */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "logmask.h"

/* the built-in labels that follow the rules in the rule table */
#define NLABELS 6

static const char RULES[] =
    "# test rules\n"
    "rule: password-assignment\n"
    "description: a password in k=v form\n"
    "keywords: password, passwd\n"
    "regex: (?i)(?:password|passwd)[\"']?\\s*[:=]\\s*[\"']?(?<secret>[^\\s\"',;&]+)\n"
    "min-entropy: 1.0\n"
    "match: login password=[[hunter2x]] ok\n"
    "nomatch: password=${DB_PASSWORD}\n"
    "rule: aws-key\n"
    "description: AWS access key id\n"
    "keywords: AKIA\n"
    "regex: \\bAKIA[0-9A-Z]{16}\\b\n"
    "match: key [[AKIAIOSFODNN7EXAMPLE]] used\n"
    "nomatch: AKIA123\n"
    "rule: pem\n"
    "description: PEM private key block\n"
    "keywords: -----BEGIN\n"
    "regex: -----BEGIN [A-Z ]*PRIVATE KEY-----\n"
    "block-end: -----END [A-Z ]*PRIVATE KEY-----\n"
    "block-max-lines: 5\n"
    "match: [[-----BEGIN RSA PRIVATE KEY-----]]\n";

static lm_ruleset *make_set(const char *extra_style) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_ptr_nonnull(set);
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "test.rules", RULES, strlen(RULES)), LM_OK);
  if (extra_style)
    ck_assert_int_eq(lm_ruleset_set_mask(set, extra_style, 1), LM_OK);
  return set;
}

static char *mask1(lm_masker *m, const char *line) {
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, line, strlen(line), &out), LM_OK);
  if (!out.text)
    return strdup("<dropped>");
  char *s = malloc(out.len + 1);
  memcpy(s, out.text, out.len);
  s[out.len] = '\0';
  return s;
}

#define ASSERT_MASK(m, in, want)                 \
  do {                                           \
    char *got_ = mask1(m, in);                   \
    ck_assert_str_eq(got_, want);                \
    free(got_);                                  \
  } while (0)

/* ---- version and errors ---- */
START_TEST(version_and_strerror) {
  ck_assert_str_eq(lm_version(), LM_VERSION_STRING);
  ck_assert_str_eq(lm_strerror(LM_OK), "success");
  for (int s = LM_OK; s <= LM_ERR_LIMIT; s++)
    ck_assert_ptr_nonnull(lm_strerror((lm_status)s));
  ck_assert_str_eq(lm_strerror((lm_status)999), "unknown status");
  lm_ruleset_free(NULL);
  lm_masker_free(NULL);
  lm_stream_free(NULL);
}
END_TEST

/* ---- rule-file parsing: every error path names file:line:col ---- */
static void expect_load_error(const char *text, lm_status want, const char *msg_part,
                              unsigned long line, unsigned long col) {
  lm_ruleset *set = lm_ruleset_new();
  lm_status st = lm_ruleset_load_buffer(set, "bad.rules", text, strlen(text));
  const lm_error *e = lm_ruleset_error(set);
  ck_assert_msg(st == want, "status %d, want %d for <<%s>>: %s", st, want, text, e->message);
  ck_assert_msg(strstr(e->message, msg_part) != NULL, "message '%s' lacks '%s'", e->message,
                msg_part);
  ck_assert_str_eq(e->file, "bad.rules");
  ck_assert_uint_eq(e->line, line);
  if (col)
    ck_assert_uint_eq(e->column, col);
  /* nothing of a failed file is kept: only the built-in labels */
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_rule_count(set), NLABELS);
  lm_ruleset_free(set);
}

#define HDR "rule: r1\ndescription: d\nkeywords: kw\n"
START_TEST(parse_errors) {
  expect_load_error("description: x\n", LM_ERR_SYNTAX, "before the first 'rule:'", 1, 1);
  expect_load_error("rule: Bad_Id\n", LM_ERR_SYNTAX, "invalid rule id", 1, 7);
  expect_load_error(HDR "regex: a\nbogus: 1\n", LM_ERR_SYNTAX, "unknown field 'bogus'", 5, 1);
  expect_load_error(HDR "regex: a(b\n", LM_ERR_REGEX, "regex error at offset 3", 4, 11);
  expect_load_error(HDR "regex: a\nregex: b\n", LM_ERR_SYNTAX, "given twice", 5, 1);
  expect_load_error("rule: r1\ndescription: d\nregex: a\n", LM_ERR_SYNTAX,
                    "missing field 'keywords'", 1, 1);
  expect_load_error("rule: r1\nkeywords: k1\nregex: a\n", LM_ERR_SYNTAX,
                    "missing field 'description'", 1, 1);
  expect_load_error("rule: r1\ndescription: d\nkeywords: kw\n", LM_ERR_SYNTAX,
                    "missing field 'regex'", 1, 1);
  expect_load_error(HDR "regex: a\nrule: r1\n", LM_ERR_DUPLICATE, "duplicate rule id 'r1'", 5, 7);
  expect_load_error("rule: r1\ndescription: d\nkeywords: ab, x\nregex: a\n", LM_ERR_SYNTAX,
                    "shorter than 2 bytes", 3, 15);
  expect_load_error(HDR "regex: a\nmatch: no markers here\n", LM_ERR_SYNTAX, "marks no secret", 5, 8);
  expect_load_error(HDR "regex: a\nmatch: [[open\n", LM_ERR_SYNTAX, "'[[' without ']]'", 5, 8);
  expect_load_error(HDR "regex: a\nmin-entropy: lots\n", LM_ERR_SYNTAX, "expected a number", 5, 14);
  expect_load_error(HDR "regex: a\nmin-entropy: 9\n", LM_ERR_SYNTAX, "from 0 to 8", 5, 14);
  expect_load_error(HDR "regex: a\ncheck: md5\n", LM_ERR_SYNTAX, "unknown check 'md5'", 5, 8);
  expect_load_error(HDR "regex: a\nmask: blur\n", LM_ERR_SYNTAX, "unknown mask style", 5, 7);
  expect_load_error(HDR "regex: a\ndefault: maybe\n", LM_ERR_SYNTAX, "'on' or 'off'", 5, 10);
  expect_load_error(HDR "regex: a\nplaceholders: x\n", LM_ERR_SYNTAX, "'skip' or 'mask'", 5, 15);
  expect_load_error(HDR "regex: a\nplaceholders: masks\n", LM_ERR_SYNTAX, "'skip' or 'mask'", 5,
                    15);
  expect_load_error(HDR "regex: a\nvalue-end: tok\n", LM_ERR_SYNTAX, "'token' or 'regex'", 5, 12);
  expect_load_error(HDR "regex: a\nblock-open: hide\n", LM_ERR_SYNTAX,
                    "'mask' or 'keep', not 'hide'", 5, 13);
  expect_load_error(HDR "regex: a\nallow: (\n", LM_ERR_REGEX, "regex error", 5, 0);
  expect_load_error(HDR "regex: a\nblock-max-lines: 3\n", LM_ERR_SYNTAX, "without 'block-end'", 1, 1);
  expect_load_error(HDR "regex: a\ndescription:\n", LM_ERR_SYNTAX, "empty value", 5, 0);
  expect_load_error(HDR "just words\n", LM_ERR_SYNTAX, "expected 'field: value'", 4, 5);
  expect_load_error(HDR "regex: a\ngroup: Not Valid\n", LM_ERR_SYNTAX, "invalid group", 5, 8);
}
END_TEST

START_TEST(load_path_errors) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_path(set, "/nonexistent/x.rules"), LM_ERR_IO);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "/nonexistent/x.rules"));
  char dir[] = "/tmp/lmtest.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char p[256];
  snprintf(p, sizeof p, "%s/b.rules", dir);
  FILE *f = fopen(p, "w");
  fputs("rule: second\ndescription: d\nkeywords: kw\nregex: kw2\n", f);
  fclose(f);
  snprintf(p, sizeof p, "%s/a.rules", dir);
  f = fopen(p, "w");
  fputs("rule: first\ndescription: d\nkeywords: kw\nregex: kw1\n", f);
  fclose(f);
  snprintf(p, sizeof p, "%s/ignored.txt", dir);
  f = fopen(p, "w");
  fputs("not rules\n", f);
  fclose(f);
  ck_assert_int_eq(lm_ruleset_load_path(set, dir), LM_OK);
  size_t regex_rules = 99;
  ck_assert_uint_eq(lm_ruleset_jit_count(set, &regex_rules), 0); /* not compiled */
  ck_assert_uint_eq(regex_rules, 0);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_rule_count(set), 2 + NLABELS);
  /* the labels have no regex; where the platform grants JIT memory (the
   * PCRE2 build says so and an executable mapping is allowed) both run JIT */
  ck_assert_uint_le(lm_ruleset_jit_count(set, &regex_rules), 2);
  ck_assert_uint_eq(regex_rules, 2);
  uint32_t have_jit = 0;
  pcre2_config(PCRE2_CONFIG_JIT, &have_jit);
  void *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (rwx != MAP_FAILED) {
    munmap(rwx, 4096);
    if (have_jit)
      ck_assert_uint_eq(lm_ruleset_jit_count(set, NULL), 2);
  }
  ck_assert_str_eq(lm_ruleset_rule_id(set, 0), "first"); /* name order */
  ck_assert_str_eq(lm_ruleset_rule_id(set, 1), "second");
  ck_assert_str_eq(lm_ruleset_rule_id(set, 2), "json-sensitive-key"); /* labels follow */
  ck_assert_str_eq(lm_ruleset_rule_group(set, 2), "builtin");
  ck_assert_ptr_null(lm_ruleset_rule_id(set, 2 + NLABELS));
  ck_assert_int_eq(lm_ruleset_load_path(set, dir), LM_ERR_STATE);
  lm_ruleset_free(set);
  snprintf(p, sizeof p, "rm -rf %s", dir);
  ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(inline_tests_run) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  size_t run = 0, failed = 9;
  ck_assert_int_eq(lm_ruleset_test(set, &run, &failed), LM_OK);
  ck_assert_uint_eq(run, 5);
  ck_assert_uint_eq(failed, 0);
  lm_ruleset_free(set);

  /* a wrong expectation is reported */
  static const char bad[] = "rule: r\ndescription: d\nkeywords: tok\n"
                            "regex: tok=(?<secret>\\w+)\n"
                            "match: tok=[[abc]]def\n"     /* masks abcdef: wrong span */
                            "match: [[zzz]]\n"            /* no keyword */
                            "nomatch: tok=abc\n";         /* is masked */
  set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "bad", bad, strlen(bad)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_test(set, &run, &failed), LM_ERR_TEST);
  ck_assert_uint_eq(run, 3);
  ck_assert_uint_eq(failed, 3);
  lm_ruleset_free(set);
}
END_TEST

/* ---- masking ---- */
START_TEST(redact_keeps_key_and_context) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  ASSERT_MASK(m, "user=bob password=hunter2x x=1",
              "user=bob password=[REDACTED:password-assignment] x=1");
  ASSERT_MASK(m, "{\"password\": \"s3cr3t!!\"}",
              "{\"password\": \"[REDACTED:password-assignment]\"}");
  ASSERT_MASK(m, "nothing here", "nothing here");
  /* placeholders are left alone, and masking is idempotent */
  ASSERT_MASK(m, "password=${DB_PASSWORD}", "password=${DB_PASSWORD}");
  ASSERT_MASK(m, "password=<your password>", "password=<your password>");
  ASSERT_MASK(m, "password=changeme", "password=changeme");
  ASSERT_MASK(m, "password=[REDACTED:password-assignment]",
              "password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "two AKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPL2",
              "two [REDACTED:aws-key] [REDACTED:aws-key]");
  /* a value once shown secret is masked wherever it repeats in the line */
  ASSERT_MASK(m, "password=Dup1icateSecret retry with Dup1icateSecret!",
              "password=[REDACTED:password-assignment] retry with [REDACTED:password-assignment]!");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(styles) {
  const char *line = "password=abcdefghijklmnop end";
  struct { const char *style, *want; } cases[] = {
      {"stars", "password=**************** end"},
      {"partial:2:2", "password=ab************op end"},
      /* a quarter of 16 is 4: 8+8 is scaled down */
      {"partial:8:8", "password=ab************op end"},
      {"partial:0:3", "password=*************nop end"},
      {"redact:<%r|%%>", "password=<password-assignment|%> end"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lm_ruleset *set = make_set(cases[i].style);
    ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
    lm_masker *m = lm_masker_new(set);
    ASSERT_MASK(m, line, cases[i].want);
    lm_masker_free(m);
    lm_ruleset_free(set);
  }
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_set_mask(set, "blur", 1), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_set_mask(set, "partial:1", 1), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_set_mask(set, "redact:a\nb", 1), LM_ERR_ARG);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(drop_style) {
  lm_ruleset *set = make_set("drop");
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, "password=abcdefgh", 17, &out), LM_OK);
  ck_assert_ptr_null(out.text);
  ck_assert(out.flags & LM_LINE_DROPPED);
  ASSERT_MASK(m, "clean", "clean");
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.lines_dropped, 1);
  ck_assert_uint_eq(t.lines, 2);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

static char keyfile[64];
static void write_key(const char *content, mode_t mode) {
  strcpy(keyfile, "/tmp/lmkey.XXXXXX");
  int fd = mkstemp(keyfile);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, content, strlen(content)), (int)strlen(content));
  close(fd);
  chmod(keyfile, mode);
}

START_TEST(hash_style) {
  lm_ruleset *set = make_set("hash");
  /* no key: refused, never an unkeyed hash */
  ck_assert_int_eq(lm_ruleset_compile(set), LM_ERR_KEY);
  write_key("0123456789abcdef0123456789abcdef\n", 0644);
  ck_assert_int_eq(lm_ruleset_set_hash_key_file(set, keyfile, "k7"), LM_ERR_KEY);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "group or others"));
  chmod(keyfile, 0600);
  ck_assert_int_eq(lm_ruleset_set_hash_key_file(set, keyfile, "bad id!"), LM_ERR_KEY);
  ck_assert_int_eq(lm_ruleset_set_hash_key_file(set, keyfile, "k7"), LM_OK);
  unlink(keyfile);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  /* HMAC-SHA256("0123456789abcdef0123456789abcdef", "hunter2x"), first 8 bytes;
   * reference: printf hunter2x | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef */
  char *a = mask1(m, "password=hunter2x");
  char *b = mask1(m, "passwd: hunter2x");
  ck_assert_ptr_nonnull(strstr(a, "[password-assignment:k7:"));
  ck_assert_str_eq(a + strlen("password="), b + strlen("passwd: "));
  ck_assert_str_eq(a, "password=[password-assignment:k7:e0e2d137fa81b868]");
  unsigned char fp[32];
  int keyed = 0;
  ck_assert_int_eq(lm_ruleset_fingerprint(set, "hunter2x", 8, fp, &keyed), LM_OK);
  ck_assert_int_eq(keyed, 1);
  ck_assert_uint_eq(fp[0], 0xe0); /* same HMAC as the tag */
  ck_assert_uint_eq(fp[7], 0x68);
  ck_assert_int_eq(lm_ruleset_fingerprint(NULL, "x", 1, fp, NULL), LM_ERR_ARG);
  free(a);
  free(b);
  lm_masker_free(m);
  lm_ruleset_free(set);

  set = make_set(NULL);
  write_key("short", 0600);
  ck_assert_int_eq(lm_ruleset_set_hash_key_file(set, keyfile, NULL), LM_ERR_KEY);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "at least 32"));
  unlink(keyfile);
  ck_assert_int_eq(lm_ruleset_set_hash_key_file(set, "/nonexistent", NULL), LM_ERR_KEY);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(overlaps_merge) {
  static const char rules[] =
      "rule: outer\ndescription: d\nkeywords: key\nregex: key=(?<secret>\\w{8,})\n"
      "rule: inner\ndescription: d\nkeywords: ABCD\nregex: ABCD\\S{4}\n";
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "o", rules, strlen(rules)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  /* inner lies within outer: one mask, labelled by the leftmost part */
  ASSERT_MASK(m, "key=xxABCDwxyz99 tail", "key=[REDACTED:outer] tail");
  /* inner sticks out to the left of outer's secret: union */
  ASSERT_MASK(m, "ABCDkey=12345678", "[REDACTED:inner]");
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, "ABCDkey=12345678", 16, &out), LM_OK);
  ck_assert_uint_eq(out.secrets, 1);
  lm_finding f[4];
  size_t n = 0;
  ck_assert_int_eq(lm_masker_find(m, "a key=12345678 b ABCD1234", 25, f, 4, &n), LM_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(f[0].start, 6);
  ck_assert_uint_eq(f[0].end, 14);
  ck_assert_str_eq(lm_ruleset_rule_id(set, f[0].rule), "outer");
  ck_assert_uint_eq(f[1].start, 17);
  ck_assert_str_eq(lm_ruleset_rule_id(set, f[1].rule), "inner");
  /* more findings than room: the rest fetched, the line counted once */
  lm_totals before, after;
  lm_masker_totals(m, &before);
  ck_assert_int_eq(lm_masker_find(m, "a key=12345678 b ABCD1234", 25, f, 1, &n), LM_OK);
  ck_assert_uint_eq(n, 2);
  lm_finding rest[4];
  size_t got = 9;
  ck_assert_int_eq(lm_masker_found(m, 1, rest, 4, &got), LM_OK);
  ck_assert_uint_eq(got, 1);
  ck_assert_uint_eq(rest[0].start, 17);
  ck_assert_int_eq(lm_masker_found(m, 0, rest, 4, &got), LM_OK);
  ck_assert_uint_eq(got, 2);
  ck_assert_uint_eq(rest[0].start, 6);
  ck_assert_int_eq(lm_masker_found(m, 5, rest, 4, &got), LM_OK);
  ck_assert_uint_eq(got, 0);
  lm_masker_totals(m, &after);
  ck_assert_uint_eq(after.lines, before.lines + 1);
  ck_assert_int_eq(lm_masker_found(m, 0, NULL, 1, &got), LM_ERR_ARG);
  /* only right after a find */
  ck_assert_int_eq(lm_masker_line(m, "x", 1, &out), LM_OK);
  ck_assert_int_eq(lm_masker_found(m, 0, rest, 4, &got), LM_ERR_STATE);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(literals) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "DB_PASS", "abc", 3), LM_ERR_SHORT);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "DB_PASS"));
  ck_assert_int_eq(lm_ruleset_add_literal(set, "BAD", "abc\ndefgh", 9), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "DB_PASS", "Tr0ub4dor&3", 11), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, NULL, "Zq9\0binary", 10), LM_OK);
  ck_assert_int_eq(lm_ruleset_set_min_literal(set, 0), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_add_literal(set, "late", "abcdefgh", 8), LM_ERR_STATE);
  ck_assert_uint_eq(lm_ruleset_literal_count(set), 2);
  ck_assert_str_eq(lm_ruleset_literal_name(set, 0), "DB_PASS");
  ck_assert_str_eq(lm_ruleset_literal_name(set, 1), "known-secret");
  lm_masker *m = lm_masker_new(set);
  ASSERT_MASK(m, "connect with Tr0ub4dor&3 now", "connect with [REDACTED:DB_PASS] now");
  /* exact bytes only: a case variant is a different value */
  ASSERT_MASK(m, "connect with tr0ub4dor&3 now", "connect with tr0ub4dor&3 now");
  /* two occurrences side by side: one mask, counted once */
  ASSERT_MASK(m, "xTr0ub4dor&3Tr0ub4dor&3", "x[REDACTED:DB_PASS]");
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, "a Zq9\0binary b", 14, &out), LM_OK);
  ck_assert_uint_eq(out.len, strlen("a [REDACTED:known-secret] b"));
  ck_assert_int_eq(memcmp(out.text, "a [REDACTED:known-secret] b", out.len), 0);
  lm_finding f[2];
  size_t n;
  ck_assert_int_eq(lm_masker_find(m, "Tr0ub4dor&3", 11, f, 2, &n), LM_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert(f[0].rule == (size_t)-1);
  ck_assert_uint_eq(f[0].literal, 0);
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.literal_matches, 4);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(default_format_is_auto) {
  static const char rules[] =
      "rule: r\ndescription: d\nkeywords: zzkw\nregex: zzkw(?<secret>\\d+)\n";
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "r", rules, strlen(rules)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  /* JSON and logfmt read by key without being told the format */
  ASSERT_MASK(m, "{\"api_key\":\"abcdef123\"}", "{\"api_key\":\"[REDACTED:json-sensitive-key]\"}");
  ASSERT_MASK(m, "user=bob secret=abcdef", "user=bob secret=[REDACTED:logfmt-sensitive-key]");
  ck_assert_int_eq(lm_masker_set_format(m, "text"), LM_OK);
  ASSERT_MASK(m, "user=bob secret=abcdef", "user=bob secret=abcdef");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(prefilter_gates_rules) {
  static const char rules[] =
      "rule: gated\ndescription: d\nkeywords: zzkw\nregex: secret=(?<secret>\\w+)\n";
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "g", rules, strlen(rules)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  /* text: what is tested is the rule alone (as logfmt, "auto", the
   * default, masks `secret` by its key name) */
  ck_assert_int_eq(lm_masker_set_format(m, "text"), LM_OK);
  ASSERT_MASK(m, "secret=abcdef", "secret=abcdef");
  lm_rule_stats rs;
  lm_masker_rule_stats(m, 0, &rs);
  ck_assert_uint_eq(rs.lines_tested, 0);
  ASSERT_MASK(m, "ZZKW secret=abcdef", "ZZKW secret=[REDACTED:gated]");
  lm_masker_rule_stats(m, 0, &rs);
  ck_assert_uint_eq(rs.lines_tested, 1);
  ck_assert_uint_eq(rs.matches, 1);
  ck_assert_uint_eq(rs.bytes_masked, 6);
  lm_masker_rule_stats(m, 1 + NLABELS, &rs);
  ck_assert_ptr_null(rs.id);
  lm_masker_free(m);
  lm_ruleset_free(set);

  /* keywords-cased: the folded automaton hit must match the case too */
  static const char cased[] =
      "rule: cased\ndescription: d\nkeywords-cased: MTA, Nz\nregex: \\b[MN]\\w{6}\\b\n"
      "match: id [[MTAxyzw]] ok\nnomatch: the mtaxyzw lower\n";
  set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "c", cased, strlen(cased)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  size_t run, failed;
  ck_assert_int_eq(lm_ruleset_test(set, &run, &failed), LM_OK);
  m = lm_masker_new(set);
  ASSERT_MASK(m, "a mtaxyzw b", "a mtaxyzw b");
  ASSERT_MASK(m, "a MtAxyzw b", "a MtAxyzw b");
  lm_masker_rule_stats(m, 0, &rs);
  ck_assert_uint_eq(rs.lines_tested, 0);
  ASSERT_MASK(m, "a MTAxyzw b", "a [REDACTED:cased] b");
  ASSERT_MASK(m, "a Nzabcde b", "a [REDACTED:cased] b");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(enable_disable_groups) {
  static const char rules[] =
      "rule: on-rule\ndescription: d\nkeywords: tok\nregex: tok\\d+\n"
      "rule: off-rule\ndescription: d\ngroup: pii\ndefault: off\nkeywords: mail\nregex: mail\\d+\n";
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "g", rules, strlen(rules)), LM_OK);
  ck_assert_int_eq(lm_ruleset_enable(set, "nosuch"), LM_ERR_ARG);
  ck_assert_int_eq(lm_ruleset_enable(set, "pii"), LM_OK);
  ck_assert_int_eq(lm_ruleset_disable(set, "on-rule"), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_rule_count(set), 1 + NLABELS);
  ck_assert_str_eq(lm_ruleset_rule_id(set, 0), "off-rule");
  lm_masker *m = lm_masker_new(set);
  ASSERT_MASK(m, "tok1 mail2", "tok1 [REDACTED:off-rule]");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(limit_trip_masks_line) {
  static const char rules[] =
      "rule: bomb\ndescription: catastrophic on purpose\nkeywords: aaaa\nregex: (a|aa)+$\n";
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_load_buffer(set, "b", rules, strlen(rules)), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  char line[200];
  memset(line, 'a', 120);
  strcpy(line + 120, "b\r");
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, line, strlen(line), &out), LM_OK);
  ck_assert(out.flags & LM_LINE_LIMIT);
  ck_assert_uint_eq(out.len, strlen("[REDACTED:match-limit]\r"));
  ck_assert_int_eq(memcmp(out.text, "[REDACTED:match-limit]\r", out.len), 0);
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.limit_trips, 1);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(pem_block) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  ASSERT_MASK(m, "key: -----BEGIN RSA PRIVATE KEY-----", "key: [REDACTED:pem]");
  ASSERT_MASK(m, "  MIIEowIBAAKCAQEA\r", "  [REDACTED:pem]\r");
  ASSERT_MASK(m, "abc-----END RSA PRIVATE KEY-----", "[REDACTED:pem]-----END RSA PRIVATE KEY-----");
  ASSERT_MASK(m, "after", "after");
  /* unterminated: stops at the bound */
  ASSERT_MASK(m, "-----BEGIN EC PRIVATE KEY-----", "[REDACTED:pem]");
  for (int i = 0; i < 5; i++)
    ASSERT_MASK(m, "bodyline", "[REDACTED:pem]");
  ASSERT_MASK(m, "bodyline", "bodyline");
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.blocks, 2);
  ck_assert_uint_eq(t.blocks_unterminated, 1);
  /* reset forgets an open block */
  ASSERT_MASK(m, "-----BEGIN EC PRIVATE KEY-----", "[REDACTED:pem]");
  lm_masker_reset(m);
  ASSERT_MASK(m, "bodyline", "bodyline");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(stats_json) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set), *m2 = lm_masker_new(set);
  char *r = mask1(m, "password=hunter2x");
  free(r);
  r = mask1(m2, "key AKIAIOSFODNN7EXAMPLE");
  free(r);
  ck_assert_int_eq(lm_masker_merge_stats(m, m2), LM_OK);
  char *json;
  size_t len;
  ck_assert_int_eq(lm_masker_stats_json(m, 0, &json, &len), LM_OK);
  ck_assert_uint_eq(len, strlen(json));
  ck_assert_ptr_nonnull(strstr(json, "\"lines\":2"));
  ck_assert_ptr_nonnull(strstr(json, "\"lines_masked\":2"));
  ck_assert_ptr_nonnull(strstr(json, "{\"id\":\"aws-key\",\"lines_tested\":1,\"matches\":1,\"bytes_masked\":20}"));
  ck_assert_ptr_null(strstr(json, "hunter2x"));
  lm_free(json);
  lm_masker_free(m);
  lm_masker_free(m2);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(state_errors) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_ptr_null(lm_masker_new(set)); /* not compiled */
  ck_assert_int_eq(lm_ruleset_test(set, NULL, NULL), LM_ERR_STATE);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_ERR_STATE);
  ck_assert_int_eq(lm_ruleset_set_mask(set, "stars", 1), LM_ERR_STATE);
  ck_assert_int_eq(lm_ruleset_load_defaults(set), LM_ERR_STATE);
  ck_assert_int_eq(lm_ruleset_load_buffer(NULL, "x", "", 0), LM_ERR_ARG);
  lm_masker *m = lm_masker_new(set);
  ck_assert_int_eq(lm_masker_set_format(m, "yaml"), LM_ERR_ARG);
  ck_assert_ptr_nonnull(strstr(lm_masker_error(m)->message, "yaml"));
  lm_line out;
  ck_assert_int_eq(lm_masker_line(m, NULL, 3, &out), LM_ERR_ARG);
  ck_assert_ptr_null(lm_stream_new(m, NULL, NULL));
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST


START_TEST(prime_resumes_blocks) {
  lm_ruleset *set = make_set(NULL);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  ck_assert_uint_eq(lm_ruleset_context_lines(set), 5); /* block-max-lines of pem */
  lm_masker *m = lm_masker_new(set);
  static const char before[] = "x password=abcdefgh\n-----BEGIN RSA PRIVATE KEY-----\nMIIEbody1\n";
  ck_assert_int_eq(lm_masker_prime(m, before, strlen(before)), LM_OK);
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.lines, 0); /* priming is not counted */
  lm_rule_stats rs;
  lm_masker_rule_stats(m, 0, &rs);
  ck_assert_uint_eq(rs.matches, 0);
  ASSERT_MASK(m, "MIIEbody2", "[REDACTED:pem]");
  ASSERT_MASK(m, "-----END RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----");
  ASSERT_MASK(m, "after", "after");
  /* a block that closed inside the primed lines leaves nothing open */
  lm_masker_reset(m);
  static const char closed[] = "-----BEGIN RSA PRIVATE KEY-----\nb\n-----END RSA PRIVATE KEY-----\n";
  ck_assert_int_eq(lm_masker_prime(m, closed, strlen(closed)), LM_OK);
  ASSERT_MASK(m, "plain", "plain");
  /* lines with no block keyword leave a reset masker closed (the shortcut
   * that skips masking them) ... */
  lm_masker_reset(m);
  static const char quiet[] = "GET / 200\npassword=abcdefgh\n";
  ck_assert_int_eq(lm_masker_prime(m, quiet, strlen(quiet)), LM_OK);
  ASSERT_MASK(m, "MIIEbody3", "MIIEbody3");
  /* ... but never close a block already open: its body goes on */
  lm_masker_reset(m);
  lm_line opened;
  ck_assert_int_eq(lm_masker_line(m, "-----BEGIN RSA PRIVATE KEY-----", 31, &opened), LM_OK);
  static const char body[] = "MIIEbody4\nMIIEbody5\n";
  ck_assert_int_eq(lm_masker_prime(m, body, strlen(body)), LM_OK);
  ASSERT_MASK(m, "MIIEbody6", "[REDACTED:pem]");
  static const char ends[] = "MIIEbody7\n-----END RSA PRIVATE KEY-----\n";
  ck_assert_int_eq(lm_masker_prime(m, ends, strlen(ends)), LM_OK);
  ASSERT_MASK(m, "plain again", "plain again");
  /* blank lines count toward the bound, as the context lines do: a body
   * after as many blanks as the bound is read alike in one pass and after
   * a prime on the last context lines (all blank) */
  lm_masker_reset(m);
  ck_assert_int_eq(lm_masker_line(m, "-----BEGIN RSA PRIVATE KEY-----", 31, &opened), LM_OK);
  for (int i = 0; i < 4; i++)
    ASSERT_MASK(m, i % 2 ? "" : "  ", i % 2 ? "" : "  ");
  ASSERT_MASK(m, "MIIEbody8", "[REDACTED:pem]"); /* the 5th line */
  lm_masker_reset(m);
  ck_assert_int_eq(lm_masker_line(m, "-----BEGIN RSA PRIVATE KEY-----", 31, &opened), LM_OK);
  for (int i = 0; i < 5; i++)
    ASSERT_MASK(m, "", "");
  ASSERT_MASK(m, "MIIEbody9", "MIIEbody9");
  lm_masker_reset(m);
  ck_assert_int_eq(lm_masker_prime(m, "\n\n\n\n\n", 5), LM_OK);
  ASSERT_MASK(m, "MIIEbody9", "MIIEbody9");
  ck_assert_int_eq(lm_masker_prime(NULL, "", 0), LM_ERR_ARG);
  ck_assert_int_eq(lm_masker_prime(m, NULL, 0), LM_OK); /* nothing before the first chunk */
  ck_assert_int_eq(lm_masker_prime(m, NULL, 1), LM_ERR_ARG);
  ck_assert_uint_eq(lm_ruleset_context_lines(NULL), 0);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST


/* The automaton walks long lines as two halves side by side: a secret at
 * any offset, across the middle included, is found exactly once. */
START_TEST(literal_at_every_offset) {
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_add_literal(set, "S", "Qz7#Lit@ral9", 12), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  for (size_t len = 96; len <= 260; len += 41) {
    for (size_t at = 0; at + 12 <= len; at++) {
      char line[300];
      memset(line, '.', len);
      memcpy(line + at, "Qz7#Lit@ral9", 12);
      lm_line out;
      ck_assert_int_eq(lm_masker_line(m, line, len, &out), LM_OK);
      ck_assert_uint_eq(out.secrets, 1);
      ck_assert_uint_eq(out.len, len - 12 + strlen("[REDACTED:S]"));
      ck_assert_ptr_null(memmem(out.text, out.len, "Lit@", 4));
    }
  }
  lm_totals t;
  lm_masker_totals(m, &t);
  ck_assert_uint_eq(t.literal_matches, t.lines); /* never twice */
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST


static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

START_TEST(secret_files) {
  char dir[] = "/tmp/lmsec.XXXXXX", p[256];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  lm_ruleset *set = lm_ruleset_new();
  snprintf(p, sizeof p, "%s/ok.secrets", dir);
  write_file(p, "first-secret-1\r\n\nsecond-secret-2\n");
  ck_assert_int_eq(lm_ruleset_add_literals_file(set, p), LM_OK);
  snprintf(p, sizeof p, "%s/short.secrets", dir);
  write_file(p, "long-enough-3\nabc\n");
  ck_assert_int_eq(lm_ruleset_add_literals_file(set, p), LM_ERR_SHORT);
  ck_assert_uint_eq(lm_ruleset_error(set)->line, 2);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "short.secrets:2:"));
  ck_assert_int_eq(lm_ruleset_add_literals_file(set, "/nonexistent/x"), LM_ERR_IO);
  snprintf(p, sizeof p, "%s/app.env", dir);
  write_file(p, "# comment\nexport DB_PASSWORD='pa55-word!'\nKEY=\"-----BEGIN\nMIIEbodyline\nab\n\"\n");
  ck_assert_int_eq(lm_ruleset_add_env_file(set, p), LM_OK);
  snprintf(p, sizeof p, "%s/bad.env", dir);
  write_file(p, "A=long-enough\nB = \"never closed\n"); /* no loader reads it */
  ck_assert_int_eq(lm_ruleset_add_env_file(set, p), LM_ERR_SYNTAX);
  ck_assert_ptr_nonnull(strstr(lm_ruleset_error(set)->message, "bad.env:2: unterminated double-quoted value of B"));
  snprintf(p, sizeof p, "%s/short.env", dir);
  write_file(p, "GOOD=long-enough-value\nSHORT_ONE=true\n");
  /* short values are skipped with a warning (check_envfile covers it) */
  ck_assert_int_eq(lm_ruleset_add_env_file(set, p), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = lm_masker_new(set);
  ASSERT_MASK(m, "a first-secret-1 b pa55-word! MIIEbodyline",
              "a [REDACTED:ok.secrets:1] b [REDACTED:DB_PASSWORD] [REDACTED:KEY]");
  lm_masker_free(m);
  lm_ruleset_free(set);
  snprintf(p, sizeof p, "rm -rf %s", dir);
  ck_assert_int_eq(system(p), 0);
}
END_TEST

Suite *engine_suite(void);
Suite *engine_suite(void) {
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, version_and_strerror);
  tcase_add_test(tc, parse_errors);
  tcase_add_test(tc, load_path_errors);
  tcase_add_test(tc, inline_tests_run);
  tcase_add_test(tc, redact_keeps_key_and_context);
  tcase_add_test(tc, styles);
  tcase_add_test(tc, drop_style);
  tcase_add_test(tc, hash_style);
  tcase_add_test(tc, overlaps_merge);
  tcase_add_test(tc, literals);
  tcase_add_test(tc, secret_files);
  tcase_add_test(tc, literal_at_every_offset);
  tcase_add_test(tc, prefilter_gates_rules);
  tcase_add_test(tc, default_format_is_auto);
  tcase_add_test(tc, enable_disable_groups);
  tcase_add_test(tc, limit_trip_masks_line);
  tcase_add_test(tc, pem_block);
  tcase_add_test(tc, stats_json);
  tcase_add_test(tc, prime_resumes_blocks);
  tcase_add_test(tc, state_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(engine_suite());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
