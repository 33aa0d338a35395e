/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON documents of `logmask scan` (reports, the audit listing, the
 * baseline): one yajl generator setup, and hex digests. */
#ifndef LOGMASK_SCAN_JSON_H
#define LOGMASK_SCAN_JSON_H

#include <stddef.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>

/* A generator that indents by two blanks and refuses strings that are not
 * UTF-8 (every string is valid by construction; a slip must not give
 * invalid JSON).  NULL when out of memory. */
yajl_gen scan_json_new(void);

/* A NUL-terminated string. */
void scan_json_string(yajl_gen g, const char *s);

/* Writes the finished document and a line end on `out`.  0, or -1 when
 * the document is incomplete or writing failed. */
int scan_json_write(yajl_gen g, FILE *out);

/* The first `bytes` bytes of `md` as lower-case hex into hex[2 * bytes + 1]. */
void scan_hex(const unsigned char *md, size_t bytes, char *hex);

#endif
