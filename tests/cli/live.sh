#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A live stream (tail -f) keeps its latency with every -j: a line written
# into an input that stays open comes out without waiting for more input or
# for the end; the default -j is one thread per CPU (affinity mask), capped
# at 8, and LOGMASK_JOBS overrides it (and -j overrides LOGMASK_JOBS).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need mkfifo
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"

# Waits (up to 20 s, a hang guard, not a timing) until file $1 holds $2 lines.
wait_lines() {
  i=0
  while [ "$(cat "$1" 2> /dev/null | wc -l)" -lt "$2" ]; do
    i=$((i + 1))
    [ "$i" -le 200 ] || return 1
    sleep 0.1
  done
}
# Starts logmask ARGS on a FIFO kept open by fd 3; sets $pid.
start() {
  # no output file until this logmask makes it (after its exec): a
  # previous run's output must not count as this one's
  rm -f "$T/in" "$T/out"
  mkfifo "$T/in"
  "$@" < "$T/in" > "$T/out" 2> "$T/err" &
  pid=$!
  exec 3> "$T/in"
}
stop() {
  exec 3>&-
  wait "$pid" || fail "$1: exit $? ($(cat "$T/err"))"
}
threads() { awk '/^Threads:/ { print $2 }' "/proc/$pid/status"; }

for j in "" "-j 1" "-j 2" "-j 3"; do
  start "$LOGMASK" $RULES $j
  printf 'one password=hunter2x\n' >&3
  wait_lines "$T/out" 1 || fail "-j '${j:-default}': a line of a live stream never came out"
  # a second line after a pause, and a partial one that must wait
  printf 'two\nthree without newline' >&3
  wait_lines "$T/out" 2 || fail "-j '${j:-default}': the second line never came out"
  [ "$(tail -n 1 "$T/out")" = "two" ] || fail "-j '${j:-default}': wrong second line: $(tail -n 1 "$T/out")"
  stop "-j '${j:-default}'"
  printf 'one password=[REDACTED:password-assignment]\ntwo\nthree without newline' > "$T/want"
  cmp -s "$T/out" "$T/want" || fail "-j '${j:-default}': output '$(cat "$T/out")'"
done

# A big burst, then silence: the burst's jobs all come out while the input
# is still open (no job waits for the next one to fill).
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "%d burst line password=Pw%06dxyz\n", i, i }' > "$T/burst"
start "$LOGMASK" $RULES -j 2
cat "$T/burst" >&3
wait_lines "$T/out" 30000 || fail "a burst did not come out in full before the input ended ($(wc -l < "$T/out") lines)"
stop "burst"
grep -q 'Pw0' "$T/out" && fail "burst: a password leaked"

# Threads: main thread + workers (none with one).
[ -r /proc/self/status ] || { echo "live: ok (no /proc: thread counts not checked)"; exit 0; }
cpus=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)  # the affinity mask, as logmask counts
want=$cpus; [ "$want" -gt 8 ] && want=8
[ "$want" -gt 1 ] && want=$((want + 1))
check_threads() { # WANT LABEL CMD...
  w=$1 label=$2; shift 2
  start "$@"
  printf 'x\n' >&3
  wait_lines "$T/out" 1 || fail "$label: no output"
  got=$(threads)
  stop "$label"
  [ "$got" = "$w" ] || fail "$label: $got threads, want $w"
}
check_threads "$want" "default -j ($cpus CPUs)" "$LOGMASK" $RULES
check_threads 1 "LOGMASK_JOBS=1" env LOGMASK_JOBS=1 "$LOGMASK" $RULES
check_threads 4 "LOGMASK_JOBS=3" env LOGMASK_JOBS=3 "$LOGMASK" $RULES
check_threads 3 "-j 2 over LOGMASK_JOBS=5" env LOGMASK_JOBS=5 "$LOGMASK" $RULES -j 2
if command -v taskset > /dev/null 2>&1 && taskset -c 0 true 2> /dev/null; then
  check_threads 1 "default -j on one CPU (taskset)" taskset -c 0 "$LOGMASK" $RULES
fi

# A bad LOGMASK_JOBS is a usage error naming the variable, before any input.
for bad in x -1 257 "2 " ""; do
  status=0
  LOGMASK_JOBS=$bad "$LOGMASK" $RULES < /dev/null > /dev/null 2> "$T/err" || status=$?
  if [ -z "$bad" ]; then
    [ "$status" -eq 0 ] || fail "an empty LOGMASK_JOBS is not the default (exit $status)"
    continue
  fi
  [ "$status" -eq 2 ] || fail "LOGMASK_JOBS='$bad': exit $status, want 2"
  grep -q "LOGMASK_JOBS" "$T/err" || fail "LOGMASK_JOBS='$bad': message does not name it: $(cat "$T/err")"
done
echo "live: ok"
