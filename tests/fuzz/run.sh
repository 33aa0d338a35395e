#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer target (built by `make fuzz` in a tree configured
# with --enable-fuzzing CC=clang) for SECONDS each, from its seed corpus.
# Fails on any crash, leak, timeout, oracle abort or sanitizer report;
# prints the executions of each target.  Run from the build directory, or
# set top_builddir.  Findings stay in $FUZZ_OUT (default: a temp dir, kept
# on failure) as crash-*/leak-*/timeout-* files to replay with
#   tests/fuzz/fuzz_TARGET FILE   (or tests/fuzz/seed_TARGET FILE).
set -eu
export LC_ALL=C
usage() { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1; shift
case $seconds in ''|*[!0-9]*) usage ;; esac
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
targets=${*:-rulefile stream formats gzip dotenv monitor_conf automata planted}
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/logmask-fuzz.XXXXXX")}
mkdir -p "$out"

failed=0
total=0
printf '%-14s %12s %8s  %s\n' target executions exec/s result
for t in $targets; do
  prog="$top_builddir/tests/fuzz/fuzz_$t"
  if [ ! -x "$prog" ]; then
    echo "$prog not built: configure --enable-fuzzing CC=clang, then make fuzz" >&2
    exit 2
  fi
  # libFuzzer adds new inputs to the first corpus directory: a scratch copy,
  # so the shipped seeds never change.
  work="$out/corpus-$t"
  mkdir -p "$work"
  cp "$top_srcdir/tests/fuzz/corpus/$t"/* "$work/"
  dict=
  [ -f "$top_srcdir/tests/fuzz/$t.dict" ] && dict="-dict=$top_srcdir/tests/fuzz/$t.dict"
  log="$out/$t.log"
  status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$prog" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$out/$t-" $dict "$work" \
      > "$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (exit $status)"
  elif grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz oracle:' "$log"; then
    result="FAILED (sanitizer report)"
  elif [ -z "$execs" ]; then
    result="FAILED (no final stats)"
  fi
  printf '%-14s %12s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
  if [ "$result" != ok ]; then
    failed=$((failed + 1))
    grep -E -A30 'ERROR:|runtime error:|fuzz oracle:' "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
    ls "$out/$t-"* 2>/dev/null >&2 || true
  else
    total=$((total + execs))
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: $failed target(s) failed; logs and artifacts in $out" >&2
  exit 1
fi
echo "fuzz: all targets ok, $total executions in total"
[ -n "${FUZZ_OUT:-}" ] || rm -rf "$out"
