/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "linein.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LMR_FIRST_CAP = 64 * 1024 };

int lmr_linein_init(lmr_linein *r, int fd, size_t max_line) {
  memset(r, 0, sizeof *r);
  r->fd = fd;
  r->max_line = max_line;
  /* room for max_line bytes and the '\n' that ends them */
  r->cap = max_line + 1 < LMR_FIRST_CAP ? max_line + 1 : LMR_FIRST_CAP;
  r->buf = malloc(r->cap);
  return r->buf ? 0 : -1;
}

void lmr_linein_free(lmr_linein *r) {
  if (r->buf)
    explicit_bzero(r->buf, r->cap);
  free(r->buf);
  r->buf = NULL;
}

/* Makes room after `end`: first by moving unread bytes to the front, then
 * by doubling (allocate, copy, wipe, free), never beyond max_line + 1. */
static int make_room(lmr_linein *r) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
    if (r->end < r->cap)
      return 0;
  }
  size_t limit = r->max_line + 1;
  size_t cap = r->cap > limit / 2 ? limit : r->cap * 2;
  if (cap <= r->cap) {
    errno = ENOBUFS; /* cannot happen: the caller skips full lines first */
    return -1;
  }
  /* never realloc: the old block held message bytes and is wiped first */
  char *grown = malloc(cap);
  if (!grown)
    return -1;
  memcpy(grown, r->buf, r->end);
  explicit_bzero(r->buf, r->cap);
  free(r->buf);
  r->buf = grown;
  r->cap = cap;
  return 0;
}

int lmr_linein_next(lmr_linein *r, const char **line, size_t *len, int *overlong) {
  for (;;) {
    char *from = r->buf + r->start + r->scanned;
    char *nl = memchr(from, '\n', r->end - r->start - r->scanned);
    if (nl) {
      size_t n = (size_t)(nl - (r->buf + r->start));
      *line = r->buf + r->start;
      r->start += n + 1;
      r->scanned = 0;
      *overlong = r->skipping || n > r->max_line;
      *len = *overlong ? 0 : n;
      r->skipping = 0;
      return 1;
    }
    r->scanned = r->end - r->start;
    if (r->skipping || r->scanned > r->max_line) {
      /* drop what we hold of an overlong line; its end comes later */
      r->skipping = 1;
      r->start = r->end = r->scanned = 0;
    }
    if (r->eof) {
      if (r->end == r->start && !r->skipping)
        return 0;
      *line = r->buf + r->start;
      *overlong = r->skipping;
      *len = r->skipping ? 0 : r->end - r->start;
      r->start = r->end = r->scanned = 0;
      r->skipping = 0;
      return 1;
    }
    if (r->end == r->cap && make_room(r) != 0)
      return -1;
    ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (got == 0)
      r->eof = 1;
    else
      r->end += (size_t)got;
  }
}
