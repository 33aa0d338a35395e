/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the structured formats (JSON lines, logfmt, syslog) and of
 * the sensitive-key list, through the public API. */
#include "config.h"
#include <stdio.h>
#include "fmt_helpers.h"

#define K "[REDACTED:json-sensitive-key]"

static lm_totals totals(const lm_masker *m) {
  lm_totals t;
  lm_masker_totals(m, &t);
  return t;
}

START_TEST(json_untouched_bytes_exact) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "json");
  const char *lines[] = {
      "{\"a\":1,\"b\":[1.0e+10,-0,true,false,null],\"c\":{\"d\":\"\\u00e9\\/x\"}}",
      "  { \"z\" : \"y\" ,\t\"a\" : [ ] , \"e\":{} }  ",
      "{\"msg\":\"no secret here\",\"n\":12345678901234567890}",
      "[1,2,3]",
      "\"just a string\"",
  };
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    lm_line out;
    ck_assert_int_eq(lm_masker_line(m, lines[i], strlen(lines[i]), &out), LM_OK);
    ck_assert_ptr_eq(out.text, lines[i]);
    ck_assert_uint_eq(out.flags, 0);
  }
  ck_assert_uint_eq(totals(m).format_fallbacks, 0);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_rules_in_values) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "json");
  /* only the changed string is re-written; the rest stays byte-exact */
  ASSERT_JSON(m, "{\"ts\": 1, \"msg\" : \"login password=hunter2x ok\" , \"x\":\"\\u00e9\"}",
              "{\"ts\": 1, \"msg\" : \"login password=[REDACTED:password-assignment] ok\" , "
              "\"x\":\"\\u00e9\"}");
  /* escapes outside the mask keep their raw form */
  ASSERT_JSON(m, "{\"u\":\"https:\\/\\/app:s3cr3tPw@db\\/x \\u00e9\"}",
              "{\"u\":\"https:\\/\\/app:[REDACTED:url-credentials]@db\\/x \\u00e9\"}");
  /* a secret written with \u escapes is found and its escapes masked */
  ASSERT_JSON(m, "{\"k\":\"id \\u0041KIAIOSFODNN7EXAMPLE used\"}",
              "{\"k\":\"id [REDACTED:aws-key] used\"}");
  ASSERT_JSON(m, "{\"k\":\"\\u0041\\u004b\\u0049\\u0041IOSFODNN7EXAMPLE\"}",
              "{\"k\":\"[REDACTED:aws-key]\"}");
  ASSERT_JSON(m, "[\"postgres://app:s3\\u0063r3t@db\", 2]",
              "[\"postgres://app:[REDACTED:url-credentials]@db\", 2]");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_sensitive_key_spellings) {
  lm_ruleset *set = fmt_keys_set();
  lm_masker *m = fmt_masker(set, "json");
  const char *masked[] = {
      "password", "PASSWORD", "Password", "passwd", "pwd", "db_password", "dbPassword",
      "db-password", "db.password", "DB.PASSWORD", "user password", "api_key", "apiKey",
      "API-KEY", "x-api-key", "apikey", "ApiKey", "service.api.key", "access_token",
      "accessToken", "AccessToken", "access-token", "refresh_token", "refreshToken",
      "id_token", "idToken", "token", "X-Auth-Token", "client_secret", "clientSecret",
      "secret", "awsSecret", "private_key", "privateKey", "Authorization", "cookie",
      "Set-Cookie", "set_cookie", "session", "userSession", "credentials", "credential",
      "passphrase", "secret_key", "secretKey", "access_key", "accessKey", "pass",
      "pass\\u0077ord"};
  for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
    char in[256], want[256];
    snprintf(in, sizeof in, "{\"%s\":\"v4lue-9\",\"n\":1}", masked[i]);
    snprintf(want, sizeof want, "{\"%s\":\"" K "\",\"n\":1}", masked[i]);
    ASSERT_JSON(m, in, want);
    /* blanks between the key and its ':' (the fast path looks back from
     * the ':' for key names) */
    snprintf(in, sizeof in, "{ \"%s\" \t\r : \"v4lue-9\" }", masked[i]);
    snprintf(want, sizeof want, "{ \"%s\" \t\r : \"" K "\" }", masked[i]);
    ASSERT_JSON(m, in, want);
  }
  const char *kept[] = {"password_hint", "passwordHint", "tokens", "token_count", "sessionId",
                        "session_id", "author", "keyboard", "compass", "bypass_cache",
                        "monkey", "cookies_enabled", "secretary", "n"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    char in[256];
    snprintf(in, sizeof in, "{\"%s\":\"v4lue-9\"}", kept[i]);
    ASSERT_JSON(m, in, in);
  }
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_sensitive_value_types) {
  lm_ruleset *set = fmt_keys_set();
  lm_masker *m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"pin\":1,\"token\":123456}", "{\"pin\":1,\"token\":\"" K "\"}");
  ASSERT_JSON(m, "{\"token\":-1.5e3 }", "{\"token\":\"" K "\" }");
  /* a container under a sensitive key keeps its shape: each value in it
   * is masked (a number as a string), one byte or an empty one is none */
  ASSERT_JSON(m, "{\"credentials\":{\"user\":\"bob\",\"pw\":[1,{\"a\":\"b\"}]},\"x\":2}",
              "{\"credentials\":{\"user\":\"" K "\",\"pw\":[\"" K "\",{\"a\":\"b\"}]},\"x\":2}");
  ASSERT_JSON(m, "{\"cookie\":[\"a=1\",\"b=2\"]}", "{\"cookie\":[\"" K "\",\"" K "\"]}");
  ASSERT_JSON(m, "{\"cookie\":[]}", "{\"cookie\":[]}");
  ASSERT_JSON(m, "{\"token\":{\"a\":{\"b\":\"deep1secret\"}}}",
              "{\"token\":{\"a\":{\"b\":\"" K "\"}}}");
  /* members that name or describe the secret, and placeholders, stay */
  ASSERT_JSON(m, "{\"secret\":{\"secretName\":\"db-credentials\",\"optional\":false}}",
              "{\"secret\":{\"secretName\":\"db-credentials\",\"optional\":false}}");
  ASSERT_JSON(m, "{\"db.password\":{\"value\":\"******\",\"origin\":\"env DB\"}}",
              "{\"db.password\":{\"value\":\"******\",\"origin\":\"env DB\"}}");
  ASSERT_JSON(m, "{\"token\":{\"type\":\"Bearer\",\"value\":\"abc9XYZ123qq\"}}",
              "{\"token\":{\"type\":\"Bearer\",\"value\":\"" K "\"}}");
  /* nothing to hide: null, booleans, empty, an earlier mask, a template */
  const char *kept[] = {"{\"token\":null}", "{\"token\":true}", "{\"password\":false}",
                        "{\"password\":\"\"}", "{\"password\":\"" K "\"}",
                        "{\"password\":\"${DB_PASSWORD}\"}"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
    ASSERT_JSON(m, kept[i], kept[i]);
  /* a sensitive key nested anywhere; arrays of objects */
  ASSERT_JSON(m, "[{\"a\":{\"b\":[{\"secret\":\"x1y2z3\"}]}}]",
              "[{\"a\":{\"b\":[{\"secret\":\"" K "\"}]}}]");
  /* a value holding escapes: still one masked string */
  ASSERT_JSON(m, "{\"password\":\"a\\\"b\\\\c\\u00e9\"}", "{\"password\":\"" K "\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_embedded_json_and_pem) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"msg\":\"{\\\"password\\\":\\\"hunter2x\\\"}\"}",
              "{\"msg\":\"{\\\"password\\\":\\\"[REDACTED:password-assignment]\\\"}\"}");
  /* a PEM key in one string with \n escapes: masked line by line as in
   * text, the END marker kept */
  ASSERT_JSON(m,
              "{\"k\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\nabcd\\n"
              "-----END RSA PRIVATE KEY-----\\n\",\"n\":1}",
              "{\"k\":\"[REDACTED:pem]\\n[REDACTED:pem]\\n[REDACTED:pem]\\n"
              "-----END RSA PRIVATE KEY-----\\n\",\"n\":1}");
  /* without END inside the string: to the end of the string, and the
   * block goes on in the same key of the next records (Docker writes one
   * {"log":"...\n"} record per line) while they look like key material */
  ASSERT_JSON(m, "{\"k\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\"}",
              "{\"k\":\"[REDACTED:pem]\\n[REDACTED:pem]\"}");
  ASSERT_JSON(m, "{\"k\":\"AQEAc9C7glENHgsGkeCau/POrbufi\",\"stream\":\"stdout\"}",
              "{\"k\":\"[REDACTED:pem]\",\"stream\":\"stdout\"}");
  ASSERT_JSON(m, "{\"next\":\"line\"}", "{\"next\":\"line\"}");
  ASSERT_JSON(m, "{\"k\":\"MIIEowIBAAKCAQEA\"}", "{\"k\":\"MIIEowIBAAKCAQEA\"}");
  ck_assert_uint_eq(totals(m).blocks, 2);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

static char *nested(int depth, const char *inner) {
  size_t n = (size_t)depth * 8 + strlen(inner) + 16;
  char *s = malloc(n), *p = s;
  ck_assert_ptr_nonnull(s);
  for (int i = 0; i < depth; i++)
    p += i % 2 ? sprintf(p, "[") : sprintf(p, "{\"a\":");
  p += sprintf(p, "%s", inner);
  for (int i = depth - 1; i >= 0; i--)
    p += sprintf(p, i % 2 ? "]" : "}");
  return s;
}

START_TEST(json_depth_limit) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "json");
  /* at the limit (128 levels): handled as JSON */
  char *at = nested(128, "\"password=hunter2x\"");
  char *got = fmt_mask(m, at);
  ck_assert_ptr_nonnull(strstr(got, "\"password=[REDACTED:password-assignment]\""));
  ck_assert(json_valid(got, strlen(got)));
  ck_assert_uint_eq(totals(m).limit_trips, 0);
  free(got);
  /* beyond, with nothing any rule or sensitive key could match: no handler
   * needs to look inside, so the line passes unparsed and unchanged */
  char *clean = nested(129, "\"harmless\"");
  got = fmt_mask(m, clean);
  ck_assert_str_eq(got, clean);
  ck_assert_uint_eq(totals(m).limit_trips, 0);
  free(got);
  free(clean);
  /* beyond, with a keyword: the line is masked whole, stays valid JSON, is
   * counted */
  char *beyond = nested(129, "\"password=hunter2x\"");
  ck_assert(json_valid(beyond, strlen(beyond)));
  got = fmt_mask(m, beyond);
  ck_assert_str_eq(got, "\"[REDACTED:json-depth-limit]\"");
  ck_assert_uint_eq(totals(m).limit_trips, 1);
  ck_assert_uint_eq(totals(m).format_fallbacks, 0);
  free(got);
  /* indentation and a CR survive the whole-line mask */
  char *indented = malloc(strlen(beyond) + 8);
  ck_assert_ptr_nonnull(indented);
  sprintf(indented, "  %s\r", beyond);
  ASSERT_MASK(m, indented, "  \"[REDACTED:json-depth-limit]\"\r");
  free(indented);
  free(at);
  free(beyond);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_malformed_falls_back) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "json");
  ASSERT_MASK(m, "{\"a\": \"password=hunter2x\"", "{\"a\": \"password=[REDACTED:password-assignment]\"");
  ASSERT_MASK(m, "{\"a\": password=hunter2x}", "{\"a\": password=[REDACTED:password-assignment]");
  /* a value and text after it: the value is JSON, the rest text */
  ASSERT_MASK(m, "{\"token\": \"abc\"} trailing password=hunter2x",
              "{\"token\": \"[REDACTED:json-sensitive-key]\"} trailing "
              "password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "{\"token\": \"abc\"} \"password=hunter2x",
              "{\"token\": \"[REDACTED:json-sensitive-key]\"} \"password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "not json password=hunter2x", "not json password=[REDACTED:password-assignment]");
  /* invalid UTF-8 inside a string is still JSON (not a fallback) */
  ASSERT_MASK(m, "{\"a\":\"\xff password=hunter2x\"}",
              "{\"a\":\"\xff password=[REDACTED:password-assignment]\"}");
  ck_assert_uint_eq(totals(m).format_fallbacks, 3);
  /* a blank line is no fallback */
  ASSERT_MASK(m, "", "");
  ASSERT_MASK(m, "   ", "   ");
  ck_assert_uint_eq(totals(m).format_fallbacks, 3);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(json_mask_styles) {
  lm_ruleset *set = fmt_set("stars", NULL);
  lm_masker *m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"token\":123456,\"password\":\"ab\\\"cd\"}",
              "{\"token\":\"******\",\"password\":\"*****\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
  /* a template with JSON specials is escaped inside the string */
  set = fmt_set("redact:<\"%r\"\\>", NULL);
  m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"token\":\"abcdef\"}", "{\"token\":\"<\\\"json-sensitive-key\\\"\\\\>\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
  /* partial keeps bytes of the secret: never invalid UTF-8 in the output */
  set = fmt_set("partial:1:0", NULL);
  m = fmt_masker(set, "json");
  char *got = fmt_mask(m, "{\"token\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}");
  ck_assert(json_valid(got, strlen(got)));
  free(got);
  lm_masker_free(m);
  lm_ruleset_free(set);
  /* drop: the line goes */
  set = fmt_set("drop", NULL);
  m = fmt_masker(set, "json");
  ASSERT_MASK(m, "{\"token\":\"abcdef\"}", "<dropped>");
  ASSERT_MASK(m, "{\"ok\":\"fine\"}", "{\"ok\":\"fine\"}");
  ck_assert_uint_eq(totals(m).lines_dropped, 1);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

static void keys_prep(lm_ruleset *set) {
  const char *keep[] = {"session"};
  const char *mask[] = {"ssn", "card_number"};
  ck_assert_int_eq(lm_ruleset_keep_keys(set, keep, 1), LM_OK);
  ck_assert_int_eq(lm_ruleset_mask_keys(set, mask, 2, 0), LM_OK);
  const char *bad[] = {"__"};
  ck_assert_int_eq(lm_ruleset_mask_keys(set, bad, 1, 0), LM_ERR_ARG);
}

static void keys_replace(lm_ruleset *set) {
  const char *mask[] = {"only_this"};
  ck_assert_int_eq(lm_ruleset_mask_keys(set, mask, 1, 1), LM_OK);
}

static void keys_json_escaped(lm_ruleset *set) {
  const char *odd[] = {"say\"hi", "tab\tkey"};
  ck_assert_int_eq(lm_ruleset_mask_keys(set, odd, 2, 0), LM_OK);
}

START_TEST(keys_configurable) {
  lm_ruleset *set = fmt_set(NULL, keys_prep);
  ck_assert_int_eq(lm_ruleset_mask_keys(set, NULL, 0, 1), LM_ERR_STATE);
  ck_assert(lm_ruleset_is_sensitive_key(set, "userSSN", 7));
  ck_assert(!lm_ruleset_is_sensitive_key(set, "lessn", 5));
  ck_assert(lm_ruleset_is_sensitive_key(set, "user_ssn", 8));
  ck_assert(lm_ruleset_is_sensitive_key(set, "cardNumber", 10));
  ck_assert(!lm_ruleset_is_sensitive_key(set, "session", 7));
  ck_assert(!lm_ruleset_is_sensitive_key(set, "Session", 7));
  ck_assert(lm_ruleset_is_sensitive_key(set, "userSession", 11)); /* keep is whole-key */
  ck_assert(lm_ruleset_is_sensitive_key(set, "password", 8));
  ck_assert_uint_eq(lm_ruleset_key_count(set), 25);
  ck_assert_str_eq(lm_ruleset_key(set, 24), "card_number");
  ck_assert_ptr_null(lm_ruleset_key(set, 25));
  lm_masker *m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"session\":\"abc123\",\"ssn\":\"078-05-1120\"}",
              "{\"session\":\"abc123\",\"ssn\":\"" K "\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
  /* keys JSON can only hold escaped: the set still compiles, and such a
   * key is found through the escape */
  set = fmt_set(NULL, keys_json_escaped);
  m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"say\\\"hi\":\"abc123\"}", "{\"say\\\"hi\":\"" K "\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
  set = fmt_set(NULL, keys_replace);
  ck_assert_uint_eq(lm_ruleset_key_count(set), 1);
  m = fmt_masker(set, "json");
  ASSERT_JSON(m, "{\"token\":\"abc123\",\"onlyThis\":1}", "{\"token\":\"abc123\",\"onlyThis\":\"" K "\"}");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(logfmt_pairs) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "logfmt");
  ASSERT_MASK(m, "ts=1 level=info token=abc123 user=bob",
              "ts=1 level=info token=[REDACTED:logfmt-sensitive-key] user=bob");
  ASSERT_MASK(m, "ts=1 apiKey=\"a b \\\"c\\\"\" ok",
              "ts=1 apiKey=\"[REDACTED:logfmt-sensitive-key]\" ok");
  /* the text rules see the whole line; masks stay inside the quotes */
  ASSERT_MASK(m, "msg=\"login \\\"ok\\\" password=hunter2x\" user=bob",
              "msg=\"login \\\"ok\\\" password=[REDACTED:password-assignment]\" user=bob");
  ASSERT_MASK(m, "msg=\"password=hunter2x\"", "msg=\"password=[REDACTED:password-assignment]\"");
  ASSERT_MASK(m, "url=postgres://app:s3cr3tPw@db/x bare key",
              "url=postgres://app:[REDACTED:url-credentials]@db/x bare key");
  /* empty and templated values stay */
  ASSERT_MASK(m, "token= password=\"\" secret=${S}", "token= password=\"\" secret=${S}");
  /* CRLF */
  ASSERT_MASK(m, "token=abc123\r", "token=[REDACTED:logfmt-sensitive-key]\r");
  ck_assert_uint_eq(totals(m).format_fallbacks, 0);
  /* not logfmt: unclosed quote, text glued to a quote -> text rules, and
   * the sensitive keys' values of the pairs that can be read */
  ASSERT_MASK(m, "msg=\"open password=hunter2x", "msg=\"open password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "a=\"x\"y token=abc123", "a=\"x\"y token=[REDACTED:logfmt-sensitive-key]");
  ASSERT_MASK(m, "a=\"x\"y user=bob", "a=\"x\"y user=bob");
  ck_assert_uint_eq(totals(m).format_fallbacks, 2);
  lm_masker_free(m);
  lm_ruleset_free(set);
  /* masks with quotes are escaped inside a quoted value */
  set = fmt_set("redact:\"%r\"", NULL);
  m = fmt_masker(set, "logfmt");
  ASSERT_MASK(m, "token=\"abc def\" x=1", "token=\"\\\"logfmt-sensitive-key\\\"\" x=1");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(logfmt_benign_values) {
  /* labels alone (no rules) */
  lm_ruleset *set = fmt_keys_set();
  lm_masker *k = fmt_masker(set, "logfmt");
  /* what a sensitive key may hold without a secret: its own name or word,
   * a file path, a template, an identifier of code; a password that only
   * looks dotted is still one */
  ASSERT_MASK(k, "password=password, credential=credential secret_key=secret",
              "password=password, credential=credential secret_key=secret");
  ASSERT_MASK(k, "GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json",
              "GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json");
  ASSERT_MASK(k, "db_password={{ .Values.db_password }}", "db_password={{ .Values.db_password }}");
  ASSERT_MASK(k, "auth_password=settings.EMAIL_HOST_PASSWORD,",
              "auth_password=settings.EMAIL_HOST_PASSWORD,");
  ASSERT_MASK(k, "password=eTHh.lXREsG", "password=[REDACTED:logfmt-sensitive-key]");
  ASSERT_MASK(k, "token=/x", "token=[REDACTED:logfmt-sensitive-key]");
  lm_masker_free(k);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(sd_names_hold_literals) {
  /* a known secret written into structure (an SD-ID, a PARAM-NAME) is
   * masked there too, the bytes a name cannot hold replaced */
  lm_ruleset *set = lm_ruleset_new();
  ck_assert_int_eq(lm_ruleset_add_literal(set, "k", "QZXWVKJYQPLMNBGH", 16), LM_OK);
  ck_assert_int_eq(lm_ruleset_compile(set), LM_OK);
  lm_masker *m = fmt_masker(set, "syslog");
  ASSERT_MASK(m, "<165>1 2003-10-11T22:14:15Z host app 12 ID47 [ex@1 passQZXWVKJYQPLMNBGHd=\"v\"] msg",
              "<165>1 2003-10-11T22:14:15Z host app 12 ID47 [ex@1 pass[REDACTED:k_d=\"v\"] msg");
  ASSERT_MASK(m, "<165>1 2003-10-11T22:14:15Z host app 12 ID47 [QZXWVKJYQPLMNBGH a=\"v\"] msg",
              "<165>1 2003-10-11T22:14:15Z host app 12 ID47 [[REDACTED:k_ a=\"v\"] msg");
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(syslog_5424) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "syslog");
  /* the header is scanned too (fail closed): a host field that reads as a
   * password assignment is masked like one; a plain header is untouched */
  ASSERT_MASK(m,
              "<165>1 2003-10-11T22:14:15.003Z password=host.example.com app 1234 ID47 "
              "[ex@32473 iut=\"3\" token=\"a\\\"b\\]c\" eventSource=\"App\"][x@1 k=\"v\"] "
              "\xef\xbb\xbfuser login password=hunter2x",
              "<165>1 2003-10-11T22:14:15.003Z password=[REDACTED:password-assignment] app 1234 ID47 "
              "[ex@32473 iut=\"3\" token=\"[REDACTED:syslog-sensitive-key\\]\" "
              "eventSource=\"App\"][x@1 k=\"v\"] "
              "\xef\xbb\xbfuser login password=[REDACTED:password-assignment]");
  /* RFC 3164 without a HOSTNAME, or a tag that is the key: still masked */
  ASSERT_MASK(m, "<34>Oct 11 22:14:15 password=hunter2x ok",
              "<34>Oct 11 22:14:15 password=[REDACTED:password-assignment] ok");
  ASSERT_MASK(m, "<34>Oct 11 22:14:15 host password: hunter2x",
              "<34>Oct 11 22:14:15 host password: [REDACTED:password-assignment]");
  ASSERT_MASK(m, "<34>1 2003-10-11T22:14:15Z host su - - - password=hunter2x",
              "<34>1 2003-10-11T22:14:15Z host su - - - password=[REDACTED:password-assignment]");
  /* an SD value the rules match keeps its quotes; ']' in a PARAM-VALUE is
   * escaped as RFC 5424 6.3.3 wants */
  ASSERT_MASK(m, "<34>1 - host app - - [a@1 note=\"password=hunter2x\"]",
              "<34>1 - host app - - [a@1 note=\"password=[REDACTED:password-assignment\\]\"]");
  ck_assert_uint_eq(totals(m).format_fallbacks, 0);
  /* malformed SD: text rules over the line */
  ASSERT_MASK(m, "<34>1 - host app - - [a@1 note=\"x password=hunter2x",
              "<34>1 - host app - - [a@1 note=\"x password=[REDACTED:password-assignment]");
  ck_assert_uint_eq(totals(m).format_fallbacks, 1);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(syslog_3164) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "syslog");
  ASSERT_MASK(m, "<34>Oct 11 22:14:15 mymachine su[123]: password=hunter2x",
              "<34>Oct 11 22:14:15 mymachine su[123]: password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "May  1 10:00:00 web01 app: db postgres://app:s3cr3tPw@db/x",
              "May  1 10:00:00 web01 app: db postgres://app:[REDACTED:url-credentials]@db/x");
  ASSERT_MASK(m, "<13>2024-05-01T10:00:00+02:00 web01 app: password=hunter2x",
              "<13>2024-05-01T10:00:00+02:00 web01 app: password=[REDACTED:password-assignment]");
  ck_assert_uint_eq(totals(m).format_fallbacks, 0);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

START_TEST(auto_mixed_stream) {
  lm_ruleset *set = fmt_set(NULL, NULL);
  lm_masker *m = fmt_masker(set, "auto");
  ASSERT_JSON(m, "{\"token\":\"abc123\"}", "{\"token\":\"" K "\"}");
  ASSERT_MASK(m, "plain line token=abc123 password=hunter2x",
              "plain line token=abc123 password=[REDACTED:password-assignment]");
  ASSERT_MASK(m, "token=abc123 x=1", "token=[REDACTED:logfmt-sensitive-key] x=1");
  ASSERT_MASK(m, "<34>1 - host app - - [a@1 token=\"abc\"]",
              "<34>1 - host app - - [a@1 token=\"[REDACTED:syslog-sensitive-key\\]\"]");
  /* a rule that reads the value names it; the key label only masks */
  ASSERT_JSON(m, "  {\"password\":7}", "  {\"password\":\"[REDACTED:password-assignment]\"}");
  ASSERT_MASK(m, "{broken password=hunter2x", "{broken password=[REDACTED:password-assignment]");
  ck_assert_uint_eq(totals(m).format_fallbacks, 1);
  /* a PEM block opened in a text line is masked line by line, in any
   * format: body lines are masked whole; a line that does not look like
   * key material ends the block */
  ASSERT_MASK(m, "-----BEGIN RSA PRIVATE KEY-----", "[REDACTED:pem]");
  ASSERT_MASK(m, "MIIEowIBAAKCAQEA=", "[REDACTED:pem]");
  ASSERT_MASK(m, "{\"a\":1}", "{\"a\":1}");
  /* the engine keeps the END marker line (see check_engine) */
  ASSERT_MASK(m, "-----END RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----");
  ASSERT_MASK(m, "after=1", "after=1");
  /* opened in a syslog message */
  ASSERT_MASK(m, "<34>Oct 11 22:14:15 h app: -----BEGIN RSA PRIVATE KEY-----",
              "<34>Oct 11 22:14:15 h app: [REDACTED:pem]");
  ASSERT_MASK(m, "key=MIIEowIBAAKCAQEA", "key=MIIEowIBAAKCAQEA"); /* not a body line */
  ASSERT_MASK(m, "<34>Oct 11 22:14:16 h app: -----BEGIN RSA PRIVATE KEY-----",
              "<34>Oct 11 22:14:16 h app: [REDACTED:pem]");
  ASSERT_MASK(m, "<34>Oct 11 22:14:16 h app: MIIEowIBAAKCAQEA",
              "<34>Oct 11 22:14:16 h app: [REDACTED:pem]");
  ASSERT_MASK(m, "-----END RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----");
  ck_assert_uint_eq(totals(m).blocks, 3);
  ck_assert_int_eq(lm_masker_set_format(m, "xml"), LM_ERR_ARG);
  lm_masker_free(m);
  lm_ruleset_free(set);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("formats");
  TCase *tc = tcase_create("formats");
  tcase_add_test(tc, json_untouched_bytes_exact);
  tcase_add_test(tc, json_rules_in_values);
  tcase_add_test(tc, json_sensitive_key_spellings);
  tcase_add_test(tc, json_sensitive_value_types);
  tcase_add_test(tc, json_embedded_json_and_pem);
  tcase_add_test(tc, json_depth_limit);
  tcase_add_test(tc, json_malformed_falls_back);
  tcase_add_test(tc, json_mask_styles);
  tcase_add_test(tc, keys_configurable);
  tcase_add_test(tc, logfmt_pairs);
  tcase_add_test(tc, logfmt_benign_values);
  tcase_add_test(tc, sd_names_hold_literals);
  tcase_add_test(tc, syslog_5424);
  tcase_add_test(tc, syslog_3164);
  tcase_add_test(tc, auto_mixed_stream);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return fmt_run(suite()); }
