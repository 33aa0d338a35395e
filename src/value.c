/* SPDX-License-Identifier: Apache-2.0 */
/* Bare values: where an unquoted value ends in its context, whether it is
 * code rather than a secret, and inline allow markers of source files. */
#include "internal.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

static int is_blank_or_quote(unsigned char c) {
  return c <= ' ' || c == '"' || c == '\'' || c == '`' || c == 0x7f;
}

static int is_key_byte(unsigned char c) {
  return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* Start of the key written before the value at s (`key=`, `key: `,
 * `"key":"`), and what stands before the key. */
static size_t key_start(const char *t, size_t s, size_t *kend) {
  size_t i = s;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  while (i > 0 && (t[i - 1] == '=' || t[i - 1] == ':' || t[i - 1] == '>'))
    i--;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  while (i > 0 && (t[i - 1] == '"' || t[i - 1] == '\'' || t[i - 1] == '\\' || t[i - 1] == ']'))
    i--;
  *kend = i;
  while (i > 0 && is_key_byte((unsigned char)t[i - 1]))
    i--;
  return i;
}

/* `name=` (a next key) at t[i], blanks before it allowed. */
static int key_follows(const char *t, size_t len, size_t i) {
  while (i < len && (t[i] == ' ' || t[i] == '\t'))
    i++;
  if (i >= len || !(isalpha((unsigned char)t[i]) || t[i] == '_'))
    return 0;
  size_t k = i;
  while (i < len && (is_key_byte((unsigned char)t[i]) || t[i] == ' ') && i - k < 64)
    i++;
  return i < len && t[i] == '=';
}

/* A form field's name after '&' (`&remember=1`, `&grant_type=`): a word
 * of two letters or more, so a random value's `&l0=` does not end it. */
static int field_follows(const char *t, size_t len, size_t i) {
  if (!key_follows(t, len, i))
    return 0;
  size_t letters = 0;
  for (; i < len && t[i] != '='; i++)
    letters += isalpha((unsigned char)t[i]) != 0;
  return letters >= 2;
}

size_t lm_value_end(const char *t, size_t len, size_t s) {
  size_t kend, ks = key_start(t, s, &kend);
  char before = ks > 0 ? t[ks - 1] : 0;
  /* a query string: ?k=v&k2=v2 (and ;-separated matrix parameters) */
  int query = before == '?' || before == '&';
  /* a connection string: Server=x;Password=y;... */
  int conn = before == ';';
  /* a URL's user info, scheme://user:password@host: the host is no part */
  int userinfo = ks >= 3 && memcmp(t + ks - 3, "://", 3) == 0;
  int depth[3] = {0, 0, 0};
  size_t i = s;
  for (; i < len; i++) {
    unsigned char c = (unsigned char)t[i];
    if (is_blank_or_quote(c) || c == '<')
      break;
    /* (a '#' would start a URL's fragment, but a logged request carries
     * none: there it is a byte of the value, and a value cut at it leaks) */
    if (c == '&' && query)
      break;
    if ((c == '@' || c == '/') && userinfo)
      break;
    /* a form body's next field: password=x&remember=1 */
    if (c == '&' && field_follows(t, len, i + 1))
      break;
    if (c == ';' && (conn || query || key_follows(t, len, i + 1) || i + 1 == len ||
                     t[i + 1] == ' ' || t[i + 1] == '\t'))
      break;
    if (c == ',' && (i + 1 == len || t[i + 1] == ' ' || t[i + 1] == '\t' ||
                     key_follows(t, len, i + 1) || t[i + 1] == '"'))
      break;
    if (c == '(' || c == '[' || c == '{')
      depth[c == '(' ? 0 : c == '[' ? 1 : 2]++;
    if (c == ')' || c == ']' || c == '}') {
      int k = c == ')' ? 0 : c == ']' ? 1 : 2;
      unsigned char next = i + 1 < len ? (unsigned char)t[i + 1] : 0;
      /* closes something the value did not open, (password=x), when the
       * text goes on as after a bracket; inside a value (a generated key's
       * `=)7wj`) it is one of its bytes */
      if (depth[k] == 0 && (next == 0 || is_blank_or_quote(next) || strchr(",;:.)]}>", next)))
        break;
      if (depth[k])
        depth[k]--;
    }
  }
  return i > s ? i : s;
}

static int ident_byte(unsigned char c) { return isalnum(c) || c == '_'; }

/* Words a value names when it is a variable holding a secret. */
static const char *const secret_words[] = {"password", "passwd", "pwd", "pass", "secret",
                                           "token", "key", "credential", "credentials",
                                           "auth", "apikey", NULL};

/* The value is an identifier built of words (snake_case, camelCase,
 * kebab-case) one of which names a secret: raw_password, secretName. */
static int names_a_secret(const char *v, size_t n) {
  int boundary = 0;
  for (size_t i = 1; i < n; i++)
    if (v[i] == '_' || v[i] == '-' || (islower((unsigned char)v[i - 1]) && isupper((unsigned char)v[i])))
      boundary = 1;
  if (!boundary)
    return 0;
  for (size_t i = 0; i < n;) {
    /* one word */
    while (i < n && (v[i] == '_' || v[i] == '-'))
      i++;
    size_t w = i;
    if (i < n)
      i++;
    while (i < n && v[i] != '_' && v[i] != '-' && !(isupper((unsigned char)v[i]) && islower((unsigned char)v[i - 1])))
      i++;
    for (const char *const *sw = secret_words; *sw; sw++)
      if (strlen(*sw) == i - w && strncasecmp(v + w, *sw, i - w) == 0)
        return 1;
  }
  return 0;
}

/* The value repeats its key (`credential=credential`, `password=PASSWORD`)
 * or the key's last word (`db_password=password`). */
static int repeats_key(const char *t, size_t s, const char *v, size_t n) {
  size_t kend, ks = key_start(t, s, &kend);
  if (kend <= ks)
    return 0;
  if (kend - ks == n && strncasecmp(t + ks, v, n) == 0)
    return 1;
  return kend - ks > n && strncasecmp(t + kend - n, v, n) == 0 &&
         !isalnum((unsigned char)t[kend - n - 1]);
}

/* Each part of a dotted path reads as a name: all lower case, all upper
 * case (snake case included), or camelCase without two capitals in a row;
 * the first part starts in lower case or is one capitalised word. */
static int dotted_names(const char *v, size_t n) {
  for (size_t i = 0, part = 0; i < n; part++) {
    size_t e = i;
    int lower = 0, upper = 0, caps_run = 0, first_upper = isupper((unsigned char)v[i]) != 0;
    for (; e < n && v[e] != '.'; e++) {
      unsigned char c = (unsigned char)v[e];
      if (isupper(c)) {
        upper = 1;
        caps_run = caps_run || (e > i && isupper((unsigned char)v[e - 1]));
      } else if (islower(c)) {
        lower = 1;
      }
    }
    if (lower && upper) {
      /* camelCase: no two capitals in a row; a leading capital only as a
       * capitalised word (Settings) */
      if (caps_run)
        return 0;
      if (first_upper && part == 0)
        for (size_t k = i + 1; k < e; k++)
          if (isupper((unsigned char)v[k]))
            return 0;
    }
    i = e + 1;
  }
  return 1;
}

int lm_value_is_code(const char *t, size_t s, size_t e, int code) {
  const char *v = t + s;
  size_t n = e - s;
  if (n == 0)
    return 1;
  /* $VAR, ${VAR}, $(cmd), {{ var }}, %(var)s, <VAR>: references */
  if ((v[0] == '$' && n >= 2 && (isalpha((unsigned char)v[1]) || v[1] == '_' || v[1] == '{' || v[1] == '(')) ||
      (n >= 2 && v[0] == '{' && v[1] == '{') || (n >= 2 && v[0] == '%' && v[1] == '(') ||
      (v[0] == '<' && v[n - 1] == '>'))
    return 1;
  size_t i = 0, dots = 0, digits = 0;
  int ident = isalpha((unsigned char)v[0]) || v[0] == '_';
  while (ident && i < n && (ident_byte((unsigned char)v[i]) || v[i] == '.')) {
    if (v[i] == '.') {
      /* each part of a path starts like an identifier */
      if (i + 1 >= n || !(isalpha((unsigned char)v[i + 1]) || v[i + 1] == '_'))
        break;
      dots++;
    }
    digits += isdigit((unsigned char)v[i]) != 0;
    i++;
  }
  if (!ident)
    return 0;
  /* a call: name( or obj.method( */
  if (i < n && v[i] == '(' && code)
    return 1;
  if (i < n && v[i] == '(' && i + 1 < n && v[n - 1] == ')' && dots)
    return 1;
  if (i != n)
    return 0;
  /* settings.EMAIL_HOST_PASSWORD, self.password, os.environ: parts that
   * read as names (eTHh.lXREsG is a password) */
  if (dots && !digits && dotted_names(v, n))
    return 1;
  if (repeats_key(t, s, v, n) || names_a_secret(v, n))
    return 1;
  /* in source files an identifier without digits is a variable */
  return code && !digits && !dots;
}

int lm_allow_marker(const char *t, size_t len) {
  static const char *const markers[] = {"logmask:allow", "pragma: allowlist secret",
                                        "gitleaks:allow", "secretlint-disable-line", NULL};
  if (len < 13 || (!memchr(t, ':', len) && !memchr(t, '-', len)))
    return 0;
  if (memmem(t, len, "pragma: allowlist nextline secret", 33))
    return 2;
  for (const char *const *mk = markers; *mk; mk++)
    if (memmem(t, len, *mk, strlen(*mk)))
      return 1;
  return 0;
}
