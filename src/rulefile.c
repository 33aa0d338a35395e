/* SPDX-License-Identifier: Apache-2.0 */
/* Parser of the rule-file format (patterns/SYNTAX.md, logmask-rules(5)).
 * A file is loaded whole or not at all: rules are parsed into a private
 * array and appended to the set only when the entire file is valid. */
#include "internal.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  lm_ruleset *set;
  const char *name;
  lm_rule *rules;
  size_t n, cap;
  lm_rule *cur;
  /* fields seen once in the current rule */
  unsigned seen;
  unsigned long lineno;
  /* allow patterns compiled so far: most rules share theirs, and a copy
   * of compiled code costs far less than compiling it again */
  struct allow_seen {
    char *text;
    size_t n;
    pcre2_code *re;
  } *allows;
  size_t nallows;
} parser;

static void parser_free_allows(parser *p) {
  for (size_t i = 0; i < p->nallows; i++) {
    free(p->allows[i].text);
    pcre2_code_free(p->allows[i].re);
  }
  free(p->allows);
  p->allows = NULL;
  p->nallows = 0;
}

enum { F_DESC = 1, F_REGEX = 2, F_GROUP = 4, F_ENTROPY = 8, F_MINLEN = 16, F_CHECK = 32,
       F_PLACEHOLDERS = 64, F_MASK = 128, F_DEFAULT = 256, F_BLOCKEND = 512,
       F_BLOCKMAX = 1024, F_KEYWORDS = 2048, F_VALUE_END = 4096, F_BLOCKBODY = 8192,
       F_BLOCKOPEN = 16384 };

void lm_rule_clear(lm_rule *r) {
  free(r->id);
  free(r->description);
  free(r->group);
  free(r->origin);
  for (size_t i = 0; i < r->nkeywords; i++)
    free(r->keywords[i]);
  free(r->keywords);
  pcre2_code_free(r->re);
  for (size_t i = 0; i < r->nallow; i++) {
    if (r->allow_run && r->allow_run[i] != r->allow[i])
      pcre2_code_free(r->allow_run[i]);
    pcre2_code_free(r->allow[i]);
  }
  free(r->allow_run);
  free(r->allow);
  lm_maskspec_clear(&r->mask);
  pcre2_code_free(r->block_end);
  pcre2_code_free(r->block_body);
  for (size_t i = 0; i < r->ntests; i++) {
    free(r->tests[i].line);
    free(r->tests[i].spans);
  }
  free(r->tests);
  memset(r, 0, sizeof *r);
}

#define PERR(p, st, col, ...) LM_SET_ERR((p)->set, st, (p)->name, (p)->lineno, col, __VA_ARGS__)

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static int valid_id(const char *s, size_t n) {
  if (n == 0 || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

static lm_status compile_re(parser *p, const char *v, size_t n, unsigned long col,
                            pcre2_code **out) {
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)v, n, 0, &errcode, &erroff, p->set->cctx);
  if (!re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(errcode, msg, sizeof msg);
    return PERR(p, LM_ERR_REGEX, col + erroff, "regex error at offset %zu: %s", (size_t)erroff,
                (const char *)msg);
  }
  *out = re;
  return LM_OK;
}

static lm_status finish_rule(parser *p) {
  lm_rule *r = p->cur;
  if (!r)
    return LM_OK;
  unsigned long save = p->lineno;
  p->lineno = r->lineno;
  lm_status st = LM_OK;
  if (!(p->seen & F_DESC))
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: missing field 'description'", r->id);
  else if (!(p->seen & F_KEYWORDS))
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: missing field 'keywords'", r->id);
  else if (!(p->seen & F_REGEX))
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: missing field 'regex'", r->id);
  else if (r->block_max_lines && !r->block_end)
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: 'block-max-lines' without 'block-end'", r->id);
  else if (r->block_body && !r->block_end)
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: 'block-body' without 'block-end'", r->id);
  else if (r->block_keep_opener && !r->block_end)
    st = PERR(p, LM_ERR_SYNTAX, 1, "rule %s: 'block-open' without 'block-end'", r->id);
  p->lineno = save;
  if (st == LM_OK && r->ntests == 0)
    lm_diag(p->set, LM_DIAG_WARNING, "%s:%lu: rule %s has no inline tests", p->name,
            r->lineno, r->id);
  p->cur = NULL;
  return st;
}

static int id_taken(const parser *p, const char *id, size_t n) {
  for (size_t i = 0; i < p->set->nrules; i++)
    if (strlen(p->set->rules[i].id) == n && memcmp(p->set->rules[i].id, id, n) == 0)
      return 1;
  for (size_t i = 0; i < p->n; i++)
    if (p->rules[i].id && strlen(p->rules[i].id) == n && memcmp(p->rules[i].id, id, n) == 0)
      return 1;
  return 0;
}

