/* SPDX-License-Identifier: Apache-2.0 */
/* check_monitor.c - unit tests of the monitor's dotenv parser (every
 * quoting form, as docker compose, python-dotenv and django-environ read
 * them), fingerprint format (HMAC-SHA256, lowercase hex, the same text as
 * `openssl dgst -sha256 -mac HMAC -macopt hexkey:...`), derived keys,
 * sealed files, the hash index and buffer growth. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dotenv.h"
#include "fingerprint.h"
#include "index.h"
#include "keys.h"
#include "seal.h"
#include "util.h"

#define MAX_VARS 32

typedef struct parsed {
  size_t n;
  char *name[MAX_VARS];
  char *value[MAX_VARS];
  size_t len[MAX_VARS];
  unsigned long line[MAX_VARS];
} parsed;

static int collect(void *ctx, const char *name, const char *value, size_t len,
                   unsigned long line)
{
  parsed *p = ctx;
  ck_assert_uint_lt(p->n, MAX_VARS);
  p->name[p->n] = strdup(name);
  p->value[p->n] = malloc(len + 1);
  ck_assert_ptr_nonnull(p->value[p->n]);
  memcpy(p->value[p->n], value, len);
  p->value[p->n][len] = '\0';
  p->len[p->n] = len;
  p->line[p->n] = line;
  p->n++;
  return 0;
}

static void parsed_free(parsed *p)
{
  for (size_t i = 0; i < p->n; i++) {
    free(p->name[i]);
    free(p->value[i]);
  }
  memset(p, 0, sizeof *p);
}

static int parse(const char *text, parsed *p, char **err)
{
  memset(p, 0, sizeof *p);
  *err = NULL;
  return dotenv_parse("t.env", text, strlen(text), collect, p, err);
}

/* Expects exactly one assignment NAME=value from `text`. */
static void expect_one(const char *text, const char *name, const char *value)
{
  parsed p;
  char *err;
  ck_assert_msg(parse(text, &p, &err) == 0, "parse failed: %s", err ? err : "?");
  ck_assert_uint_eq(p.n, 1);
  ck_assert_str_eq(p.name[0], name);
  ck_assert_uint_eq(p.len[0], strlen(value));
  ck_assert_str_eq(p.value[0], value);
  parsed_free(&p);
}

static void expect_error(const char *text, const char *message)
{
  parsed p;
  char *err;
  ck_assert_int_ne(parse(text, &p, &err), 0);
  ck_assert_ptr_nonnull(err);
  ck_assert_str_eq(err, message);
  free(err);
  parsed_free(&p);
}

START_TEST(unquoted)
{
  expect_one("A=plain\n", "A", "plain");
  expect_one("A=  spaced value  \n", "A", "spaced value");
  expect_one("A=value # comment\n", "A", "value");
  expect_one("A=value\t# comment\n", "A", "value");
  expect_one("A=val#ue\n", "A", "val#ue");
  expect_one("A=\n", "A", "");
  expect_one("A = b\n", "A", "b");
  expect_one("A=no-newline", "A", "no-newline");
  expect_one("A=crlf\r\n", "A", "crlf");
  expect_one("A=${OTHER}\n", "A", "${OTHER}");
  expect_one("\xEF\xBB\xBF" "A=bom\n", "A", "bom");
  /* compose and python-dotenv: a '#' that starts the value is data */
  expect_one("A=#not-a-comment\n", "A", "#not-a-comment");
  expect_one("A= #x\n", "A", "#x");
}
END_TEST

START_TEST(export_prefix)
{
  expect_one("export A=1x\n", "A", "1x");
  expect_one("export   A='q'\n", "A", "q");
  expect_one("exportA=1\n", "exportA", "1");
  expect_one("export=1\n", "export", "1");
}
END_TEST

START_TEST(single_quoted)
{
  expect_one("A='lit $X \\n # not comment'\n", "A", "lit $X \\n # not comment");
  expect_one("A='x' # comment\n", "A", "x");
  expect_one("A='two\nlines'\n", "A", "two\nlines");
  expect_one("A=''\n", "A", "");
  expect_one("A=\"a'b\"\n", "A", "a'b");
  /* compose: a backslash pair stays a pair and does not escape the quote */
  expect_one("A='a\\\\'\n", "A", "a\\\\");
}
END_TEST

