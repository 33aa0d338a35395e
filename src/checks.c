/* SPDX-License-Identifier: Apache-2.0 */
/* Validators a rule can name (`check:`), Shannon entropy, and the
 * placeholder test that keeps `${VAR}`, `<your key>`, `REDACTED` and the
 * like from being masked as secrets. */
#include "internal.h"
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

int lm_check_parse(const char *name, lm_check_kind *out) {
  static const struct { const char *name; lm_check_kind kind; } names[] = {
      {"luhn", LM_CHECK_LUHN}, {"iban", LM_CHECK_IBAN}, {"jwt", LM_CHECK_JWT},
      {"github-crc32", LM_CHECK_GITHUB_CRC32}, {"base64", LM_CHECK_BASE64}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i].name) == 0) {
      *out = names[i].kind;
      return 0;
    }
  return -1;
}

static int luhn(const char *s, size_t len) {
  int sum = 0, ndigits = 0, dbl = 0;
  for (size_t i = len; i-- > 0;) {
    char c = s[i];
    if (c == ' ' || c == '-')
      continue;
    if (!isdigit((unsigned char)c))
      return 0;
    int d = c - '0';
    if (dbl && (d *= 2) > 9)
      d -= 9;
    sum += d;
    dbl = !dbl;
    ndigits++;
  }
  return ndigits >= 12 && ndigits <= 19 && sum % 10 == 0;
}

/* ISO 13616: move the first four characters to the end, letters to
 * numbers (A=10), and the remainder modulo 97 must be 1. */
static int iban(const char *s, size_t len) {
  char buf[64];
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == ' ')
      continue;
    if (n == sizeof buf || !isalnum((unsigned char)s[i]))
      return 0;
    buf[n++] = (char)toupper((unsigned char)s[i]);
  }
  if (n < 15 || n > 34 || !isalpha((unsigned char)buf[0]) || !isalpha((unsigned char)buf[1]) ||
      !isdigit((unsigned char)buf[2]) || !isdigit((unsigned char)buf[3]))
    return 0;
  unsigned rem = 0;
  for (size_t k = 0; k < n; k++) {
    char c = buf[(k + 4) % n];
    if (isdigit((unsigned char)c))
      rem = (rem * 10 + (unsigned)(c - '0')) % 97;
    else
      rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
  }
  return rem == 1;
}

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

/* A JWT's header is base64url JSON holding "alg": decode the first
 * segment (up to 512 bytes is plenty for a header) and look. */
static int jwt(const char *s, size_t len) {
  const char *dot = memchr(s, '.', len);
  if (!dot || memchr(dot + 1, '.', len - (size_t)(dot + 1 - s)) == NULL)
    return 0;
  size_t seg = (size_t)(dot - s);
  unsigned char out[400];
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < seg && o < sizeof out; i++) {
    int v = b64val((unsigned char)s[i]);
    if (v < 0) {
      if (s[i] == '=')
        break;
      return 0;
    }
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
    }
  }
  size_t a = 0;
  while (a < o && isspace(out[a]))
    a++;
  if (a == o || out[a] != '{')
    return 0;
  return memmem(out, o, "\"alg\"", 5) != NULL || memmem(out, o, "\"typ\"", 5) != NULL;
}

/* GitHub's token format: prefix_, 30 base62 characters, then the CRC32 of
 * those 30 characters in base62, left-padded with '0' to 6 characters. */
static int github_crc32(const char *s, size_t len) {
  const char *u = memchr(s, '_', len);
  if (!u)
    return 0;
  const char *body = u + 1;
  size_t blen = len - (size_t)(body - s);
  if (blen != 36)
    return 0;
  unsigned long crc = crc32(0L, (const Bytef *)body, 30);
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  char enc[7] = "000000";
  for (int i = 5; i >= 0 && crc; i--) {
    enc[i] = digits[crc % 62];
    crc /= 62;
  }
  return memcmp(enc, body + 30, 6) == 0;
}

static int base64(const char *s, size_t len) {
  size_t pad = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '=') {
      pad++;
      continue;
    }
    if (pad || b64val((unsigned char)s[i]) < 0)
      return 0;
  }
  return pad <= 2 && len >= 8;
}

