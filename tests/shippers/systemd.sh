#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, systemd: the units `make install` installs
# (logmask@.service, logmask-monitor.service) name the configured bindir,
# pass systemd's own checker (systemd-analyze verify) without a warning,
# and logmask@.service's command line, expanded the way systemd expands
# it from /etc/logmask/run/NAME.env, runs a program whose stdout and stderr
# come out masked, each on its own stream, with the program's exit status.
# The logrotate snippet passes `logrotate --debug`.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
units=$top_builddir/contrib/systemd
[ -f "$units/logmask@.service" ] || fail "$units/logmask@.service not built"
for u in "$units/logmask@.service" "$units/logmask-monitor.service"; do
  grep -n '@[a-z_]*@' "$u" && fail "$u: a placeholder was not substituted"
done
bindir=$(sed -n 's|^ExecStart=\(/.*\)/logmask run .*|\1|p' "$units/logmask@.service")
[ -n "$bindir" ] || fail "logmask@.service: no ExecStart=BINDIR/logmask run"
grep -q "^ExecStart=$bindir/logmask-monitor " "$units/logmask-monitor.service" ||
  fail "logmask-monitor.service does not run $bindir/logmask-monitor"

# systemd's checker, with the programs of this build tree in place of bindir
mkdir -p "$T/units"
for u in logmask@.service logmask-monitor.service; do
  sed -e "s|$bindir/logmask-monitor|$top_builddir/monitor/logmask-monitor|" \
      -e "s|$bindir/logmask |$LOGMASK |" "$units/$u" > "$T/units/$u"
done
if command -v systemd-analyze > /dev/null 2>&1; then
  systemd-analyze verify --man=no "$T/units/logmask@demo.service" \
    "$T/units/logmask-monitor.service" > "$T/verify" 2>&1 || fail "systemd-analyze verify: $(cat "$T/verify")"
  [ ! -s "$T/verify" ] || fail "systemd-analyze verify: $(cat "$T/verify")"
else
  echo "systemd: systemd-analyze not installed: units not verified"
fi

if command -v logrotate > /dev/null 2>&1 || [ -x /usr/sbin/logrotate ]; then
  lr=$(command -v logrotate || echo /usr/sbin/logrotate)
  "$lr" --debug --state "$T/logrotate.state" "$top_srcdir/contrib/logrotate/logmask-monitor" \
    > "$T/logrotate" 2>&1 || fail "logrotate --debug: $(cat "$T/logrotate")"
  grep -qi 'error' "$T/logrotate" && fail "logrotate --debug: $(cat "$T/logrotate")"
fi

# The unit's command line as systemd runs it: $VAR unquoted is split at
# blanks (systemd.service(5), "Command lines").
"$LOGMASK" run -- /bin/true < /dev/null > /dev/null 2>&1 || {
  echo "systemd: units ok; logmask run not built, the template's command was not run"
  exit 0
}
cat > "$T/app.sh" <<'APP'
echo "out: login user=bob password=Hunter2Secret9"
echo "err: db postgres://shop:Wint3rIsC0ming@db.internal/shop" >&2
echo "out: clean line"
exit 3
APP
cat > "$T/demo.env" <<ENV
LOGMASK_RUN_COMMAND=/bin/sh $T/app.sh
LOGMASK_RUN_OPTIONS=--mask redact
ENV
exec_line=$(sed -n 's/^ExecStart=//p' "$T/units/logmask@.service")
opts=$(sed -n 's/^LOGMASK_RUN_OPTIONS=//p' "$T/demo.env")
cmd=$(sed -n 's/^LOGMASK_RUN_COMMAND=//p' "$T/demo.env")
set -f
# shellcheck disable=SC2086
set -- $(echo "$exec_line" | sed -e "s|\$LOGMASK_RUN_OPTIONS|$opts|" -e "s|\$LOGMASK_RUN_COMMAND|$cmd|")
set +f
status=0
"$@" > "$T/stdout" 2> "$T/stderr" || status=$?
[ "$status" -eq 3 ] || fail "logmask@.service command exited $status, want the program's 3 ($(cat "$T/stderr"))"
printf 'out: login user=bob password=[REDACTED:password-assignment]\nout: clean line\n' > "$T/want.out"
cmp -s "$T/stdout" "$T/want.out" || fail "stdout: $(cat "$T/stdout")"
grep -q 'Wint3rIsC0ming' "$T/stderr" && fail "stderr leaked: $(cat "$T/stderr")"
grep -q '^err: db postgres://shop:' "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
echo "systemd: ok"
