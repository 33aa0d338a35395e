#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Unit tests of logmask-rsyslog on its own: lines in, JSON replies out,
# compared byte for byte; one reply per line, in order.
. "$top_srcdir/tests/setup"
H="$top_builddir/contrib/rsyslog/logmask-rsyslog"
[ -x "$H" ] || fail "$H not built"
RULES="$top_srcdir/tests/rsyslog/test.rules"
BASE="--no-default-rules --rules $RULES --log $T/diag.log"
R='[REDACTED:rsyslog-test-password]'
CLEAN='{"$!":{"logmask":{"ok":1,"masked":0}}}'

# run NAME [OPTIONS...]: stdin -> $T/NAME.out, with the per-message check
# ("check":"LEN:HASH", tested on its own below) kept in $T/NAME.checks and
# taken out of the replies; stderr must stay empty
run() {
  name=$1; shift
  "$H" $BASE "$@" >"$T/$name.raw" 2>"$T/$name.err" || fail "$name: exit $?"
  [ ! -s "$T/$name.err" ] || fail "$name: wrote to stderr"
  sed -n 's/.*,"check":"\([0-9]*:[0-9]*\)".*/\1/p' "$T/$name.raw" >"$T/$name.checks"
  sed 's/,"check":"[0-9]*:[0-9]*"//' "$T/$name.raw" >"$T/$name.out"
}
# same NAME: compares $T/NAME.out with $T/NAME.exp
same() {
  cmp "$T/$1.exp" "$T/$1.out" >/dev/null || {
    diff "$T/$1.exp" "$T/$1.out" >&2 || true
    fail "$1: reply differs"
  }
}

# --- msg mode: escaping, bytes, leading space ---
printf ' clean message\n\n login password=hunter2x ok\nsay "hi" \\ back password=s3cr3t!\nctl\001\t\037\r x password=abc123\n\377\376 password=zzz999 \303\n password=one password=two\n' |
  run msg
{
  printf '%s\n' "$CLEAN" "$CLEAN"
  printf '{"msg":" login password=%s ok","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":"say \\"hi\\" \\\\ back password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":"ctl\\u0001\\t\\u001F\\r x password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":"\377\376 password=%s \303","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":" password=%s password=%s","$!":{"logmask":{"ok":1,"masked":2}}}\n' "$R" "$R"
} >"$T/msg.exp"
same msg

# --- a very long line (2 MiB) is masked whole, still one reply ---
awk 'BEGIN { s = "x"; for (i = 0; i < 21; i++) s = s s; printf " %s password=longsecret9\n", s }' |
  run long
[ "$(wc -l <"$T/long.out")" -eq 1 ] || fail "long: not one reply"
grep -q 'password=\[REDACTED:rsyslog-test-password\]","\$!":{"logmask":{"ok":1,"masked":1}}}$' "$T/long.out" ||
  fail "long: not masked"
! grep -q longsecret9 "$T/long.out" || fail "long: secret leaked"

# --- over --max-line: withheld (fail closed), reading stays in step ---
printf '0123456789\n0123456789A password=abc\nafter\n' | run overlong --max-line 10
{
  printf '%s\n' "$CLEAN"
  printf '%s\n' '{"msg":"[logmask: withheld]","$!":{"logmask":{"ok":0,"error":"too-long"}}}'
  printf '%s\n' "$CLEAN"
} >"$T/overlong.exp"
same overlong

# --- one reply per line, in order, over many lines ---
awk 'BEGIN { for (i = 0; i < 3000; i++) if (i % 3) printf " line %d\n", i; else printf " line %d password=pw%d\n", i, i }' |
  run many
[ "$(wc -l <"$T/many.out")" -eq 3000 ] || fail "many: reply count"
[ "$(grep -c '"masked":1' "$T/many.out")" -eq 1000 ] || fail "many: masked count"
sed -n 1p "$T/many.out" | grep -q 'line 0 password=' || fail "many: order"
sed -n 2p "$T/many.out" | grep -qxF "$CLEAN" || fail "many: order"

# --- rawmsg mode replaces the rawmsg property ---
printf '<13>Nov 29 00:00:00 host tag: password=raw123\n' | run raw --input rawmsg
printf '{"rawmsg":"<13>Nov 29 00:00:00 host tag: password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R" >"$T/raw.exp"
same raw

