/* SPDX-License-Identifier: Apache-2.0 */
/* json.c - see json.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "json.h"

#include <stdlib.h>
#include <string.h>

yajl_gen json_gen_new(int pretty)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return NULL;
  yajl_gen_config(g, yajl_gen_beautify, pretty);
  yajl_gen_config(g, yajl_gen_validate_utf8, 0);
  return g;
}

static void put_key(yajl_gen g, const char *key)
{
  yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void json_put_str(yajl_gen g, const char *key, const char *value)
{
  put_key(g, key);
  if (value)
    yajl_gen_string(g, (const unsigned char *)value, strlen(value));
  else
    yajl_gen_null(g);
}

void json_put_int(yajl_gen g, const char *key, long long value)
{
  put_key(g, key);
  yajl_gen_integer(g, value);
}

char *json_gen_take(yajl_gen g, size_t *len)
{
  const unsigned char *buf;
  size_t n;
  if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
    return NULL;
  char *out = malloc(n + 2); /* room for a newline and a NUL */
  if (!out)
    return NULL;
  memcpy(out, buf, n);
  out[n] = '\0';
  if (len)
    *len = n;
  return out;
}

yajl_val json_get(yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT(obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

const char *json_get_str(yajl_val obj, const char *key)
{
  yajl_val v = json_get(obj, key);
  return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

long long json_get_int(yajl_val obj, const char *key)
{
  yajl_val v = json_get(obj, key);
  return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}
