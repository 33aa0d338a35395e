/* SPDX-License-Identifier: Apache-2.0 */
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
#include "view.h"
#include "decode.h"

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

/* ---- validators (checks.c) ---- */
typedef enum { LM_CHECK_NONE, LM_CHECK_LUHN, LM_CHECK_IBAN, LM_CHECK_JWT,
               LM_CHECK_GITHUB_CRC32, LM_CHECK_BASE64 } lm_check_kind;
int lm_check_parse(const char *name, lm_check_kind *out) LM_HIDDEN;
int lm_check_run(lm_check_kind kind, const char *s, size_t len) LM_HIDDEN;
double lm_entropy(const char *s, size_t len) LM_HIDDEN;
int lm_is_placeholder(const char *s, size_t len) LM_HIDDEN;

/* ---- bare values (value.c) ---- */
/* Where the key before a value at t[s] starts (its name, quotes and
 * separator stepped over), as the checks of value.c read it, looked for
 * at most max bytes back (s - max when it reaches that far). */
size_t lm_value_key_start(const char *t, size_t s, size_t max) LM_HIDDEN;
/* End of a bare (unquoted) value starting at text[s], as its context
 * delimits it (see `value-end: token` in logmask-rules(5)), whatever the
 * rule's regex took. */
size_t lm_value_end(const char *text, size_t len, size_t s) LM_HIDDEN;
/* 1 when the bare value text[s..e) is code rather than a secret: a
 * variable or template reference, an attribute path, a call, an
 * identifier naming the secret (`raw_password`) or repeating its key;
 * with `code` set (source files) any identifier without digits too. */
int lm_value_is_code(const char *text, size_t s, size_t e, int code) LM_HIDDEN;
/* 1 when a value is what source code uses as an example password or a
 * name: lower-case words joined by _ - . or a space, maybe followed by up
 * to 4 digits (secret, password1, top_secret, django.contrib.auth); with
 * LM_INPUT_CODE only. */
int lm_value_is_example(const char *v, size_t n) LM_HIDDEN;
/* 1 for an upper-case word without digits (WITHCOORD, MAX_RETRIES): in
 * source a constant's name or value, for generic rules. */
int lm_value_is_constant(const char *v, size_t n) LM_HIDDEN;
/* 1 when the line carries an inline allow marker (logmask:allow, ...);
 * 2 when it marks the next line (pragma: allowlist nextline secret). */
int lm_allow_marker(const char *text, size_t len) LM_HIDDEN;

/* ---- rules ---- */
typedef struct lm_rule_test {
  int expect_match;
  char *line;        /* markers removed */
  size_t len;
  size_t *spans;     /* expected [start, end) pairs */
  size_t nspans;
  unsigned long lineno;
} lm_rule_test;

enum { LM_VALUE_END_REGEX = 0, LM_VALUE_END_TOKEN };

typedef struct lm_rule {
  char *id, *description, *group, *origin;
  unsigned long lineno;            /* line of `rule:` */
  char **keywords;
  size_t nkeywords;
  pcre2_code *re;                  /* NULL for a built-in label (below) */
  /* Bytes every match of re holds (PCRE2's first and required code units;
   * either case of a letter), -1 for none: a line without them is not a
   * candidate even when it has the keyword. */
  int need[2];
  int secret_group;                /* capture number, 0 = whole match */
  pcre2_code **allow;
  size_t nallow;
  /* per allow pattern, set on its first run (scan.c allow_code): its JIT
   * copy, or the pattern itself where JIT is not to be had.  Published
   * atomically: the only part of a compiled set that changes, and a
   * cache of compiled code only (no result depends on it) */
  pcre2_code **allow_run;
  double min_entropy;
  size_t min_length;
  lm_check_kind check;
  int mask_placeholders;           /* 1: do not skip placeholder values */
  int value_end;                   /* LM_VALUE_END_* */
  int has_mask;
  lm_maskspec mask;
  int enabled;                     /* after `default:` and enable/disable */
  pcre2_code *block_end;
  pcre2_code *block_body;          /* NULL: the PEM body (block.c) */
  int block_body_group;            /* its `secret` group: masked alone */
  int block_keep_opener;           /* block-open: keep (the opener line stays) */
  unsigned block_index;            /* position in the set's block_rules */
  unsigned block_max_lines;
  lm_rule_test *tests;
  size_t ntests;
} lm_rule;

