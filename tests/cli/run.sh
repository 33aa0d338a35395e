#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logmask run: a program's stdout and stderr each masked by its own masker,
# signals passed on, the program's exit status, no unmasked byte out.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules"
PY=$(command -v python3)

# A Python program that logs to stderr (logging's default) and prints to
# stdout; its exit status comes back.
cat > "$T/app.py" <<'PY'
import logging, sys, time
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
log = logging.getLogger("app")
print("stdout password=hunter2x", flush=True)
log.info("connecting with password=s3cr3t-pw")
log.warning("plain warning stays as it is")
# a secret split across two writes, and an open key block on stdout while
# stderr goes on: each stream has its own masker
sys.stderr.write("split password=hun"); sys.stderr.flush(); time.sleep(0.2)
sys.stderr.write("ter2x done\n"); sys.stderr.flush()
sys.stdout.write("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"); sys.stdout.flush()
log.info("stderr line inside stdout's block")
sys.stdout.write("-----END PRIVATE KEY-----\nlast stdout line password=tail99x"); sys.stdout.flush()
sys.exit(3)
PY
status=0
"$LOGMASK" run -- "$PY" "$T/app.py" > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 3 ] || fail "exit status $status, want the program's 3 ($(cat "$T/err"))"
cat > "$T/want-err" <<'EOF'
INFO app connecting with password=[REDACTED:password-assignment]
WARNING app plain warning stays as it is
split password=[REDACTED:password-assignment] done
INFO app stderr line inside stdout's block
EOF
diff "$T/want-err" "$T/err" >&2 || fail "stderr differs"
grep -q '^stdout password=\[REDACTED:password-assignment\]$' "$T/out" || fail "stdout: $(cat "$T/out")"
if grep -q 'MIIEvQ' "$T/out"; then fail "private key block passed: $(cat "$T/out")"; fi
[ "$(tail -n 1 "$T/out")" = "last stdout line password=[REDACTED:password-assignment]" ] ||
  fail "unterminated last line: $(tail -n 1 "$T/out")"
[ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" = "]" ] || fail "a newline was added to the last line"
for s in hunter2x s3cr3t-pw hun ter2x tail99x; do
  if grep -q "$s" "$T/out" "$T/err"; then fail "secret $s leaked"; fi
done

# -o FILE takes both streams, whole lines each.
"$LOGMASK" run $RULES -o "$T/both.log" -- sh -c 'echo "o password=aaaaaaa1"; echo "e password=bbbbbbb2" >&2' \
  > "$T/out" 2> "$T/err" || fail "-o exited $?"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || fail "-o: output outside the file"
[ "$(sort "$T/both.log")" = "$(printf 'e password=[REDACTED:password-assignment]\no password=[REDACTED:password-assignment]')" ] ||
  fail "-o: $(cat "$T/both.log")"

# Exit statuses: a signal, not found, not executable, no command, a
# refused option, bad rules.
status=0; "$LOGMASK" run $RULES -- sh -c 'kill -KILL $$' || status=$?
[ "$status" -eq 137 ] || fail "program killed by SIGKILL: exit $status, want 137"
status=0; "$LOGMASK" run $RULES -- "$T/does-not-exist" 2> "$T/err" || status=$?
[ "$status" -eq 127 ] || fail "missing command: exit $status, want 127"
grep -q "does-not-exist: No such file" "$T/err" || fail "missing command report: $(cat "$T/err")"
printf 'echo hi\n' > "$T/noexec"; chmod 644 "$T/noexec"
status=0; "$LOGMASK" run $RULES -- "$T/noexec" 2> /dev/null || status=$?
[ "$status" -eq 126 ] || fail "not executable: exit $status, want 126"
status=0; "$LOGMASK" run $RULES 2> /dev/null || status=$?
[ "$status" -eq 125 ] || fail "no command: exit $status, want 125"
status=0; "$LOGMASK" run --check -- true 2> /dev/null || status=$?
[ "$status" -eq 125 ] || fail "--check: exit $status, want 125"
status=0; "$LOGMASK" run -r "$T/does-not-exist.rules" -- true 2> /dev/null || status=$?
[ "$status" -eq 125 ] || fail "bad rules: exit $status, want 125"
# options end at the command: its own -x options are its own
"$LOGMASK" run $RULES sh -c 'echo "$1"' sh -x > "$T/out" || fail "command options: exit $?"
[ "$(cat "$T/out")" = "-x" ] || fail "command options: $(cat "$T/out")"
"$LOGMASK" run --help | grep -q "^Usage: logmask run" || fail "run --help"

