/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics of the helper.  Never stderr: under mmexternal stderr is the
 * reply pipe, so one stray byte there would shift every later reply onto
 * the wrong message.  Lines go to a file named with --log, else to
 * syslog(3).  No message text is ever written here. */
#ifndef LMR_DIAG_H
#define LMR_DIAG_H

/* Opens `path` for appending (NULL: syslog).  0 ok, -1 when the file
 * cannot be opened (diagnostics then go to syslog). */
int lmr_diag_open(const char *path);
void lmr_diag_close(void);
/* priority: LOG_ERR, LOG_WARNING, LOG_INFO from <syslog.h>. */
void lmr_diag(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
