/* audit.h - the append-only audit trail: one JSON line per operation
 * {"time","host","user","op","secret","outcome","detail"}.  When the file
 * reaches `audit-rotate-size` it is renamed to FILE.YYYYMMDDTHHMMSSZ and
 * rotated files older than `audit-retention` are deleted. */
#ifndef MONITOR_AUDIT_H
#define MONITOR_AUDIT_H

#include "conf.h"

/* Appends one record.  Failures are reported on stderr and returned (-1);
 * callers decide whether that stops them. */
int audit_record(const config *cfg, const char *op, const char *secret,
                 const char *outcome, const char *detail);

#endif
