/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line parsing for logmask (getopt_long) and the --help text. */
#include <config.h>

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "logmask.h"

/* The read size tests may choose; larger values only waste memory. */
#define CHUNK_SIZE_DEFAULT ((size_t)64 * 1024)
#define CHUNK_SIZE_MAX ((size_t)16 * 1024 * 1024)
/* Threads by default: one per CPU, at most this many.  One thread reads
 * and writes for all workers and each keeps four jobs of 512 KiB queued:
 * past 8 workers that thread, not masking, sets the pace, and memory grows
 * for nothing. */
#define JOBS_DEFAULT_MAX 8u
#define JOBS_MAX 256u

enum long_only {
  OPT_MASK = CLI_OPT_RULES_END,
  OPT_HASH_KEY_ID,
  OPT_FORMAT,
  OPT_STATS,
  OPT_CHECK,
  OPT_LIST_RULES,
  OPT_TEST_RULES,
  OPT_LINE_BUFFERED,
  OPT_MAX_LINE,
  OPT_CHUNK_SIZE,
  OPT_VERSION,
  OPT_GZIP_LEVEL,
};

static const struct option long_options[] = {
  CLI_RULE_OPTIONS,
  {"mask", required_argument, NULL, OPT_MASK},
  {"hash-key-id", required_argument, NULL, OPT_HASH_KEY_ID},
  {"format", required_argument, NULL, OPT_FORMAT},
  {"stats", optional_argument, NULL, OPT_STATS},
  {"check", no_argument, NULL, OPT_CHECK},
  {"list-rules", no_argument, NULL, OPT_LIST_RULES},
  {"test-rules", no_argument, NULL, OPT_TEST_RULES},
  {"line-buffered", no_argument, NULL, OPT_LINE_BUFFERED},
  {"max-line", required_argument, NULL, OPT_MAX_LINE},
  {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
  {"jobs", required_argument, NULL, 'j'},
  {"version", no_argument, NULL, OPT_VERSION},
  {"gzip-output", no_argument, NULL, 'z'},
  {"gzip-level", required_argument, NULL, OPT_GZIP_LEVEL},
  {"output", required_argument, NULL, 'o'},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

static const char usage_text[] =
  "Usage: logmask [OPTION]... [FILE]...\n"
  "Mask secrets (passwords, tokens, API keys, credential URLs, known secret\n"
  "values) in log lines.  Reads each FILE in order, or standard input when\n"
  "there is none or FILE is '-', and writes the masked lines to standard\n"
  "output.  Every input line gives one output line; bytes outside the masked\n"
  "spans are unchanged.\n"
  "\n"
  "Rules:\n"
  "  -r, --rules=PATH        load a rule file, or every *.rules file of a\n"
  "                          directory; repeatable; adds to the built-in rules\n"
  "      --no-default-rules  start without the built-in rule library\n"
  "      --literals=FILE     mask each line of FILE (one secret a line) as a\n"
  "                          known value wherever it appears\n"
  "      --env-file=FILE     mask every value of a dotenv FILE (KEY=value,\n"
  "                          export KEY=value, quotes, comments); settings\n"
  "                          keys (DEBUG, *_HOST, *_URL...) and values under\n"
  "                          6 bytes are skipped, see logmask(1)\n"
  "      --env-ignore=GLOB   --env-file skips keys matching GLOB; repeatable\n"
  "      --no-default-env-ignore  skip only the --env-ignore keys\n"
  "      --enable=ID|GROUP   run rules that are off by default (e.g. pii)\n"
  "      --disable=ID|GROUP  do not run these rules\n"
  "      --list-rules        print the enabled rules and exit\n"
  "      --test-rules        run every inline rule test and exit\n"
  "\n"
  "Masking:\n"
  "      --mask=STYLE        redact (default: [REDACTED:rule-id]),\n"
  "                          redact:TEMPLATE (%r is the rule id), stars,\n"
  "                          partial:N:M, hash, drop; overrides the rules' own\n"
  "      --hash-key-file=FILE  key of the hash style (32+ bytes, mode 0600)\n"
  "      --hash-key-id=ID    key id written into hash tags (default k1)\n"
  "      --format=FORMAT     auto (default, decided per line), text, logfmt,\n"
  "                          json, syslog\n"
  "      --mask-keys=K1,K2   more sensitive keys: JSON, logfmt and syslog values\n"
  "                          under them are masked whole\n"
  "      --keep-keys=K1,K2   keys never masked by name\n"
  "\n"
  "Output and reports:\n"
  "      --check             exit 1 when anything was masked (CI, pre-commit)\n"
  "      --stats[=FORMAT]    print per-rule counters on standard error at exit;\n"
  "                          FORMAT is text (default) or json\n"
  "      --line-buffered     write each line at once (default when standard\n"
  "                          output is a terminal; use behind tail -f)\n"
  "      --max-line=BYTES    longer lines are scanned in overlapping windows\n"
  "                          (default 1M; suffixes K, M, G)\n"
  "  -j, --jobs=N            mask on N threads (0: one per CPU; default\n"
  "                          LOGMASK_JOBS, else one per CPU up to 8); output\n"
  "                          is identical to -j 1, in input order\n"
  "  -z, --gzip-output       write gzip (gzip input is always recognised)\n"
  "      --gzip-level=N      gzip level 0-9 (default 6); implies -z\n"
  "  -o, --output=FILE       append to FILE instead of standard output, and\n"
  "                          reopen it on SIGHUP (log rotation)\n"
  "      --chunk-size=BYTES  read size (default 64K); for tests only\n"
  "  -h, --help              print this help and exit\n"
  "      --version           print the version and exit\n"
  "\n"
  "Environment:\n"
  "  LOGMASK_RULES           colon-separated rule paths, used when no --rules\n"
  "  LOGMASK_HASH_KEY_FILE   hash key file, used when no --hash-key-file\n"
  "\n"
  "Exit status:\n"
  "  0    success\n"
  "  1    --check masked something, or --test-rules had failures\n"
  "  2    usage error, or a bad rule file, literal, key or format\n"
  "  3    an input could not be read or decompressed (the others were processed)\n"
  "  4    standard output could not be written\n"
  "  141  the reader of standard output went away (quietly, like SIGPIPE)\n"
  "  128+N  stopped by signal N (SIGTERM, SIGINT) after writing every line read\n"
  "SIGHUP writes every complete line read so far and goes on (reopening the\n"
  "-o FILE).\n"
  "\n"
  "To run a program with its standard output and error masked, see\n"
  "'logmask run --help'.\n"
  "To report the secrets in files and trees without changing them, see\n"
  "'logmask scan --help'.\n"
  "\n"
  "See logmask(1) and logmask-rules(5).\n";

static const char run_usage_text[] =
  "Usage: logmask run [OPTION]... -- COMMAND [ARG]...\n"
  "Run COMMAND with its standard output and standard error each masked by\n"
  "its own masker: masked output lines go to logmask's standard output and\n"
  "masked error lines to its standard error (both to FILE with -o).  No byte\n"
  "the program writes there leaves unmasked; a partial line is held until its\n"
  "end or the program's exit.\n"
  "\n"
  "The masking options of 'logmask --help' apply (--rules, --env-file,\n"
  "--env-ignore, --literals, --mask, --format, --mask-keys, --stats...), and:\n"
  "  -o, --output=FILE       append both streams to FILE, whole lines each,\n"
  "                          and reopen it on SIGHUP\n"
  "\n"
  "SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on to COMMAND (a signal the\n"
  "terminal sent to the whole process group reaches it once); SIGHUP also\n"
  "writes every complete line and reopens -o FILE.  logmask exits when\n"
  "COMMAND has exited and its output has ended.\n"
  "\n"
  "Exit status: that of COMMAND, 128+N when a signal N ended it; 125 when\n"
  "logmask itself failed (bad option, rules, output), 126 when COMMAND could\n"
  "not be executed, 127 when it was not found.\n"
  "\n"
  "See logmask(1).\n";

/* `logmask run` parses the same options, stops at the command and prints
 * its own help. */
static int run_mode;

int cli_list_push(struct cli_list *list, const char *item)
{
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 4;
    const char **items = realloc(list->items, cap * sizeof *items);
    if (!items)
      return -1;
    list->items = items;
    list->cap = cap;
  }
  list->items[list->count++] = item;
  return 0;
}

static int cli_toggle_push(struct cli_options *opts, int enable, const char *name)
{
  struct cli_toggle *toggles =
    realloc(opts->toggles, (opts->toggle_count + 1) * sizeof *toggles);
  if (!toggles)
    return -1;
  toggles[opts->toggle_count].enable = enable;
  toggles[opts->toggle_count].name = name;
  opts->toggles = toggles;
  opts->toggle_count++;
  return 0;
}

int cli_rule_option(struct cli_options *opts, int c, const char *arg)
{
  int failed = 0;
  switch (c) {
  case 'r': failed = cli_list_push(&opts->rules, arg); break;
  case CLI_OPT_NO_DEFAULT_RULES: opts->default_rules = 0; break;
  case CLI_OPT_LITERALS: failed = cli_list_push(&opts->literals, arg); break;
  case CLI_OPT_ENV_FILE: failed = cli_list_push(&opts->env_files, arg); break;
  case CLI_OPT_ENV_IGNORE: failed = cli_list_push(&opts->env_ignore, arg); break;
  case CLI_OPT_NO_DEFAULT_ENV_IGNORE: opts->no_default_env_ignore = 1; break;
  case CLI_OPT_ENABLE: failed = cli_toggle_push(opts, 1, arg); break;
  case CLI_OPT_DISABLE: failed = cli_toggle_push(opts, 0, arg); break;
  case CLI_OPT_HASH_KEY_FILE: opts->hash_key_file = arg; break;
  case CLI_OPT_MASK_KEYS: failed = cli_list_push(&opts->mask_keys, arg); break;
  case CLI_OPT_KEEP_KEYS: failed = cli_list_push(&opts->keep_keys, arg); break;
  default: return 0;
  }
  return failed ? -1 : 1;
}

/* A byte count with an optional K, M or G (binary) suffix; 0 on error. */
size_t cli_parse_size(const char *text)
{
  char *end;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno || end == text || text[0] == '-')
    return 0;
  unsigned shift = 0;
  switch (*end) {
  case 'k': case 'K': shift = 10; end++; break;
  case 'm': case 'M': shift = 20; end++; break;
  case 'g': case 'G': shift = 30; end++; break;
  default: break;
  }
  if (*end == 'i' || *end == 'B')
    end += *end == 'i' && end[1] == 'B' ? 2 : 1;
  if (*end != '\0' || value > (SIZE_MAX >> shift))
    return 0;
  return (size_t)value << shift;
}

