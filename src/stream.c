/* SPDX-License-Identifier: Apache-2.0 */
/* Push streaming: arbitrary chunks in, complete masked lines out through
 * the host's writer, in order.  A partial line waits in `pending`; a line
 * longer than the limit is masked in overlapping windows so memory stays
 * bounded (see lm_stream_set_limits in logmask.h). */
#include "internal.h"
#include "gzip.h"
#include <stdlib.h>
#include <string.h>

#define OUT_BATCH (64 * 1024)

struct lm_stream {
  lm_masker *m;
  lm_write_fn write;
  void *ctx;
  lm_buf pending;
  lm_buf out;
  size_t max_line, overlap;
  int line_buffered;
  int end_last_line;       /* finish ends a last line without '\n' with one */
  int finished;
  int failed;
  int in_long_line;        /* windows of the current line were written */
  int long_changed;        /* one of them was masked */
  lm_track track;          /* keys and cut secrets from window to window */
  /* gzip (gzip.c) */
  int fed;                 /* a feed happened: gzip settings are fixed */
  int gzip_in;             /* LM_GZIP_AUTO / LM_GZIP_OFF */
  enum { GZ_UNDECIDED, GZ_PLAIN, GZ_INFLATE } gz_state;
  unsigned char magic0;    /* first byte, held until the second tells */
  int have_magic0;
  int format_failed;       /* corrupt input seen: no more lines */
  lm_gzin *gzin;
  lm_gzout *gzout;
  lm_error err;
  char err_msg[256];
  char err_file[1];
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
  s->err.message = s->err_msg;
  s->err.file = s->err_file;
  return s;
}

void lm_stream_free(lm_stream *s) {
  if (!s)
    return;
  lm_buf_wipe_free(&s->pending);
  lm_buf_wipe_free(&s->out);
  lm_gzin_free(s->gzin);
  lm_gzout_free(s->gzout);
  free(s);
}

lm_status lm_stream_set_limits(lm_stream *s, size_t max_line, size_t overlap) {
  if (!s || max_line < LM_MAX_LINE_MIN || overlap >= max_line / 2)
    return LM_ERR_ARG;
  if (s->pending.len > max_line)
    return LM_ERR_STATE;
  s->max_line = max_line;
  s->overlap = overlap;
  return LM_OK;
}

void lm_stream_set_end_last_line(lm_stream *s, int on) {
  if (s)
    s->end_last_line = on != 0;
}

void lm_stream_set_line_buffered(lm_stream *s, int on) {
  if (s)
    s->line_buffered = on != 0;
}

lm_status lm_stream_set_gzip(lm_stream *s, int input, int output_level) {
  if (!s || (input != LM_GZIP_OFF && input != LM_GZIP_AUTO) || output_level < -1 ||
      output_level > 9)
    return LM_ERR_ARG;
  if (s->fed || s->finished)
    return LM_ERR_STATE;
  s->gzip_in = input;
  lm_gzout_free(s->gzout);
  s->gzout = NULL;
  if (output_level >= 0 && !(s->gzout = lm_gzout_new(output_level)))
    return LM_ERR_NOMEM;
  return LM_OK;
}

const lm_error *lm_stream_error(const lm_stream *s) { return s ? &s->err : NULL; }

static lm_status stream_error(lm_stream *s, lm_status st, const char *msg) {
  return lm_set_error(&s->err, s->err_msg, sizeof s->err_msg, s->err_file, sizeof s->err_file,
                      st, NULL, 0, 0, "%s", msg);
}

/* Hands the batched output to the writer (through gzip when asked);
 * `gz` says how far gzip output is flushed: LM_GZ_NONE/SYNC/FINISH. */
static lm_status flush_out_gz(lm_stream *s, int gz) {
  if (s->failed)
    return LM_ERR_WRITE;
  if (s->out.len == 0 && (!s->gzout || gz == LM_GZ_NONE))
    return LM_OK;
  int rc;
  if (s->gzout) {
    lm_status st = lm_gzout_write(s->gzout, s->out.data ? s->out.data : "", s->out.len, gz,
                                  s->write, s->ctx);
    if (st == LM_ERR_NOMEM) {
      s->out.len = 0;
      s->failed = 1;
      return stream_error(s, st, "gzip output: zlib failed");
    }
    rc = st != LM_OK;
  } else {
    rc = s->write(s->ctx, s->out.data, s->out.len);
  }
  s->out.len = 0;
  if (rc != 0) {
    s->failed = 1;
    return LM_ERR_WRITE;
  }
  return LM_OK;
}

