/* SPDX-License-Identifier: Apache-2.0 */
/* dotenv.h - environment files (.env) through the library's parser,
 * lm_dotenv_parse (logmask.h: every line docker compose, python-dotenv or
 * django-environ reads), with errors worded "FILE:LINE: why". */
#ifndef MONITOR_DOTENV_H
#define MONITOR_DOTENV_H

#include <stddef.h>

/* Called once per assignment.  `value` is wiped by the parser after the
 * call returns: copy it if needed.  `line` is the line of NAME.  A non-zero
 * return stops the parse (dotenv_parse then returns that value). */
typedef int (*dotenv_fn)(void *ctx, const char *name, const char *value, size_t len,
                         unsigned long line);

/* Parses `text`; on a syntax error returns -1 with *err = "FILE:LINE: why"
 * (malloc'd; the message never quotes a value). */
int dotenv_parse(const char *file, const char *text, size_t len, dotenv_fn fn,
                 void *ctx, char **err);

#endif
