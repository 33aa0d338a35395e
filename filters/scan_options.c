/* Command-line parsing for `logmask scan` (getopt_long); see scan_options.h. */
#include <config.h>

#include "scan_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "scan.h"

enum scan_long_only {
  SOPT_NO_DEFAULT_RULES = 256,
  SOPT_LITERALS,
  SOPT_ENV_FILE,
  SOPT_ENABLE,
  SOPT_DISABLE,
  SOPT_HASH_KEY_FILE,
  SOPT_FORMAT,
  SOPT_EXCLUDE,
  SOPT_NO_DEFAULT_EXCLUDES,
  SOPT_BASELINE,
  SOPT_UPDATE_BASELINE,
};

static const struct option scan_long_options[] = {
  {"rules", required_argument, NULL, 'r'},
  {"no-default-rules", no_argument, NULL, SOPT_NO_DEFAULT_RULES},
  {"literals", required_argument, NULL, SOPT_LITERALS},
  {"env-file", required_argument, NULL, SOPT_ENV_FILE},
  {"enable", required_argument, NULL, SOPT_ENABLE},
  {"disable", required_argument, NULL, SOPT_DISABLE},
  {"hash-key-file", required_argument, NULL, SOPT_HASH_KEY_FILE},
  {"format", required_argument, NULL, SOPT_FORMAT},
  {"exclude", required_argument, NULL, SOPT_EXCLUDE},
  {"no-default-excludes", no_argument, NULL, SOPT_NO_DEFAULT_EXCLUDES},
  {"baseline", required_argument, NULL, SOPT_BASELINE},
  {"update-baseline", no_argument, NULL, SOPT_UPDATE_BASELINE},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

static const char scan_usage_text[] =
  "Usage: logmask scan [OPTION]... [PATH]...\n"
  "Report the secrets in files and directory trees without changing them.\n"
  "Each PATH (default '.') is a file or a directory walked recursively;\n"
  "binary files (a NUL byte in the first 8 KiB) are skipped.  A finding is\n"
  "reported as file, line, column, rule, a masked preview of the line and a\n"
  "fingerprint of the secret; the secret itself is never printed.\n"
  "\n"
  "Rules (as for the filter):\n"
  "  -r, --rules=PATH        load a rule file or directory; repeatable\n"
  "      --no-default-rules  start without the built-in rule library\n"
  "      --literals=FILE     known secret values, one a line\n"
  "      --env-file=FILE     every value of a dotenv FILE is a known secret\n"
  "      --enable=ID|GROUP   run rules that are off by default (e.g. pii)\n"
  "      --disable=ID|GROUP  do not run these rules\n"
  "      --hash-key-file=FILE  key the fingerprints (HMAC-SHA256; 32+ bytes,\n"
  "                          mode 0600); without it they are plain SHA-256\n"
  "\n"
  "Walking:\n"
  "      --exclude=GLOB      skip files and directories whose relative path or\n"
  "                          any path component matches GLOB; repeatable\n"
  "      --no-default-excludes  also walk .git, node_modules and *.min.js\n"
  "  (a .logmaskignore file at the top of a PATH adds one GLOB a line)\n"
  "\n"
  "Reports:\n"
  "      --format=FORMAT     text (default), json or sarif (SARIF 2.1.0)\n"
  "      --baseline=FILE     do not report findings FILE already accepts\n"
  "                          (matched on path, rule and fingerprint)\n"
  "      --update-baseline   write every finding of this run to the baseline\n"
  "                          FILE instead of reporting them\n"
  "  -h, --help              print this help and exit\n"
  "\n"
  "Environment: LOGMASK_RULES, LOGMASK_HASH_KEY_FILE as for the filter.\n"
  "\n"
  "Exit status:\n"
  "  0  no new findings\n"
  "  1  new findings (not in the baseline)\n"
  "  2  an error: usage, rules, a path that could not be read, the baseline;\n"
  "     the readable paths are still scanned and reported\n"
  "\n"
  "See logmask(1), section SCAN.\n";

static int scan_usage_error(const char *fmt, const char *arg)
{
  fputs("logmask scan: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'logmask scan --help' for more information.\n", stderr);
  return CLI_EXIT_USAGE;
}

static int parse_format(const char *name, enum scan_format *format)
{
  if (strcmp(name, "text") == 0)
    *format = SCAN_FORMAT_TEXT;
  else if (strcmp(name, "json") == 0)
    *format = SCAN_FORMAT_JSON;
  else if (strcmp(name, "sarif") == 0)
    *format = SCAN_FORMAT_SARIF;
  else
    return -1;
  return 0;
}

int scan_parse(int argc, char **argv, struct scan_options *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->rules.default_rules = 1;
  /* scan writes no masked output: the redact style keeps a rule's `mask:
   * drop` or `hash` (which needs a key) from mattering to a report. */
  opts->rules.mask = "redact";
  opts->rules.format = "text";
  opts->default_excludes = 1;

  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "r:h", scan_long_options, NULL)) != -1) {
    int failed = 0;
    struct cli_options *rules = &opts->rules;
    switch (c) {
    case 'r': failed = cli_list_push(&rules->rules, optarg); break;
    case SOPT_NO_DEFAULT_RULES: rules->default_rules = 0; break;
    case SOPT_LITERALS: failed = cli_list_push(&rules->literals, optarg); break;
    case SOPT_ENV_FILE: failed = cli_list_push(&rules->env_files, optarg); break;
    case SOPT_ENABLE: failed = cli_toggle_push(rules, 1, optarg); break;
    case SOPT_DISABLE: failed = cli_toggle_push(rules, 0, optarg); break;
    case SOPT_HASH_KEY_FILE: rules->hash_key_file = optarg; break;
    case SOPT_FORMAT:
      if (parse_format(optarg, &opts->format) < 0)
        return scan_usage_error("--format: unknown format '%s' (text, json, sarif)",
                                optarg);
      break;
    case SOPT_EXCLUDE: failed = cli_list_push(&opts->excludes, optarg); break;
    case SOPT_NO_DEFAULT_EXCLUDES: opts->default_excludes = 0; break;
    case SOPT_BASELINE: opts->baseline = optarg; break;
    case SOPT_UPDATE_BASELINE: opts->update_baseline = 1; break;
    case 'h':
      fputs(scan_usage_text, stdout);
      return fflush(stdout) == 0 ? CLI_EXIT_OK : SCAN_EXIT_ERROR;
    default:
      fputs("Try 'logmask scan --help' for more information.\n", stderr);
      return CLI_EXIT_USAGE;
    }
    if (failed) {
      fputs("logmask scan: out of memory\n", stderr);
      return SCAN_EXIT_ERROR;
    }
  }
  if (cli_rules_from_environment(&opts->rules) < 0) {
    fputs("logmask scan: out of memory\n", stderr);
    return SCAN_EXIT_ERROR;
  }
  if (!opts->rules.hash_key_file) {
    const char *env = getenv("LOGMASK_HASH_KEY_FILE");
    if (env && *env)
      opts->rules.hash_key_file = env;
  }
  if (opts->update_baseline && !opts->baseline)
    return scan_usage_error("%s needs --baseline FILE", "--update-baseline");

  static const char *const current_dir[] = {"."};
  if (optind < argc) {
    opts->paths = (const char **)(argv + optind);
    opts->path_count = (size_t)(argc - optind);
  } else {
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
