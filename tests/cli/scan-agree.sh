#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The filter and the scanner are one engine: over every golden case
# (tests/cases/NAME.in with its NAME.args), `logmask scan --input log`
# reports exactly the spans the filter masks: the lines rebuilt from the
# scan's JSON findings (byte columns, each span replaced by
# [REDACTED:LABEL]) equal the filter's output with --mask redact, and
# `logmask --check` and `logmask scan` agree on the exit status.  In code
# input the scanner may only report fewer findings, never others.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
cd "$top_srcdir"

cases=0
for input in tests/cases/*.in; do
  name=${input%.in}
  set -f
  # shellcheck disable=SC2046 # word splitting of the args file is the point
  set -- $(if [ -f "$name.args" ]; then cat "$name.args"; fi)
  set +f
  # --mask is the filter's concern: the comparison uses redact masks.
  args=""
  skip=0
  for a in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case $a in
      --mask) skip=1 ;;
      --mask=*) ;;
      *) args="$args $a" ;;
    esac
  done
  check=0
  # shellcheck disable=SC2086
  "$LOGMASK" $args --mask redact --check < "$input" > "$T/filtered" 2>/dev/null || check=$?
  scan=0
  # shellcheck disable=SC2086
  "$LOGMASK" scan $args --input log --report-format json - < "$input" > "$T/log.json" \
    2> "$T/err" || scan=$?
  [ "$check" -le 1 ] || fail "$name: logmask --check exited $check"
  [ "$scan" -eq "$check" ] || fail "$name: logmask --check exited $check, logmask scan $scan: $(cat "$T/err")"
  # shellcheck disable=SC2086
  "$LOGMASK" scan $args --input code --report-format json - < "$input" > "$T/code.json" \
    2>/dev/null || true
  python3 - "$input" "$T/filtered" "$T/log.json" "$T/code.json" "$name" <<'PY' || fail "$name: scan and filter disagree"
import json, sys
src, filtered, log_json, code_json, name = sys.argv[1:]
lines = open(src, "rb").read().split(b"\n")
if lines and lines[-1] == b"":
    lines.pop()
want = open(filtered, "rb").read().split(b"\n")
if want and want[-1] == b"":
    want.pop()
# The spans are compared, not how a mask is written where it lands: inside
# an RFC 5424 PARAM-VALUE its ']' is escaped (\], or \\] when the SD sits
# in a JSON string), a JSON number or object
# masked whole becomes a JSON string (quotes around the mask).
import re
def plain(t):
    t = re.sub(rb"(\[REDACTED:[^]\\ ]+)(?:\\\\|\\)\]", rb"\1]", t)
    return re.sub(rb'"(\[REDACTED:[^]"]+\])"', rb"\1", t)
want = [plain(w) for w in want]
found = json.load(open(log_json))
spans = {}
for f in found["findings"] + found["suppressed"]:
    rule = f["rule"]
    label = rule[len("literal:"):] if rule.startswith("literal:") else rule
    spans.setdefault(f["line"], []).append((f["column"] - 1, f["end_column"] - 1, label))
got = []
# A JSON array of byte values (journald) can only be masked whole: a span
# inside one covers it.
byte_array = re.compile(rb"\[\s*[0-9]{1,3}(?:\s*,\s*[0-9]{1,3})+\s*\]")
def widen(line, found):
    arrays = [(m.start(), m.end()) for m in byte_array.finditer(line)]
    out = []
    for start, end, label in sorted(found):
        for a, b in arrays:
            if a < end and start < b:
                start, end = min(start, a), max(end, b)
        if out and out[-1][1] > start:
            continue
        out.append((start, end, label))
    return out
for i, line in enumerate(lines, 1):
    out, pos = b"", 0
    for start, end, label in widen(line, spans.get(i, [])):
        assert start >= pos, (name, i, spans[i])
        out += line[pos:start] + b"[REDACTED:" + label.encode() + b"]"
        pos = end
    got.append(out + line[pos:])
got = [plain(g) for g in got]
if got != want:
    for i, (g, w) in enumerate(zip(got, want), 1):
        if g != w:
            print(f"{name}: line {i}\n scan:   {g!r}\n filter: {w!r}", file=sys.stderr)
            break
    else:
        print(f"{name}: {len(got)} lines from scan, {len(want)} from the filter", file=sys.stderr)
    sys.exit(1)
code = json.load(open(code_json))
key = lambda f: (f["line"], f["column"], f["end_column"], f["rule"])
log_keys = {key(f) for f in found["findings"] + found["suppressed"]}
extra = [key(f) for f in code["findings"] + code["suppressed"] if key(f) not in log_keys]
assert not extra, (name, "code input found what log input did not", extra)
PY
  cases=$((cases + 1))
done
[ "$cases" -gt 0 ] || fail "no golden cases found"
echo "scan-agree: $cases golden cases, scan and filter agree"
