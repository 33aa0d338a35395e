/* The rule set: building (rule files, literals, options) and compiling
 * into the immutable, thread-shareable form. */
#include "internal.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* PCRE2 limits: a line that needs more than this is masked whole rather
 * than matched slowly or passed unscanned. */
#define LM_MATCH_LIMIT 1000000u
#define LM_DEPTH_LIMIT 100000u
#define LM_HEAP_LIMIT_KIB 65536u

lm_ruleset *lm_ruleset_new(void) {
  lm_ruleset *set = calloc(1, sizeof *set);
  if (!set)
    return NULL;
  set->min_literal = 6;
  strcpy(set->key_id, "k1");
  set->err.message = set->err_msg;
  set->err.file = set->err_file;
  set->cctx = pcre2_compile_context_create(NULL);
  set->mctx = pcre2_match_context_create(NULL);
  if (!set->cctx || !set->mctx) {
    lm_ruleset_free(set);
    return NULL;
  }
  pcre2_set_match_limit(set->mctx, LM_MATCH_LIMIT);
  pcre2_set_depth_limit(set->mctx, LM_DEPTH_LIMIT);
  pcre2_set_heap_limit(set->mctx, LM_HEAP_LIMIT_KIB);
  return set;
}

void lm_ruleset_free(lm_ruleset *set) {
  if (!set)
    return;
  for (size_t i = 0; i < set->nrules; i++)
    lm_rule_clear(&set->rules[i]);
  free(set->rules);
  for (size_t i = 0; i < set->nliterals; i++) {
    explicit_bzero(set->literals[i].value, set->literals[i].len);
    munlock(set->literals[i].value, set->literals[i].len);
    free(set->literals[i].value);
    free(set->literals[i].name);
  }
  free(set->literals);
  lm_maskspec_clear(&set->default_mask);
  explicit_bzero(set->hash_key, sizeof set->hash_key);
  lm_ac_free(set->ac);
  lm_keys_free(set->keys);
  lm_suffix_free(set->key_names);
  lm_suffix_free(set->key_names_json);
  free(set->kw);
  free(set->kw_rule_first);
  free(set->kw_rule_count);
  free(set->kw_rules);
  pcre2_match_context_free(set->mctx);
  pcre2_compile_context_free(set->cctx);
  free(set);
}

void lm_ruleset_set_diag(lm_ruleset *set, lm_diag_fn fn, void *ctx) {
  if (!set)
    return;
  set->diag = fn;
  set->diag_ctx = ctx;
}

const lm_error *lm_ruleset_error(const lm_ruleset *set) { return set ? &set->err : NULL; }

#define BUILDING(set)                                                              \
  do {                                                                             \
    if (!(set))                                                                    \
      return LM_ERR_ARG;                                                           \
    if ((set)->compiled)                                                           \
      return LM_SET_ERR(set, LM_ERR_STATE, NULL, 0, 0,                             \
                        "the rule set is compiled and can no longer change");      \
  } while (0)

lm_status lm_ruleset_load_buffer(lm_ruleset *set, const char *name, const char *text,
                                 size_t len) {
  BUILDING(set);
  if (!text && len)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL text");
  return lm_rulefile_parse(set, name ? name : "<buffer>", text ? text : "", len);
}

static lm_status load_file(lm_ruleset *set, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
  lm_buf b = {0};
  char chunk[65536];
  size_t n;
  lm_status st = LM_OK;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (lm_buf_append(&b, chunk, n)) {
      st = LM_SET_ERR(set, LM_ERR_NOMEM, path, 0, 0, "out of memory");
      break;
    }
  if (st == LM_OK && ferror(f))
    st = LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
  fclose(f);
  if (st == LM_OK)
    st = lm_rulefile_parse(set, path, b.data ? b.data : "", b.len);
  free(b.data);
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n > m && strcmp(s + n - m, suf) == 0;
}

lm_status lm_ruleset_load_path(lm_ruleset *set, const char *path) {
  BUILDING(set);
  if (!path)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL path");
  struct stat sb;
  if (stat(path, &sb) != 0)
    return LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return load_file(set, path);
  DIR *d = opendir(path);
  if (!d)
    return LM_SET_ERR(set, LM_ERR_IO, path, 0, 0, "cannot open directory: %s", strerror(errno));
  char **names = NULL;
  size_t n = 0;
  lm_status st = LM_OK;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".rules"))
      continue;
    char **nn = realloc(names, (n + 1) * sizeof *nn);
    size_t plen = strlen(path) + strlen(e->d_name) + 2;
    char *full = malloc(plen);
    if (!nn || !full) {
      free(full);
      if (nn)
        names = nn;
      st = LM_SET_ERR(set, LM_ERR_NOMEM, path, 0, 0, "out of memory");
      break;
    }
    names = nn;
    snprintf(full, plen, "%s/%s", path, e->d_name);
    names[n++] = full;
  }
  closedir(d);
  /* name order, so the same directory always loads the same way */
  if (n)
    qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n && st == LM_OK; i++)
    st = load_file(set, names[i]);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return st;
}