# Signals: INT, TERM, HUP and QUIT reach the program once each; what it
# logs on the way out is masked; its exit status is returned.
cat > "$T/sig.py" <<'PY'
import os, signal, sys, time
def on(signo, frame):
    name = signal.Signals(signo).name
    sys.stderr.write("got %s password=%s\n" % (name, "pw-" + name + "-123456"))
    sys.stderr.flush()
    if signo == signal.SIGQUIT:
        sys.exit(7)
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(s, on)
open(sys.argv[1], "w").close()
while True:
    time.sleep(0.05)
PY
# Python starts it so that SIGINT is not ignored (a shell's background job)
LOGMASK="$LOGMASK" RULES="$RULES" PYPROG="$T/sig.py" READY="$T/ready" PYBIN="$PY" python3 - <<'PY' || fail "signal forwarding"
import os, signal, subprocess, sys, time
cmd = [os.environ["LOGMASK"], "run"] + os.environ["RULES"].split() + ["--", os.environ["PYBIN"], os.environ["PYPROG"], os.environ["READY"]]
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
deadline = time.time() + 10
while not os.path.exists(os.environ["READY"]) and time.time() < deadline:
    time.sleep(0.02)
for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
    p.send_signal(s)
    time.sleep(0.2)
try:
    out, err = p.communicate(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    sys.exit("logmask run did not end")
want = b"".join(b"got %s password=[REDACTED:password-assignment]\n" % n
                for n in (b"SIGHUP", b"SIGINT", b"SIGTERM", b"SIGQUIT"))
if p.returncode != 7 or err != want or out:
    sys.exit("signals: exit %d, stderr %r, stdout %r" % (p.returncode, err, out))
PY

# Control-C on a terminal reaches the whole foreground process group, the
# program included: logmask run does not deliver it a second time.
cat > "$T/ctrlc.py" <<'PY'
import signal, sys, time
count = 0
def on(signo, frame):
    global count
    count += 1
signal.signal(signal.SIGINT, on)
open(sys.argv[1], "w").close()
while count == 0:
    time.sleep(0.02)
time.sleep(0.5)  # a second delivery would come now
sys.exit(10 + count)
PY
LOGMASK="$LOGMASK" PYPROG="$T/ctrlc.py" READY="$T/ready-c" PYBIN="$PY" python3 - <<'PY' || fail "Control-C"
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(os.environ["LOGMASK"], [os.environ["LOGMASK"], "run", "--", os.environ["PYBIN"],
                                      os.environ["PYPROG"], os.environ["READY"]])
deadline = time.time() + 10
while not os.path.exists(os.environ["READY"]) and time.time() < deadline:
    time.sleep(0.02)
os.write(fd, b"\x03")
while True:
    try:
        if not os.read(fd, 1024):
            break
    except OSError:
        break
_, status = os.waitpid(pid, 0)
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 11:
    sys.exit("Control-C: status %r, want exit 11 (one SIGINT)" % status)
PY

# A program ended by a forwarded SIGTERM: 143.
"$LOGMASK" run $RULES -- "$PY" -c 'import time, sys
open(sys.argv[1], "w").close()
time.sleep(30)' "$T/ready2" &
pid=$!
i=0; while [ ! -e "$T/ready2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 143 ] || fail "forwarded SIGTERM: exit $status, want 143"

# The reader of logmask's stdout goes away: the program gets EPIPE/SIGPIPE
# on that stream as it would on a pipe of its own, nothing is reported.
status=0
"$LOGMASK" run $RULES -- sh -c 'while :; do echo "password=loop1234"; done' 2> "$T/err" | head -n 3 > "$T/out" || status=$?
[ "$(wc -l < "$T/out")" -eq 3 ] || fail "head: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "EPIPE was reported: $(cat "$T/err")"
echo "run: ok"
