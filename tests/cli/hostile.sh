#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Hostile input (issue 6): the filter finishes, keeps every line, fails
# closed and leaks nothing on input built to hurt it.  An unreadable file
# among several and a full disk (/dev/full) are in exit-codes.sh.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need perl

# Runs the filter with stdin/stdout/stderr as given by the caller and
# records its exit status in $T/status (pipelines lose it otherwise).
run() { status=0; "$LOGMASK" "$@" || status=$?; echo "$status" > "$T/status"; }
want_status() {
  [ "$(cat "$T/status")" -eq "$1" ] || fail "$2: exit $(cat "$T/status"), want $1: $(cat "$T/err" 2>/dev/null)"
}
# A number from the --stats=json totals in $T/stats.
total() { sed -n "s/^ *\"$1\": \([0-9]*\),\{0,1\}\$/\1/p" "$T/stats" | head -n 1; }
# N bytes of words and blanks, no newline: the filler of long lines.
words() { yes 'lorem ipsum dolor sit amet' | head -c "$1" | tr '\n' ' '; }

LIT=QZXWVKJYQPLMNBGH77
printf '%s\n' "$LIT" > "$T/literals"

# --- 1. A 100 MiB single line: bounded memory, every planted secret masked:
# one across the first window edge (the line limit is 1 MiB), one in the
# middle, one near the end.
MIB=1048576
big_line() {
  words $((MIB - 10)); printf ' password=hunter2xyz9 '
  words $((50 * MIB)); printf ' %s ' "$LIT"
  words $((49 * MIB)); printf ' token=tok3nNearTheEnd9Q '
  words 1000; printf '\n'
}
# Peak RSS through GNU time (package `time`) when present.
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$T/rss" true 2> /dev/null; then
  timed() { /usr/bin/time -f %M -o "$T/rss" "$@"; }
else
  echo "no GNU time: peak RSS not checked"
  rm -f "$T/rss"
  timed() { "$@"; }
fi
big_line |
  { status=0
    timed "$LOGMASK" --format text --literals "$T/literals" --stats=json 2> "$T/stats" ||
      status=$?
    echo "$status" > "$T/status"; } |
  tr ' ' '\n' | { grep -E 'hunter2xyz9|QZXW|NearTheEnd|REDACTED' || true; } > "$T/found"
want_status 0 "100 MiB line"
[ "$(total lines)" = 1 ] || fail "100 MiB line: $(total lines) lines counted, want 1"
[ "$(total long_lines)" = 1 ] || fail "100 MiB line: long_lines $(total long_lines), want 1"
[ "$(total bytes)" = $((100 * MIB - 10 + 22 + 20 + 25 + 1000 + 1)) ] ||
  fail "100 MiB line: $(total bytes) bytes counted"
printf '%s\n' 'password=[REDACTED:password-assignment]' '[REDACTED:literals:1]' \
  'token=[REDACTED:token-assignment]' > "$T/want"
cmp -s "$T/found" "$T/want" || fail "100 MiB line: planted secrets: $(cat "$T/found")"
if [ -f "$T/rss" ]; then
  rss=$(tail -n 1 "$T/rss")
  [ "$rss" -lt 65536 ] || fail "100 MiB line: peak RSS $rss KiB, want < 64 MiB"
  echo "100 MiB line: peak RSS $rss KiB"
fi

