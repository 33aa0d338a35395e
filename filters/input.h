/* SPDX-License-Identifier: Apache-2.0 */
/* One input of logmask (a file or standard input) read in chunks and fed
 * through a fresh stream over the shared masker. */
#ifndef LOGMASK_INPUT_H
#define LOGMASK_INPUT_H

#include <stddef.h>

#include "logmask.h"
#include "output.h"

/* How every input is streamed. */
struct input_config {
  lm_masker *masker;
  struct output *out;
  char *buffer;          /* chunk_size bytes, reused for every input */
  size_t chunk_size;
  size_t max_line;       /* 0 = library default */
  size_t overlap;        /* window overlap when max_line is set */
  int line_buffered;
  int end_last_line;     /* another input follows: end this one's last line */
  int gzip_level;        /* -1: plain output; 0..9: gzip at that level */
  struct parallel *parallel; /* -j N workers, or NULL for one thread */
};

/* The window overlap for a --max-line of max_line bytes (0: the library's
 * default): its default 4 KiB, or a quarter of a small window (the overlap
 * must stay under half of it). */
static inline size_t input_overlap(size_t max_line)
{
  return max_line != 0 && 4096 >= max_line / 2 ? max_line / 4 : 4096;
}

enum input_result {
  INPUT_DONE,        /* read to the end and written */
  INPUT_BAD_INPUT,   /* could not be opened or read, or the stream refused
                        it; reported, the lines before were written */
  INPUT_BAD_OUTPUT,  /* a write failed: out->error holds errno; not reported */
  INPUT_STOPPED      /* a stop signal arrived; lines read were written */
};

/* Masks `name` ("-" is standard input) onto the output. */
enum input_result input_mask(const struct input_config *cfg, const char *name);

#endif
