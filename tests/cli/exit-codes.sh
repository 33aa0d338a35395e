#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every documented exit status of a masking run: 0, 1 (--check), 3 (an
# unreadable input among several), 4 (write error), 141 (reader gone).
# Status 2 is in help-version.sh and rule-errors.sh, signals in signals.sh.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"

printf 'clean one\nclean two\n' > "$T/clean"
printf 'user=bob password=hunter2x\n' > "$T/secret"

# 0: success, output identical to a clean input.
"$LOGMASK" $RULES "$T/clean" > "$T/out" || fail "clean input exited $?"
cmp -s "$T/out" "$T/clean" || fail "clean input changed"

# 1: --check found something; the masked output is still written.
status=0
"$LOGMASK" $RULES --check "$T/clean" "$T/secret" > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "--check with a secret exited $status, want 1"
printf 'clean one\nclean two\nuser=bob password=[REDACTED:password-assignment]\n' > "$T/want"
cmp -s "$T/out" "$T/want" || fail "--check output is not the masked input"
grep -q 'check' "$T/err" || fail "--check said nothing on stderr"
"$LOGMASK" $RULES --check < "$T/clean" > /dev/null || fail "--check on clean input exited $?"

# 3: a missing file and a directory among readable files: both reported by
# name, the others processed in order, exit 3 at the end.
mkdir "$T/dir"
status=0
"$LOGMASK" $RULES "$T/clean" "$T/missing" "$T/dir" "$T/secret" > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 3 ] || fail "unreadable inputs gave exit $status, want 3"
cmp -s "$T/out" "$T/want" || fail "readable inputs were not all processed"
grep -q "$T/missing: No such file or directory" "$T/err" || fail "missing file not reported: $(cat "$T/err")"
grep -q "$T/dir: .*Is a directory" "$T/err" || fail "directory not reported: $(cat "$T/err")"
# An input error outranks --check.
status=0
"$LOGMASK" $RULES --check "$T/secret" "$T/missing" > /dev/null 2>&1 || status=$?
[ "$status" -eq 3 ] || fail "--check with a missing input exited $status, want 3"

# 4: write error, with a clear message and no silent success, batched and
# line-buffered, small and large.
if [ -w /dev/full ]; then
  for mode in "" --line-buffered; do
    status=0
    "$LOGMASK" $RULES $mode "$T/secret" > /dev/full 2> "$T/err" || status=$?
    [ "$status" -eq 4 ] || fail "/dev/full ($mode) exited $status, want 4"
    grep -q '^logmask: write error: No space left on device$' "$T/err" ||
      fail "/dev/full ($mode) message: $(cat "$T/err")"
  done
  i=0; : > "$T/big"
  while [ $i -lt 50 ]; do cat "$top_srcdir/tests/data/sample.log" >> "$T/big"; i=$((i + 1)); done
  status=0
  "$LOGMASK" $RULES "$T/big" > /dev/full 2> "$T/err" || status=$?
  [ "$status" -eq 4 ] || fail "/dev/full with a large input exited $status, want 4"
  [ "$(grep -c . "$T/err")" -eq 1 ] || fail "write error reported more than once: $(cat "$T/err")"
else
  echo "no /dev/full: write error part skipped"
fi

# Closed standard output is a write error too.
status=0
"$LOGMASK" $RULES "$T/secret" >&- 2> "$T/err" || status=$?
[ "$status" -eq 4 ] || fail "closed stdout exited $status, want 4"

# 141: the reader went away (EPIPE): quiet, no message.
i=0; : > "$T/big"
while [ $i -lt 2000 ]; do cat "$top_srcdir/tests/data/sample.log" >> "$T/big"; i=$((i + 1)); done
{ status=0; "$LOGMASK" $RULES "$T/big" 2> "$T/err" || status=$?; echo "$status" > "$T/status"; } | head -n 1 > /dev/null
[ "$(cat "$T/status")" -eq 141 ] || fail "closed pipe exited $(cat "$T/status"), want 141"
[ ! -s "$T/err" ] || fail "closed pipe was not quiet: $(cat "$T/err")"
echo "exit codes: ok"
