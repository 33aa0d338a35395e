#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mmlogmask, leak path 1: a configuration error never runs rsyslog
# unmasked.  The shipped mmlogmask.conf, each time with one error: a
# missing rule file, a bad mask, a bad format, a bad properties entry, a
# module file that does not exist, a file that is no module for this
# rsyslogd (a stale build).  As shipped (abortOnUncleanConfig="on")
# rsyslogd refuses to start; with that line removed it starts without the
# action, and every message goes to the quarantine, a sender's forged
# marker (mmjsonparse before the action) included.
. "$top_srcdir/tests/setup"
MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"
[ -f "$MODULE" ] || { echo "SKIP: mmlogmask not built (configure --with-rsyslog-source)"; exit 77; }
. "$top_srcdir/tests/rsyslog/lib.sh"

# a library that loads but is no rsyslog module: what an old mmlogmask.so
# left behind by an rsyslog upgrade looks like to the loader
stale=
for f in /lib/*/libz.so.1 /usr/lib/*/libz.so.1; do [ -f "$f" ] && stale=$f && break; done
[ -n "$stale" ] || fail "no libz.so.1 to stand for a stale module"
mkdir "$T/stale"
cp "$stale" "$T/stale/mmlogmask.so"

# The shipped config with a parser before the masking that lets a sender
# set $!logmask (the comment in the config says where parsers go).
shipped mmlogmask.conf |
  sed -e 's|^module(load="imtcp")|&\nmodule(load="mmjsonparse")|' \
      -e 's|workerThreads="[0-9]*") {$|&\n  action(type="mmjsonparse" cookie="@cee:")|' >"$T/good.conf"
grep -q 'abortOnUncleanConfig="on"' "$T/good.conf" || fail "the shipped config lost abortOnUncleanConfig"
"$RSYSLOGD" -N1 -f "$T/good.conf" >"$T/good.log" 2>&1 || { cat "$T/good.log" >&2; fail "the shipped config is refused"; }

# The secret: in the text, and a forged marker in the @cee JSON.
printf '<13>Nov 29 12:00:00 host app: @cee: {"logmask":{"ok":1},"note":"password=cfgleak%s"}\n' \
  1 2 3 >"$T/in"

# outputs NAME: fails when a normal output (anything but the quarantine
# and rsyslogd's own logs) was written
outputs() {
  for f in "$T"/*.log; do
    case $f in
      */quarantine.log|*/internal.log|*/rsyslogd.log|*/good.log|*/check.log|"$T/*.log") ;;
      *) cat "$f" >&2; fail "$1: normal output $f written" ;;
    esac
  done
}

# The shipped config without an error: masked messages reach the output,
# the forged marker is overwritten by the module's own.
cp "$T/good.conf" "$T/rsyslog.conf"
rsyslog_start
send_tcp "$T/in"
wait_lines 3 "$T/host.log" "$T/quarantine.log"
rsyslog_stop
RSYSLOG_BG=
[ ! -e "$T/quarantine.log" ] || { cat "$T/quarantine.log" >&2; fail "good: messages quarantined"; }
[ "$(grep -cF "password=$R" "$T/host.log")" -eq 3 ] || { cat "$T/host.log" >&2; fail "good: not masked"; }
no_leak cfgleak "$T/host.log"
rm -f "$T/host.log" "$T/port" "$T/internal.log"

# broken NAME SED-EXPR: the shipped config with one error
broken() {
  name=$1 expr=$2
  sed "$expr" "$T/good.conf" >"$T/$name.conf"
  cmp -s "$T/good.conf" "$T/$name.conf" && fail "$name: the edit changed nothing"

  # as shipped: -N1 and the daemon itself refuse
  if "$RSYSLOGD" -N1 -f "$T/$name.conf" >"$T/$name.n1" 2>&1; then
    fail "$name: rsyslogd -N1 accepted the config"
  fi
  rc=0
  timeout 20 "$RSYSLOGD" -n -f "$T/$name.conf" -i "$T/rsyslogd.pid" >"$T/$name.run" 2>&1 || rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { cat "$T/$name.run" >&2; fail "$name: rsyslogd started (exit $rc)"; }
  grep -q 'AbortOnUncleanConfig' "$T/$name.run" || { cat "$T/$name.run" >&2; fail "$name: refused, but not for the unclean config"; }
  outputs "$name (refused)"
  [ ! -e "$T/quarantine.log" ] || fail "$name: rsyslogd wrote though it refused to start"

  # without abortOnUncleanConfig it starts; every message is quarantined
  sed '/abortOnUncleanConfig/d' "$T/$name.conf" >"$T/rsyslog.conf"
  "$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" >"$T/rsyslogd.log" 2>&1 &
  RSYSLOG_BG=$!
  i=0
  until [ -s "$T/port" ]; do
    [ $i -lt 100 ] || { cat "$T/rsyslogd.log" >&2; fail "$name: rsyslogd did not start"; }
    sleep 0.1; i=$((i + 1))
  done
  send_tcp "$T/in"
  wait_lines 3 "$T/quarantine.log"
  rsyslog_stop
  RSYSLOG_BG=
  outputs "$name"
  grep -c cfgleak "$T/quarantine.log" | grep -qx 3 || fail "$name: not all quarantined"
  rm -f "$T/quarantine.log" "$T/port" "$T/internal.log"
  echo "ok: $name refused as shipped, quarantined without abortOnUncleanConfig"
}

broken missing-rules "s|rules=\"$RULES\"|rules=\"$T/no-such.rules\"|"
broken bad-mask 's|action(type="mmlogmask"|& mask="no-such-style"|'
broken bad-format 's|action(type="mmlogmask"|& format="no-such-format"|'
broken bad-property 's|action(type="mmlogmask"|& properties=["msg", "no-such-property"]|'
broken module-missing "s|module(load=\"$MODULE\")|module(load=\"$T/none/mmlogmask.so\")|"
broken module-stale "s|module(load=\"$MODULE\")|module(load=\"$T/stale/mmlogmask.so\")|"
exit 0
