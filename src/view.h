/* SPDX-License-Identifier: Apache-2.0 */
/* Views, regions and spans of one line: the data the per-line engine
 * passes down its one-way path (line.c -> handlers -> scan -> merge ->
 * render).  Everything here is in the line context `lm_lctx`, rebuilt for
 * every line; nothing is cached across lines.
 *
 * A view is a text the rules read, with where each of its bytes came
 * from in the raw line: the raw line itself, a decoded form of it
 * (percent-encoding, backslash escapes, HTML entities), a structured
 * record's key/value pair shown as `path=value`, or the decoded content of
 * a string that holds a record of its own.  Spans found in a view are
 * mapped back to raw byte ranges through its segments; bytes outside every
 * segment were made up by the view (the `=` of a pair) and are never
 * masked.
 *
 * A region says how raw bytes may be masked: structural bytes of a record
 * (JSON punctuation, quotes around a value) never, the inside of a quoted
 * or escaped string only with the mask escaped for it (a stack of escape
 * layers, outermost first, for JSON held in a JSON string), a JSON number
 * or container only whole, replaced by a JSON string. */
#ifndef LM_VIEW_H
#define LM_VIEW_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"

/* How a mask is written where it lands. */
enum { LM_ESC_JSON = 1, /* inside a JSON string: RFC 8259 escapes, valid UTF-8 */
       LM_ESC_QUOTED,   /* inside a logfmt "...": \" and \\ */
       LM_ESC_SD,       /* inside an RFC 5424 PARAM-VALUE: \" \\ \] */
       LM_ESC_NAME };   /* an RFC 5424 SD-ID or PARAM-NAME: no escapes, so
                           the bytes it cannot hold (= ] " blank) become _ */
#define LM_ESC_MAX 4    /* records nested deeper are not parsed */

typedef struct lm_escs {
  uint8_t n;
  uint8_t e[LM_ESC_MAX];
} lm_escs;

/* View bytes [vs, ve) came from raw bytes [rs, re): one for one, or
 * through `map` (map[i - vs]: raw start of view byte i) where decoding
 * made one byte of several. */
typedef struct lm_seg {
  uint32_t vs, ve;
  size_t rs, re;
  const uint32_t *map;
  lm_escs esc; /* escaping of the raw bytes (for records nested in strings) */
} lm_seg;

enum { LM_VIEW_RECORD, /* a record's text: the line, or a string's content */
       LM_VIEW_DECODED,/* a decoded form of a record's text */
       LM_VIEW_PAIR,   /* `path=value` of a structured record */
       LM_VIEW_LIST }; /* an array of strings joined by blanks (argv) */

typedef struct lm_view {
  const char *text;
  size_t len;
  const lm_seg *segs;
  uint32_t nsegs;
  uint8_t kind;
  uint8_t depth;     /* record nesting: 0 for the line */
  uint8_t format;    /* LM_VIEW_RECORD: the format to read it in (LM_FMT_*) */
  uint8_t read;      /* LM_VIEW_RECORD: its bytes are read as part of its
                        owner: only its handler runs */
  struct lm_view *owner; /* the record this one is a slice of, when read */
  uint32_t owner_at;     /* where in the owner it starts */
  uint32_t readlen;      /* bytes of text the rules read as text: a JSON
                            record's are read string by string instead */
  const uint32_t *members; /* LM_VIEW_PAIR / LIST: [start, end) of each
                        value in it; a secret found here stays inside the
                        value it starts in */
  uint32_t nmembers;
  const struct lm_view *unescaped; /* its backslash escapes decoded, once
                        read (a block content reads that: `\n` in a value
                        are its lines) */
  uint8_t json_strict; /* LM_VIEW_RECORD of JSON found past a '{' that
                        opened none: parsed strictly (fmt_json.c) */
  uint8_t body_only; /* as a block content: may continue or end a block,
                        never open one (its values are contents too) */
  const char *path;  /* key path of a value (blocks follow it), NULL for none */
  uint32_t pathlen;
} lm_view;

/* Region kinds. */
enum { LM_REG_STRUCT, /* never masked */
       LM_REG_CONTENT,/* masked in place, escaped by `esc` */
       LM_REG_TOKEN };/* masked whole as a JSON string literal */

typedef struct lm_region {
  size_t start, end;
  uint8_t kind;
  lm_escs esc;
} lm_region;

/* A region as a handler gave it: [a, b) of view v. */
struct lm_pregion {
  const struct lm_view *v;
  uint32_t a, b;
  uint8_t kind, push;
};

/* Span origins, in the order attribution prefers them when spans overlap:
 * a known literal names the secret to rotate, a block or a rule what it
 * is, a key label only where it sat. */
enum { LM_ORIGIN_LABEL, LM_ORIGIN_RULE, LM_ORIGIN_BLOCK, LM_ORIGIN_LITERAL };

