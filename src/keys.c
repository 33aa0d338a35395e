/* SPDX-License-Identifier: Apache-2.0 */
/* Sensitive keys of structured formats: the one list (and the one way of
 * matching it) that the JSON, logfmt and syslog handlers share.  See
 * lm_ruleset_mask_keys in logmask.h for the matching rule. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEY_MAX 255

static const char *const builtin_keys[] = {
    "password", "passwd", "pwd", "pass", "passphrase", "secret", "client_secret",
    "secret_key", "token", "access_token", "refresh_token", "id_token", "auth_token",
    "api_key", "apikey", "access_key", "private_key", "authorization", "cookie",
    "set-cookie", "session", "credentials", "credential"};
#define NBUILTIN (sizeof builtin_keys / sizeof builtin_keys[0])

/* A key as matching sees it: lower case, separators removed.  Matching runs
 * for every key of every structured line, so the forms are made once. */
typedef struct key_norm {
  const char *s;
  size_t len;
} key_norm;

/* builtin_keys normalised (same order); the table test in check_formats
 * keeps the two in step through lm_ruleset_is_sensitive_key. */
static const key_norm builtin_norm[] = {
#define N(x) {x, sizeof x - 1}
    N("password"), N("passwd"), N("pwd"), N("pass"), N("passphrase"), N("secret"),
    N("clientsecret"), N("secretkey"), N("token"), N("accesstoken"), N("refreshtoken"),
    N("idtoken"), N("authtoken"), N("apikey"), N("apikey"), N("accesskey"), N("privatekey"),
    N("authorization"), N("cookie"), N("setcookie"), N("session"), N("credentials"),
    N("credential")
#undef N
};
_Static_assert(sizeof builtin_norm / sizeof builtin_norm[0] == NBUILTIN,
               "builtin_norm must follow builtin_keys");

typedef struct key_list {
  char **v;      /* as given, for listing */
  key_norm *norm;
  size_t n, cap;
} key_list;

struct lm_keys {
  key_list mask; /* sensitive keys, as given */
  key_list keep; /* never masked by name */
};

static void list_clear(key_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i]);
    free((char *)l->norm[i].s);
  }
  l->n = 0;
}

static void list_free(key_list *l) {
  list_clear(l);
  free(l->v);
  free(l->norm);
  l->v = NULL;
  l->norm = NULL;
  l->cap = 0;
}

static int is_sep(unsigned char c) { return c == '_' || c == '-' || c == '.' || c == ' '; }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int list_add(key_list *l, const char *key) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    char **nv = realloc(l->v, cap * sizeof *nv);
    if (!nv)
      return -1;
    l->v = nv;
    key_norm *nn = realloc(l->norm, cap * sizeof *nn);
    if (!nn)
      return -1;
    l->norm = nn;
    l->cap = cap;
  }
  size_t len = strlen(key), n = 0;
  char *norm = malloc(len + 1);
  if (!norm || !(l->v[l->n] = strdup(key))) {
    free(norm);
    return -1;
  }
  for (size_t i = 0; i < len; i++)
    if (!is_sep((unsigned char)key[i]))
      norm[n++] = (char)lower((unsigned char)key[i]);
  norm[n] = '\0';
  l->norm[l->n++] = (key_norm){norm, n};
  return 0;
}

void lm_keys_free(struct lm_keys *keys) {
  if (!keys)
    return;
  list_free(&keys->mask);
  list_free(&keys->keep);
  free(keys);
}

/* The set's own list, made on first change from the built-in one. */
static lm_status own_keys(lm_ruleset *set) {
  if (set->keys)
    return LM_OK;
  struct lm_keys *k = calloc(1, sizeof *k);
  if (!k)
    return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < NBUILTIN; i++)
    if (list_add(&k->mask, builtin_keys[i])) {
      lm_keys_free(k);
      return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
  set->keys = k;
  return LM_OK;
}

static lm_status check_key(lm_ruleset *set, const char *key) {
  if (!key)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL key");
  size_t len = strlen(key), seps = 0;
  for (size_t i = 0; i < len; i++)
    seps += is_sep((unsigned char)key[i]);
  if (len == 0 || len > KEY_MAX || seps == len)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0,
                      "key '%.64s' must hold 1 to %d bytes, not only separators", key,
                      KEY_MAX);
  return LM_OK;
}

