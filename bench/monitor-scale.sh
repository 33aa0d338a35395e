#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/monitor-scale.sh - how logmask-monitor's cost grows with the number
# of guarded secrets: for 1,000, 10,000 and 100,000 secrets (32 random
# bytes each, in 10 dotenv files) the wall and CPU seconds of `init` and
# `check`, its peak RSS, the time from `run` to the daemon's start record
# (leak detector built, logs open), and the daemon's RSS then.
#
# Usage: bench/monitor-scale.sh [--counts "1000 10000 100000"] [--runs 3]
# Run from the build dir (or set MONITOR).  Best of --runs for each
# figure.  Needs awk and GNU time (/usr/bin/time).  Not part of
# `make check`: figures on a shared machine drift; compare within a run.
set -eu
export LC_ALL=C
counts="1000 10000 100000"
runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --counts) counts=${2:?}; shift ;;
    --runs) runs=${2:?}; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "monitor-scale.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
MONITOR=${MONITOR:-./monitor/logmask-monitor}
# The libtool wrapper script forks a shell and sed: time the real program.
if [ -x "$(dirname "$MONITOR")/.libs/$(basename "$MONITOR")" ]; then
  lib=$(cd "$(dirname "$MONITOR")/../src/.libs" 2>/dev/null && pwd || true)
  MONITOR="$(dirname "$MONITOR")/.libs/$(basename "$MONITOR")"
  [ -n "$lib" ] && export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
[ -x "$MONITOR" ] || { echo "monitor-scale.sh: $MONITOR not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "monitor-scale.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/monitor-scale.XXXXXX")
DAEMON=
trap '[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# setup N: 10 dotenv files of N/10 secrets, a config, an empty log.
setup() {
  rm -rf "$T/run"
  mkdir -p "$T/run/app" "$T/run/log"
  awk -v n="$1" -v dir="$T/run/app" 'BEGIN {
    srand(n); a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    for (f = 0; f < 10; f++)
      for (i = 0; i < n / 10; i++) {
        v = ""; for (k = 0; k < 32; k++) v = v substr(a, int(rand() * 62) + 1, 1)
        printf "SECRET_%d_%d=%s\n", f, i, v > (dir "/app" f ".env")
      }
  }'
  chmod 600 "$T/run/app/"*.env
  : > "$T/run/log/app.log"
  {
    echo "state-dir $T/run/state"
    echo "max-source-size 16M"
    echo "interval 1h"
    echo "log $T/run/log/app.log"
    for f in 0 1 2 3 4 5 6 7 8 9; do echo "dotenv $T/run/app/app$f.env"; done
  } > "$T/run/monitor.conf"
}

# timed CMD...: "wall cpu maxrss_kb" of one run.
timed() {
  /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" > /dev/null 2> "$T/stderr" || {
    rc=$?; [ "$rc" -le 1 ] || { cat "$T/stderr" >&2; exit 2; }; }
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$T/time"
}

best() { sort -n -k1,1 | head -n 1; }

# The daemon: milliseconds from exec to the start record; its RSS then.
daemon_ready() {
  rm -f "$T/run/state/offsets"
  start=$(date +%s%N)
  "$MONITOR" -c "$T/run/monitor.conf" run > /dev/null 2>&1 &
  DAEMON=$!
  while ! grep -q '"op":"run","secret":null,"outcome":"started"' "$T/run/state/audit.log" 2>/dev/null; do
    sleep 0.01
  done
  end=$(date +%s%N)
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON/status")
  kill "$DAEMON"
  wait "$DAEMON" 2>/dev/null || true
  DAEMON=
  # the start record of the next run must be a new one
  mv "$T/run/state/audit.log" "$T/run/state/audit.log.bench"
  rm -f "$T/run/state/audit.head"
  echo "$(( (end - start) / 1000000 )) $rss"
}

printf '%-9s %13s %13s %10s %13s %10s %13s\n' secrets 'init s(cpu)' 'check s(cpu)' 'check RSS' 'ready s' 'daemon RSS' 'check s/1k'
for n in $counts; do
  setup "$n"
  i=0; : > "$T/init"; : > "$T/check"; : > "$T/ready"
  while [ $i -lt "$runs" ]; do
    rm -rf "$T/run/state"
    timed "$MONITOR" -c "$T/run/monitor.conf" init >> "$T/init"
    timed "$MONITOR" -c "$T/run/monitor.conf" check >> "$T/check"
    rm -f "$T/run/state/audit.log" "$T/run/state/audit.head"
    daemon_ready >> "$T/ready"
    i=$((i + 1))
  done
  set -- $(best < "$T/init"); iw=$1; ic=$2
  set -- $(best < "$T/check"); cw=$1; cc=$2; crss=$3
  set -- $(best < "$T/ready"); rms=$1; drss=$2
  printf '%-9s %6s (%4s) %6s (%4s) %7d MB %10.2f %7d MB %13.4f\n' "$n" "$iw" "$ic" "$cw" "$cc" \
    $((crss / 1024)) "$(echo "$rms" | awk '{ print $1 / 1000 }')" $((drss / 1024)) \
    "$(awk -v w="$cw" -v n="$n" 'BEGIN { print w / (n / 1000) }')"
done
