#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every weak case: too short for its class, placeholder, low entropy,
# reuse across two secrets and two environment files, too short to be
# leak-detected; a provider token (the library's rules know its documented
# format) is not weak for its name's class; weak values acknowledged with
# a reason stay quiet for their current value only.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/app"
cat > "$T/app/.env" <<'EOF2'
SHORT_PASSWORD=Ab3$x9kLm
SHORT_SECRET_KEY=Wq8Lz2Nx5Vb7Kp3Rt9Ym4Jd6Hs1Fg0
DEFAULT_TOKEN=changeme-please
FLAT_SECRET=aaaaaaaaaaaaaaaaaaaaaaab
REUSED_ONE=Tz6Pq1Wn8Kx3Lb5Vm9Rc
TINY=x9Q2
GOOD_TOKEN=Hn4Kz9Qw2Lp7Vx5Bt8Mr
GOOGLE_CLIENT_SECRET=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
CUT_CLIENT_SECRET=GOCSPX-Kq7Lw2Nz9Xv4
EOF2
cat > "$T/app/.env.production" <<'EOF2'
REUSED_TWO=Tz6Pq1Wn8Kx3Lb5Vm9Rc
EOF2
chmod 600 "$T/app/.env" "$T/app/.env.production"
cat > "$CONF" <<EOF2
state-dir $STATE
dotenv $T/app/.env
dotenv $T/app/.env.production
EOF2
expect_rc 0 mon init
expect_rc 1 mon check
w() { grep "\"kind\":\"weak\",\"severity\":\"medium\",\"secret\":\"$1\"" "$T/out" | grep -q "$2" \
        || fail "$1: expected weak with '$2' in: $(grep "\"$1\"" "$T/out")"; }
w SHORT_PASSWORD 'shorter than 12 bytes, the minimum for a password'
w SHORT_SECRET_KEY 'shorter than 50 bytes, the minimum for a key'
w DEFAULT_TOKEN 'a known default or placeholder value'
w FLAT_SECRET 'low entropy'
w REUSED_TWO "the same value as REUSED_ONE in $T/app/.env"
w TINY 'cannot be leak-detected in logs'
w CUT_CLIENT_SECRET 'shorter than 50 bytes, the minimum for a key'
! grep -q '"secret":"GOOD_TOKEN"' "$T/out" || fail "GOOD_TOKEN is not weak"
# 35 bytes, GOCSPX- and 28 more: Google's documented client secret.
! grep -q '"secret":"GOOGLE_CLIENT_SECRET"' "$T/out" || fail "a Google client secret called weak for its name"
! grep -q '"secret":"REUSED_ONE"' "$T/out" || fail "only the second copy is reported"
[ "$(count_kind weak)" = 7 ] || fail "expected 7 weak: $(cat "$T/out")"

# Acknowledged with a reason: quiet for the value it has now.
expect_rc 2 mon accept --weak SHORT_PASSWORD
expect_rc 0 mon accept --weak SHORT_PASSWORD REUSED_TWO --reason 'legacy appliance, replaced in Q3'
grep -q '^acknowledged weak SHORT_PASSWORD' "$T/out" || fail "accept --weak: $(cat "$T/out")"
expect_rc 1 mon check
! grep -q '"secret":"\(SHORT_PASSWORD\|REUSED_TWO\)"' "$T/out" || fail "acknowledged weakness reported: $(cat "$T/out")"
[ "$(count_kind weak)" = 5 ] || fail "expected 5 weak: $(cat "$T/out")"
grep -q '"op":"accept","secret":"SHORT_PASSWORD","outcome":"weak-acknowledged","detail":"legacy appliance, replaced in Q3"' "$STATE/audit.log" || fail "not audited"
expect_rc 1 mon status
grep -q 'SHORT_PASSWORD .*weak, kept: legacy appliance, replaced in Q3' "$T/out" || fail "status: $(cat "$T/out")"
# A new value (still weak) brings the alert back once accepted as a change.
sed -i 's/^SHORT_PASSWORD=.*/SHORT_PASSWORD=Zq7$w2kLp/' "$T/app/.env"
expect_rc 0 mon accept SHORT_PASSWORD --reason 'new appliance password'
expect_rc 1 mon check
grep -q '"secret":"SHORT_PASSWORD"' "$T/out" || fail "the acknowledgement outlived its value"
# Everything acknowledged: status exits 0.
expect_rc 0 mon accept --weak SHORT_PASSWORD SHORT_SECRET_KEY DEFAULT_TOKEN FLAT_SECRET TINY CUT_CLIENT_SECRET --reason 'test fixture'
expect_rc 0 mon check
expect_rc 0 mon status

# The thresholds are configurable.
mon init --force 2>/dev/null
echo 'min-length password 8' >> "$CONF"
expect_rc 1 mon check
! grep -q '"secret":"SHORT_PASSWORD"' "$T/out" || fail "min-length password 8 ignored"
for v in 'Ab3$x9kLm' Wq8Lz2Nx5Vb7Kp3Rt9Ym4Jd6Hs1Fg0 changeme-please Tz6Pq1Wn8Kx3Lb5Vm9Rc Hn4Kz9Qw2Lp7Vx5Bt8Mr; do
  ! grep -rqF -- "$v" "$STATE" "$T/out" || fail "value $v stored or printed"
done
