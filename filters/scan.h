/* SPDX-License-Identifier: Apache-2.0 */
/* `logmask scan`: report the secrets in files and trees without changing
 * them.  Dispatched from main() when the first argument is "scan". */
#ifndef LOGMASK_SCAN_H
#define LOGMASK_SCAN_H

/* Exit statuses of `logmask scan` (documented in logmask(1), SCAN).  When
 * both apply, an error (2) outranks new findings (1): the run was
 * incomplete, and the findings it made are still all reported. */
enum scan_exit {
  SCAN_EXIT_CLEAN = 0, /* no finding outside the baseline */
  SCAN_EXIT_FOUND = 1, /* new findings */
  SCAN_EXIT_ERROR = 2  /* usage, rules, an unreadable path, the baseline, output */
};

/* argv[0] is the command name ("logmask scan"); the rest are its
 * arguments.  Returns the exit status. */
int scan_main(int argc, char **argv);

#endif
