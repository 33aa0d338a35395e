#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped unit passes `systemd-analyze verify` and keeps an exposure
# level of 2.5 or better under `systemd-analyze security`; it keeps
# MemoryDenyWriteExecute=yes, under which the daemon runs the regex
# interpreter, finds leaks all the same and says that JIT is off.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
need systemd-analyze
UNIT="$top_srcdir/contrib/systemd/logmask-monitor.service.in"
mkdir -p "$T/unit"
# verify checks that ExecStart names an executable (the built program) and
# that User= exists (root stands in for the packages' system user here).
sed -e "s|^ExecStart=@bindir@/logmask-monitor|ExecStart=$MONITOR|" \
    -e "s|^User=.*|User=root|" -e "s|^Group=.*|Group=root|" "$UNIT" > "$T/unit/logmask-monitor.service"
systemd-analyze verify --man=no "$T/unit/logmask-monitor.service" > "$T/verify" 2>&1 ||
  fail "systemd-analyze verify: $(cat "$T/verify")"
[ ! -s "$T/verify" ] || fail "systemd-analyze verify warns: $(cat "$T/verify")"
systemd-analyze security --offline=yes "$T/unit/logmask-monitor.service" > "$T/security" 2>&1 ||
  fail "systemd-analyze security: $(tail -n 5 "$T/security")"
score=$(sed -n 's/.*Overall exposure level for logmask-monitor.service: \([0-9.]*\).*/\1/p' "$T/security")
[ -n "$score" ] || fail "no exposure level: $(tail -n 3 "$T/security")"
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "exposure level $score, above 2.5: $(grep '✗' "$T/security")"
echo "systemd-analyze security: exposure level $score"
grep -qx 'MemoryDenyWriteExecute=yes' "$UNIT" || fail "the unit dropped MemoryDenyWriteExecute=yes"
grep -qx 'Type=notify' "$UNIT" || fail "the unit is not Type=notify"

# The daemon under the same W^X policy.
WITH_MDWE="$top_builddir/tests/monitor/with_mdwe"
[ -x "$WITH_MDWE" ] || fail "$WITH_MDWE not built"
mkdir -p "$T/log"
echo "db password is $PW_VALUE" > "$T/log/app.log"
setup_sources <<EOF2
log $T/log/app.log
EOF2
expect_rc 0 mon init
set +e
"$WITH_MDWE" "$MONITOR" -c "$CONF" run --once > "$T/out" 2> "$T/err"
rc=$?
set -e
if [ "$rc" = 77 ]; then
  echo "SKIP (part): $(cat "$T/err")"
  exit 0
fi
[ "$rc" = 1 ] || fail "run --once under W^X exited $rc: $(cat "$T/err")"
grep -q '"kind":"leaked","severity":"critical","secret":"DB_PASSWORD"' "$T/out" || fail "no leak found under W^X: $(cat "$T/out")"
grep -q 'PCRE2 JIT unavailable' "$T/err" || fail "JIT off not said on stderr: $(cat "$T/err")"
grep -q '"op":"run","secret":null,"outcome":"started","detail":"--once; PCRE2 JIT unavailable' "$STATE/audit.log" || fail "JIT off not in the audit trail"
"$MONITOR" -c "$CONF" run --once > /dev/null 2>&1 || true
grep -q '"outcome":"started","detail":"--once; PCRE2 JIT available' "$STATE/audit.log" || fail "JIT on not in the audit trail"