START_TEST(double_quoted)
{
  expect_one("A=\"a\\nb\\tc\\\\d\\\"e\\$f\"\n", "A", "a\nb\tc\\d\"e$f");
  expect_one("A=\"keep \\q\"\n", "A", "keep \\q");
  expect_one("A=\"# not a comment\" # comment\n", "A", "# not a comment");
  expect_one("A=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\n", "A",
             "-----BEGIN KEY-----\nabc\n-----END KEY-----");
  /* compose and python-dotenv keep a backslash before a line end */
  expect_one("A=\"join \\\nlines\"\n", "A", "join \\\nlines");
  expect_one("A=`back $tick`\n", "A", "back $tick");
  expect_one("A=\"x\"# comment\n", "A", "x");
}
END_TEST

/* docs.docker.com/compose/environment-variables/variable-interpolation/
 * (".env file syntax") and compose-spec/compose-go dotenv/parser.go. */
START_TEST(docker_compose)
{
  expect_one("VAR=VAL\n", "VAR", "VAL");
  expect_one("VAR=\"VAL\"\n", "VAR", "VAL");
  expect_one("VAR='VAL'\n", "VAR", "VAL");
  expect_one("VAR=VAL # comment\n", "VAR", "VAL");
  expect_one("VAR=VAL# not a comment\n", "VAR", "VAL# not a comment");
  expect_one("VAR=\"VAL # not a comment\"\n", "VAR", "VAL # not a comment");
  expect_one("VAR=\"VAL\" # comment\n", "VAR", "VAL");
  expect_one("VAR='$OTHER'\n", "VAR", "$OTHER");
  expect_one("VAR='${OTHER}'\n", "VAR", "${OTHER}");
  expect_one("VAR='Let\\'s go!'\n", "VAR", "Let's go!");
  expect_one("VAR=\"{\\\"hello\\\": \\\"json\\\"}\"\n", "VAR", "{\"hello\": \"json\"}");
  expect_one("VAR=\"some\\tvalue\"\n", "VAR", "some\tvalue");
  expect_one("VAR='some\\tvalue'\n", "VAR", "some\\tvalue");
  expect_one("VAR=some\\tvalue\n", "VAR", "some\\tvalue");
  /* compose-go: YAML-style separator, names with . - [ ] and digits first */
  expect_one("VAR: value\n", "VAR", "value");
  expect_one("VAR:value\n", "VAR", "value");
  expect_one("my.app-key[0]=v1\n", "my.app-key[0]", "v1");
  expect_one("1ST=one\n", "1ST", "one");
  expect_one("\tINDENTED=yes\n", "INDENTED", "yes");
}
END_TEST

/* A bare NAME (compose: taken from its environment; python-dotenv: None)
 * assigns nothing and is no error. */
START_TEST(bare_names)
{
  parsed p;
  char *err;
  ck_assert_int_eq(parse("A=1\nBARE\nexport ALSO # comment\nC=3\nLAST", &p, &err), 0);
  ck_assert_uint_eq(p.n, 2);
  ck_assert_str_eq(p.name[0], "A");
  ck_assert_str_eq(p.name[1], "C");
  ck_assert_uint_eq(p.line[1], 4);
  parsed_free(&p);
}
END_TEST

/* theskumar/python-dotenv src/dotenv/parser.py and its README. */
START_TEST(python_dotenv)
{
  expect_one("'QUOTED KEY'=v\n", "QUOTED KEY", "v");
  expect_one("a:b=c\n", "a:b", "c");
  expect_one("K=\"\\a\\b\\f\\v\\'\"\n", "K", "\a\b\f\v'");
  expect_one("K='it\\'s'\n", "K", "it's");
  expect_one("K=\"multi\nline\"\n", "K", "multi\nline");
  expect_one("K=x\r", "K", "x");
  expect_one("K\t=\tv\n", "K", "v");
  expect_one("n\xC3\xA4me=v\n", "n\xC3\xA4me", "v");
  /* CR alone ends lines too */
  parsed p;
  char *err;
  ck_assert_int_eq(parse("A=1\rB='x\ry'\rC=3\r", &p, &err), 0);
  ck_assert_uint_eq(p.n, 3);
  ck_assert_str_eq(p.value[1], "x\ry");
  ck_assert_uint_eq(p.line[1], 2);
  ck_assert_uint_eq(p.line[2], 4);
  parsed_free(&p);
}
END_TEST

/* joke2k/django-environ environ/environ.py Env.read_env: single lines of
 * the form (export )?[A-Za-z0-9_]+=..., read whole when no other loader
 * accepts them. */
