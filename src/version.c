/* SPDX-License-Identifier: Apache-2.0 */
/* Version, status strings, error recording and diagnostics. */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lm_version(void) { return PACKAGE_VERSION; }

const char *lm_strerror(lm_status status) {
  switch (status) {
  case LM_OK: return "success";
  case LM_ERR_NOMEM: return "out of memory";
  case LM_ERR_IO: return "input/output error";
  case LM_ERR_SYNTAX: return "syntax error in rule file";
  case LM_ERR_REGEX: return "invalid regular expression";
  case LM_ERR_DUPLICATE: return "duplicate rule id";
  case LM_ERR_ARG: return "invalid argument";
  case LM_ERR_STATE: return "operation not allowed in this state";
  case LM_ERR_SHORT: return "known secret shorter than the minimum length";
  case LM_ERR_KEY: return "unusable hash key";
  case LM_ERR_WRITE: return "output writer failed";
  case LM_ERR_TEST: return "rule tests failed";
  case LM_ERR_LIMIT: return "limit exceeded";
  case LM_ERR_FORMAT: return "input format error";
  }
  return "unknown status";
}

void lm_free(void *p) { free(p); }

lm_status lm_set_error(lm_error *e, char *msgbuf, size_t msgcap, char *filebuf,
                       size_t filecap, lm_status st, const char *file,
                       unsigned long line, unsigned long col, const char *fmt, ...) {
  char detail[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  if (file && file != filebuf)
    snprintf(filebuf, filecap, "%s", file);
  else if (!file)
    filebuf[0] = '\0';
  if (file && line && col)
    snprintf(msgbuf, msgcap, "%s:%lu:%lu: %s", filebuf, line, col, detail);
  else if (file && line)
    snprintf(msgbuf, msgcap, "%s:%lu: %s", filebuf, line, detail);
  else if (file)
    snprintf(msgbuf, msgcap, "%s: %s", filebuf, detail);
  else
    snprintf(msgbuf, msgcap, "%s", detail);
  e->status = st;
  e->file = filebuf;
  e->line = line;
  e->column = col;
  e->message = msgbuf;
  return st;
}

void lm_diag(const lm_ruleset *set, lm_severity sev, const char *fmt, ...) {
  if (!set->diag)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  set->diag(set->diag_ctx, sev, msg);
}
