/* Full writes to standard output; see output.h. */
#include <config.h>

#include "output.h"

#include <errno.h>
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
