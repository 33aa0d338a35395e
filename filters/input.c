/* SPDX-License-Identifier: Apache-2.0 */
/* Reading one input and pushing it through a stream; see input.h. */
#include <config.h>

#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parallel.h"
#include "output.h"
#include "signals.h"

/* Lines held back in the output batch are written once the first of them
 * has waited this long: a live stream (tail -f) keeps its latency, a fast
 * one still fills whole batches first.  The parallel path waits as long
 * before it hands a partial job over (parallel.c). */
#define FLUSH_AFTER_MS 20

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *display_name(const char *name)
{
  return strcmp(name, "-") == 0 ? "(standard input)" : name;
}

static int has_message(const lm_error *err)
{
  return err && err->message && *err->message;
}

/* The stream's detail (a corrupt gzip stream's byte offset), else the
 * masker's, else the status text. */
static void report_stream_error(const struct input_config *cfg, const lm_stream *stream,
                                const char *name, lm_status status)
{
  const lm_error *err = stream ? lm_stream_error(stream) : NULL;
  if (!has_message(err))
    err = lm_masker_error(cfg->masker);
  const char *detail = has_message(err) && err->status == status ? err->message
                                                                 : lm_strerror(status);
  fprintf(stderr, "logmask: %s: %s\n", display_name(name), detail);
}

/* Maps a failed feed/finish onto a result, reporting input trouble. */
static enum input_result stream_failure(const struct input_config *cfg,
                                        const lm_stream *stream, const char *name,
                                        lm_status status)
{
  if (status == LM_ERR_WRITE || cfg->out->error != 0)
    return INPUT_BAD_OUTPUT;
  report_stream_error(cfg, stream, name, status);
  return INPUT_BAD_INPUT;
}

static lm_stream *open_stream(const struct input_config *cfg, const char *name)
{
  lm_stream *stream = lm_stream_new(cfg->masker, output_write, cfg->out);
  if (!stream) {
    fprintf(stderr, "logmask: %s: out of memory\n", display_name(name));
    return NULL;
  }
  lm_stream_set_line_buffered(stream, cfg->line_buffered);
  lm_stream_set_end_last_line(stream, cfg->end_last_line);
  lm_status status = LM_OK;
  if (cfg->max_line != 0)
    status = lm_stream_set_limits(stream, cfg->max_line, cfg->overlap);
  /* gzip input is recognised by its magic bytes, whatever the name. */
  if (status == LM_OK)
    status = lm_stream_set_gzip(stream, LM_GZIP_AUTO, cfg->gzip_level);
  if (status != LM_OK) {
    report_stream_error(cfg, stream, name, status);
    lm_stream_free(stream);
    return NULL;
  }
  return stream;
}

/* Feeds the whole of fd; the stream is finished by the caller unless
 * *refused says the stream itself failed. */
static enum input_result pump(const struct input_config *cfg, const char *name,
                              int fd, lm_stream *stream, int *refused)
{
  *refused = 0;
  long long flush_at = -1; /* when lines fed since the last flush are due */
  for (;;) {
    int timeout = -1;
    if (flush_at >= 0) {
      long long left = flush_at - now_ms();
      if (left <= 0) {
        flush_at = -1;
        lm_status status = lm_stream_flush(stream);
        if (status != LM_OK) {
          *refused = 1;
          return stream_failure(cfg, stream, name, status);
        }
        continue;
      }
      timeout = (int)left;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int ready = signals_poll(&pfd, 1, timeout);
    if (ready == SIGNALS_HANGUP) {
      /* every complete line read so far goes to the old file first */
      flush_at = -1;
      lm_status status = lm_stream_flush(stream);
      if (status != LM_OK) {
        *refused = 1;
        return stream_failure(cfg, stream, name, status);
      }
      output_reopen(cfg->out);
      continue;
    }
    if (ready < 0)
      return INPUT_STOPPED;
    if (ready == 0)
      continue;
    ssize_t n = read(fd, cfg->buffer, cfg->chunk_size);
    if (n == 0)
      return INPUT_DONE;
    if (n < 0) {
      if (errno == EINTR)
        continue; /* the loop head sees a stop request */
      fprintf(stderr, "logmask: %s: read error: %s\n", display_name(name),
              strerror(errno));
      return INPUT_BAD_INPUT;
    }
    lm_status status = lm_stream_feed(stream, cfg->buffer, (size_t)n);
    /* gzip output: a flush costs compression and ties the bytes to timing,
     * so only an idle input (no read for the whole wait) flushes it */
    if (!cfg->line_buffered && (flush_at < 0 || cfg->gzip_level >= 0))
      flush_at = now_ms() + FLUSH_AFTER_MS;
    if (status != LM_OK) {
      *refused = 1;
      return stream_failure(cfg, stream, name, status);
    }
  }
}

enum input_result input_mask(const struct input_config *cfg, const char *name)
{
  int fd = STDIN_FILENO;
  if (strcmp(name, "-") != 0) {
    do
      fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR && !signals_stop_requested());
    if (fd < 0) {
      if (errno == EINTR)
        return INPUT_STOPPED;
      fprintf(stderr, "logmask: %s: %s\n", name, strerror(errno));
      return INPUT_BAD_INPUT;
    }
  }

  /* Threads only pay off in batches: a line-buffered or gzip output run
   * stays on the serial path, which writes each line as it comes. */
  struct parallel_rest rest = {0, 0, NULL, 0};
  if (cfg->parallel && !cfg->line_buffered && cfg->gzip_level < 0) {
    enum input_result presult = parallel_pump(cfg->parallel, cfg, display_name(name), fd, &rest);
    if (!rest.fallback || presult != INPUT_DONE) {
      if (rest.data)
        explicit_bzero(rest.data, rest.len);
      free(rest.data);
      if (fd != STDIN_FILENO)
        close(fd);
      return presult;
    }
  }

  enum input_result result = INPUT_BAD_INPUT;
  lm_stream *stream = open_stream(cfg, name);
  if (stream) {
    /* A PEM block left open by the previous input must not swallow this
     * one's lines (after a parallel start, parallel_pump primed it). */
    if (!rest.fallback)
      lm_masker_reset(cfg->masker);
    int refused = 0;
    lm_status fed = rest.len ? lm_stream_feed(stream, rest.data, rest.len) : LM_OK;
    if (fed != LM_OK) {
      refused = 1;
      result = stream_failure(cfg, stream, name, fed);
    } else {
      result = pump(cfg, name, fd, stream, &refused);
    }
    /* Even after a read error or a stop request, every line read so far
     * goes out; after a write error, or when the stream refused the input
     * (already reported), nothing more can. */
    if (!refused && result != INPUT_BAD_OUTPUT) {
      lm_status status = lm_stream_finish(stream);
      if (status != LM_OK) {
        enum input_result failure = stream_failure(cfg, stream, name, status);
        if (result == INPUT_DONE || failure == INPUT_BAD_OUTPUT)
          result = failure;
      }
    }
    lm_stream_free(stream);
  }
  if (rest.failed && result == INPUT_DONE)
    result = INPUT_BAD_INPUT;
  if (rest.data) {
    explicit_bzero(rest.data, rest.len);
    free(rest.data);
  }
  if (fd != STDIN_FILENO)
    close(fd);
  return result;
}