static lm_status flush_out(lm_stream *s) { return flush_out_gz(s, LM_GZ_NONE); }

static lm_status emit_line(lm_stream *s, const char *text, size_t len, int newline) {
  lm_line r;
  lm_status st = lm_masker_line(s->m, text, len, &r);
  if (st != LM_OK && st != LM_ERR_NOMEM) /* NOMEM still hands back a full mask */
    return st;
  if (!(r.flags & LM_LINE_DROPPED)) {
    if (lm_buf_append(&s->out, r.text, r.len) || (newline && lm_buf_putc(&s->out, '\n')))
      return LM_ERR_NOMEM;
  }
  return LM_OK;
}

/* pending holds exactly max_line bytes of a line with no end yet: mask a
 * window and write what it lets go (all but the overlap, moved past a
 * secret that crosses it); the rest stays for the next window. */
static lm_status emit_window(lm_stream *s) {
  lm_masker *m = s->m;
  size_t emit;
  s->in_long_line = 1;
  if (lm_window(m, s->pending.data, s->pending.len, s->overlap, 0, &s->track, &emit))
    return LM_ERR_NOMEM;
  s->long_changed |= m->out.len != emit || memcmp(m->out.data, s->pending.data, emit) != 0;
  m->totals.bytes += emit;
  if (lm_buf_append(&s->out, m->out.data, m->out.len))
    return LM_ERR_NOMEM;
  memmove(s->pending.data, s->pending.data + emit, s->pending.len - emit);
  s->pending.len -= emit;
  return flush_out(s);
}

/* The last piece of a line read in windows. */
static lm_status end_long_line(lm_stream *s, int newline) {
  lm_masker *m = s->m;
  size_t emit;
  int failed = lm_window(m, s->pending.data ? s->pending.data : "", s->pending.len,
                         s->overlap, 1, &s->track, &emit) != 0;
  s->long_changed |= m->out.len != emit ||
                     (emit && memcmp(m->out.data, s->pending.data, emit) != 0);
  m->totals.lines++;
  m->totals.long_lines++;
  m->totals.bytes += s->pending.len + (newline ? 1 : 0);
  lm_status st = LM_OK;
  if (m->set->any_drop) {
    /* part of the line could not be held back: it goes whole */
    m->totals.lines_dropped++;
    m->totals.lines_masked++;
    m->rstats[lm_label(m->set, LM_LBL_LONG_LINE)].matches++;
  } else {
    if (s->long_changed)
      m->totals.lines_masked++;
    if (failed || lm_buf_append(&s->out, m->out.data, m->out.len) ||
        (newline && lm_buf_putc(&s->out, '\n')))
      st = LM_ERR_NOMEM;
  }
  lm_buf_clear(&s->pending);
  s->in_long_line = 0;
  s->long_changed = 0;
  memset(&s->track, 0, sizeof s->track);
  return st;
}

static lm_status append_pending(lm_stream *s, const char *p, size_t n) {
  while (n) {
    /* A window goes only once a byte past max_line arrives: a line of
     * exactly max_line bytes is a normal line however it was chunked. */
    if (s->pending.len == s->max_line) {
      lm_status st = emit_window(s);
      if (st)
        return st;
    }
    size_t room = s->max_line - s->pending.len;
    size_t take = n < room ? n : room;
    if (lm_buf_append(&s->pending, p, take))
      return LM_ERR_NOMEM;
    p += take;
    n -= take;
  }
  return LM_OK;
}

/* Plain text in: lines masked and batched. */
static lm_status feed_text(lm_stream *s, const char *buf, size_t len) {
  const char *p = buf, *end = buf + len;
  lm_status st = LM_OK;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      st = append_pending(s, p, (size_t)(end - p));
      break;
    }
    if (s->pending.len || s->in_long_line || (size_t)(nl - p) > s->max_line) {
      if ((st = append_pending(s, p, (size_t)(nl - p))))
        break;
      if (s->in_long_line) {
        st = end_long_line(s, 1);
      } else {
        st = emit_line(s, s->pending.data ? s->pending.data : "", s->pending.len, 1);
        lm_buf_clear(&s->pending);
      }
    } else {
      /* the common case: a whole line inside the chunk, no copy */
      st = emit_line(s, p, (size_t)(nl - p), 1);
    }
    if (st)
      break;
    p = nl + 1;
    if (s->line_buffered || s->out.len >= OUT_BATCH)
      if ((st = flush_out(s)))
        break;
  }
  if (st == LM_OK && s->line_buffered)
    st = flush_out_gz(s, LM_GZ_SYNC);
  return st;
}

