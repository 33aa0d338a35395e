/* SPDX-License-Identifier: Apache-2.0 */
/* Signal handling of logmask: see signals.h for the policy. */
#include <config.h>

#include "signals.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t hangup;

static void on_hangup(int signo)
{
  (void)signo;
  hangup = 1;
}

static void on_stop(int signo)
{
  if (stop_signal != 0) {
    /* Second request: the flush is stuck; stop the way the user expects.
     * signal() and raise() are async-signal-safe. */
    signal(signo, SIG_DFL);
    raise(signo);
    return;
  }
  stop_signal = signo;
}

int signals_install(void)
{
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; /* no SA_RESTART: a blocked read must return EINTR */
  if (sigaction(SIGTERM, &action, NULL) < 0)
    return -1;
  /* A shell starts background jobs with SIGINT ignored; keep it so. */
  struct sigaction old_int;
  if (sigaction(SIGINT, NULL, &old_int) < 0)
    return -1;
  if (old_int.sa_handler != SIG_IGN && sigaction(SIGINT, &action, NULL) < 0)
    return -1;
  /* SIGHUP (log rotation) flushes and goes on; ignored when the filter was
   * started with it ignored (nohup). */
  struct sigaction old_hup;
  if (sigaction(SIGHUP, NULL, &old_hup) < 0)
    return -1;
  action.sa_handler = on_hangup;
  if (old_hup.sa_handler != SIG_IGN && sigaction(SIGHUP, &action, NULL) < 0)
    return -1;
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGHUP);
  if (sigprocmask(SIG_UNBLOCK, &stops, NULL) < 0)
    return -1;

  struct sigaction ignore;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  return sigaction(SIGPIPE, &ignore, NULL);
}

int signals_stop_requested(void)
{
  return stop_signal;
}

int signals_take_hangup(void)
{
  if (!hangup)
    return 0;
  hangup = 0;
  return 1;
}

int signals_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
  sigset_t stops, before;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &stops, &before) < 0) {
    int ready = poll(fds, nfds, timeout_ms);
    return ready < 0 ? 0 : ready;
  }
  int rc = -1;
  if (stop_signal == 0 && signals_take_hangup()) {
    rc = SIGNALS_HANGUP;
  } else if (stop_signal == 0) {
    /* ppoll unblocks the signals only while it waits, so a request
     * arriving after the checks above still wakes it. */
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    rc = ppoll(fds, nfds, timeout_ms < 0 ? NULL : &ts, &before);
    if (rc < 0 && errno == EINTR) {
      rc = stop_signal != 0 ? -1 : signals_take_hangup() ? SIGNALS_HANGUP : 0;
    } else if (rc < 0) {
      /* cannot wait: call every fd ready and let the reads report */
      for (nfds_t i = 0; i < nfds; i++)
        fds[i].revents = fds[i].events;
      rc = (int)nfds;
    }
  }
  sigprocmask(SIG_SETMASK, &before, NULL);
  return rc;
}
