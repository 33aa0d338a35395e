/* SPDX-License-Identifier: Apache-2.0 */
/* Finding the secrets of one input for `logmask scan`: spans from
 * lm_masker_find (the filter's engine and formats), fingerprints from the
 * rule set, lines read in bounded windows. */
#ifndef LOGMASK_SCAN_FILE_H
#define LOGMASK_SCAN_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "logmask.h"
#include "scan_findings.h"
#include "scan_options.h"

/* Called now and then while reading (for the progress line). */
typedef void (*scan_tick_fn)(void *ctx, const char *path);

struct scanner {
  const lm_ruleset *set;
  lm_masker *code;        /* LM_INPUT_CODE: source and configuration */
  lm_masker *log;         /* LM_INPUT_LOG: exactly as the filter masks */
  lm_masker *finder;      /* the one in use for the current input */
  enum scan_input input;
  int keyed;              /* fingerprints are HMAC-SHA256 (else SHA-256) */
  size_t max_line, overlap;
  lm_finding *found;
  size_t found_cap;
  struct scan_findings *out;
  scan_tick_fn tick;
  void *tick_ctx;
  /* The input being read. */
  const char *path;       /* exact bytes, as reported */
  char *shown;            /* path_escape(path), for messages */
  const char *commit, *date;
  size_t reported_end;    /* the current line's findings end here (windows) */
  /* Counters, for the summary. */
  size_t binary;          /* files skipped as binary (or gzip) */
  size_t lines;           /* lines read */
  size_t long_lines;      /* lines over max_line, read in windows */
  size_t errors;          /* inputs that failed while being read */
};

/* Prepares a scanner over a compiled set for the options' format, input
 * kind and line limit; the set's hash key, if it has one, keys the
 * fingerprints.  Returns 0, or -1 after reporting. */
int scanner_init(struct scanner *sc, const lm_ruleset *set, const struct scan_options *opts,
                 struct scan_findings *out);
void scanner_free(struct scanner *sc);

/* "hmac-sha256" or "sha256": how fingerprints are made. */
const char *scanner_fingerprint_kind(const struct scanner *sc);

/* Starts an input: `path` (exact bytes; borrowed until scanner_end) names
 * its findings; commit and date (borrowed, may be NULL) are those of
 * history.  Multi-line state is reset.  `log_hint`: the input is a log
 * (used by --input=auto).  Returns 0, or -1 when out of memory. */
int scanner_begin(struct scanner *sc, const char *path, const char *commit, const char *date,
                  int log_hint);
void scanner_end(struct scanner *sc);

/* One piece of a line: `len` bytes that start `offset` bytes into line
 * `lineno`; `fresh` bytes at the start were in the previous piece (the
 * window overlap); `last` says whether the line ends here.  Returns 0, or
 * -1 when out of memory (reported). */
int scanner_piece(struct scanner *sc, unsigned long lineno, const char *data, size_t len,
                  size_t offset, size_t chars_before, int last);

/* Reads lines from `fd` in windows of at most max_line bytes (memory stays
 * bounded by it) and hands each piece to `piece`; `binary_check` makes a
 * NUL or gzip magic in the first 8 KiB skip the input (returns 1).
 * Returns 0, 1 for a binary input, or -1 after reporting a read error
 * (or what `piece` reported). */
typedef int (*scan_piece_fn)(void *ctx, unsigned long lineno, const char *data, size_t len,
                             size_t offset, size_t chars_before, size_t fresh, int last);
int scan_read_lines(int fd, size_t max_line, size_t overlap, int binary_check,
                    scan_piece_fn piece, void *ctx, const char *shown);

/* Scans one file (`open_path` opened from the current directory,
 * `report_path` its exact name in reports); a walk visitor.  Returns 0, or
 * -1 after reporting (counted in sc->errors by the caller). */
int scanner_file(void *ctx, const char *open_path, const char *report_path);
/* Scans standard input under the name `name`.  0, or -1 after reporting. */
int scanner_stdin(struct scanner *sc, const char *name);

#endif
