/* Stop requests (SIGTERM, SIGINT) and SIGPIPE policy for logmask.
 *
 * A stop request only sets a flag; the input loop sees it before its next
 * read (or as EINTR from a blocked one), finishes the stream so every line
 * already read is written, and exits 128+signo.  A second request while
 * that flush is stuck (a reader that never drains) ends the process with
 * the signal's default action. */
#ifndef LOGMASK_SIGNALS_H
#define LOGMASK_SIGNALS_H

#include <poll.h>
#include <signal.h>

/* Installs the handlers (without SA_RESTART, so a blocked read returns
 * EINTR) and ignores SIGPIPE so a vanished reader shows up as EPIPE.
 * Returns 0, or -1 with errno set. */
int signals_install(void);

/* The signal number of the first stop request, 0 when none arrived. */
int signals_stop_requested(void);

/* Waits until `fd` is readable or a stop request arrives, without the race
 * between checking the flag and blocking.  Returns 1 when readable (or in
 * error: let read(2) report it), 0 when a stop was requested. */
int signals_wait_readable(int fd);

/* poll(2) over `fds` for at most timeout_ms (-1: no limit), woken by a stop
 * request the same race-free way.  Returns -1 when a stop was requested, 0
 * when nothing is ready (the time ran out, or another signal came), else
 * the number of fds with revents set. */
int signals_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

#endif
