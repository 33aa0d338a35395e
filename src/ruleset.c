/* SPDX-License-Identifier: Apache-2.0 */
/* The rule set: building (rule files, literals, options) and compiling
 * into the immutable, thread-shareable form. */
#include "internal.h"
#include "decode.h"
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
  free(set->block_rules);
  pcre2_code_free(set->pem_body);
  lm_keys_free(set->keys);
  lm_suffix_free(set->key_names);
  lm_suffix_free(set->key_names_json);
  lm_suffix_free(set->keyword_names_json);
  free(set->key_index);
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

/* The labels of masks no rule file defines (internal.h, LM_LBL_*). */
static const struct {
  const char *id, *description;
} labels[LM_NLABELS] = {
    [LM_LBL_JSON_KEY] = {"json-sensitive-key", "Value of a sensitive key in a JSON record"},
    [LM_LBL_LOGFMT_KEY] = {"logfmt-sensitive-key", "Value of a sensitive key in a logfmt record"},
    [LM_LBL_SYSLOG_KEY] = {"syslog-sensitive-key",
                           "Value of a sensitive RFC 5424 structured-data parameter"},
    [LM_LBL_LIMIT] = {"match-limit", "Line masked whole: a regex hit its match limit"},
    [LM_LBL_JSON_DEPTH] = {"json-depth-limit", "JSON record nested too deep, masked whole"},
    [LM_LBL_LONG_LINE] = {"line-too-long",
                          "Line over the line limit dropped whole (mask style drop)"}};

/* Everything compile builds, held apart from the set until all of it
 * exists: a failure frees only this, and the set stays as it was. */
typedef struct built {
  lm_rule *labels;
  uint32_t *block_rules;
  char **kw;
  uint32_t *kw_first, *kw_count, *kw_rules;
  lm_ac *ac;
  lm_suffix *key_names, *key_names_json, *keyword_names_json;
  uint32_t *key_index;
  pcre2_code *pem_body;
  pcre2_code ***allow_runs; /* per rule: its allow_run (lm_rule) */
  size_t nallow_runs;
} built;

static void built_free(built *b) {
  if (b->labels)
    for (size_t i = 0; i < LM_NLABELS; i++)
      lm_rule_clear(&b->labels[i]);
  free(b->labels);
  free(b->block_rules);
  free(b->kw);
  free(b->kw_first);
  free(b->kw_count);
  free(b->kw_rules);
  lm_ac_free(b->ac);
  lm_suffix_free(b->key_names);
  lm_suffix_free(b->key_names_json);
  lm_suffix_free(b->keyword_names_json);
  free(b->key_index);
  pcre2_code_free(b->pem_body);
  for (size_t i = 0; b->allow_runs && i < b->nallow_runs; i++)
    free(b->allow_runs[i]);
  free(b->allow_runs);
  memset(b, 0, sizeof *b);
}

/* What keeps a block without `block-body:` open: a PEM body line (RFC
 * 7468: base64, 64 characters but the last line), or an encapsulated
 * header of RFC 1421 (Proc-Type, DEK-Info: OpenSSL's encrypted keys).
 * (PGP's armor headers are the PGP rule's block-body.)  A word of letters
 * alone ("line") looks like a last body line too: where a record has
 * other content the record ends the block first (block.c). */
static const char PEM_BODY[] = "^(?:[A-Za-z0-9+/]+={0,2}|(?i:Proc-Type|DEK-Info): ?.*)$";

static int build_labels(built *b) {
  if (!(b->labels = calloc(LM_NLABELS, sizeof *b->labels)))
    return -1;
  for (size_t i = 0; i < LM_NLABELS; i++) {
    lm_rule *r = &b->labels[i];
    r->enabled = 1;
    r->need[0] = r->need[1] = -1;
    if (!(r->id = strdup(labels[i].id)) || !(r->description = strdup(labels[i].description)) ||
        !(r->group = strdup("builtin")) || !(r->origin = strdup("built-in")))
      return -1;
  }
  return 0;
}

typedef struct kw_pair {
  const char *w;
  uint32_t rule;
} kw_pair;

/* The order of same_keyword's groups, then of rules. */
static int kw_pair_cmp(const void *pa, const void *pb) {
  const kw_pair *a = pa, *b = pb;
  int ca = lm_kw_cased(a->w), cb = lm_kw_cased(b->w);
  if (ca != cb)
    return ca - cb;
  int c = ca ? strcmp(a->w, b->w) : strcasecmp(a->w, b->w);
  if (c)
    return c;
  return (a->rule > b->rule) - (a->rule < b->rule);
}

