#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every fuzz target, built as a plain program, over its seed corpus: the
# oracles that libFuzzer checks hold for every hand-written seed too.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
for target in rulefile stream formats gzip dotenv monitor_conf automata planted; do
  prog="$top_builddir/tests/fuzz/seed_$target"
  dir="$top_srcdir/tests/fuzz/corpus/$target"
  [ -x "$prog" ] || fail "$prog not built"
  want=$(find "$dir" -type f ! -name '.*' | wc -l)
  [ "$want" -gt 0 ] || fail "no seeds in $dir"
  "$prog" "$dir" > "$T/out" 2> "$T/err" || fail "seed_$target: $(cat "$T/err")"
  grep -qx ".*seed_$target: $want inputs" "$T/out" ||
    fail "seed_$target ran $(cat "$T/out"), want $want inputs"
done
echo "fuzz seeds: ok"
