/* tail.h - follows one log file like `tail -F`: across rotation by rename
 * (a new file appears at the path: the old one is read to its end first)
 * and by copytruncate (the file shrinks: reading restarts at 0), resuming
 * from a saved offset after a restart when the file is the same inode.
 * Also reads standard input for the log "-". */
#ifndef MONITOR_TAIL_H
#define MONITOR_TAIL_H

#include "conf.h"

#include <stddef.h>
#include <sys/types.h>

/* Longest line kept whole; a longer one is handed over in pieces. */
#define TAIL_MAX_LINE (1u << 20)

typedef struct tail_offset {
  char *path;
  unsigned long long dev, ino, offset;
  unsigned long line;
} tail_offset;

typedef struct tailer {
  const log_cfg *cfg;
  int fd;                 /* -1 while the file does not exist */
  int is_stdin, at_eof;   /* stdin: ended */
  dev_t dev;
  ino_t ino;
  off_t offset;           /* end of the last complete line handed over */
  unsigned long line;     /* lines handed over */
  char *partial;          /* bytes after the last newline */
  size_t partial_len;
  const tail_offset *resume; /* saved position to use at the first open */
  int started;
} tailer;

/* Called for each complete line (no '\n'); t->line is its number.  A
 * non-zero return stops tail_poll, which returns it. */
typedef int (*tail_line_fn)(void *ctx, tailer *t, const char *line, size_t len);

void tail_init(tailer *t, const log_cfg *cfg, const tail_offset *resume);
/* Reads everything new; handles rotation.  Returns 1 when the position
 * changed, 0 when nothing happened, -1 on a read error (reported). */
int tail_poll(tailer *t, tail_line_fn fn, void *ctx);
void tail_close(tailer *t);

/* Saved positions: STATE_DIR/offsets, JSON lines. */
int tail_offsets_load(const char *path, tail_offset **out, size_t *n, char **err);
int tail_offsets_save(const char *path, const tailer *tails, size_t n, char **err);
void tail_offsets_free(tail_offset *v, size_t n);
const tail_offset *tail_offsets_find(const tail_offset *v, size_t n, const char *path);

#endif