lm_status lm_ruleset_load_defaults(lm_ruleset *set) {
  BUILDING(set);
  for (const lm_embedded_rules *r = lm_default_rules; r->name; r++) {
    lm_status st = lm_rulefile_parse(set, r->name, r->text, strlen(r->text));
    if (st)
      return st;
  }
  return LM_OK;
}

static lm_status toggle(lm_ruleset *set, const char *what, int on) {
  BUILDING(set);
  if (!what)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL rule id or group");
  size_t hits = 0;
  for (size_t i = 0; i < set->nrules; i++) {
    lm_rule *r = &set->rules[i];
    if (strcmp(r->id, what) == 0 || (r->group && strcmp(r->group, what) == 0) ||
        strcmp(what, "all") == 0) {
      r->enabled = on;
      hits++;
    }
  }
  if (!hits)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "no rule or group named '%s'", what);
  return LM_OK;
}

lm_status lm_ruleset_enable(lm_ruleset *set, const char *what) { return toggle(set, what, 1); }
lm_status lm_ruleset_disable(lm_ruleset *set, const char *what) { return toggle(set, what, 0); }

lm_status lm_ruleset_set_min_literal(lm_ruleset *set, size_t min_len) {
  BUILDING(set);
  if (min_len < 1)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "minimum literal length must be >= 1");
  set->min_literal = min_len;
  return LM_OK;
}

lm_status lm_ruleset_add_literal(lm_ruleset *set, const char *name, const char *value,
                                 size_t len) {
  BUILDING(set);
  if (!value)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL literal value");
  if (len < set->min_literal)
    return LM_SET_ERR(set, LM_ERR_SHORT, NULL, 0, 0,
                      "known secret %s%s%sis %zu bytes, shorter than the minimum of %zu: "
                      "masking it would hit ordinary text",
                      name ? "'" : "", name ? name : "", name ? "' " : "", len, set->min_literal);
  if (memchr(value, '\n', len))
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0,
                      "known secret %s contains a line break; add each line separately",
                      name ? name : "");
  if (set->nliterals == set->litcap) {
    size_t cap = set->litcap ? set->litcap * 2 : 16;
    lm_literal *nl = realloc(set->literals, cap * sizeof *nl);
    if (!nl)
      return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    set->literals = nl;
    set->litcap = cap;
  }
  lm_literal *l = &set->literals[set->nliterals];
  l->value = malloc(len);
  l->name = strdup(name ? name : "known-secret");
  if (!l->value || !l->name) {
    free(l->value);
    free(l->name);
    return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  /* keep secret values out of swap where the host allows it */
  (void)mlock(l->value, len);
  memcpy(l->value, value, len);
  l->len = len;
  set->nliterals++;
  return LM_OK;
}

lm_status lm_ruleset_set_mask(lm_ruleset *set, const char *style, int override) {
  BUILDING(set);
  if (!style || lm_maskspec_parse(&set->default_mask, style) != 0)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0,
                      "unknown mask style '%s' (redact, redact:TEMPLATE, stars, partial:N:M, "
                      "hash, drop)", style ? style : "(null)");
  set->mask_override = override != 0;
  return LM_OK;
}