static lm_status start_rule(parser *p, const char *v, size_t n, unsigned long col) {
  lm_status st = finish_rule(p);
  if (st)
    return st;
  if (!valid_id(v, n))
    return PERR(p, LM_ERR_SYNTAX, col, "invalid rule id '%.*s' (expected [a-z0-9][a-z0-9._-]*, at most 64 bytes)", (int)(n > 80 ? 80 : n), v);
  if (id_taken(p, v, n))
    return PERR(p, LM_ERR_DUPLICATE, col, "duplicate rule id '%.*s'", (int)n, v);
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    lm_rule *nr = realloc(p->rules, cap * sizeof *nr);
    if (!nr)
      return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
    p->rules = nr;
    p->cap = cap;
  }
  lm_rule *r = &p->rules[p->n++];
  memset(r, 0, sizeof *r);
  r->enabled = 1;
  r->min_length = 1;
  r->id = dupn(v, n);
  r->origin = strdup(p->name);
  r->lineno = p->lineno;
  if (!r->id || !r->origin)
    return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
  p->cur = r;
  p->seen = 0;
  return LM_OK;
}

/* A keyword matched with its case is stored behind LM_KW_CASED. */
static lm_status add_keywords(parser *p, const char *v, size_t n, unsigned long col,
                              int cased) {
  lm_rule *r = p->cur;
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && v[j] != ',')
      j++;
    size_t a = i, b = j;
    while (a < b && isspace((unsigned char)v[a]))
      a++;
    while (b > a && isspace((unsigned char)v[b - 1]))
      b--;
    if (b - a < 2)
      return PERR(p, LM_ERR_SYNTAX, col + a,
                  "keyword '%.*s' is shorter than 2 bytes (empty item in the list?)",
                  (int)(b - a), v + a);
    char **nk = realloc(r->keywords, (r->nkeywords + 1) * sizeof *nk);
    if (!nk)
      return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
    r->keywords = nk;
    char *kw = malloc(b - a + 2);
    if (!kw)
      return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
    size_t o = 0;
    if (cased)
      kw[o++] = LM_KW_CASED;
    memcpy(kw + o, v + a, b - a);
    kw[o + b - a] = '\0';
    r->keywords[r->nkeywords] = kw;
    r->nkeywords++;
    i = j + 1;
  }
  return LM_OK;
}

static lm_status add_test(parser *p, int expect, const char *v, size_t n, unsigned long col) {
  lm_rule *r = p->cur;
  lm_rule_test t = {.expect_match = expect, .lineno = p->lineno};
  t.line = malloc(n + 1);
  if (!t.line)
    return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
  size_t o = 0;
  long open_at = -1;
  for (size_t i = 0; i < n; i++) {
    if (expect && i + 1 < n && v[i] == '[' && v[i + 1] == '[' && open_at < 0) {
      open_at = (long)o;
      i++;
      continue;
    }
    if (expect && i + 1 < n && v[i] == ']' && v[i + 1] == ']' && open_at >= 0) {
      size_t *ns = realloc(t.spans, 2 * (t.nspans + 1) * sizeof *ns);
      if (!ns) {
        free(t.line);
        free(t.spans);
        return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
      }
      t.spans = ns;
      t.spans[2 * t.nspans] = (size_t)open_at;
      t.spans[2 * t.nspans + 1] = o;
      t.nspans++;
      open_at = -1;
      i++;
      continue;
    }
    t.line[o++] = v[i];
  }
  t.line[o] = '\0';
  t.len = o;
  if (expect && (open_at >= 0 || t.nspans == 0)) {
    free(t.line);
    free(t.spans);
    return PERR(p, LM_ERR_SYNTAX, col,
                open_at >= 0 ? "'[[' without ']]' in match line"
                             : "match line marks no secret: put the expected secret in [[...]]");
  }
  lm_rule_test *nt = realloc(r->tests, (r->ntests + 1) * sizeof *nt);
  if (!nt) {
    free(t.line);
    free(t.spans);
    return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
  }
  r->tests = nt;
  r->tests[r->ntests++] = t;
  return LM_OK;
}

static lm_status once(parser *p, unsigned flag, const char *field) {
  if (p->seen & flag)
    return PERR(p, LM_ERR_SYNTAX, 1, "field '%s' given twice in rule %s", field, p->cur->id);
  p->seen |= flag;
  return LM_OK;
}

/* A field of two words: 0 for v == a, 1 for v == b, -1 for neither. */
static int one_of(const char *v, size_t n, const char *a, const char *b) {
  if (n == strlen(a) && memcmp(v, a, n) == 0)
    return 0;
  return n == strlen(b) && memcmp(v, b, n) == 0 ? 1 : -1;
}

