/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options of logmask: parsed once into a plain struct that the
 * rest of the program reads. */
#ifndef LOGMASK_OPTIONS_H
#define LOGMASK_OPTIONS_H

#include <stddef.h>

enum cli_stats { CLI_STATS_NONE, CLI_STATS_TEXT, CLI_STATS_JSON };

/* One --enable or --disable, kept in command-line order. */
struct cli_toggle {
  int enable;
  const char *name; /* rule id or group; points into argv */
};

/* A growable list of strings pointing into argv or the environment. */
struct cli_list {
  const char **items;
  size_t count, cap;
};

struct cli_options {
  int default_rules;          /* 0 after --no-default-rules */
  struct cli_list rules;      /* -r/--rules paths, or LOGMASK_RULES */
  struct cli_list literals;   /* --literals files */
  struct cli_list env_files;  /* --env-file files */
  struct cli_list env_ignore; /* --env-ignore globs */
  int no_default_env_ignore;  /* --no-default-env-ignore */
  const char *output;         /* -o FILE (appended, reopened on SIGHUP) or NULL */
  int run;                    /* `logmask run`: inputs hold the command */
  struct cli_toggle *toggles; /* --enable/--disable in order */
  size_t toggle_count;
  const char *mask;           /* --mask STYLE or NULL */
  const char *hash_key_file;  /* --hash-key-file or LOGMASK_HASH_KEY_FILE */
  const char *hash_key_id;    /* --hash-key-id or NULL for the default */
  const char *format;         /* --format, "auto" by default */
  enum cli_stats stats;
  int check;
  int list_rules;
  int test_rules;
  int line_buffered;          /* -1 = decide from isatty(stdout) */
  int gzip_level;             /* -z: 0..9; -1 writes plain text */
  unsigned jobs;              /* -j, LOGMASK_JOBS or the CPUs (up to 8); 1 = serial */
  struct cli_list mask_keys;  /* --mask-keys lists (comma-separated) */
  struct cli_list keep_keys;  /* --keep-keys lists */
  size_t max_line;            /* 0 = library default */
  size_t chunk_size;          /* read(2) size; tests sweep it */
  const char **inputs;        /* file names; "-" is stdin */
  size_t input_count;
  char *rules_env_copy;       /* LOGMASK_RULES split in place (owned) */
};

/* Parses argv and the environment into *opts.  Returns -1 to go on, or an
 * exit status (after --help, --version or a usage error, which it has
 * already reported). */
int cli_parse(int argc, char **argv, struct cli_options *opts);

/* The same for `logmask run [OPTION]... -- COMMAND [ARG]...`: options end
 * at the first non-option, which starts the command (opts->inputs). */
int cli_parse_run(int argc, char **argv, struct cli_options *opts);

/* Releases the arrays of *opts (the strings belong to argv/environ). */
void cli_options_free(struct cli_options *opts);


/* Appends to an option list (shared with `logmask scan`).  0, or -1 when
 * out of memory. */
int cli_list_push(struct cli_list *list, const char *item);

/* The long options that build the rule set, shared by the filter, `logmask
 * run` and `logmask scan`: each command's getopt table holds
 * CLI_RULE_OPTIONS and its own codes start at CLI_OPT_RULES_END. */
enum cli_rule_option {
  CLI_OPT_NO_DEFAULT_RULES = 256,
  CLI_OPT_LITERALS,
  CLI_OPT_ENV_FILE,
  CLI_OPT_ENV_IGNORE,
  CLI_OPT_NO_DEFAULT_ENV_IGNORE,
  CLI_OPT_ENABLE,
  CLI_OPT_DISABLE,
  CLI_OPT_HASH_KEY_FILE,
  CLI_OPT_MASK_KEYS,
  CLI_OPT_KEEP_KEYS,
  CLI_OPT_RULES_END
};
#define CLI_RULE_OPTIONS \
  {"rules", required_argument, NULL, 'r'}, \
  {"no-default-rules", no_argument, NULL, CLI_OPT_NO_DEFAULT_RULES}, \
  {"literals", required_argument, NULL, CLI_OPT_LITERALS}, \
  {"env-file", required_argument, NULL, CLI_OPT_ENV_FILE}, \
  {"env-ignore", required_argument, NULL, CLI_OPT_ENV_IGNORE}, \
  {"no-default-env-ignore", no_argument, NULL, CLI_OPT_NO_DEFAULT_ENV_IGNORE}, \
  {"enable", required_argument, NULL, CLI_OPT_ENABLE}, \
  {"disable", required_argument, NULL, CLI_OPT_DISABLE}, \
  {"hash-key-file", required_argument, NULL, CLI_OPT_HASH_KEY_FILE}, \
  {"mask-keys", required_argument, NULL, CLI_OPT_MASK_KEYS}, \
  {"keep-keys", required_argument, NULL, CLI_OPT_KEEP_KEYS}

/* Takes getopt's answer `c` with `arg` when it is a rule option ('r' or
 * a CLI_OPT_* code): 1 taken, 0 not one, -1 out of memory. */
int cli_rule_option(struct cli_options *opts, int c, const char *arg);

/* The smallest --max-line: lm_stream_set_limits refuses shorter lines
 * (the window overlap must stay under half of it). */
#define CLI_MAX_LINE_MIN ((size_t)64)

/* A byte count with an optional K/M/G (KiB, MiB...) suffix; 0 when not
 * one. */
size_t cli_parse_size(const char *text);

/* Fills opts->rules from LOGMASK_RULES (colon-separated) when no -r was
 * given, and opts->hash_key_file from LOGMASK_HASH_KEY_FILE when no
 * --hash-key-file was.  0, or -1 when out of memory. */
int cli_rules_from_environment(struct cli_options *opts);

#endif
