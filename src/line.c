/* SPDX-License-Identifier: Apache-2.0 */
/* The line driver: one direction per line, no state but the block
 * machine's carried from one line to the next.
 *
 *   keyword walk of the raw line -> format (auto: detected) -> nothing to
 *   find: done.  Else records (the line, JSON behind a prefix, strings
 *   holding records) go to their handlers, which return regions, spans of
 *   sensitive keys, views and more records -> every view is read by its
 *   candidate rules and known literals, record views also decoded
 *   (percent-encoding, twice; backslash escapes; HTML entities) -> the
 *   block machine over the contents -> repeats -> union with one label
 *   each -> counted once.  lm_masker_line then fits and renders once. */
#include "internal.h"
#include <string.h>

static const lm_view *decoded_view(lm_masker *m, const lm_view *v, unsigned enc) {
  if (lm_decode(enc, v->text, v->len, &m->dec, &m->pmap)) {
    m->lc.oom = 1;
    return NULL;
  }
  return lm_view_derive(&m->lc, v, m->dec.data ? m->dec.data : "", m->dec.len, m->pmap.v,
                        v->len, 0, LM_VIEW_DECODED);
}

/* Reads one view: its candidate rules (walked here unless given) and
 * literals.  *openers set when a block rule is a candidate. */
static int read_view(lm_masker *m, const lm_view *v, const lm_cands *given, uint64_t *openers) {
  const lm_cands *c = given;
  if (!c) {
    /* a plain part of the line has the line's walk; others walk */
    int rc = lm_scan_part(m, m->cand_line, v, m->cand_view);
    if (rc < 0 || (rc == 0 && lm_scan_walk(m, v, m->cand_view, m->only_rule < 0)))
      return -1;
    c = m->cand_view;
  }
  *openers |= c->block;
  return c->n ? lm_scan_rules(m, v, c) : 0;
}

/* Reads a record view and its decoded forms; returns the backslash-
 * decoded form (or the view itself) for the block machine. */
static const lm_view *read_record(lm_masker *m, lm_view *v, const lm_cands *given,
                                  uint64_t *openers) {
  if (read_view(m, v, given, openers))
    return NULL;
  unsigned enc = m->lc.enc ? lm_encodings(v->text, v->len) : 0;
  /* the backslashes of a pair view are its own quoting, made up */
  if (v->kind != LM_VIEW_RECORD)
    enc &= ~(unsigned)LM_ENC_BACKSLASH;
  const lm_view *content = v;
  for (unsigned bit = LM_ENC_PERCENT; bit <= LM_ENC_HTML; bit <<= 1) {
    if (!(enc & bit))
      continue;
    const lm_view *d = decoded_view(m, v, bit);
    if (!d || read_view(m, d, NULL, openers))
      return NULL;
    if (bit == LM_ENC_BACKSLASH)
      content = v->unescaped = d;
    /* double percent-encoding (%253D): once more */
    if (bit == LM_ENC_PERCENT && (lm_encodings(d->text, d->len) & LM_ENC_PERCENT)) {
      const lm_view *d2 = decoded_view(m, d, LM_ENC_PERCENT);
      if (!d2 || read_view(m, d2, NULL, openers))
        return NULL;
    }
  }
  return content;
}

/* Could a handler find anything by key name here (no keyword, literal or
 * encoding in the line)?  Names count only where a handler masks by name. */
static int names_a_key(const lm_ruleset *set, const char *line, size_t len, int fmt,
                       size_t json_at) {
  const unsigned char *u = (const unsigned char *)line;
  switch (fmt) {
  case LM_FMT_JSON:
    return lm_suffix_any(set->key_names_json, u, len);
  case LM_FMT_SD:
    return lm_suffix_any(set->key_names, u, len);
  case LM_FMT_LOGFMT:
  case LM_FMT_SYSLOG:
    /* pairs (structured data, a logfmt message), and JSON behind them */
    return lm_suffix_any(set->key_names, u, len) ||
           (json_at != (size_t)-1 &&
            lm_suffix_any(set->key_names_json, u + json_at, len - json_at));
  default:
    return json_at != (size_t)-1 &&
           lm_suffix_any(set->key_names_json, u + json_at, len - json_at);
  }
}

