/* Per-thread matching: prefilter, rules, known literals, span merging,
 * multi-line blocks, and the masked line. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define JIT_STACK_MAX (1024 * 1024)
static const char LIMIT_ID[] = "match-limit";

lm_masker *lm_masker_new(const lm_ruleset *set) {
  if (!set || !set->compiled)
    return NULL;
  lm_masker *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->set = set;
  m->block_rule = -1;
  m->err.message = m->err_msg;
  m->err.file = m->err_file;
  m->md = pcre2_match_data_create(set->max_captures + 1, NULL);
  m->mctx = pcre2_match_context_copy(set->mctx);
  m->candidate = calloc(set->nrules + 1, 1);
  m->cand_list = calloc(set->nrules + 1, sizeof *m->cand_list);
  m->rstats = calloc(set->nrules + 1, sizeof *m->rstats);
  if (!m->md || !m->mctx || !m->candidate || !m->cand_list || !m->rstats) {
    lm_masker_free(m);
    return NULL;
  }
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
  free(m->candidate);
  free(m->cand_list);
  free(m->rstats);
  if (m->spans)
    explicit_bzero(m->spans, m->spancap * sizeof *m->spans);
  free(m->spans);
  lm_buf_wipe_free(&m->out);
  lm_buf_wipe_free(&m->scratch);
  lm_fmt_state_free(m->fmt);
  free(m);
}

const lm_error *lm_masker_error(const lm_masker *m) { return m ? &m->err : NULL; }

void lm_masker_reset(lm_masker *m) {
  if (m) {
    m->block_rule = -1;
    m->block_lines = 0;
  }
}

int lm_add_span(lm_masker *m, size_t start, size_t end, uint32_t rule, uint32_t literal) {
  if (m->nspans == m->spancap) {
    size_t cap = m->spancap ? m->spancap * 2 : 16;
    lm_span *ns = realloc(m->spans, cap * sizeof *ns);
    if (!ns)
      return -1;
    m->spans = ns;
    m->spancap = cap;
  }
  m->spans[m->nspans++] = (lm_span){start, end, rule, literal};
  return 0;
}

static int is_limit_error(int rc) { return rc < 0 && rc != PCRE2_ERROR_NOMATCH; }

/* The secret a rule matched is kept only when it is not a placeholder,
 * not allowed, long enough, random enough and passes the rule's check. */
static int accept_secret(lm_masker *m, const lm_rule *r, const char *s, size_t len) {
  if (len < r->min_length)
    return 0;
  if (!r->mask_placeholders && lm_is_placeholder(s, len))
    return 0;
  for (size_t i = 0; i < r->nallow; i++) {
    int rc = pcre2_match(r->allow[i], (PCRE2_SPTR)s, len, 0, 0, m->md, m->mctx);
    if (rc >= 0)
      return 0;
  }
  if (r->min_entropy > 0 && lm_entropy(s, len) < r->min_entropy)
    return 0;
  if (r->check != LM_CHECK_NONE && !lm_check_run(r->check, s, len))
    return 0;
  return 1;
}

