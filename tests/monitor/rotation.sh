#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Log rotation by rename and by copytruncate loses no line and alerts once;
# a restart resumes at the saved offset without repeating or missing.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log"
L="$T/log/app.log"
M="$T/log/masked.log"
: > "$L"
setup_sources <<EOF2
log $L mask-to $M
interval 1h
EOF2
expect_rc 0 mon init
start_daemon

n=0
emit() { n=$((n + 1)); echo "line $n $*" >> "$L"; }
emit ok; emit "leak one $TOKEN_VALUE"; emit ok
wait_for 2 grep -q "^line $n " "$M"

# Rotation by rename: the writer keeps writing to the old file for a moment.
mv "$L" "$L.1"
emit_old() { n=$((n + 1)); echo "line $n $*" >> "$L.1"; }
emit_old "late in the old file"
: > "$L"
emit "first in the new file"; emit "leak two $TOKEN_VALUE"
wait_for 3 grep -q "^line $n " "$M"

# Rotation by copytruncate.
cp "$L" "$L.2"
: > "$L"
sleep 0.7
emit "after truncate"; emit "leak three $TOKEN_VALUE"
wait_for 3 grep -q "^line $n " "$M"

# Restart: lines written while stopped are read once.
stop_daemon
emit "while stopped"; emit "leak four $TOKEN_VALUE"
start_daemon
wait_for 3 grep -q "^line $n " "$M"
emit "after restart"
wait_for 2 grep -q "^line $n " "$M"
stop_daemon

i=1
while [ $i -le $n ]; do
  [ "$(grep -c "^line $i " "$M")" = 1 ] || fail "line $i appears $(grep -c "^line $i " "$M") times in the masked copy: $(cat "$M")"
  i=$((i + 1))
done
[ "$(wc -l < "$M")" = "$n" ] || fail "masked copy has $(wc -l < "$M") lines, expected $n"
[ "$(count_kind leaked "$T/daemon.out")" = 1 ] || fail "restart: $(cat "$T/daemon.out")"
[ "$(grep -c '"op":"leak","secret":"API_TOKEN"' "$STATE/audit.log")" = 4 ] || fail "expected 4 leaks in the audit log: $(grep '"op":"leak"' "$STATE/audit.log")"
! grep -qF "$TOKEN_VALUE" "$M" || fail "the token reached the masked copy"
assert_state_clean