static lm_status add_keys(lm_ruleset *set, key_list *l, const char *const *keys, size_t n) {
  for (size_t i = 0; i < n; i++) {
    lm_status st = check_key(set, keys[i]);
    if (st)
      return st;
  }
  for (size_t i = 0; i < n; i++)
    if (list_add(l, keys[i]))
      return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  return LM_OK;
}

lm_status lm_ruleset_mask_keys(lm_ruleset *set, const char *const *keys, size_t n,
                               int replace) {
  if (!set || (n && !keys))
    return LM_ERR_ARG;
  if (set->compiled)
    return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0, "rule set already compiled");
  lm_status st = own_keys(set);
  if (st)
    return st;
  if (replace)
    list_clear(&set->keys->mask);
  return add_keys(set, &set->keys->mask, keys, n);
}

lm_status lm_ruleset_keep_keys(lm_ruleset *set, const char *const *keys, size_t n) {
  if (!set || (n && !keys))
    return LM_ERR_ARG;
  if (set->compiled)
    return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0, "rule set already compiled");
  lm_status st = own_keys(set);
  return st ? st : add_keys(set, &set->keys->keep, keys, n);
}

size_t lm_ruleset_key_count(const lm_ruleset *set) {
  if (!set)
    return 0;
  return set->keys ? set->keys->mask.n : NBUILTIN;
}

const char *lm_ruleset_key(const lm_ruleset *set, size_t index) {
  if (!set || index >= lm_ruleset_key_count(set))
    return NULL;
  return set->keys ? set->keys->mask.v[index] : builtin_keys[index];
}

/* Compares a normalised entry with the end of key[0..klen) walked
 * backwards without separators or case; `last` is the key's last
 * non-separator byte, lowered, at index klen - 1.  Returns the index in
 * `key` where the matched part starts, or -1. */
static long match_tail(const char *key, size_t klen, unsigned char last, const key_norm *e) {
  if (e->s[e->len - 1] != (char)last)
    return -1; /* the common case: one byte compared */
  size_t k = klen - 1, i = e->len - 1;
  while (i) {
    while (k && is_sep((unsigned char)key[k - 1]))
      k--;
    if (!k || lower((unsigned char)key[k - 1]) != (unsigned char)e->s[i - 1])
      return -1;
    k--;
    i--;
  }
  return (long)k;
}

/* A word starts at key[p]: at the start, after a separator, or at a
 * camelCase step (lower or digit, then upper). */
static int word_start(const char *key, size_t p) {
  if (p == 0)
    return 1;
  unsigned char a = (unsigned char)key[p - 1], b = (unsigned char)key[p];
  return is_sep(a) || ((islower(a) || isdigit(a)) && isupper(b));
}

static int only_seps(const char *key, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_sep((unsigned char)key[i]))
      return 0;
  return 1;
}

uint32_t *lm_keys_index(const lm_ruleset *set) {
  const struct lm_keys *k = set->keys;
  const key_norm *norm = k ? k->mask.norm : builtin_norm;
  size_t n = k ? k->mask.n : NBUILTIN;
  uint32_t *ix = calloc(257 + n, sizeof *ix);
  if (!ix)
    return NULL;
  /* a counting sort: group starts, then each group's indexes in order */
  for (size_t i = 0; i < n; i++)
    ix[(unsigned char)norm[i].s[norm[i].len - 1] + 1]++;
  for (size_t c = 1; c <= 256; c++)
    ix[c] += ix[c - 1];
  uint32_t fill[256];
  memcpy(fill, ix, sizeof fill);
  for (size_t i = 0; i < n; i++)
    ix[257 + fill[(unsigned char)norm[i].s[norm[i].len - 1]]++] = (uint32_t)i;
  return ix;
}

int lm_key_is_sensitive(const lm_ruleset *set, const char *key, size_t len) {
  if (!key)
    return 0;
  while (len && is_sep((unsigned char)key[len - 1]))
    len--;
  if (len == 0)
    return 0;
  unsigned char last = lower((unsigned char)key[len - 1]);
  const struct lm_keys *k = set->keys;
  const key_norm *norm = k ? k->mask.norm : builtin_norm;
  const uint32_t *ix = set->key_index;
  int sensitive = 0;
  if (ix) {
    for (uint32_t j = ix[last]; j < ix[last + 1] && !sensitive; j++) {
      long p = match_tail(key, len, last, &norm[ix[257 + j]]);
      sensitive = p >= 0 && word_start(key, (size_t)p);
    }
  } else {
    size_t n = k ? k->mask.n : NBUILTIN;
    for (size_t i = 0; i < n && !sensitive; i++) {
      long p = match_tail(key, len, last, &norm[i]);
      sensitive = p >= 0 && word_start(key, (size_t)p);
    }
  }
  if (sensitive && k)
    for (size_t i = 0; i < k->keep.n; i++) {
      long p = match_tail(key, len, last, &k->keep.norm[i]);
      if (p >= 0 && only_seps(key, (size_t)p))
        return 0;
    }
  return sensitive;
}

