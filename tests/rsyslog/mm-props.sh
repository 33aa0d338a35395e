#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mmlogmask, leak paths 3 and 4, and %rawmsg%: every property that can
# carry a secret is masked.  The shipped mmlogmask.conf with the built-in
# rules and, where its comment says, the parsers that copy text into $!:
# mmjsonparse (@cee), mmnormalize (matched: $!password; unmatched:
# $!originalmsg, $!unparsed-data) and mmpstrucdata ($!rfc5424-sd).  RFC 3164
# and RFC 5424 input over TCP: secrets in the $! tree, structured data, a
# TAG that is a sender's first word (also "password:" with the value in
# MSG), hostname, app-name, msgid; written with %$!%, %jsonmesg%,
# %rawmsg% and every other property.  Nothing may leak; clean messages stay
# byte-identical; the $! tree stays valid JSON.
. "$top_srcdir/tests/setup"
MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"
[ -f "$MODULE" ] || { echo "SKIP: mmlogmask not built (configure --with-rsyslog-source)"; exit 77; }
. "$top_srcdir/tests/rsyslog/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)

cat >"$T/rb" <<'RB'
version=2
rule=:login user=%user:word% password=%password:word%
RB
ALL='%syslogtag%|%programname%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%|%rawmsg%|%$!%\n'
{
  cat <<CONF
template(name="all" type="string" string="$ALL")
template(name="jsonmesg" type="string" string="%jsonmesg%\n")
template(name="tree" type="string" string="%\$!%\n")
CONF
  shipped mmlogmask.conf |
  sed -e "s| nodefaultrules=\"on\" rules=\"$RULES\"||" \
      -e 's|^module(load="imtcp")|&\nmodule(load="mmjsonparse")\nmodule(load="mmnormalize")\nmodule(load="mmpstrucdata")|' \
      -e "s|workerThreads=\"[0-9]*\") {\$|&\n  action(type=\"mmjsonparse\" cookie=\"@cee:\")\n  action(type=\"mmnormalize\" rulebase=\"$T/rb\")\n  action(type=\"mmpstrucdata\")|" \
      -e "s|^  action(type=\"omfile\" dynaFile=.*|&\n  action(type=\"omfile\" file=\"$T/all.log\" template=\"all\")\n  action(type=\"omfile\" file=\"$T/jsonmesg.log\" template=\"jsonmesg\")\n  action(type=\"omfile\" file=\"$T/tree.log\" template=\"tree\")|"
} >"$T/rsyslog.conf"
grep -q 'mmpstrucdata' "$T/rsyslog.conf" && grep -q 'tree.log' "$T/rsyslog.conf" || fail "config edit failed"
rsyslog_start

cat >"$T/in" <<'IN'
<13>Nov 29 12:00:00 host app: @cee: {"password":"ceeleak1","user":"bob","deep":{"api_key":"ceeleak2xyzxyz","session":"ceeleak12"}}
<13>Nov 29 12:00:00 host app: login user=bob password=normleak3
<13>Nov 29 12:00:00 host app: unparsed text password=unparsedleak4 more
<13>1 2024-01-01T00:00:00Z host app 42 ID7 [ex@32473 password="sdleak5" session="sessleak6" path="C:\\temp"] body text
<13>Nov 29 12:00:00 host password=tagleak7 user=bob
<13>Nov 29 12:00:00 host password: tagleak8
<13>1 2024-01-01T00:00:00Z password=hostleak9 app - - - body
<13>1 2024-01-01T00:00:00Z host password=appleak10 - password=msgidleak11 - body
<13>Nov 29 12:00:00 host clean[12]: a clean message, nothing to mask
IN
send_tcp "$T/in"
wait_lines 9 "$T/all.log" "$T/quarantine.log"
wait_lines 9 "$T/tree.log"
rsyslog_stop
[ ! -e "$T/quarantine.log" ] || { cat "$T/quarantine.log" >&2; fail "messages quarantined"; }
no_leak leak "$T"/*.log

# masked, not dropped: each secret's place holds a mask
[ "$(grep -c 'REDACTED' "$T/all.log")" -eq 8 ] || { cat "$T/all.log" >&2; fail "not every secret message masked"; }
# the parsers' fields are masked in place, key-aware
grep -q '"password": *"\[REDACTED:[a-z-]*\]", "user": "bob"' "$T/tree.log" || fail "\$!password not masked"
grep -q '"session": *"\[REDACTED:json-sensitive-key\]"' "$T/tree.log" || fail "\$!deep!session not masked by its key name"
grep -q '"rfc5424-sd": *{ *"ex@32473": *{ *"password": *"\[REDACTED' "$T/tree.log" || fail "rfc5424-sd not masked"
grep -q '"originalmsg": *" unparsed text password=\[REDACTED' "$T/tree.log" || fail "originalmsg not masked"
# a value only TAG and MSG together reveal is taken out of the parsers' copies
grep -q '"originalmsg": *" \[logmask: withheld\]"' "$T/tree.log" || fail "the TAG-with-MSG secret in originalmsg"
# structured data stays structured data, the path with its backslash
grep -q '|\[ex@32473 password="\[REDACTED:[a-z-]*\\\]" session="\[REDACTED:[a-z-]*\\\]" path="C:\\\\temp"\]|body text|' "$T/all.log" ||
  { grep ex@ "$T/all.log" >&2; fail "structured data"; }
# TAG: masked, and "password:" + MSG masked as one text
grep -q '^password=\[REDACTED:[a-z-]*\]|password=|' "$T/all.log" || { cat "$T/all.log" >&2; fail "TAG"; }
grep -q '^password:| \[REDACTED:[a-z-]*\]|' "$T/all.log" ||
  grep -q '^password:|password|host|password|-|-|-| \[REDACTED' "$T/all.log" || { cat "$T/all.log" >&2; fail "TAG with MSG"; }
# the clean message: every property as received
grep '^clean' "$T/all.log" | cut -d'|' -f1-9 >"$T/clean.out"
printf 'clean[12]:|clean|host|clean|12|-|-| a clean message, nothing to mask|<13>Nov 29 12:00:00 host clean[12]: a clean message, nothing to mask\n' >"$T/clean.exp"
same "$T/clean.exp" "$T/clean.out"
# the $! tree is valid JSON (one object a line)
if [ -n "$PY" ]; then
  "$PY" -c 'import json,sys
for n, l in enumerate(open(sys.argv[1]), 1):
    o = json.loads(l)
    assert isinstance(o, dict) and o["logmask"]["ok"] == 1, (n, l)' "$T/tree.log" || fail "\$! is not valid JSON"
  "$PY" -c 'import json,sys
[json.loads(l) for l in open(sys.argv[1])]' "$T/jsonmesg.log" || fail "jsonmesg is not valid JSON"
fi
exit 0