static lm_status parse_number(parser *p, const char *v, size_t n, unsigned long col,
                              double lo, double hi, double *out) {
  char tmp[64];
  if (n == 0 || n >= sizeof tmp)
    return PERR(p, LM_ERR_SYNTAX, col, "expected a number");
  memcpy(tmp, v, n);
  tmp[n] = '\0';
  char *end;
  errno = 0;
  double d = strtod(tmp, &end);
  if (*end || errno || d < lo || d > hi)
    return PERR(p, LM_ERR_SYNTAX, col, "expected a number from %g to %g, got '%s'", lo, hi, tmp);
  *out = d;
  return LM_OK;
}

static lm_status field(parser *p, const char *f, size_t fn, const char *v, size_t n,
                       unsigned long col) {
#define IS(name) (fn == sizeof(name) - 1 && memcmp(f, name, fn) == 0)
  if (IS("rule"))
    return start_rule(p, v, n, col);
  if (!p->cur)
    return PERR(p, LM_ERR_SYNTAX, 1, "field '%.*s' before the first 'rule:' line", (int)fn, f);
  lm_rule *r = p->cur;
  lm_status st;
  double d;
  if (n == 0)
    return PERR(p, LM_ERR_SYNTAX, col, "field '%.*s' has an empty value", (int)fn, f);
  if (IS("description")) {
    if ((st = once(p, F_DESC, "description")))
      return st;
    return (r->description = dupn(v, n)) ? LM_OK : PERR(p, LM_ERR_NOMEM, 0, "out of memory");
  }
  if (IS("group")) {
    if ((st = once(p, F_GROUP, "group")))
      return st;
    if (!valid_id(v, n))
      return PERR(p, LM_ERR_SYNTAX, col, "invalid group name '%.*s'", (int)n, v);
    return (r->group = dupn(v, n)) ? LM_OK : PERR(p, LM_ERR_NOMEM, 0, "out of memory");
  }
  if (IS("keywords") || IS("keywords-cased")) {
    p->seen |= F_KEYWORDS;
    return add_keywords(p, v, n, col, IS("keywords-cased"));
  }
  if (IS("regex")) {
    if ((st = once(p, F_REGEX, "regex")) || (st = compile_re(p, v, n, col, &r->re)))
      return st;
    int g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR) "secret");
    r->secret_group = g > 0 ? g : 0;
    return LM_OK;
  }
  if (IS("allow")) {
    pcre2_code *re = NULL;
    for (size_t i = 0; i < p->nallows && !re; i++)
      if (p->allows[i].n == n && memcmp(p->allows[i].text, v, n) == 0 &&
          !(re = pcre2_code_copy(p->allows[i].re)))
        return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
    if (!re) {
      if ((st = compile_re(p, v, n, col, &re)))
        return st;
      struct allow_seen *na = realloc(p->allows, (p->nallows + 1) * sizeof *na);
      char *text = dupn(v, n);
      pcre2_code *copy = pcre2_code_copy(re);
      if (!na || !text || !copy) {
        if (na)
          p->allows = na;
        free(text);
        pcre2_code_free(copy);
        pcre2_code_free(re);
        return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
      }
      p->allows = na;
      p->allows[p->nallows++] = (struct allow_seen){text, n, copy};
    }
    pcre2_code **na = realloc(r->allow, (r->nallow + 1) * sizeof *na);
    if (!na) {
      pcre2_code_free(re);
      return PERR(p, LM_ERR_NOMEM, 0, "out of memory");
    }
    r->allow = na;
    r->allow[r->nallow++] = re;
    return LM_OK;
  }
  if (IS("min-entropy")) {
    if ((st = once(p, F_ENTROPY, "min-entropy")) || (st = parse_number(p, v, n, col, 0, 8, &d)))
      return st;
    r->min_entropy = d;
    return LM_OK;
  }
  if (IS("min-length")) {
    if ((st = once(p, F_MINLEN, "min-length")) || (st = parse_number(p, v, n, col, 1, 65536, &d)))
      return st;
    r->min_length = (size_t)d;
    return LM_OK;
  }
  if (IS("block-max-lines")) {
    if ((st = once(p, F_BLOCKMAX, "block-max-lines")) ||
        (st = parse_number(p, v, n, col, 1, 100000, &d)))
      return st;
    r->block_max_lines = (unsigned)d;
    return LM_OK;
  }
  if (IS("block-end")) {
    if ((st = once(p, F_BLOCKEND, "block-end")))
      return st;
    return compile_re(p, v, n, col, &r->block_end);
  }
  if (IS("block-body")) {
    if ((st = once(p, F_BLOCKBODY, "block-body")))
      return st;
    if ((st = compile_re(p, v, n, col, &r->block_body)))
      return st;
    int g = pcre2_substring_number_from_name(r->block_body, (PCRE2_SPTR) "secret");
    r->block_body_group = g > 0 ? g : 0;
    return LM_OK;
  }
  if (IS("block-open")) {
    if ((st = once(p, F_BLOCKOPEN, "block-open")))
      return st;
    int keep = one_of(v, n, "mask", "keep");
    if (keep < 0)
      return PERR(p, LM_ERR_SYNTAX, col, "block-open must be 'mask' or 'keep', not '%.*s'",
                  (int)(n > 64 ? 64 : n), v);
    r->block_keep_opener = keep;
    return LM_OK;
  }
  if (IS("value-end")) {
    if ((st = once(p, F_VALUE_END, "value-end")))
      return st;
    int token = one_of(v, n, "regex", "token");
    if (token < 0)
      return PERR(p, LM_ERR_SYNTAX, col, "value-end: expected 'token' or 'regex'");
    r->value_end = token ? LM_VALUE_END_TOKEN : LM_VALUE_END_REGEX;
    return LM_OK;
  }
  char tmp[256];
  if (n >= sizeof tmp && (IS("check") || IS("placeholders") || IS("mask") || IS("default")))
    return PERR(p, LM_ERR_SYNTAX, col, "value too long");
  if (IS("check")) {
    if ((st = once(p, F_CHECK, "check")))
      return st;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (lm_check_parse(tmp, &r->check) != 0)
      return PERR(p, LM_ERR_SYNTAX, col,
                  "unknown check '%s' (luhn, iban, jwt, github-crc32, base64)", tmp);
    return LM_OK;
  }
  if (IS("placeholders")) {
    if ((st = once(p, F_PLACEHOLDERS, "placeholders")))
      return st;
    int mask = one_of(v, n, "skip", "mask");
    if (mask < 0)
      return PERR(p, LM_ERR_SYNTAX, col, "placeholders: expected 'skip' or 'mask'");
    r->mask_placeholders = mask;
    return LM_OK;
  }
  if (IS("mask")) {
    if ((st = once(p, F_MASK, "mask")))
      return st;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (lm_maskspec_parse(&r->mask, tmp) != 0)
      return PERR(p, LM_ERR_SYNTAX, col, "unknown mask style '%s'", tmp);
    r->has_mask = 1;
    return LM_OK;
  }
  if (IS("default")) {
    if ((st = once(p, F_DEFAULT, "default")))
      return st;
    if (n == 2 && memcmp(v, "on", 2) == 0)
      r->enabled = 1;
    else if (n == 3 && memcmp(v, "off", 3) == 0)
      r->enabled = 0;
    else
      return PERR(p, LM_ERR_SYNTAX, col, "default: expected 'on' or 'off'");
    return LM_OK;
  }
  if (IS("match"))
    return add_test(p, 1, v, n, col);
  if (IS("nomatch"))
    return add_test(p, 0, v, n, col);
  return PERR(p, LM_ERR_SYNTAX, 1, "unknown field '%.*s'", (int)fn, f);
