/* Private interface of the format handlers (format.c, fmt_*.c), the
 * encoded-view decoder (decode.c) and the sensitive-key list (keys.c). */
#ifndef LM_FMT_H
#define LM_FMT_H
#include "internal.h"

/* A decoded byte's origin: for decoded byte i, the offset in the source of
 * the character or escape sequence that produced it. */
typedef struct lm_map {
  uint32_t *v;
  size_t len, cap;
} lm_map;

/* JSON lines nested deeper than this are masked whole (fail closed). */
#define LM_JSON_MAX_DEPTH 128

/* Per-masker buffers, made on first use and kept (the steady state does not
 * allocate).  They hold line bytes, so they are wiped on free. */
struct lm_fmt_state {
  lm_buf view;     /* decode.c: the decoded view of a line */
  lm_map view_map;
  lm_buf str;      /* fmt_json.c: one decoded JSON string */
  lm_map str_map;
  lm_buf mask;     /* one rendered mask, before escaping */
  void *json_ev;   /* fmt_json.c: the string/value events of a line */
  size_t json_evcap;
  void *pairs;     /* fmt_logfmt.c / fmt_syslog.c: quoted regions */
  size_t pairscap;
};
struct lm_fmt_state *lm_fmt_state(lm_masker *m) LM_HIDDEN;

/* Labels of the spans the handlers add themselves (no rule behind them):
 * span.rule == LM_LITERAL_RULE and span.literal == LM_FMT_LABEL(k). */
enum { LM_LABEL_JSON_KEY, LM_LABEL_LOGFMT_KEY, LM_LABEL_SYSLOG_KEY, LM_LABEL_LIMIT,
       LM_LABEL_JSON_DEPTH, LM_NLABELS };
#define LM_FMT_LABEL(k) (UINT32_MAX - 1u - (uint32_t)(k))

/* How a mask is written into its context. */
typedef enum {
  LM_ESC_RAW,    /* as is */
  LM_ESC_JSON,   /* inside a JSON string: RFC 8259 escapes, valid UTF-8 */
  LM_ESC_QUOTED, /* inside "...": \" and \\ (logfmt) */
  LM_ESC_SD      /* inside an RFC 5424 PARAM-VALUE: \" \\ \] */
} lm_esc;

/* Appends the mask of span `sp` over secret[0..len) to `out`, escaped for
 * `esc`.  *drop set when the style is "drop".  0 or -1 (OOM). */
int lm_fmt_put_mask(lm_masker *m, const lm_span *sp, const char *secret, size_t len,
                    lm_esc esc, lm_buf *out, int *drop) LM_HIDDEN;
/* The same for a whole value under a sensitive key, style = set default. */
int lm_fmt_put_label(lm_masker *m, int label, const char *secret, size_t len, lm_esc esc,
                     lm_buf *out, int *drop) LM_HIDDEN;
/* Appends s[0..n) as the inside of a JSON string. */
int lm_json_escape(lm_buf *out, const char *s, size_t n) LM_HIDDEN;

/* Scans a view (a decoded string, a value) with the text rules and the
 * decoder: spans appended to m->spans (unmerged).  A multi-line block rule
 * that opens inside the view is masked to its end inside the view (or to
 * the end of the view) instead of opening a block over the next lines. */
int lm_fmt_scan(lm_masker *m, const char *text, size_t len) LM_HIDDEN;
/* The same, with the decoder's views only when `decode` is set (decode.c
 * scans its own views through this, without decoding them again). */
int lm_fmt_scan_view(lm_masker *m, const char *text, size_t len, int decode) LM_HIDDEN;

/* decode.c: JSON/C backslash escapes of src[0..len) decoded, appended to
 * dst; map gets one source offset per decoded byte. */
int lm_unescape(lm_buf *dst, lm_map *map, const char *src, size_t len) LM_HIDDEN;
/* Source offsets of a decoded span [*start, *end) (end rounded up to the
 * end of the escape it falls in). */
void lm_map_span(const lm_map *map, size_t srclen, size_t *start, size_t *end) LM_HIDDEN;

/* keys.c */
int lm_key_is_sensitive(const lm_ruleset *set, const char *key, size_t len) LM_HIDDEN;
int lm_key_value_is_placeholder(const char *s, size_t len) LM_HIDDEN;

/* The handlers: same contract as lm_format_mask (internal.h). */
int lm_fmt_json(lm_masker *m, const char *line, size_t len, lm_buf *out,
                unsigned *nsecrets) LM_HIDDEN;
int lm_fmt_logfmt(lm_masker *m, const char *line, size_t len, lm_buf *out,
                  unsigned *nsecrets) LM_HIDDEN;
int lm_fmt_syslog(lm_masker *m, const char *line, size_t len, lm_buf *out,
                  unsigned *nsecrets) LM_HIDDEN;
/* Cheap shape tests for "auto". */
int lm_fmt_is_logfmt(const char *line, size_t len) LM_HIDDEN;
int lm_fmt_is_syslog(const char *line, size_t len) LM_HIDDEN;
/* 1 when the line could carry structured-data parameters (RFC 5424): the
 * only syslog lines the handler masks anything in by name. */
int lm_fmt_syslog_has_params(const char *line, size_t len) LM_HIDDEN;

/* Shared by logfmt and syslog: a quoted value's inside [start, end). */
typedef struct lm_qregion {
  size_t start, end;
  int sensitive;
} lm_qregion;
/* Makes spans respect quoted regions: a span starting inside one ends at
 * its end; a span that covers a region's quote is widened to the whole
 * quoted value (quotes included).  Regions sorted, spans merged; re-merges. */
void lm_fmt_fit_spans(lm_masker *m, const lm_qregion *q, size_t nq) LM_HIDDEN;
/* Renders line with m->spans (merged, fitted): masks inside a region are
 * escaped with `esc`, others raw.  Returns 0 or -1; *drop as above. */
int lm_fmt_render(lm_masker *m, const char *line, size_t len, const lm_qregion *q,
                  size_t nq, lm_esc esc, lm_buf *out, int *drop) LM_HIDDEN;
/* The common end of the quoted-region handlers (logfmt, syslog): merges
 * and fits m->spans, renders into out.  Returns what lm_format_mask does:
 * 1 (unchanged when *nsecrets is 0), 2 for a "drop" mask, -1 OOM. */
int lm_fmt_finish(lm_masker *m, const char *line, size_t len, const lm_qregion *q,
                  size_t nq, lm_esc esc, lm_buf *out, unsigned *nsecrets) LM_HIDDEN;
/* Grows st->pairs to hold n regions; NULL when out of memory. */
lm_qregion *lm_fmt_regions(struct lm_fmt_state *st, size_t n) LM_HIDDEN;
#endif
