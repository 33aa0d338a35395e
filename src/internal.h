/* Private declarations shared by liblogmask's source files.  Nothing here
 * is installed; every exported symbol is declared in logmask.h. */
#ifndef LM_INTERNAL_H
#define LM_INTERNAL_H

#include "config.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include "logmask.h"
#include "buf.h"
#include "ac.h"
#include "suffix.h"

#define LM_HIDDEN __attribute__((visibility("hidden")))

typedef struct lm_embedded_rules {
  const char *name;
  const char *text;
} lm_embedded_rules;
extern const lm_embedded_rules lm_default_rules[] LM_HIDDEN;

/* ---- mask styles (maskstyle.c) ---- */
typedef enum { LM_MASK_REDACT, LM_MASK_STARS, LM_MASK_PARTIAL, LM_MASK_HASH, LM_MASK_DROP } lm_mask_kind;
typedef struct lm_maskspec {
  lm_mask_kind kind;
  char *template;              /* redact: owned, NULL = "[REDACTED:%r]" */
  unsigned keep_head, keep_tail; /* partial */
} lm_maskspec;
int lm_maskspec_parse(lm_maskspec *out, const char *style) LM_HIDDEN;
void lm_maskspec_clear(lm_maskspec *spec) LM_HIDDEN;
int lm_maskspec_copy(lm_maskspec *dst, const lm_maskspec *src) LM_HIDDEN;

/* ---- validators (checks.c) ---- */
typedef enum { LM_CHECK_NONE, LM_CHECK_LUHN, LM_CHECK_IBAN, LM_CHECK_JWT,
               LM_CHECK_GITHUB_CRC32, LM_CHECK_BASE64 } lm_check_kind;
int lm_check_parse(const char *name, lm_check_kind *out) LM_HIDDEN;
int lm_check_run(lm_check_kind kind, const char *s, size_t len) LM_HIDDEN;
double lm_entropy(const char *s, size_t len) LM_HIDDEN;
int lm_is_placeholder(const char *s, size_t len) LM_HIDDEN;

/* ---- rules ---- */
typedef struct lm_span {
  size_t start, end;
  uint32_t rule;     /* rule index, or LM_LITERAL_RULE */
  uint32_t literal;
} lm_span;
#define LM_LITERAL_RULE UINT32_MAX

typedef struct lm_rule_test {
  int expect_match;
  char *line;        /* markers removed */
  size_t len;
  lm_span *spans;    /* expected [start, end) */
  size_t nspans;
  unsigned long lineno;
} lm_rule_test;

typedef struct lm_rule {
  char *id, *description, *group, *origin;
  unsigned long lineno;            /* line of `rule:` */
  char **keywords;
  size_t nkeywords;
  pcre2_code *re;
  /* Bytes every match of re holds (PCRE2's first and required code units;
   * either case of a letter), -1 for none: a line without them is not a
   * candidate even when it has the keyword. */
  int need[2];
  int secret_group;                /* capture number, 0 = whole match */
  pcre2_code **allow;
  size_t nallow;
  double min_entropy;
  size_t min_length;
  lm_check_kind check;
  int mask_placeholders;           /* 1: do not skip placeholder values */
  int has_mask;
  lm_maskspec mask;
  int enabled;                     /* after `default:` and enable/disable */
  pcre2_code *block_end;
  unsigned block_max_lines;
  lm_rule_test *tests;
  size_t ntests;
} lm_rule;

typedef struct lm_literal {
  char *name;
  unsigned char *value;            /* wiped on free */
  size_t len;
} lm_literal;

/* AC pattern ids: keyword k of the flattened keyword table, or a literal. */
#define LM_AC_LITERAL_BIT 0x80000000u
/* First byte of a stored keyword that must match with its case
 * (`keywords-cased:`); the automaton folds case, hits are then verified. */
#define LM_KW_CASED '\x01'
static inline int lm_kw_cased(const char *kw) { return kw[0] == LM_KW_CASED; }
static inline const char *lm_kw_text(const char *kw) { return kw + lm_kw_cased(kw); }
/* bytes of each known literal put in the automaton */
#define LM_LITERAL_PREFIX 8

struct lm_ruleset {
  int compiled;
  lm_rule *rules;                  /* enabled rules only, once compiled */
  size_t nrules, cap;
  lm_literal *literals;
  size_t nliterals, litcap;
  size_t min_literal;
  lm_maskspec default_mask;
  int mask_override;
  unsigned char hash_key[1024];
  size_t hash_key_len;
  char key_id[17];
  lm_ac *ac;
  /* keyword pattern id -> rules holding that keyword */
  uint32_t *kw_rule_first, *kw_rule_count, *kw_rules;
  const char **kw;                 /* keyword pattern id -> stored keyword */
  size_t nkw;
  uint32_t max_captures;
  pcre2_match_context *mctx;
  pcre2_compile_context *cctx;
  lm_diag_fn diag;
  void *diag_ctx;
  struct lm_keys *keys;            /* sensitive keys (keys.c); NULL = built-in */
  /* those keys, normalised (lm_keys_suffix): as written before '=' or '"'
   * (logfmt, RFC 5424), and as JSON object keys, before the ':' */
  lm_suffix *key_names, *key_names_json;
  lm_error err;
  char err_file[512];
  char err_msg[1024];
};