static int usage_error(const char *fmt, const char *arg)
{
  fputs(run_mode ? "logmask run: " : "logmask: ", stderr);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'logmask %s--help' for more information.\n", run_mode ? "run " : "");
  return run_mode ? CLI_EXIT_RUN_FAILED : CLI_EXIT_USAGE;
}

/* CPUs this process may run on (its affinity mask, so taskset and cpusets
 * count), else the online ones. */
static unsigned usable_cpus(void)
{
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (unsigned)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1u;
}

/* -j and LOGMASK_JOBS: 0 is one thread per usable CPU.  -1 when `arg` is
 * not a count from 0 to JOBS_MAX. */
static int parse_jobs(const char *arg, unsigned *jobs)
{
  char *end;
  errno = 0;
  unsigned long j = strtoul(arg, &end, 10);
  if (errno || end == arg || *end || arg[0] == '-' || j > JOBS_MAX)
    return -1;
  if (j == 0)
    j = usable_cpus() < JOBS_MAX ? usable_cpus() : JOBS_MAX;
  *jobs = (unsigned)j;
  return 0;
}

static int out_of_memory(void)
{
  fputs("logmask: out of memory\n", stderr);
  return run_mode ? CLI_EXIT_RUN_FAILED : CLI_EXIT_USAGE;
}

