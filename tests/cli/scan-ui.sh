#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What `logmask scan` shows people: colour (--color=auto|always|never,
# NO_COLOR, only on a terminal by default), the summary line, --version,
# and the progress line on a terminal for scans over a second (erased at
# the end, never in a pipe).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
SCAN="$LOGMASK scan --no-default-rules -r $top_srcdir/tests/cases/common.rules"
cd "$T"
printf 'password=UiSecret-4242\n' > a.txt
esc=$(printf '\033')

"$LOGMASK" scan --version > out || fail "scan --version exited $?"
grep -q '^logmask scan [0-9][0-9.]*$' out || fail "scan --version: $(cat out)"
"$LOGMASK" --version | grep -q '^logmask [0-9]' || fail "logmask --version"
"$LOGMASK" scan --help | grep -q -- '--color=WHEN' || fail "scan --help lacks --color"

$SCAN a.txt > out 2> err || true
grep -q "$esc" out err && fail "colour in a pipe by default"
$SCAN --color=always a.txt > out 2> err || true
grep -q "${esc}\[35ma.txt${esc}\[0m:${esc}\[32m1:10${esc}\[0m" out || fail "--color=always: $(cat -v out)"
grep -q "${esc}\[7m\[REDACTED:password-assignment\]" out || fail "mask not highlighted: $(cat -v out)"
grep -q "$esc" err || fail "--color=always summary not coloured"
NO_COLOR=1 $SCAN --color=always a.txt > out 2>/dev/null || true
grep -q "$esc" out || fail "--color=always must beat NO_COLOR"
$SCAN --color=never a.txt > out 2> err || true
grep -q "$esc" out err && fail "--color=never coloured"
# JSON and SARIF are never coloured.
$SCAN --color=always --json a.txt > out 2>/dev/null || true
grep -q "$esc" out && fail "colour in JSON"

# On a terminal: colour unless NO_COLOR; a progress line when the scan
# takes over a second (standard input trickles in for 1.5 s), erased.
python3 - "$LOGMASK" "$top_srcdir/tests/cases/common.rules" <<'PY' || fail "terminal behaviour"
import os, pty, sys, time, select
logmask, rules = sys.argv[1:]

def run(env_extra, trickle):
    rfd, wfd = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:
        os.close(wfd)
        os.dup2(rfd, 0)
        os.environ.update(env_extra)
        os.execv(logmask, [logmask, "scan", "--no-default-rules", "-r", rules, "-"])
    os.close(rfd)
    out = b""
    start = time.time()
    lines = [b"clean line\n"] * 7 + [b"password=UiSecret-4242\n"]
    while True:
        if lines and time.time() - start >= (8 - len(lines)) * trickle:
            os.write(wfd, lines.pop(0))
            if not lines:
                os.close(wfd)
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    os.waitpid(pid, 0)
    return out

slow = run({}, 0.25)
assert b"\x1b[35m" in slow, ("no colour on a terminal", slow)
assert b"\rlogmask scan: 1 file" in slow or b"\r\x1b[Klogmask scan: 1 file" in slow, ("no progress line", slow)
assert b"\r\x1b[K" in slow.split(b"1 new finding")[0], ("progress line not erased", slow)
nocolor = run({"NO_COLOR": "1"}, 0)
assert b"\x1b[35m" not in nocolor and b"UiSecret" not in nocolor, ("NO_COLOR", nocolor)
assert b"files," not in nocolor and b"file," not in nocolor, ("progress on a fast scan", nocolor)
for out in (slow, nocolor):
    assert b"UiSecret-4242" not in out
PY
grep -q UiSecret-4242 out err && fail "secret in an output"
echo "scan-ui: ok"
