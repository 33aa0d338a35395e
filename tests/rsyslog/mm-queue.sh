#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mmlogmask, leak path 2: a queue on the mmlogmask action.  With a queue
# of its own the action masks a copy of each message that no later action
# sees, so the output would be clear text while the counters say masked.
# A linked-list queue on the action is refused at load with a clear error
# (as shipped: rsyslogd does not start; without abortOnUncleanConfig:
# everything is quarantined); a direct queue (the default) is accepted and
# masks.
. "$top_srcdir/tests/setup"
MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"
[ -f "$MODULE" ] || { echo "SKIP: mmlogmask not built (configure --with-rsyslog-source)"; exit 77; }
. "$top_srcdir/tests/rsyslog/lib.sh"

printf '<13>Nov 29 12:00:00 host app: login password=qleak%s ok\n' 1 2 3 >"$T/in"

# run NAME QUEUE-TYPE: the shipped config, the action with that queue,
# without abortOnUncleanConfig; the messages end in $T/host.log or
# $T/quarantine.log
run() {
  shipped mmlogmask.conf |
    sed -e "s|action(type=\"mmlogmask\"|& queue.type=\"$2\"|" >"$T/$1.conf"
  sed '/abortOnUncleanConfig/d' "$T/$1.conf" >"$T/rsyslog.conf"
  "$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" >"$T/rsyslogd.log" 2>&1 &
  RSYSLOG_BG=$!
  i=0
  until [ -s "$T/port" ]; do
    [ $i -lt 100 ] || { cat "$T/rsyslogd.log" >&2; fail "$1: rsyslogd did not start"; }
    sleep 0.1; i=$((i + 1))
  done
  send_tcp "$T/in"
  wait_lines 3 "$T/host.log" "$T/quarantine.log"
  rsyslog_stop
  RSYSLOG_BG=
  rm -f "$T/port"
  no_leak qleak "$T/host.log"
}

# Direct: accepted by -N1, masks as without a queue.
run direct Direct
"$RSYSLOGD" -N1 -f "$T/direct.conf" >"$T/direct.n1" 2>&1 || { cat "$T/direct.n1" >&2; fail "direct: refused"; }
[ "$(grep -cF "password=$R" "$T/host.log")" -eq 3 ] || { cat "$T/host.log" >&2; fail "direct: not masked"; }
[ ! -e "$T/quarantine.log" ] || fail "direct: messages quarantined"
rm -f "$T/host.log"

# LinkedList: refused with a message that says why and where to put it.
run linkedlist LinkedList
[ ! -e "$T/host.log" ] || fail "linkedlist: the normal output was written"
[ "$(grep -c qleak "$T/quarantine.log")" -eq 3 ] || fail "linkedlist: not all quarantined"
if "$RSYSLOGD" -N1 -f "$T/linkedlist.conf" >"$T/linkedlist.n1" 2>&1; then
  fail "linkedlist: rsyslogd -N1 accepted a queue on the mmlogmask action"
fi
grep -q 'mmlogmask: queue.type="LinkedList" on the mmlogmask action.*ruleset()' "$T/linkedlist.n1" ||
  { cat "$T/linkedlist.n1" >&2; fail "linkedlist: no clear error"; }
rc=0
timeout 20 "$RSYSLOGD" -n -f "$T/linkedlist.conf" -i "$T/rsyslogd.pid" >"$T/ll.run" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "linkedlist: rsyslogd started as shipped (exit $rc)"
exit 0
