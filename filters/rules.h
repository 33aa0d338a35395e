/* SPDX-License-Identifier: Apache-2.0 */
/* Building the compiled rule set from the options, in the documented order:
 * built-in rules, --rules (or LOGMASK_RULES), --literals, --env-file,
 * --enable/--disable, --mask, the hash key, compile. */
#ifndef LOGMASK_RULES_H
#define LOGMASK_RULES_H

#include "logmask.h"
#include "options.h"

/* The compiled set, or NULL after reporting the error on stderr. */
lm_ruleset *rules_build(const struct cli_options *opts);

#endif
