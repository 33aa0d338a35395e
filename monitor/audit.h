/* SPDX-License-Identifier: Apache-2.0 */
/* audit.h - the append-only audit trail: one JSON line per operation
 *   {"seq","time","host","user","op","secret","outcome","detail","prev","mac"}
 * hash-chained: seq counts records from the first ever, prev is the mac of
 * the record before (64 zeros for the first), and mac is HMAC-SHA256 under
 * the audit key (keys.h) of the line without its ",\"mac\":..." member.
 * STATE_DIR/audit.head (sealed) holds the seq and mac of the last record,
 * so records cut from the end are seen too.  When the file reaches
 * `audit-rotate-size` it is renamed to FILE.YYYYMMDDTHHMMSSZ and the chain
 * goes on in the new file; rotated files older than `audit-retention` are
 * deleted.  Without the key (it is gone or unreadable, which is itself an
 * alert) records are written with null prev and mac and stay outside the
 * chain. */
#ifndef MONITOR_AUDIT_H
#define MONITOR_AUDIT_H

#include "conf.h"
#include "keys.h"

/* Keys for the records of this process (NULL: write unauthenticated
 * records).  Copied. */
void audit_set_keys(const keyring *k);

/* Appends one record.  Failures are reported on stderr and returned (-1);
 * callers decide whether that stops them. */
int audit_record(const config *cfg, const char *op, const char *secret,
                 const char *outcome, const char *detail);

/* Appends n records under one lock and one head update, as audit_record
 * would one by one (a flood of leaks costs a write per 256 KiB, not a
 * file replaced per record).  Records before a failure stay written. */
typedef struct audit_entry {
  const char *op, *secret, *outcome, *detail;
} audit_entry;
int audit_records(const config *cfg, const audit_entry *entries, size_t n);

/* logmask-monitor verify-audit: checks every file of the trail in order
 * (rotated ones, then the current one) and the head.  Prints a summary
 * on stdout, or "FILE:LINE: why" of the first broken link on stderr.
 * Returns 0 intact, 1 broken, 2 error (no key, unreadable files). */
int audit_verify(const config *cfg, const keyring *k);

#endif
