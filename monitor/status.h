/* status.h - STATE_DIR/status.json: the last check and the open alerts
 * (those of the last check, plus leaks until the secret is accepted). */
#ifndef MONITOR_STATUS_H
#define MONITOR_STATUS_H

#include "alert.h"

/* Bound on remembered leaks: the audit log keeps every one. */
#define STATUS_MAX_LEAKS 1000

typedef struct status {
  char *last_check;   /* ISO time or NULL */
  char *result;       /* "ok", "alerts" or NULL */
  alert_list alerts;  /* of the last check */
  alert_list leaks;
} status;

/* An absent file gives an empty status.  -1 with *err "FILE:LINE: why". */
int status_load(const char *path, status *st, char **err);
int status_save(const char *path, const status *st, char **err);
void status_free(status *st);

/* Drops open alerts about (source, name). */
void status_forget(status *st, const char *source, const char *name);
/* Adds a leak, dropping the oldest beyond STATUS_MAX_LEAKS. */
int status_add_leak(status *st, const alert *a);

#endif
