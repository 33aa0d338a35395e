/* SPDX-License-Identifier: Apache-2.0 */
/* Exit statuses of logmask, documented in --help and logmask(1).  Scripts
 * depend on them: change them only with the documentation. */
#ifndef LOGMASK_EXITCODES_H
#define LOGMASK_EXITCODES_H

enum cli_exit {
  CLI_EXIT_OK = 0,      /* every input read and written */
  CLI_EXIT_FOUND = 1,   /* --check masked something; --test-rules failed */
  CLI_EXIT_USAGE = 2,   /* bad option, rule file, literal, key or format */
  CLI_EXIT_INPUT = 3,   /* an input could not be opened or read */
  CLI_EXIT_OUTPUT = 4,  /* standard output could not be written */
  CLI_EXIT_PIPE = 141,  /* the reader went away (128 + SIGPIPE), quietly */
  CLI_EXIT_SIGNAL = 128, /* + signal number after SIGTERM/SIGINT */
  /* `logmask run` otherwise exits with the program's status: */
  CLI_EXIT_RUN_FAILED = 125,   /* logmask itself failed (options, rules, output) */
  CLI_EXIT_RUN_NOEXEC = 126,   /* the command could not be executed */
  CLI_EXIT_RUN_NOTFOUND = 127  /* the command was not found */
};

#endif
