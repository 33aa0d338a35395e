/* SPDX-License-Identifier: Apache-2.0 */
/* dotenv.c - see dotenv.h: the library's parser (lm_dotenv_parse), with
 * errors worded "FILE:LINE: why" for the monitor's messages. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "dotenv.h"
#include "util.h"

#include <stdlib.h>

#include "logmask.h"

typedef struct relay {
  dotenv_fn fn;
  void *ctx;
  int rc; /* what fn returned when it stopped the parse */
} relay;

static int pass_on(void *vctx, const char *name, const char *value, size_t len,
                   unsigned long line)
{
  relay *r = vctx;
  r->rc = r->fn(r->ctx, name, value, len, line);
  return r->rc;
}

int dotenv_parse(const char *file, const char *text, size_t len, dotenv_fn fn,
                 void *ctx, char **err)
{
  relay r = { fn, ctx, 0 };
  unsigned long line = 0;
  char why[256];
  lm_status st = lm_dotenv_parse(text, len, pass_on, &r, &line, why, sizeof why);
  switch (st) {
  case LM_OK:
    return 0;
  case LM_ERR_STATE:
    return r.rc;
  case LM_ERR_SYNTAX:
    return mon_fail(err, "%s:%lu: %s", file, line, why);
  default:
    return mon_fail(err, "%s: %s", file, lm_strerror(st));
  }
}
