#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End to end through Debian's rsyslogd: imuxsock (msg mode) and imtcp
# (fulljson mode with --sd-keys), each through logmask-rsyslog, the
# documented fail-closed branch, omfile.  Secrets masked, clean messages
# byte-identical, leading space of RFC 3164 kept, count preserved.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/rsyslog/lib.sh"

cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T")
module(load="imuxsock" SysSock.Use="off")
module(load="imtcp")
module(load="mmexternal")
template(name="plain" type="string" string="%msg%\n")
# rsyslogd's own messages (helper restarts, invalid replies): for diagnosis
action(type="omfile" file="$T/internal.log")
template(name="sd" type="string" string="%structured-data% %msg%\n")

ruleset(name="ux") {
  action(type="mmexternal" interface.input="msg"
         binary="$HELPER --no-default-rules --rules $RULES --log $T/helper.log")
  if \$!logmask!ok != 1 then {
    action(type="omfile" file="$T/quarantine.log" template="plain")
    stop
  }
  action(type="omfile" file="$T/ux.log" template="plain")
}
ruleset(name="tcp") {
  action(type="mmexternal" interface.input="fulljson"
         binary="$HELPER --input fulljson --sd-keys --no-default-rules --rules $RULES --log $T/helper.log")
  if \$!logmask!ok != 1 then {
    action(type="omfile" file="$T/quarantine.log" template="plain")
    stop
  }
  action(type="omfile" file="$T/tcp.log" template="sd")
}
input(type="imuxsock" Socket="$T/log.sock" CreatePath="on" RateLimit.Interval="0" ruleset="ux")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$T/port" ruleset="tcp")
CONF
rsyslog_start
PORT=$(cat "$T/port")

# --- imuxsock, RFC 3164 as logger writes it: MSG keeps its leading space
cat >"$T/ux.in" <<'IN'
clean line one
login ok password=hunter2x user=bob
  two leading spaces and "quotes" and \backslashes\
password=first password=second
utf-8 héllo wörld, clean
last clean line
IN
logger -u "$T/log.sock" -t e2e -f "$T/ux.in"
wait_lines 6 "$T/ux.log" "$T/quarantine.log"
{
  printf ' clean line one\n'
  printf ' login ok password=%s user=bob\n' "$R"
  printf '   two leading spaces and "quotes" and \\backslashes\\\n'
  printf ' password=%s password=%s\n' "$R" "$R"
  printf ' utf-8 h\303\251llo w\303\266rld, clean\n'
  printf ' last clean line\n'
} >"$T/ux.exp"
same "$T/ux.exp" "$T/ux.log"
[ ! -e "$T/quarantine.log" ] || fail "a clean run quarantined messages"

# --- imtcp: RFC 3164 (leading space) and RFC 5424 with structured data
logger -T -n 127.0.0.1 -P "$PORT" --rfc3164 -t e2e 'tcp 3164 password=tcpsecret1 end'
logger -T -n 127.0.0.1 -P "$PORT" --rfc3164 -t e2e 'tcp 3164 clean'
logger -T -n 127.0.0.1 -P "$PORT" --rfc5424=notq -t e2e \
  --sd-id ex@32473 --sd-param 'password="s3cr3t-v4lue"' --sd-param 'user="bob"' 'tcp 5424 body'
logger -T -n 127.0.0.1 -P "$PORT" --rfc5424=notq -t e2e 'tcp 5424 clean'
wait_lines 4 "$T/tcp.log" "$T/quarantine.log"
{
  printf -- '-  tcp 3164 password=%s end\n' "$R"
  printf -- '-  tcp 3164 clean\n'
  printf '[ex@32473 password="[REDACTED:rsyslog-test-password\\]" user="bob"] tcp 5424 body\n'
  printf -- '- tcp 5424 clean\n'
} >"$T/tcp.exp"
same "$T/tcp.exp" "$T/tcp.log"
[ ! -e "$T/quarantine.log" ] || fail "a clean run quarantined messages"
! grep -q 'hunter2x\|tcpsecret1\|s3cr3t-v4lue\|first\|second' "$T/ux.log" "$T/tcp.log" || fail "a secret leaked"
exit 0
