#!/bin/bash
# bench/rsyslog.sh: messages per second through Debian's rsyslogd, one run:
# no masking, mmanon (an anchor for a native message-modification module),
# logmask-rsyslog with 1 and 4 workers, and mmlogmask when it was built.
#
#   bench/rsyslog.sh [BUILDDIR] [MESSAGES]    (defaults: . and 100000)
#
# Each case: a private rsyslogd (imtcp on loopback, one ruleset with its own
# queue, omfile), MESSAGES lines sent over one TCP connection, timed from the
# first byte sent to the last line written.  10% of the lines hold a secret.
set -eu
export LC_ALL=C
BUILD=$(cd "${1:-.}" && pwd)
N=${2:-100000}
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
HELPER="$BUILD/contrib/rsyslog/logmask-rsyslog"
MODDIR=/usr/lib/x86_64-linux-gnu/rsyslog
[ -x "$RSYSLOGD" ] || { echo "rsyslogd not installed" >&2; exit 77; }
[ -x "$HELPER" ] || { echo "$HELPER not built" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/logmask-bench.XXXXXX")
PID=
stop() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi
}
trap 'stop; rm -rf "$T"' EXIT

awk -v n="$N" 'BEGIN {
  for (i = 0; i < n; i++) {
    if (i % 10 == 0)
      printf "<13>Nov 29 12:00:00 bench app[42]: request %d from 10.1.%d.%d login user=u%d password=Pw%08dx ok\n", i, i % 250, i % 199, i, i
    else
      printf "<13>Nov 29 12:00:00 bench app[42]: request %d from 10.1.%d.%d took %d ms status=200 path=/api/v1/items\n", i, i % 250, i % 199, i % 997
  }
}' >"$T/input"

# run NAME WORKERS ACTION...: prints msg/s
run() {
  name=$1 workers=$2; shift 2
  rm -f "$T/out.log" "$T/port" "$T/pid"
  cat >"$T/$name.conf" <<CONF
global(workDirectory="$T")
module(load="imtcp")
module(load="mmexternal")
module(load="mmanon")
$MMLOAD
template(name="plain" type="string" string="%msg%\n")
ruleset(name="bench" queue.type="LinkedList" queue.size="200000"
        queue.workerThreads="$workers" queue.dequeueBatchSize="1024") {
$*
  action(type="omfile" file="$T/out.log" template="plain" asyncWriting="off")
}
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$T/port" ruleset="bench")
CONF
  "$RSYSLOGD" -N1 -f "$T/$name.conf" >/dev/null 2>&1 || { echo "$name: config refused" >&2; return 1; }
  "$RSYSLOGD" -n -f "$T/$name.conf" -i "$T/pid" >"$T/$name.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
  start=$(date +%s.%N)
  cat "$T/input" >"/dev/tcp/127.0.0.1/$(cat "$T/port")"
  for _ in $(seq 6000); do
    [ -f "$T/out.log" ] && [ "$(wc -l <"$T/out.log")" -ge "$N" ] && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  got=$(wc -l <"$T/out.log" 2>/dev/null || echo 0)
  stop
  [ "$got" -eq "$N" ] || { echo "$name: $got of $N messages arrived" >&2; return 1; }
  awk -v s="$start" -v e="$end" -v n="$N" 'BEGIN { printf "%.0f\n", n / (e - s) }'
}

MODULE="$BUILD/contrib/rsyslog/.libs/mmlogmask.so"
MMLOAD=
if [ -f "$MODULE" ]; then MMLOAD="module(load=\"$MODULE\")"; fi
HARGS="$HELPER --input msg --log $T/helper.log"
declare -A rate
rate[none]=$(run none 1 "")
rate[mmanon]=$(run mmanon 1 '  action(type="mmanon" ipv4.mode="zero" ipv4.bits="8")')
rate[helper1]=$(run helper1 1 "  action(type=\"mmexternal\" interface.input=\"msg\" binary=\"$HARGS\")
  if \$!logmask!ok != 1 then stop")
rate[helper4]=$(run helper4 4 "  action(type=\"mmexternal\" interface.input=\"msg\" binary=\"$HARGS\")
  if \$!logmask!ok != 1 then stop")
cases="none mmanon helper1 helper4"
if [ -n "$MMLOAD" ]; then
  rate[mmlogmask]=$(run mmlogmask 1 "  action(type=\"mmlogmask\")")
  cases="$cases mmlogmask"
fi

printf '%s messages, %s cores (%s)\n' "$N" "$(nproc)" "$("$RSYSLOGD" -v | awk 'NR == 1 { print $1, $2 }')"
printf '%-28s %10s %12s\n' case msg/s "vs none"
for c in $cases; do
  case $c in
    none) label="no masking";; mmanon) label="mmanon (native anchor)";;
    helper1) label="logmask-rsyslog, 1 worker";; helper4) label="logmask-rsyslog, 4 workers";;
    mmlogmask) label="mmlogmask";;
  esac
  awk -v l="$label" -v r="${rate[$c]}" -v b="${rate[none]}" \
    'BEGIN { printf "%-28s %10d %11.2fx\n", l, r, b / r }'
done