typedef struct pair_mask {
  lm_fmt_env *env;
  int format;
  uint32_t label;
  size_t base; /* where in the line the scan began */
} pair_mask;

static int mask_pair(void *ctx, const char *key, size_t klen, size_t s, size_t e) {
  pair_mask *pm = ctx;
  lm_lctx *lc = pm->env->lc;
  /* judged as the record's own handler judges its values */
  int code = pm->env->code ? 2 : pm->format == LM_FMT_JSON ? 0 : 1;
  if (lm_key_value_is_benign(key, klen, lc->line + pm->base + s, e - s, code))
    return 0;
  return lm_span_add_raw(lc, pm->base + s, pm->base + e, pm->label, 0, LM_ORIGIN_LABEL);
}

/* Records not valid in their format (cut short, a stray byte, a decoy
 * '{"' before them) are read as text, and their sensitive keys' values
 * are masked all the same, as far as their pairs can be read: one scan of
 * the line's bytes from the first such record on (records of a line nest
 * and overlap: one scan each would cost the square of the line). */
static int broken_pairs(lm_masker *m, lm_fmt_env *env, size_t from, int format) {
  int label = format == LM_FMT_JSON     ? LM_LBL_JSON_KEY
              : format == LM_FMT_LOGFMT ? LM_LBL_LOGFMT_KEY
                                        : LM_LBL_SYSLOG_KEY;
  pair_mask pm = {env, format, lm_label(m->set, label), from};
  lm_pairs state = {0};
  lm_lctx *lc = &m->lc;
  return lm_pairs_scan(m->set, &state, lc->line + from, lc->len - from, mask_pair, &pm);
}

static int handle(lm_masker *m, lm_fmt_env *env, lm_view *rec) {
  int rc;
  switch (rec->format) {
  case LM_FMT_JSON: rc = lm_fmt_json(env, rec); break;
  case LM_FMT_LOGFMT: rc = lm_fmt_logfmt(env, rec); break;
  case LM_FMT_SYSLOG: rc = lm_fmt_syslog(env, rec); break;
  case LM_FMT_SD: rc = lm_fmt_sd(env, rec); break;
  default: rc = 1; break;
  }
  if (rc < 0)
    return -1;
  if (rc > 0) {
    if (rec->format != LM_FMT_TEXT)
      m->lc.fallbacks++;
    /* its pairs are read in the line's bytes (broken_pairs) */
    if (rec->format != LM_FMT_TEXT && env->keys) {
      size_t at = rec->nsegs ? rec->segs[0].rs : 0;
      if (!m->lc.broken || at < m->lc.broken_at) {
        m->lc.broken_at = at;
        if (!m->lc.broken)
          m->lc.broken = rec->format;
      }
    }
    rec->format = LM_FMT_TEXT;
  }
  return 0;
}

/* Content bounds of the line without surrounding blanks and a final CR:
 * what a whole-line mask covers, so indentation and CRLF survive. */
static void content_bounds(const char *t, size_t len, size_t *a, size_t *b) {
  size_t s = 0, e = len;
  if (e && t[e - 1] == '\r')
    e--;
  while (s < e && (t[s] == ' ' || t[s] == '\t'))
    s++;
  while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t'))
    e--;
  *a = s;
  *b = e;
}

/* Fail closed: the whole line under one label (a JSON line stays JSON). */
static int mask_whole(lm_masker *m, int label, int json) {
  lm_lctx *lc = &m->lc;
  size_t a, b;
  content_bounds(lc->line, lc->len, &a, &b);
  lc->spans.n = lc->regions.n = lc->pregions.n = 0;
  if (b <= a)
    return 0;
  if (json) {
    lm_region r = {a, b, LM_REG_TOKEN, {0, {0}}};
    if (LM_VEC_PUSH(lc, lc->regions, r))
      return -1;
  }
  return lm_span_add_raw(lc, a, b, lm_label(m->set, label), 0, LM_ORIGIN_LITERAL);
}

