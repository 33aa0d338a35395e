/* SPDX-License-Identifier: Apache-2.0 */
/* Is the helper alone in writing its replies?  mmexternal makes the
 * helper's stdout and stderr one pipe and reads one reply line per
 * message; any other process that can write to that pipe (a wrapper
 * script that did not exec the helper, a child left behind) can put a
 * stray line there and shift every later reply onto the wrong message. */
#ifndef LMR_PIPECHECK_H
#define LMR_PIPECHECK_H
#include <sys/types.h>

/* Looks through /proc for another process holding a write end of the pipe
 * on fd.  Returns 1 (*who set) when there is one, 0 when there is none or
 * fd is not a pipe.  Processes whose /proc entries cannot be read (other
 * users') are not seen. */
int lmr_pipe_other_writer(int fd, pid_t *who);
#endif
