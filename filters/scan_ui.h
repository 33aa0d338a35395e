/* SPDX-License-Identifier: Apache-2.0 */
/* What `logmask scan` shows people: colour (--color, NO_COLOR), the
 * progress line on a terminal, the summary line. */
#ifndef LOGMASK_SCAN_UI_H
#define LOGMASK_SCAN_UI_H

#include <stddef.h>
#include <stdio.h>

#include "scan_options.h"

/* Whether to colour what goes to `fd`: always/never as asked; auto means a
 * terminal, unless NO_COLOR is set and not empty (https://no-color.org). */
int ui_color(enum scan_color when, int fd);

/* SGR sequences, or "" when colour is off. */
struct ui_style {
  const char *path, *pos, *rule, *mask, *good, *bad, *dim, *reset;
};
void ui_style_init(struct ui_style *st, int on);

/* The progress line: shown on stderr (a terminal) once a scan has run
 * for PROGRESS_AFTER_MS, redrawn at most every PROGRESS_EVERY_MS, erased
 * by ui_progress_end. */
struct ui_progress {
  int enabled;
  int shown;
  long long start_ms, last_ms;
  size_t files;
  size_t *findings;          /* a counter owned by the caller */
};
void ui_progress_init(struct ui_progress *p, int option, size_t *findings);
/* A scan_tick_fn: ctx is the ui_progress; `what` the current input. */
void ui_progress_tick(void *ctx, const char *what);
void ui_progress_file(struct ui_progress *p);
void ui_progress_end(struct ui_progress *p);

#endif