START_TEST(django_environ)
{
  expect_one("A=\"x\" junk\n", "A", "\"x\" junk");
  expect_one("A='a'b'\n", "A", "a'b");
  expect_one("A='a' b' # c\n", "A", "a' b");
  expect_one("A='a\\'\n", "A", "a\\");
  expect_one("export A=\"x\" y\n", "A", "\"x\" y");
  parsed p;
  char *err;
  ck_assert_int_eq(parse("B=\"never closed\nC=x\n", &p, &err), 0);
  ck_assert_uint_eq(p.n, 2);
  ck_assert_str_eq(p.value[0], "\"never closed");
  ck_assert_str_eq(p.name[1], "C");
  ck_assert_uint_eq(p.line[1], 2);
  parsed_free(&p);
  /* a value spanning lines and then junk: django reads the first line */
  ck_assert_int_eq(parse("D=\"abc\nE=\"def\"\n", &p, &err), 0);
  ck_assert_uint_eq(p.n, 2);
  ck_assert_str_eq(p.value[0], "\"abc");
  ck_assert_str_eq(p.value[1], "def");
  parsed_free(&p);
}
END_TEST

START_TEST(lines_and_order)
{
  parsed p;
  char *err;
  const char *text = "# header\n\nA=1\nB=\"x\ny\"\n  # indented comment\nC='z'\nA=2\n";
  ck_assert_int_eq(parse(text, &p, &err), 0);
  ck_assert_uint_eq(p.n, 4);
  ck_assert_str_eq(p.name[0], "A");
  ck_assert_uint_eq(p.line[0], 3);
  ck_assert_str_eq(p.name[1], "B");
  ck_assert_uint_eq(p.line[1], 4);
  ck_assert_str_eq(p.name[2], "C");
  ck_assert_uint_eq(p.line[2], 7);
  ck_assert_str_eq(p.name[3], "A");
  ck_assert_uint_eq(p.line[3], 8);
  ck_assert_str_eq(p.value[3], "2");
  parsed_free(&p);
}
END_TEST

/* What none of the three loaders reads is an error naming the line. */
START_TEST(errors_name_file_and_line)
{
  expect_error("A=1\n=2\n", "t.env:2: expected a variable name");
  expect_error("A=1\nthis is prose\n", "t.env:2: expected '=' after the variable name");
  expect_error("A=1\n\nB = \"open\nstill open\n", "t.env:3: unterminated double-quoted value of B");
  expect_error("B ='open\n", "t.env:1: unterminated single-quoted value of B");
  expect_error("A = \"x\" trailing\n", "t.env:1: unexpected text after the closing quote of A");
  expect_error("A=1\nmy.key=\"x\ny\" z\n", "t.env:3: unexpected text after the closing quote of my.key");
  expect_error("\"A\"=1\n", "t.env:1: expected a variable name");
  expect_error("''=1\n", "t.env:1: expected a variable name");
  expect_error("A\x01=1\n", "t.env:1: expected '=' after the variable name");
  expect_error("\xC3(=1\n", "t.env:1: expected a variable name");
}
END_TEST

/* The secret must never appear in an error message. */
START_TEST(errors_never_quote_values)
{
  parsed p;
  char *err;
  ck_assert_int_ne(parse("PW = \"hunter2-secret\" junk\n", &p, &err), 0);
  ck_assert_ptr_null(strstr(err, "hunter2"));
  free(err);
  parsed_free(&p);
}
END_TEST

/* RFC 4231 test case 2 is for a 4-byte key; the monitor's key is 32 bytes,
 * so the expected value comes from openssl(1) when available and from a
 * fixed vector otherwise. */
static const unsigned char key32[FP_KEY_LEN] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

