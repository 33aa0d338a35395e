#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Authenticated state: the baseline, the status file and the saved log
# positions carry a MAC over the whole file.  Any edit (a forged by or
# reason, a deleted entry that would turn `changed` into `added`, a cut,
# a missing MAC line, a copy sealed under another key) is a critical
# `tampered` alert, `status` says failing, and accept refuses to build on
# it.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources </dev/null
expect_rc 0 mon init
cp "$STATE/baseline" "$T/baseline.good"
tampered() {
  expect_rc 1 mon check
  grep -q '^{"time":"[^"]*","host":"[^"]*","kind":"tampered","severity":"critical","secret":null,"source":"'"$STATE"'/baseline","detail":"[^"]*'"$1" "$T/out" \
    || fail "$2: $(cat "$T/out")"
  # No comparison against a forged baseline: nothing else about secrets.
  ! grep -q '"kind":"\(changed\|added\|missing\)"' "$T/out" || fail "$2: compared with a forged baseline"
  expect_rc 1 mon status
  grep -q '^FAILING: .*baseline' "$T/out" || fail "$2: status: $(cat "$T/out")"
  expect_rc 2 mon accept --all --reason 'paper over'
  grep -q 'nothing is accepted into a baseline that does not verify' "$T/err" || fail "$2: accept: $(cat "$T/err")"
  cp "$T/baseline.good" "$STATE/baseline"
}

# A forged `by` and `reason`.
sed -i '2s/"by":"[^"]*"/"by":"alice"/; 2s/"reason":"init"/"reason":"approved rotation"/' "$STATE/baseline"
tampered "the baseline's MAC does not verify" "forged by/reason"

# A deleted entry (after a change this would read as `added`).
sed -i '/"name":"DB_PASSWORD"/d' "$STATE/baseline"
tampered "the baseline's MAC does not verify" "deleted entry"

# The MAC line removed (an unauthenticated baseline) or text appended.
sed -i '$d' "$STATE/baseline"
tampered "the baseline is not sealed" "unsealed"
echo '{"name":"EXTRA","source":"x","kind":"dotenv","length":"6-11","fingerprint":"0000000000000000000000000000000000000000000000000000000000000000"}' >> "$STATE/baseline"
tampered "the baseline is not sealed" "appended entry"

# A baseline sealed under another key (a second monitor's).
mkdir -p "$T/other"
sed "s|^state-dir .*|state-dir $T/other/state|" "$CONF" > "$T/other.conf"
expect_rc 0 "$MONITOR" -c "$T/other.conf" init
cp "$T/other/state/baseline" "$STATE/baseline"
tampered "sealed under another key" "another key"

# The status file: open alerts cannot be dropped by editing it.
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Other9Value-Kq2Lz8Wm\"/" "$T/app/.env"
expect_rc 1 mon check
expect_rc 1 mon status
sed -i 's/"result": "alerts"/"result": "ok"/' "$STATE/status.json"
expect_rc 1 mon status
grep -q '^FAILING: .*status.json: the status file does not match its MAC' "$T/out" || fail "status edit: $(cat "$T/out")"
expect_rc 1 mon check
grep -q '"kind":"tampered","severity":"critical","secret":null,"source":"'"$STATE"'/status.json"' "$T/out" || fail "check on an edited status: $(cat "$T/out")"
expect_rc 1 mon status
grep -q '^FAILING: *the last check' "$T/out" || fail "the check that found it says failing: $(cat "$T/out")"
expect_rc 1 mon check
! grep -q '"kind":"tampered"' "$T/out" || fail "the status was rewritten by the check: $(cat "$T/out")"
expect_rc 1 mon status
! grep -q FAILING "$T/out" || fail "status after a clean check: $(cat "$T/out")"

# Every record of these checks is in the chained audit trail.
expect_rc 0 mon verify-audit
assert_state_clean Other9Value-Kq2Lz8Wm
