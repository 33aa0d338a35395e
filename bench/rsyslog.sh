#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/rsyslog.sh: messages per second through Debian's rsyslogd, without
# masking, with the helper logmask-rsyslog and with the native module
# mmlogmask (when built), each with 1 and 2 worker threads.
#
#   bench/rsyslog.sh [BUILDDIR] [MESSAGES] [ROUNDS]   (defaults: . 500000 3)
#
# Each case is a private rsyslogd (imtcp on 127.0.0.1, one ruleset with its
# own queue, omfile with RSYSLOG_FileFormat) set up as the shipped
# configurations do it (the helper in fulljson mode with the check, the
# module with its marker; quarantine for the rest).  MESSAGES lines go over
# one TCP connection; a run is timed from the first byte sent until the
# output file reached its final size.  10% of the lines hold a password.
#
# Rounds are interleaved (every case once per round, in a rotated order)
# and paired: each masked run is divided by the unmasked run of the same
# round and worker count, so drift of the shared machine cancels out.  The
# table gives the median msg/s and the median of the paired ratios.  Every
# output is checked: MESSAGES lines, no password left, one mask per
# password line, an empty quarantine.
set -eu
export LC_ALL=C
BUILD=$(cd "${1:-.}" && pwd)
N=${2:-500000}
ROUNDS=${3:-3}
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
HELPER="$BUILD/contrib/rsyslog/logmask-rsyslog"
MODULE="$BUILD/contrib/rsyslog/.libs/mmlogmask.so"
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
    else if (i % 10 == 5)
      printf "<13>Nov 29 12:00:00 bench api[7]: {\"request\":%d,\"status\":200,\"path\":\"/api/v1/items\",\"ms\":%d}\n", i, i % 997
    else
      printf "<13>Nov 29 12:00:00 bench app[42]: request %d from 10.1.%d.%d took %d ms status=200 path=/api/v1/items\n", i, i % 250, i % 199, i % 997
  }
}' >"$T/input"
SECRETS=$(( (N + 9) / 10 ))

# masking block of a case
block() {
  case $1 in
    none) ;;
    helper) cat <<CONF
  unset \$!logmask;
  set \$.logmask_check = strlen(\$msg) & ":" & hash32(\$msg);
  action(type="mmexternal" interface.input="fulljson"
         binary="$HELPER --input fulljson --log $T/helper.log")
  if \$!logmask!ok != 1 or \$!logmask!check != \$.logmask_check then {
    action(type="omfile" file="$T/quarantine.log")
    stop
  }
CONF
    ;;
    module) cat <<CONF
  unset \$!logmask;
  action(type="mmlogmask" ${MMLOGMASK_ARGS:-})
  if \$!logmask!ok != 1 then {
    action(type="omfile" file="$T/quarantine.log")
    stop
  }
CONF
    ;;
  esac
}