START_TEST(fingerprint_format)
{
  char hex[FP_HEX_LEN + 1];
  ck_assert_int_eq(fp_compute(key32, "hunter2-secret", 14, hex), 0);
  ck_assert_uint_eq(strlen(hex), FP_HEX_LEN);
  ck_assert(fp_is_fingerprint(hex));
  /* printf %s hunter2-secret | openssl dgst -sha256 -mac HMAC -macopt
   *   hexkey:000102...1f */
  FILE *f = popen("printf %s hunter2-secret | openssl dgst -sha256 -mac HMAC -macopt "
                  "hexkey:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                  " 2>/dev/null", "r");
  char line[256] = "";
  if (f && fgets(line, sizeof line, f)) {
    char *eq = strrchr(line, ' ');
    ck_assert_ptr_nonnull(eq);
    eq[1 + FP_HEX_LEN] = '\0';
    ck_assert_str_eq(hex, eq + 1);
  }
  if (f)
    pclose(f);
  /* Different values, different fingerprints; empty value allowed. */
  char other[FP_HEX_LEN + 1];
  ck_assert_int_eq(fp_compute(key32, "hunter2-secreT", 14, other), 0);
  ck_assert_str_ne(hex, other);
  ck_assert_int_eq(fp_compute(key32, "", 0, other), 0);
  ck_assert(fp_is_fingerprint(other));
  ck_assert(!fp_is_fingerprint("ABC"));
}
END_TEST

START_TEST(fingerprint_key_file)
{
  char dir[] = "/tmp/check-monitor.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/key", dir);
  unsigned char made[FP_KEY_LEN], read_back[FP_KEY_LEN];
  char *err = NULL;
  ck_assert_int_eq(fp_key_create(path, made, &err), 0);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0600);
  ck_assert_uint_eq((size_t)st.st_size, FP_HEX_LEN + 1);
  struct stat got;
  ck_assert_int_eq(fp_key_load(path, read_back, &got, &err), 0);
  ck_assert_mem_eq(made, read_back, FP_KEY_LEN);
  /* Read with its mode for the caller to judge; creating over it is
   * refused; a malformed key and a symlink are refused. */
  chmod(path, 0644);
  ck_assert_int_eq(fp_key_load(path, read_back, &got, &err), 0);
  ck_assert_uint_eq(got.st_mode & 0777, 0644);
  ck_assert_int_ne(fp_key_create(path, made, &err), 0);
  free(err);
  err = NULL;
  char link_path[80];
  snprintf(link_path, sizeof link_path, "%s/link", dir);
  ck_assert_int_eq(symlink(path, link_path), 0);
  ck_assert_int_ne(fp_key_load(link_path, read_back, &got, &err), 0);
  free(err);
  err = NULL;
  unlink(link_path);
  FILE *f = fopen(path, "w");
  fputs("not hex\n", f);
  fclose(f);
  ck_assert_int_ne(fp_key_load(path, read_back, &got, &err), 0);
  ck_assert_ptr_nonnull(strstr(err, "64 hex digits"));
  free(err);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* HKDF-Expand per RFC 5869 test case 3 gives the construction; here the
 * derived keys must differ from each other and from the key, be stable,
 * and (when openssl(1) has `kdf`) equal its HKDF. */
START_TEST(derived_keys)
{
  keyring k;
  memcpy(k.fp, key32, FP_KEY_LEN);
  ck_assert_int_eq(keyring_derive(&k), 0);
  ck_assert(memcmp(k.state, k.audit, MAC_LEN) != 0);
  ck_assert(memcmp(k.state, k.head, MAC_LEN) != 0);
  ck_assert(memcmp(k.state, k.fp, MAC_LEN) != 0);
  keyring again;
  memcpy(again.fp, key32, FP_KEY_LEN);
  ck_assert_int_eq(keyring_derive(&again), 0);
  ck_assert_mem_eq(k.state, again.state, MAC_LEN);
  FILE *f = popen("openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt mode:EXPAND_ONLY "
                  "-kdfopt hexkey:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
                  "-kdfopt 'info:logmask-monitor state-mac v1' HKDF 2>/dev/null", "r");
  char line[256] = "";
  if (f && fgets(line, sizeof line, f) && strlen(line) >= 95) {
    char want[MAC_HEX_LEN + 1];
    size_t w = 0;
    for (const char *p = line; *p && w < MAC_HEX_LEN; p++)
      if (*p != ':' && *p != '\n')
        want[w++] = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
    want[w] = '\0';
    char have[MAC_HEX_LEN + 1];
    mon_hex(k.state, MAC_LEN, have);
    ck_assert_str_eq(have, want);
  }
  if (f)
    pclose(f);
}
END_TEST

/* Any change of a sealed file fails its check: a byte of the body, the
 * label, the key, a cut, text after the seal, a missing seal. */
