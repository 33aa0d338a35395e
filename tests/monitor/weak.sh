#!/bin/sh
# Every weak case: too short for its class, placeholder, low entropy,
# reuse across two secrets and two environment files, too short to be
# leak-detected.
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
! grep -q '"secret":"GOOD_TOKEN"' "$T/out" || fail "GOOD_TOKEN is not weak"
! grep -q '"secret":"REUSED_ONE"' "$T/out" || fail "only the second copy is reported"
[ "$(count_kind weak)" = 6 ] || fail "expected 6 weak: $(cat "$T/out")"

# The thresholds are configurable.
echo 'min-length password 8' >> "$CONF"
expect_rc 1 mon check
! grep -q '"secret":"SHORT_PASSWORD"' "$T/out" || fail "min-length password 8 ignored"
for v in 'Ab3$x9kLm' Wq8Lz2Nx5Vb7Kp3Rt9Ym4Jd6Hs1Fg0 changeme-please Tz6Pq1Wn8Kx3Lb5Vm9Rc Hn4Kz9Qw2Lp7Vx5Bt8Mr; do
  ! grep -rqF -- "$v" "$STATE" "$T/out" || fail "value $v stored or printed"
done
