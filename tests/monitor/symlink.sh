#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Watches follow deploys: when `current -> releases/N` is switched, the
# sources and logs under it are re-resolved (a changed secret is seen at
# once, later edits in the new release too, the new release's log is
# followed), and a watched directory that is replaced is watched anew.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
release() {
  mkdir -p "$T/releases/$1/log" "$T/secrets"
  {
    echo "DB_PASSWORD=\"$2\""
    echo "API_TOKEN=$TOKEN_VALUE"
  } > "$T/releases/$1/.env"
  chmod 600 "$T/releases/$1/.env"
  : > "$T/releases/$1/log/app.log"
}
release 1 "$PW_VALUE"
ln -s releases/1 "$T/current"
printf '%s\n' "$FILE_VALUE" > "$T/secrets/db_root"
chmod 600 "$T/secrets/db_root"
cat > "$CONF" <<EOF2
state-dir $STATE
dotenv $T/current/.env
secret-dir $T/secrets
log $T/current/log/app.log
interval 1h
EOF2
expect_rc 0 mon init
start_daemon
out="$T/daemon.out"
has() { grep -q "$1" "$out"; }

# The deploy: a new release with another password, switched atomically.
release 2 'Deploy2Value-Kz8Lq3Wn'
ln -s releases/2 "$T/current.new"
mv -T "$T/current.new" "$T/current"
wait_for 3 has '"kind":"changed","severity":"high","secret":"DB_PASSWORD","source":"'"$T"'/current/.env"'
# Edits in the new release are seen (the watch moved with the link).
sed -i "s/^API_TOKEN=.*/API_TOKEN=tok_Release2Zq8Lw3Nx/" "$T/releases/2/.env"
wait_for 3 has '"kind":"changed","severity":"high","secret":"API_TOKEN"'
# The new release's log is followed, from its first line.
echo "boot leaked tok_Release2Zq8Lw3Nx" >> "$T/releases/2/log/app.log"
wait_for 3 has '"kind":"leaked","severity":"critical","secret":"API_TOKEN".*"line":1,'

# The secret directory replaced by a new one.
mv "$T/secrets" "$T/secrets.old"
mkdir "$T/secrets"
printf 'Replaced3Value-Nq7Zx2' > "$T/secrets/db_root"
chmod 600 "$T/secrets/db_root"
wait_for 3 has '"kind":"changed","severity":"high","secret":"db_root"'
# ...and watched: a later change there is seen too.
printf 'Replaced4Value-Lw9Kq5' > "$T/secrets/db_root"
changed_twice() { [ "$(grep -c '"kind":"changed","severity":"high","secret":"db_root"' "$out")" -ge 2 ]; }
wait_for 3 changed_twice
stop_daemon
assert_state_clean Deploy2Value-Kz8Lq3Wn tok_Release2Zq8Lw3Nx Replaced3Value-Nq7Zx2 Replaced4Value-Lw9Kq5
