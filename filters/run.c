/* SPDX-License-Identifier: Apache-2.0 */
/* logmask run: the program's standard output and standard error are pipes
 * to us, each read by its own masker and stream, so a partial line or an
 * open PEM block on one never mixes with the other, and nothing the program
 * writes there can reach the terminal or a file unmasked.
 *
 * Signals: INT, TERM, HUP, QUIT and CHLD are blocked except while ppoll
 * waits, so every one is seen by the loop without races.  The first four
 * are passed on to the program; HUP also writes every complete line and
 * reopens -o FILE.  The run ends when both pipes reached end of file and
 * the program was reaped: every line it wrote is masked and written. */
#include <config.h>

#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcodes.h"
#include "input.h"
#include "logmask.h"
#include "options.h"
#include "output.h"
#include "report.h"
#include "rules.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NFORWARDED (sizeof forwarded / sizeof *forwarded)

static volatile sig_atomic_t to_forward[NFORWARDED];
static volatile sig_atomic_t hangup;
static volatile sig_atomic_t child_changed;

static void on_signal(int signo, siginfo_t *info, void *uctx)
{
  (void)uctx;
  if (signo == SIGCHLD) {
    child_changed = 1;
    return;
  }
  if (signo == SIGHUP)
    hangup = 1;
  /* The terminal sends INT/QUIT (and HUP) to the whole foreground process
   * group, the program included: passing it on would deliver it twice. */
  if (info && info->si_code == SI_KERNEL)
    return;
  for (size_t i = 0; i < NFORWARDED; i++)
    if (forwarded[i] == signo)
      to_forward[i] = 1;
}

/* One of the program's output streams. */
struct channel {
  const char *name; /* "standard output", "standard error" */
  int fd;           /* read end of its pipe; -1 once at end or closed */
  lm_masker *masker;
  lm_stream *stream;
  struct output *out;
};

struct run {
  pid_t pid;
  int reaped;
  int wait_status;
  int failed;        /* logmask could not do its job (not the program) */
  struct channel ch[2];
  struct output outs[2]; /* standard output, standard error; -o uses outs[0] */
};

static void report_channel(const struct channel *c, const char *what)
{
  fprintf(stderr, "logmask run: %s of the program: %s\n", c->name, what);
}

/* Stops reading a channel: the program then gets EPIPE (or SIGPIPE) on its
 * next write there, as it would writing to a closed pipe itself. */
static void close_channel(struct channel *c)
{
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* After a failed feed, flush or finish: a write error closes the channel
 * quietly when the reader left (EPIPE); anything else is reported. */
static void channel_failed(struct run *r, struct channel *c, lm_status status)
{
  if (status == LM_ERR_WRITE || c->out->error != 0) {
    if (c->out->error != EPIPE) {
      report_channel(c, strerror(c->out->error ? c->out->error : EIO));
      r->failed = 1;
    }
  } else {
    const lm_error *err = lm_stream_error(c->stream);
    report_channel(c, err && err->message && *err->message ? err->message
                                                           : lm_strerror(status));
    r->failed = 1;
  }
  close_channel(c);
}

static void read_channel(struct run *r, struct channel *c, char *buf, size_t cap)
{
  ssize_t n = read(c->fd, buf, cap);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  lm_status status;
  if (n <= 0) {
    if (n < 0) {
      report_channel(c, strerror(errno));
      r->failed = 1;
    }
    /* the last line may lack its '\n': it is masked and written too */
    status = lm_stream_finish(c->stream);
    if (status != LM_OK)
      channel_failed(r, c, status);
    close_channel(c);
    return;
  }
  status = lm_stream_feed(c->stream, buf, (size_t)n);
  /* complete lines leave at once: a live program's log must not wait for a
   * 64 KiB batch */
  if (status == LM_OK)
    status = lm_stream_flush(c->stream);
  if (status != LM_OK)
    channel_failed(r, c, status);
}

static void take_signals(struct run *r)
{
  for (size_t i = 0; i < NFORWARDED; i++) {
    if (!to_forward[i])
      continue;
    to_forward[i] = 0;
    if (!r->reaped)
      (void)kill(r->pid, forwarded[i]);
  }
  if (hangup) {
    hangup = 0;
    for (int i = 0; i < 2; i++) {
      struct channel *c = &r->ch[i];
      lm_status status = c->fd >= 0 ? lm_stream_flush(c->stream) : LM_OK;
      if (status != LM_OK)
        channel_failed(r, c, status);
    }
    output_reopen(&r->outs[0]);
  }
  if (child_changed && !r->reaped) {
    child_changed = 0;
    int status;
    pid_t got = waitpid(r->pid, &status, WNOHANG);
    if (got == r->pid && (WIFEXITED(status) || WIFSIGNALED(status))) {
      r->reaped = 1;
      r->wait_status = status;
    }
  }
}

/* A pipe whose ends are both above 2, so the child's dup2 onto 1 and 2
 * cannot clobber one with the other (when logmask started with those
 * closed). */
static int make_pipe(int fds[2])
{
  if (pipe2(fds, O_CLOEXEC) < 0)
    return -1;
  for (int i = 0; i < 2; i++) {
    if (fds[i] > 2)
      continue;
    int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    if (moved < 0)
      return -1;
    close(fds[i]);
    fds[i] = moved;
  }
  return 0;
}

/* In the child: the program's streams, the signal state logmask started
 * with, then exec.  On failure the errno goes back through `report`. */
static void exec_child(char **command, const int out[2], const int err[2], int report,
                       const sigset_t *mask, const struct sigaction *old_pipe)
{
  if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0) {
    int e = errno;
    (void)!write(report, &e, sizeof e);
    _exit(CLI_EXIT_RUN_NOEXEC);
  }
  sigaction(SIGPIPE, old_pipe, NULL);
  sigprocmask(SIG_SETMASK, mask, NULL);
  execvp(command[0], command);
  int e = errno;
  (void)!write(report, &e, sizeof e);
  _exit(e == ENOENT ? CLI_EXIT_RUN_NOTFOUND : CLI_EXIT_RUN_NOEXEC);
}

