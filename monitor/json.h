/* SPDX-License-Identifier: Apache-2.0 */
/* json.h - thin helpers over yajl for the monitor's JSON-lines files and
 * alert records. */
#ifndef MONITOR_JSON_H
#define MONITOR_JSON_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* A generator for one compact JSON value; NULL when out of memory. */
yajl_gen json_gen_new(int pretty);
/* "key": "value" (value NULL writes null). */
void json_put_str(yajl_gen g, const char *key, const char *value);
void json_put_int(yajl_gen g, const char *key, long long value);
/* Copies the generated text into a malloc'd string (no newline added). */
char *json_gen_take(yajl_gen g, size_t *len);

/* Members of a parsed object; NULL when absent or of another type. */
const char *json_get_str(yajl_val obj, const char *key);
/* -1 when absent or not an integer. */
long long json_get_int(yajl_val obj, const char *key);
yajl_val json_get(yajl_val obj, const char *key);

#endif
