#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Soak test (issue 6; not part of `make check`): pushes GIB gibibytes
# (default 10) of mixed log lines with planted secrets through the filter,
# generated on the fly (no data files), and checks that
#   - the filter's RSS stays flat: sampled every second from
#     /proc/PID/status, max - min after the warm-up below SOAK_SLACK_KB
#     (default 4096 KiB);
#   - every line arrives: lines out == lines in;
#   - no planted secret survives.
# Usage: bench/soak.sh [GIB] [-- LOGMASK-OPTIONS...]
#   SOAK_BYTES=N overrides the size in bytes (quick trials).
#   LOGMASK=path (default: filters/logmask of the build dir we run from,
#   or top_builddir), SOAK_WARMUP seconds ignored in the RSS check (5).
set -eu
export LC_ALL=C
gib=10
if [ $# -gt 0 ] && [ "$1" != -- ]; then gib=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
case $gib in ''|*[!0-9]*) echo "usage: $0 [GIB] [-- LOGMASK-OPTIONS...]" >&2; exit 2 ;; esac
LOGMASK=${LOGMASK:-${top_builddir:-.}/filters/logmask}
[ -x "$LOGMASK" ] || { echo "$0: $LOGMASK not built (run from the build dir or set LOGMASK)" >&2; exit 2; }
command -v perl > /dev/null || { echo "$0: needs perl" >&2; exit 2; }
slack=${SOAK_SLACK_KB:-4096}
warmup=${SOAK_WARMUP:-5}

