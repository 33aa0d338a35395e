#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# --stats (text and JSON), --list-rules and --test-rules.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
COMMON=$top_srcdir/tests/cases/common.rules
RULES="--no-default-rules -r $COMMON --format text"

cat > "$T/in" <<'LOG'
login password=hunter2x
again password=second-pw-9 and pwd=third-pw-9
key=AKIAZ7Q3N5M2K8R4T6WX
nothing here
LOG

# Text statistics: a table on stderr; stdout is only the masked lines.
"$LOGMASK" $RULES --stats < "$T/in" > "$T/out" 2> "$T/err" || fail "--stats exited $?"
[ "$(wc -l < "$T/out")" -eq 4 ] || fail "--stats changed the output"
head -n 1 "$T/err" | grep -q '^rule  *tested  *matches  *bytes$' || fail "--stats header: $(head -n 1 "$T/err")"
row=$(awk '$1 == "password-assignment" { print $3 " " $4 }' "$T/err")
[ "$row" = "3 29" ] || fail "--stats password-assignment matches/bytes '$row', want '3 29'"
row=$(awk '$1 == "aws-access-key-id" { print $3 " " $4 }' "$T/err")
[ "$row" = "1 20" ] || fail "--stats aws-access-key-id matches/bytes '$row', want '1 20'"
grep -q '^lines 4, bytes 108, lines masked 3,' "$T/err" || fail "--stats totals: $(tail -n 1 "$T/err")"
if grep -q -e hunter2x -e second-pw -e AKIAZ7 "$T/err"; then fail "--stats printed a secret"; fi

# JSON statistics parse, count the same, hold no secret.
if command -v python3 > /dev/null 2>&1; then
  "$LOGMASK" $RULES --stats=json < "$T/in" > /dev/null 2> "$T/json" || fail "--stats=json exited $?"
  python3 -c 'import json,sys; json.load(sys.stdin)' < "$T/json" || fail "--stats=json is not JSON: $(cat "$T/json")"
  python3 -c '
import json, sys
stats = json.load(sys.stdin)
assert stats["totals"]["lines"] == 4, stats["totals"]
rules = {r["id"]: r for r in stats["rules"]}
assert rules["password-assignment"]["matches"] == 3, rules
' < "$T/json" || fail "--stats=json counts: $(cat "$T/json")"
  if grep -q -e hunter2x -e second-pw -e AKIAZ7 "$T/json"; then fail "--stats=json printed a secret"; fi
else
  echo "python3 missing: JSON validation skipped"
fi

# --list-rules: one line per enabled rule, no input read; literals by name
# only.
printf 'ZephyrQuartz-2291\n' > "$T/secrets"
"$LOGMASK" --no-default-rules -r "$COMMON" --literals "$T/secrets" --list-rules > "$T/list" ||
  fail "--list-rules exited $?"
for id in password-assignment url-credentials bearer-header aws-access-key-id; do
  grep -q "^$id  *[A-Z]" "$T/list" || fail "--list-rules misses $id: $(cat "$T/list")"
done
# 4 rules, the 6 built-in labels (json-sensitive-key, ...), 1 literal
[ "$(grep -c '(built-in)$' "$T/list")" -eq 6 ] || fail "--list-rules: built-in labels: $(cat "$T/list")"
[ "$(grep -c . "$T/list")" -eq 11 ] || fail "--list-rules printed $(grep -c . "$T/list") lines, want 11"
grep -q '^literal  *secrets:1$' "$T/list" || fail "--list-rules literal line: $(cat "$T/list")"
if grep -q ZephyrQuartz "$T/list"; then fail "--list-rules printed a literal's value"; fi
"$LOGMASK" --no-default-rules -r "$COMMON" --disable cloud --list-rules > "$T/list" ||
  fail "--list-rules --disable exited $?"
if grep -q aws-access-key-id "$T/list"; then fail "--list-rules lists a disabled rule"; fi

# --test-rules: the inline tests of the shipped patterns and of the
# built-in library pass; a failing test is reported by file:line, exit 1.
"$LOGMASK" --no-default-rules -r "$top_srcdir/patterns" --test-rules > "$T/out" 2> "$T/err" ||
  fail "--test-rules on patterns/ exited $?: $(cat "$T/err")"
grep -q '^[1-9][0-9]* tests run, 0 failed$' "$T/out" || fail "--test-rules summary: $(cat "$T/out")"
"$LOGMASK" --test-rules > "$T/out" 2> "$T/err" || fail "--test-rules on the built-in rules exited $?: $(cat "$T/err")"
"$LOGMASK" --no-default-rules -r "$COMMON" --test-rules > "$T/out" || fail "--test-rules on common.rules exited $?"
[ "$(cat "$T/out")" = "14 tests run, 0 failed" ] || fail "--test-rules common.rules: $(cat "$T/out")"

cat > "$T/failing.rules" <<'RULES'
rule: digits
description: masks digits after code=
keywords: code=
regex: code=(?<secret>[0-9]+)
match: code=[[1234]]
match: code=[[abcd]]
nomatch: code=none
RULES
status=0
"$LOGMASK" --no-default-rules -r "$T/failing.rules" --test-rules > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "a failing inline test exited $status, want 1"
grep -q 'failing.rules:6:' "$T/err" || fail "failing test not reported by file:line: $(cat "$T/err")"
[ "$(cat "$T/out")" = "3 tests run, 1 failed" ] || fail "failing summary: $(cat "$T/out")"
echo "reports: ok"