static int valid_key_id(const char *id) {
  size_t n = strlen(id);
  if (n < 1 || n > 16)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

lm_status lm_ruleset_set_hash_key(lm_ruleset *set, const void *key, size_t len,
                                  const char *key_id) {
  BUILDING(set);
  if (!key || len < 32)
    return LM_SET_ERR(set, LM_ERR_KEY, NULL, 0, 0,
                      "hash key must be at least 32 bytes (got %zu)", key ? len : 0);
  if (len > sizeof set->hash_key)
    return LM_SET_ERR(set, LM_ERR_KEY, NULL, 0, 0, "hash key longer than %zu bytes",
                      sizeof set->hash_key);
  if (key_id && !valid_key_id(key_id))
    return LM_SET_ERR(set, LM_ERR_KEY, NULL, 0, 0,
                      "key id '%s' must be 1-16 characters of [A-Za-z0-9_-]", key_id);
  memcpy(set->hash_key, key, len);
  set->hash_key_len = len;
  snprintf(set->key_id, sizeof set->key_id, "%s", key_id ? key_id : "k1");
  return LM_OK;
}

lm_status lm_ruleset_set_hash_key_file(lm_ruleset *set, const char *path, const char *key_id) {
  BUILDING(set);
  if (!path)
    return LM_SET_ERR(set, LM_ERR_ARG, NULL, 0, 0, "NULL key file");
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return LM_SET_ERR(set, LM_ERR_KEY, path, 0, 0, "cannot open key file: %s", strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    return LM_SET_ERR(set, LM_ERR_KEY, path, 0, 0, "key file is not a regular file");
  }
  if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
    close(fd);
    return LM_SET_ERR(set, LM_ERR_KEY, path, 0, 0,
                      "key file is accessible by group or others (mode %03o): chmod 600 it",
                      (unsigned)(sb.st_mode & 0777));
  }
  /* one byte more than the limit, so an over-long key is refused rather
   * than silently cut (the tags would then not match a standard HMAC) */
  unsigned char key[sizeof set->hash_key + 1];
  size_t n = 0;
  ssize_t r;
  while (n < sizeof key && (r = read(fd, key + n, sizeof key - n)) != 0) {
    if (r < 0) {
      if (errno == EINTR)
        continue;
      close(fd);
      explicit_bzero(key, sizeof key);
      return LM_SET_ERR(set, LM_ERR_KEY, path, 0, 0, "cannot read key file: %s", strerror(errno));
    }
    n += (size_t)r;
  }
  close(fd);
  /* A trailing newline from `echo > keyfile` is not key material. */
  while (n && (key[n - 1] == '\n' || key[n - 1] == '\r'))
    n--;
  lm_status st;
  if (n < 32)
    st = LM_SET_ERR(set, LM_ERR_KEY, path, 0, 0, "key file holds %zu bytes; at least 32 needed", n);
  else
    st = lm_ruleset_set_hash_key(set, key, n, key_id);
  explicit_bzero(key, sizeof key);
  return st;
}

/* ---- compile ---- */

/* Keywords are one automaton pattern when they match the same lines. */
static int same_keyword(const char *a, const char *b) {
  if (lm_kw_cased(a) != lm_kw_cased(b))
    return 0;
  return lm_kw_cased(a) ? strcmp(a, b) == 0 : strcasecmp(a, b) == 0;
}

static int rule_needs_hash(const lm_ruleset *set, const lm_rule *r) {
  if (set->mask_override || !r->has_mask)
    return set->default_mask.kind == LM_MASK_HASH;
  return r->mask.kind == LM_MASK_HASH;
}