int lm_ruleset_is_sensitive_key(const lm_ruleset *set, const char *key, size_t len) {
  return set ? lm_key_is_sensitive(set, key, len) : 0;
}

/* Words of capitals joined by '_', three or more (Ansible's no_log
 * VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, NOT_SET_YET): a constant's name,
 * as the rules' own allow lists take it. */
static int upper_words(const char *s, size_t len) {
  size_t words = 0, run = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == '_') {
      if (run < 2)
        return 0;
      words++;
      run = 0;
    } else if (s[i] >= 'A' && s[i] <= 'Z') {
      run++;
    } else {
      return 0;
    }
  }
  return words >= 3;
}

/* Values a sensitive key may hold without being a secret: nothing, one
 * byte, an earlier mask, what the rules take for a placeholder (${VAR},
 * <your key>, %(pw)s, xxxxxx...), or a value mostly made of one repeated
 * character (hf_xxxxxxxxxxxxxxxx, glc_1111111111111111=).  A string holding
 * JSON is no placeholder, whatever its braces suggest. */
int lm_key_value_is_placeholder(const char *s, size_t len) {
  if (len < 2)
    return 1;
  if (len >= 9 && strncasecmp(s, "[REDACTED", 9) == 0 && s[len - 1] == ']')
    return 1;
  if ((s[0] == '{' || s[0] == '[') && memchr(s, '"', len))
    return 0;
  if (lm_is_placeholder(s, len))
    return 1;
  if (len >= 10 && strncasecmp(s, "not_a_real", 10) == 0)
    return 1;
  if (upper_words(s, len))
    return 1;
  size_t best = 0;
  for (size_t i = 0; i < len;) {
    size_t j = i + 1;
    while (j < len && s[j] == s[i])
      j++;
    if (j - i > best && strchr("xX*0123456789#.", s[i]) && s[i])
      best = j - i;
    i = j;
  }
  return best >= 8 && best * 2 >= len;
}

/* The value is the key's own name or one of its words: password=password,
 * SECRET_KEY=secret (a template or an example, not a secret). */
static int word_of_key(const char *key, size_t klen, const char *v, size_t n) {
  if (!key || n < 2)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)v[i]))
      return 0;
  /* the whole key, separators left out */
  size_t j = 0, i = 0;
  for (; i < klen && j <= n; i++)
    if (!is_sep((unsigned char)key[i])) {
      if (j == n || lower((unsigned char)key[i]) != lower((unsigned char)v[j]))
        break;
      j++;
    }
  if (i == klen && j == n)
    return 1;
  /* one word: between separators or at a camelCase step */
  for (size_t w = 0; w < klen;) {
    while (w < klen && is_sep((unsigned char)key[w]))
      w++;
    size_t e = w + 1;
    while (e < klen && !is_sep((unsigned char)key[e]) &&
           !(islower((unsigned char)key[e - 1]) && isupper((unsigned char)key[e])))
      e++;
    if (e <= klen && e - w == n && strncasecmp(key + w, v, n) == 0)
      return 1;
    w = e;
  }
  return 0;
}

/* An absolute or home-relative file path: what *_CREDENTIALS, *_FILE and
 * the like name (/var/secrets/google/key.json), not the secret itself. */
static int file_path(const char *v, size_t n) {
  if (n < 4 || !(v[0] == '/' || (v[0] == '~' && v[1] == '/') || (v[0] == '.' && v[1] == '/')))
    return 0;
  size_t slashes = 0, last = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == '/') {
      if (i + 1 < n && v[i + 1] == '/')
        return 0;
      slashes++;
      last = i;
    } else if (!isalnum(c) && c != '.' && c != '_' && c != '-') {
      return 0;
    }
  }
  /* a file with an extension, or three levels of directories */
  return slashes >= 2 && (memchr(v + last, '.', n - last) != NULL || slashes >= 3);
}

