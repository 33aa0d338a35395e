#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The exec sink gets the alert JSON on stdin, a minimal environment, and
# honours its rate limit and de-duplication window; file sink gets all.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log" "$T/pages"
: > "$T/log/app.log"
cat > "$T/page.sh" <<EOF2
#!/bin/sh
f=\$(mktemp "$T/pages/page.XXXXXX")
cat > "\$f"
env > "\$f.env"
EOF2
chmod +x "$T/page.sh"
export MON_TEST_TOKEN='Ws4Kq9Lx2Vz7Nb5Rp8Tm'
setup_sources <<EOF2
env MON_TEST_TOKEN
log $T/log/app.log
alert file $T/alerts.jsonl
alert exec rate=2/1h dedup=1h $T/page.sh --flag
alert syslog facility=local3 tag=lm-test
interval 1h
EOF2
expect_rc 0 mon init
start_daemon
for i in 1 2 3; do echo "leak $i $PW_VALUE" >> "$T/log/app.log"; done
echo "leak 4 $TOKEN_VALUE" >> "$T/log/app.log"
echo "leak 5 $KEY_VALUE" >> "$T/log/app.log"
echo "leak 6 $MON_TEST_TOKEN" >> "$T/log/app.log"
six_leaks() { [ "$(count_kind leaked "$T/alerts.jsonl")" = 6 ]; }
wait_for 3 six_leaks
sleep 0.5
stop_daemon
pages=$(ls "$T/pages" | grep -vc '\.env$' || true)
# 3 distinct secrets after de-dup (DB_PASSWORD once), rate limit 2.
[ "$pages" = 2 ] || fail "expected 2 pages, got $pages"
for f in "$T"/pages/page.??????; do
  grep -q '^{"time":.*"kind":"leaked".*}$' "$f" || fail "page is not the alert JSON: $(cat "$f")"
  grep -q '^LOGMASK_ALERT_KIND=leaked$' "$f.env" || fail "page env"
  ! grep -q MON_TEST_TOKEN "$f.env" || fail "the exec sink inherited a guarded variable"
done
! grep -rqF "$MON_TEST_TOKEN" "$T/pages" || fail "a page holds a value"
[ "$(grep -c '"op":"alert-suppressed"' "$STATE/audit.log")" = 1 ] || fail "suppression not audited once"