lm_status lm_ruleset_compile(lm_ruleset *set) {
  BUILDING(set);
  int need_hash = set->nliterals && set->default_mask.kind == LM_MASK_HASH;
  for (size_t i = 0; i < set->nrules; i++)
    if (set->rules[i].enabled)
      need_hash |= rule_needs_hash(set, &set->rules[i]);
  if (need_hash && set->hash_key_len == 0)
    return LM_SET_ERR(set, LM_ERR_KEY, NULL, 0, 0,
                      "the 'hash' mask style needs a key (--hash-key-file or "
                      "LOGMASK_HASH_KEY_FILE): an unkeyed hash of a short secret is reversible");
  /* keep only the enabled rules: indices are then stable for hosts */
  size_t k = 0;
  for (size_t i = 0; i < set->nrules; i++) {
    if (set->rules[i].enabled)
      set->rules[k++] = set->rules[i];
    else
      lm_rule_clear(&set->rules[i]);
  }
  set->nrules = k;

  /* keyword table: pattern id k -> rules with that keyword (deduplicated,
   * case-folded) */
  size_t total = 0;
  for (size_t i = 0; i < set->nrules; i++)
    total += set->rules[i].nkeywords;
  char **kw = calloc(total + 1, sizeof *kw);
  uint32_t *kw_first = calloc(total + 1, sizeof *kw_first);
  uint32_t *kw_count = calloc(total + 1, sizeof *kw_count);
  uint32_t *kw_rules = calloc(total + 1, sizeof *kw_rules);
  lm_ac *ac = lm_ac_new();
  lm_status st = LM_OK;
  if (!kw || !kw_first || !kw_count || !kw_rules || !ac) {
    st = LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  size_t nkw = 0;
  /* group (keyword, rule) pairs by folded keyword: rules are few, so a
   * quadratic pass is fine and keeps the code plain */
  for (size_t i = 0; i < set->nrules; i++)
    for (size_t j = 0; j < set->rules[i].nkeywords; j++) {
      const char *w = set->rules[i].keywords[j];
      size_t found = nkw;
      for (size_t q = 0; q < nkw; q++)
        if (same_keyword(kw[q], w)) {
          found = q;
          break;
        }
      if (found == nkw)
        kw[nkw++] = (char *)w;
      kw_count[found]++;
    }
  /* prefix sums, then fill */
  uint32_t acc = 0;
  for (size_t q = 0; q < nkw; q++) {
    kw_first[q] = acc;
    acc += kw_count[q];
    kw_count[q] = 0;
  }
  for (size_t i = 0; i < set->nrules; i++)
    for (size_t j = 0; j < set->rules[i].nkeywords; j++) {
      size_t q = 0;
      while (!same_keyword(kw[q], set->rules[i].keywords[j]))
        q++;
      /* one rule listing the same keyword twice counts once */
      int dup = 0;
      for (uint32_t t = 0; t < kw_count[q]; t++)
        if (kw_rules[kw_first[q] + t] == i)
          dup = 1;
      if (!dup)
        kw_rules[kw_first[q] + kw_count[q]++] = (uint32_t)i;
    }
  for (size_t q = 0; q < nkw; q++)
    if ((lm_kw_cased(kw[q]) ? lm_ac_add_cased : lm_ac_add)(
            ac, (const unsigned char *)lm_kw_text(kw[q]), strlen(lm_kw_text(kw[q])), (uint32_t)q)) {
      st = LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto fail;
    }
  /* Only a literal's first bytes go into the automaton (the full value is
   * compared on a hit): the DFA then stays small with thousands of known
   * secrets, and shared prefixes simply report every candidate. */
  for (size_t l = 0; l < set->nliterals; l++)
    if (lm_ac_add(ac, set->literals[l].value,
                  set->literals[l].len < LM_LITERAL_PREFIX ? set->literals[l].len : LM_LITERAL_PREFIX,
                  (uint32_t)l | LM_AC_LITERAL_BIT)) {
      st = LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      goto fail;
    }
  if (lm_ac_build(ac)) {
    st = LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory building the keyword automaton");
    goto fail;
  }

  /* JIT where the platform has it; the interpreter is the fallback. */
  uint32_t maxcap = 0;
  for (size_t i = 0; i < set->nrules; i++) {
    lm_rule *r = &set->rules[i];
    uint32_t cap = 0;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap > maxcap)
      maxcap = cap;
    r->need[0] = r->need[1] = -1;
    uint32_t type = 0, unit = 0;
    /* only ASCII: caseless matching of other bytes depends on tables */
    if (pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 && unit < 128)
      r->need[0] = (int)unit;
    if (pcre2_pattern_info(r->re, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(r->re, PCRE2_INFO_LASTCODEUNIT, &unit) == 0 && unit < 128)
      r->need[1] = (int)unit;
    pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
    for (size_t a = 0; a < r->nallow; a++)
      pcre2_jit_compile(r->allow[a], PCRE2_JIT_COMPLETE);
    if (r->block_end)
      pcre2_jit_compile(r->block_end, PCRE2_JIT_COMPLETE);
    if (r->block_end && !r->block_max_lines)
      r->block_max_lines = 200;
  }
  set->max_captures = maxcap;
  set->ac = ac;
  set->kw_rule_first = kw_first;
  set->kw_rule_count = kw_count;
  set->kw_rules = kw_rules;
  set->key_names = lm_keys_suffix(set, 0);
  set->key_names_json = lm_keys_suffix(set, 1);
  if (!set->key_names || !set->key_names_json) {
    st = LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory building the key automaton");
    goto fail;
  }
  set->nkw = nkw;
  set->kw = (const char **)kw; /* points into the rules' keyword strings */
  set->compiled = 1;
  return LM_OK;
fail:
  free(kw);
  free(kw_first);
  free(kw_count);
  free(kw_rules);
  lm_ac_free(ac);
  return st;
}

size_t lm_ruleset_rule_count(const lm_ruleset *set) {
  return set && set->compiled ? set->nrules : 0;
}

#define RULE_FIELD(fn, field)                                              \
  const char *fn(const lm_ruleset *set, size_t index) {                    \
    if (!set || !set->compiled || index >= set->nrules)                     \
      return NULL;                                                         \
    return set->rules[index].field;                                        \
  }
RULE_FIELD(lm_ruleset_rule_id, id)
RULE_FIELD(lm_ruleset_rule_description, description)
RULE_FIELD(lm_ruleset_rule_origin, origin)

size_t lm_ruleset_literal_count(const lm_ruleset *set) { return set ? set->nliterals : 0; }

const char *lm_ruleset_literal_name(const lm_ruleset *set, size_t index) {
  if (!set || index >= set->nliterals)
    return NULL;
  return set->literals[index].name;
}

const lm_maskspec *lm_rule_mask(const lm_ruleset *set, uint32_t rule) {
  if (rule != LM_LITERAL_RULE && !set->mask_override && set->rules[rule].has_mask)
    return &set->rules[rule].mask;
  return &set->default_mask;
}
