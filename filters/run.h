/* SPDX-License-Identifier: Apache-2.0 */
/* `logmask run [OPTION]... -- COMMAND [ARG]...`: runs a program with its
 * standard output and standard error each through its own masker. */
#ifndef LOGMASK_RUN_H
#define LOGMASK_RUN_H

/* argv[0] is the command's display name ("logmask run").  Returns the exit
 * status: the program's, 128+N when signal N ended it, or one of
 * CLI_EXIT_RUN_* (exitcodes.h). */
int run_main(int argc, char **argv);

#endif
