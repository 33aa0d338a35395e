/* SPDX-License-Identifier: Apache-2.0 */
/* Maskers: per-thread state (PCRE2 match data, the line context, the
 * block machine's state, counters) and the per-line entry points, which
 * all run the one line path (line.c). */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define JIT_STACK_MAX (1024 * 1024)

lm_masker *lm_masker_new(const lm_ruleset *set) {
  if (!set || !set->compiled)
    return NULL;
  lm_masker *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->set = set;
  m->format = LM_FMT_AUTO; /* what every host wants unless told the format */
  m->block.rule = -1;
  m->only_rule = -1;
  m->err.message = m->err_msg;
  m->err.file = m->err_file;
  m->md = pcre2_match_data_create(set->max_captures + 1, NULL);
  m->mctx = pcre2_match_context_copy(set->mctx);
  m->cand_mark = calloc(set->nrules + 1, 1);
  m->tested = calloc(set->nrules + 1, 1);
  m->tested_list = calloc(set->nrules + 1, sizeof *m->tested_list);
  m->rstats = calloc(set->nrules + 1, sizeof *m->rstats);
  m->cand_line = calloc(1, sizeof *m->cand_line);
  m->cand_view = calloc(1, sizeof *m->cand_view);
  if (!m->md || !m->mctx || !m->cand_mark || !m->tested || !m->tested_list || !m->rstats ||
      !m->cand_line || !m->cand_view) {
    lm_masker_free(m);
    return NULL;
  }
  m->cand_line->record = 1; /* parts of the line reuse its walk */
  /* A bigger JIT stack than PCRE2's 32 KiB default, still bounded: past it
   * the match fails with a limit error and the line is masked whole. */
  m->jit_stack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
  if (m->jit_stack)
    pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
  for (size_t i = 0; i < set->nrules; i++)
    m->rstats[i].id = set->rules[i].id;
  return m;
}

void lm_masker_free(lm_masker *m) {
  if (!m)
    return;
  pcre2_match_data_free(m->md);
  pcre2_match_context_free(m->mctx);
  pcre2_jit_stack_free(m->jit_stack);
  free(m->cand_mark);
  free(m->tested);
  free(m->tested_list);
  free(m->rstats);
  lm_cands_free(m->cand_line);
  lm_cands_free(m->cand_view);
  lm_lctx_free(&m->lc);
  lm_fmt_json_free(m->json_frames);
  lm_buf_wipe_free(&m->dec);
  lm_pmap_free(&m->pmap);
  lm_buf_wipe_free(&m->out);
  lm_buf_wipe_free(&m->secret);
  lm_buf_wipe_free(&m->mask);
  lm_buf_wipe_free(&m->mask2);
  free(m);
}

const lm_error *lm_masker_error(const lm_masker *m) { return m ? &m->err : NULL; }

void lm_masker_reset(lm_masker *m) {
  if (m) {
    m->block.rule = -1;
    m->block.lines = 0;
    m->allow_next = 0;
  }
}

static const struct {
  const char *name;
  int format;
} formats[] = {{"auto", LM_FMT_AUTO},     {"text", LM_FMT_TEXT},     {"json", LM_FMT_JSON},
               {"logfmt", LM_FMT_LOGFMT}, {"syslog", LM_FMT_SYSLOG}, {"sd", LM_FMT_SD}};

lm_status lm_masker_set_format(lm_masker *m, const char *format) {
  if (!m || !format)
    return LM_ERR_ARG;
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(format, formats[i].name) == 0) {
      m->format = formats[i].format;
      return LM_OK;
    }
  return LM_SET_ERR(m, LM_ERR_ARG, NULL, 0, 0,
                    "unknown format '%s' (auto, text, json, logfmt, syslog, sd)", format);
}

lm_status lm_masker_set_input(lm_masker *m, lm_input input) {
  if (!m || (input != LM_INPUT_LOG && input != LM_INPUT_CODE))
    return LM_ERR_ARG;
  m->input = input;
  return LM_OK;
}

/* Fail closed: without memory to build the masked line, a fixed mask for
 * the whole line rather than the original. */
static lm_status out_of_memory(lm_masker *m, lm_line *out) {
  static const char mask[] = "[REDACTED:out-of-memory]";
  out->text = mask;
  out->len = sizeof mask - 1;
  out->flags = LM_LINE_CHANGED | LM_LINE_LIMIT;
  out->secrets = 1;
  m->totals.limit_trips++;
  m->totals.lines_masked++;
  LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while masking");
  return LM_ERR_NOMEM;
}

/* The masked line from the spans the line path left in m->lc. */
static lm_status finish_line(lm_masker *m, const char *line, size_t len, unsigned flags,
                             lm_line *out) {
  lm_lctx *lc = &m->lc;
  out->text = line;
  out->len = len;
  out->flags = flags;
  out->secrets = (unsigned)lc->spans.n;
  if (!lc->spans.n)
    return LM_OK;
  int drop = 0;
  if (lm_spans_fit(lc) || lm_render_line(m, &drop, NULL, 0))
    return out_of_memory(m, out);
  m->totals.lines_masked++;
  out->flags |= LM_LINE_CHANGED;
  if (drop) {
    m->totals.lines_dropped++;
    out->flags |= LM_LINE_DROPPED;
    out->text = NULL;
    out->len = 0;
    return LM_OK;
  }
  out->text = m->out.data;
  out->len = m->out.len;
  return LM_OK;
}

