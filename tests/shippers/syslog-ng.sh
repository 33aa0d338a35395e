#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, syslog-ng with Debian's syslog-ng: messages sent with
# logger to a private unix-dgram source reach a program() destination that
# is `logmask --line-buffered`, masked, one line each; with the Python
# binding, a python() parser (contrib/syslog-ng/logmask_syslogng.py)
# masks MESSAGE inside syslog-ng for a file() destination.
# syslog-ng from $SYSLOG_NG_ROOT (tests/shippers/fetch-syslog-ng.sh, as CI
# does: it cannot be installed beside rsyslog), else the installed one.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need logger
root=${SYSLOG_NG_ROOT:-}
if [ -n "$root" ] && [ -x "$root/usr/sbin/syslog-ng" ]; then
  sng=$root/usr/sbin/syslog-ng
  export LD_LIBRARY_PATH="$root/usr/lib/syslog-ng${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  moddir=$(ls -d "$root"/usr/lib/syslog-ng/[0-9]* | head -n 1)
  set -- --module-path="$moddir"
elif command -v syslog-ng > /dev/null 2>&1 || [ -x /usr/sbin/syslog-ng ]; then
  sng=$(command -v syslog-ng || echo /usr/sbin/syslog-ng)
  moddir=$(ls -d /usr/lib/syslog-ng/[0-9]* 2> /dev/null | head -n 1)
  set --
else
  echo "SKIP: syslog-ng not found (tests/shippers/fetch-syslog-ng.sh DIR; SYSLOG_NG_ROOT=DIR/root)"
  exit 77
fi
version=$("$sng" --version | sed -n 's/^Config version: //p')
[ -n "$version" ] || fail "cannot run $sng: $("$sng" --version 2>&1 | head -n 3)"

# Starts syslog-ng on config $1 (more options after it) and waits for its
# socket (10 s at most).
run_sng() {
  conf=$1; shift
  "$sng" -F --no-caps -f "$conf" "$@" -R "$T/persist" -p "$T/pid" -c "$T/ctl" > "$T/sng.log" 2>&1 &
  sngpid=$!
  i=0
  while [ ! -S "$T/log.sock" ]; do
    i=$((i + 1)); [ "$i" -le 100 ] || { kill "$sngpid" 2> /dev/null || true; fail "syslog-ng did not start: $(cat "$T/sng.log")"; }
    sleep 0.1
  done
}
stop_sng() {
  kill "$sngpid" 2> /dev/null || true
  wait "$sngpid" 2> /dev/null || true
  rm -f "$T/log.sock"
}
send() {
  logger --socket "$T/log.sock" -t shop "login user=bob password=Hunter2Secret9 ok"
  logger --socket "$T/log.sock" -t shop "db postgres://shop:Wint3rIsC0ming@db.internal/shop"
  logger --socket "$T/log.sock" -t shop '{"event":"auth","api_key":"Q2hhbmdlTWVQbGVhc2U5xyz"}'
  logger --socket "$T/log.sock" -t shop "GET /health 200"
}
wait_lines() {
  i=0
  while [ "$(cat "$1" 2> /dev/null | wc -l)" -lt "$2" ]; do
    i=$((i + 1)); [ "$i" -le 200 ] || return 1
    sleep 0.1
  done
}
check_out() { # FILE LABEL
  for s in Hunter2Secret9 Wint3rIsC0ming Q2hhbmdlTWVQbGVhc2U5xyz; do
    grep -q "$s" "$1" && fail "$2: leaked $s: $(cat "$1")"
  done
  grep -q 'shop: GET /health 200$' "$1" || fail "$2: the clean message changed: $(cat "$1")"
  [ "$(wc -l < "$1")" -eq 4 ] || fail "$2: $(wc -l < "$1") lines, want 4"
}

# program() destination
cat > "$T/program.conf" <<CONF
@version: $version
options { flush-lines(0); keep-hostname(yes); };
source s_test { unix-dgram("$T/log.sock"); };
destination d_masked {
  program("'$LOGMASK' --line-buffered >> '$T/program.out'"
          template("\${PROGRAM}: \${MESSAGE}\n"));
};
log { source(s_test); destination(d_masked); };
CONF
run_sng "$T/program.conf" "$@"
send
wait_lines "$T/program.out" 4 || { stop_sng; fail "program(): $(cat "$T/program.out" 2>/dev/null | wc -l) of 4 lines ($(cat "$T/sng.log"))"; }
stop_sng
check_out "$T/program.out" "program()"

# python() parser, when syslog-ng's Python module and the binding are there
if [ -n "$moddir" ] && ls "$moddir"/libmod-python* > /dev/null 2>&1 &&
   /usr/bin/python3 -c 'import logmask; logmask.Masker' > /dev/null 2>&1; then
  cat > "$T/python.conf" <<CONF
@version: $version
options { flush-lines(0); keep-hostname(yes); };
source s_test { unix-dgram("$T/log.sock"); };
parser p_logmask { python(class("logmask_syslogng.MaskParser") options("fields" "MESSAGE")); };
destination d_file { file("$T/python.out" template("\${PROGRAM}: \${MESSAGE}\n")); };
log { source(s_test); parser(p_logmask); destination(d_file); };
CONF
  PYTHONPATH="$top_srcdir/contrib/syslog-ng${PYTHONPATH:+:$PYTHONPATH}" run_sng "$T/python.conf" "$@"
  send
  wait_lines "$T/python.out" 4 || { stop_sng; fail "python(): $(cat "$T/python.out" 2>/dev/null | wc -l) of 4 lines ($(cat "$T/sng.log"))"; }
  stop_sng
  check_out "$T/python.out" "python()"
  echo "syslog-ng: program() and python() ok"
else
  echo "syslog-ng: program() ok; python() parser not run (needs syslog-ng-mod-python and the logmask Python binding)"
fi
