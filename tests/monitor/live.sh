#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The running daemon keeps authenticated live state: `accept` takes effect
# without SIGHUP (inotify on the baseline), an edited or rolled-back
# baseline is a tampered alert at once while the last verified one stays
# the reference, chmod/chown of the key or a state file is a permissions
# alert, and exec hooks start with a clean signal mask.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
cat > "$T/hook.sh" <<EOF2
#!/bin/sh
grep -E '^Sig(Blk|Ign):' /proc/self/status > "$T/hook.signals"
cat > /dev/null
EOF2
chmod +x "$T/hook.sh"
setup_sources <<EOF2
interval 1h
alert stdout
alert exec rate=100/1h dedup=0 $T/hook.sh
EOF2
expect_rc 0 mon init
start_daemon
out="$T/daemon.out"
has() { grep -q "$1" "$out"; }

# A change, then accept while the daemon runs: no SIGHUP needed.
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Rotated5Value-Lq8Zw2Nx\"/" "$T/app/.env"
wait_for 3 has '"kind":"changed","severity":"high","secret":"DB_PASSWORD"'
wait_for 3 test -s "$T/hook.signals"
grep -qx 'SigBlk:[[:space:]]*0*' "$T/hook.signals" || fail "hook inherited blocked signals: $(cat "$T/hook.signals")"
# Ignored: none of the standard signals (glibc keeps 32 and 33 for itself).
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/hook.signals")
[ $((0x$ign & 0x7fffffff)) = 0 ] || fail "hook inherited ignored signals: $(cat "$T/hook.signals")"
expect_rc 0 mon accept DB_PASSWORD --reason 'planned rotation'
wait_for 3 grep -q '"op":"reload","secret":null,"outcome":"ok","detail":"baseline reloaded"' "$STATE/audit.log"
# The next check (any source event) compares with the accepted value.
: > "$out"
touch "$T/app/.env"
wait_for 3 grep -q '"op":"check","secret":null,"outcome":"ok"' "$STATE/audit.log"
status_ok() { "$MONITOR" -c "$CONF" status > /dev/null; }
wait_for 3 status_ok
! has '"kind":"changed"' || fail "accepted change alerted again: $(cat "$out")"

# The baseline edited while the daemon runs: tampered at once, and the
# daemon keeps comparing with the baseline it verified last.
cp "$STATE/baseline" "$T/baseline.good"
sed -i '2s/"reason":"[^"]*"/"reason":"forged"/' "$STATE/baseline"
wait_for 3 has '"kind":"tampered","severity":"critical","secret":null,"source":"'"$STATE"'/baseline"'
sed -i "s/^API_TOKEN=.*/API_TOKEN=tok_Changed4Hq7Lp2Ws9/" "$T/app/.env"
wait_for 3 has '"kind":"changed","severity":"high","secret":"API_TOKEN"'
expect_rc 1 mon status
# Put right: the alert is not repeated by the next check.
cat "$T/baseline.good" > "$STATE/baseline"
sed -i "s/^API_TOKEN=.*/API_TOKEN=$TOKEN_VALUE # issued 2024/" "$T/app/.env"
wait_for 3 grep -q '"op":"check","secret":null,"outcome":"ok"' "$STATE/audit.log"
: > "$out"
touch "$T/app/.env"
sleep 1
! has '"kind":"tampered"' || fail "the restored baseline still alerts: $(cat "$out")"

# A rollback: an older genuine baseline put back.
cp "$STATE/baseline" "$T/baseline.gen-old"
printf 'NEW_KEY=Nq4Lw8Zt2Vb6Xk9Rp3Ms\n' >> "$T/app/.env"
expect_rc 0 mon accept NEW_KEY --reason 'new integration'
wait_for 3 grep -q '"outcome":"added"' "$STATE/audit.log"
sleep 0.5
cp "$T/baseline.gen-old" "$STATE/baseline"
wait_for 3 has '"kind":"tampered".*an older baseline was put back (a rollback)'

# chmod of the key and of a state file while the daemon runs.
: > "$out"
chmod 640 "$STATE/key"
wait_for 3 has '"kind":"permissions","severity":"high","secret":null,"source":"'"$STATE"'/key"'
chmod 600 "$STATE/key"
chmod 644 "$STATE/baseline"
wait_for 3 has '"kind":"permissions".*state file '"$STATE"'/baseline has mode 0644'
chmod 600 "$STATE/baseline"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  chown nobody "$STATE/key"
  wait_for 3 has '"kind":"permissions".*key is owned by uid'
  chown 0 "$STATE/key"
fi
stop_daemon
expect_rc 0 mon verify-audit
assert_state_clean Rotated5Value-Lq8Zw2Nx Nq4Lw8Zt2Vb6Xk9Rp3Ms