# run KIND WORKERS: one timed run; prints msg/s, checks the output
run() {
  kind=$1 workers=$2
  rm -f "$T/out.log" "$T/quarantine.log" "$T/port" "$T/pid"
  {
    printf 'global(workDirectory="%s")\n' "$T"
    printf 'module(load="imtcp")\nmodule(load="mmexternal")\nmodule(load="fmhash")\n'
    [ "$kind" != module ] || printf 'module(load="%s")\n' "$MODULE"
    printf 'ruleset(name="bench" queue.type="LinkedList" queue.size="100000"\n'
    printf '        queue.workerThreads="%s" queue.dequeueBatchSize="1024") {\n' "$workers"
    block "$kind"
    printf '  action(type="omfile" file="%s/out.log" template="RSYSLOG_FileFormat")\n}\n' "$T"
    printf 'input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="%s/port" ruleset="bench")\n' "$T"
  } >"$T/rsyslog.conf"
  "$RSYSLOGD" -N1 -f "$T/rsyslog.conf" >"$T/n1.log" 2>&1 || { cat "$T/n1.log" >&2; echo "$kind: config refused" >&2; return 1; }
  "$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/pid" >"$T/rsyslogd.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
  [ -s "$T/port" ] || { echo "$kind: rsyslogd did not start" >&2; return 1; }
  start=$(date +%s.%N)
  cat "$T/input" >"/dev/tcp/127.0.0.1/$(cat "$T/port")"
  # the end: when the output stops growing at its final size (a cheap stat
  # every 20 ms; the line count only once the size stood still)
  size=-1 end=$start still=0
  for _ in $(seq 30000); do
    now=$(stat -c %s "$T/out.log" 2>/dev/null || echo 0)
    if [ "$now" != "$size" ]; then
      size=$now end=$(date +%s.%N) still=0
    elif [ "$size" -gt 0 ]; then
      still=$((still + 1))
      if [ $still -ge 10 ] && [ "$(wc -l <"$T/out.log")" -ge "$N" ]; then break; fi
    fi
    sleep 0.02
  done
  # CPU time (user + system) of rsyslogd and its helper processes:
  # steadier than wall time on a shared machine
  cpu=$(for d in /proc/[0-9]*; do
      s=$(cat "$d/stat" 2>/dev/null) || continue
      echo "${d#/proc/} ${s#*) }"
    done | awk -v p="$PID" '$1 == p || $3 == p { t += $13 + $14 } END { print t + 0 }')
  stop
  got=$(wc -l <"$T/out.log" 2>/dev/null || echo 0)
  [ "$got" -eq "$N" ] || { echo "$kind/$workers: $got of $N messages written" >&2; return 1; }
  if [ "$kind" != none ]; then
    ! grep -q 'Pw[0-9]\{8\}x' "$T/out.log" || { echo "$kind/$workers: a password leaked" >&2; return 1; }
    masks=$(grep -c 'password=\[REDACTED:' "$T/out.log" || true)
    [ "$masks" -eq "$SECRETS" ] || { echo "$kind/$workers: $masks masks for $SECRETS passwords" >&2; return 1; }
    [ ! -s "$T/quarantine.log" ] || { echo "$kind/$workers: messages quarantined" >&2; return 1; }
  fi
  awk -v s="$start" -v e="$end" -v n="$N" -v c="$cpu" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f %.2f\n", n / (e - s), c / hz * 1e6 / n }'
}

kinds="none helper"
[ -f "$MODULE" ] && kinds="$kinds module"
cases=()
for w in 1 2; do for k in $kinds; do cases+=("$k/$w"); done; done
n=${#cases[@]}
declare -A rate cpu
for r in $(seq "$ROUNDS"); do
  for i in $(seq 0 $((n - 1))); do # each round starts one case later
    c=${cases[$(( (r - 1 + i) % n ))]}
    read -r rate[$c/$r] cpu[$c/$r] < <(run "${c%/*}" "${c#*/}")
    [ -n "${rate[$c/$r]}" ] || exit 1
    printf '  round %d %-9s %8d msg/s %6.2f us CPU/msg\n' "$r" "$c" "${rate[$c/$r]}" "${cpu[$c/$r]}" >&2
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%s messages x %s rounds, %s cores, %s, liblogmask %s\n' "$N" "$ROUNDS" "$(nproc)" \
  "$("$RSYSLOGD" -v | awk 'NR == 1 { print $1, $2 }')" \
  "$("$HELPER" --version | sed -n 's/.*(liblogmask \(.*\))/\1/p')"
printf '| case | workers | msg/s (median) | vs unmasked (median of paired ratios) | CPU us/msg (median) |\n'
printf '|---|---:|---:|---:|---:|\n'
for w in 1 2; do
  for k in $kinds; do
    rates= ratios= cpus=
    for r in $(seq "$ROUNDS"); do
      rates="$rates ${rate[$k/$w/$r]}"
      cpus="$cpus ${cpu[$k/$w/$r]}"
      ratios="$ratios $(awk -v a="${rate[$k/$w/$r]}" -v b="${rate[none/$w/$r]}" 'BEGIN { printf "%.4f", a / b }')"
    done
    case $k in
      none) label="no masking" ;; helper) label="logmask-rsyslog (fulljson)" ;; module) label="mmlogmask" ;;
    esac
    printf '| %s | %s | %.0f | %.2f | %.2f |\n' "$label" "$w" "$(echo "$rates" | median)" \
      "$(echo "$ratios" | median)" "$(echo "$cpus" | median)"
  done
done
