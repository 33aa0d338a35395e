/* SPDX-License-Identifier: Apache-2.0 */
/* tail.h - follows one log file like `tail -F`: across rotation by rename
 * (a new file appears at the path: the old one is read to its end first)
 * and by copytruncate, resuming from a saved offset after a restart.
 * Also reads standard input for the log "-".
 *
 * A file is known by its inode and by a keyed fingerprint of its first
 * bytes (up to TAIL_HEAD_MAX).  When those bytes change the file was
 * truncated and written again (copytruncate, even when it regrew past the
 * old offset): reading restarts at 0.  Whenever the file at the path is
 * not the one last read (rotated while the monitor was stopped, or copied
 * and truncated), the unread end of the old one is looked for among the
 * files of the log's directory, by inode or by that fingerprint, and read
 * first; when it cannot be found, t->notice says so. */
#ifndef MONITOR_TAIL_H
#define MONITOR_TAIL_H

#include "conf.h"
#include "keys.h"

#include <stddef.h>
#include <sys/types.h>

/* Longest line kept whole; a longer one is handed over in windows of this
 * size that overlap by TAIL_OVERLAP bytes (as the library's streams do),
 * so a secret across a window edge is still whole in one of them. */
#define TAIL_MAX_LINE (1u << 20)
#define TAIL_OVERLAP (4u << 10)
/* Bytes read from one log in one tail_poll: a log written faster than it
 * is read does not starve the others, signals and inotify (t->more says
 * there is more now). */
#define TAIL_POLL_BUDGET (16u << 20)
/* Bytes of a log's beginning that identify it. */
#define TAIL_HEAD_MAX 4096

typedef struct tail_offset {
  char *path;
  unsigned long long dev, ino, offset;
  unsigned long line;
  size_t head_len;
  char head[MAC_HEX_LEN + 1];
} tail_offset;

typedef struct tailer {
  const log_cfg *cfg;
  const unsigned char *head_key; /* keys.h head key; NULL: sizes only */
  int fd;                 /* -1 while the file does not exist */
  int is_stdin, at_eof;   /* stdin: ended */
  dev_t dev;
  ino_t ino;
  off_t offset;           /* end of the last complete line handed over */
  off_t read_pos;         /* file position of the next read */
  unsigned long line;     /* lines handed over */
  size_t head_len;        /* bytes the head fingerprint covers */
  char head[MAC_HEX_LEN + 1];
  char *partial;          /* bytes after the last newline */
  size_t partial_len, partial_cap;
  int long_line;          /* windows of the current line were handed over */
  size_t handed;          /* bytes at the start of partial already handed
                             over (the overlap of the last window) */
  const char *reading;    /* the file lines come from now (a rotated one
                             during recovery), for reports */
  char *notice;           /* a gap that could not be read, for an alert
                             (malloc'd; the caller takes and frees it) */
  const tail_offset *resume; /* saved position to use at the first open */
  int started;
  int more;               /* the last poll stopped at TAIL_POLL_BUDGET */
  dev_t refused_dev;      /* a file at the path that is not a regular file */
  ino_t refused_ino;      /* (said once) */
  int failing;            /* the log could not be opened or read (said once,
                             until a poll reads it again) */
} tailer;

/* How much of a line a call hands over. */
typedef enum tail_piece {
  TAIL_WHOLE,             /* a whole line */
  TAIL_FIRST,             /* the first window of a long line */
  TAIL_MIDDLE,            /* a further window */
  TAIL_LAST               /* the rest, to the line end */
} tail_piece;

/* Called for each line (no '\n') or window of a long one; t->line is its
 * number (the same for every window of a line) and t->reading the file.
 * `fresh`: where the bytes not handed over before start (after the
 * overlap of the previous window; 0 for TAIL_WHOLE and TAIL_FIRST).  A
 * non-zero return stops tail_poll, which returns it. */
typedef int (*tail_line_fn)(void *ctx, tailer *t, const char *line, size_t len,
                            tail_piece piece, size_t fresh);

void tail_init(tailer *t, const log_cfg *cfg, const tail_offset *resume,
               const unsigned char *head_key);
/* Reads everything new; handles rotation.  Returns 1 when the position
 * changed, 0 when nothing happened, -1 on an error: a log that exists but
 * cannot be opened or read leaves t->notice (once until it is read again). */
int tail_poll(tailer *t, tail_line_fn fn, void *ctx);
void tail_close(tailer *t);

/* Saved positions: STATE_DIR/offsets, JSON lines, sealed (seal.h).
 * tail_offsets_load returns 1 (and nothing) when the file does not
 * verify. */
int tail_offsets_load(const char *path, const unsigned char state_key[MAC_LEN],
                      tail_offset **out, size_t *n, char **err);
int tail_offsets_save(const char *path, const unsigned char state_key[MAC_LEN],
                      const tailer *const *tails, size_t n, char **err);
void tail_offsets_free(tail_offset *v, size_t n);
const tail_offset *tail_offsets_find(const tail_offset *v, size_t n, const char *path);

#endif
