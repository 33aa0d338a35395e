/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line parsing for `logmask scan` (getopt_long); see scan_options.h. */
#include <config.h>

#include "scan_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "logmask.h"
#include "scan.h"

enum scan_long_only {
  SOPT_MASK = CLI_OPT_RULES_END,
  SOPT_FORMAT,
  SOPT_INPUT,
  SOPT_MAX_LINE,
  SOPT_EXCLUDE,
  SOPT_NO_DEFAULT_EXCLUDES,
  SOPT_ALL_FILES,
  SOPT_NO_GITIGNORE,
  SOPT_GIT,
  SOPT_STAGED,
  SOPT_STDIN_NAME,
  SOPT_REPORT_FORMAT,
  SOPT_JSON,
  SOPT_BASELINE,
  SOPT_UPDATE_BASELINE,
  SOPT_AUDIT_BASELINE,
  SOPT_COLOR,
  SOPT_STATS,
  SOPT_LIST_RULES,
  SOPT_NO_PROGRESS,
  SOPT_VERSION,
};

static const struct option scan_long_options[] = {
  CLI_RULE_OPTIONS,
  {"mask", required_argument, NULL, SOPT_MASK},
  {"format", required_argument, NULL, SOPT_FORMAT},
  {"input", required_argument, NULL, SOPT_INPUT},
  {"max-line", required_argument, NULL, SOPT_MAX_LINE},
  {"exclude", required_argument, NULL, SOPT_EXCLUDE},
  {"no-default-excludes", no_argument, NULL, SOPT_NO_DEFAULT_EXCLUDES},
  {"all-files", no_argument, NULL, SOPT_ALL_FILES},
  {"no-gitignore", no_argument, NULL, SOPT_NO_GITIGNORE},
  {"git", no_argument, NULL, SOPT_GIT},
  {"staged", no_argument, NULL, SOPT_STAGED},
  {"stdin-name", required_argument, NULL, SOPT_STDIN_NAME},
  {"report-format", required_argument, NULL, SOPT_REPORT_FORMAT},
  {"json", no_argument, NULL, SOPT_JSON},
  {"output", required_argument, NULL, 'o'},
  {"baseline", required_argument, NULL, SOPT_BASELINE},
  {"update-baseline", no_argument, NULL, SOPT_UPDATE_BASELINE},
  {"audit-baseline", no_argument, NULL, SOPT_AUDIT_BASELINE},
  {"color", required_argument, NULL, SOPT_COLOR},
  {"colour", required_argument, NULL, SOPT_COLOR},
  {"stats", no_argument, NULL, SOPT_STATS},
  {"list-rules", no_argument, NULL, SOPT_LIST_RULES},
  {"no-progress", no_argument, NULL, SOPT_NO_PROGRESS},
  {"version", no_argument, NULL, SOPT_VERSION},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

static const char scan_usage_text[] =
  "Usage: logmask scan [OPTION]... [PATH]...\n"
  "       logmask scan --git [OPTION]... [REVISION-RANGE]... [-- PATH...]\n"
  "       logmask scan --staged [OPTION]... [-- PATH...]\n"
  "       logmask scan --audit-baseline --baseline=FILE [--json] [PATH]...\n"
  "Report the secrets in files, trees, git history or standard input without\n"
  "changing them: file, line, column, rule, a masked preview and a\n"
  "fingerprint; the secret itself is never printed.  Inside a git work tree\n"
  "a directory PATH (default '.') means its git-tracked files; elsewhere it\n"
  "is walked, honouring .gitignore.  '-' reads standard input.\n"
  "\n"
  "Rules (as for the filter):\n"
  "  -r, --rules=PATH        load a rule file or directory; repeatable\n"
  "      --no-default-rules  start without the built-in rule library\n"
  "      --literals=FILE     known secret values, one a line\n"
  "      --env-file=FILE     every value of a dotenv FILE is a known secret\n"
  "      --env-ignore=GLOB, --no-default-env-ignore  keys --env-file skips\n"
  "      --enable=ID|GROUP   run rules that are off by default (e.g. pii)\n"
  "      --disable=ID|GROUP  do not run these rules\n"
  "      --mask-keys=LIST, --keep-keys=LIST  sensitive key names, as for the filter\n"
  "      --hash-key-file=FILE  key the fingerprints (HMAC-SHA256; 32+ bytes,\n"
  "                          mode 0600); without it they are plain SHA-256\n"
  "\n"
  "Reading:\n"
  "      --format=FORMAT     auto (default, per line), text, logfmt, json,\n"
  "                          syslog: the filter's formats\n"
  "      --input=KIND        code (values that are code are not secrets; allow\n"
  "                          markers count), log (exactly what the filter\n"
  "                          masks), or auto (default: log for *.log files)\n"
  "      --max-line=BYTES    longer lines are scanned in overlapping windows\n"
  "                          (default 1M, at least 64)\n"
  "      --stdin-name=NAME   the name findings in '-' carry\n"
  "\n"
  "Which files:\n"
  "      --all-files         in a git work tree, also untracked files that\n"
  "                          .gitignore does not ignore\n"
  "      --no-gitignore      walk every file on disk, ignored ones too\n"
  "      --exclude=GLOB      skip files and directories whose relative path or\n"
  "                          any path component matches GLOB; repeatable\n"
  "      --no-default-excludes  also read .git, venv, .venv, __pycache__, .tox,\n"
  "                          node_modules, dist, build and *.min.js\n"
  "  (a .logmaskignore file at the top of a PATH adds one GLOB a line)\n"
  "\n"
  "History:\n"
  "      --git               scan the lines commits added (git log -p); the\n"
  "                          arguments are revision ranges (default: all refs)\n"
  "      --staged            scan the lines the index adds to HEAD (pre-commit)\n"
  "\n"
  "Reports:\n"
  "      --report-format=F   text (default), json or sarif (SARIF 2.1.0)\n"
  "      --json              the same as --report-format=json\n"
  "  -o, --output=FILE       write the report to FILE instead of stdout\n"
  "      --baseline=FILE     findings FILE accepts are not new (SARIF lists\n"
  "                          them as suppressed)\n"
  "      --update-baseline   write this run's findings into the baseline FILE;\n"
  "                          entries of paths this run did not read are kept\n"
  "      --audit-baseline    review the baseline's entries: keep, allow or\n"
  "                          remove each (a terminal), or list them (--json)\n"
  "      --color=WHEN        auto (default: a terminal, unless NO_COLOR is\n"
  "                          set), always or never\n"
  "      --stats             per-rule counts and every inline-allowed finding\n"
  "                          on stderr\n"
  "      --no-progress       no progress line on a terminal\n"
  "      --list-rules        print each rule's id, security severity, tags and\n"
  "                          help URI (as SARIF reports them) and exit\n"
  "  -h, --help              print this help and exit\n"
  "      --version           print the version and exit\n"
  "\n"
  "A line holding logmask:allow, pragma: allowlist secret, gitleaks:allow or\n"
  "secretlint-disable-line (code input) has its findings allowed: counted,\n"
  "listed by --stats and in SARIF as suppressed, not reported as new.\n"
  "\n"
  "Environment: LOGMASK_RULES, LOGMASK_HASH_KEY_FILE as for the filter;\n"
  "NO_COLOR.\n"
  "\n"
  "Exit status:\n"
  "  0  no new findings\n"
  "  1  new findings (not in the baseline, not allowed inline)\n"
  "  2  an error: usage, rules, a path or git that failed, the baseline; the\n"
  "     readable paths are still scanned and reported\n"
  "\n"
  "See logmask(1), section SCAN.\n";

static int scan_usage_error(const char *fmt, const char *arg)
{
  fputs("logmask scan: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'logmask scan --help' for more information.\n", stderr);
  return CLI_EXIT_USAGE;
}

/* The index of `name` in names[0..n), which list an enum's values in
 * order; -1 when it is none of them. */
static int parse_choice(const char *name, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return (int)i;
  return -1;
}
#define PARSE_CHOICE(name, names) parse_choice(name, names, sizeof names / sizeof *names)

static const char *const report_formats[] = {"text", "json", "sarif"}; /* scan_report_format */
static const char *const input_formats[] = {"auto", "text", "logfmt", "json", "syslog"};
static const char *const inputs[] = {"auto", "code", "log"};         /* scan_input */
static const char *const colors[] = {"auto", "always", "never"};     /* scan_color */

static int set_mode(struct scan_options *opts, enum scan_mode mode, const char *name)
{
  if (opts->mode != SCAN_MODE_FILES && opts->mode != mode)
    return scan_usage_error("%s cannot be combined with --git, --staged or --audit-baseline",
                            name);
  opts->mode = mode;
  return -1;
}

static int parse_one(int c, struct scan_options *opts)
{
  struct cli_options *rules = &opts->rules;
  int failed = 0, choice;
  switch (c) {
  case SOPT_MASK:
    /* Accepted so a filter command line works unchanged; a report shows
     * every finding as [REDACTED:LABEL] whatever the style. */
    break;
  case SOPT_FORMAT:
    if (PARSE_CHOICE(optarg, report_formats) == SCAN_REPORT_SARIF)
      return scan_usage_error("--format names the input format (auto, text, logfmt, json, "
                              "syslog); for a %s report use --report-format",
                              optarg);
    if (PARSE_CHOICE(optarg, input_formats) < 0)
      return scan_usage_error("--format: unknown format '%s' (auto, text, logfmt, json, syslog)",
                              optarg);
    rules->format = optarg;
    break;
  case SOPT_INPUT:
    if ((choice = PARSE_CHOICE(optarg, inputs)) < 0)
      return scan_usage_error("--input: unknown kind '%s' (auto, code, log)", optarg);
    opts->input = (enum scan_input)choice;
    break;
  case SOPT_MAX_LINE:
    rules->max_line = cli_parse_size(optarg);
    if (rules->max_line < CLI_MAX_LINE_MIN)
      return scan_usage_error("--max-line: not a byte count of at least 64: '%s'", optarg);
    break;
  case SOPT_EXCLUDE: failed = cli_list_push(&opts->excludes, optarg); break;
  case SOPT_NO_DEFAULT_EXCLUDES: opts->default_excludes = 0; break;
  case SOPT_ALL_FILES: opts->all_files = 1; break;
  case SOPT_NO_GITIGNORE: opts->gitignore = 0; break;
  case SOPT_GIT: return set_mode(opts, SCAN_MODE_GIT, "--git");
  case SOPT_STAGED: return set_mode(opts, SCAN_MODE_STAGED, "--staged");
  case SOPT_AUDIT_BASELINE: return set_mode(opts, SCAN_MODE_AUDIT, "--audit-baseline");
  case SOPT_STDIN_NAME:
    if (!*optarg)
      return scan_usage_error("--stdin-name: %s", "the name is empty");
    opts->stdin_name = optarg;
    break;
  case SOPT_REPORT_FORMAT:
    if ((choice = PARSE_CHOICE(optarg, report_formats)) < 0)
      return scan_usage_error("--report-format: unknown format '%s' (text, json, sarif)",
                              optarg);
    opts->report = (enum scan_report_format)choice;
    break;
  case SOPT_JSON: opts->report = SCAN_REPORT_JSON; break;
  case 'o': opts->output = optarg; break;
  case SOPT_BASELINE: opts->baseline = optarg; break;
  case SOPT_UPDATE_BASELINE: opts->update_baseline = 1; break;
  case SOPT_COLOR:
    if ((choice = PARSE_CHOICE(optarg, colors)) < 0)
      return scan_usage_error("--color: '%s' is not auto, always or never", optarg);
    opts->color = (enum scan_color)choice;
    break;
  case SOPT_STATS: opts->stats = 1; break;
  case SOPT_LIST_RULES: opts->list_rules = 1; break;
  case SOPT_NO_PROGRESS: opts->progress = 0; break;
  case SOPT_VERSION:
    printf("logmask scan %s\n", lm_version());
    return fflush(stdout) == 0 ? CLI_EXIT_OK : SCAN_EXIT_ERROR;
  case 'h':
    fputs(scan_usage_text, stdout);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : SCAN_EXIT_ERROR;
  default:
    failed = cli_rule_option(rules, c, optarg);
    if (failed == 0) {
      fputs("Try 'logmask scan --help' for more information.\n", stderr);
      return CLI_EXIT_USAGE;
    }
    failed = failed < 0;
  }
  if (failed) {
    fputs("logmask scan: out of memory\n", stderr);
    return SCAN_EXIT_ERROR;
  }
  return -1;
}

int scan_parse(int argc, char **argv, struct scan_options *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->rules.default_rules = 1;
  /* scan writes no masked output: the redact style keeps a rule's `mask:
   * drop` or `hash` (which needs a key) from mattering to a report. */
  opts->rules.mask = "redact";
  opts->rules.format = "auto";
  opts->default_excludes = 1;
  opts->gitignore = 1;
  opts->progress = -1;
  opts->stdin_name = "(standard input)";

  int c;
  optind = 1;
  /* '+' would stop at the first operand; revisions and paths may come
   * before options, so operands are permuted, and "--" is found again
   * below by getopt's own rule (it stops there). */
  int dashes_at = -1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      dashes_at = i;
      break;
    }
  while ((c = getopt_long(dashes_at >= 0 ? dashes_at : argc, argv, "r:o:h", scan_long_options,
                          NULL)) != -1) {
    int status = parse_one(c, opts);
    if (status >= 0)
      return status;
  }
  if (cli_rules_from_environment(&opts->rules) < 0) {
    fputs("logmask scan: out of memory\n", stderr);
    return SCAN_EXIT_ERROR;
  }
  if ((opts->update_baseline || opts->mode == SCAN_MODE_AUDIT) && !opts->baseline)
    return scan_usage_error("%s needs --baseline FILE",
                            opts->update_baseline ? "--update-baseline" : "--audit-baseline");
  if (opts->update_baseline && opts->mode == SCAN_MODE_AUDIT)
    return scan_usage_error("%s", "--update-baseline and --audit-baseline are separate runs");

  /* Operands: getopt permuted them to optind..end; a "--" (if any) ends
   * them and, for --git and --staged, starts the paths. */
  int end = dashes_at >= 0 ? dashes_at : argc;
  if (opts->mode == SCAN_MODE_GIT || opts->mode == SCAN_MODE_STAGED) {
    opts->paths = (const char **)(argv + optind);
    opts->path_count = (size_t)(end - optind);
    if (dashes_at >= 0) {
      opts->pathspecs = (const char **)(argv + dashes_at + 1);
      opts->pathspec_count = (size_t)(argc - dashes_at - 1);
    }
    if (opts->mode == SCAN_MODE_STAGED && opts->path_count > 0)
      return scan_usage_error("--staged takes paths after \"--\", not '%s'", opts->paths[0]);
    for (size_t i = 0; i < opts->path_count; i++)
      if (opts->paths[i][0] == '-')
        return scan_usage_error("--git: '%s' is not a revision range", opts->paths[i]);
    return -1;
  }
  if (dashes_at >= 0) {
    /* After "--" every word is a PATH, even one starting with '-'. */
    opts->paths = (const char **)(argv + optind);
    opts->path_count = (size_t)(argc - optind);
    /* drop the "--" itself, which sits at dashes_at inside that range */
    memmove(argv + dashes_at, argv + dashes_at + 1, (size_t)(argc - dashes_at - 1) * sizeof *argv);
    opts->path_count--;
  } else {
    opts->paths = (const char **)(argv + optind);
    opts->path_count = (size_t)(argc - optind);
  }
  static const char *const current_dir[] = {"."};
  if (opts->path_count == 0) {
    opts->paths = (const char **)current_dir;
    opts->path_count = 1;
  }
  return -1;
}

void scan_options_free(struct scan_options *opts)
{
  cli_options_free(&opts->rules);
  free(opts->excludes.items);
  memset(opts, 0, sizeof *opts);
}
