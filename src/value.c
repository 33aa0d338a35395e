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

/* How far back from a value its key is looked for: a name is short, and
 * a value inside a long run of name bytes (a token of dots and letters)
 * must not cost that run's length at each of its matches. */
#define KEY_SCAN_MAX 256

/* Start of the key written before the value at s (`key=`, `key: `,
 * `"key":"`), and what stands before the key. */
static size_t key_start_within(const char *t, size_t s, size_t *kend, size_t max) {
  size_t i = s, lo = s > max ? s - max : 0;
  while (i > lo && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  while (i > lo && (t[i - 1] == '=' || t[i - 1] == ':' || t[i - 1] == '>'))
    i--;
  while (i > lo && (t[i - 1] == ' ' || t[i - 1] == '\t'))
    i--;
  while (i > lo && (t[i - 1] == '"' || t[i - 1] == '\'' || t[i - 1] == '\\' || t[i - 1] == ']'))
    i--;
  *kend = i;
  while (i > lo && is_key_byte((unsigned char)t[i - 1]))
    i--;
  return i;
}

static size_t key_start(const char *t, size_t s, size_t *kend) {
  return key_start_within(t, s, kend, KEY_SCAN_MAX);
}

size_t lm_value_key_start(const char *t, size_t s, size_t max) {
  size_t kend;
  return key_start_within(t, s, &kend, max);
}

/* `name=` (a next key) at t[i], blanks before it allowed. */
static int key_follows(const char *t, size_t len, size_t i) {
  while (i < len && (t[i] == ' ' || t[i] == '\t'))
    i++;
  if (i >= len || !(isalpha((unsigned char)t[i]) || t[i] == '_'))
    return 0;
  /* a name of words (a connection string's `User Id=`, `Data Source=`)
   * has capitalised words of letters: `mQ2zLpW user=` is a value's tail
   * and then a field */
  size_t k = i;
  int spaced = 0, word_ok = 1, at_word = 1;
  while (i < len && (is_key_byte((unsigned char)t[i]) || t[i] == ' ') && i - k < 64) {
    if (t[i] == ' ') {
      spaced = 1;
      at_word = 1;
    } else {
      if (at_word && !isupper((unsigned char)t[i]))
        word_ok = 0;
      if (!isalpha((unsigned char)t[i]))
        word_ok = 0;
      at_word = 0;
    }
    i++;
  }
  return i < len && t[i] == '=' && (!spaced || word_ok);
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
  /* in source: jQuery's $.x, a parenthesised expression, a regex literal
   * (/…/g), an HTML tag, a `code span` */
  if (code && ((n >= 2 && v[0] == '$' && v[1] == '.') || v[0] == '(' ||
               (n >= 3 && v[0] == '/' && memchr(v + 1, '/', n - 1) &&
                (v[n - 1] == '/' || v[n - 1] == ';' || islower((unsigned char)v[n - 1])) &&
                memchr(v, '\\', n)) ||
               (n >= 2 && v[0] == '<' && isalpha((unsigned char)v[1])) ||
               (n >= 2 && v[0] == '`' && v[n - 1] == '`')))
    return 1;
  size_t i = 0, dots = 0, digits = 0;
  int ident = isalpha((unsigned char)v[0]) || v[0] == '_';
  while (ident && i < n && (ident_byte((unsigned char)v[i]) || v[i] == '.' ||
                            (code && v[i] == '-' && i + 1 < n && v[i + 1] == '>'))) {
    if (v[i] == '-') { /* C's and PHP's ptr->member */
      i++;
      if (i + 1 >= n || !(isalpha((unsigned char)v[i + 1]) || v[i + 1] == '_'))
        break;
      dots++;
      i++;
      continue;
    }
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
  /* a subscript by a quoted name or a number: settings['PASSWORD'],
   * os.environ["TOKEN"], args[1] */
  while (i < n && v[i] == '[') {
    size_t j = i + 1;
    if (j < n && (v[j] == '\'' || v[j] == '"')) {
      char q = v[j++];
      while (j < n && v[j] != q && (ident_byte((unsigned char)v[j]) || v[j] == '-' || v[j] == '.'))
        j++;
      if (j >= n || v[j] != q)
        return 0;
      j++;
    } else {
      /* a number, or in source any index expression: argv[++j] */
      while (j < n && (isdigit((unsigned char)v[j]) ||
                       (code && (ident_byte((unsigned char)v[j]) || v[j] == '+' || v[j] == '-'))))
        j++;
    }
    if (j >= n || v[j] != ']' || j == i + 1)
      return 0;
    i = j + 1;
    dots++; /* as a path: settings['PASSWORD'] reads as settings.PASSWORD */
    if (i == n)
      return 1;
    if (code && i + 2 < n && v[i] == '-' && v[i + 1] == '>') {
      /* argv[j]->ptr */
      i += 2;
      while (i < n && ident_byte((unsigned char)v[i]))
        i++;
      if (i == n)
        return 1;
    }
  }
  if (i != n)
    return 0;
  /* settings.EMAIL_HOST_PASSWORD, self.password, os.environ: parts that
   * read as names (eTHh.lXREsG is a password) */
  if (dots && (code || !digits) && dotted_names(v, n))
    return 1;
  /* a name of words, one naming a secret (raw_password, secretName),
   * reads as names all through: MySecretPass2024 and Xk9mKeyQ2zR7 are
   * passwords with a word in them */
  if (repeats_key(t, s, v, n) || (!digits && dotted_names(v, n) && names_a_secret(v, n)))
    return 1;
  /* in source files an identifier without digits is a variable when it
   * reads as a name (yqDVtkqPECriaLRi is a password) */
  return code && !digits && !dots && dotted_names(v, n);
}

int lm_value_is_constant(const char *v, size_t n) {
  if (n < 2 || n > 32 || !isupper((unsigned char)v[0]))
    return 0;
  size_t digits = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (isdigit(c))
      digits++;
    else if (!isupper(c) && c != '_')
      return 0;
  }
  return digits == 0;
}

int lm_value_is_example(const char *v, size_t n) {
  /* lower-case words joined by _ - . or a space (top_secret, a_password,
   * django.contrib.auth, not empty password), maybe with a short number
   * after them: random passwords mix digits in, or capitals */
  if (n > 40)
    return 0;
  size_t i = 0, longest = 0;
  while (i < n && v[i] == '_')
    i++;
  for (;;) {
    size_t w = i;
    while (i < n && islower((unsigned char)v[i]))
      i++;
    if (i == w)
      return 0;
    if (i - w > longest)
      longest = i - w;
    if (i + 1 < n && strchr("_-. ", v[i]) && islower((unsigned char)v[i + 1])) {
      i++;
      continue;
    }
    break;
  }
  size_t digits = 0;
  while (i < n && isdigit((unsigned char)v[i])) {
    i++;
    digits++;
  }
  return i == n && digits <= 4 && longest >= 3;
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
