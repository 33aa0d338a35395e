#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bytes outside masked spans pass through unchanged: CRLF, NUL, invalid
# UTF-8, long lines; N lines in give N lines out; several inputs are
# masked each on its own, each ending its last line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"
SAMPLE=$top_srcdir/tests/data/sample.log

# Line count of the README's sample, with the built-in rules.
"$LOGMASK" < "$SAMPLE" > "$T/out" || fail "sample.log exited $?"
[ "$(wc -l < "$T/out")" -eq "$(wc -l < "$SAMPLE")" ] || fail "sample.log: line count changed"
cmp -s "$T/out" "$SAMPLE" && fail "sample.log: nothing was masked"
for secret in hunter2-Alice Wint3r-Is-C0ming AKIAZ7Q3N5M2K8R4T6WX r3d1s-Sh0p-2024 \
    Qu3ue-Acc3ss-77 M@il-Relay-Pa55 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 \
    fN3-7rV2yqQq1o0hXk8cS3w9ZbF4tLmE2aP6dJ5uK0Y; do
  if grep -q -e "$secret" "$T/out"; then fail "sample.log: $secret left in the output"; fi
done

# A larger file: same line count, and with rules that match nothing the
# output is byte-identical.
i=0; : > "$T/big"
while [ $i -lt 200 ]; do cat "$SAMPLE" >> "$T/big"; i=$((i + 1)); done
"$LOGMASK" < "$T/big" > "$T/out" || fail "big input exited $?"
[ "$(wc -l < "$T/out")" -eq "$(wc -l < "$T/big")" ] || fail "big input: line count changed"
printf 'rule: never\ndescription: matches nothing here\nkeywords: zzqqxx\nregex: zzqqxx(?<secret>[0-9]{40})\nnomatch: zzqqxx 12\n' > "$T/never.rules"
"$LOGMASK" --no-default-rules -r "$T/never.rules" --format text < "$T/big" > "$T/out" || fail "no-match run exited $?"
cmp -s "$T/out" "$T/big" || fail "an input with no secret was changed"

# CR, NUL, invalid UTF-8, bytes 0x80-0xff: unchanged around a mask, at
# every read size that cuts them.
printf 'a\000b password=hunter2x \377\376 c\r\n\r\n\000\n\300\257 overlong\n\355\240\200 surrogate\ntail\r' > "$T/raw"
printf 'a\000b password=[REDACTED:password-assignment] \377\376 c\r\n\r\n\000\n\300\257 overlong\n\355\240\200 surrogate\ntail\r' > "$T/want"
for size in 1 2 3 5 7 64 4096; do
  "$LOGMASK" $RULES --chunk-size "$size" < "$T/raw" > "$T/out" || fail "raw bytes exited $? (size $size)"
  cmp -s "$T/out" "$T/want" || fail "raw bytes changed with --chunk-size $size"
done
"$LOGMASK" < "$T/raw" > /dev/null || fail "raw bytes with the built-in rules exited $?"

# Several inputs: each file is masked on its own, and a last line without
# its newline is ended with one when another input follows; it never joins
# the next file's first line (a secret split across the two would pass as
# one line nobody read).  The last input keeps its bytes.
printf 'one\ntwo-no-newline' > "$T/a"
printf 'three\npassword=hunter2x\n' > "$T/b"
"$LOGMASK" $RULES "$T/a" - "$T/b" < "$T/a" > "$T/out" || fail "several inputs exited $?"
printf 'one\ntwo-no-newline\none\ntwo-no-newline\nthree\npassword=[REDACTED:password-assignment]\n' > "$T/want"
cmp -s "$T/out" "$T/want" || fail "several inputs: $(cat "$T/out")"
printf 'user=bob password' > "$T/c"
printf '=hunter2x ok\nlast-no-newline' > "$T/d"
printf 'user=bob password\n=hunter2x ok\nlast-no-newline' > "$T/want"
for j in 1 2; do
  "$LOGMASK" $RULES -j $j "$T/c" "$T/d" > "$T/out" || fail "split inputs exited $? (-j $j)"
  cmp -s "$T/out" "$T/want" || fail "split inputs joined (-j $j): $(cat "$T/out")"
done
if command -v gzip >/dev/null; then
  "$LOGMASK" $RULES -z "$T/c" "$T/d" | gzip -dc > "$T/out" || fail "split inputs -z exited $?"
  cmp -s "$T/out" "$T/want" || fail "split inputs joined (-z): $(cat "$T/out")"
fi
# A block opened at the end of one file does not mask the next file.
printf 'x\n-----BEGIN RSA PRIVATE KEY-----\n' > "$T/e"
printf 'plain line of another program\n' > "$T/f"
for j in 1 2; do
  "$LOGMASK" -j $j "$T/e" "$T/f" | tail -n 1 > "$T/out"
  grep -q '^plain line of another program$' "$T/out" || fail "a block crossed into the next input (-j $j)"
done

# A line longer than --max-line is scanned in windows: the secret in its
# middle is masked and the line stays one line.
awk 'BEGIN { s = ""; for (i = 0; i < 2000; i++) s = s "filler-"; printf "%s password=hunter2x %s\nnext\n", s, s }' > "$T/long"
"$LOGMASK" $RULES --max-line 4K < "$T/long" > "$T/out" || fail "--max-line exited $?"
[ "$(wc -l < "$T/out")" -eq 2 ] || fail "--max-line changed the line count"
if grep -q hunter2x "$T/out"; then fail "--max-line: the secret of a long line leaked"; fi
grep -q 'password=\[REDACTED:password-assignment\] filler' "$T/out" || fail "--max-line: mask missing"
echo "passthrough: ok"
