#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# env-of PID|unit:NAME reads the environment of the guarded process from
# /proc/PID/environ (for a unit, its MainPID from systemctl): a restart
# with a new value is `changed`, a stopped unit `missing`, and a systemctl
# that fails an `unreadable` source.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
service() {
  env -i PATH=/usr/bin:/bin APP_DB_PASSWORD="$1" APP_SIGNING_KEY="$2" APP_PORT=8080 \
    sleep 300 &
  PIDS="$PIDS $!"
  echo $! > "$T/mainpid"
}
cat > "$T/systemctl" <<EOF2
#!/bin/sh
# A stand-in for: systemctl show -p MainPID --value -- UNIT
[ "\$*" = "show -p MainPID --value -- app.service" ] || exit 1
[ -e "$T/systemctl.fails" ] && exit 1
cat "$T/mainpid"
EOF2
chmod +x "$T/systemctl"
service "$PW_VALUE" "$KEY_VALUE"
env -i WORKER_TOKEN="$TOKEN_VALUE" sleep 300 &
first=$!
PIDS="$PIDS $first"
mkdir -p "$T/app"
cat > "$CONF" <<EOF2
state-dir $STATE
systemctl $T/systemctl
env-of unit:app.service APP_DB_PASSWORD APP_*_KEY
env-of $first WORKER_TOKEN
EOF2
expect_rc 0 mon init
grep -q 'guarding 3 secrets from 2 sources' "$T/err" || fail "init: $(cat "$T/err")"
expect_rc 0 mon status
grep -q 'APP_SIGNING_KEY  *env-of .* unit:app.service' "$T/out" || fail "status: $(cat "$T/out")"
! grep -q APP_PORT "$T/out" || fail "an unlisted variable is guarded"
expect_rc 0 mon check

# The service restarts with a rotated password: changed; the fixed PID is
# gone: missing.
service 'Restart2Value-Wq8Lz3Nx' "$KEY_VALUE"
kill "$first"
wait "$first" 2>/dev/null || true
expect_rc 1 mon check
grep -q '"kind":"changed","severity":"high","secret":"APP_DB_PASSWORD","source":"unit:app.service"' "$T/out" || fail "restart: $(cat "$T/out")"
! grep -q '"secret":"APP_SIGNING_KEY"' "$T/out" || fail "an unchanged variable alerted"
grep -q '"kind":"missing","severity":"high","secret":"WORKER_TOKEN","source":"pid:'"$first"'","detail":"the source pid:'"$first"' is gone (No such process)"' "$T/out" || fail "gone pid: $(cat "$T/out")"

# The unit stopped (MainPID 0), then systemctl failing.
echo 0 > "$T/mainpid"
expect_rc 1 mon check
grep -q '"kind":"missing","severity":"high","secret":"APP_SIGNING_KEY","source":"unit:app.service","detail":"the source unit:app.service is gone (No such process)"' "$T/out" || fail "stopped unit: $(cat "$T/out")"
touch "$T/systemctl.fails"
expect_rc 1 mon check
grep -q '"kind":"unreadable","severity":"high","secret":null,"source":"unit:app.service","detail":"unit:app.service: '"$T"'/systemctl show -p MainPID app.service failed: 2 guarded secrets of it cannot be verified"' "$T/out" || fail "systemctl fails: $(cat "$T/out")"
assert_state_clean Restart2Value-Wq8Lz3Nx
