#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/scale.sh - how the filter's cost grows with the size of its rule set:
# 10, 100 and all rules of the library, 1,000 rules (the library padded with
# provider-token-style rules), and the library plus 10,000 known literals.
#
# Usage: bench/scale.sh [--size 64M] [--runs 5] [--format text|auto]
# Run from the build dir (or set LOGMASK).  Prints one table: rules in the
# set, automaton states, CPU seconds (user+sys, best of --runs) and MB per
# CPU-second of `logmask --format F < corpus`, and the ratio to the full
# library.  CPU time, not wall time: the question is the cost of one more
# rule, and the best of a few runs is steadier than wall time on a shared
# machine.  Needs python3 (the corpus generator), awk and GNU time.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
patterns=$(cd "$here/../patterns" && pwd)
size=64M
runs=5
format=text
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=${2:?}; shift ;;
    --runs) runs=${2:?}; shift ;;
    --format) format=${2:?}; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case $runs in [1-9]) ;; *) echo "scale.sh: --runs: 1 to 9" >&2; exit 2 ;; esac
LOGMASK=${LOGMASK:-./filters/logmask}
[ -x "$LOGMASK" ] || { echo "scale.sh: $LOGMASK not built (run from the build dir or set LOGMASK)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scale.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/logmask-scale.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

cache=${LOGMASK_BENCH_DIR:-${TMPDIR:-/tmp}/logmask-bench}
mkdir -p "$cache"
corpus=$cache/scale-mixed-$size.log
[ -s "$corpus" ] || python3 "$here/gen_corpus.py" --size "$size" --seed 1 --format mixed \
  --out "$corpus" --truth "$T/truth.tsv"
bytes=$(wc -c < "$corpus")

# The first N rule blocks of the library, in file order (a block runs from
# one `rule:` line to the next; comments and blank lines go with it).
first_rules() {
  awk -v n="$1" '/^rule:/ { k++ } k >= 1 && k <= n' "$patterns"/*.rules
}
first_rules 10 > "$T/r10.rules"
first_rules 100 > "$T/r100.rules"
lib=$("$LOGMASK" --no-default-rules -r "$patterns" --list-rules | wc -l) # enabled ones
# 1,000: the library plus padding rules, each with its own literal prefix
pad=$((1000 - lib))
awk -v n="$pad" 'BEGIN {
  for (k = 1; k <= n; k++)
    printf "rule: scale-pad-%d\ndescription: padding %d\nkeywords: bx%dq_\nregex: \\bbx%dq_[A-Za-z0-9]{30,}\n" \
      "match: key [[bx%dq_Zq8mK2vL9xR4tY7wP3nB6cF1hJ5dG0sA]] end\nnomatch: bx%dq_short\n\n", k, k, k, k, k, k
}' > "$T/pad.rules"
# 10,000 known secrets of 24 random-looking characters
awk 'BEGIN {
  srand(7); a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
  for (k = 0; k < 10000; k++) { s = ""; for (i = 0; i < 24; i++) s = s substr(a, int(rand() * 62) + 1, 1); print s }
}' > "$T/literals"

measure() { # label, rules in set, logmask options...
  label=$1 n=$2
  shift 2
  best=
  for r in $(seq 1 "$runs"); do
    /usr/bin/time -f '%U %S' -o "$T/time" "$LOGMASK" --format "$format" "$@" < "$corpus" > "$T/out"
    t=$(awk '{ printf "%.3f", $1 + $2 }' "$T/time")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  printf '%s\t%s\t%s\n' "$label" "$n" "$best" >> "$T/results"
}

: > "$T/results"
measure "10 rules" 10 --no-default-rules -r "$T/r10.rules"
measure "100 rules" 100 --no-default-rules -r "$T/r100.rules"
measure "library" "$lib" --no-default-rules -r "$patterns"
measure "1,000 rules" 1000 --no-default-rules -r "$patterns" -r "$T/pad.rules"
measure "library + 10,000 literals" "$lib" --no-default-rules -r "$patterns" --literals "$T/literals"

echo "logmask rule-set scaling ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs)"
echo "corpus: $bytes bytes (mixed, seed 1); --format $format; best of $runs"
awk -F'\t' -v bytes="$bytes" '
  { label[NR] = $1; n[NR] = $2; t[NR] = $3; if ($1 == "library") base = $3 }
  END {
    printf "%-28s %6s %8s %10s %8s\n", "rule set", "rules", "CPU s", "MB/CPU-s", "x lib"
    for (i = 1; i <= NR; i++)
      printf "%-28s %6s %8.3f %10.1f %8.2f\n", label[i], n[i], t[i], bytes / t[i] / 1e6, base / t[i]
  }' "$T/results"
