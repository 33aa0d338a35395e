/* SPDX-License-Identifier: Apache-2.0 */
/* A program built the way a user of liblogmask builds one, from the
 * pkg-config file alone (tests/install/pkgconfig.sh): masks its argument. */
#include <logmask.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
  if (argc != 2)
    return 2;
  lm_ruleset *set = lm_ruleset_new();
  lm_masker *m = NULL;
  int rc = 1;
  if (set && lm_ruleset_load_defaults(set) == LM_OK && lm_ruleset_compile(set) == LM_OK &&
      (m = lm_masker_new(set)) != NULL) {
    lm_line out;
    if (lm_masker_line(m, argv[1], strlen(argv[1]), &out) == LM_OK) {
      printf("%.*s\n", (int)out.len, out.text ? out.text : "");
      rc = 0;
    }
  }
  lm_masker_free(m);
  lm_ruleset_free(set);
  return rc;
}
