#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rotation without gaps: copytruncate is seen by the first bytes of the
# file changing, also when the file grew past the old offset again before
# the monitor looked (live, and across a restart); lines written between
# the last read and the truncate are read from logrotate's copy; after
# stop -> append -> rename -> restart the unread end of the old file is
# found by its inode; a rotated file that cannot be found (compressed) is
# an `unreadable` alert, never silence.  Line numbers stay right.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log"
L="$T/log/app.log"
: > "$L"
setup_sources <<EOF2
log $L
interval 1h
EOF2
expect_rc 0 mon init
start_daemon
out="$T/daemon.out"
# leak_at LOG LINE WORD: an alert for the token at LOG:LINE (detail names it)
leak_at() { grep -q "\"secret\":\"API_TOKEN\".*appears in $1 line $2\".*\"line\":$2," "$out"; }
audited() { [ "$(grep -c '"op":"leak","secret":"API_TOKEN"' "$STATE/audit.log")" = "$1" ]; }

printf 'boot %s\nready\n' "$(date +%s%N)" >> "$L"
echo "one $TOKEN_VALUE" >> "$L"
wait_for 3 leak_at "$L" 3

# Live: the daemon is held while a line is appended, the file copied and
# truncated, and written again past the old offset.
kill -STOP "$DAEMON_PID"
echo "two $TOKEN_VALUE (after the last read, before the truncate)" >> "$L"
cp "$L" "$L.1"
: > "$L"
printf 'reopened %s with a much longer first line than before, past the old offset\n' "$(date +%s%N)" >> "$L"
echo "three $TOKEN_VALUE" >> "$L"
kill -CONT "$DAEMON_PID"
wait_for 3 leak_at "$L.1" 4
wait_for 3 leak_at "$L" 2
wait_for 3 audited 3

# Across a restart: appended, copied, truncated and regrown while stopped.
stop_daemon
echo "four $TOKEN_VALUE (while stopped)" >> "$L"
cp "$L" "$L.1"
: > "$L"
printf 'reopened again %s, longer than everything that was in it before this line\n' "$(date +%s%N)" >> "$L"
echo "five $TOKEN_VALUE" >> "$L"
start_daemon
wait_for 3 leak_at "$L.1" 3
wait_for 3 leak_at "$L" 2
wait_for 3 audited 5

# stop -> append -> rename -> restart: the old file's end, by its inode.
stop_daemon
echo "six $TOKEN_VALUE (while stopped)" >> "$L"
mv "$L" "$L.2"
echo "seven $TOKEN_VALUE" > "$L"
start_daemon
wait_for 3 leak_at "$L.2" 3
wait_for 3 leak_at "$L" 1
wait_for 3 audited 7

# Rotated and compressed while stopped: the gap is an alert.
stop_daemon
echo "eight $TOKEN_VALUE (while stopped)" >> "$L"
mv "$L" "$L.3" && gzip "$L.3"
echo "nine" > "$L"
start_daemon
wait_for 3 grep -q '"kind":"unreadable","severity":"high","secret":null,"source":"'"$L"'","detail":"'"$L"' was rotated or truncated while the monitor was stopped and the file it had read to byte [0-9]* (line 1) is not among the files of its directory' "$out"
stop_daemon
# Each leak once, none twice (daemon.out holds the last run only).
[ "$(grep -c '"op":"leak"' "$STATE/audit.log")" = 7 ] || fail "expected 7 leaks: $(grep '"op":"leak"' "$STATE/audit.log")"
expect_rc 0 mon verify-audit