typedef struct lm_span {
  size_t start, end;  /* raw [start, end) */
  uint32_t label;     /* rule index (built-in labels included) or LM_LITERAL */
  uint32_t literal;   /* literal index when label == LM_LITERAL */
  uint8_t origin;
  uint8_t quote;      /* after fitting: write a JSON string literal */
  uint32_t src;       /* after fitting: the merged span this piece is of */
  lm_escs esc;        /* after fitting */
} lm_span;
#define LM_LITERAL UINT32_MAX

/* Growable arrays of plain structs (no secret bytes in them). */
#define LM_VEC(T) struct { T *v; size_t n, cap; }

typedef struct lm_lctx {
  const char *line;
  size_t len;
  lm_arena arena;
  LM_VEC(lm_view *) views;    /* to be read by the rules */
  LM_VEC(lm_view *) records;  /* records still to hand to a handler */
  LM_VEC(const lm_view *) contents; /* for the block machine */
  LM_VEC(lm_region) regions;
  LM_VEC(struct lm_pregion) pregions; /* regions in view coordinates, mapped
                                          to raw only when a line is fitted */
  LM_VEC(lm_span) spans;
  int oom;
  uint64_t fallbacks;         /* records not valid in their format */
  unsigned trips;             /* records masked whole (too deep to parse) */
  unsigned blocks_opened;     /* block machine events of this line */
  unsigned blocks_cut;        /* blocks ended unterminated at their bound */
  int limit;                  /* a limit tripped: mask the line whole */
  unsigned enc;               /* encodings of the line (decode.h): none
                                 there, none in any view of it */
  size_t lenient_left;        /* bytes lenient JSON reads may still scan
                                 (fmt_json.c lenient_end) */
  int broken;                 /* the format of the first record not valid in
                                 it (line.c broken_pairs), else 0 */
  size_t broken_at;           /* the least line offset of such records */
  const lm_view *json_tailed; /* the last JSON record read had text after
                                 its value (fmt_json.c) */
} lm_lctx;

/* Appends to a vector; sets lc->oom and returns -1 when out of memory. */
int lm_vec_grow(void **v, size_t *cap, size_t need, size_t elem);
#define LM_VEC_PUSH(lc, vec, val)                                                 \
  (((vec).n < (vec).cap ||                                                        \
    lm_vec_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v) == 0) \
       ? ((vec).v[(vec).n++] = (val), 0)                                          \
       : ((lc)->oom = 1, -1))

void lm_lctx_reset(lm_lctx *lc, const char *line, size_t len);
void lm_lctx_free(lm_lctx *lc);

/* The raw line [off, off+len) as a record view of depth 0. */
lm_view *lm_view_raw(lm_lctx *lc, size_t off, size_t len);
/* A view of `text` (n bytes, copied into the arena) derived from `parent`:
 * pmap[i] is the parent offset of the source of byte i (non-decreasing);
 * `consumed` the parent offset where the source ends.  Segments follow the
 * parent's; `push` (0 for none) adds an escape layer to each (the text is
 * the decoded content of a string).  NULL when out of memory. */
lm_view *lm_view_derive(lm_lctx *lc, const lm_view *parent, const char *text, size_t n,
                        const uint32_t *pmap, size_t consumed, int push, int kind);
/* Raw start of view byte i (i <= len; len maps to the end of the last
 * segment). */
size_t lm_view_raw_at(const lm_view *v, size_t i);

/* Adds span [a, b) of view v (mapped to raw, split at made-up bytes).
 * 0 or -1 (OOM). */
int lm_span_add_view(lm_lctx *lc, const lm_view *v, size_t a, size_t b, uint32_t label,
                     uint32_t literal, int origin);
int lm_span_add_raw(lm_lctx *lc, size_t a, size_t b, uint32_t label, uint32_t literal,
                    int origin);
/* Adds region [a, b) of view v with `kind`; CONTENT/TOKEN regions get the
 * view's escape layers plus `push` (0 for none).  Kept in view terms until
 * lm_region_map() (most lines have nothing to fit). */
int lm_region_add_view(lm_lctx *lc, const lm_view *v, size_t a, size_t b, int kind, int push);
/* Maps the pending regions to raw ones.  0 or -1 (OOM). */
int lm_region_map(lm_lctx *lc);

/* The part [a, b) of view v as a view of its own (no copy); `push` adds
 * an escape layer to its segments (0 for none).  NULL when out of memory. */
lm_view *lm_view_slice(lm_lctx *lc, const lm_view *v, size_t a, size_t b, int push);
/* A view joined from pieces: made-up text (view NULL) or a whole view, written as is or, with `quote`, as a one-line
 * string between made-up quotes: a made-up backslash before each quote
 * and backslash, line breaks and tabs as \n \r \t.  NULL when out of
 * memory. */
typedef struct lm_piece {
  const lm_view *view;
  const char *text; /* made up, when view is NULL */
  size_t len;
  int quote;
} lm_piece;
lm_view *lm_view_join(lm_lctx *lc, const lm_piece *pieces, size_t n, int kind, int depth);
/* 1 when a value must be quoted in a `key=value` view (a blank, a quote, a
 * backslash or a line break in it, or empty). */
int lm_view_needs_quotes(const lm_view *v);
#endif
