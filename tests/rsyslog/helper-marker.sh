#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logmask-rsyslog, leak paths 5 and 6 and TAG, through Debian's rsyslogd
# with the shipped configurations (logmask-imtcp.conf, logmask.conf):
#  - a forged marker: mmjsonparse before the helper turns a sender's
#    '@cee: {"logmask":{"ok":1}}' into $!logmask!ok; when the helper then
#    gives no answer (it crashes) the message must still be quarantined;
#  - an answer not tied to its message: a wrapper script that writes a line
#    before it execs the helper shifts every answer by one; a wrapper that
#    keeps the reply pipe open makes the helper refuse to mask; a line feed
#    inside a message (escapeControlCharactersOnReceive off) is one message;
#  - TAG: a line without a tag puts its first word in TAG, which the
#    shipped template writes.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/rsyslog/lib.sh"

# start_conf: starts rsyslogd on $T/rsyslog.conf (refused configs fail)
start_conf() {
  rm -f "$T/port" "$T/host.log" "$T/quarantine.log" "$T/logmask-quarantine.log" "$T/syslog"
  rsyslog_start
}
stop_conf() {
  rsyslog_stop
  RSYSLOG_BG=
}

# --- 1. forged marker, the helper crashes on the message ---
shipped logmask-imtcp.conf |
  sed -e 's|^module(load="imtcp")|&\nmodule(load="mmjsonparse")|' \
      -e 's|workerThreads="[0-9]*") {$|&\n  action(type="mmjsonparse" cookie="@cee:")|' \
      -e 's|--input fulljson |--input fulljson --test-crash-on CRASHME |' >"$T/rsyslog.conf"
grep -q 'test-crash-on' "$T/rsyslog.conf" && grep -q mmjsonparse "$T/rsyslog.conf" || fail "config edit"
start_conf
printf '<13>Nov 29 12:00:00 host app: @cee: {"logmask":{"ok":1,"masked":0},"note":"CRASHME password=forgeleak1"}\n' >"$T/in"
send_tcp "$T/in"
wait_lines 1 "$T/host.log" "$T/quarantine.log"
stop_conf
no_leak forgeleak "$T/host.log"
grep -q forgeleak1 "$T/quarantine.log" || fail "forged: not quarantined"
echo "ok: a forged marker with a crashed helper is quarantined"

# --- 2. TAG: a sender's first word; the shipped template writes it ---
shipped logmask-imtcp.conf >"$T/rsyslog.conf"
start_conf
cat >"$T/in" <<'IN'
<13>Nov 29 12:00:00 host password=tagleak1 user=bob
<13>Nov 29 12:00:00 host secret: tagleak2
<13>Nov 29 12:00:00 host app[7]: clean
IN
send_tcp "$T/in"
wait_lines 3 "$T/host.log" "$T/quarantine.log"
stop_conf
no_leak tagleak "$T/host.log" "$T/quarantine.log"
cut -d' ' -f2- "$T/host.log" >"$T/tag.out"
{
  printf 'host secret: [REDACTED:rsyslog-test-colon]\n'
  printf 'host app[7]: clean\n'
} >"$T/tag.exp"
same "$T/tag.exp" "$T/tag.out"
# rsyslog derives app-name and programname from TAG, and a reply cannot
# replace them: a TAG whose program name is a secret is withheld
printf 'host - [logmask: withheld]\n' >"$T/tagq.exp"
cut -d' ' -f2- "$T/quarantine.log" >"$T/tagq.out"
same "$T/tagq.exp" "$T/tagq.out"
grep -q 'withheld (app-name)' "$T/logmask-rsyslog.log" || fail "tag: reason not logged"
echo "ok: TAG masked with MSG; a program name that is a secret withheld"

# --- 3. a wrapper writes a line, then execs the helper: every later
# answer belongs to the message before; the check sends them all to the
# quarantine ---
cat >"$T/stray.sh" <<'SH'
#!/bin/sh
echo '{"$!":{"logmask":{"ok":1,"masked":0}}}'
exec "$@"
SH
shipped logmask-imtcp.conf | sed -e "s|binary=\"$HELPER|binary=\"/bin/sh $T/stray.sh $HELPER|" >"$T/rsyslog.conf"
grep -q stray.sh "$T/rsyslog.conf" || fail "config edit"
start_conf
printf '<13>Nov 29 12:00:00 host app: password=strayleak%s\n' 1 2 3 >"$T/in"
send_tcp "$T/in"
wait_lines 3 "$T/host.log" "$T/quarantine.log"
stop_conf
no_leak strayleak "$T/host.log"
# the first answer is the wrapper's line: never trusted.  (rsyslog may read
# it together with the next answer as one invalid reply, which puts the
# later answers back in step: those messages may then be masked normally.)
grep -q 'strayleak1' "$T/quarantine.log" || fail "stray: the first message was not quarantined"
[ ! -e "$T/host.log" ] || ! grep -v "password=\[REDACTED:rsyslog-test-password\]$" "$T/host.log" ||
  fail "stray: an answer for another message was trusted"
echo "ok: shifted answers are not trusted"

# --- 4. a wrapper that keeps the reply pipe: the helper withholds all ---
cat >"$T/keep.sh" <<'SH'
#!/bin/sh
"$@"
echo "wrapper done" >&2
SH
shipped logmask-imtcp.conf | sed -e "s|binary=\"$HELPER|binary=\"/bin/sh $T/keep.sh $HELPER|" >"$T/rsyslog.conf"
start_conf
printf '<13>Nov 29 12:00:00 host app: password=keepleak%s\n' 1 2 >"$T/in"
send_tcp "$T/in"
wait_lines 2 "$T/host.log" "$T/quarantine.log"
stop_conf
[ ! -e "$T/host.log" ] || fail "shared pipe: messages reached the output"
no_leak keepleak "$T/quarantine.log"
[ "$(grep -c 'logmask: withheld' "$T/quarantine.log")" -eq 2 ] || fail "shared pipe: not withheld"
grep -q 'can also write to the reply pipe' "$T/logmask-rsyslog.log" || fail "shared pipe: not reported"
echo "ok: a helper that shares its reply pipe withholds every message"

# --- 5. logmask.conf (imuxsock): a line feed inside a message, control
# characters not escaped on receive ---
{
  printf 'module(load="imuxsock" SysSock.Use="off")\n'
  printf 'global(parser.escapeControlCharactersOnReceive="off")\n'
  shipped logmask.conf
} | sed -e "s|Socket=\"$T/log.sock\"|& RateLimit.Interval=\"0\"|" >"$T/rsyslog.conf"
start_conf
logger -u "$T/log.sock" -t lf "$(printf 'first line\npassword=lfleak1')"
logger -u "$T/log.sock" -t lf 'password=lfleak2 second'
logger -u "$T/log.sock" -t lf 'clean third'
i=0
until [ "$(grep -c 'lf:' "$T/syslog" "$T/logmask-quarantine.log" 2>/dev/null | awk -F: '{ s += $NF } END { print s + 0 }')" -ge 3 ]; do
  [ $i -lt 200 ] || fail "lf: messages did not arrive"
  sleep 0.1; i=$((i + 1))
done
stop_conf
no_leak lfleak "$T/syslog"
grep -q 'clean third' "$T/syslog" || fail "lf: the clean message did not arrive"
echo "ok: a line feed inside a message stays one message"
exit 0
