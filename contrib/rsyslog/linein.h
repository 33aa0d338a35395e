/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded line reader over a file descriptor: one message per line, the
 * buffer grows as a long line needs, up to a maximum.  A longer line is
 * skipped to its end and reported as overlong, so the caller can still
 * answer it (fail closed) and stay in step with the sender. */
#ifndef LMR_LINEIN_H
#define LMR_LINEIN_H
#include <stddef.h>

typedef struct lmr_linein {
  int fd;
  char *buf;
  size_t cap, start, end;  /* unread bytes are buf[start, end) */
  size_t scanned;          /* bytes after start known to hold no '\n' */
  size_t max_line;
  int eof, skipping;       /* skipping: inside an overlong line */
} lmr_linein;

/* 0 ok, -1 out of memory. */
int lmr_linein_init(lmr_linein *r, int fd, size_t max_line);
void lmr_linein_free(lmr_linein *r);

/* Next line without its '\n'.  Returns 1 with *line and *len set (valid until
 * the next call; *overlong non-zero and *len 0 when the line was longer
 * than max_line), 0 at end of input, -1 on a read error or out of memory
 * (errno set).  A last line without '\n' is returned as a line. */
int lmr_linein_next(lmr_linein *r, const char **line, size_t *len, int *overlong);
#endif
