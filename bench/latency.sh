#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/latency.sh - how long a line written to a live log takes to come out
# of `tail -f LOG | TOOL`, for logmask (--line-buffered, its default -j, and
# -j 1) next to cat, sed -u, perl and ripgrep, all in one run.
#
# Usage: bench/latency.sh [--slow 40] [--slow-ms 100] [--fast 400] [--fast-ms 5]
#
# One writer appends lines to a log: first --slow lines one every --slow-ms
# ms (a quiet service), then --fast lines one every --fast-ms ms (a busy one:
# lines come faster than logmask's 20 ms hand-off, so only its deadline,
# not idleness, bounds the wait).  Every line carries the wall-clock time
# it was written.  Each tool has its own `tail -f LOG | TOOL | stamp`
# pipeline, all started before the first line and running side by side, so
# every tool sees the same lines at the same moments; `stamp` notes when each
# line arrives.  The table gives the latency (arrival - write) per tool over
# the lines of each phase: median, 90th and 99th percentile, maximum, and how
# many lines arrived.  `cat` is the floor: what tail -f and the pipes cost.
#
# Environment: LOGMASK (default ./filters/logmask, i.e. run from a build
# dir), TMPDIR.  Needs bash, perl, GNU coreutils (tail --pid); sed, ripgrep
# are timed when present.
set -eu
export LC_ALL=C

slow=40 slow_ms=100 fast=400 fast_ms=5
die() { echo "latency.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --slow) slow=${2:?}; shift ;;
    --slow-ms) slow_ms=${2:?}; shift ;;
    --fast) fast=${2:?}; shift ;;
    --fast-ms) fast_ms=${2:?}; shift ;;
    -h|--help) sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
for v in "$slow" "$slow_ms" "$fast" "$fast_ms"; do
  case $v in ''|*[!0-9]*) die "counts and intervals are whole numbers" ;; esac
done

logmask=${LOGMASK:-./filters/logmask}
[ -x "$logmask" ] || die "no filter at $logmask (run from a build dir or set LOGMASK)"
logmask=$(cd "$(dirname "$logmask")" && pwd)/$(basename "$logmask")
T=$(mktemp -d "${TMPDIR:-/tmp}/logmask-latency.XXXXXX")
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stamp: "SEQ LATENCY_US" for every line that arrives ("SEQ SENT ..." in).
cat > "$T/stamp.pl" <<'EOF'
use strict; use Time::HiRes qw(time);
$| = 1;
while (my $line = <STDIN>) {
  my $now = time;
  next unless $line =~ /^(\d+) (\d+\.\d+) /;
  printf "%d %.0f\n", $1, ($now - $2) * 1e6;
}
EOF
# writer: the two phases, each line written with one write(2)
cat > "$T/writer.pl" <<'EOF'
use strict; use Time::HiRes qw(time sleep);
my ($log, $slow, $slow_ms, $fast, $fast_ms) = @ARGV;
open(my $fh, '>>', $log) or die "$log: $!";
my $seq = 0;
for my $phase ([$slow, $slow_ms], [$fast, $fast_ms]) {
  my ($n, $ms) = @$phase;
  for (1 .. $n) {
    $seq++;
    my $line = sprintf "%d %.6f app[42]: login user=alice password=Hunter%06d ok\n",
      $seq, time, $seq;
    syswrite($fh, $line) == length($line) or die "write: $!";
    sleep($ms / 1000);
  }
}
sleep(0.5);  # the last lines get a fair chance before tail --pid ends
EOF

names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "cat (floor: tail -f and pipes)" "cat"
if sed --version 2>/dev/null | grep -q GNU; then
  add "sed -u -E (one s///)" "sed -u -E 's/(password=)[^ ]+/\\1[REDACTED]/'"
fi
add "perl -pe (\$|=1, one s///)" "perl -pe 'BEGIN { \$| = 1 } s/(password=)\\S+/\$1\\[REDACTED\\]/'"
if command -v rg >/dev/null 2>&1; then
  add "rg --line-buffered --passthru -r" \
    "rg --no-config --line-buffered --passthru -N --color never -r '\${1}[REDACTED]' '(password=)\\S+'"
fi
add "logmask --line-buffered" "'$logmask' --line-buffered"
dflt=${LOGMASK_JOBS:-$(nproc)}
[ -z "${LOGMASK_JOBS:-}" ] && [ "$dflt" -gt 8 ] && dflt=8
add "logmask (default: -j $dflt here)" "'$logmask'"
add "logmask -j 1" "'$logmask' -j 1"

: > "$T/log"
perl -e 'sleep 3600' & holder=$!   # tail --pid target until the writer starts
pids="$holder"
perl "$T/writer.pl" "$T/log" "$slow" "$slow_ms" "$fast" "$fast_ms" > /dev/null 2>&1 &
writer=$!
kill -STOP "$writer"               # every pipeline is up before line 1
pids="$pids $writer"
for i in "${!names[@]}"; do
  bash -c "tail -n +1 --pid=$writer -f '$T/log' | ${cmds[$i]} | perl '$T/stamp.pl' > '$T/lat.$i'" &
  pids="$pids $!"
done
sleep 1
kill -CONT "$writer"
kill "$holder" 2>/dev/null || true
wait "$writer" || die "the writer failed"
# tail notices the writer's exit within a second; then each pipeline ends
for p in $pids; do
  [ "$p" = "$writer" ] || [ "$p" = "$holder" ] || wait "$p" 2>/dev/null || true
done
pids=

stats() {  # FILE FIRST LAST: median p90 p99 max (ms) and count of SEQ in range
  awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { print $2 }' "$3" | sort -n |
    awk '{ v[NR] = $1 }
         function q(p,  i) { i = int(p * NR + 0.999999); if (i < 1) i = 1; return v[i] / 1000 }
         END { if (NR == 0) { printf "%8s %8s %8s %9s %6d", "-", "-", "-", "-", 0; exit }
               printf "%8.2f %8.2f %8.2f %9.2f %6d", q(0.5), q(0.9), q(0.99), v[NR] / 1000, NR }'
}
hr() { printf '%s\n' "---------------------------------------------------------------------------------------"; }
echo "logmask latency benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r))"
echo "logmask: $logmask ($("$logmask" --version | head -n 1))"
echo "method: one writer appends to a log; every tool reads it through its own 'tail -f LOG | TOOL', side by side;"
echo "        latency = arrival at the end of the pipe - write time, in ms"
for phase in slow fast; do
  if [ $phase = slow ]; then first=1 last=$slow n=$slow ms=$slow_ms
  else first=$((slow + 1)) last=$((slow + fast)) n=$fast ms=$fast_ms; fi
  [ "$n" -gt 0 ] || continue
  echo
  echo "$n lines, one every $ms ms"
  hr
  printf '%-38s %8s %8s %8s %9s %6s\n' "tool" "median" "p90" "p99" "max" "lines"
  hr
  for i in "${!names[@]}"; do
    printf '%-38s %s\n' "${names[$i]}" "$(stats "$first" "$last" "$T/lat.$i")"
  done
  hr
done
