#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The options of the format layer: gzip in and out, --format, and the
# sensitive-key lists.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need gzip
RULES="--no-default-rules -r $top_srcdir/tests/cases/common.rules --format text"

printf 'one password=hunter2x\ntwo\nthree no newline' > "$T/in"
printf 'one password=[REDACTED:password-assignment]\ntwo\nthree no newline' > "$T/want"

# gzip input is recognised by its magic bytes, at every read size, also as
# concatenated members and as one of several inputs.
gzip -c < "$T/in" > "$T/in.gz"
for size in 1 2 3 7 4096; do
  "$LOGMASK" $RULES --chunk-size "$size" < "$T/in.gz" > "$T/out" || fail "gzip input exited $? (size $size)"
  cmp -s "$T/out" "$T/want" || fail "gzip input (size $size): $(cat "$T/out")"
done
printf 'a password=first-pw-1\n' | gzip -c > "$T/two.gz"
printf 'b password=second-pw-2\n' | gzip -c >> "$T/two.gz"
"$LOGMASK" $RULES "$T/two.gz" "$T/in" > "$T/out" || fail "concatenated members exited $?"
printf 'a password=[REDACTED:password-assignment]\nb password=[REDACTED:password-assignment]\n' > "$T/want2"
cat "$T/want" >> "$T/want2"
cmp -s "$T/out" "$T/want2" || fail "concatenated members: $(cat "$T/out")"

# A truncated gzip input: an input error naming the file and the offset,
# the lines decoded before it written, the other inputs processed.
awk 'BEGIN { for (i = 0; i < 5000; i++) print "line " i " password=hunter2x" }' | gzip -c > "$T/full.gz"
size=$(wc -c < "$T/full.gz")
head -c $((size / 2)) "$T/full.gz" > "$T/cut.gz"
status=0
"$LOGMASK" $RULES "$T/cut.gz" "$T/in" > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 3 ] || fail "truncated gzip exited $status, want 3"
grep -q "cut.gz: .*[0-9]" "$T/err" || fail "truncated gzip message: $(cat "$T/err")"
if grep -q hunter2x "$T/out"; then fail "truncated gzip leaked a secret"; fi
tail -c "$(wc -c < "$T/want")" "$T/out" | cmp -s - "$T/want" || fail "input after the truncated gzip not processed"
grep -q '^line 0 password=\[REDACTED:password-assignment\]$' "$T/out" || fail "lines before the cut not written"

# -z writes gzip that gunzips to the masked text; --line-buffered too.
"$LOGMASK" $RULES -z < "$T/in" > "$T/out.gz" || fail "-z exited $?"
gzip -t "$T/out.gz" || fail "-z output is not valid gzip"
gzip -dc < "$T/out.gz" | cmp -s - "$T/want" || fail "-z output does not gunzip to the masked text"
"$LOGMASK" $RULES --gzip-level 1 --line-buffered < "$T/in.gz" > "$T/out.gz" || fail "--gzip-level exited $?"
gzip -dc < "$T/out.gz" | cmp -s - "$T/want" || fail "--gzip-level --line-buffered round trip"

# --format json: the value of a sensitive key is masked whole; --mask-keys
# adds keys, --keep-keys exempts them.
printf '{"user":"bob","dbPassword":"Sup3r-Secret-1","note":"hello-world"}\n' > "$T/json"
"$LOGMASK" --no-default-rules --format json < "$T/json" > "$T/out" || fail "--format json exited $?"
if grep -q Sup3r-Secret-1 "$T/out"; then fail "--format json left a sensitive key's value"; fi
grep -q '"note":"hello-world"' "$T/out" || fail "--format json changed another value: $(cat "$T/out")"
"$LOGMASK" --no-default-rules --format json --mask-keys 'note, other' < "$T/json" > "$T/out" ||
  fail "--mask-keys exited $?"
if grep -q hello-world "$T/out"; then fail "--mask-keys did not mask note: $(cat "$T/out")"; fi
"$LOGMASK" --no-default-rules --format json --keep-keys dbPassword < "$T/json" > "$T/out" ||
  fail "--keep-keys exited $?"
cmp -s "$T/out" "$T/json" || fail "--keep-keys still masked: $(cat "$T/out")"
echo "formats: ok"
