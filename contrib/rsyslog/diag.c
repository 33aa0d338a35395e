/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "diag.h"
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;

int lmr_diag_open(const char *path) {
  if (!path) {
    openlog("logmask-rsyslog", LOG_PID, LOG_DAEMON);
    return 0;
  }
  log_file = fopen(path, "ae");
  if (!log_file) {
    openlog("logmask-rsyslog", LOG_PID, LOG_DAEMON);
    return -1;
  }
  setvbuf(log_file, NULL, _IOLBF, 0);
  return 0;
}

void lmr_diag_close(void) {
  if (log_file)
    fclose(log_file);
  else
    closelog();
  log_file = NULL;
}

void lmr_diag(int priority, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (log_file) {
    static const char *const names[] = { "emerg", "alert", "crit", "error",
                                         "warning", "notice", "info", "debug" };
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm))
      strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(log_file, "%s logmask-rsyslog[%ld]: %s: ", when, (long)getpid(),
            names[priority & 7]);
    vfprintf(log_file, fmt, ap);
    fputc('\n', log_file);
  } else {
    vsyslog(priority, fmt, ap);
  }
  va_end(ap);
}
