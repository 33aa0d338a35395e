/* SPDX-License-Identifier: Apache-2.0 */
/* JSON generation and hex for `logmask scan`; see scan_json.h. */
#include <config.h>

#include "scan_json.h"

#include <string.h>

yajl_gen scan_json_new(void)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return NULL;
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  yajl_gen_config(g, yajl_gen_validate_utf8, 1);
  return g;
}

void scan_json_string(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

int scan_json_write(yajl_gen g, FILE *out)
{
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
    return -1;
  fwrite(buf, 1, len, out);
  if (len == 0 || buf[len - 1] != '\n')
    fputc('\n', out);
  return ferror(out) ? -1 : 0;
}

void scan_hex(const unsigned char *md, size_t bytes, char *hex)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < bytes; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[2 * bytes] = '\0';
}
