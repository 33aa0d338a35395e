/* SPDX-License-Identifier: Apache-2.0 */
/* alert.h - alert records and the sinks that deliver them.
 *
 * Schema of an alert (one JSON object, one line):
 *   time      ISO 8601 UTC
 *   host      host name
 *   kind      changed | missing | added | permissions | weak | leaked
 *             | unreadable | duplicate | tampered
 *   severity  critical (leaked, tampered) | high (changed, missing,
 *             permissions, unreadable, duplicate) | medium (added, weak)
 *   secret    secret name, or null
 *   source    configured source (path or "env"), or null
 *   detail    one human sentence; never a secret value
 *   log, line leaked only: log path and 1-based line number
 *   rule      leaked only: the library rule id when no guarded secret but a
 *             rule of the rule library matched, else null
 *   id        12 hex digits naming this alert (accept --leak ID)
 */
#ifndef MONITOR_ALERT_H
#define MONITOR_ALERT_H

#include "conf.h"

#include <stddef.h>
#include <time.h>
#include <yajl/yajl_tree.h>

typedef struct alert {
  time_t time;
  char *id;
  char *kind;
  char *secret;
  char *source;
  char *detail;
  char *log;
  unsigned long line;
  char *rule;
} alert;

typedef struct alert_list {
  alert *v;
  size_t n, cap;
} alert_list;

/* Appends an alert (fields copied; a new id when it has none).  -1 when
 * out of memory. */
int alert_list_add(alert_list *list, const char *kind, const char *secret,
                   const char *source, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int alert_list_push(alert_list *list, const alert *a);
void alert_list_free(alert_list *list);
void alert_free(alert *a);
/* Removes entry i, keeping the order. */
void alert_list_remove(alert_list *list, size_t i);

const char *alert_severity(const char *kind);
/* Writes the alert as an object into g. */
void alert_gen(const alert *a, void *yajl_gen_handle);
/* One compact JSON line without newline; NULL when out of memory. */
char *alert_to_json(const alert *a, size_t *len);
/* Reads back an object written by alert_gen; -1 when malformed. */
int alert_from_json(yajl_val obj, alert *out);

/* Does this kind leave the monitor unable to vouch for a secret (state
 * tampered, a source or the key unreadable, a name whose value depends on
 * the loader)?  `status` then says failing. */
int alert_is_failure(const char *kind);

/* Delivery to the configured sinks (stdout when none is configured). */
typedef struct alerter alerter;
alerter *alerter_new(const config *cfg);
void alerter_emit(alerter *al, const alert *a);
/* Collects finished exec children without blocking. */
void alerter_reap(alerter *al);
/* Waits (bounded) for exec children, then frees. */
void alerter_free(alerter *al);

#endif