/* LOGMASK_RULES and LOGMASK_HASH_KEY_FILE: alternatives to -r and
 * --hash-key-file, ignored when those are given. */
int cli_rules_from_environment(struct cli_options *opts)
{
  const char *key = getenv("LOGMASK_HASH_KEY_FILE");
  if (!opts->hash_key_file && key && *key)
    opts->hash_key_file = key;
  const char *env = getenv("LOGMASK_RULES");
  if (opts->rules.count > 0 || !env || !*env)
    return 0;
  opts->rules_env_copy = strdup(env);
  if (!opts->rules_env_copy)
    return -1;
  char *save = NULL;
  for (char *path = strtok_r(opts->rules_env_copy, ":", &save); path;
       path = strtok_r(NULL, ":", &save))
    if (cli_list_push(&opts->rules, path) < 0)
      return -1;
  return 0;
}

int cli_parse(int argc, char **argv, struct cli_options *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->default_rules = 1;
  opts->run = run_mode;
  opts->format = "auto";
  opts->line_buffered = -1;
  opts->gzip_level = -1;
  opts->jobs = 0; /* chosen after the options: -j, LOGMASK_JOBS, the CPUs */
  int jobs_given = 0;
  opts->chunk_size = CHUNK_SIZE_DEFAULT;

  int c;
  while ((c = getopt_long(argc, argv, run_mode ? "+r:hzj:o:" : "r:hzj:o:", long_options,
                          NULL)) != -1) {
    int failed = 0;
    switch (c) {
    case OPT_MASK: opts->mask = optarg; break;
    case OPT_HASH_KEY_ID: opts->hash_key_id = optarg; break;
    case OPT_FORMAT: opts->format = optarg; break;
    case OPT_STATS:
      if (!optarg || strcmp(optarg, "text") == 0)
        opts->stats = CLI_STATS_TEXT;
      else if (strcmp(optarg, "json") == 0)
        opts->stats = CLI_STATS_JSON;
      else
        return usage_error("--stats: unknown format '%s' (text or json)", optarg);
      break;
    case OPT_CHECK: opts->check = 1; break;
    case 'z': if (opts->gzip_level < 0) opts->gzip_level = 6; break;
    case 'j':
      jobs_given = 1;
      if (parse_jobs(optarg, &opts->jobs) != 0)
        return usage_error("--jobs: not a thread count from 0 to 256: '%s'", optarg);
      break;
    case OPT_GZIP_LEVEL:
      if (optarg[0] < '0' || optarg[0] > '9' || optarg[1] != '\0')
        return usage_error("--gzip-level: not a level from 0 to 9: '%s'", optarg);
      opts->gzip_level = optarg[0] - '0';
      break;
    case 'o':
      if (!*optarg)
        return usage_error("--output: %s", "empty file name");
      opts->output = optarg;
      break;
    case OPT_LIST_RULES: opts->list_rules = 1; break;
    case OPT_TEST_RULES: opts->test_rules = 1; break;
    case OPT_LINE_BUFFERED: opts->line_buffered = 1; break;
    case OPT_MAX_LINE:
      opts->max_line = cli_parse_size(optarg);
      if (opts->max_line < CLI_MAX_LINE_MIN)
        return usage_error("--max-line: not a byte count of at least 64: '%s'", optarg);
      break;
    case OPT_CHUNK_SIZE:
      opts->chunk_size = cli_parse_size(optarg);
      if (opts->chunk_size == 0 || opts->chunk_size > CHUNK_SIZE_MAX)
        return usage_error("--chunk-size: not a byte count from 1 to 16M: '%s'",
                           optarg);
      break;
    case OPT_VERSION:
      printf("logmask %s\n", lm_version());
      return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
    case 'h':
      fputs(run_mode ? run_usage_text : usage_text, stdout);
      return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
    default:
      failed = cli_rule_option(opts, c, optarg);
      if (failed == 0) {
        /* getopt_long has printed what was wrong. */
        fprintf(stderr, "Try 'logmask %s--help' for more information.\n",
                run_mode ? "run " : "");
        return run_mode ? CLI_EXIT_RUN_FAILED : CLI_EXIT_USAGE;
      }
      failed = failed < 0;
    }
    if (failed)
      return out_of_memory();
  }

  if (cli_rules_from_environment(opts) < 0)
    return out_of_memory();

  if (opts->jobs == 0 && run_mode && !jobs_given) {
    opts->jobs = 1; /* a program's two streams are masked as they come */
  } else if (opts->jobs == 0) {
    const char *env = getenv("LOGMASK_JOBS");
    if (env && *env) {
      if (parse_jobs(env, &opts->jobs) != 0)
        return usage_error("LOGMASK_JOBS: not a thread count from 0 to 256: '%s'", env);
    } else {
      unsigned cpus = usable_cpus();
      opts->jobs = cpus < JOBS_DEFAULT_MAX ? cpus : JOBS_DEFAULT_MAX;
    }
  }

  if (opts->hash_key_id && !opts->hash_key_file)
    return usage_error("--hash-key-id needs a key: %s", "--hash-key-file or LOGMASK_HASH_KEY_FILE");

  static const char *const stdin_only[] = {"-"};
  if (run_mode && optind >= argc)
    return usage_error("%s", "no command given");
  if (optind < argc) {
    opts->inputs = (const char **)(argv + optind);
    opts->input_count = (size_t)(argc - optind);
  } else {
    opts->inputs = (const char **)stdin_only;
    opts->input_count = 1;
  }
  return -1;
}

int cli_parse_run(int argc, char **argv, struct cli_options *opts)
{
  run_mode = 1;
  int status = cli_parse(argc, argv, opts);
  run_mode = 0;
  return status;
}

void cli_options_free(struct cli_options *opts)
{
  free(opts->rules.items);
  free(opts->literals.items);
  free(opts->env_files.items);
  free(opts->env_ignore.items);
  free(opts->toggles);
  free(opts->mask_keys.items);
  free(opts->keep_keys.items);
  free(opts->rules_env_copy);
  memset(opts, 0, sizeof *opts);
}
