#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# 10,000 secrets in 10 files, the same names in every file: init guards
# them all, a check reports exactly the one changed, the one removed and
# the one added, and accept settles them.  (The cost per secret is
# measured by bench/monitor-scale.sh, not here.)
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/app"
awk -v dir="$T/app" 'BEGIN {
  srand(7); a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
  for (f = 0; f < 10; f++)
    for (i = 0; i < 1000; i++) {
      v = ""; for (k = 0; k < 24; k++) v = v substr(a, int(rand() * 62) + 1, 1)
      printf "TOKEN_%d=%s\n", i, v > (dir "/" f ".env")
    }
}'
chmod 600 "$T"/app/*.env
{
  echo "state-dir $STATE"
  i=0; while [ $i -lt 10 ]; do echo "dotenv $T/app/$i.env"; i=$((i + 1)); done
} > "$CONF"
expect_rc 0 mon init
grep -q 'guarding 10000 secrets from 10 sources' "$T/err" || fail "init: $(cat "$T/err")"
expect_rc 0 mon check
sed -i 's/^TOKEN_500=.*/TOKEN_500=Changed1Value-Zq8Lw3Nx5Kp/' "$T/app/7.env"
sed -i '/^TOKEN_999=/d' "$T/app/9.env"
echo 'TOKEN_1000=Added2Value-Wn4Lq9Zx7Rt' >> "$T/app/0.env"
expect_rc 1 mon check
[ "$(wc -l < "$T/out")" = 3 ] || fail "expected 3 alerts: $(head -c 2000 "$T/out")"
grep -q '"kind":"changed","severity":"high","secret":"TOKEN_500","source":"'"$T"'/app/7.env"' "$T/out" || fail "changed"
grep -q '"kind":"missing","severity":"high","secret":"TOKEN_999","source":"'"$T"'/app/9.env"' "$T/out" || fail "missing"
grep -q '"kind":"added","severity":"medium","secret":"TOKEN_1000","source":"'"$T"'/app/0.env"' "$T/out" || fail "added"
expect_rc 0 mon accept --all --reason 'scale test'
[ "$(grep -c '^accepted ' "$T/out")" = 3 ] || fail "accept: $(cat "$T/out")"
expect_rc 0 mon check
expect_rc 0 mon verify-audit
