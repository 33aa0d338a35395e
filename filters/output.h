/* SPDX-License-Identifier: Apache-2.0 */
/* Standard output for logmask: the lm_write_fn the streams write through. */
#ifndef LOGMASK_OUTPUT_H
#define LOGMASK_OUTPUT_H

#include <stddef.h>

struct output {
  int fd;
  int error;        /* errno of the first failed write; 0 while all went out */
  const char *path; /* -o FILE, reopened by output_reopen; NULL for a
                       descriptor the caller gave */
  int keep_open;    /* gzip output: a new file could not start mid-stream */
};

/* lm_write_fn: writes all of buf to out->fd, retrying after EINTR and
 * short writes.  After a failure every later call fails at once, so no
 * line is silently skipped and the first cause is the one reported. */
int output_write(void *ctx, const char *buf, size_t len);

/* Opens `path` for appending (created mode 0666 less the umask, like a
 * shell's >>) as out->fd.  0, or -1 after reporting on stderr. */
int output_open(struct output *out, const char *path);

/* After SIGHUP, once every complete line is written: reopens out->path
 * (logrotate has renamed it) so later lines go to a new file.  When the
 * file cannot be opened, or out->keep_open is set, the old descriptor is
 * kept and the reason reported: lines go on to the old file rather than
 * being lost.  No-op without a path. */
void output_reopen(struct output *out);

#endif
