#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Rule, literal and key problems exit 2 before any input is read, with a
# message naming the file and line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"

# Runs logmask expecting exit 2 and a message matching $1 on stderr.
refused() {
  pattern=$1; shift
  status=0
  printf 'password=hunter2x\n' | "$LOGMASK" "$@" > "$T/out" 2> "$T/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, want 2 ($(cat "$T/err"))"
  [ ! -s "$T/out" ] || fail "'$*' wrote output despite the error"
  grep -q -e "$pattern" "$T/err" || fail "'$*': stderr '$(cat "$T/err")' does not match '$pattern'"
}

cat > "$T/bad-regex.rules" <<'RULES'
# a rule whose regex PCRE2 refuses
rule: broken
description: unbalanced parenthesis
keywords: broken
regex: broken=(?<secret>[a-z]+
RULES
refused "^logmask: .*bad-regex.rules:5:" --no-default-rules -r "$T/bad-regex.rules"

cat > "$T/unknown-field.rules" <<'RULES'
rule: odd
description: has a field that does not exist
colour: blue
keywords: odd
regex: odd=(?<secret>\S+)
RULES
refused "^logmask: .*unknown-field.rules:3:" --no-default-rules -r "$T/unknown-field.rules"

cat > "$T/duplicate.rules" <<'RULES'
rule: twice
description: first
keywords: twice
regex: twice=(?<secret>\S+)

rule: twice
description: second
keywords: twice
regex: twice:(?<secret>\S+)
RULES
refused "^logmask: .*duplicate.rules:6:" --no-default-rules -r "$T/duplicate.rules"

cat > "$T/missing-regex.rules" <<'RULES'
rule: incomplete
description: no regex
keywords: incomplete
RULES
refused "missing-regex.rules:" --no-default-rules -r "$T/missing-regex.rules"

# A rule file that does not exist, named in the message; the same through
# LOGMASK_RULES; a bad file in a directory.
refused "$T/nowhere.rules" --no-default-rules -r "$T/nowhere.rules"
LOGMASK_RULES="$T/nowhere.rules" refused "$T/nowhere.rules" --no-default-rules
mkdir "$T/ruledir"
cp "$T/bad-regex.rules" "$T/ruledir/b.rules"
cp "$top_srcdir/tests/cases/common.rules" "$T/ruledir/a.rules"
refused "b.rules:5:" --no-default-rules -r "$T/ruledir"

# --enable/--disable of something that does not exist.
refused "no-such-rule" --no-default-rules -r "$top_srcdir/tests/cases/common.rules" --enable no-such-rule
refused "no-such-group" --no-default-rules -r "$top_srcdir/tests/cases/common.rules" --disable no-such-group

# Hash keys: missing, readable by others, too short.
refused "$T/nokey" --no-default-rules -r "$top_srcdir/tests/cases/common.rules" \
  --mask hash --hash-key-file "$T/nokey"
head -c 48 /dev/urandom > "$T/key"
chmod 644 "$T/key"
refused "logmask: " --no-default-rules -r "$top_srcdir/tests/cases/common.rules" --mask hash --hash-key-file "$T/key"
head -c 8 /dev/urandom > "$T/shortkey"
chmod 600 "$T/shortkey"
LOGMASK_HASH_KEY_FILE="$T/shortkey" refused "logmask: " --no-default-rules \
  -r "$top_srcdir/tests/cases/common.rules" --mask hash

# LOGMASK_RULES is used when there is no --rules, and --rules wins over it.
printf 'password=hunter2x\n' |
  LOGMASK_RULES="$T/ruledir/a.rules:" "$LOGMASK" --no-default-rules --format text > "$T/out" ||
  fail "LOGMASK_RULES run exited $?"
[ "$(cat "$T/out")" = "password=[REDACTED:password-assignment]" ] || fail "LOGMASK_RULES not used: $(cat "$T/out")"
printf 'password=hunter2x\n' |
  LOGMASK_RULES="$T/nowhere.rules" "$LOGMASK" --no-default-rules --format text \
    -r "$top_srcdir/tests/cases/common.rules" > "$T/out" || fail "--rules did not override LOGMASK_RULES"

# Disabling a rule by id and by group.
printf 'password=hunter2x key=AKIAZ7Q3N5M2K8R4T6WX\n' > "$T/in"
"$LOGMASK" --no-default-rules --format text -r "$top_srcdir/tests/cases/common.rules" \
  --disable password-assignment < "$T/in" > "$T/out" || fail "--disable exited $?"
[ "$(cat "$T/out")" = "password=hunter2x key=[REDACTED:aws-access-key-id]" ] || fail "--disable ID: $(cat "$T/out")"
"$LOGMASK" --no-default-rules --format text -r "$top_srcdir/tests/cases/common.rules" \
  --disable cloud < "$T/in" > "$T/out" || fail "--disable GROUP exited $?"
[ "$(cat "$T/out")" = "password=[REDACTED:password-assignment] key=AKIAZ7Q3N5M2K8R4T6WX" ] || fail "--disable GROUP: $(cat "$T/out")"
echo "rule errors: ok"
