#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit trail is hash-chained: verify-audit passes on the trail as
# written (across rotation, where the new file goes on from the last MAC
# of the old) and reports the first broken link of an edited, deleted,
# reordered or cut record with FILE:LINE, exit 1.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources <<EOF2
audit-log $T/audit/audit.log
audit-rotate-size 1k
EOF2
mkdir -p "$T/audit"
expect_rc 0 mon init
i=0
while [ $i -lt 14 ]; do mon check > /dev/null; i=$((i + 1)); done
set -- "$T"/audit/audit.log.2*
[ -e "$1" ] || fail "no rotation happened"
expect_rc 0 mon verify-audit
grep -q "^audit trail intact: 15 records (1 to 15) in $(($# + 1)) files$" "$T/out" || fail "verify-audit: $(cat "$T/out")"
# The first record of the current file goes on from the last of the old.
last_old=$(tail -n 1 "$(ls "$T"/audit/audit.log.2* | tail -n 1)" | sed 's/.*"mac":"\([0-9a-f]*\)"}$/\1/')
head -n 1 "$T/audit/audit.log" | grep -q "\"prev\":\"$last_old\"" || fail "the chain does not cross the rotation"

cp -r "$T/audit" "$T/audit.good"
cp "$STATE/audit.head" "$T/head.good"
restore() { rm -rf "$T/audit"; cp -r "$T/audit.good" "$T/audit"; cp "$T/head.good" "$STATE/audit.head"; }
broken() {
  expect_rc 1 mon verify-audit
  grep -q "$1" "$T/err" || fail "$2: $(cat "$T/err")"
  restore
}

# An edited record (the outcome of the init).
f=$(ls "$T"/audit/audit.log.2* | head -n 1)
sed -i '1s/"outcome":"ok"/"outcome":"error"/' "$f"
broken "^$f:1: first broken link: the record does not match its MAC: it was edited$" "edited"

# A record deleted in the middle of a file.
sed -i '2d' "$f"
broken "^$f:2: first broken link: record 3 does not follow record 1" "deleted"

# Two records swapped.
sed -n '2p' "$f" > "$T/l2"; sed -n '3p' "$f" > "$T/l3"
{ sed -n '1p' "$f"; cat "$T/l3" "$T/l2"; sed -n '4,$p' "$f"; } > "$T/swapped"
cat "$T/swapped" > "$f"
broken "^$f:2: first broken link: record 3 does not follow record 1" "swapped"

# The last records cut: the head still names the last one.
sed -i '$d' "$T/audit/audit.log"
broken "the trail ends at record 14 but the head names record 15: records were removed from its end" "cut"

# A rotated file deleted from the middle breaks the chain; the oldest
# ones go with audit-retention, which verify-audit says.
set -- "$T"/audit/audit.log.2*
[ $# -ge 3 ] || fail "expected at least 3 rotated files, got $#"
rm "$2"
broken "^$3:1: first broken link: record [0-9]* does not follow record [0-9]*" "middle file deleted"
rm "$1"
expect_rc 0 mon verify-audit
grep -q '; records before [0-9]* were rotated away and pruned$' "$T/out" || fail "pruned start: $(cat "$T/out")"
restore

# A forged record needs the key: a made-up MAC does not verify.
sed 's/"op":"check"/"op":"accept"/' "$T/audit/audit.log" | tail -n 1 >> "$T/audit/audit.log"
broken "first broken link" "forged record"
# The head edited.
sed -i 's/"seq":15/"seq":99/' "$STATE/audit.head"
broken "audit.head: the head does not match its MAC" "head edited"

# A flood of leaks: one record each, written in batches (several writes,
# alerts sent in groups while the log is read), chained like any others,
# and the status keeps the newest 1000.
restore
mkdir -p "$T/log"
awk -v v="$PW_VALUE" 'BEGIN { for (i = 1; i <= 6000; i++) printf "req %d pw=%s\n", i, v }' > "$T/log/flood.log"
sed -i "s/^audit-rotate-size .*/audit-rotate-size 10M/" "$CONF"
echo "log $T/log/flood.log" >> "$CONF"
expect_rc 1 mon run --once
[ "$(count_kind leaked)" = 6000 ] || fail "leak alerts: $(count_kind leaked)"
[ "$(grep -c '"op":"leak","secret":"DB_PASSWORD"' "$T/audit/audit.log")" = 6000 ] || fail "leak records"
expect_rc 0 mon verify-audit
grep -q "^audit trail intact: [0-9]* records " "$T/out" || fail "verify-audit after the flood: $(cat "$T/out")"
grep -q '"op":"run","secret":null,"outcome":"stopped"' "$T/audit/audit.log" || fail "the run's last record"
expect_rc 1 mon status --json
[ "$(grep -o '"kind": *"leaked"' "$T/out" | wc -l)" = 1000 ] || fail "status leaks: $(grep -o '"kind": *"leaked"' "$T/out" | wc -l)"
grep -q '"line": *6000' "$T/out" || fail "the newest leak is not in the status"