/* Labels of masks no rule file defines, kept after the rules in the rule
 * table so that they are listed, counted and reported like rules. */
enum { LM_LBL_JSON_KEY, LM_LBL_LOGFMT_KEY, LM_LBL_SYSLOG_KEY, LM_LBL_LIMIT,
       LM_LBL_JSON_DEPTH, LM_LBL_LONG_LINE, LM_NLABELS };

typedef struct lm_literal {
  char *name;
  unsigned char *value;            /* wiped on free */
  size_t len;
} lm_literal;

/* AC pattern ids: keyword k of the flattened keyword table, or a literal. */
#define LM_AC_LITERAL_BIT 0x80000000u
/* A block rule's bit in a candidate set (block rules past the 64th share
 * the last bit: they run whenever it is set). */
#define LM_BLOCK_BIT(index) (1ull << ((index) < 63 ? (index) : 63))
/* Marks of encodings (decode.h LM_ENC_* in the low bits): the two first
 * bytes of every escape the decoders read, so that the keyword walk also
 * tells whether a line may hold encoded text (a superset: decode.c's
 * lm_encodings decides). */
#define LM_AC_MARK_BIT 0x40000000u
/* First byte of a stored keyword that must match with its case
 * (`keywords-cased:`); the automaton folds case, hits are then verified. */
#define LM_KW_CASED '\x01'
static inline int lm_kw_cased(const char *kw) { return kw[0] == LM_KW_CASED; }
static inline const char *lm_kw_text(const char *kw) { return kw + lm_kw_cased(kw); }
/* bytes of each known literal put in the automaton */
#define LM_LITERAL_PREFIX 8

struct lm_ruleset {
  int compiled;
  lm_rule *rules;                  /* enabled rules, then the labels, once compiled */
  size_t nrules, cap;
  size_t nmatch;                   /* rules with a regex: rules[0..nmatch) */
  size_t njit;                     /* of those, run as JIT machine code */
  size_t nblock;                   /* of those, block openers */
  uint32_t *block_rules;
  lm_literal *literals;
  size_t nliterals, litcap;
  size_t min_literal;
  lm_maskspec default_mask;
  int mask_override;
  int any_drop;                    /* some mask in effect is "drop" */
  unsigned char hash_key[1024];
  size_t hash_key_len;
  char key_id[17];
  lm_ac *ac;
  /* keyword pattern id -> rules holding that keyword */
  uint32_t *kw_rule_first, *kw_rule_count, *kw_rules;
  size_t nkw;
  uint32_t max_captures;
  size_t max_keyword;              /* longest keyword, bytes */
  pcre2_match_context *mctx;
  pcre2_compile_context *cctx;
  pcre2_code *pem_body;            /* default block body */
  lm_diag_fn diag;
  void *diag_ctx;
  struct lm_keys *keys;            /* sensitive keys (keys.c); NULL = built-in */
  /* those keys, normalised (lm_keys_suffix): as written before '=' or '"'
   * (logfmt, RFC 5424), and as JSON object keys, before the ':' */
  lm_suffix *key_names, *key_names_json;
  lm_suffix *keyword_names_json;   /* json 2: a keyword's name as a JSON name */
  uint32_t *key_index;             /* lm_keys_index: sensitive keys by last byte */
  lm_error err;
  char err_file[512];
  char err_msg[1024];
};

