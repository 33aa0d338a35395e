# SPDX-License-Identifier: Apache-2.0
# Sourced by the monitor's shell tests after tests/setup: the binary, a
# config writer and polling helpers.  Every test works in $T.
MONITOR="$top_builddir/monitor/logmask-monitor"
[ -x "$MONITOR" ] || { echo "SKIP: $MONITOR not built"; exit 77; }
STATE="$T/state"
CONF="$T/monitor.conf"
DAEMON_PID=

# Strong test secrets (long, random-looking, not placeholders).
PW_VALUE='Vq8pZ2wLmN4tR7yB#k3s'
KEY_VALUE='f3Kx9Qm2Lp7Vz4Tn8Rb6Wc1Yd5Hg0Js3Ua9Eo2Ik7Nl4Mq8Px6Zr1Sv5Tw0'
TOKEN_VALUE='tok_7Gh2Kd9Lm4Np8Qr3'
FILE_VALUE='Zb8Nc4Xv2Mq7Wr5Ty1Ua'

# A dotenv file with three secrets, a secret file, and a config guarding
# them; extra config lines come from stdin.
setup_sources() {
  mkdir -p "$T/app" "$T/secrets"
  {
    echo '# application secrets'
    echo "DB_PASSWORD=\"$PW_VALUE\""
    echo "export SECRET_KEY='$KEY_VALUE'"
    echo "API_TOKEN=$TOKEN_VALUE # issued 2024"
  } > "$T/app/.env"
  printf '%s\n' "$FILE_VALUE" > "$T/secrets/db_root"
  chmod 600 "$T/app/.env" "$T/secrets/db_root"
  {
    echo "state-dir $STATE"
    echo "dotenv $T/app/.env"
    echo "secret-dir $T/secrets"
    cat
  } > "$CONF"
}

mon() { "$MONITOR" -c "$CONF" "$@"; }

# Runs a command expecting exit status $1; output in $T/out, $T/err.
expect_rc() {
  want=$1; shift
  set +e
  "$@" > "$T/out" 2> "$T/err"
  got=$?
  set -e
  [ "$got" = "$want" ] || { cat "$T/out" "$T/err" >&2; fail "$* exited $got, expected $want"; }
}

# Number of alert lines of a kind in $T/out (or the file given).
count_kind() { grep -c "\"kind\":\"$1\"" "${2:-$T/out}" || true; }

# No secret value in any file of the state directory.
assert_state_clean() {
  for v in "$PW_VALUE" "$KEY_VALUE" "$TOKEN_VALUE" "$FILE_VALUE" "$@"; do
    if grep -rlF -- "$v" "$STATE" >/dev/null 2>&1; then
      fail "a secret value is stored in $(grep -rlF -- "$v" "$STATE")"
    fi
  done
}

start_daemon() {
  "$MONITOR" -c "$CONF" run > "$T/daemon.out" 2> "$T/daemon.err" &
  DAEMON_PID=$!
  trap 'stop_daemon; rm -rf "$T"' EXIT
  # Ready when the start is in the audit log.
  wait_for 5 grep -q '"op":"run","secret":null,"outcome":"started"' "$STATE/audit.log"
}

stop_daemon() {
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=
  fi
}

# wait_for SECONDS COMMAND...: polls every 0.1 s; fails on timeout.
wait_for() {
  limit=$1; shift
  tries=$((limit * 10))
  while ! "$@" 2>/dev/null; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || fail "timed out after ${limit}s waiting for: $*"
    sleep 0.1
  done
}

# On failure, show what the daemon said.
fail() {
  echo "FAIL: $*" >&2
  for f in "$T/daemon.err" "$T/daemon.out"; do
    [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
  done
  exit 1
}
