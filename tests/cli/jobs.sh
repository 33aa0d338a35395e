#!/bin/sh
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

# a 17 MiB line cannot be cut: the rest of the input goes serial, masked
{ head -c 2000000 "$T/in.log"; printf 'x%.0s' $(seq 1 10) ; head -c 17000000 /dev/zero | tr '\0' 'a'; printf ' password=LongLineSecret99\n'; cat "$T/in.log"; } > "$T/long.log"
"$LOGMASK" -j 1 "$T/long.log" > "$T/long1.out"
"$LOGMASK" -j 2 "$T/long.log" > "$T/long2.out"
cmp -s "$T/long1.out" "$T/long2.out" || fail "-j 2 with a 17 MiB line differs"
grep -q 'LongLineSecret99' "$T/long2.out" && fail "secret after a long line leaked"

"$LOGMASK" -j 999 < /dev/null 2> "$T/err" && fail "-j 999 accepted"
grep -q -- '--jobs' "$T/err" || fail "no --jobs message"
echo "jobs: ok"