static inline uint32_t lm_label(const lm_ruleset *set, int lbl) {
  return (uint32_t)(set->nmatch + (size_t)lbl);
}

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
const lm_maskspec *lm_rule_mask(const lm_ruleset *set, uint32_t label) LM_HIDDEN;

/* ---- multi-line blocks (block.c) ---- */
#define LM_BLOCK_PATH_MAX 64
#define LM_BLOCK_PREFIX_MAX 64
typedef struct lm_block {
  int rule;                        /* open block's rule, -1 when none */
  unsigned lines;                  /* lines masked in it so far */
  uint8_t pathlen;                 /* key path of the value it sits in */
  uint8_t has_path;
  uint8_t prefixlen;               /* the opener line's prefix, its digit runs */
  char prefix[LM_BLOCK_PREFIX_MAX]; /* as one '0' (a CRI or logger prefix) */
  char path[LM_BLOCK_PATH_MAX];
} lm_block;

/* ---- the masker: per-thread state ---- */
enum { LM_FMT_TEXT = 0, LM_FMT_AUTO, LM_FMT_JSON, LM_FMT_LOGFMT, LM_FMT_SYSLOG, LM_FMT_SD };

struct lm_masker {
  const lm_ruleset *set;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
  int format;                      /* LM_FMT_* */
  int input;                       /* lm_input */
  int only_rule;                   /* -1, or the one rule run (rule tests) */
  int allow_next;                  /* code input: the last line allowed this one */
  int found;                       /* lm_masker_find left its spans to render */
  unsigned found_flags;            /* and the flags of its findings */
  lm_block block;
  lm_lctx lc;                      /* the line being masked */
  struct lm_cands *cand_line;      /* candidates of the raw line */
  struct lm_cands *cand_view;      /* candidates of the view being read */
  /* scratch of one line */
  uint8_t *cand_mark;              /* per rule */
  uint8_t *tested;                 /* per rule: counted in lines_tested */
  uint32_t *tested_list;
  size_t ntested;
  lm_buf dec;                      /* a decoder's output */
  lm_pmap pmap;
  lm_buf out;                      /* the masked line */
  lm_buf secret;                   /* one secret's text, for rendering */
  lm_buf mask;                     /* one rendered mask */
  lm_buf mask2;
  void *json_frames;               /* fmt_json.c's parse stack */
  /* counters */
  lm_totals totals;
  lm_rule_stats *rstats;
  lm_error err;
  char err_file[64];
  char err_msg[512];
};

/* ---- the per-line path ---- */
/* Candidate rules of a view: found by the keyword walk (scan.c). */
struct lm_cands {
  uint32_t *v;
  size_t n, cap;
  uint64_t block;                  /* block rules among them (LM_BLOCK_BIT) */
  unsigned marks;                  /* LM_ENC_* bits of encoding marks seen */
  /* with `record`: every keyword occurrence (start, end, keyword id) in
   * text order, so that a part of the text knows its candidates without
   * a walk of its own */
  int record;
  uint32_t *hits;
  size_t nhits, hitcap;
};
typedef struct lm_cands lm_cands;

/* Walks view v with the keyword automaton: candidate rules into c (rule
 * order; those whose required bytes v lacks are left out), known
 * literals straight into lc's spans (with `literals`).  On a pair view
 * only keywords touching its `path=` count.  0 or -1 (OOM). */
int lm_scan_walk(lm_masker *m, const lm_view *v, lm_cands *c, int literals) LM_HIDDEN;
/* The same over the raw line (m->lc's), its literals as raw spans. */
int lm_scan_walk_line(lm_masker *m, const char *line, size_t len, lm_cands *c,
                      int literals) LM_HIDDEN;
/* Candidates of view v when it is a plain part of the line walked into
 * `line` (with `record`): from that walk's occurrences, no walk of its own
 * (and its known literals were found by that walk).  1 done, 0 v is no
 * such part, -1 OOM. */
