#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SIGHUP never loses a line: without -o it writes every complete line read
# and goes on; with -o FILE it also reopens FILE (logrotate's postrotate),
# serially, on threads (-j 2) and under `logmask run`.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need mkfifo
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"

# Waits up to 5 s for a file to hold $2 lines.
wait_lines() {
  i=0
  while [ "$(cat "$1" 2> /dev/null | wc -l)" -lt "$2" ] && [ $i -lt 100 ]; do
    sleep 0.05; i=$((i + 1))
  done
}

# Waits up to 10 s until process $1 catches SIGHUP (its handler is set
# once the rules are compiled; a SIGHUP before that would end it).  The
# forked shell catches it too (setup's trap) until it execs logmask: the
# process must be logmask by then.
wait_catching_hup() {
  i=0
  while [ $i -lt 200 ]; do
    comm=$(cat "/proc/$1/comm" 2> /dev/null || true)
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2> /dev/null || true)
    case $comm in *logmask*) ;; *) mask= ;; esac
    [ -n "$mask" ] && [ $((0x$mask & 1)) -eq 1 ] && return 0
    sleep 0.05; i=$((i + 1))
  done
  fail "process $1 never caught SIGHUP"
}

for jobs in 1 2; do
  # Without -o: SIGHUP writes every complete line read, the filter goes on.
  rm -f "$T/in"; mkfifo "$T/in"
  "$LOGMASK" $RULES -j $jobs < "$T/in" > "$T/out" 2> "$T/err" &
  pid=$!
  exec 3> "$T/in"
  printf 'one password=hunter2x\ntwo\nthree partial' >&3
  sleep 0.3
  # (complete lines may be out already: a line waits at most 20 ms)
  wait_catching_hup "$pid"
  kill -HUP "$pid"
  wait_lines "$T/out" 2
  printf 'one password=[REDACTED:password-assignment]\ntwo\n' > "$T/want"
  cmp -s "$T/want" "$T/out" || fail "-j $jobs: SIGHUP did not flush the complete lines: '$(cat "$T/out")'"
  kill -0 "$pid" 2> /dev/null || fail "-j $jobs: SIGHUP ended the filter"
  printf ' line password=second22\nfour\n' >&3
  exec 3>&-
  status=0; wait "$pid" || status=$?
  [ "$status" -eq 0 ] || fail "-j $jobs: exit $status after SIGHUP ($(cat "$T/err"))"
  printf 'one password=[REDACTED:password-assignment]\ntwo\nthree partial line password=[REDACTED:password-assignment]\nfour\n' > "$T/want"
  cmp -s "$T/want" "$T/out" || fail "-j $jobs: lines lost or split: '$(cat "$T/out")'"
  [ ! -s "$T/err" ] || fail "-j $jobs: stderr: $(cat "$T/err")"

  # -o FILE: rotate, SIGHUP, go on; the old file has every line read
  # before the signal, the new one the rest.
  rm -f "$T/in" "$T/app.log" "$T/app.log.1"; mkfifo "$T/in"
  "$LOGMASK" $RULES -j $jobs -o "$T/app.log" < "$T/in" > "$T/out" 2> "$T/err" &
  pid=$!
  exec 3> "$T/in"
  printf 'before password=rotate01\nbefore two\nacross ' >&3
  sleep 0.3
  wait_catching_hup "$pid"
  mv "$T/app.log" "$T/app.log.1"
  kill -HUP "$pid"
  wait_lines "$T/app.log.1" 2
  i=0; while [ ! -e "$T/app.log" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  [ -e "$T/app.log" ] || fail "-j $jobs: -o FILE not reopened"
  printf 'the rotation password=rotate02\nafter\n' >&3
  exec 3>&-
  status=0; wait "$pid" || status=$?
  [ "$status" -eq 0 ] || fail "-j $jobs: -o exit $status ($(cat "$T/err"))"
  printf 'before password=[REDACTED:password-assignment]\nbefore two\n' > "$T/want"
  cmp -s "$T/want" "$T/app.log.1" || fail "-j $jobs: rotated file: '$(cat "$T/app.log.1")'"
  printf 'across the rotation password=[REDACTED:password-assignment]\nafter\n' > "$T/want"
  cmp -s "$T/want" "$T/app.log" || fail "-j $jobs: new file: '$(cat "$T/app.log")'"
  [ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "-j $jobs: -o wrote elsewhere: $(cat "$T/out" "$T/err")"
done

# Many rotations while a steady stream goes through: the files together
# hold every line once, in order.
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "line %d password=pw%06d\n", i, i }' > "$T/many"
awk '{ sub(/password=.*/, "password=[REDACTED:password-assignment]"); print }' "$T/many" > "$T/many.want"
rm -f "$T/in" "$T/app.log"*; mkfifo "$T/in"
"$LOGMASK" $RULES -j 2 -o "$T/app.log" < "$T/in" 2> "$T/err" &
pid=$!
# (the writer trickles the input in 20 pieces so the signals land mid-stream)
(split -n l/20 "$T/many" "$T/piece."; for f in "$T"/piece.*; do cat "$f"; sleep 0.05; done) > "$T/in" &
writer=$!
wait_catching_hup "$pid"
n=0
while kill -0 "$writer" 2> /dev/null; do
  n=$((n + 1))
  mv "$T/app.log" "$T/app.log.$(printf %03d $n)" 2> /dev/null || true
  kill -HUP "$pid" 2> /dev/null || true
  sleep 0.04
done
wait "$writer"
status=0; wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "rotation storm: exit $status ($(cat "$T/err"))"
[ "$n" -ge 5 ] || fail "rotation storm: only $n rotations"
# (a last SIGHUP after the end of input reopens nothing)
[ -e "$T/app.log" ] || : > "$T/app.log"
cat $(ls "$T"/app.log.* 2> /dev/null | sort) "$T/app.log" > "$T/all"
cmp -s "$T/many.want" "$T/all" || fail "rotation storm: lines lost, split or repeated over $n rotations"

# -z -o: the gzip stream cannot restart in a new file; said, not lost.
rm -f "$T/in" "$T/app.log.gz"; mkfifo "$T/in"
"$LOGMASK" $RULES -z -o "$T/app.log.gz" < "$T/in" 2> "$T/err" &
pid=$!
exec 3> "$T/in"
printf 'gz password=gzpass01\n' >&3
wait_catching_hup "$pid"
kill -HUP "$pid"
sleep 0.3
printf 'gz two\n' >&3
exec 3>&-
status=0; wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "-z -o: exit $status"
grep -q "not reopened on SIGHUP" "$T/err" || fail "-z -o: no notice: $(cat "$T/err")"
[ "$(gzip -dc "$T/app.log.gz")" = "$(printf 'gz password=[REDACTED:password-assignment]\ngz two')" ] ||
  fail "-z -o: $(gzip -dc "$T/app.log.gz" | head -5)"

# A file that cannot be reopened: said, lines go on into the old file.
rm -f "$T/in"; mkdir "$T/dir"; mkfifo "$T/in"
"$LOGMASK" $RULES -o "$T/dir/app.log" < "$T/in" 2> "$T/err" &
pid=$!
exec 3> "$T/in"
printf 'first\n' >&3
sleep 0.3
mv "$T/dir/app.log" "$T/app.log.old"
chmod 500 "$T/dir"
wait_catching_hup "$pid"
kill -HUP "$pid"
sleep 0.3
printf 'second\n' >&3
exec 3>&-
status=0; wait "$pid" || status=$?
chmod 700 "$T/dir"
if [ "$(id -u)" != 0 ]; then
  [ "$status" -eq 0 ] || fail "unreopenable: exit $status"
  grep -q "cannot reopen on SIGHUP" "$T/err" || fail "unreopenable: no notice: $(cat "$T/err")"
  [ "$(cat "$T/app.log.old")" = "$(printf 'first\nsecond')" ] || fail "unreopenable: $(cat "$T/app.log.old")"
fi

# logmask run -o FILE: SIGHUP reaches the program and reopens the file.
need python3
rm -f "$T/run.log"*
cat > "$T/rot.py" <<'PY'
import signal, sys, time
signal.signal(signal.SIGHUP, lambda s, f: print("program got SIGHUP", file=sys.stderr, flush=True))
open(sys.argv[1], "w").close()
for i in range(6):
    print("tick %d password=tick%05d" % (i, i), flush=True)
    time.sleep(0.15)
PY
"$LOGMASK" run $RULES -o "$T/run.log" -- python3 "$T/rot.py" "$T/ready" 2> "$T/err" &
pid=$!
i=0; while [ ! -e "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
wait_catching_hup "$pid"
sleep 0.3
mv "$T/run.log" "$T/run.log.1"
kill -HUP "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 0 ] || fail "run -o: exit $status ($(cat "$T/err"))"
grep -q "^program got SIGHUP$" "$T/run.log" || fail "run -o: the program did not get SIGHUP: $(cat "$T/run.log")"
[ -s "$T/run.log.1" ] || fail "run -o: nothing before the rotation"
[ "$(cat "$T/run.log.1" "$T/run.log" | grep -c '^tick [0-5] password=\[REDACTED:password-assignment\]$')" -eq 6 ] ||
  fail "run -o: ticks lost: $(cat "$T/run.log.1" "$T/run.log")"
echo "hangup: ok"
