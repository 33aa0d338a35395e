/* SPDX-License-Identifier: Apache-2.0 */
/* logmask: the pipe filter.  A thin host over liblogmask: build the rule
 * set from the options, then stream every input through one masker.  No
 * matching logic lives here.  `logmask scan` and `logmask run` are commands
 * of their own (scan.c, run.c). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "input.h"
#include "parallel.h"
#include "logmask.h"
#include "options.h"
#include "output.h"
#include "report.h"
#include "rules.h"
#include "run.h"
#include "scan.h"
#include "signals.h"

/* A pipe of the default 64 KiB wakes reader and writer every 64 KiB; at
 * the filter's speed those wake-ups cost more system time than the
 * masking.  1 MiB is what an unprivileged process may ask for by default
 * (/proc/sys/fs/pipe-max-size); a refusal just leaves the pipe as it is. */
static void grow_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
  struct stat sb;
  if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode) && fcntl(fd, F_GETPIPE_SZ) < (1 << 20))
    (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
  (void)fd;
#endif
}

struct run_state {
  int input_failed;   /* some input could not be read */
  int stop_signal;    /* SIGTERM/SIGINT that ended the run, or 0 */
  struct output out;
};

static int only_reports(const struct cli_options *opts, const lm_ruleset *set)
{
  int status = CLI_EXIT_OK;
  if (opts->list_rules && report_rules(stdout, set) < 0) {
    fprintf(stderr, "logmask: write error: %s\n", strerror(errno));
    return CLI_EXIT_OUTPUT;
  }
  if (opts->test_rules)
    status = report_rule_tests(stdout, set);
  return status;
}

static void mask_inputs(const struct cli_options *opts, const lm_ruleset *set,
                        lm_masker *masker, char *buffer, struct run_state *st)
{
  struct input_config cfg = {
    .masker = masker,
    .out = &st->out,
    .buffer = buffer,
    .chunk_size = opts->chunk_size,
    .max_line = opts->max_line,
    .overlap = input_overlap(opts->max_line),
    .line_buffered = opts->line_buffered >= 0 ? opts->line_buffered
                                              : isatty(st->out.fd),
    .gzip_level = opts->gzip_level,
  };
  if (opts->jobs > 1) {
    cfg.parallel = parallel_new(set, opts->format, opts->jobs, cfg.max_line, cfg.overlap);
    if (!cfg.parallel)
      fprintf(stderr, "logmask: cannot start %u threads; masking on one\n", opts->jobs);
  }

  for (size_t i = 0; i < opts->input_count; i++) {
    /* Each input's last line is a line of its own: one that lacks its '\n'
     * must not join the next input's first line, unread as one line. */
    cfg.end_last_line = i + 1 < opts->input_count;
    enum input_result result = input_mask(&cfg, opts->inputs[i]);
    if (result == INPUT_BAD_INPUT)
      st->input_failed = 1;
    if (result == INPUT_BAD_OUTPUT)
      break;
    if (result == INPUT_STOPPED || signals_stop_requested() != 0) {
      st->stop_signal = signals_stop_requested();
      break;
    }
  }
  /* the workers' counters join the main masker's for --stats and --check */
  parallel_free(cfg.parallel, masker);
}

/* Late write errors (NFS, quotas) may only show when stdout is closed. */
static void close_output(struct output *out)
{
  if (out->error == 0 && close(out->fd) != 0 && errno != EINTR && errno != EBADF)
    out->error = errno;
}

static int anything_masked(const lm_masker *masker)
{
  lm_totals t;
  memset(&t, 0, sizeof t);
  lm_masker_totals(masker, &t);
  if (t.lines_masked + t.lines_dropped + t.limit_trips + t.blocks == 0)
    return 0;
  /* A dropped line also counts as masked. */
  uint64_t hit = t.lines_masked > t.lines_dropped ? t.lines_masked : t.lines_dropped;
  fprintf(stderr, "logmask: --check: secrets in %llu of %llu lines (%llu dropped)\n",
          (unsigned long long)hit, (unsigned long long)t.lines,
          (unsigned long long)t.lines_dropped);
  return 1;
}