# --- fulljson: msg masked, bad input withheld, NUL kept ---
W='{"msg":"[logmask: withheld]","syslogtag":"-","procid":"-","msgid":"-","structured-data":"-","$!":{"logmask":{"ok":0,"error":"bad-input"}}}'
cat >"$T/json.in" <<'IN'
{ "msg": " a password=js0n-secret", "rawmsg": "<13>x: a password=js0n-secret", "structured-data": "-", "$!": null }
{ "msg": "a\u0000 password=afternul" }
not json
[ "msg" ]
{ "msg": 7 }
{ "msg": "one" }{ "msg": "two" }
{ "nested": { "msg": "password=inner1" }, "msg": "outer" }
IN
run json --input fulljson <"$T/json.in"
{
  printf '{"msg":" a password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":"a\\u0000 password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  for i in 1 2 3 4; do printf '%s\n' "$W"; done
  printf '%s\n' "$CLEAN"
} >"$T/json.exp"
same json

# --- fulljson, structured data: parsed and masked by the library's syslog
# handler (escapes \" \\ \] kept, sensitive names masked whole), so a value
# with an escaped quote or a backslash before its closing quote is one value
# (the helper's own parser once split session="abc\"..." at the escape) ---
cat >"$T/sd.in" <<'IN'
{ "msg": "clean", "structured-data": "[ex@1 password=\"s3cr3t-v4lue\" user=\"bob\"][timeQuality tzKnown=\"1\"]" }
{ "msg": "q", "structured-data": "[ex@1 password=\"a\\\"b]c\"]" }
{ "msg": "q", "structured-data": "[ex@1 session=\"abc\\\"def-sessleak\" path=\"C:\\\\temp\" user=\"bob\"]" }
{ "msg": "q", "structured-data": "[ex@1 path=\"C:\\\\\" note=\"password=after-bs1\"]" }
{ "msg": "q", "structured-data": "[ex@1 path=\"C:\\\\temp\\\\\" user=\"bob\"]" }
{ "msg": "q", "structured-data": "[bad password=unquoted-sd1" }
{ "msg": "q", "structured-data": "-" }
IN
run sd --input fulljson --sd-keys <"$T/sd.in"
{
  printf '{"structured-data":"[ex@1 password=\\"%s\\" user=\\"bob\\"][timeQuality tzKnown=\\"1\\"]","$!":{"logmask":{"ok":1,"masked":1}}}\n' \
    '[REDACTED:rsyslog-test-password\\]'
  printf '{"structured-data":"[ex@1 password=\\"%s\\"]","$!":{"logmask":{"ok":1,"masked":1}}}\n' \
    '[REDACTED:rsyslog-test-password\\]'
  printf '{"structured-data":"[ex@1 session=\\"%s\\" path=\\"C:\\\\\\\\temp\\" user=\\"bob\\"]","$!":{"logmask":{"ok":1,"masked":1}}}\n' \
    '[REDACTED:syslog-sensitive-key\\]'
  printf '{"structured-data":"[ex@1 path=\\"C:\\\\\\\\\\" note=\\"password=%s\\"]","$!":{"logmask":{"ok":1,"masked":1}}}\n' \
    '[REDACTED:rsyslog-test-password\\]'
  printf '%s\n' "$CLEAN"
  printf '{"structured-data":"[bad password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '%s\n' "$CLEAN"
} >"$T/sd.exp"
same sd
! grep -q 'sessleak\|after-bs1\|s3cr3t\|unquoted-sd1' "$T/sd.out" || fail "sd: a secret leaked"

