#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Known secret values (--literals, --env-file) and the keyed hash style.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
BASE="--no-default-rules --format text --mask stars"

# --literals: LF and CRLF files, blank lines skipped, masked anywhere.
printf 'ZephyrQuartz-2291\r\n\r\nk9#Lm!2pQ\r\n' > "$T/crlf.secrets"
printf 'a ZephyrQuartz-2291 b k9#Lm!2pQ\n' | "$LOGMASK" $BASE --literals "$T/crlf.secrets" > "$T/out" ||
  fail "--literals exited $?"
[ "$(cat "$T/out")" = "a ***************** b *********" ] || fail "--literals CRLF: $(cat "$T/out")"

# A literal shorter than the minimum is an error naming file:line, and the
# value is never echoed.
printf 'long-enough-1\nabc\n' > "$T/short.secrets"
status=0
"$LOGMASK" $BASE --literals "$T/short.secrets" < /dev/null > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "short literal exited $status, want 2"
grep -q "short.secrets:2:" "$T/err" || fail "short literal not reported by file:line: $(cat "$T/err")"
if grep -q 'abc' "$T/err"; then fail "short literal value printed: $(cat "$T/err")"; fi
status=0
"$LOGMASK" $BASE --literals "$T/nowhere" < /dev/null > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "missing literals file exited $status, want 2"
grep -q "$T/nowhere" "$T/err" || fail "missing literals file not named"

# --env-file: every dotenv form.
cat > "$T/app.env" <<'ENV'
# comment line
   # indented comment

PLAIN=plain-value-01
SPACED = spaced-value-02   
export EXPORTED=exported-value-03
SINGLE='single $value 04' # trailing comment
DOUBLE="double \"value\" 05"
ESCAPES="tab\there-06"
INLINE=inline-value-07 # comment after blank
HASHED=has#hash-08
BACKTICK=`back-value-09`
MULTI="-----BEGIN KEY-----
multi-line-body-10
-----END KEY-----"
ENV
printf 'PEERS=crlf-value-11\r\nLAST=no-newline-12' > "$T/crlf.env"
cat > "$T/in" <<'LOG'
1 plain-value-01 2 spaced-value-02 3 exported-value-03
4 single $value 04 5 double "value" 05
6 tab	here-06 7 inline-value-07 8 has#hash-08 9 back-value-09
10 multi-line-body-10 11 crlf-value-11 12 no-newline-12
13 not: # comment after blank, inline-value-0, crlf-value-11
LOG
"$LOGMASK" $BASE --env-file "$T/app.env" --env-file "$T/crlf.env" < "$T/in" > "$T/out" ||
  fail "--env-file exited $?"
cat > "$T/want" <<'LOG'
1 ************** 2 *************** 3 *****************
4 **************** 5 *****************
6 *********** 7 *************** 8 *********** 9 *************
10 ****************** 11 ************* 12 *************
13 not: # comment after blank, inline-value-0, *************
LOG
diff "$T/want" "$T/out" >&2 || fail "--env-file masking differs"
"$LOGMASK" --no-default-rules --env-file "$T/app.env" --list-rules > "$T/list" || fail "--list-rules with --env-file exited $?"
for key in PLAIN SPACED EXPORTED SINGLE DOUBLE ESCAPES INLINE HASHED BACKTICK MULTI; do
  grep -q "^literal  *$key$" "$T/list" || fail "--env-file key $key not loaded: $(cat "$T/list")"
done

# A real Django .env: settings keys are skipped by the default ignore
# list, a short value is skipped with one warning naming file:line and key
# (never the value), and the run goes on.
ENVBASE="--no-default-rules --format text"
cat > "$T/django.env" <<'ENV'
DEBUG=True
SECRET_KEY='django-insecure-7h$k!2pq9@xw'
ALLOWED_HOSTS=example.com,localhost
DJANGO_SETTINGS_MODULE=mysite.settings
DATABASE_URL=postgres://shop:Db-pass-2024@db.internal:5432/shop
EMAIL_HOST=smtp.example.org
EMAIL_PORT=587
EMAIL_HOST_PASSWORD=mail-secret-88
PIN=4711
APP_MODE=production
ENV
printf '%s\n' "boot mysite.settings on example.com,localhost mode production" \
  "key django-insecure-7h\$k!2pq9@xw db Db-pass-2024 mail mail-secret-88 pin 4711" > "$T/in"
"$LOGMASK" $ENVBASE --env-file "$T/django.env" < "$T/in" > "$T/out" 2> "$T/err" ||
  fail "Django .env exited $?: $(cat "$T/err")"
printf '%s\n' "boot mysite.settings on example.com,localhost mode [REDACTED:APP_MODE]" \
  "key [REDACTED:SECRET_KEY] db [REDACTED:DATABASE_URL] mail [REDACTED:EMAIL_HOST_PASSWORD] pin 4711" > "$T/want"