#undef IS
}

lm_status lm_rulefile_parse(lm_ruleset *set, const char *name, const char *text, size_t len) {
  parser p = {.set = set, .name = name};
  lm_status st = LM_OK;
  size_t pos = 0;
  while (pos < len && st == LM_OK) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - line) : len - pos;
    pos += n + (nl ? 1 : 0);
    p.lineno++;
    if (n && line[n - 1] == '\r')
      n--;
    size_t i = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
      i++;
    if (i == n || line[i] == '#')
      continue;
    if (memchr(line, '\0', n)) {
      st = PERR(&p, LM_ERR_SYNTAX, 1, "NUL byte in rule file");
      break;
    }
    size_t f0 = i;
    while (i < n && (islower((unsigned char)line[i]) || line[i] == '-'))
      i++;
    if (i == f0 || i == n || line[i] != ':') {
      st = PERR(&p, LM_ERR_SYNTAX, i + 1, "expected 'field: value'");
      break;
    }
    size_t fn = i - f0;
    i++;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
      i++;
    size_t vend = n;
    while (vend > i && (line[vend - 1] == ' ' || line[vend - 1] == '\t'))
      vend--;
    st = field(&p, line + f0, fn, line + i, vend - i, i + 1);
  }
  if (st == LM_OK)
    st = finish_rule(&p);
  parser_free_allows(&p);
  if (st == LM_OK && p.n) {
    lm_rule *nr = realloc(set->rules, (set->nrules + p.n) * sizeof *nr);
    if (!nr) {
      st = LM_SET_ERR(set, LM_ERR_NOMEM, name, 0, 0, "out of memory");
    } else {
      set->rules = nr;
      memcpy(set->rules + set->nrules, p.rules, p.n * sizeof *nr);
      set->nrules += p.n;
      set->cap = set->nrules;
      free(p.rules);
      return LM_OK;
    }
  }
  for (size_t i = 0; i < p.n; i++)
    lm_rule_clear(&p.rules[i]);
  free(p.rules);
  return st;
}
