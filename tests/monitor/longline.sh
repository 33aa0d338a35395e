#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A line longer than the monitor keeps whole (1 MiB) is scanned in windows
# that overlap, so a secret placed across a window edge is still found,
# once, with the line's own number; the masked copy keeps every line as
# one line and has no trace of the secret; the next line's number is right.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log"
L="$T/log/app.log"
: > "$L"
setup_sources <<EOF2
log $L mask-to $T/log/masked.log
interval 1h
EOF2
expect_rc 0 mon init
pad() { head -c "$1" /dev/zero | tr '\0' 'x'; }
{
  echo "first line"
  # The token starts 8 bytes before the 1 MiB window edge.
  pad $((1048576 - 8)); printf ' %s ' "$TOKEN_VALUE"; pad 300000; echo
  # Two window edges, the password after the second.
  pad 2200000; printf ' %s ' "$PW_VALUE"; pad 10; echo
  echo "after $FILE_VALUE"
} >> "$L"
expect_rc 1 mon run --once
grep -q '"secret":"API_TOKEN".*"line":2,' "$T/out" || fail "token across the window edge: $(cut -c1-300 "$T/out")"
grep -q '"secret":"DB_PASSWORD".*"line":3,' "$T/out" || fail "password in the third window: $(cut -c1-300 "$T/out")"
grep -q '"secret":"db_root".*"line":4,' "$T/out" || fail "the line after: $(cut -c1-300 "$T/out")"
[ "$(grep -c '"kind":"leaked"' "$T/out")" = 3 ] || fail "one alert per secret: $(cut -c1-300 "$T/out")"
[ "$(wc -l < "$T/log/masked.log")" = 4 ] || fail "masked copy has $(wc -l < "$T/log/masked.log") lines"
for v in "$TOKEN_VALUE" "$PW_VALUE" "$FILE_VALUE"; do
  ! grep -qF -- "$v" "$T/log/masked.log" || fail "a secret in the masked copy"
done
[ "$(sed -n 1p "$T/log/masked.log")" = "first line" ] || fail "masked copy line 1"
grep -q '"line":4' "$STATE/offsets" || fail "offsets: $(head -c 300 "$STATE/offsets")"

# A device put where the log was (/dev/zero never ends): not read, said
# once, and the daemon goes on (a signal still stops it).
mv "$L" "$L.1"
ln -s /dev/zero "$L"
start_daemon
wait_for 3 grep -q '"kind":"unreadable","severity":"high","secret":null,"source":"'"$L"'","detail":"'"$L"' is not a regular file (a device, FIFO or directory): it is not read"' "$T/daemon.out"
rm "$L"
echo "back $TOKEN_VALUE" > "$L"
wait_for 3 grep -q '"secret":"API_TOKEN".*"line":1,' "$T/daemon.out"
stop_daemon
[ "$(grep -c 'is not a regular file' "$T/daemon.out")" = 1 ] || fail "said more than once"
