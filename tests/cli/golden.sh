#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Golden end-to-end cases: tests/cases/NAME.in through the built logmask
# must give exactly NAME.out, with every read size from 1 to 31 bytes and
# 4096 (as yajl's tests sweep buffer sizes), and line-buffered too.
# NAME.args, when present, holds extra options as blank-separated words (no
# quoting), with paths relative to the top source directory.
# A case listed as golden/NAME in tests/cases/KNOWN-FAILING states the
# expected output of a known bug: its failure is reported (XFAIL, with the
# diff) and must go away with the fix (a listed case that passes fails).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
cd "$top_srcdir"

# Runs case $name with the options in "$@"; 0 when every way of reading it
# gives $expected, else 1 with the reason in $why.
run_case() {
  for size in $(seq 1 31) 4096; do
    status=0
    "$LOGMASK" --chunk-size "$size" "$@" < "$input" > "$T/out" 2> "$T/err" || status=$?
    [ "$status" -eq 0 ] || { cat "$T/err" >&2; why="exit $status with --chunk-size $size"; return 1; }
    [ ! -s "$T/err" ] || { cat "$T/err" >&2; why="unexpected stderr with --chunk-size $size"; return 1; }
    cmp -s "$T/out" "$expected" || {
      diff "$expected" "$T/out" >&2 || true
      why="output differs with --chunk-size $size"
      return 1
    }
  done
  for size in 1 4096; do
    "$LOGMASK" --line-buffered --chunk-size "$size" "$@" < "$input" > "$T/out" ||
      { why="exit $? with --line-buffered --chunk-size $size"; return 1; }
    cmp -s "$T/out" "$expected" ||
      { why="output differs with --line-buffered --chunk-size $size"; return 1; }
  done
  # The same case named as a file argument and as '-'.
  "$LOGMASK" "$@" "$input" > "$T/out" || { why="exit $? reading $input as a file"; return 1; }
  cmp -s "$T/out" "$expected" || { why="output differs reading $input as a file"; return 1; }
  "$LOGMASK" "$@" - < "$input" > "$T/out" || { why="exit $? reading '-'"; return 1; }
  cmp -s "$T/out" "$expected" || { why="output differs reading '-'"; return 1; }
  return 0
}

# every golden/ entry of the known-failing list names a case
for id in $(sed -n 's,^golden/\([^[:space:]]*\).*,\1,p' "$KNOWN_FAILING"); do
  [ -f "tests/cases/$id.in" ] || fail "tests/cases/KNOWN-FAILING: no case golden/$id"
done

cases=0 xfail=0
for input in tests/cases/*.in; do
  name=${input%.in}
  expected=$name.out
  [ -f "$expected" ] || fail "$input has no $expected"
  set -f
  # shellcheck disable=SC2046 # word splitting of the args file is the point
  set -- $(if [ -f "$name.args" ]; then cat "$name.args"; fi)
  set +f
  status=0
  why=
  run_case "$@" || status=1
  expect "golden/${name##*/}" "$status" "$why"
  [ "$status" -eq 0 ] || xfail=$((xfail + 1))
  cases=$((cases + 1))
done
[ "$cases" -gt 0 ] || fail "no golden cases found"
echo "$((cases - xfail)) golden cases passed with 32 read sizes each;" \
  "$xfail known to fail (tests/cases/KNOWN-FAILING)"
