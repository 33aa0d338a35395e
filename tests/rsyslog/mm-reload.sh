#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mmlogmask: rule-file changes take effect on HUP.  A rule added to the
# file masks after the HUP; a broken file keeps the previous rules, says so
# in rsyslogd's log and in impstats (reloads, reload_failures); the
# per-rule counters add up, with literals and sensitive keys, to the
# secrets masked.
. "$top_srcdir/tests/setup"
MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"
[ -f "$MODULE" ] || { echo "SKIP: mmlogmask not built (configure --with-rsyslog-source)"; exit 77; }
. "$top_srcdir/tests/rsyslog/lib.sh"

cp "$RULES" "$T/site.rules"
printf 'Zq7-literal-secret\n' >"$T/literals"
{
  printf 'module(load="impstats" interval="1" format="json" log.syslog="off" log.file="%s/stats.log")\n' "$T"
  printf 'template(name="plain" type="string" string="%%msg%%\\n")\n'
  shipped mmlogmask.conf |
    sed -e "s|rules=\"$RULES\"|rules=\"$T/site.rules\" literals=\"$T/literals\" statsname=\"mm-reload\"|" \
        -e "s|dynaFile=\"remote-by-host\" template=\"RSYSLOG_FileFormat\"|file=\"$T/out.log\" template=\"plain\"|"
} >"$T/rsyslog.conf"
rsyslog_start
sent=0
send() { # LINE: one message, waits until it was written
  printf '<13>Nov 29 12:00:00 host app: %s\n' "$1" >"$T/in"
  send_tcp "$T/in"
  sent=$((sent + 1))
  wait_lines $sent "$T/out.log" "$T/quarantine.log"
}
hup() { # PATTERN: HUP, then wait for rsyslogd's log to say PATTERN
  n=$(grep -c "$1" "$T/internal.log" 2>/dev/null || true)
  kill -HUP "$(cat "$T/rsyslogd.pid")"
  i=0
  until [ "$(grep -c "$1" "$T/internal.log" 2>/dev/null || true)" -gt "${n:-0}" ]; do
    [ $i -lt 100 ] || { cat "$T/internal.log" >&2; fail "no \"$1\" after HUP"; }
    sleep 0.1; i=$((i + 1))
  done
}

send 'password=reload1 ticket=reloadtok2 Zq7-literal-secret'
cat >>"$T/site.rules" <<'RULE'

rule: rsyslog-test-ticket
description: added while rsyslogd runs
keywords: ticket
regex: ticket=(?<secret>\S+)
match: ticket=[[abc]]
RULE
# the rule count at the start, and one more after the HUP
n0=$(sed -n 's/.*mmlogmask: mm-reload: liblogmask [^,]*, \([0-9]*\) rules.*/\1/p' "$T/internal.log" | head -n 1)
[ -n "$n0" ] || { cat "$T/internal.log" >&2; fail "no start-up line"; }
hup "mmlogmask: mm-reload: HUP: rules reloaded: $((n0 + 1)) rules"
send 'ticket=reloadtok3'
send '{"session":"sesskey1"}'
printf 'rule: broken\nregex: (\n' >>"$T/site.rules"
hup 'mmlogmask: mm-reload: HUP: the rules could not be reloaded, the previous rules stay'
grep -q 'the previous rules stay in use: rules ".*site.rules": ' "$T/internal.log" || fail "no reason for the failed reload"
send 'password=reload4 ticket=reloadtok5'
rsyslog_stop
[ ! -e "$T/quarantine.log" ] || fail "messages quarantined"
{
  printf ' password=%s ticket=reloadtok2 [REDACTED:literals:1]\n' "$R"
  printf ' ticket=[REDACTED:rsyslog-test-ticket]\n'
  printf ' {"session":"[REDACTED:json-sensitive-key]"}\n'
  printf ' password=%s ticket=[REDACTED:rsyslog-test-ticket]\n' "$R"
} >"$T/out.exp"
cmp -s "$T/out.exp" "$T/out.log" ||
  { diff "$T/out.exp" "$T/out.log" >&2; fail "the ticket rule masks only after the HUP that added it, and until the end"; }
no_leak 'reload1\|reloadtok3\|reload4\|reloadtok5\|Zq7\|sesskey1' "$T/out.log" "$T/stats.log" "$T/internal.log"

# impstats: the last report of the action
line=$(grep '"name": *"mm-reload"' "$T/stats.log" | tail -n 1)
for want in '"processed": *4' '"reloads": *1' '"reload_failures": *1' '"literals": *1' \
    '"rule.json-sensitive-key": *1' '"rule.rsyslog-test-password": *2' '"rule.rsyslog-test-ticket": *2'; do
  printf '%s\n' "$line" | grep -q "$want" || fail "stats line lacks $want: $line"
done
# every secret is counted once, by rule (key names included) or literal
sum=$(printf '%s\n' "$line" | tr ',' '\n' |
  sed -n 's/.*"\(rule\.[^"]*\|literals\)": *\([0-9]*\).*/\2/p' | awk '{ s += $1 } END { print s + 0 }')
secrets=$(printf '%s\n' "$line" | sed -n 's/.*"secrets": *\([0-9]*\).*/\1/p')
[ "$sum" -eq "$secrets" ] || fail "per-rule and literal counts ($sum) do not add up to secrets ($secrets): $line"
exit 0