int lm_rule_find(lm_masker *m, uint32_t ri, const char *text, size_t len) {
  const lm_rule *r = &m->set->rules[ri];
  size_t off = 0;
  m->rstats[ri].lines_tested++;
  while (off <= len) {
    int rc = pcre2_match(r->re, (PCRE2_SPTR)text, len, off, 0, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
      break;
    if (is_limit_error(rc))
      return 1;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    size_t ms = ov[0], me = ov[1], s = ms, e = me;
    int g = r->secret_group;
    if (g && rc > g && ov[2 * g] != PCRE2_UNSET) {
      s = ov[2 * g];
      e = ov[2 * g + 1];
    }
    if (e > s && accept_secret(m, r, text + s, e - s)) {
      if (lm_add_span(m, s, e, ri, 0))
        return -1;
      m->rstats[ri].matches++;
      m->rstats[ri].bytes_masked += e - s;
      /* A block opener whose end is not on the same line starts a block. */
      if (r->block_end) {
        int erc = pcre2_match(r->block_end, (PCRE2_SPTR)text, len, me, 0, m->md, m->mctx);
        if (erc == PCRE2_ERROR_NOMATCH && m->block_rule < 0)
          m->block_rule = (int)ri | 0x40000000; /* pending: entered after this line */
      }
    }
    off = me > ms ? me : me + 1;
  }
  return 0;
}

typedef struct scan_ctx {
  lm_masker *m;
  const char *text;
  size_t len;
  int oom;
  int probe;       /* only tell whether a known secret occurs */
  int literal;     /* probe: one does */
} scan_ctx;

static int on_hit(void *vctx, uint32_t id, size_t end, size_t len) {
  scan_ctx *c = vctx;
  lm_masker *m = c->m;
  const lm_ruleset *set = m->set;
  if (id & LM_AC_LITERAL_BIT) {
    uint32_t l = id & ~LM_AC_LITERAL_BIT;
    /* the automaton holds a case-folded prefix; known secrets are exact */
    size_t start = end - len, full = set->literals[l].len;
    if (full <= c->len - start && memcmp(c->text + start, set->literals[l].value, full) == 0) {
      if (c->probe) {
        c->literal = 1;
        return 1;
      }
      if (lm_add_span(m, start, start + full, LM_LITERAL_RULE, l)) {
        c->oom = 1;
        return 1;
      }
      m->totals.literal_matches++;
    }
    return 0;
  }
  for (uint32_t k = 0; k < set->kw_rule_count[id]; k++) {
    uint32_t r = set->kw_rules[set->kw_rule_first[id] + k];
    if (!m->candidate[r]) {
      m->candidate[r] = 1;
      m->cand_list[m->ncand++] = r;
    }
  }
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_span(const void *a, const void *b) {
  const lm_span *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Union of overlapping (and touching) spans; a merged span keeps the label
 * of its leftmost part. */
void lm_merge_spans(lm_masker *m) {
  if (m->nspans < 2)
    return;
  qsort(m->spans, m->nspans, sizeof *m->spans, cmp_span);
  size_t w = 0;
  for (size_t i = 1; i < m->nspans; i++) {
    if (m->spans[i].start <= m->spans[w].end) {
      if (m->spans[i].end > m->spans[w].end)
        m->spans[w].end = m->spans[i].end;
    } else {
      m->spans[++w] = m->spans[i];
    }
  }
  m->nspans = w + 1;
}

static int holds(const char *text, size_t len, int c) {
  if (c < 0)
    return 1;
  if (memchr(text, c, len))
    return 1;
  if (c >= 'a' && c <= 'z')
    return memchr(text, c - 32, len) != NULL;
  if (c >= 'A' && c <= 'Z')
    return memchr(text, c + 32, len) != NULL;
  return 0;
}

/* Keyword scan: candidate rules into m->cand_list (those whose required
 * bytes are in text, in rule order), literal spans into m->spans (or, when
 * probing, c->literal set at the first).  0 or -1 (OOM). */
static int collect(lm_masker *m, scan_ctx *c) {
  const lm_ruleset *set = m->set;
  m->ncand = 0;
  lm_ac_scan(set->ac, (const unsigned char *)c->text, c->len, on_hit, c);
  size_t w = 0;
  for (size_t i = 0; i < m->ncand; i++) {
    uint32_t r = m->cand_list[i];
    m->candidate[r] = 0;
    const lm_rule *rule = &set->rules[r];
    if (holds(c->text, c->len, rule->need[0]) && holds(c->text, c->len, rule->need[1]))
      m->cand_list[w++] = r;
  }
  m->ncand = w;
  if (c->oom)
    return -1;
  /* rule order, so results never depend on keyword order in the line */
  if (m->ncand > 1)
    qsort(m->cand_list, m->ncand, sizeof *m->cand_list, cmp_u32);
  return 0;
}

int lm_prescan(lm_masker *m, const char *text, size_t len) {
  scan_ctx c = {m, text, len, 0, 1, 0};
  m->pre_ready = 0;
  if (collect(m, &c))
    return -1;
  if (c.literal) {
    /* the scan stopped early: the list is not complete */
    m->ncand = 0;
    return 1;
  }
  m->pre_text = text;
  m->pre_len = len;
  m->pre_ready = 1;
  return m->ncand > 0;
}

int lm_scan_append(lm_masker *m, const char *text, size_t len) {
  int ready = m->pre_ready && m->pre_text == text && m->pre_len == len;
  m->pre_ready = 0;
  if (!ready) {
    scan_ctx c = {m, text, len, 0, 0, 0};
    if (collect(m, &c))
      goto oom;
  }
  for (size_t i = 0; i < m->ncand; i++) {
    uint32_t r = m->cand_list[i];
    if (m->limit_hit)
      continue;
    int rc = lm_rule_find(m, r, text, len);
    if (rc < 0)
      goto oom;
    if (rc > 0)
      m->limit_hit = 1;
  }
  m->ncand = 0;
  return 0;
oom:
  m->ncand = 0;
  return -1;
}

/* Once a rule has shown a value to be secret, the same bytes elsewhere in
 * the line are that secret too, even where no rule's context points at
 * them ("password=X ... retrying with X").  Values under 6 bytes are left
 * to their rule: repeating them would hit ordinary words. */
#define REPEAT_MIN 6
static int add_repeats(lm_masker *m, const char *text, size_t len) {
  size_t found = m->nspans;
  for (size_t i = 0; i < found; i++) {
    lm_span sp = m->spans[i];
    size_t n = sp.end - sp.start;
    if (n < REPEAT_MIN)
      continue;
    const char *from = text;
    const char *hit;
    while ((hit = memmem(from, len - (size_t)(from - text), text + sp.start, n)) != NULL) {
      size_t at = (size_t)(hit - text);
      if (at != sp.start && lm_add_span(m, at, at + n, sp.rule, sp.literal))
        return -1;
      from = hit + 1;
      if ((size_t)(from - text) + n > len)
        break;
    }
  }
  return 0;
}

int lm_collect_spans(lm_masker *m, const char *text, size_t len) {
  m->nspans = 0;
  m->limit_hit = 0;
  if (lm_scan_append(m, text, len) || lm_decode_append(m, text, len))
    return -1;
  if (m->nspans && add_repeats(m, text, len))
    return -1;
  lm_merge_spans(m);
  return 0;
}

const char *lm_span_label(const lm_ruleset *set, const lm_span *sp, char *tmp, size_t cap) {
  (void)tmp;
  (void)cap;
  if (sp->rule == LM_LITERAL_RULE)
    return set->literals[sp->literal].name;
  return set->rules[sp->rule].id;
}

int lm_render(lm_masker *m, const char *text, size_t len, lm_buf *out, int *drop) {
  const lm_ruleset *set = m->set;
  size_t pos = 0;
  *drop = 0;
  for (size_t i = 0; i < m->nspans; i++) {
    const lm_span *sp = &m->spans[i];
    const lm_maskspec *spec = lm_rule_mask(set, sp->rule);
    if (spec->kind == LM_MASK_DROP)
      *drop = 1;
    if (lm_buf_append(out, text + pos, sp->start - pos) ||
        lm_mask_secret(set, spec, lm_span_label(set, sp, NULL, 0), text + sp->start,
                       sp->end - sp->start, out))
      return -1;
    pos = sp->end;
  }
  return lm_buf_append(out, text + pos, len - pos);
}

/* Bounds of a line's content without surrounding blanks and a final CR:
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

/* Spans of one line including block state: the heart of both
 * lm_masker_line and lm_masker_find.  Returns 0 or -1 (out of memory);
 * sets *flags. */
static int line_spans(lm_masker *m, const char *text, size_t len, unsigned *flags) {
  const lm_ruleset *set = m->set;
  *flags = 0;
  int in_block = m->block_rule >= 0 && !(m->block_rule & 0x40000000);
  uint32_t brule = in_block ? (uint32_t)m->block_rule : 0;
  if (in_block) {
    const lm_rule *r = &set->rules[brule];
    m->block_lines++;
    if (m->block_lines > r->block_max_lines) {
      /* Unterminated: stop here rather than mask the rest of the log. */
      m->totals.blocks_unterminated++;
      m->block_rule = -1;
      in_block = 0;
    }
  }
  if (lm_collect_spans(m, text, len))
    return -1;
  if (m->limit_hit) {
    size_t a, b;
    content_bounds(text, len, &a, &b);
    m->nspans = 0;
    m->totals.limit_trips++;
    *flags |= LM_LINE_LIMIT;
    if (b > a && lm_add_span(m, a, b, LM_LITERAL_RULE, UINT32_MAX))
      return -1;
  } else if (in_block) {
    const lm_rule *r = &set->rules[brule];
    size_t a, b;
    content_bounds(text, len, &a, &b);
    int rc = pcre2_match(r->block_end, (PCRE2_SPTR)text, len, 0, 0, m->md, m->mctx);
    if (rc >= 0) {
      b = pcre2_get_ovector_pointer(m->md)[0];
      m->block_rule = -1;
    } else if (rc != PCRE2_ERROR_NOMATCH) {
      /* could not tell where the block ends: keep masking */
      m->totals.limit_trips++;
    }
    *flags |= LM_LINE_BLOCK;
    if (b > a) {
      if (lm_add_span(m, a, b, brule, 0))
        return -1;
      m->rstats[brule].bytes_masked += b - a;
      lm_merge_spans(m);
    }
  }
  if (m->block_rule >= 0 && (m->block_rule & 0x40000000)) {
    m->block_rule &= ~0x40000000;
    m->block_lines = 0;
    m->totals.blocks++;
  }
  return 0;
}

lm_status lm_masker_line(lm_masker *m, const char *line, size_t len, lm_line *out) {
  if (!m || !out || (!line && len))
    return LM_ERR_ARG;
  unsigned flags;
  m->pre_ready = 0;
  m->totals.lines++;
  m->totals.bytes += len + 1;
  out->text = line;
  out->len = len;
  out->flags = 0;
  out->secrets = 0;
  if (m->format != LM_FMT_TEXT) {
    unsigned nsecrets = 0;
    lm_buf_clear(&m->out);
    int rc = lm_format_mask(m, line, len, &m->out, &nsecrets);
    if (rc < 0)
      goto oom;
    if (rc > 0) {
      if (nsecrets) {
        m->totals.lines_masked++;
        out->flags = LM_LINE_CHANGED;
        out->secrets = nsecrets;
        out->text = m->out.data;
        out->len = m->out.len;
      }
      if (rc == 2) { /* a "drop" style mask: the line goes */
        m->totals.lines_dropped++;
        out->flags |= LM_LINE_DROPPED;
        out->text = NULL;
        out->len = 0;
      }
      return LM_OK;
    }
  }
  if (line_spans(m, line, len, &flags))
    goto oom;
  out->flags = flags;
  if (m->nspans == 0)
    return LM_OK;
  out->secrets = (unsigned)m->nspans;
  lm_buf_clear(&m->out);
  int drop = 0;
  if (flags & LM_LINE_LIMIT) {
    /* whole-line mask under the limit label */
    const lm_span *sp = &m->spans[0];
    if (lm_buf_append(&m->out, line, sp->start) ||
        lm_mask_secret(m->set, &m->set->default_mask, LIMIT_ID, line + sp->start,
                       sp->end - sp->start, &m->out) ||
        lm_buf_append(&m->out, line + sp->end, len - sp->end))
      goto oom;
  } else if (lm_render(m, line, len, &m->out, &drop)) {
    goto oom;
  }
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
oom:
  /* Fail closed: without memory to build the masked line, hand back a
   * fixed mask for the whole line rather than the original. */
  out->text = "[REDACTED:out-of-memory]";
  out->len = sizeof "[REDACTED:out-of-memory]" - 1;
  out->flags = LM_LINE_CHANGED | LM_LINE_LIMIT;
  m->totals.limit_trips++;
  LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while masking");
  return LM_ERR_NOMEM;
}

lm_status lm_masker_find(lm_masker *m, const char *line, size_t len, lm_finding *found,
                         size_t max, size_t *count) {
  if (!m || (!line && len) || (max && !found))
    return LM_ERR_ARG;
  unsigned flags;
  m->pre_ready = 0;
  m->totals.lines++;
  m->totals.bytes += len + 1;
  if (line_spans(m, line, len, &flags)) {
    LM_SET_ERR(m, LM_ERR_NOMEM, NULL, 0, 0, "out of memory while scanning");
    return LM_ERR_NOMEM;
  }
  for (size_t i = 0; i < m->nspans && i < max; i++) {
    const lm_span *sp = &m->spans[i];
    found[i].start = sp->start;
    found[i].end = sp->end;
    found[i].rule = sp->rule == LM_LITERAL_RULE ? (size_t)-1 : sp->rule;
    found[i].literal = sp->rule == LM_LITERAL_RULE ? sp->literal : 0;
    if (flags & LM_LINE_LIMIT)
      found[i].literal = (size_t)-1;
    found[i].flags = flags;
  }
  if (count)
    *count = m->nspans;
  if (m->nspans)
    m->totals.lines_masked++;
  return LM_OK;
}

size_t lm_ruleset_context_lines(const lm_ruleset *set) {
  size_t most = 0;
  if (!set || !set->compiled)
    return 0;
  for (size_t i = 0; i < set->nrules; i++)
    if (set->rules[i].block_end && set->rules[i].block_max_lines > most)
      most = set->rules[i].block_max_lines;
  return most;
}

static int block_keyword(void *ctx, uint32_t id, size_t end, size_t len) {
  const lm_ruleset *set = ctx;
  (void)end;
  (void)len;
  if (id & LM_AC_LITERAL_BIT)
    return 0;
  for (uint32_t k = 0; k < set->kw_rule_count[id]; k++)
    if (set->rules[set->kw_rules[set->kw_rule_first[id] + k]].block_end)
      return 1;
  return 0;
}

lm_status lm_masker_prime(lm_masker *m, const char *lines, size_t len) {
  if (!m || (!lines && len))
    return LM_ERR_ARG;
  if (len == 0)
    return LM_OK;
  /* Only multi-line rules carry state across lines.  With no block open
   * and none of their keywords in the lines (nor an escape that could hide
   * one), the lines leave none open: one keyword walk instead of masking
   * each of them, which a host priming every chunk pays for again and
   * again. */
  if (m->block_rule < 0 && !lm_has_encoding(lines, len) &&
      !lm_ac_scan(m->set->ac, (const unsigned char *)lines, len, block_keyword,
                  (void *)m->set))
    return LM_OK;
  /* Counters describe what the host masked; priming re-reads lines another
   * masker already counted, so they are put back afterwards. */
  lm_totals saved = m->totals;
  size_t nrules = m->set->nrules;
  lm_rule_stats *rsaved = malloc((nrules + 1) * sizeof *rsaved);
  if (!rsaved)
    return LM_ERR_NOMEM;
  memcpy(rsaved, m->rstats, nrules * sizeof *rsaved);
  lm_status st = LM_OK;
  const char *p = lines, *end = lines + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lm_line out;
    lm_status rc = lm_masker_line(m, p, n, &out);
    if (rc != LM_OK && st == LM_OK)
      st = rc;
    p += n + (nl ? 1 : 0);
  }
  m->totals = saved;
  memcpy(m->rstats, rsaved, nrules * sizeof *rsaved);
  free(rsaved);
  return st;
}