int lm_key_value_is_benign(const char *key, size_t klen, const char *v, size_t n, int code) {
  /* a list's separator after a bare value (`password=password,`) */
  while (n > 1 && (v[n - 1] == ',' || v[n - 1] == ';'))
    n--;
  /* source: a literal the pair's reader cut at a space is the rules'
   * to judge (EMAIL_HOST_PASSWORD='not empty password') */
  if (code == 2 && n >= 1 && (v[0] == '\'' || v[0] == '"') && (n == 1 || v[n - 1] != v[0]))
    return 1;
  if (code == 2 && n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
    /* source: a string literal, judged by what it holds */
    v++;
    n -= 2;
    if (lm_value_is_example(v, n))
      return 1;
  }
  return lm_key_value_is_placeholder(v, n) || word_of_key(key, klen, v, n) ||
         file_path(v, n) || (code && lm_value_is_code(v, 0, n, code == 2));
}

/* Every sensitive key name, normalised, as written before the byte that
 * ends a key in the handled formats ('=' in logfmt and syslog structured
 * data, '"' in quoted keys), separators stepped over: a line without one
 * has no key lm_key_is_sensitive would call sensitive, and words like
 * "session opened" or "passed" do not send a line the long way.  With
 * `json`, the names as JSON object keys: before the ':', stepping over the
 * closing quote and blanks too.  A JSON line holds a quote on each side of
 * every key and value, but a ':' only after a key (or inside a string). */
static int strpbrk_n(const char *s, size_t len, const char *bytes) {
  for (; *bytes; bytes++)
    if (memchr(s, *bytes, len))
      return 1;
  return 0;
}

/* A keyword that holds '=' or ':' (`code=`, `sig=`) can occur in the
 * `path=value` views of a JSON record though not in its text, where the
 * pair is `"code":`: the name before the '=' must send a JSON line the
 * long way too; so must a keyword that joins names by '.' (`api.key`),
 * whole (separators do not count in names: it is `apiKey` there).  Adds
 * those names to s. */
static int add_keyword_stems(lm_suffix *s, const lm_rule *rules, size_t nrules) {
  for (size_t r = 0; r < nrules; r++)
    for (size_t k = 0; k < rules[r].nkeywords; k++) {
      const char *kw = lm_kw_text(rules[r].keywords[k]);
      size_t end = strcspn(kw, "=:"), start = 0;
      int pair = kw[end] != '\0';
      while (end && (kw[end - 1] == ' ' || kw[end - 1] == '"' || kw[end - 1] == '\''))
        end--;
      int name = 1, dot = 0;
      for (size_t i = 0; i < end; i++) {
        name &= isalnum((unsigned char)kw[i]) || is_sep((unsigned char)kw[i]);
        dot |= kw[i] == '.' && i > 0 && i + 1 < end;
      }
      if (!name || !(pair || dot))
        continue;
      unsigned char norm[KEY_MAX];
      size_t n = 0;
      for (size_t i = start; i < end && n < sizeof norm; i++)
        if (!is_sep((unsigned char)kw[i]))
          norm[n++] = lower((unsigned char)kw[i]);
      if (n >= 2 && lm_suffix_add(s, norm, n))
        return -1;
    }
  return 0;
}

lm_suffix *lm_keys_suffix(const lm_ruleset *set, int json, const lm_rule *rules,
                          size_t nrules) {
  const struct lm_keys *k = set->keys;
  const key_norm *norm = k ? k->mask.norm : builtin_norm;
  size_t n = k ? k->mask.n : NBUILTIN;
  /* JSON: before the ':' of a key, or before the ',' or '}' after a
   * string value (a name of a name/value list); quoted with '"', or with
   * '\'' as Python's repr of a dict writes it, or escaped inside a string
   * (Docker's "log") */
  lm_suffix *s = json ? lm_suffix_new("_-. \"'\\\t\r\n", ":,}") : lm_suffix_new("_-. ", "=\"");
  if (!s)
    return NULL;
  if (json && add_keyword_stems(s, rules, nrules)) {
    lm_suffix_free(s);
    return NULL;
  }
  if (json == 2)
    n = 0; /* the keyword names alone */
  for (size_t i = 0; i < n; i++) {
    if (!norm[i].len)
      continue;
    /* A JSON key holds a quote or a control byte only escaped, and an
     * escape sends the line the long way before this check is asked. */
    if (json && strpbrk_n(norm[i].s, norm[i].len, "\"'\t\r\n"))
      continue;
    if (lm_suffix_add(s, (const unsigned char *)norm[i].s, norm[i].len)) {
      lm_suffix_free(s);
      return NULL;
    }
  }
  if (lm_suffix_build(s)) {
    lm_suffix_free(s);
    return NULL;
  }
  return s;
}