# --- fulljson, TAG: a sender without a tag puts its first word in TAG;
# TAG and MSG are masked as templates write them (TAG, then MSG) ---
cat >"$T/tag.in" <<'IN'
{ "msg": " user=bob", "syslogtag": "password=tagleak1" }
{ "msg": " tagleak2", "syslogtag": "secret:" }
{ "msg": " clean", "syslogtag": "app[12]:" }
{ "msg": "clean", "syslogtag": "app", "hostname": "password=hostleak3", "procid": "password=pidleak4", "msgid": "-" }
{ "msg": "clean", "syslogtag": "app", "app-name": "password=appleak5" }
IN
run tag --input fulljson <"$T/tag.in"
{
  printf '{"syslogtag":"password=%s","$!":{"logmask":{"ok":1,"masked":1}}}\n' "$R"
  printf '{"msg":" %s","$!":{"logmask":{"ok":1,"masked":1}}}\n' '[REDACTED:rsyslog-test-colon]'
  printf '%s\n' "$CLEAN"
  printf '{"hostname":"password=%s","procid":"password=%s","$!":{"logmask":{"ok":1,"masked":2}}}\n' "$R" "$R"
  printf '%s\n' '{"msg":"[logmask: withheld]","syslogtag":"-","procid":"-","msgid":"-","structured-data":"-","$!":{"logmask":{"ok":0,"error":"app-name"}}}'
} >"$T/tag.exp"
same tag
! grep -q 'leak' "$T/tag.out" || fail "tag: a secret leaked"

# --- the check binds each reply to its message: LEN:HASH of the text
# received, HASH as rsyslog's hash32() (values computed by rsyslogd) ---
printf ' login password=hunter2x ok\n\n' | run check1
printf '27:1049432267\n0:0\n' >"$T/check1.exp"
cmp -s "$T/check1.exp" "$T/check1.checks" || fail "check: $(cat "$T/check1.checks")"
printf '{ "msg": " login password=hunter2x ok", "syslogtag": "x:" }\n' | run check2 --input fulljson
cmp -s "$T/check1.exp" "$T/check2.checks" 2>/dev/null || [ "$(cat "$T/check2.checks")" = 27:1049432267 ] ||
  fail "check (fulljson): $(cat "$T/check2.checks")"
[ "$(wc -l <"$T/msg.checks")" -eq 7 ] || fail "msg: not every ok reply carries a check"
! grep -q '"ok":0.*check' "$T/overlong.raw" "$T/json.raw" || fail "a withheld reply carries a check"

# --- known literals ---
printf 'Tr0ub4dor-and-3\n' >"$T/lit"
printf ' user said Tr0ub4dor-and-3 twice: Tr0ub4dor-and-3\n' | run lit --literals "$T/lit"
! grep -q Tr0ub4dor "$T/lit.out" || fail "literal leaked"
grep -q '^{"msg":" user said .*"\$!":{"logmask":{"ok":1,"masked":2}}}$' "$T/lit.out" || fail "literal not masked"

# --- set-up failures: every message withheld, nothing on stderr ---
printf ' password=abc\n clean\n' | run badrules --rules "$T/no-such-file.rules"
{
  printf '%s\n' '{"msg":" [logmask: withheld]","$!":{"logmask":{"ok":0,"error":"config"}}}'
  printf '%s\n' '{"msg":" [logmask: withheld]","$!":{"logmask":{"ok":0,"error":"config"}}}'
} >"$T/badrules.exp"
same badrules
grep -q 'no-such-file.rules' "$T/diag.log" || fail "set-up error not in --log file"
printf 'x\n' | run badopt --no-such-option
printf '%s\n' '{"msg":"[logmask: withheld]","$!":{"logmask":{"ok":0,"error":"config"}}}' >"$T/badopt.exp"
same badopt

# --- test-only hooks: a hang is answered by the watchdog, then exit ---
set +e
printf 'a\n HANG here\nnever read\n' | "$H" $BASE --test-hang-on HANG --timeout-ms 200 >"$T/hang.out" 2>"$T/hang.err"
rc=$?
printf 'a\nCRASH here\nnever read\n' | "$H" $BASE --test-crash-on CRASH >"$T/crash.out" 2>"$T/crash.err"
rc2=$?
set -e
sed -i 's/,"check":"[0-9]*:[0-9]*"//' "$T/hang.out" "$T/crash.out"
[ "$rc" -eq 75 ] || fail "hang: exit $rc, not 75"
{ printf '%s\n' "$CLEAN"; printf '%s\n' '{"msg":" [logmask: withheld]","$!":{"logmask":{"ok":0,"error":"timeout"}}}'; } >"$T/hang.exp"
same hang
[ "$rc2" -eq 70 ] || fail "crash: exit $rc2, not 70"
printf '%s\n' "$CLEAN" >"$T/crash.exp"
same crash
[ ! -s "$T/hang.err" ] && [ ! -s "$T/crash.err" ] || fail "hooks wrote to stderr"
exit 0
