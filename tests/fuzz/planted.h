/* SPDX-License-Identifier: Apache-2.0 */
/* planted.h - known literals the stream and format targets load and plant
 * in their input.  Oracle: none may appear in any output.
 *
 * Why this cannot false-alarm: output is input bytes outside masked spans
 * plus mask texts.  A mask text is "[...]" (redact, hash), '*' runs and
 * kept ends (stars, partial) or empty (drop); rule ids and labels are
 * lower case.  A planted value holds no '[', ']' or '*' and an upper-case
 * letter other than those of "REDACTED", so any occurrence of it in the
 * output lies inside one run of unmasked input bytes: a real leak. */
#ifndef LOGMASK_FUZZ_PLANTED_H
#define LOGMASK_FUZZ_PLANTED_H

#include "fuzz.h"
#include "logmask.h"

static const char *const planted[] = {
  "QZXWVKJYQPLMNBGH",   /* plain token */
  "Hv7 =!Kp;q",         /* blank, '=', ';': crosses logfmt and text tokens */
  "s3\"cr\\Vx9/+Kq%",   /* quote and backslash: never raw inside valid JSON */
};
#define N_PLANTED (sizeof planted / sizeof planted[0])

static inline void planted_load(lm_ruleset *set)
{
  for (size_t i = 0; i < N_PLANTED; i++) {
    lm_status st = lm_ruleset_add_literal(set, "planted", planted[i], strlen(planted[i]));
    FUZZ_ASSERT(st == LM_OK, "add_literal: %s", lm_strerror(st));
  }
}

static inline void planted_absent(const char *out, size_t len)
{
  for (size_t i = 0; i < N_PLANTED; i++)
    FUZZ_ASSERT(!fuzz_contains(out, len, planted[i], strlen(planted[i])),
                "planted secret %zu survived in the output", i);
}

#endif
