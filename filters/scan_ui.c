/* SPDX-License-Identifier: Apache-2.0 */
/* Colour and progress for `logmask scan`; see scan_ui.h. */
#include <config.h>

#include "scan_ui.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_AFTER_MS 1000
#define PROGRESS_EVERY_MS 200
/* Columns of the current input's name on the progress line. */
#define PROGRESS_NAME_MAX 48

int ui_color(enum scan_color when, int fd)
{
  if (when != SCAN_COLOR_AUTO)
    return when == SCAN_COLOR_ALWAYS;
  const char *no = getenv("NO_COLOR");
  if (no && *no)
    return 0;
  const char *term = getenv("TERM");
  if (term && strcmp(term, "dumb") == 0)
    return 0;
  return isatty(fd);
}

void ui_style_init(struct ui_style *st, int on)
{
  if (!on) {
    *st = (struct ui_style){"", "", "", "", "", "", "", ""};
    return;
  }
  *st = (struct ui_style){
    .path = "\033[35m",   /* magenta, as grep and ripgrep show file names */
    .pos = "\033[32m",    /* green line and column */
    .rule = "\033[1;31m", /* bold red rule id */
    .mask = "\033[7m",    /* the mask in reverse video */
    .good = "\033[32m",
    .bad = "\033[1;31m",
    .dim = "\033[2m",
    .reset = "\033[0m",
  };
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ui_progress_init(struct ui_progress *p, int option, size_t *findings)
{
  memset(p, 0, sizeof *p);
  p->enabled = option != 0 && isatty(STDERR_FILENO);
  p->findings = findings;
  p->start_ms = now_ms();
}

void ui_progress_tick(void *ctx, const char *what)
{
  struct ui_progress *p = ctx;
  if (!p->enabled)
    return;
  long long t = now_ms();
  if (t - p->start_ms < PROGRESS_AFTER_MS || (p->shown && t - p->last_ms < PROGRESS_EVERY_MS))
    return;
  p->last_ms = t;
  p->shown = 1;
  /* The name is escaped already (path_escape); keep its tail. */
  size_t len = strlen(what);
  const char *tail = len > PROGRESS_NAME_MAX ? what + len - PROGRESS_NAME_MAX : what;
  while (((unsigned char)*tail & 0xc0) == 0x80)
    tail++;
  fprintf(stderr, "\r\033[Klogmask scan: %zu file%s, %zu finding%s, %.1f s: %s%s", p->files,
          p->files == 1 ? "" : "s", *p->findings, *p->findings == 1 ? "" : "s",
          (double)(t - p->start_ms) / 1000.0, tail == what ? "" : "...", tail);
  fflush(stderr);
}

void ui_progress_file(struct ui_progress *p)
{
  p->files++;
}

void ui_progress_end(struct ui_progress *p)
{
  if (p->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  p->shown = 0;
}
