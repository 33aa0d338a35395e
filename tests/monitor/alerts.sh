#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# changed, missing, added and permissions alerts, each with exit 1 and the
# documented schema; a restored state is quiet again.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
export MON_TEST_ENV_TOKEN='Hq3Lw8Zt5Nv2Pb7Xk4Rd'
setup_sources <<EOF2
env MON_TEST_ENV_TOKEN
EOF2
expect_rc 0 mon init
cp "$T/app/.env" "$T/env.orig"

# changed
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Other9Value-Kq2Lz8Wm\"/" "$T/app/.env"
expect_rc 1 mon check
[ "$(wc -l < "$T/out")" = 1 ] || fail "expected one alert: $(cat "$T/out")"
grep -q '^{"time":"[0-9T:Z-]*","host":"[^"]*","kind":"changed","severity":"high","secret":"DB_PASSWORD","source":"'"$T"'/app/.env","detail":"[^"]*","id":"[0-9a-f]\{12\}"}$' "$T/out" \
  || fail "changed alert: $(cat "$T/out")"
! grep -q 'Other9Value' "$T/out" || fail "the alert shows the value"
cp "$T/env.orig" "$T/app/.env"
expect_rc 0 mon check

# missing (a variable, a secret file, an environment variable)
grep -v '^API_TOKEN' "$T/env.orig" > "$T/app/.env"
mv "$T/secrets/db_root" "$T/db_root.away"
expect_rc 1 env -u MON_TEST_ENV_TOKEN "$MONITOR" -c "$CONF" check
[ "$(count_kind missing)" = 3 ] || fail "expected 3 missing: $(cat "$T/out")"
grep -q '"kind":"missing","severity":"high","secret":"API_TOKEN"' "$T/out" || fail "API_TOKEN missing"
grep -q '"kind":"missing","severity":"high","secret":"db_root","source":"'"$T"'/secrets"' "$T/out" || fail "db_root missing"
grep -q '"kind":"missing","severity":"high","secret":"MON_TEST_ENV_TOKEN","source":"env"' "$T/out" || fail "env missing"
cp "$T/env.orig" "$T/app/.env"
mv "$T/db_root.away" "$T/secrets/db_root"

# the whole dotenv file gone
mv "$T/app/.env" "$T/env.away"
expect_rc 1 mon check
[ "$(count_kind missing)" = 3 ] || fail "dotenv gone: $(cat "$T/out")"
grep -q 'is gone (No such file or directory)' "$T/out" || fail "dotenv gone detail"
mv "$T/env.away" "$T/app/.env"

# added (to a dotenv file and to the secret directory)
echo 'NEW_SECRET=Jm5Qx8Vb2Lk9Wz4Rt7Yn' >> "$T/app/.env"
printf 'Pd3Nf8Ks2Vx7Lq4Zm9Bw' > "$T/secrets/new_file"
chmod 600 "$T/secrets/new_file"
expect_rc 1 mon check
[ "$(count_kind added)" = 2 ] || fail "expected 2 added: $(cat "$T/out")"
grep -q '"kind":"added","severity":"medium","secret":"NEW_SECRET"' "$T/out" || fail "NEW_SECRET added"
grep -q '"kind":"added","severity":"medium","secret":"new_file"' "$T/out" || fail "new_file added"
cp "$T/env.orig" "$T/app/.env"
rm "$T/secrets/new_file"
expect_rc 0 mon check

# permissions: group/other readable dotenv and secret file
chmod 644 "$T/app/.env"
chmod 640 "$T/secrets/db_root"
expect_rc 1 mon check
[ "$(count_kind permissions)" = 2 ] || fail "expected 2 permissions: $(cat "$T/out")"
grep -q '"kind":"permissions","severity":"high","secret":null,"source":"'"$T"'/app/.env","detail":"[^"]*mode 0644[^"]*readable by group or others' "$T/out" \
  || fail "dotenv permissions: $(cat "$T/out")"
grep -q '"kind":"permissions","severity":"high","secret":"db_root"' "$T/out" || fail "db_root permissions"
chmod 600 "$T/app/.env" "$T/secrets/db_root"

# ownership (only testable as root)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  chown nobody "$T/secrets/db_root"
  expect_rc 1 mon check
  grep -q '"kind":"permissions".*owned by uid' "$T/out" || fail "owner alert: $(cat "$T/out")"
  chown 0 "$T/secrets/db_root"
fi
expect_rc 0 mon check
assert_state_clean "$MON_TEST_ENV_TOKEN" Other9Value Jm5Qx8Vb2Lk9Wz4Rt7Yn Pd3Nf8Ks2Vx7Lq4Zm9Bw

# The key gone: a missing alert, not a crash.
mv "$STATE/key" "$T/key.away"
expect_rc 1 mon check
grep -q '"kind":"missing","severity":"high","secret":null,"source":"'"$STATE"'/key"' "$T/out" || fail "key missing: $(cat "$T/out")"
mv "$T/key.away" "$STATE/key"
