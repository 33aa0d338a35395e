#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# -j N gives byte-identical output to -j 1: PEM blocks across job
# boundaries, a line too long to cut (serial hand-over), gzip input,
# several inputs, and the same counters.
. "${top_srcdir:-.}/tests/setup"

# ~3 MiB of lines: a PEM block every ~2,900 lines lands across the job
# boundaries at varying offsets; secrets sprinkled in between.
awk 'BEGIN {
  for (i = 0; i < 40000; i++) {
    if (i % 2917 == 5) {
      print "-----BEGIN RSA PRIVATE KEY-----"
      for (k = 0; k < 12; k++) printf "MIIEpAIBAAKCAQEA%05dbodyline%02dabcdefghijklmnopqrstuvwxyz0123456789\n", i, k
      print "-----END RSA PRIVATE KEY-----"
    } else if (i % 97 == 0) {
      printf "%d user=alice password=Pw%07dxyzzy! url=https://bob:S3cret%05d@db.example.com/x\n", i, i, i
    } else {
      printf "%d Jan 12 10:00:01 host app[42]: request %d served in %d ms\n", i, i, i % 1000
    }
  }
}' > "$T/in.log"

"$LOGMASK" -j 1 --stats=json "$T/in.log" > "$T/j1.out" 2> "$T/j1.stats"
for j in 2 3 0; do
  "$LOGMASK" -j $j --stats=json "$T/in.log" > "$T/j.out" 2> "$T/j.stats" || fail "-j $j exited $?"
  cmp -s "$T/j1.out" "$T/j.out" || fail "-j $j output differs from -j 1"
  cmp -s "$T/j1.stats" "$T/j.stats" || fail "-j $j counters differ from -j 1"
  "$LOGMASK" -j $j < "$T/in.log" | cmp -s "$T/j1.out" - || fail "-j $j on stdin differs"
done
# Pauses in the input hand partial jobs over (after 20 ms): cut inside a
# line, and inside PEM blocks so that jobs of one and two body lines follow
# (the lines primed before a job must reach back past the job before it).
size=$(wc -c < "$T/in.log")
cuts=$( { echo 1; echo 777
  grep -b -e 'bodyline01' -e 'bodyline02' -e 'bodyline04' "$T/in.log" | head -n 6 |
    awk -F: '{ print $1 + 5 }'; } | sort -n -u)
for j in 2 3; do
  {
    off=0
    for cut in $cuts; do
      head -c "$cut" "$T/in.log" | tail -c $((cut - off))
      off=$cut
      sleep 0.05
    done
    tail -c $((size - off)) "$T/in.log"
  } | "$LOGMASK" -j $j --stats=json > "$T/trickle.out" 2> "$T/trickle.stats" || fail "-j $j trickle exited $?"
  cmp -s "$T/j1.out" "$T/trickle.out" || fail "-j $j with pauses in the input differs from -j 1"
  cmp -s "$T/j1.stats" "$T/trickle.stats" || fail "-j $j with pauses: counters differ from -j 1"
done
grep -q 'bodyline' "$T/j1.out" && fail "a PEM body line leaked"
grep -q 'S3cret' "$T/j1.out" && fail "a URL password leaked"
[ "$(wc -l < "$T/in.log")" -eq "$(wc -l < "$T/j1.out")" ] || fail "line count changed"

# several inputs in one run, gzip among them (decompressed serially)
gzip -c "$T/in.log" > "$T/in.log.gz"
"$LOGMASK" -j 1 "$T/in.log" "$T/in.log.gz" "$T/in.log" > "$T/multi1.out"
"$LOGMASK" -j 2 "$T/in.log" "$T/in.log.gz" "$T/in.log" > "$T/multi2.out"
cmp -s "$T/multi1.out" "$T/multi2.out" || fail "-j 2 over several inputs differs"

# gzip whose magic arrives split over two reads of a pipe
{ head -c 1 "$T/in.log.gz"; sleep 0.3; tail -c +2 "$T/in.log.gz"; } | "$LOGMASK" -j 2 > "$T/split.out"
cmp -s "$T/j1.out" "$T/split.out" || fail "-j 2 on gzip split after its first byte differs"

# a 17 MiB line cannot be cut (nor any over 2 MiB): the rest of the input
# goes serial, masked
{ head -c 2000000 "$T/in.log"; printf 'x%.0s' $(seq 1 10) ; head -c 17000000 /dev/zero | tr '\0' 'a'; printf ' password=LongLineSecret99\n'; cat "$T/in.log"; } > "$T/long.log"
"$LOGMASK" -j 1 "$T/long.log" > "$T/long1.out"
"$LOGMASK" -j 2 "$T/long.log" > "$T/long2.out"
cmp -s "$T/long1.out" "$T/long2.out" || fail "-j 2 with a 17 MiB line differs"
grep -q 'LongLineSecret99' "$T/long2.out" && fail "secret after a long line leaked"

# Lines of 20 KB: the lines a block may span before a job outgrow 2 MiB,
# the rest goes serial, and a block open across that hand-over still masks.
awk 'BEGIN { pad = "zzzzzzzzzzzzzzzzzzzz"; for (k = 0; k < 10; k++) pad = pad pad
  for (i = 0; i < 400; i++) {
    if (i == 100) print "-----BEGIN PRIVATE KEY-----"
    else if (i > 100 && i < 250) printf "wide%04dbodyline%s\n", i, pad
    else if (i == 250) print "-----END PRIVATE KEY-----"
    else printf "%d plain %s password=Wide%04dSecret\n", i, pad, i
  } }' > "$T/wide.log"
"$LOGMASK" -j 1 "$T/wide.log" > "$T/wide1.out"
"$LOGMASK" -j 2 "$T/wide.log" > "$T/wide2.out"
cmp -s "$T/wide1.out" "$T/wide2.out" || fail "-j 2 with 20 KB lines in a block differs"
grep -q 'bodyline' "$T/wide2.out" && fail "a wide PEM body line leaked"
grep -q 'Secret' "$T/wide2.out" && fail "a wide line's password leaked"

"$LOGMASK" -j 999 < /dev/null 2> "$T/err" && fail "-j 999 accepted"
grep -q -- '--jobs' "$T/err" || fail "no --jobs message"
echo "jobs: ok"
