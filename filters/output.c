/* SPDX-License-Identifier: Apache-2.0 */
/* Full writes to standard output or -o FILE; see output.h. */
#include <config.h>

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int output_write(void *ctx, const char *buf, size_t len)
{
  struct output *out = ctx;
  if (out->error != 0) {
    errno = out->error;
    return -1;
  }
  while (len > 0) {
    ssize_t n = write(out->fd, buf, len);
    if (n < 0) {
      /* A stop request interrupts a blocked write; the lines already read
       * must still go out, so keep writing. */
      if (errno == EINTR)
        continue;
      out->error = errno;
      return -1;
    }
    if (n == 0) {
      /* No progress and no error: give up rather than spin. */
      out->error = EIO;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int open_append(const char *path)
{
  int fd;
  do
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
  while (fd < 0 && errno == EINTR);
  return fd;
}

int output_open(struct output *out, const char *path)
{
  int fd = open_append(path);
  if (fd < 0) {
    fprintf(stderr, "logmask: %s: %s\n", path, strerror(errno));
    return -1;
  }
  out->fd = fd;
  out->path = path;
  return 0;
}

void output_reopen(struct output *out)
{
  if (!out->path || out->error != 0)
    return;
  if (out->keep_open) {
    fprintf(stderr, "logmask: %s: not reopened on SIGHUP: gzip output cannot start a "
                    "new file mid-stream\n", out->path);
    return;
  }
  int fd = open_append(out->path);
  if (fd < 0) {
    fprintf(stderr, "logmask: %s: cannot reopen on SIGHUP (%s); writing on to the old file\n",
            out->path, strerror(errno));
    return;
  }
  /* Late write errors (NFS, quotas) show at close: they concern lines the
   * old file should hold. */
  if (close(out->fd) != 0 && errno != EINTR)
    out->error = errno;
  out->fd = fd;
}