lm_status lm_masker_line(lm_masker *m, const char *line, size_t len, lm_line *out) {
  if (!m || !out || (!line && len))
    return LM_ERR_ARG;
  m->found = 0;
  if (!line)
    line = "";
  m->totals.lines++;
  m->totals.bytes += len + 1;
  unsigned flags;
  if (lm_line_spans(m, line, len, 1, &flags))
    return out_of_memory(m, out);
  return finish_line(m, line, len, flags, out);
}

/* Findings [first, first + max) of the line's spans into found; how many. */
static size_t fill_found(const lm_masker *m, size_t first, lm_finding *found, size_t max) {
  const lm_lctx *lc = &m->lc;
  size_t k = 0;
  for (size_t i = first; i < lc->spans.n && k < max; i++, k++) {
    const lm_span *sp = &lc->spans.v[i];
    found[k].start = sp->start;
    found[k].end = sp->end;
    found[k].rule = sp->label == LM_LITERAL ? (size_t)-1 : sp->label;
    found[k].literal = sp->label == LM_LITERAL ? sp->literal : 0;
    found[k].flags = m->found_flags;
  }
  return k;
}

lm_status lm_masker_found(const lm_masker *m, size_t first, lm_finding *found, size_t max,
                          size_t *copied) {
  if (!m || (max && !found))
    return LM_ERR_ARG;
  if (!m->found)
    return LM_ERR_STATE;
  size_t k = fill_found(m, first, found, max);
  if (copied)
    *copied = k;
  return LM_OK;
}

lm_status lm_masker_find(lm_masker *m, const char *line, size_t len, lm_finding *found,
                         size_t max, size_t *count) {
  if (!m || (!line && len) || (max && !found))
    return LM_ERR_ARG;
  if (!line)
    line = "";
  m->totals.lines++;
  m->totals.bytes += len + 1;
  unsigned flags;
  if (lm_line_spans(m, line, len, 1, &flags)) {
    LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while scanning");
    return LM_ERR_NOMEM;
  }
  const lm_lctx *lc = &m->lc;
  /* inline allow markers count in source files only: in a log, whoever
   * writes the line could forge them */
  int allowed = 0;
  if (m->input == LM_INPUT_CODE) {
    int marker = lm_allow_marker(line, len);
    allowed = m->allow_next || marker == 1;
    m->allow_next = marker == 2;
  }
  m->found_flags = flags | (allowed ? LM_FIND_ALLOWED : 0u);
  fill_found(m, 0, found, max);
  if (count)
    *count = lc->spans.n;
  m->found = 1;
  if (lc->spans.n) {
    m->totals.lines_masked++;
    if (allowed)
      m->totals.allowed += lc->spans.n;
  }
  return LM_OK;
}

lm_status lm_masker_render(lm_masker *m, lm_line *out, size_t *at, size_t nat) {
  if (!m || !out || (nat && !at))
    return LM_ERR_ARG;
  if (!m->found)
    return LM_SET_ERR(m, LM_ERR_STATE, NULL, 0, 0, "no lm_masker_find to render");
  m->found = 0;
  lm_lctx *lc = &m->lc;
  out->text = lc->line;
  out->len = lc->len;
  out->flags = 0;
  out->secrets = (unsigned)lc->spans.n;
  for (size_t i = 0; i < nat; i++)
    at[i] = (size_t)-1;
  if (!lc->spans.n)
    return LM_OK;
  int drop = 0;
  if (lm_spans_fit(lc) || lm_render_line(m, &drop, at, nat)) {
    LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while rendering");
    return LM_ERR_NOMEM;
  }
  out->flags = LM_LINE_CHANGED | (drop ? LM_LINE_DROPPED : 0u);
  out->text = drop ? NULL : m->out.data;
  out->len = drop ? 0 : m->out.len;
  return LM_OK;
}

size_t lm_ruleset_context_lines(const lm_ruleset *set) {
  size_t most = 0;
  if (!set || !set->compiled)
    return 0;
  for (size_t i = 0; i < set->nblock; i++)
    if (set->rules[set->block_rules[i]].block_max_lines > most)
      most = set->rules[set->block_rules[i]].block_max_lines;
  return most;
}

/* Whether a line could open a block: a block rule's keyword in it, or an
 * encoding that could hide one (decode.h). */
static int block_trigger(void *ctx, uint32_t id, size_t end, size_t len) {
  const lm_ruleset *set = ctx;
  (void)end;
  (void)len;
  if (id & (LM_AC_LITERAL_BIT | LM_AC_MARK_BIT))
    return 0;
  for (uint32_t k = 0; k < set->kw_rule_count[id]; k++)
    if (set->rules[set->kw_rules[set->kw_rule_first[id] + k]].block_end)
      return 1;
  return 0;
}

lm_status lm_masker_prime(lm_masker *m, const char *lines, size_t len) {
  if (!m || (!lines && len))
    return LM_ERR_ARG;
  m->found = 0;
  /* The block state after these lines depends only on them (a block
   * cannot outlive its bound, and an opener always restarts), so the lines
   * before the first that could open one leave nothing open: they are
   * only walked.  From there on each line goes the whole line path,
   * uncounted. */
  const char *p = lines, *end = lines + len;
  int started = m->block.rule >= 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (!started)
      started = lm_hides_letters(p, n, lm_encodings(p, n)) ||
                lm_ac_scan(m->set->ac, (const unsigned char *)p, n, block_trigger,
                           (void *)m->set);
    unsigned flags;
    if (started && lm_line_spans(m, p, n, 0, &flags)) {
      LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while priming");
      return LM_ERR_NOMEM;
    }
    p += n + (nl ? 1 : 0);
  }
  return LM_OK;
}