void lm_line_count(lm_masker *m, unsigned flags) {
  lm_lctx *lc = &m->lc;
  for (size_t i = 0; i < lc->spans.n; i++) {
    const lm_span *sp = &lc->spans.v[i];
    if (sp->label == LM_LITERAL) {
      m->totals.literal_matches++;
    } else {
      m->rstats[sp->label].matches++;
      m->rstats[sp->label].bytes_masked += sp->end - sp->start;
    }
  }
  for (size_t i = 0; i < m->ntested; i++)
    m->rstats[m->tested_list[i]].lines_tested++;
  m->totals.blocks += lc->blocks_opened;
  m->totals.blocks_unterminated += lc->blocks_cut;
  m->totals.format_fallbacks += lc->fallbacks;
  m->totals.limit_trips += lc->trips + ((flags & LM_LINE_LIMIT) != 0);
}

/* The long way of a line the quick check below could not pass. */
static __attribute__((noinline)) int long_way(lm_masker *m, const char *line, size_t len,
                                              int fmt, size_t json_at, int bytes,
                                              unsigned *flags) {
  lm_lctx *lc = &m->lc;
  const lm_ruleset *set = m->set;
  int keys = m->only_rule < 0;
  uint64_t openers = m->cand_line->block;
  /* values are block contents only where a block can be open or open;
   * views are read only where they could find what the line's walk did
   * not: a keyword, something encoded, or a keyword's name a JSON pair
   * turns into `name=` */
  int names = (fmt != LM_FMT_TEXT || json_at != (size_t)-1) &&
              lm_suffix_any(set->keyword_names_json, (const unsigned char *)line, len);
  lm_fmt_env env = {lc,
                    set,
                    keys,
                    m->block.rule >= 0 || openers || bytes ||
                        lm_hides_letters(line, len, lc->enc),
                    m->cand_line->n || lc->enc || names || bytes,
                    names,
                    m->input == LM_INPUT_CODE,
                    m->cand_line,
                    &m->json_frames,
                    &m->dec,
                    &m->pmap};
  if (!env.contents)
    openers = 0;
  /* the line's view must outlive this call (regions and spans refer to it
   * until the line is rendered) */
  lm_view *raw = lm_view_raw(lc, 0, len);
  if (!raw)
    return -1;
  raw->format = (uint8_t)fmt;
  if (LM_VEC_PUSH(lc, lc->records, raw))
    return -1;
  /* records: the handlers add more as they find them */
  for (size_t i = 0; i < lc->records.n; i++) {
    lm_view *rec = lc->records.v[i];
    int was_json = rec->format == LM_FMT_JSON;
    if (rec->format != LM_FMT_TEXT && handle(m, &env, rec))
      return -1;
    if (rec->format == LM_FMT_JSON || rec->format == LM_FMT_SD) {
      /* a record is read value by value (and its pairs), never as text:
       * a regex running over its quotes would join values that are apart */
      rec->readlen = 0;
      /* JSON behind a prefix, as the line's end, is not its text; with
       * text after it the line goes on being read as text whole */
      if (rec->owner && rec->owner->readlen > rec->owner_at && lc->json_tailed != rec)
        rec->owner->readlen = rec->owner_at;
    } else if (rec->format == LM_FMT_TEXT && m->format != LM_FMT_TEXT) {
      /* JSON behind a prefix; and where a record was no JSON, JSON further
       * on (a '{"' in the prefix opens none): the next '{' tried, without
       * a lenient copy (each try then costs up to where it fails) */
      size_t s = 0;
      while (s < rec->len && (rec->text[s] == ' ' || rec->text[s] == '\t'))
        s++;
      size_t at = s < rec->len ? lm_json_suffix(rec->text + s + 1, rec->len - s - 1) : (size_t)-1;
      if (at != (size_t)-1 &&
          lm_fmt_json_behind(lc, rec, s + 1 + at, was_json || rec->json_strict))
        return -1;
    }
  }
  /* read: records as text (the line with the candidates walked above),
   * then the strings, pairs and lists the handlers made */
  for (size_t i = 0; i < lc->records.n; i++) {
    lm_view *rec = lc->records.v[i];
    const lm_view *content = rec;
    if (!rec->read && rec->readlen) {
      lm_view *part = rec;
      if (rec->readlen < rec->len && !(part = lm_view_slice(lc, rec, 0, rec->readlen, 0)))
        return -1;
      int whole = i == 0 && part == rec;
      if (!(content = read_record(m, part, whole ? m->cand_line : NULL, &openers)))
        return -1;
      if (part != rec)
        content = rec;
    }
    /* block contents: text records; the handlers added the values of
     * the others.  A JSON or logfmt line comes first as a whole too, to
     * continue or end a block only: a base64 body line ending in '=' is no
     * pair, and a record without the key path a block follows ends it
     * before its values are read. */
    if ((rec->format == LM_FMT_LOGFMT || rec->format == LM_FMT_JSON) && i == 0) {
      lm_view *whole = lm_view_slice(lc, content, 0, content->len, 0);
      if (!whole || LM_VEC_PUSH(lc, lc->contents, whole))
        return -1;
      whole->body_only = 1;
      memmove(lc->contents.v + 1, lc->contents.v,
              (lc->contents.n - 1) * sizeof *lc->contents.v);
      lc->contents.v[0] = whole;
    } else if (rec->format == LM_FMT_TEXT && LM_VEC_PUSH(lc, lc->contents, content)) {
      return -1;
    }
  }
  if (!env.contents)
    openers = 0; /* a keyword across a pair's '=' opens nothing */
  for (size_t i = 0; i < lc->views.n && !lc->limit; i++) {
    lm_view *v = lc->views.v[i];
    if (v->readlen && !read_record(m, v, NULL, &openers))
      return -1;
  }
  if (lc->broken && broken_pairs(m, &env, lc->broken_at, lc->broken))
    return -1;
  if (lm_block_line(m, openers, flags))
    return -1;
  if (lc->oom)
    return -1;
  return 0;
}