START_TEST(seal_detects_edits)
{
  keyring k;
  memcpy(k.fp, key32, FP_KEY_LEN);
  ck_assert_int_eq(keyring_derive(&k), 0);
  const char *body = "{\"a\":1}\n{\"b\":2}\n";
  char *sealed;
  size_t len, body_len;
  ck_assert_int_eq(seal_wrap(k.state, "baseline", body, strlen(body), &sealed, &len), 0);
  ck_assert_int_eq(seal_check(k.state, "baseline", sealed, len, &body_len), SEAL_OK);
  ck_assert_uint_eq(body_len, strlen(body));
  ck_assert_int_eq(seal_check(k.state, "status", sealed, len, &body_len), SEAL_BAD);
  ck_assert_int_eq(seal_check(k.audit, "baseline", sealed, len, &body_len), SEAL_BAD);
  sealed[3] ^= 1;
  ck_assert_int_eq(seal_check(k.state, "baseline", sealed, len, &body_len), SEAL_BAD);
  sealed[3] ^= 1;
  ck_assert_int_eq(seal_check(k.state, "baseline", sealed + 8, len - 8, &body_len), SEAL_BAD);
  ck_assert_int_eq(seal_check(k.state, "baseline", sealed, len - 1, &body_len), SEAL_MISSING);
  ck_assert_int_eq(seal_check(k.state, "baseline", body, strlen(body), &body_len), SEAL_MISSING);
  char *more = malloc(len + 8);
  memcpy(more, sealed, len);
  memcpy(more + len, "{\"c\":3}\n", 8);
  ck_assert_int_eq(seal_check(k.state, "baseline", more, len + 8, &body_len), SEAL_MISSING);
  free(more);
  free(sealed);
}
END_TEST

static int int_eq(const void *ctx, size_t pos)
{
  const char *const *names = ctx;
  return strcmp(names[pos], names[100]) == 0;
}

START_TEST(index_finds_every_key)
{
  mon_index ix = { 0 };
  char *names[101];
  for (size_t i = 0; i < 100; i++) {
    names[i] = malloc(16);
    snprintf(names[i], 16, "N%zu", i);
    ck_assert_int_eq(mon_index_add(&ix, mon_index_hash("src", names[i]), i), 0);
  }
  for (size_t i = 0; i < 100; i++) {
    names[100] = names[i];
    ck_assert_int_eq(mon_index_find(&ix, mon_index_hash("src", names[i]), int_eq, names), (long)i);
  }
  names[100] = "missing";
  ck_assert_int_eq(mon_index_find(&ix, mon_index_hash("src", "missing"), int_eq, names), -1);
  ck_assert(mon_index_hash("a", "bc") != mon_index_hash("ab", "c"));
  for (size_t i = 0; i < 100; i++)
    free(names[i]);
  mon_index_free(&ix);
}
END_TEST

/* Growth copies what is used and leaves the array as it was on failure. */
START_TEST(grow_keeps_contents)
{
  int *v = NULL;
  size_t cap = 0;
  for (int i = 0; i < 1000; i++) {
    ck_assert_int_eq(mon_grow(&v, &cap, (size_t)i, (size_t)i + 1, sizeof *v), 0);
    v[i] = i;
  }
  ck_assert_uint_ge(cap, 1000);
  for (int i = 0; i < 1000; i++)
    ck_assert_int_eq(v[i], i);
  int *before = v;
  ck_assert_int_ne(mon_grow(&v, &cap, 1000, SIZE_MAX / 2, sizeof *v), 0);
  ck_assert_ptr_eq(v, before);
  free(v);
}
END_TEST

START_TEST(length_classes)
{
  ck_assert_str_eq(fp_length_class(0), "0-5");
  ck_assert_str_eq(fp_length_class(5), "0-5");
  ck_assert_str_eq(fp_length_class(6), "6-11");
  ck_assert_str_eq(fp_length_class(12), "12-15");
  ck_assert_str_eq(fp_length_class(50), "50-63");
  ck_assert_str_eq(fp_length_class(4096), "128+");
}
END_TEST

static Suite *monitor_suite(void)
{
  Suite *s = suite_create("monitor");
  TCase *dotenv = tcase_create("dotenv");
  tcase_add_test(dotenv, unquoted);
  tcase_add_test(dotenv, export_prefix);
  tcase_add_test(dotenv, single_quoted);
  tcase_add_test(dotenv, double_quoted);
  tcase_add_test(dotenv, docker_compose);
  tcase_add_test(dotenv, bare_names);
  tcase_add_test(dotenv, python_dotenv);
  tcase_add_test(dotenv, django_environ);
  tcase_add_test(dotenv, lines_and_order);
  tcase_add_test(dotenv, errors_name_file_and_line);
  tcase_add_test(dotenv, errors_never_quote_values);
  suite_add_tcase(s, dotenv);
  TCase *fp = tcase_create("fingerprint");
  tcase_add_test(fp, fingerprint_format);
  tcase_add_test(fp, fingerprint_key_file);
  tcase_add_test(fp, length_classes);
  tcase_add_test(fp, derived_keys);
  tcase_add_test(fp, seal_detects_edits);
  tcase_add_test(fp, index_finds_every_key);
  tcase_add_test(fp, grow_keeps_contents);
  suite_add_tcase(s, fp);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(monitor_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
