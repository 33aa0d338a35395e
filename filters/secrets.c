/* SPDX-License-Identifier: Apache-2.0 */
/* Loading known secret values from files; see secrets.h.  The reading and
 * the dotenv syntax are the library's (lm_ruleset_add_literals_file,
 * lm_ruleset_add_env_file_ignore); this file only reports. */
#include <config.h>

#include "secrets.h"

#include <stdio.h>

static int report(const lm_ruleset *set, lm_status status)
{
  if (status == LM_OK)
    return 0;
  const lm_error *err = lm_ruleset_error(set);
  fprintf(stderr, "logmask: %s\n",
          err && err->message && *err->message ? err->message : lm_strerror(status));
  return -1;
}

int secrets_load_literals(lm_ruleset *set, const char *path)
{
  return report(set, lm_ruleset_add_literals_file(set, path));
}

int secrets_load_env_file(lm_ruleset *set, const char *path, const char *const *ignore,
                          size_t n, int no_defaults)
{
  return report(set, lm_ruleset_add_env_file_ignore(set, path, ignore, n,
                                                     no_defaults ? LM_ENV_NO_DEFAULT_IGNORE
                                                                 : 0));
}