/* Starts the program; returns 0, or the exit status to give up with. */
static int start(struct run *r, char **command, sigset_t *before)
{
  int out[2], err[2], report[2];
  if (make_pipe(out) < 0 || make_pipe(err) < 0 || make_pipe(report) < 0) {
    fprintf(stderr, "logmask run: %s\n", strerror(errno));
    return CLI_EXIT_RUN_FAILED;
  }
  /* the signals wait for the loop; SIGPIPE becomes EPIPE on our writes */
  sigset_t block;
  sigemptyset(&block);
  for (size_t i = 0; i < NFORWARDED; i++)
    sigaddset(&block, forwarded[i]);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, before);
  struct sigaction ignore, old_pipe;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &old_pipe);

  r->pid = fork();
  if (r->pid < 0) {
    fprintf(stderr, "logmask run: cannot start %s: %s\n", command[0], strerror(errno));
    return CLI_EXIT_RUN_FAILED;
  }
  if (r->pid == 0)
    exec_child(command, out, err, report[1], before, &old_pipe);

  close(out[1]);
  close(err[1]);
  close(report[1]);
  r->ch[0].fd = out[0];
  r->ch[1].fd = err[0];

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < NFORWARDED; i++) {
    /* nohup's SIGHUP stays ignored, in the program too */
    struct sigaction old;
    if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(forwarded[i], &action, NULL);
  }
  sigaction(SIGCHLD, &action, NULL);

  int e = 0;
  ssize_t n;
  do
    n = read(report[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == (ssize_t)sizeof e) {
    fprintf(stderr, "logmask run: %s: %s\n", command[0], strerror(e));
    int status;
    while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
      ;
    r->reaped = 1;
    return e == ENOENT ? CLI_EXIT_RUN_NOTFOUND : CLI_EXIT_RUN_NOEXEC;
  }
  return 0;
}

static void loop(struct run *r, const sigset_t *unblocked)
{
  char *buf = malloc(64 * 1024);
  if (!buf) {
    fputs("logmask run: out of memory\n", stderr);
    r->failed = 1;
  }
  while (r->ch[0].fd >= 0 || r->ch[1].fd >= 0 || !r->reaped) {
    take_signals(r);
    if (!buf) {
      /* cannot mask: nothing the program writes may pass */
      close_channel(&r->ch[0]);
      close_channel(&r->ch[1]);
    }
    struct pollfd pfd[2];
    struct channel *which[2];
    nfds_t n = 0;
    for (int i = 0; i < 2; i++) {
      if (r->ch[i].fd < 0)
        continue;
      pfd[n].fd = r->ch[i].fd;
      pfd[n].events = POLLIN;
      which[n++] = &r->ch[i];
    }
    if (n == 0 && r->reaped)
      break;
    int rc = ppoll(pfd, n, NULL, unblocked);
    if (rc < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "logmask run: %s\n", strerror(errno));
      r->failed = 1;
      break;
    }
    for (nfds_t i = 0; i < n; i++)
      if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
        read_channel(r, which[i], buf, 64 * 1024);
  }
  if (buf)
    explicit_bzero(buf, 64 * 1024); /* the program's last unmasked bytes */
  free(buf);
  /* a loop that left early still reaps the program */
  while (!r->reaped) {
    int status;
    pid_t got = waitpid(r->pid, &status, 0);
    if (got == r->pid && (WIFEXITED(status) || WIFSIGNALED(status))) {
      r->reaped = 1;
      r->wait_status = status;
    } else if (got < 0 && errno != EINTR) {
      break;
    }
  }
}

