# SPDX-License-Identifier: Apache-2.0
# Shared by the rsyslog end-to-end tests (sourced after tests/setup): a
# private rsyslogd in $T, started with its own config and pid file and
# stopped by that pid on exit.  Installs nothing, touches nothing outside $T.
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
[ -x "$RSYSLOGD" ] || { echo "SKIP: rsyslogd not installed"; exit 77; }
need logger
need bash
HELPER="${LOGMASK_RSYSLOG:-$top_builddir/contrib/rsyslog/logmask-rsyslog}"
[ -x "$HELPER" ] || fail "$HELPER not built"
RULES="$top_srcdir/tests/rsyslog/test.rules"
R='[REDACTED:rsyslog-test-password]'

RSYSLOG_BG=
rsyslog_stop() {
  pid=$RSYSLOG_BG
  [ ! -s "$T/rsyslogd.pid" ] || pid=$(cat "$T/rsyslogd.pid")
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$T/rsyslogd.pid"
  fi
}
trap 'rsyslog_stop; rm -rf "$T"' EXIT

# rsyslog_start: checks $T/rsyslog.conf with -N1, starts rsyslogd in the
# background and waits for its pid file (and $T/port when imtcp is used).
rsyslog_start() {
  "$RSYSLOGD" -N1 -f "$T/rsyslog.conf" >"$T/check.log" 2>&1 ||
    { cat "$T/check.log" >&2; fail "rsyslogd -N1 refused the config"; }
  "$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" >"$T/rsyslogd.log" 2>&1 &
  RSYSLOG_BG=$!
  i=0
  until [ -s "$T/rsyslogd.pid" ] &&
      { ! grep -q 'log.sock' "$T/rsyslog.conf" || [ -S "$T/log.sock" ]; } &&
      { ! grep -q listenPortFileName "$T/rsyslog.conf" || [ -s "$T/port" ]; }; do
    [ $i -lt 100 ] || { cat "$T/rsyslogd.log" >&2; fail "rsyslogd did not start"; }
    sleep 0.1; i=$((i + 1))
  done
}

# lines FILE...: total line count of the files that exist
lines() {
  n=0
  for f in "$@"; do [ -f "$f" ] && n=$((n + $(wc -l <"$f"))); done
  echo $n
}

# wait_lines COUNT FILE...: bounded poll (20 s) until the files hold COUNT lines
wait_lines() {
  want=$1; shift
  i=0
  while [ "$(lines "$@")" -lt "$want" ]; do
    [ $i -lt 200 ] || { cat "$T/rsyslogd.log" >&2; fail "only $(lines "$@") of $want messages arrived"; }
    sleep 0.1; i=$((i + 1))
  done
  sleep 0.3 # a message too many would show up now
  [ "$(lines "$@")" -eq "$want" ] || fail "$(lines "$@") messages arrived, $want sent"
}

# same EXPECTED ACTUAL
same() {
  cmp "$1" "$2" >/dev/null || { diff "$1" "$2" >&2 || true; fail "$2 differs from $1"; }
}

MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"

# shipped NAME: contrib/rsyslog/NAME, the configuration as shipped, made
# private to $T: files, socket and port under $T (imtcp on 127.0.0.1, its
# port in $T/port), helper and module from the build tree, the test rules;
# rsyslogd's own messages to $T/internal.log.  Written to stdout.
shipped() {
  sed -e "s|/var/log/remote/|$T/|g" -e "s|/var/log/|$T/|g" -e "s|/run/logmask/|$T/|g" \
      -e "s|/usr/local/bin/logmask-rsyslog|$HELPER --no-default-rules --rules $RULES|g" \
      -e "s|module(load=\"mmlogmask\")|module(load=\"$MODULE\")|" \
      -e "s|port=\"514\"|address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"$T/port\"|" \
      -e "s|action(type=\"mmlogmask\"|action(type=\"mmlogmask\" nodefaultrules=\"on\" rules=\"$RULES\"|" \
      "$top_srcdir/contrib/rsyslog/$1"
  printf 'global(workDirectory="%s" processInternalMessages="on")\naction(type="omfile" file="%s/internal.log")\n' "$T" "$T"
}

# send_tcp FILE: the file's lines, as they are, over one TCP connection to
# the imtcp input on $T/port (LF framing)
send_tcp() {
  bash -c 'cat "$1" >"/dev/tcp/127.0.0.1/$2"' send_tcp "$1" "$(cat "$T/port")"
}

# no_leak PATTERN FILE...: none of the files that exist holds PATTERN
no_leak() {
  pat=$1; shift
  for f in "$@"; do
    [ ! -f "$f" ] || ! grep -q -- "$pat" "$f" || { grep -- "$pat" "$f" >&2; fail "a secret reached $f"; }
  done
}
