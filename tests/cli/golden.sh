#!/bin/sh
# Golden end-to-end cases: tests/cases/NAME.in through the built logmask
# must give exactly NAME.out, with every read size from 1 to 31 bytes and
# 4096 (as yajl's tests sweep buffer sizes), and line-buffered too.
# NAME.args, when present, holds extra options as blank-separated words (no
# quoting), with paths relative to the top source directory.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
cd "$top_srcdir"

cases=0
for input in tests/cases/*.in; do
  name=${input%.in}
  expected=$name.out
  [ -f "$expected" ] || fail "$input has no $expected"
  set -f
  # shellcheck disable=SC2046 # word splitting of the args file is the point
  set -- $(if [ -f "$name.args" ]; then cat "$name.args"; fi)
  set +f
  for size in $(seq 1 31) 4096; do
    status=0
    "$LOGMASK" --chunk-size "$size" "$@" < "$input" > "$T/out" 2> "$T/err" || status=$?
    [ "$status" -eq 0 ] || { cat "$T/err" >&2; fail "$name: exit $status with --chunk-size $size"; }
    [ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "$name: unexpected stderr with --chunk-size $size"; }
    cmp -s "$T/out" "$expected" || {
      diff "$expected" "$T/out" >&2 || true
      fail "$name: output differs with --chunk-size $size"
    }
  done
  for size in 1 4096; do
    "$LOGMASK" --line-buffered --chunk-size "$size" "$@" < "$input" > "$T/out" ||
      fail "$name: exit $? with --line-buffered --chunk-size $size"
    cmp -s "$T/out" "$expected" || fail "$name: output differs with --line-buffered --chunk-size $size"
  done
  # The same case named as a file argument and as '-'.
  "$LOGMASK" "$@" "$input" > "$T/out" || fail "$name: exit $? reading $input as a file"
  cmp -s "$T/out" "$expected" || fail "$name: output differs reading $input as a file"
  "$LOGMASK" "$@" - < "$input" > "$T/out" || fail "$name: exit $? reading '-'"
  cmp -s "$T/out" "$expected" || fail "$name: output differs reading '-'"
  cases=$((cases + 1))
done
[ "$cases" -gt 0 ] || fail "no golden cases found"
echo "$cases golden cases passed with 32 read sizes each"