static int exit_status(const struct cli_options *opts, const lm_masker *masker,
                       const struct run_state *st)
{
  if (st->stop_signal != 0)
    return CLI_EXIT_SIGNAL + st->stop_signal;
  if (st->out.error == EPIPE)
    return CLI_EXIT_PIPE; /* the reader left: nothing to say */
  if (st->out.error != 0) {
    fprintf(stderr, "logmask: write error: %s\n", strerror(st->out.error));
    return CLI_EXIT_OUTPUT;
  }
  if (st->input_failed)
    return CLI_EXIT_INPUT;
  if (opts->check && anything_masked(masker))
    return CLI_EXIT_FOUND;
  return CLI_EXIT_OK;
}

static int mask_with(const struct cli_options *opts, const lm_ruleset *set)
{
  lm_masker *masker = lm_masker_new(set);
  if (!masker) {
    fputs("logmask: out of memory\n", stderr);
    return CLI_EXIT_USAGE;
  }
  if (lm_masker_set_format(masker, opts->format) != LM_OK) {
    fprintf(stderr,
            "logmask: --format: unknown format '%s' (auto, text, logfmt, json, "
            "syslog)\n",
            opts->format);
    lm_masker_free(masker);
    return CLI_EXIT_USAGE;
  }
  char *buffer = malloc(opts->chunk_size);
  if (!buffer || signals_install() < 0) {
    fprintf(stderr, "logmask: %s\n", buffer ? strerror(errno) : "out of memory");
    free(buffer);
    lm_masker_free(masker);
    return CLI_EXIT_USAGE;
  }

  struct run_state st = {.out = {.fd = STDOUT_FILENO, .error = 0}};
  if (opts->output) {
    st.out.keep_open = opts->gzip_level >= 0;
    if (output_open(&st.out, opts->output) < 0) {
      free(buffer);
      lm_masker_free(masker);
      return CLI_EXIT_OUTPUT;
    }
  }
  grow_pipe(STDIN_FILENO);
  grow_pipe(st.out.fd);
  mask_inputs(opts, set, masker, buffer, &st);
  close_output(&st.out);
  int status = exit_status(opts, masker, &st);
  if (opts->stats == CLI_STATS_TEXT)
    report_stats_text(stderr, set, masker);
  else if (opts->stats == CLI_STATS_JSON && report_stats_json(stderr, masker) < 0 &&
           status == CLI_EXIT_OK)
    status = CLI_EXIT_OUTPUT;

  explicit_bzero(buffer, opts->chunk_size); /* the last read's unmasked bytes */
  free(buffer);
  lm_masker_free(masker);
  return status;
}

int main(int argc, char **argv)
{
  /* `logmask scan ...` is its own command; a file named "scan" is still
   * filtered as ./scan or after "--". */
  if (argc > 1 && strcmp(argv[1], "scan") == 0) {
    argv[1] = (char *)"logmask scan";
    return scan_main(argc - 1, argv + 1);
  }
  if (argc > 1 && strcmp(argv[1], "run") == 0) {
    argv[1] = (char *)"logmask run";
    return run_main(argc - 1, argv + 1);
  }
  struct cli_options opts;
  int status = cli_parse(argc, argv, &opts);
  if (status >= 0) {
    cli_options_free(&opts);
    return status;
  }
  lm_ruleset *set = rules_build(&opts);
  if (!set)
    status = CLI_EXIT_USAGE;
  else if (opts.list_rules || opts.test_rules)
    status = only_reports(&opts, set);
  else
    status = mask_with(&opts, set);
  lm_ruleset_free(set);
  cli_options_free(&opts);
  return status;
}