static int build_keywords(lm_ruleset *set, size_t nmatch, built *b, size_t *nkw_out,
                          size_t *longest) {
  size_t total = 0;
  for (size_t i = 0; i < nmatch; i++)
    total += set->rules[i].nkeywords;
  b->kw = calloc(total + 1, sizeof *b->kw);
  b->kw_first = calloc(total + 1, sizeof *b->kw_first);
  b->kw_count = calloc(total + 1, sizeof *b->kw_count);
  b->kw_rules = calloc(total + 1, sizeof *b->kw_rules);
  b->ac = lm_ac_new();
  if (!b->kw || !b->kw_first || !b->kw_count || !b->kw_rules || !b->ac)
    return -1;
  /* group (keyword, rule) pairs by keyword (folded unless cased): sorted,
   * each group's rules in order, a rule listing a keyword twice once */
  kw_pair *pairs = malloc((total + 1) * sizeof *pairs);
  if (!pairs)
    return -1;
  size_t np = 0;
  for (size_t i = 0; i < nmatch; i++)
    for (size_t j = 0; j < set->rules[i].nkeywords; j++)
      pairs[np++] = (kw_pair){set->rules[i].keywords[j], (uint32_t)i};
  qsort(pairs, np, sizeof *pairs, kw_pair_cmp);
  size_t nkw = 0, acc = 0;
  *longest = 0;
  for (size_t k = 0; k < np; k++) {
    if (nkw == 0 || !same_keyword(b->kw[nkw - 1], pairs[k].w)) {
      b->kw[nkw] = (char *)pairs[k].w;
      b->kw_first[nkw++] = (uint32_t)acc;
      if (strlen(lm_kw_text(pairs[k].w)) > *longest)
        *longest = strlen(lm_kw_text(pairs[k].w));
    } else if (b->kw_rules[acc - 1] == pairs[k].rule) {
      continue;
    }
    b->kw_rules[acc++] = pairs[k].rule;
    b->kw_count[nkw - 1]++;
  }
  free(pairs);
  for (size_t q = 0; q < nkw; q++) {
    const char *t = lm_kw_text(b->kw[q]);
    if ((lm_kw_cased(b->kw[q]) ? lm_ac_add_cased : lm_ac_add)(b->ac, (const unsigned char *)t,
                                                              strlen(t), (uint32_t)q))
      return -1;
  }
  /* Encoding marks: percent-encoding, backslash escapes, HTML entities
   * (decode.c reads these; folded matching only adds lookalikes) */
  static const char *const marks[] = {
      "%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7", "%8", "%9", "%a", "%b", "%c", "%d", "%e",
      "%f", "\\\"", "\\\\", "\\/", "\\'", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u", "\\x",
      "&#", "&quot;", "&amp;", "&lt;", "&gt;", "&apos;", "&equals;", "&colon;", "&sol;",
      "&num;", "&percnt;", "&plus;", "&nbsp;"};
  for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
    unsigned enc = marks[k][0] == '%' ? LM_ENC_PERCENT
                   : marks[k][0] == '&' ? LM_ENC_HTML
                                        : LM_ENC_BACKSLASH;
    if (lm_ac_add(b->ac, (const unsigned char *)marks[k], strlen(marks[k]),
                  LM_AC_MARK_BIT | enc))
      return -1;
  }
  /* Only a literal's first bytes go into the automaton (the full value is
   * compared on a hit): the DFA then stays small with thousands of known
   * secrets, and shared prefixes simply report every candidate. */
  for (size_t l = 0; l < set->nliterals; l++)
    if (lm_ac_add(b->ac, set->literals[l].value,
                  set->literals[l].len < LM_LITERAL_PREFIX ? set->literals[l].len
                                                           : LM_LITERAL_PREFIX,
                  (uint32_t)l | LM_AC_LITERAL_BIT))
      return -1;
  *nkw_out = nkw;
  return lm_ac_build(b->ac);
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
  built b = {0};
  size_t nmatch = 0, nkw = 0, longest = 0, nblock = 0;
  for (size_t i = 0; i < set->nrules; i++)
    nmatch += set->rules[i].enabled != 0;
  /* the rule table with room for the labels, built before anything of
   * the set changes */
  lm_rule *rules = malloc((nmatch + LM_NLABELS) * sizeof *rules);
  if (!rules || build_labels(&b))
    goto nomem;
  for (size_t i = 0, k = 0; i < set->nrules; i++)
    if (set->rules[i].enabled)
      rules[k++] = set->rules[i];
  for (size_t i = 0; i < nmatch; i++)
    nblock += rules[i].block_end != NULL;
  if (!(b.block_rules = calloc(nblock + 1, sizeof *b.block_rules)))
    goto nomem;
  /* keywords are read from the enabled rules, in the new order */
  lm_rule *saved = set->rules;
  set->rules = rules;
  int kw_failed = build_keywords(set, nmatch, &b, &nkw, &longest);
  set->rules = saved;
  if (kw_failed)
    goto nomem;
  b.key_names = lm_keys_suffix(set, 0, NULL, 0);
  b.key_names_json = lm_keys_suffix(set, 1, rules, nmatch);
  b.keyword_names_json = lm_keys_suffix(set, 2, rules, nmatch);
  b.key_index = lm_keys_index(set);
  if (!b.key_names || !b.key_names_json || !b.keyword_names_json || !b.key_index)
    goto nomem;
  int errcode;
  PCRE2_SIZE erroff;
  b.pem_body = pcre2_compile((PCRE2_SPTR)PEM_BODY, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff,
                             set->cctx);
  if (!b.pem_body)
    goto nomem;
  pcre2_jit_compile(b.pem_body, PCRE2_JIT_COMPLETE);
  /* allow patterns (some 500) run on a found secret alone, and most
   * never run: each is JIT-compiled on its first run (scan.c) */
  if (!(b.allow_runs = calloc(nmatch + 1, sizeof *b.allow_runs)))
    goto nomem;
  b.nallow_runs = nmatch;
  for (size_t i = 0; i < nmatch; i++)
    if (rules[i].nallow && !rules[i].allow_run &&
        !(b.allow_runs[i] = calloc(rules[i].nallow, sizeof *b.allow_runs[i])))
      goto nomem;

  /* nothing below fails: the set takes it all */
  for (size_t i = 0; i < set->nrules; i++)
    if (!set->rules[i].enabled)
      lm_rule_clear(&set->rules[i]);
  free(set->rules);
  memcpy(rules + nmatch, b.labels, LM_NLABELS * sizeof *rules);
  free(b.labels);
  set->rules = rules;
  set->nmatch = nmatch;
  set->nrules = set->cap = nmatch + LM_NLABELS;
  uint32_t maxcap = 0;
  nblock = 0;
  set->njit = 0;
  int any_drop = set->default_mask.kind == LM_MASK_DROP;
  for (size_t i = 0; i < nmatch; i++) {
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
    /* JIT where the platform has it; the interpreter is the fallback */
    size_t jit_size = 0;
    if (pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE) == 0 &&
        pcre2_pattern_info(r->re, PCRE2_INFO_JITSIZE, &jit_size) == 0 && jit_size > 0)
      set->njit++;
    if (b.allow_runs[i])
      r->allow_run = b.allow_runs[i];
    if (r->block_end) {
      pcre2_jit_compile(r->block_end, PCRE2_JIT_COMPLETE);
      if (r->block_body)
        pcre2_jit_compile(r->block_body, PCRE2_JIT_COMPLETE);
      if (!r->block_max_lines)
        r->block_max_lines = 200;
      r->block_index = (unsigned)nblock;
      b.block_rules[nblock++] = (uint32_t)i;
    }
    any_drop |= lm_rule_mask(set, (uint32_t)i)->kind == LM_MASK_DROP;
  }
  set->max_captures = maxcap;
  set->nblock = nblock;
  set->block_rules = b.block_rules;
  set->ac = b.ac;
  set->kw_rule_first = b.kw_first;
  set->kw_rule_count = b.kw_count;
  set->kw_rules = b.kw_rules;
  set->nkw = nkw;
  free(b.kw); /* only the automaton's ids are needed from here on */
  set->max_keyword = longest;
  set->key_names = b.key_names;
  set->key_names_json = b.key_names_json;
  set->keyword_names_json = b.keyword_names_json;
  set->key_index = b.key_index;
  set->pem_body = b.pem_body;
  set->any_drop = any_drop;
  free(b.allow_runs); /* each now a rule's */
  set->compiled = 1;
  return LM_OK;
nomem:
  free(rules);
  built_free(&b);
  return LM_SET_ERR(set, LM_ERR_NOMEM, NULL, 0, 0, "out of memory compiling the rule set");
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
RULE_FIELD(lm_ruleset_rule_group, group)

size_t lm_ruleset_jit_count(const lm_ruleset *set, size_t *regex_rules) {
  if (regex_rules)
    *regex_rules = set && set->compiled ? set->nmatch : 0;
  return set && set->compiled ? set->njit : 0;
}

size_t lm_ruleset_literal_count(const lm_ruleset *set) { return set ? set->nliterals : 0; }

const char *lm_ruleset_literal_name(const lm_ruleset *set, size_t index) {
  if (!set || index >= set->nliterals)
    return NULL;
  return set->literals[index].name;
}

const lm_maskspec *lm_rule_mask(const lm_ruleset *set, uint32_t label) {
  /* labels and known literals take the set's style */
  if (label < set->nmatch && !set->mask_override && set->rules[label].has_mask)
    return &set->rules[label].mask;
  return &set->default_mask;
}
