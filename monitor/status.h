/* SPDX-License-Identifier: Apache-2.0 */
/* status.h - STATE_DIR/status.json: the last check and the open alerts
 * (those of the last check, plus leaks until the secret is accepted or
 * the leak acknowledged), sealed (seal.h) like the baseline. */
#ifndef MONITOR_STATUS_H
#define MONITOR_STATUS_H

#include "alert.h"
#include "keys.h"

/* Bound on remembered leaks: the audit log keeps every one. */
#define STATUS_MAX_LEAKS 1000

typedef struct status {
  char *last_check;   /* ISO time or NULL */
  char *result;       /* "ok", "alerts", "failing" or NULL */
  alert_list alerts;  /* of the last check */
  alert_list leaks;
} status;

/* Returned by status_load when the seal does not verify. */
#define STATUS_TAMPERED (-2)

/* An absent file gives an empty status.  -1 with *err "FILE:LINE: why";
 * STATUS_TAMPERED with *err when the file is not the one the monitor
 * wrote. */
int status_load(const char *path, const unsigned char state_key[MAC_LEN], status *st,
                char **err);
int status_save(const char *path, const unsigned char state_key[MAC_LEN], const status *st,
                char **err);
void status_free(status *st);

/* Drops open alerts about (source, name). */
void status_forget(status *st, const char *source, const char *name);
/* Adds a leak, dropping the oldest beyond STATUS_MAX_LEAKS. */
int status_add_leak(status *st, const alert *a);
/* Index of the leak with this id, or -1. */
long status_find_leak(const status *st, const char *id);
/* Drops open weak alerts about (source, name). */
void status_forget_weak(status *st, const char *source, const char *name);

#endif
