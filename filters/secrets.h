/* SPDX-License-Identifier: Apache-2.0 */
/* Known secret values for the rule set: --literals and --env-file. */
#ifndef LOGMASK_SECRETS_H
#define LOGMASK_SECRETS_H

#include "logmask.h"

/* Each line of `path` (LF or CRLF; blank lines skipped) becomes a known
 * literal named "PATH:LINE".  Returns 0, or -1 after reporting on stderr
 * (a value the library refuses names its file:line, never its text). */
int secrets_load_literals(lm_ruleset *set, const char *path);

/* Every value of the dotenv file `path` becomes a known literal named by
 * its key, but for keys matching one of the n `ignore` globs or (unless
 * no_defaults) the library's default ignore list; short values are skipped
 * with a warning (through the set's diag callback).  Returns 0, or -1 after
 * reporting as above. */
int secrets_load_env_file(lm_ruleset *set, const char *path, const char *const *ignore,
                          size_t n, int no_defaults);

#endif
