#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run: a guarded secret written to a watched log raises `leaked` within 2 s
# (log, line, name, never the value) and the masked copy has no trace.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log"
: > "$T/log/app.log"
setup_sources <<EOF2
log $T/log/app.log mask-to $T/log/app.masked.log
interval 1h
EOF2
expect_rc 0 mon init
start_daemon

echo 'GET /health 200' >> "$T/log/app.log"
echo "db connect user=app pw=$PW_VALUE host=db1" >> "$T/log/app.log"
wait_for 2 grep -q '"kind":"leaked"' "$T/daemon.out"
echo "retrying with $FILE_VALUE" >> "$T/log/app.log"
wait_for 2 grep -q '"secret":"db_root"' "$T/daemon.out"
echo 'GET /health 200 again' >> "$T/log/app.log"
wait_for 2 grep -q 'again' "$T/log/app.masked.log"

grep -q '^{"time":"[^"]*","host":"[^"]*","kind":"leaked","severity":"critical","secret":"DB_PASSWORD","source":"'"$T"'/app/.env","detail":"guarded secret DB_PASSWORD appears in '"$T"'/log/app.log line 2","log":"'"$T"'/log/app.log","line":2,"rule":null,"id":"[0-9a-f]\{12\}"}$' "$T/daemon.out" \
  || fail "leak alert: $(cat "$T/daemon.out")"
grep -q '"kind":"leaked","severity":"critical","secret":"db_root","source":"'"$T"'/secrets".*"line":3' "$T/daemon.out" || fail "db_root leak"
[ "$(count_kind leaked "$T/daemon.out")" = 2 ] || fail "expected 2 leaks: $(cat "$T/daemon.out")"
[ "$(wc -l < "$T/log/app.masked.log")" = 4 ] || fail "masked copy lines: $(cat "$T/log/app.masked.log")"
grep -q '^db connect user=app pw=.*host=db1$' "$T/log/app.masked.log" || fail "masked line: $(cat "$T/log/app.masked.log")"
for v in "$PW_VALUE" "$FILE_VALUE"; do
  ! grep -qF -- "$v" "$T/log/app.masked.log" "$T/daemon.out" "$T/daemon.err" || fail "a value reached an output"
done
# A part of the value is no trace either.
! grep -qF -- "Vq8pZ2wLmN4t" "$T/log/app.masked.log" || fail "part of the secret in the masked copy"
grep -q '"op":"leak","secret":"DB_PASSWORD","outcome":"leaked"' "$STATE/audit.log" || fail "leak not audited"
expect_rc 1 mon status
grep -q 'leaked  *[0-9a-f]\{12\}  *DB_PASSWORD' "$T/out" || fail "status lacks the leak: $(cat "$T/out")"

# A change of a secret is seen by inotify; the new value is guarded too.
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Nw5Tq8Lz3Kx7Vb2Rm9Hs\"/" "$T/app/.env"
wait_for 3 grep -q '"kind":"changed","severity":"high","secret":"DB_PASSWORD"' "$T/daemon.out"
echo "new pw Nw5Tq8Lz3Kx7Vb2Rm9Hs" >> "$T/log/app.log"
wait_for 2 grep -q '"line":5' "$T/daemon.out"
! grep -qF Nw5Tq8Lz3Kx7Vb2Rm9Hs "$T/log/app.masked.log" || fail "the rotated value reached the masked copy"

# SIGHUP reloads; SIGTERM exits 0 and saves the offset.
kill -HUP "$DAEMON_PID"
wait_for 3 grep -q '"op":"reload","secret":null,"outcome":"ok"' "$STATE/audit.log"
kill -TERM "$DAEMON_PID"
set +e; wait "$DAEMON_PID"; rc=$?; set -e
DAEMON_PID=
[ "$rc" = 0 ] || fail "SIGTERM exit status $rc"
grep -q "\"log\":\"$T/log/app.log\".*\"offset\":$(wc -c < "$T/log/app.log"),\"line\":5" "$STATE/offsets" || fail "offsets: $(cat "$STATE/offsets")"
assert_state_clean Nw5Tq8Lz3Kx7Vb2Rm9Hs

# Saved positions edited to skip lines: a tampered alert, and every log is
# read again from its beginning (the leaks are found again).
sed -i 's/"offset":[0-9]*/"offset":999999/' "$STATE/offsets"
start_daemon
wait_for 3 grep -q '"kind":"tampered","severity":"critical","secret":null,"source":"'"$STATE"'/offsets"' "$T/daemon.out"
wait_for 3 grep -q '"kind":"leaked","severity":"critical","secret":"db_root".*"line":3,' "$T/daemon.out"
stop_daemon

# A masked copy that cannot be written (a full disk) costs the copy those
# lines, never the scan: every leak is alerted, with its own line number.
: > "$T/log/full.log"
setup_sources <<EOF2
log $T/log/full.log mask-to /dev/full
interval 1h
EOF2
start_daemon
for batch in 1 2 3; do
  printf 'a %s\nb %s\nc %s\n' "$PW_VALUE" "$PW_VALUE" "$PW_VALUE" >> "$T/log/full.log"
  wait_for 3 grep -q '"line":'$((batch * 3))',' "$T/daemon.out"
done
stop_daemon
[ "$(grep -c '"kind":"leaked","severity":"critical","secret":"DB_PASSWORD".*full.log' "$T/daemon.out")" = 9 ] \
  || fail "leaks lost behind a failing masked copy: $(grep -o '"line":[0-9]*' "$T/daemon.out" | tr '\n' ' ')"
grep -q 'cannot write the masked copy' "$T/daemon.err" || fail "the failing masked copy was not reported"
