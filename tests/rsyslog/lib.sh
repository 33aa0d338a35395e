# Shared by the rsyslog end-to-end tests (sourced after tests/setup): a
# private rsyslogd in $T, started with its own config and pid file and
# stopped by that pid on exit.  Installs nothing, touches nothing outside $T.
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
[ -x "$RSYSLOGD" ] || { echo "SKIP: rsyslogd not installed"; exit 77; }
need logger
HELPER="$top_builddir/contrib/rsyslog/logmask-rsyslog"
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