int lm_scan_part(lm_masker *m, const lm_cands *line, const lm_view *v, lm_cands *c) LM_HIDDEN;
/* Runs the candidate rules over v, spans into lc.  A regex limit sets
 * lc->limit.  0 or -1 (OOM). */
int lm_scan_rules(lm_masker *m, const lm_view *v, const lm_cands *c) LM_HIDDEN;
/* One rule over a view: calls fn for each accepted secret [s, e).
 * Returns 0, 1 when a match limit tripped, -1 OOM or when fn failed. */
typedef int (*lm_found_fn)(void *ctx, size_t s, size_t e);
int lm_rule_matches(lm_masker *m, uint32_t rule, const lm_view *v, lm_found_fn fn,
                    void *ctx) LM_HIDDEN;
void lm_cands_free(lm_cands *c) LM_HIDDEN;

/* Format handlers (fmt_*.c): a record view in, regions, spans of
 * sensitive keys, more views (pairs), sub-records and block contents out
 * into lc.  Return 0 when handled, 1 when the record is not in that
 * format (counted by the caller as a fallback to text), -1 OOM. */
typedef struct lm_fmt_env {
  lm_lctx *lc;
  const lm_ruleset *set;
  int keys;                        /* mask sensitive keys' values */
  int contents;                    /* the block machine will read values */
  int read;                        /* views could find something: a keyword,
                                      an encoding, or a keyword's name */
  int names;                       /* a keyword's name stands as a JSON name */
  int code;                        /* LM_INPUT_CODE: the line is source */
  const struct lm_cands *walk;     /* the line's keyword walk (its hits) */
  void **frames;                   /* fmt_json.c's parse stack, kept by the masker */
  lm_buf *dec;                     /* scratch for decoding strings */
  lm_pmap *pmap;
} lm_fmt_env;
int lm_fmt_json(lm_fmt_env *env, const lm_view *rec) LM_HIDDEN;
int lm_fmt_logfmt(lm_fmt_env *env, lm_view *rec) LM_HIDDEN;
int lm_fmt_syslog(lm_fmt_env *env, lm_view *rec) LM_HIDDEN;
int lm_fmt_sd(lm_fmt_env *env, const lm_view *rec) LM_HIDDEN;
/* Sorts an array that holds a few sorted runs (sort.c): a stable merge of
 * the runs, qsort where there are many. */