static int setup_channel(struct channel *c, const char *name, const lm_ruleset *set,
                         const struct cli_options *opts, struct output *out)
{
  c->name = name;
  c->fd = -1;
  c->out = out;
  c->masker = lm_masker_new(set);
  if (!c->masker)
    return -1;
  if (lm_masker_set_format(c->masker, opts->format) != LM_OK) {
    fprintf(stderr,
            "logmask run: --format: unknown format '%s' (auto, text, logfmt, json, syslog)\n",
            opts->format);
    return -1;
  }
  c->stream = lm_stream_new(c->masker, output_write, out);
  if (!c->stream)
    return -1;
  if (opts->max_line != 0 &&
      lm_stream_set_limits(c->stream, opts->max_line, input_overlap(opts->max_line)) != LM_OK)
    return -1;
  /* the program's bytes as they are: no gzip guessing */
  return lm_stream_set_gzip(c->stream, LM_GZIP_OFF, -1) == LM_OK ? 0 : -1;
}

static int refuse(const char *what)
{
  fprintf(stderr, "logmask run: %s does not apply to a program's output\n"
                  "Try 'logmask run --help' for more information.\n", what);
  return CLI_EXIT_RUN_FAILED;
}

static int exit_status(const struct run *r)
{
  if (r->failed)
    return CLI_EXIT_RUN_FAILED;
  if (!r->reaped)
    return CLI_EXIT_RUN_FAILED;
  if (WIFSIGNALED(r->wait_status))
    return CLI_EXIT_SIGNAL + WTERMSIG(r->wait_status);
  return WEXITSTATUS(r->wait_status);
}

int run_main(int argc, char **argv)
{
  struct cli_options opts;
  int status = cli_parse_run(argc, argv, &opts);
  if (status >= 0) {
    cli_options_free(&opts);
    return status;
  }
  if (opts.check || opts.list_rules || opts.test_rules || opts.jobs != 1 ||
      opts.gzip_level >= 0) {
    status = refuse(opts.check ? "--check" : opts.list_rules ? "--list-rules"
                    : opts.test_rules ? "--test-rules" : opts.jobs != 1 ? "--jobs"
                    : "gzip output");
    cli_options_free(&opts);
    return status;
  }
  lm_ruleset *set = rules_build(&opts);
  if (!set) {
    cli_options_free(&opts);
    return CLI_EXIT_RUN_FAILED;
  }

  struct run r;
  memset(&r, 0, sizeof r);
  r.outs[0].fd = STDOUT_FILENO;
  r.outs[1].fd = STDERR_FILENO;
  status = 0;
  if (opts.output && output_open(&r.outs[0], opts.output) < 0)
    status = CLI_EXIT_RUN_FAILED;
  struct output *err_out = opts.output ? &r.outs[0] : &r.outs[1];
  if (status == 0 && (setup_channel(&r.ch[0], "standard output", set, &opts, &r.outs[0]) < 0 ||
                      setup_channel(&r.ch[1], "standard error", set, &opts, err_out) < 0)) {
    fputs("logmask run: cannot set up masking\n", stderr);
    status = CLI_EXIT_RUN_FAILED;
  }
  sigset_t before;
  if (status == 0)
    status = start(&r, (char **)opts.inputs, &before);
  if (status == 0) {
    loop(&r, &before);
    status = exit_status(&r);
    if (r.failed && r.reaped)
      fprintf(stderr, "logmask run: %s exited with status %d\n", opts.inputs[0],
              WIFSIGNALED(r.wait_status) ? CLI_EXIT_SIGNAL + WTERMSIG(r.wait_status)
                                         : WEXITSTATUS(r.wait_status));
    if (opts.output && r.outs[0].error == 0 && close(r.outs[0].fd) != 0 && errno != EINTR) {
      fprintf(stderr, "logmask run: %s: %s\n", opts.output, strerror(errno));
      status = CLI_EXIT_RUN_FAILED;
    }
    if (opts.stats != CLI_STATS_NONE) {
      lm_masker_merge_stats(r.ch[0].masker, r.ch[1].masker);
      if (opts.stats == CLI_STATS_TEXT)
        report_stats_text(stderr, set, r.ch[0].masker);
      else
        (void)report_stats_json(stderr, r.ch[0].masker);
    }
  }
  for (int i = 0; i < 2; i++) {
    close_channel(&r.ch[i]);
    lm_stream_free(r.ch[i].stream);
    lm_masker_free(r.ch[i].masker);
  }
  lm_ruleset_free(set);
  cli_options_free(&opts);
  return status;
}