/* The keyword walk of the raw line, then what the long way could find
 * without a keyword: most lines stop here. */
static int spans(lm_masker *m, const char *line, size_t len, unsigned *flags) {
  lm_lctx *lc = &m->lc;
  if (lm_scan_walk_line(m, line, len, m->cand_line, m->only_rule < 0))
    return -1;
  size_t json_at = (size_t)-1;
  int fmt = m->format;
  if (fmt == LM_FMT_AUTO)
    fmt = lm_detect(line, len, &json_at);
  else if (fmt == LM_FMT_SYSLOG || fmt == LM_FMT_LOGFMT)
    json_at = lm_json_suffix(line, len);
  /* the walk saw the marks of any encoding there may be */
  lc->enc = m->cand_line->marks ? lm_encodings(line, len) : 0;
  int bytes = (fmt == LM_FMT_JSON || json_at != (size_t)-1) && lm_json_byte_array(line, len);
  if (!m->cand_line->n && !lc->spans.n && m->block.rule < 0 && !lc->enc && !bytes &&
      !names_a_key(m->set, line, len, fmt, json_at))
    return 0; /* most lines: nothing any step below could find */
  return long_way(m, line, len, fmt, json_at, bytes, flags);
}

int lm_line_spans(lm_masker *m, const char *line, size_t len, int counting, unsigned *flags) {
  lm_lctx *lc = &m->lc;
  lm_lctx_reset(lc, line, len);
  *flags = 0;
  int rc = 0;
  if (len >= UINT32_MAX / 2) {
    lc->limit = 1; /* offsets would not fit the views' maps */
  } else {
    rc = spans(m, line, len, flags);
  }
  if (rc == 0 && lc->limit) {
    size_t a = 0;
    while (a < len && (line[a] == ' ' || line[a] == '\t'))
      a++;
    *flags = (*flags & LM_LINE_BLOCK) | LM_LINE_LIMIT;
    rc = mask_whole(m, LM_LBL_LIMIT, a < len && line[a] == '{' && m->format != LM_FMT_TEXT);
  } else if (rc == 0 && lc->spans.n && m->only_rule < 0) {
    rc = lm_spans_repeats(lc);
  }
  if (rc == 0 && lc->spans.n)
    lm_spans_merge(lc);
  if (rc == 0 && counting &&
      (lc->spans.n | m->ntested | *flags | lc->fallbacks | lc->blocks_opened | lc->blocks_cut |
       lc->trips))
    lm_line_count(m, *flags);
  for (size_t i = 0; i < m->ntested; i++)
    m->tested[m->tested_list[i]] = 0;
  m->ntested = 0;
  return rc;
}