void lm_sort_runs(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
    LM_HIDDEN;
/* Format detection (detect.c).  *json_at gets the offset of JSON behind
 * a prefix (in a text, logfmt or syslog line), or (size_t)-1. */
int lm_detect(const char *text, size_t len, size_t *json_at) LM_HIDDEN;
/* Offset of the first '{' opening an object with a quoted key, or
 * (size_t)-1: JSON behind a prefix, maybe before a suffix. */
size_t lm_json_suffix(const char *text, size_t len) LM_HIDDEN;
/* 1 when text[at] is a '{' opening an object with a quoted key. */
int lm_json_opens(const char *text, size_t len, size_t at) LM_HIDDEN;
/* 1 when the text may hold a JSON array of small integers (`[108, 111,`):
 * journald's form of a field that is not UTF-8 text, bytes no keyword
 * walk of the line can see. */
int lm_json_byte_array(const char *text, size_t len) LM_HIDDEN;
int lm_fmt_is_logfmt(const char *line, size_t len) LM_HIDDEN;
int lm_fmt_is_syslog(const char *line, size_t len) LM_HIDDEN;
/* Header pieces (detect.c): the index after "<PRI>" or 0; the length of
 * an RFC 3164 "Mmm dd hh:mm:ss" at l[i] or 0; whether "<PRI>VERSION "
 * (RFC 5424) starts the line, p being lm_syslog_pri_end's answer. */
size_t lm_syslog_pri_end(const char *l, size_t len) LM_HIDDEN;
size_t lm_syslog_bsd_time(const char *l, size_t len, size_t i) LM_HIDDEN;
int lm_syslog_is_5424(const char *l, size_t len, size_t p) LM_HIDDEN;
int lm_fmt_syslog_has_params(const char *line, size_t len) LM_HIDDEN;
/* A decoded string's content as a view of its own (fmt_json.c's strings,
 * logfmt's quoted values, SD values): escapes decoded, esc layer pushed. */
lm_view *lm_fmt_string_view(lm_fmt_env *env, const lm_view *rec, size_t a, size_t b,
                            int esc) LM_HIDDEN;
/* 1 when a rule keyword occurs in `key=value` (the value's first bytes
 * only: where a keyword from the key reaches): only then is a view of the
 * pair worth reading (the value is read alone anyway). */
int lm_fmt_text_has_keyword(lm_fmt_env *env, const char *key, size_t klen, const char *value,
                            size_t vlen) LM_HIDDEN;
/* 1 when a rule keyword occurs in text (made-up text of a view). */
int lm_fmt_has_keyword(lm_fmt_env *env, const char *text, size_t len) LM_HIDDEN;
/* The parse stack of fmt_json.c, kept by the masker (freed with it). */
void lm_fmt_json_free(void *frames) LM_HIDDEN;
/* Queues a string's content as a record when it holds one (JSON, logfmt,
 * syslog).  0 or -1 (OOM). */
int lm_fmt_maybe_record(lm_fmt_env *env, lm_view *str) LM_HIDDEN;
/* Queues owner's bytes from `at` on as a JSON record behind a prefix,
 * read by its handler alone (the owner is read as text up to `at`, or
 * whole when text follows the JSON: line.c); `strict`: parsed as JSON
 * only, never from a lenient copy.  0 or -1 (OOM). */
int lm_fmt_json_behind(lm_lctx *lc, lm_view *owner, size_t at, int strict) LM_HIDDEN;

/* Blocks (block.c): steps the masker's block state over the line's
 * contents, adding spans.  `openers`: the block rules some walk of the
 * line found a keyword of (LM_BLOCK_BIT), the only ones tried.  Sets
 * *flags bits LM_LINE_BLOCK.  0 or -1 (OOM). */
int lm_block_line(lm_masker *m, uint64_t openers, unsigned *flags) LM_HIDDEN;
/* 1 when text (one line of a block) looks like the body of rule r. */
int lm_block_is_body(lm_masker *m, const lm_rule *r, const char *text, size_t len) LM_HIDDEN;

/* Spans (spans.c): repeats of found secrets, union with attribution,
 * fitting to regions. */
int lm_spans_repeats(lm_lctx *lc) LM_HIDDEN;
void lm_spans_merge(lm_lctx *lc) LM_HIDDEN;
int lm_spans_fit(lm_lctx *lc) LM_HIDDEN;

/* Rendering (render.c): the line with lc's fitted spans masked into
 * m->out; *drop set when a mask's style is "drop"; at[k] (k < nat) gets
 * where the mask of merged span k starts in m->out. */
int lm_render_line(lm_masker *m, int *drop, size_t *at, size_t nat) LM_HIDDEN;
/* Renders the replacement of one secret (no escaping). */
int lm_mask_secret(const lm_ruleset *set, const lm_maskspec *spec, const char *rule_id,
                   const char *secret, size_t len, lm_buf *out) LM_HIDDEN;
const char *lm_label_name(const lm_ruleset *set, uint32_t label, uint32_t literal) LM_HIDDEN;
int lm_json_escape(lm_buf *out, const char *s, size_t n) LM_HIDDEN;

/* keys.c */
void lm_keys_free(struct lm_keys *keys) LM_HIDDEN;
/* The sensitive key names (and, with `json`, the names keywords of
 * `rules` hold before '=' or ':') as the fast path's key-name check:
 * json 0 before '=' or '"'; 1 in JSON, before a key's ':' or the ',' or
 * '}' after a string value (a name of a name/value list); 2 the same for
 * the keyword names alone. */
lm_suffix *lm_keys_suffix(const lm_ruleset *set, int json, const lm_rule *rules,
                          size_t nrules) LM_HIDDEN;
/* The sensitive keys' indexes grouped by the last byte of their
 * normalised form: [257 group starts][indexes], so a key is compared with
 * the few names that end as it does.  NULL when out of memory. */
uint32_t *lm_keys_index(const lm_ruleset *set) LM_HIDDEN;
int lm_key_is_sensitive(const lm_ruleset *set, const char *key, size_t len) LM_HIDDEN;
int lm_key_value_is_placeholder(const char *s, size_t len) LM_HIDDEN;
/* What a sensitive key may hold without it being a secret: a placeholder,
 * the key's own name or word, a file path, and with `code` 1 (key=value
 * text, where programs print their source) a reference or an identifier
 * of code (value.c lm_value_is_code); with `code` 2 (LM_INPUT_CODE) also a
 * string literal holding an example word (lm_value_is_example) and any
 * identifier.  key may be NULL. */
int lm_key_value_is_benign(const char *key, size_t klen, const char *v, size_t n,
                           int code) LM_HIDDEN;

/* The line path (line.c), shared by lm_masker_line, lm_masker_find,
 * lm_masker_prime and the stream's windows: spans of one line into
 * m->lc, merged (not fitted), counted when `count`.  *flags gets LM_LINE_*
 * bits.  0 or -1 (OOM). */
int lm_line_spans(lm_masker *m, const char *line, size_t len, int count, unsigned *flags) LM_HIDDEN;
/* Counts the spans in m->lc (as lm_line_spans with `count` does). */
void lm_line_count(lm_masker *m, unsigned flags) LM_HIDDEN;

/* Name/value pairs in any syntax, read without parsing (pairs.c): the
 * state of a scan, carried from one piece of text to the next; zeroed to
 * start. */
typedef struct lm_pairs {
  uint8_t phase, quotes, quote, esc, sens, keylen;
  uint8_t arrow; /* after '=': a '>' may follow (Ruby's =>) */
  size_t run;    /* backslashes just read in a quoted value */
  char key[64];
} lm_pairs;
/* Called with each value [s, e) of a sensitive name (key, klen) in the
 * text scanned; nonzero stops the scan. */
typedef int (*lm_pair_fn)(void *ctx, const char *key, size_t klen, size_t s, size_t e);
/* Scans text[0..len) from state p; a value still open at the end is
 * reported up to it.  0, or -1 when fn stopped it. */
int lm_pairs_scan(const lm_ruleset *set, lm_pairs *p, const char *text, size_t len,
                  lm_pair_fn fn, void *ctx) LM_HIDDEN;

/* Lines longer than a stream's limit (window.c): read in overlapping
 * windows; what follows the keys of a JSON or logfmt record across them,
 * and a secret cut by a window's end. */
typedef struct lm_track {
  uint8_t kind;                    /* 0 undecided, 1 JSON, 2 logfmt, 3 text */
  uint8_t in_str, esc, is_key, want_key, sens_next, in_value;
  uint8_t sens;                    /* the value being read is masked whole */
  uint16_t depth, sens_depth;
  uint8_t stack[128];              /* '{' or '[' */
  uint8_t keylen;
  char key[64];
  int carry;                       /* the last window ended inside a secret */
  uint32_t carry_label, carry_literal;
  lm_pairs pairs;                  /* pairs in any syntax, whatever the format */
} lm_track;
/* Masks window text[0..len) of a long line: renders into m->out the
 * masked form of its first *emit bytes (all of them with `last`), which
 * the caller writes and drops from its buffer.  0 or -1 (OOM, with the
 * window masked whole in m->out). */
int lm_window(lm_masker *m, const char *text, size_t len, size_t overlap, int last,
              lm_track *t, size_t *emit) LM_HIDDEN;
#endif
