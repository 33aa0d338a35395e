/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON oracle of the fuzz targets: valid as RFC 8259 has it.  yajl
 * 2.1 is more lenient: it takes \v and \f as blanks, and an unfinished
 * token after the value (` "abc`, ` tr`) for input still to come.  A '"'
 * appended turns such a tail into an error, while after a complete value
 * it only opens an unfinished string. */
#ifndef LM_FUZZ_JSON_VALID_H
#define LM_FUZZ_JSON_VALID_H
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

static int yajl_accepts(const char *text, size_t len)
{
  yajl_handle h = yajl_alloc(NULL, NULL, NULL);
  FUZZ_ASSERT(h, "yajl_alloc failed");
  yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(h);
  yajl_free(h);
  return st == yajl_status_ok;
}

static int valid_json(const char *text, size_t len)
{
  if (!len || memchr(text, '\v', len) || memchr(text, '\f', len) || !yajl_accepts(text, len))
    return 0;
  char *quoted = malloc(len + 1);
  FUZZ_ASSERT(quoted, "out of memory");
  memcpy(quoted, text, len);
  quoted[len] = '"';
  int ok = yajl_accepts(quoted, len + 1);
  free(quoted);
  return ok;
}
#endif
