#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The fuzz_planted inputs that find a known bug (tests/cases/KNOWN-FAILING,
# IDs fuzz-planted/NAME): each runs with LOGMASK_FUZZ_ALL=1 (the shapes
# and values the target leaves out by default) and must still fail; when
# one passes, the bug is fixed: remove its line and its gate in
# tests/fuzz/fuzz_planted.c, and move the input to corpus/planted.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
prog="$top_builddir/tests/fuzz/seed_planted"
[ -x "$prog" ] || fail "$prog not built"
n=0
for seed in "$top_srcdir"/tests/fuzz/known/planted/*; do
  name=${seed##*/}
  status=0
  LOGMASK_FUZZ_ALL=1 "$prog" "$seed" > "$T/out" 2> "$T/err" || status=$?
  why=$(grep -m1 '^fuzz_planted:' "$T/err" || true)
  if [ "$status" -ne 0 ] && [ -z "$why" ]; then
    cat "$T/err" >&2
    fail "fuzz-planted/$name: exit $status without an oracle report (a crash?)"
  fi
  expect "fuzz-planted/$name" "$status" "$why"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no inputs in tests/fuzz/known/planted"
echo "fuzz_planted: $n known-bug inputs checked"
