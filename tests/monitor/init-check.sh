#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# init creates the state (modes, key, baseline without secrets); an
# unchanged check exits 0 with no alert; fingerprints verify with openssl.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources </dev/null

expect_rc 0 mon init
[ "$(stat -c %a "$STATE")" = 700 ] || fail "state dir mode $(stat -c %a "$STATE")"
[ "$(stat -c %a "$STATE/key")" = 600 ] || fail "key mode"
[ "$(stat -c %a "$STATE/baseline")" = 600 ] || fail "baseline mode"
[ "$(wc -c < "$STATE/key")" = 65 ] || fail "key is not 64 hex digits and a newline"
[ "$(grep -c '"name"' "$STATE/baseline")" = 4 ] || fail "baseline does not hold 4 secrets"

expect_rc 0 mon check
[ ! -s "$T/out" ] || fail "unchanged check printed alerts: $(cat "$T/out")"

# The fingerprint is HMAC-SHA256 under the key, as openssl computes it.
need openssl
want=$(printf %s "$PW_VALUE" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(cat "$STATE/key")" | sed 's/.* //')
grep -q "\"name\":\"DB_PASSWORD\".*\"fingerprint\":\"$want\"" "$STATE/baseline" \
  || fail "DB_PASSWORD fingerprint is not HMAC-SHA256 of the value"
# The secret file's trailing newline is not part of the value.
want=$(printf %s "$FILE_VALUE" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(cat "$STATE/key")" | sed 's/.* //')
grep -q "\"name\":\"db_root\".*\"fingerprint\":\"$want\"" "$STATE/baseline" || fail "db_root fingerprint"
# No unkeyed hash either.
plain=$(printf %s "$PW_VALUE" | sha256sum | cut -d' ' -f1)
! grep -rq "$plain" "$STATE" || fail "an unkeyed hash is stored"

# A second init refuses to overwrite; --force starts over.
expect_rc 2 mon init
grep -q 'init --force' "$T/err" || fail "second init: $(cat "$T/err")"
expect_rc 0 mon init --force
grep -q '"op":"init".*"outcome":"ok"' "$STATE/audit.log" || fail "init not audited"
grep -q '"op":"check","secret":null,"outcome":"ok"' "$STATE/audit.log" || fail "check not audited"
assert_state_clean