int lm_check_run(lm_check_kind kind, const char *s, size_t len) {
  switch (kind) {
  case LM_CHECK_NONE: return 1;
  case LM_CHECK_LUHN: return luhn(s, len);
  case LM_CHECK_IBAN: return iban(s, len);
  case LM_CHECK_JWT: return jwt(s, len);
  case LM_CHECK_GITHUB_CRC32: return github_crc32(s, len);
  case LM_CHECK_BASE64: return base64(s, len);
  }
  return 0;
}

double lm_entropy(const char *s, size_t len) {
  if (len == 0)
    return 0;
  unsigned counts[256] = {0};
  for (size_t i = 0; i < len; i++)
    counts[(unsigned char)s[i]]++;
  double h = 0;
  for (int c = 0; c < 256; c++)
    if (counts[c]) {
      double p = (double)counts[c] / (double)len;
      h -= p * log2(p);
    }
  return h;
}

typedef struct word {
  const char *s;
  size_t len;
} word;
#define W(x) {x, sizeof x - 1}

/* Asked of every secret found: lengths kept, and a value longer than the
 * longest word settled at once. */
static int word_in(const char *s, size_t len, const word *words, size_t longest) {
  if (len > longest)
    return 0;
  for (size_t i = 0; words[i].s; i++)
    if (words[i].len == len && strncasecmp(s, words[i].s, len) == 0)
      return 1;
  return 0;
}

static int starts_with_ci(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && strncasecmp(s, prefix, n) == 0;
}

int lm_is_placeholder(const char *s, size_t len) {
  /* quotes around the value are not part of it */
  while (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0]) {
    s++;
    len -= 2;
  }
  if (len == 0)
    return 1;
  static const word words[] = {
      W("null"), W("nil"), W("none"), W("undefined"), W("true"), W("false"), W("empty"),
      W("changeme"), W("change_me"), W("change-me"), W("changeit"), W("redacted"), W("masked"),
      W("hidden"), W("removed"), W("omitted"), W("filtered"), W("placeholder"), W("example"),
      W("dummy"), W("sample"), W("xxx"), W("n/a"), W("na"), W("unset"), W("notset"),
      W("not_set"), W("secret"), W("password"), W("passwd"), W("token"), W("required"),
      W("optional"), W("string"), W("value"), W("default"), W("todo"), W("tbd"), W("fixme"),
      W("***"), W("<redacted>"), W("[redacted]"), W("[filtered]"), W("[masked]"),
      W("(hidden)"), W("(redacted)"), W("yes"), W("no"), W("on"), W("off"), {NULL, 0}};
  if (word_in(s, len, words, sizeof "placeholder" - 1))
    return 1;
  /* the words below by their first letter: asked of every secret found */
  int first = tolower((unsigned char)s[0]);
  /* Our own masks (and other tools'): masking twice must not nest. */
  if ((first == '[' || first == '<') &&
      (starts_with_ci(s, len, "[REDACTED") || starts_with_ci(s, len, "<REDACTED") ||
       starts_with_ci(s, len, "[FILTERED") || starts_with_ci(s, len, "[MASKED")))
    return 1;
  /* Templates and variable references: ${VAR}, {{ var }}, <your key>,
   * %(password)s, %s, $VAR, {password}, @var@, __VAR__. */
  char a = s[0], z = s[len - 1];
  if ((a == '$' && len >= 2 && (s[1] == '{' || s[1] == '(')) ||
      (a == '{' && z == '}') || (a == '<' && z == '>') || (a == '%' && len >= 2 && (s[1] == '(' || len == 2)) ||
      (a == '@' && z == '@' && len > 2) || (len > 4 && s[0] == '_' && s[1] == '_' &&
                                            s[len - 1] == '_' && s[len - 2] == '_'))
    return 1;
  if (a == '$' && len >= 2) {
    /* $VAR with an all-uppercase name */
    size_t i = 1;
    while (i < len && (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
      i++;
    if (i == len)
      return 1;
  }
  /* "your_api_key", "your-password-here", "my_secret", "insert_token_here" */
  if (first && strchr("yier<", first) &&
      (starts_with_ci(s, len, "your") || starts_with_ci(s, len, "insert") ||
       starts_with_ci(s, len, "enter_") || starts_with_ci(s, len, "enter-") ||
       starts_with_ci(s, len, "replace") || starts_with_ci(s, len, "example") ||
       starts_with_ci(s, len, "<your")))
    return 1;
  /* one repeated character (****, xxxxxx, ......, 000000) */
  size_t same = 1;
  while (same < len && s[same] == s[0])
    same++;
  if (same == len && len >= 3)
    return 1;
  return 0;
}
