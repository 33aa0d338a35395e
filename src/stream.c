/* Push streaming: arbitrary chunks in, complete masked lines out through
 * the host's writer, in order.  A partial line waits in `pending`; a line
 * longer than the limit is masked in overlapping windows so memory stays
 * bounded (see lm_stream_set_limits in logmask.h). */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define OUT_BATCH (64 * 1024)

struct lm_stream {
  lm_masker *m;
  lm_write_fn write;
  void *ctx;
  lm_buf pending;
  lm_buf out;
  lm_buf window_out;
  size_t max_line, overlap;
  int line_buffered;
  int finished;
  int failed;
  int in_long_line;
};

lm_stream *lm_stream_new(lm_masker *m, lm_write_fn write, void *ctx) {
  if (!m || !write)
    return NULL;
  lm_stream *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->m = m;
  s->write = write;
  s->ctx = ctx;
  s->max_line = 1024 * 1024;
  s->overlap = 4096;
  return s;
}

void lm_stream_free(lm_stream *s) {
  if (!s)
    return;
  lm_buf_wipe_free(&s->pending);
  lm_buf_wipe_free(&s->out);
  lm_buf_wipe_free(&s->window_out);
  free(s);
}

lm_status lm_stream_set_limits(lm_stream *s, size_t max_line, size_t overlap) {
  if (!s || max_line < 64 || overlap >= max_line / 2)
    return LM_ERR_ARG;
  if (s->pending.len > max_line)
    return LM_ERR_STATE;
  s->max_line = max_line;
  s->overlap = overlap;
  return LM_OK;
}

void lm_stream_set_line_buffered(lm_stream *s, int on) {
  if (s)
    s->line_buffered = on != 0;
}

static lm_status flush_out(lm_stream *s) {
  if (s->failed)
    return LM_ERR_WRITE;
  if (s->out.len == 0)
    return LM_OK;
  int rc = s->write(s->ctx, s->out.data, s->out.len);
  s->out.len = 0;
  if (rc != 0) {
    s->failed = 1;
    return LM_ERR_WRITE;
  }
  return LM_OK;
}

static lm_status emit_line(lm_stream *s, const char *text, size_t len, int newline) {
  lm_line r;
  lm_status st = lm_masker_line(s->m, text, len, &r);
  if (st != LM_OK && st != LM_ERR_NOMEM) /* NOMEM still hands back a full mask */
    return st;
  if (s->in_long_line) {
    s->m->totals.long_lines++;
    s->in_long_line = 0;
  }
  if (!(r.flags & LM_LINE_DROPPED)) {
    if (lm_buf_append(&s->out, r.text, r.len) || (newline && lm_buf_putc(&s->out, '\n')))
      return LM_ERR_NOMEM;
  }
  return LM_OK;
}

/* pending holds exactly max_line bytes of a line with no end yet: mask a
 * window, write all of it but the overlap (extended to the end of a
 * secret that crosses it), keep the rest for the next window. */
static lm_status emit_window(lm_stream *s) {
  lm_masker *m = s->m;
  const char *text = s->pending.data;
  size_t w = s->pending.len;
  size_t emit = w - s->overlap;
  s->in_long_line = 1;
  if (lm_collect_spans(m, text, w))
    return LM_ERR_NOMEM;
  lm_buf_clear(&s->window_out);
  if (m->limit_hit) {
    /* fail closed: the part we cannot vouch for is masked whole */
    m->totals.limit_trips++;
    if (lm_mask_secret(m->set, &m->set->default_mask, "match-limit", text, emit,
                       &s->window_out))
      return LM_ERR_NOMEM;
  } else {
    size_t keep = 0;
    for (size_t i = 0; i < m->nspans; i++) {
      if (m->spans[i].start < emit && m->spans[i].end > emit)
        emit = m->spans[i].end;
      if (m->spans[i].end <= emit)
        keep = i + 1;
    }
    m->nspans = keep;
    int drop;
    if (lm_render(m, text, emit, &s->window_out, &drop))
      return LM_ERR_NOMEM;
    if (keep)
      m->totals.lines_masked++;
  }
  m->totals.bytes += emit;
  if (lm_buf_append(&s->out, s->window_out.data, s->window_out.len))
    return LM_ERR_NOMEM;
  memmove(s->pending.data, s->pending.data + emit, w - emit);
  s->pending.len = w - emit;
  return flush_out(s);
}

static lm_status append_pending(lm_stream *s, const char *p, size_t n) {
  while (n) {
    size_t room = s->max_line - s->pending.len;
    size_t take = n < room ? n : room;
    if (lm_buf_append(&s->pending, p, take))
      return LM_ERR_NOMEM;
    p += take;
    n -= take;
    if (s->pending.len == s->max_line) {
      lm_status st = emit_window(s);
      if (st)
        return st;
    }
  }
  return LM_OK;
}

lm_status lm_stream_feed(lm_stream *s, const char *buf, size_t len) {
  if (!s || (!buf && len))
    return LM_ERR_ARG;
  if (s->finished)
    return LM_ERR_STATE;
  if (s->failed)
    return LM_ERR_WRITE;
  const char *p = buf, *end = buf + len;
  lm_status st = LM_OK;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      st = append_pending(s, p, (size_t)(end - p));
      break;
    }
    if (s->pending.len || s->in_long_line) {
      if ((st = append_pending(s, p, (size_t)(nl - p))))
        break;
      st = emit_line(s, s->pending.data ? s->pending.data : "", s->pending.len, 1);
      lm_buf_clear(&s->pending);
    } else {
      /* the common case: a whole line inside the chunk, no copy */
      if ((size_t)(nl - p) > s->max_line) {
        if ((st = append_pending(s, p, (size_t)(nl - p))))
          break;
        st = emit_line(s, s->pending.data, s->pending.len, 1);
        lm_buf_clear(&s->pending);
      } else {
        st = emit_line(s, p, (size_t)(nl - p), 1);
      }
    }
    if (st)
      break;
    p = nl + 1;
    if (s->line_buffered || s->out.len >= OUT_BATCH)
      if ((st = flush_out(s)))
        break;
  }
  if (st == LM_OK && s->line_buffered)
    st = flush_out(s);
  return st;
}

lm_status lm_stream_flush(lm_stream *s) {
  if (!s)
    return LM_ERR_ARG;
  return flush_out(s);
}

lm_status lm_stream_finish(lm_stream *s) {
  if (!s)
    return LM_ERR_ARG;
  if (s->finished)
    return LM_ERR_STATE;
  s->finished = 1;
  lm_status st = LM_OK;
  if (s->pending.len || s->in_long_line) {
    st = emit_line(s, s->pending.data ? s->pending.data : "", s->pending.len, 0);
    /* a line without its '\n' still counts its bytes, not the missing one */
    s->m->totals.bytes--;
    lm_buf_clear(&s->pending);
  }
  lm_status fst = flush_out(s);
  return st ? st : fst;
}