dir=$(mktemp -d "${TMPDIR:-/tmp}/logmask-soak.XXXXXX")
pids=
cleanup() { for p in $pids; do kill "$p" 2> /dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$dir/in" "$dir/out"
lit=QZXWVKJYQPLMNBGH77
printf '%s\n' "$lit" > "$dir/literals"

# Generator: a ~64 KiB block of text, JSON, logfmt and syslog lines, one
# line in ten holding a secret made unique by the block number, repeated
# until GIB GiB.  Prints the number of lines it wrote to $dir/lines_in.
perl -e '
  use strict; use warnings;
  my ($bytes, $count_file, $lit) = @ARGV;
  my @clean = (
    "2024-05-01T12:00:%02d INFO request id=%d path=/api/v1/items status=200 ms=12",
    "{\"ts\":\"2024-05-01T12:00:%02d\",\"level\":\"info\",\"msg\":\"cache hit\",\"n\":%d}",
    "ts=2024-05-01T12:00:%02d level=debug msg=\"worker idle\" worker=%d",
    "<34>May  1 12:00:%02d web01 app[%d]: connection from 10.0.0.7 closed",
    "<165>1 2024-05-01T12:00:%02d.003Z web01 app %d ID47 - heartbeat ok",
  );
  my @secret = (
    "login user=bob password=SoakS3crSEQxQ9 ok",
    "{\"user\":\"bob\",\"password\":\"SoakS3crSEQxQ9\",\"ok\":true}",
    "ts=2024-05-01 level=warn msg=retry token=SoakS3crSEQxQ9Tk7w",
    "GET /x HTTP/1.1 Authorization: Bearer SoakS3crSEQxQ9abcDEF",
    "db postgres://app:SoakS3crSEQxQ9\@db.internal:5432/app",
    "<34>May  1 12:00:00 web01 app[9]: known value $lit seen",
  );
  my ($block, $lines, $planted) = ("", 0, 0);
  for (my $i = 0; length($block) < 65536; $i++) {
    $block .= ($i % 10 == 9 ? $secret[($i / 10) % @secret]
                            : sprintf($clean[$i % @clean], $i % 60, $i)) . "\n";
    $lines++;
    $planted++ if $i % 10 == 9;
  }
  my ($sent, $n, $total) = (0, 0, 0);
  while ($sent < $bytes) {
    (my $b = $block) =~ s/SEQ/$n/g;
    print $b or last;
    $sent += length $b; $total += $lines; $n++;
  }
  close STDOUT or die "generator: $!\n";
  open my $c, ">", $count_file or die;
  print $c "$total $sent ", $planted * $n, "\n";
  close $c;
' "${SOAK_BYTES:-$((gib * 1073741824))}" "$dir/lines_in" "$lit" > "$dir/in" &
pids="$pids $!"

start=$(date +%s)
"$LOGMASK" --literals "$dir/literals" "$@" < "$dir/in" > "$dir/out" 2> "$dir/err" &
lpid=$!
pids="$pids $lpid"

# Checker: lines and bytes out, planted secrets found (a secret split
# across reads is found through the kept tail).
perl -e '
  use strict; use warnings;
  my ($lines, $bytes, $leaks, $masks, $tail) = (0, 0, 0, 0, "");
  while (my $n = sysread(STDIN, my $buf, 1 << 20)) {
    $lines += ($buf =~ tr/\n//); $bytes += $n;
    my $s = $tail . $buf;
    my $old = length $tail;
    while ($s =~ /SoakS3cr|QZXWVKJYQPLMNBGH77/g) {
      $leaks++ if pos($s) > $old; # one ending in the tail was counted before
    }
    while ($s =~ /\[REDACTED:/g) {
      $masks++ if pos($s) > $old;
    }
    $tail = length($s) > 32 ? substr($s, -32) : $s;
  }
  print "$lines $bytes $leaks $masks\n";
' < "$dir/out" > "$dir/result" &
cpid=$!
pids="$pids $cpid"

# RSS of the filter every second while it runs.
: > "$dir/rss"
while kill -0 "$lpid" 2> /dev/null; do
  sed -n 's/^VmRSS:[ \t]*\([0-9]*\) kB/\1/p' "/proc/$lpid/status" 2> /dev/null >> "$dir/rss" || true
  sleep 1
done
status=0
wait "$lpid" || status=$?
wait "$cpid" || true
end=$(date +%s)

failed=0
[ "$status" -eq 0 ] || { echo "FAIL: logmask exited $status: $(cat "$dir/err")"; failed=1; }
read -r lines_out bytes_out leaks masks < "$dir/result"
lines_in=? bytes_in=0 planted=?
[ -s "$dir/lines_in" ] && read -r lines_in bytes_in planted < "$dir/lines_in"
secs=$((end - start)); [ "$secs" -gt 0 ] || secs=1
samples=$(wc -l < "$dir/rss")
# Skip the warm-up samples; judge the rest.
set -- $(awk -v w="$warmup" 'NR > w { if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1; n++ }
  END { print (n ? min : 0), (n ? max : 0), n + 0 }' "$dir/rss")
rss_min=$1 rss_max=$2 judged=$3
echo "soak: $bytes_in bytes in ${secs} s ($((bytes_in / 1048576 / secs)) MiB/s), lines in $lines_in, out $lines_out, bytes out $bytes_out"
echo "soak: RSS over $samples samples (first $warmup skipped): min $rss_min KiB, max $rss_max KiB, spread $((rss_max - rss_min)) KiB (limit $slack)"
echo "soak: planted secrets $planted, masks written $masks, planted secrets found in the output: $leaks"
[ "$lines_out" = "$lines_in" ] || { echo "FAIL: $lines_in lines in, $lines_out out"; failed=1; }
[ "$leaks" -eq 0 ] || { echo "FAIL: $leaks planted secrets survived"; failed=1; }
[ "$planted" != '?' ] && [ "$masks" -ge "$planted" ] ||
  { echo "FAIL: $masks masks for $planted planted secrets"; failed=1; }
if [ "$judged" -gt 0 ]; then
  [ $((rss_max - rss_min)) -le "$slack" ] || { echo "FAIL: RSS grew by $((rss_max - rss_min)) KiB"; failed=1; }
else
  echo "soak: run too short to judge RSS (raise GIB)"
fi
[ "$failed" -eq 0 ] && echo "soak: ok"
exit "$failed"
