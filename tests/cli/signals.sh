#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SIGTERM/SIGINT: every line already read is written, then exit 128+signo;
# a second signal ends a flush that cannot finish.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need mkfifo
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"

# Kills $1 for good after $2 seconds unless it has exited; returns its status.
# (The watchdog polls: a trapped signal would not interrupt its sleep.)
wait_bounded() {
  (
    ticks=$(($2 * 10))
    while [ "$ticks" -gt 0 ] && kill -0 "$1" 2> /dev/null; do
      sleep 0.1; ticks=$((ticks - 1))
    done
    kill -KILL "$1" 2> /dev/null || true
  ) &
  watchdog=$!
  status=0
  wait "$1" || status=$?
  wait "$watchdog" 2> /dev/null || true
  return "$status"
}

# Lines written into a FIFO, read (batched, not yet written), then SIGTERM:
# all of them come out, the partial last one too, and the exit is 143.
mkfifo "$T/in"
"$LOGMASK" $RULES < "$T/in" > "$T/out" 2> "$T/err" &
pid=$!
exec 3> "$T/in"
printf 'one password=hunter2x\ntwo\nthree without newline' >&3
sleep 1
kill -TERM "$pid"
status=0
wait_bounded "$pid" 10 || status=$?
exec 3>&-
[ "$status" -eq 143 ] || fail "SIGTERM: exit $status, want 143 ($(cat "$T/err"))"
printf 'one password=[REDACTED:password-assignment]\ntwo\nthree without newline' > "$T/want"
cmp -s "$T/out" "$T/want" || fail "SIGTERM: lines read were not all written: '$(cat "$T/out")'"
[ ! -s "$T/err" ] || fail "SIGTERM: unexpected stderr: $(cat "$T/err")"

# SIGTERM while idle: nothing read, nothing written, exit 143.
rm -f "$T/in"; mkfifo "$T/in"
"$LOGMASK" $RULES < "$T/in" > "$T/out" &
pid=$!
exec 3> "$T/in"
sleep 0.5
kill -TERM "$pid"
status=0
wait_bounded "$pid" 10 || status=$?
exec 3>&-
[ "$status" -eq 143 ] || fail "idle SIGTERM: exit $status, want 143"
[ ! -s "$T/out" ] || fail "idle SIGTERM wrote output"

# A reader that never drains: the flush blocks; a second SIGTERM ends it.
rm -f "$T/in"; mkfifo "$T/in" "$T/outfifo"
exec 4<> "$T/outfifo"
# (4 MiB: more than a pipe holds even after logmask grows it to 1 MiB)
awk 'BEGIN { for (i = 0; i < 120000; i++) print "line " i " password=hunter2x" }' > "$T/many"
"$LOGMASK" $RULES --line-buffered < "$T/many" > "$T/outfifo" &
pid=$!
sleep 0.5
kill -TERM "$pid"
sleep 0.5
kill -0 "$pid" 2> /dev/null || fail "stuck flush: exited before the second signal"
kill -TERM "$pid"
status=0
wait_bounded "$pid" 10 || status=$?
exec 4<&-
[ "$status" -eq 143 ] || fail "stuck flush: exit $status after a second SIGTERM, want 143"

# SIGINT behaves the same (exit 130).  A non-interactive shell starts
# background jobs with SIGINT ignored, so python3 starts this one.
if command -v python3 > /dev/null 2>&1; then
  LOGMASK="$LOGMASK" RULES="$RULES" python3 - <<'PY' || fail "SIGINT test failed"
import os, signal, subprocess, sys, time
cmd = [os.environ["LOGMASK"]] + os.environ["RULES"].split()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
p.stdin.write(b"a password=hunter2x\nb\n")
p.stdin.flush()
time.sleep(1)
p.send_signal(signal.SIGINT)
out = p.stdout.read()
rc = p.wait(timeout=10)
p.stdin.close()
want = b"a password=[REDACTED:password-assignment]\nb\n"
if rc != 130 or out != want:
    sys.exit("SIGINT: exit %d, output %r" % (rc, out))
PY
else
  echo "python3 missing: SIGINT part skipped"
fi
echo "signals: ok"
