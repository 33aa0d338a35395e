#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fail closed: a guarded source that cannot be read or parsed completely
# (a line no dotenv loader reads, an oversized file, a file that is not a
# regular file, an unreadable key) is a high `unreadable` alert to every
# sink and `status` says failing; what was read before the bad line is
# still compared; a name assigned twice is a `duplicate` alert; the
# syntax docker compose, python-dotenv and django-environ accept raises
# nothing.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources <<EOF2
alert stdout
alert file $T/alerts.jsonl
max-source-size 2k
EOF2
expect_rc 0 mon init
cp "$T/app/.env" "$T/env.orig"

# What the loaders accept is no alert (a bare NAME: compose takes it from
# its environment, python-dotenv reads None; NAME: value is compose's).
cat >> "$T/app/.env" <<'EOF2'
export  COMPOSE_PROJECT_NAME # a bare name
LOG_LEVEL: debug
'OTHER KEY'='x'
EOF2
echo 'ignore LOG_LEVEL COMPOSE_PROJECT_NAME "OTHER KEY"' >> "$CONF"
expect_rc 0 mon check

# A line none of them reads, after a changed secret and before another:
# the secret before it is compared, the one after it is not called
# missing, and the source is unreadable (high), to stdout and the file.
cp "$T/env.orig" "$T/app/.env"
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Changed7Value-Rq2Lz8Wm\"/" "$T/app/.env"
awk 'NR == 3 { print "this line is prose" } { print }' "$T/app/.env" > "$T/env.new"
cat "$T/env.new" > "$T/app/.env"
expect_rc 1 mon check
grep -q '^{"time":"[^"]*","host":"[^"]*","kind":"unreadable","severity":"high","secret":null,"source":"'"$T"'/app/.env","detail":"'"$T"'/app/.env:3: expected '"'"'='"'"' after the variable name: 2 guarded secrets of it cannot be verified","id":"[0-9a-f]\{12\}"}$' "$T/out" \
  || fail "unreadable alert: $(cat "$T/out")"
grep -q '"kind":"changed","severity":"high","secret":"DB_PASSWORD"' "$T/out" || fail "the secret before the bad line was not compared"
[ "$(count_kind missing)" = 0 ] || fail "secrets after the bad line called missing: $(cat "$T/out")"
[ "$(count_kind unreadable "$T/alerts.jsonl")" = 1 ] || fail "the file sink lacks the alert"
expect_rc 1 mon status
grep -q '^FAILING: ' "$T/out" || fail "status does not say failing: $(cat "$T/out")"
grep -q 'unreadable ' "$T/out" || fail "status lacks the alert"
expect_rc 1 mon status --json
grep -q '"result": "failing"' "$T/out" || fail "status --json result: $(cat "$T/out")"
! grep -q 'Changed7Value' "$T/out" "$T/alerts.jsonl" || fail "a value in an output"

# Oversized (max-source-size 2k), not a regular file, gone: each named.
cp "$T/env.orig" "$T/app/.env"
head -c 3000 /dev/zero | tr '\0' '#' >> "$T/app/.env"
expect_rc 1 mon check
grep -q '"kind":"unreadable".*larger than 2048 bytes (max-source-size): not read: 3 guarded secrets of it cannot be verified' "$T/out" || fail "oversized: $(cat "$T/out")"
rm "$T/app/.env"
mkfifo "$T/app/.env"
expect_rc 1 mon check
grep -q '"kind":"unreadable".*not a regular file' "$T/out" || fail "fifo: $(cat "$T/out")"
rm "$T/app/.env"
cp "$T/env.orig" "$T/app/.env"
chmod 600 "$T/app/.env"
expect_rc 0 mon check
expect_rc 0 mon status

# A name assigned twice: a duplicate alert of its own (loaders differ on
# which one wins), wherever the second one stands.
{ echo "DB_PASSWORD=\"$PW_VALUE-shadow\""; cat "$T/env.orig"; } > "$T/app/.env"
expect_rc 1 mon check
grep -q '"kind":"duplicate","severity":"high","secret":"DB_PASSWORD","source":"'"$T"'/app/.env","detail":"DB_PASSWORD is assigned 2 times in '"$T"'/app/.env (lines 1 to 3)' "$T/out" \
  || fail "duplicate alert: $(cat "$T/out")"
[ "$(wc -l < "$T/out")" = 1 ] || fail "the last assignment is the compared one: $(cat "$T/out")"
expect_rc 1 mon status
grep -q '^FAILING: ' "$T/out" || fail "status with a duplicate: $(cat "$T/out")"
cp "$T/env.orig" "$T/app/.env"

# An unreadable key: nothing is compared, unreadable alert, failing.
cp "$STATE/key" "$T/key.good"
echo 'not a key' > "$STATE/key"
expect_rc 1 mon check
grep -q '"kind":"unreadable","severity":"high","secret":null,"source":"'"$STATE"'/key","detail":"'"$STATE"'/key:1: the fingerprint key must be 64 hex digits: the baseline cannot be verified"' "$T/out" \
  || fail "unreadable key: $(cat "$T/out")"
expect_rc 1 mon status
grep -q '^FAILING: ' "$T/out" || fail "status with a bad key: $(cat "$T/out")"
cat "$T/key.good" > "$STATE/key"

# A key readable by others: used, and a permissions alert.
chmod 644 "$STATE/key"
expect_rc 1 mon check
grep -q '"kind":"permissions","severity":"high","secret":null,"source":"'"$STATE"'/key","detail":"the fingerprint key '"$STATE"'/key has mode 0644, expected 0600 (readable by group or others)"' "$T/out" \
  || fail "key mode: $(cat "$T/out")"
chmod 600 "$STATE/key"
expect_rc 0 mon check
expect_rc 0 mon status
assert_state_clean Changed7Value-Rq2Lz8Wm

# A watched log that exists but cannot be opened (a file where its
# directory should be) is not scanned: an unreadable alert naming it, and
# the daemon says it once, not at every poll.
: > "$T/notadir"
echo "log $T/notadir/app.log" >> "$CONF"
expect_rc 1 mon run --once
grep -q '"kind":"unreadable","severity":"high","secret":null,"source":"'"$T"'/notadir/app.log","detail":"'"$T"'/notadir/app.log: cannot open: Not a directory: its new lines are not scanned"' "$T/out" \
  || fail "unopenable log: $(cat "$T/out")"
start_daemon
sleep 2
stop_daemon
[ "$(grep -c 'notadir/app.log: cannot open' "$T/daemon.out")" = 1 ] || fail "said more than once: $(cat "$T/daemon.out")"
