#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The key can live apart from the state: key-file anywhere (init creates
# it there; the state directory then holds no key), or a systemd
# credential (key-credential NAME under $CREDENTIALS_DIRECTORY, which init
# never writes).  Whoever can write the state but not read the key cannot
# forge it.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/keys"
chmod 700 "$T/keys"
setup_sources <<EOF2
key-file $T/keys/monitor.key
EOF2
expect_rc 0 mon init
[ -f "$T/keys/monitor.key" ] || fail "init did not create the key-file"
[ "$(stat -c %a "$T/keys/monitor.key")" = 600 ] || fail "key-file mode"
[ ! -e "$STATE/key" ] || fail "a key in the state directory"
expect_rc 0 mon check
expect_rc 0 mon verify-audit

# Someone who can write the state but not read the key: a forged baseline
# (here: the entries of a baseline made under a key they own) is seen.
mkdir -p "$T/attacker"
sed "s|^state-dir .*|state-dir $T/attacker/state|; s|^key-file .*|key-file $T/attacker/key|" "$CONF" > "$T/attacker.conf"
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Attacker1Value-Zq9Lw3Nx\"/" "$T/app/.env"
expect_rc 0 "$MONITOR" -c "$T/attacker.conf" init
cp "$T/attacker/state/baseline" "$STATE/baseline"
expect_rc 1 mon check
grep -q '"kind":"tampered".*sealed under another key' "$T/out" || fail "forged baseline: $(cat "$T/out")"
! grep -q '"kind":"changed"' "$T/out" || fail "compared with the forged baseline"

# A systemd credential: named, never created by init, read from
# $CREDENTIALS_DIRECTORY.
rm -rf "$STATE"
sed -i "s|^key-file .*|key-credential monitor-key|" "$CONF"
expect_rc 2 mon init
grep -q 'CREDENTIALS_DIRECTORY is not set (run under systemd with LoadCredential=monitor-key:PATH)' "$T/err" || fail "no credentials dir: $(cat "$T/err")"
mkdir -p "$T/creds"
expect_rc 2 env CREDENTIALS_DIRECTORY="$T/creds" "$MONITOR" -c "$CONF" init
grep -q "$T/creds/monitor-key: the credential holds no key" "$T/err" || fail "no credential: $(cat "$T/err")"
[ ! -e "$T/creds/monitor-key" ] || fail "init wrote into the credentials directory"
[ ! -e "$STATE" ] || fail "a failed init created the state"
openssl rand -hex 32 > "$T/creds/monitor-key" 2>/dev/null || od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$T/creds/monitor-key"
chmod 400 "$T/creds/monitor-key"
expect_rc 0 env CREDENTIALS_DIRECTORY="$T/creds" "$MONITOR" -c "$CONF" init
expect_rc 0 env CREDENTIALS_DIRECTORY="$T/creds" "$MONITOR" -c "$CONF" check
expect_rc 0 env CREDENTIALS_DIRECTORY="$T/creds" "$MONITOR" -c "$CONF" verify-audit
[ ! -e "$STATE/key" ] || fail "a key in the state directory"
assert_state_clean Attacker1Value-Zq9Lw3Nx
