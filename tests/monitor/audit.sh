#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit trail: JSON lines with time, host, user, operation, secret,
# outcome; rotation by size deletes rotated files past the retention.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources <<EOF2
audit-log $T/audit/audit.log
audit-rotate-size 1k
audit-retention 30d
EOF2
mkdir -p "$T/audit"
expect_rc 0 mon init
line=$(head -1 "$T/audit/audit.log")
echo "$line" | grep -q '^{"seq":1,"time":"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z","host":"[^"]*","user":"[^"]*","op":"init","secret":null,"outcome":"ok","detail":"[^"]*","prev":"0\{64\}","mac":"[0-9a-f]\{64\}"}$' \
  || fail "audit record: $line"

# An expired and a recent rotated file.
echo '{}' > "$T/audit/audit.log.20200101T000000Z"
touch -d '40 days ago' "$T/audit/audit.log.20200101T000000Z"
echo '{}' > "$T/audit/audit.log.20990101T000000Z"
echo 'unrelated' > "$T/audit/other.log.1"
touch -d '40 days ago' "$T/audit/other.log.1"
i=0
while [ $i -lt 12 ]; do mon check >/dev/null; i=$((i + 1)); done
ls "$T/audit" > "$T/ls"
[ ! -e "$T/audit/audit.log.20200101T000000Z" ] || fail "expired audit file kept: $(cat "$T/ls")"
[ -e "$T/audit/audit.log.20990101T000000Z" ] || fail "recent audit file deleted"
[ -e "$T/audit/other.log.1" ] || fail "an unrelated file was deleted"
[ "$(grep -c '^audit.log.2' "$T/ls")" -ge 2 ] || fail "no rotation happened: $(cat "$T/ls")"
[ "$(stat -c %s "$T/audit/audit.log")" -lt 1500 ] || fail "audit log not rotated"
# Nothing lost: 12 check summaries across the files.
[ "$(cat "$T"/audit/audit.log* | grep -c '"op":"check","secret":null')" = 12 ] || fail "audit records lost"
# The chain runs on across the rotated files (once the planted one is gone).
rm "$T/audit/audit.log.20990101T000000Z"
expect_rc 0 mon verify-audit
grep -q '^audit trail intact: [0-9]* records (1 to [0-9]*) in [0-9]* files$' "$T/out" || fail "verify-audit: $(cat "$T/out" "$T/err")"
