#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The native module mmlogmask inside Debian's rsyslogd: loaded by absolute
# path from the build tree, imuxsock in, omfile out.  Secrets masked, clean
# messages byte-identical (RFC 3164 leading space kept), count preserved,
# known literals and another mask style on a second action, per-rule
# counters reported by impstats, and a bad rule path refused at load.
# Skipped (77) when the module was not built (--with-rsyslog-source).
. "$top_srcdir/tests/setup"
MODULE="${MMLOGMASK_SO:-$top_builddir/contrib/rsyslog/.libs/mmlogmask.so}"
[ -f "$MODULE" ] || { echo "SKIP: mmlogmask not built (configure --with-rsyslog-source)"; exit 77; }
. "$top_srcdir/tests/rsyslog/lib.sh"

printf 'Zq7-literal-secret\n' >"$T/literals"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T")
module(load="imuxsock" SysSock.Use="off")
module(load="impstats" interval="1" format="json" log.syslog="off" log.file="$T/stats.log")
module(load="$MODULE")
template(name="plain" type="string" string="%msg%\n")
action(type="omfile" file="$T/internal.log")

ruleset(name="ux") {
  action(type="mmlogmask" nodefaultrules="on" rules="$top_srcdir/tests/rsyslog/test.rules"
         statsname="mmlogmask-ux")
  action(type="omfile" file="$T/ux.log" template="plain")
}
ruleset(name="st") {
  action(type="mmlogmask" nodefaultrules="on" rules=["$top_srcdir/tests/rsyslog/test.rules"]
         literals="$T/literals" mask="stars" statsname="mmlogmask-st")
  action(type="omfile" file="$T/st.log" template="plain")
}
input(type="imuxsock" Socket="$T/log.sock" CreatePath="on" RateLimit.Interval="0" ruleset="ux")
input(type="imuxsock" Socket="$T/st.sock" CreatePath="on" RateLimit.Interval="0" ruleset="st")
CONF
rsyslog_start

cat >"$T/ux.in" <<'IN'
clean line one
login ok password=hunter2x user=bob
  two leading spaces and "quotes" and \backslashes\
password=first password=second
utf-8 héllo wörld, clean
last clean line
IN
logger -u "$T/log.sock" -t mm -f "$T/ux.in"
wait_lines 6 "$T/ux.log"
{
  printf ' clean line one\n'
  printf ' login ok password=%s user=bob\n' "$R"
  printf '   two leading spaces and "quotes" and \\backslashes\\\n'
  printf ' password=%s password=%s\n' "$R" "$R"
  printf ' utf-8 h\303\251llo w\303\266rld, clean\n'
  printf ' last clean line\n'
} >"$T/ux.exp"
same "$T/ux.exp" "$T/ux.log"

printf 'x Zq7-literal-secret y password=abcdef\nclean\n' >"$T/st.in"
logger -u "$T/st.sock" -t mm -f "$T/st.in"
wait_lines 2 "$T/st.log"
printf ' x ****************** y password=******\n clean\n' >"$T/st.exp"
same "$T/st.exp" "$T/st.log"
! grep -q 'hunter2x\|first\|second\|Zq7-literal\|abcdef' "$T/ux.log" "$T/st.log" || fail "a secret leaked"

# impstats: the per-action totals and the per-rule counter (bounded wait)
i=0
until grep -q '"name": *"mmlogmask-st".*"literals": *1' "$T/stats.log" 2>/dev/null &&
    grep -q '"name": *"mmlogmask-ux".*"processed": *6' "$T/stats.log"; do
  [ $i -lt 50 ] || { cat "$T/stats.log" >&2 || true; fail "impstats did not report mmlogmask counters"; }
  sleep 0.1; i=$((i + 1))
done
line=$(grep '"name": *"mmlogmask-ux"' "$T/stats.log" | tail -n 1)
for want in '"processed": *6' '"masked": *2' '"secrets": *3' '"withheld": *0' \
    '"rule.rsyslog-test-password": *3'; do
  printf '%s\n' "$line" | grep -q "$want" || fail "stats line lacks $want: $line"
done
rsyslog_stop
for f in "$T/stats.log" "$T/internal.log" "$T/rsyslogd.log"; do
  [ ! -f "$f" ] || ! grep -q 'hunter2x\|Zq7-literal' "$f" || fail "a secret reached $f"
done

# A rule path that does not exist refuses the action, naming the module.
sed "s|rules=\"$top_srcdir/tests/rsyslog/test.rules\"|rules=\"$T/missing.rules\"|" \
  "$T/rsyslog.conf" >"$T/bad.conf"
if "$RSYSLOGD" -N1 -f "$T/bad.conf" >"$T/bad.log" 2>&1; then
  fail "rsyslogd -N1 accepted a missing rule file"
fi
grep -q "mmlogmask: rules \"$T/missing.rules\"" "$T/bad.log" || { cat "$T/bad.log" >&2; fail "no mmlogmask error for the missing rule file"; }
exit 0
