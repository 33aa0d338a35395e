/* Standard output for logmask: the lm_write_fn the streams write through. */
#ifndef LOGMASK_OUTPUT_H
#define LOGMASK_OUTPUT_H

#include <stddef.h>

struct output {
  int fd;
  int error; /* errno of the first failed write; 0 while all went out */
};

/* lm_write_fn: writes all of buf to out->fd, retrying after EINTR and
 * short writes.  After a failure every later call fails at once, so no
 * line is silently skipped and the first cause is the one reported. */
int output_write(void *ctx, const char *buf, size_t len);

#endif
