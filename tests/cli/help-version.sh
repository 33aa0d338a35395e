#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# --help and --version print to stdout and exit 0; bad options exit 2 with a
# message on stderr naming the problem.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"

"$LOGMASK" --help > "$T/help" 2> "$T/err" || fail "--help exited $?"
[ ! -s "$T/err" ] || fail "--help wrote to stderr"
grep -q '^Usage: logmask ' "$T/help" || fail "--help has no usage line"
for option in --rules --no-default-rules --literals --env-file --enable --disable \
    --list-rules --test-rules --mask --hash-key-file --format --check --stats \
    --line-buffered --max-line --chunk-size --help --version --gzip-output \
    --gzip-level --mask-keys --keep-keys \
    LOGMASK_RULES LOGMASK_HASH_KEY_FILE 'Exit status'; do
  grep -q -e "$option" "$T/help" || fail "--help does not mention $option"
done
for code in 0 1 2 3 4 141; do
  grep -q "^  $code " "$T/help" || fail "--help does not document exit status $code"
done
"$LOGMASK" -h | cmp -s - "$T/help" || fail "-h differs from --help"

version=$(sed -n 's/^#define LM_VERSION_STRING "\(.*\)"$/\1/p' "$top_builddir/src/logmask.h")
[ -n "$version" ] || fail "no LM_VERSION_STRING in logmask.h"
out=$("$LOGMASK" --version) || fail "--version exited $?"
[ "$out" = "logmask $version" ] || fail "--version printed '$out', want 'logmask $version'"

# Usage errors: exit 2, a message on stderr, nothing on stdout.
usage_error() {
  status=0
  "$LOGMASK" "$@" < /dev/null > "$T/out" 2> "$T/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, want 2"
  [ ! -s "$T/out" ] || fail "'$*' wrote to stdout"
  grep -q '^logmask: \|^Try ' "$T/err" || fail "'$*' gave no message"
}
usage_error --no-such-option
usage_error --rules
usage_error --chunk-size 0
usage_error --chunk-size lots
usage_error --chunk-size 17M
usage_error --max-line -5
usage_error --stats=xml
usage_error --no-default-rules --format yaml
grep -q "yaml" "$T/err" || fail "--format error does not name the format"
usage_error --no-default-rules --mask sparkles
usage_error --hash-key-id k2
usage_error --gzip-level 10
echo "help and version: ok"
