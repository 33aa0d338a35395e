/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_rulefile.c - the rule-file parser and compiler: load a buffer,
 * compile it, run its inline tests and mask its own lines with it.
 * Oracle: a refused file is refused with a message naming the file. */
#include "fuzz.h"
#include "logmask.h"

#define NAME "fuzz.rules"

static void on_diag(void *ctx, lm_severity severity, const char *message)
{
  FUZZ_ASSERT(message != NULL, "diagnostic without text");
  (void)ctx;
  (void)severity;
}

static void mask_own_lines(const lm_ruleset *set, const char *text, size_t len)
{
  lm_masker *m = lm_masker_new(set);
  if (!m)
    return;
  const char *end = text + len;
  for (const char *p = text; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lm_line out;
    lm_status st = lm_masker_line(m, p, n, &out);
    FUZZ_ASSERT(st == LM_OK || st == LM_ERR_NOMEM, "lm_masker_line: %s", lm_strerror(st));
    FUZZ_ASSERT(st != LM_OK || out.text || (out.flags & LM_LINE_DROPPED),
                "no text for a line not dropped");
    p += n + 1;
  }
  lm_masker_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  lm_ruleset *set = lm_ruleset_new();
  if (!set)
    return 0;
  lm_ruleset_set_diag(set, on_diag, NULL);
  lm_status st = lm_ruleset_load_buffer(set, NAME, text, size);
  if (st == LM_OK)
    st = lm_ruleset_compile(set);
  if (st == LM_OK) {
    size_t run = 0, failed = 0;
    st = lm_ruleset_test(set, &run, &failed);
    FUZZ_ASSERT(st == LM_OK || st == LM_ERR_TEST || st == LM_ERR_NOMEM,
                "lm_ruleset_test: %s", lm_strerror(st));
    FUZZ_ASSERT(failed <= run, "%zu of %zu tests failed", failed, run);
    for (size_t i = 0; i < lm_ruleset_rule_count(set); i++)
      FUZZ_ASSERT(lm_ruleset_rule_id(set, i) && lm_ruleset_rule_description(set, i),
                  "rule %zu has no id or description", i);
    mask_own_lines(set, text, size);
  } else if (st != LM_ERR_NOMEM) {
    const lm_error *e = lm_ruleset_error(set);
    FUZZ_ASSERT(e && e->status == st, "error detail does not match the status");
    FUZZ_ASSERT(e->message && e->message[0], "%s without a message", lm_strerror(st));
    FUZZ_ASSERT(strstr(e->message, NAME) != NULL, "message does not name the file: %s",
                e->message);
  }
  lm_ruleset_free(set);
  return 0;
}
