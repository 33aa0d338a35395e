#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# accept records who and why and updates the baseline; status in text and
# JSON; an unknown name changes nothing.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources </dev/null
expect_rc 0 mon init
expect_rc 0 mon status
grep -q '^guarded:     4 secrets$' "$T/out" || fail "status text: $(cat "$T/out")"
grep -q '^open alerts: 0$' "$T/out" || fail "status open alerts"

sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Rotated7Value-Lm3Qz9Xw\"/" "$T/app/.env"
expect_rc 1 mon check
expect_rc 1 mon status --json
grep -q '"kind": "changed"' "$T/out" || fail "status --json open alerts: $(cat "$T/out")"
grep -q '"result": "alerts"' "$T/out" || fail "status --json result"
! grep -q fingerprint "$T/out" || fail "status shows fingerprints"

cp "$STATE/baseline" "$T/baseline.before"
expect_rc 2 mon accept DB_PASSWORD
grep -q 'needs --reason' "$T/err" || fail "accept without reason: $(cat "$T/err")"
expect_rc 2 mon accept NO_SUCH_SECRET --reason test
grep -q "no secret named 'NO_SUCH_SECRET'" "$T/err" || fail "unknown name: $(cat "$T/err")"
cmp -s "$STATE/baseline" "$T/baseline.before" || fail "a refused accept changed the baseline"

expect_rc 0 mon accept DB_PASSWORD --reason "quarterly rotation INC-42"
grep -q "^accepted DB_PASSWORD ($T/app/.env): rotated$" "$T/out" || fail "accept output: $(cat "$T/out")"
grep -q '"user":"[^"]*","op":"accept","secret":"DB_PASSWORD","outcome":"rotated","detail":"quarterly rotation INC-42"' "$STATE/audit.log" \
  || fail "accept not audited"
grep -q '"name":"DB_PASSWORD".*"reason":"quarterly rotation INC-42"' "$STATE/baseline" || fail "baseline reason"
expect_rc 0 mon status
grep -q '^open alerts: 0$' "$T/out" || fail "accepted alert still open: $(cat "$T/out")"
expect_rc 0 mon check

# --all: a removal and an addition at once; SOURCE:NAME selection.
grep -v '^API_TOKEN' "$T/app/.env" > "$T/e" && cat "$T/e" > "$T/app/.env"
echo 'NEW_TOKEN=Km8Wq3Zx7Lp2Nv5Rb9Ty' >> "$T/app/.env"
expect_rc 1 mon check
expect_rc 0 mon accept "$T/app/.env:NEW_TOKEN" --reason "new integration"
grep -q 'accepted NEW_TOKEN.*added' "$T/out" || fail "SOURCE:NAME accept"
expect_rc 0 mon accept --all --reason "token retired"
grep -q 'accepted API_TOKEN.*removed' "$T/out" || fail "--all removal: $(cat "$T/out")"
expect_rc 0 mon check
[ "$(grep -c '"name"' "$STATE/baseline")" = 4 ] || fail "baseline entries after accept"
assert_state_clean Rotated7Value-Lm3Qz9Xw Km8Wq3Zx7Lp2Nv5Rb9Ty