static lm_status sink_text(void *ctx, const char *buf, size_t len) {
  return feed_text(ctx, buf, len);
}

/* Bytes as they came: inflated first when the input is gzip. */
static lm_status feed_raw(lm_stream *s, const char *buf, size_t len) {
  if (s->gz_state != GZ_INFLATE)
    return feed_text(s, buf, len);
  char msg[200];
  lm_status st = lm_gzin_feed(s->gzin, buf, len, sink_text, s, msg, sizeof msg);
  if (st == LM_ERR_FORMAT) {
    s->format_failed = 1;
    stream_error(s, st, msg);
    /* every line decoded in full is written before the error is told */
    lm_status fst = flush_out_gz(s, LM_GZ_SYNC);
    return fst == LM_ERR_WRITE ? fst : st;
  }
  if (st == LM_ERR_NOMEM)
    stream_error(s, st, "gzip input: out of memory");
  return st;
}

/* Decides, from the first two bytes, whether the input is gzip. */
static lm_status decide(lm_stream *s, int b1) {
  int gzip = s->magic0 == 0x1f && b1 == 0x8b;
  s->gz_state = gzip ? GZ_INFLATE : GZ_PLAIN;
  if (gzip && !(s->gzin = lm_gzin_new()))
    return stream_error(s, LM_ERR_NOMEM, "gzip input: out of memory");
  s->have_magic0 = 0;
  char c = (char)s->magic0;
  return feed_raw(s, &c, 1);
}

lm_status lm_stream_feed(lm_stream *s, const char *buf, size_t len) {
  if (!s || (!buf && len))
    return LM_ERR_ARG;
  if (s->finished)
    return LM_ERR_STATE;
  if (s->failed)
    return LM_ERR_WRITE;
  if (s->format_failed)
    return LM_ERR_FORMAT;
  s->fed = 1;
  if (len && s->gz_state == GZ_UNDECIDED) {
    if (s->gzip_in == LM_GZIP_OFF) {
      s->gz_state = GZ_PLAIN;
    } else {
      if (!s->have_magic0) {
        s->magic0 = (unsigned char)buf[0];
        s->have_magic0 = 1;
        buf++;
        len--;
        if (!len)
          return LM_OK;
      }
      lm_status st = decide(s, (unsigned char)buf[0]);
      if (st)
        return st;
    }
  }
  return feed_raw(s, buf, len);
}

lm_status lm_stream_flush(lm_stream *s) {
  if (!s)
    return LM_ERR_ARG;
  return flush_out_gz(s, LM_GZ_SYNC);
}

lm_status lm_stream_finish(lm_stream *s) {
  if (!s)
    return LM_ERR_ARG;
  if (s->finished)
    return LM_ERR_STATE;
  s->finished = 1;
  lm_status st = LM_OK;
  if (s->have_magic0) /* one byte of input in all: text */
    st = decide(s, -1);
  if (st == LM_OK && s->gz_state == GZ_INFLATE && !s->format_failed) {
    char msg[200];
    if ((st = lm_gzin_finish(s->gzin, msg, sizeof msg)) != LM_OK) {
      s->format_failed = 1;
      stream_error(s, st, msg);
    }
  }
  if (s->format_failed) {
    /* the last line was cut by the damage: never write a partial secret */
    if (s->pending.data)
      explicit_bzero(s->pending.data, s->pending.cap);
    lm_buf_clear(&s->pending);
    s->in_long_line = 0;
    lm_status fst = flush_out_gz(s, LM_GZ_FINISH);
    return fst == LM_ERR_WRITE ? fst : LM_ERR_FORMAT;
  }
  if (st == LM_OK && s->in_long_line) {
    st = end_long_line(s, s->end_last_line);
    if (s->end_last_line)
      s->m->totals.bytes--;
  } else if (st == LM_OK && s->pending.len) {
    st = emit_line(s, s->pending.data, s->pending.len, s->end_last_line);
    /* a line without its '\n' still counts its bytes, not the missing one */
    s->m->totals.bytes--;
    lm_buf_clear(&s->pending);
  }
  lm_status fst = flush_out_gz(s, LM_GZ_FINISH);
  return st ? st : fst;
}