diff "$T/want" "$T/out" >&2 || fail "Django .env masking differs"
[ "$(wc -l < "$T/err")" -eq 1 ] || fail "want one warning (PIN), got: $(cat "$T/err")"
grep -q "^logmask: warning: .*django.env:9: PIN: value shorter than the minimum of 6 bytes, not masked$" "$T/err" ||
  fail "short value warning: $(cat "$T/err")"
if grep -q '4711' "$T/err"; then fail "short env value printed: $(cat "$T/err")"; fi
# --env-ignore (repeatable, case ignored) skips more keys; the warning goes too
"$LOGMASK" $ENVBASE --env-file "$T/django.env" --env-ignore 'app_*' --env-ignore PIN < "$T/in" > "$T/out" 2> "$T/err" ||
  fail "--env-ignore exited $?"
grep -q "mode production$" "$T/out" || fail "--env-ignore app_* did not skip APP_MODE: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "--env-ignore PIN still warned: $(cat "$T/err")"
# --no-default-env-ignore masks the settings values too
"$LOGMASK" $ENVBASE --env-file "$T/django.env" --no-default-env-ignore < "$T/in" > "$T/out" 2> /dev/null ||
  fail "--no-default-env-ignore exited $?"
grep -q "^boot \[REDACTED:DJANGO_SETTINGS_MODULE\] on \[REDACTED:ALLOWED_HOSTS\]" "$T/out" ||
  fail "--no-default-env-ignore: $(cat "$T/out")"
grep -q 'BI \\-\\-env\\-ignore= GLOB' "$top_srcdir/filters/logmask.1" || fail "logmask.1 lacks --env-ignore"

# Syntax errors name file:line (lines no dotenv loader reads: django-environ
# alone would read B="never closed whole, but not with blanks around '=').
printf 'A=long-enough-value\nB = "never closed\nC=x\n' > "$T/open.env"
status=0
"$LOGMASK" $BASE --env-file "$T/open.env" < /dev/null > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "unclosed quote exited $status, want 2"
grep -q "open.env:2: unterminated double-quoted value of B" "$T/err" || fail "unclosed quote report: $(cat "$T/err")"
printf 'A=long-enough-value\nthis is not an assignment\n' > "$T/prose.env"
status=0
"$LOGMASK" $BASE --env-file "$T/prose.env" < /dev/null > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "prose line exited $status, want 2"
grep -q "prose.env:2: expected '='" "$T/err" || fail "prose line report: $(cat "$T/err")"
printf "A = 'closed' trailing\n" > "$T/trail.env"
status=0
"$LOGMASK" $BASE --env-file "$T/trail.env" < /dev/null > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "text after quote exited $status, want 2"
grep -q "trail.env:1: unexpected text" "$T/err" || fail "text after quote report: $(cat "$T/err")"

# Keyed hash: a stable tag per secret and key, the key id visible, the
# secret gone; the tag is HMAC-SHA256 under the file's bytes.
RULES="--no-default-rules --format text -r $top_srcdir/tests/cases/common.rules"
printf '0123456789abcdef0123456789abcdef-test-key' > "$T/key"
chmod 600 "$T/key"
printf 'password=hunter2x\npassword=hunter2x\npassword=other-pw-2\n' > "$T/in"
"$LOGMASK" $RULES --mask hash --hash-key-file "$T/key" < "$T/in" > "$T/out" || fail "hash style exited $?"
first=$(sed -n 1p "$T/out")
case $first in
  "password=[password-assignment:k1:"????????????????"]") ;;
  *) fail "hash tag shape: $first" ;;
esac
[ "$(sed -n 2p "$T/out")" = "$first" ] || fail "the same secret gave two tags"
[ "$(sed -n 3p "$T/out")" != "$first" ] || fail "two secrets gave the same tag"
if grep -q -e hunter2x -e other-pw "$T/out"; then fail "hash style leaked a secret"; fi
LOGMASK_HASH_KEY_FILE="$T/key" "$LOGMASK" $RULES --mask hash --hash-key-id rot2 < "$T/in" > "$T/out2" ||
  fail "LOGMASK_HASH_KEY_FILE exited $?"
[ "$(sed -n 1p "$T/out2")" = "$(echo "$first" | sed 's/:k1:/:rot2:/')" ] ||
  fail "key id or environment key: $(sed -n 1p "$T/out2") vs $first"
if command -v openssl > /dev/null 2>&1; then
  hexkey=$(od -An -v -tx1 "$T/key" | tr -d ' \n')
  mac=$(printf 'hunter2x' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" | sed 's/.*= //' | cut -c1-16)
  [ "$first" = "password=[password-assignment:k1:$mac]" ] || fail "hash tag $first is not HMAC-SHA256 ($mac)"
fi
echo "secrets: ok"