/* errors (version.c) */
lm_status lm_set_error(lm_error *e, char *msgbuf, size_t msgcap, char *filebuf,
                       size_t filecap, lm_status st, const char *file,
                       unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 10, 11))) LM_HIDDEN;
#define LM_SET_ERR(set, st, file, line, col, ...)                                  \
  lm_set_error(&(set)->err, (set)->err_msg, sizeof((set)->err_msg), (set)->err_file, \
               sizeof((set)->err_file), st, file, line, col, __VA_ARGS__)
void lm_diag(const lm_ruleset *set, lm_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))) LM_HIDDEN;

void lm_rule_clear(lm_rule *r) LM_HIDDEN;
lm_status lm_rulefile_parse(lm_ruleset *set, const char *name, const char *text,
                            size_t len) LM_HIDDEN;

/* ---- masker internals ---- */
struct lm_masker {
  const lm_ruleset *set;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
  /* per line scratch */
  uint8_t *candidate;              /* per rule: keyword seen in this line */
  uint32_t *cand_list;
  size_t ncand;
  /* cand_list already holds the candidates of exactly this text: set by
   * lm_prescan, used up by the next lm_scan_append, and never left set
   * when lm_format_mask returns non-zero (see there) */
  const char *pre_text;
  size_t pre_len;
  int pre_ready;
  lm_span *spans;
  size_t nspans, spancap;
  int limit_hit;
  lm_buf out;
  lm_buf scratch;
  /* multi-line block state */
  int block_rule;                  /* -1 when none */
  unsigned block_lines;
  /* format */
  int format;
  struct lm_fmt_state *fmt;        /* formats' and decoder's buffers (fmt.h) */
  /* counters */
  lm_totals totals;
  lm_rule_stats *rstats;
  lm_error err;
  char err_file[64];
  char err_msg[512];
};

/* Formats (format.c, fmt_*.c).  LM_FMT_TEXT is the plain-text path. */
enum { LM_FMT_TEXT = 0, LM_FMT_AUTO, LM_FMT_JSON, LM_FMT_LOGFMT, LM_FMT_SYSLOG };
/* Masks a line in m->format into `out` (cleared by the caller).  Returns
 * 1 when handled (*nsecrets = spans masked; 0 means the line is unchanged
 * and `out` is to be ignored), 2 when handled and a mask of style "drop"
 * removes the line, 0 when the line is to be masked as plain text instead
 * (the handler counts the fallback), -1 out of memory. */
int lm_format_mask(lm_masker *m, const char *line, size_t len, lm_buf *out,
                   unsigned *nsecrets) LM_HIDDEN;

/* Scans text (prefilter, candidate rules, literals) and appends raw spans
 * to m->spans: no reset, no merge.  Sets m->limit_hit.  0 or -1 (OOM). */
int lm_scan_append(lm_masker *m, const char *text, size_t len) LM_HIDDEN;
/* 1 when some rule could match in text or a known secret occurs in it, 0
 * when neither, -1 out of memory.  Keeps the candidates for an
 * lm_scan_append of the same text that follows. */
int lm_prescan(lm_masker *m, const char *text, size_t len) LM_HIDDEN;
/* Encoded views (decode.c): percent-encoding, JSON/C backslash escapes.
 * Scans the decoded text and appends spans mapped back onto the original
 * bytes.  0 or -1 (OOM). */
int lm_decode_append(lm_masker *m, const char *text, size_t len) LM_HIDDEN;
void lm_merge_spans(lm_masker *m) LM_HIDDEN;
/* Appends one span to m->spans.  0, or -1 when out of memory. */
int lm_add_span(lm_masker *m, size_t start, size_t end, uint32_t rule,
                uint32_t literal) LM_HIDDEN;
/* Release hooks of keys.c and format.c (accept NULL). */
void lm_keys_free(struct lm_keys *keys) LM_HIDDEN;
lm_suffix *lm_keys_suffix(const lm_ruleset *set, int json) LM_HIDDEN;
/* 1 when the line holds '%XX' or a backslash escape (decode.c). */
int lm_has_encoding(const char *text, size_t len) LM_HIDDEN;
void lm_fmt_state_free(struct lm_fmt_state *st) LM_HIDDEN;

/* Finds the spans of one rule in text, validated (allow, entropy, check,
 * placeholders), appended to m->spans.  Returns 0, 1 when a match limit
 * tripped, -1 when out of memory. */
int lm_rule_find(lm_masker *m, uint32_t rule, const char *text, size_t len) LM_HIDDEN;
/* Collects all spans of a text (prefilter, rules, literals), merged.
 * Returns 0, or -1 out of memory.  m->limit_hit set on a trip. */
int lm_collect_spans(lm_masker *m, const char *text, size_t len) LM_HIDDEN;
/* Appends text with the merged spans m->spans masked to `out`.
 * *drop set when a span's style is "drop". */
int lm_render(lm_masker *m, const char *text, size_t len, lm_buf *out, int *drop) LM_HIDDEN;
/* Renders the replacement of one secret. */
int lm_mask_secret(const lm_ruleset *set, const lm_maskspec *spec, const char *rule_id,
                   const char *secret, size_t len, lm_buf *out) LM_HIDDEN;
const lm_maskspec *lm_rule_mask(const lm_ruleset *set, uint32_t rule) LM_HIDDEN;
const char *lm_span_label(const lm_ruleset *set, const lm_span *sp, char *tmp, size_t tmpcap) LM_HIDDEN;

#endif
