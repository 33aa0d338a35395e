/* SPDX-License-Identifier: Apache-2.0 */
/* Stop requests (SIGTERM, SIGINT) and SIGPIPE policy for logmask.
 *
 * A stop request only sets a flag; the input loop sees it before its next
 * read (or as EINTR from a blocked one), finishes the stream so every line
 * already read is written, and exits 128+signo.  A second request while
 * that flush is stuck (a reader that never drains) ends the process with
 * the signal's default action.
 *
 * SIGHUP (logrotate's postrotate) is no stop: the input loop writes every
 * complete line read so far, reopens -o FILE, and goes on reading. */
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

/* 1 once for each SIGHUP that arrived (several in a row count once), else 0. */
int signals_take_hangup(void);

/* What signals_poll returns after a SIGHUP (taken: flush, reopen, wait
 * again). */
#define SIGNALS_HANGUP (-2)
/* poll(2) over `fds` for at most timeout_ms (-1: no limit), woken by a stop
 * request or a SIGHUP without the race between checking the flags and
 * blocking.  Returns -1 when a stop was requested, SIGNALS_HANGUP after a
 * SIGHUP, 0 when nothing is ready (the time ran out, or another signal
 * came), else the number of fds with revents set. */
int signals_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

#endif