# --- 2. Lines of nothing but keywords, 10 MiB each: they finish (under the
# harness' timeout), one line in, one line out.
yes 'password=' | head -c $((10 * MIB)) | tr -d '\n' > "$T/kw"
echo >> "$T/kw"
awk '/^keywords(-cased)?:/ { sub(/^keywords(-cased)?:[ \t]*/, ""); gsub(/, */, " "); printf "%s ", $0 }' \
  "$top_srcdir"/patterns/*.rules > "$T/allkw"
[ -s "$T/allkw" ] || fail "no keywords found in patterns/"
perl -e 'local $/; my $k = <STDIN>; my $n = 10 * 1048576; print substr($k x (int($n / length $k) + 1), 0, $n), "\n"' \
  < "$T/allkw" >> "$T/kw"
for fmt in text auto; do
  run --format "$fmt" --stats=json "$T/kw" > "$T/out" 2> "$T/stats"
  want_status 0 "keyword lines ($fmt)"
  [ "$(wc -l < "$T/out")" -eq 2 ] || fail "keyword lines ($fmt): $(wc -l < "$T/out") lines out"
  [ "$(total lines)" = 2 ] || fail "keyword lines ($fmt): $(total lines) lines counted"
done

# --- 3. Regex bombs against every rule: for each enabled rule (off-by-
# default groups enabled too), long lines of its keywords followed by runs
# that make backtracking work.  The filter finishes; a tripped limit masks
# the line whole as [REDACTED:match-limit] and is counted.
enable=$(sed -n 's/^group:[ \t]*//p' "$top_srcdir"/patterns/*.rules | sort -u | sed 's/^/--enable=/')
"$LOGMASK" $enable --list-rules | awk '{ print $1 }' > "$T/ids"
[ "$(wc -l < "$T/ids")" -gt 50 ] || fail "--list-rules listed $(wc -l < "$T/ids") rules"
awk '/^rule:/ { id = $2 } /^keywords(-cased)?:/ { sub(/^keywords(-cased)?:[ \t]*/, ""); print id "\t" $0 }' \
  "$top_srcdir"/patterns/*.rules > "$T/keywords"
cat > "$T/bomb.pl" <<'EOF'
use strict; use warnings;
my ($ids, $kwf, $n) = @ARGV;
my %kw;
open my $k, '<', $kwf or die "$kwf: $!";
while (<$k>) {
  chomp; my ($id, $l) = split /\t/, $_, 2;
  push @{$kw{$id}}, grep { length } map { s/^\s+|\s+$//gr } split /,/, $l;
}
open my $i, '<', $ids or die "$ids: $!";
while (my $id = <$i>) {
  chomp $id;
  next if $id eq 'literal';
  my @k = @{$kw{$id} || []};
  next if !@k && $id =~ /^(json|logfmt|syslog)-sensitive-key$|^(match|json-depth)-limit$|^line-too-long$/;
  die "no keywords for rule $id\n" unless @k;
  splice @k, 2 if @k > 2;
  for my $w (@k) {
    print "$w=", "a" x $n, "\n";
    print "$w: ", " " x $n, "x\n";
    print "$w=\"", "\\\"" x ($n / 2), "\n";
    print "$w://", "a:" x ($n / 2), "\@\n";
    print "$w ", "A1b2C3d4/+" x ($n / 10), "!\n";
    print "$w" x (int($n / (length($w) + 1)) || 1), "\n";
    print "$w=", "0" x $n, "=\n";
    print "$w=", "ab " x ($n / 3), "\$\n";
  }
}
EOF
perl "$T/bomb.pl" "$T/ids" "$T/keywords" 16384 > "$T/bomb.in" || fail "bomb generator failed"
lines_in=$(wc -l < "$T/bomb.in")
for fmt in text auto; do
  run $enable --format "$fmt" --stats=json "$T/bomb.in" 2> "$T/stats" |
    awk '{ n++ } $0 == "[REDACTED:match-limit]" { t++ }
         index($0, "match-limit") && $0 != "[REDACTED:match-limit]" { bad++ }
         END { print n + 0, t + 0, bad + 0 }' > "$T/counts"
  want_status 0 "regex bombs ($fmt)"
  read -r n trips bad < "$T/counts"
  [ "$n" -eq "$lines_in" ] || fail "regex bombs ($fmt): $lines_in lines in, $n out"
  [ "$bad" -eq 0 ] || fail "regex bombs ($fmt): $bad lines partly masked as match-limit"
  [ "$trips" -eq "$(total limit_trips)" ] ||
    fail "regex bombs ($fmt): $trips lines masked whole, limit_trips $(total limit_trips)"
  echo "regex bombs ($fmt): $n lines, $trips limit trips"
done

# --- 4. Deeply nested JSON, 100k '[': balanced with a secret at the
# bottom, and unbalanced.  Past the depth limit the line is masked whole as
# one JSON string (still valid JSON) and counted, whether or not it would
# have closed.
deep() { head -c 100000 /dev/zero | tr '\0' '['; printf '%s' "$1"; head -c "$2" /dev/zero | tr '\0' ']'; echo; }
{ deep '"password=hunter2x"' 100000; deep 1 0; deep '{"token":"tok3nDeepDown9"}' 100000; } > "$T/deep"
run --format json --stats=json "$T/deep" > "$T/out" 2> "$T/stats"
want_status 0 "nested JSON"
[ "$(wc -l < "$T/out")" -eq 3 ] || fail "nested JSON: $(wc -l < "$T/out") lines out"
sed -n '1p;3p' "$T/out" > "$T/masked"
if grep -vq '^"\[REDACTED:json-depth-limit\]"$' "$T/masked"; then
  fail "nested JSON: not masked whole: $(cut -c1-80 "$T/masked")"
fi
# The line with nothing to mask may skip parsing (left as is) or be masked
# whole; either way every whole-line mask is counted.
sed -n 2p "$T/deep" > "$T/want"
sed -n 2p "$T/out" > "$T/line2"
cmp -s "$T/line2" "$T/want" || grep -q '^"\[REDACTED:json-depth-limit\]"$' "$T/line2" ||
  fail "nested JSON: unbalanced line: $(cut -c1-80 "$T/line2")"
[ "$(total limit_trips)" = "$(grep -c '^"\[REDACTED:json-depth-limit\]"$' "$T/out")" ] ||
  fail "nested JSON: limit_trips $(total limit_trips)"
# auto reads a line starting with '[' as text: the rules still mask.
run --format auto "$T/deep" > "$T/out" 2> "$T/err"
want_status 0 "nested JSON (auto)"
[ "$(wc -l < "$T/out")" -eq 3 ] || fail "nested JSON (auto): $(wc -l < "$T/out") lines out"
! grep -q 'hunter2x\|tok3nDeepDown9' "$T/out" || fail "nested JSON (auto): secret leaked"
sed -n 2p "$T/deep" > "$T/want"
sed -n 2p "$T/out" | cmp -s - "$T/want" || fail "nested JSON (auto): clean line changed"
# Under the limit a deep line is parsed and masked inside.
deep2() { head -c 40 /dev/zero | tr '\0' '['; printf '%s' "$1"; head -c 40 /dev/zero | tr '\0' ']'; echo; }
deep2 '{"password":"hunter2x"}' > "$T/deep"
deep2 '{"password":"[REDACTED:password-assignment]"}' > "$T/want"
run --format json "$T/deep" > "$T/out" 2> "$T/err"
want_status 0 "nested JSON under the limit"
cmp -s "$T/out" "$T/want" || fail "nested JSON under the limit: $(cat "$T/out")"

# --- 5. Invalid UTF-8 and overlong encodings: passed through byte for byte
# outside the masks; secrets next to or inside them masked.
printf '\300\257 password=hunter2x \355\240\200\nuser=bob password=hun\377ter2x end\n\377%s\376\n\340\200\257\370\210\200\200\200 \301\201\n{"password":"x\300\257y","n":1}\n' \
  "$LIT" > "$T/utf8"
printf '\300\257 password=[REDACTED:password-assignment] \355\240\200\nuser=bob password=[REDACTED:password-assignment] end\n\377[REDACTED:literals:1]\376\n\340\200\257\370\210\200\200\200 \301\201\n{"password":"[REDACTED:password-assignment]","n":1}\n' \
  > "$T/want"
run --literals "$T/literals" "$T/utf8" > "$T/out" 2> "$T/err"
want_status 0 "invalid UTF-8"
cmp -s "$T/out" "$T/want" || fail "invalid UTF-8: $(od -c "$T/out" | head -n 20)"

# --- 6. NUL bytes: kept as data, never a line end, a secret followed by
# NUL still masked.
printf 'password=hunter2x\000tail\n\000\000\000 password=s3cretValue9 ok\000\nnul\000only\n\000' > "$T/nul"
printf 'password=[REDACTED:password-assignment]\n\000\000\000 password=[REDACTED:password-assignment] ok\000\nnul\000only\n\000' > "$T/want"
run "$T/nul" > "$T/out" 2> "$T/err"
want_status 0 "NUL bytes"
cmp -s "$T/out" "$T/want" || fail "NUL bytes: $(od -c "$T/out" | head -n 20)"

# --- 7. A rule file with a catastrophic regex.  The engine accepts it (PCRE2
# compiles it) and limits it at run time: the line that trips is masked
# whole and counted, so nothing on it leaks; other lines are masked as usual.
cat > "$T/bomb.rules" <<'EOF'
rule: nested-quantifier
description: (a+)+$ backtracks exponentially on a's followed by a non-a
keywords: aa
regex: (a+)+$

rule: secret-words
description: key=WORDS with a nested quantifier that explodes on a bad end
keywords: key=
regex: key=(?<secret>(?:\w+\s?)+)$
EOF
{
  printf 'key=hunter2secret %s!\n' "$(head -c 30000 /dev/zero | tr '\0' a)"
  printf 'clean line\n'
  printf 'key=hunter2secret %s!\n' "$(yes 'word' | head -n 3000 | tr '\n' ' ')"
  printf 'key=shortsecret\n'
} > "$T/bomb2.in"
run --no-default-rules -r "$T/bomb.rules" --format text --stats=json "$T/bomb2.in" \
  > "$T/out" 2> "$T/stats"
want_status 0 "catastrophic regex"
printf '[REDACTED:match-limit]\nclean line\n[REDACTED:match-limit]\nkey=[REDACTED:secret-words]\n' > "$T/want"
cmp -s "$T/out" "$T/want" || fail "catastrophic regex: $(cut -c1-80 "$T/out")"
[ "$(total limit_trips)" = 2 ] || fail "catastrophic regex: limit_trips $(total limit_trips), want 2"
! grep -q hunter2secret "$T/out" || fail "catastrophic regex: secret leaked"

echo "hostile input: ok"
