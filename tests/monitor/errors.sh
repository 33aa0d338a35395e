#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Errors in the configuration, the sources at init, and usage name the
# file and line, exit 2 and change nothing.  (Sources and state going bad
# after init are alerts: failclosed.sh, tamper.sh.)
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
setup_sources </dev/null

# Config errors: nothing is created.
cp "$CONF" "$T/good.conf"
printf 'frobnicate yes\n' >> "$CONF"
expect_rc 2 mon init
grep -qx "logmask-monitor: $CONF:4: unknown directive 'frobnicate'" "$T/err" || fail "config error: $(cat "$T/err")"
[ ! -e "$STATE" ] || fail "a failed init created the state directory"
cp "$T/good.conf" "$CONF"
printf 'alert syslog facility=nosuch\n' >> "$CONF"
expect_rc 2 mon init
grep -q "$CONF:4: unknown syslog facility 'nosuch'" "$T/err" || fail "facility error"
cp "$T/good.conf" "$CONF"
printf 'log relative.log\n' >> "$CONF"
expect_rc 2 mon init
grep -q "$CONF:4: 'log' needs an absolute path" "$T/err" || fail "log path error"
cp "$T/good.conf" "$CONF"
printf 'dotenv "%s/unterminated\n' "$T" >> "$CONF"
expect_rc 2 mon init
grep -q "$CONF:4: unterminated quote" "$T/err" || fail "quote error"
cp "$T/good.conf" "$CONF"

# init with a source that is missing, misspelled, unreadable or does not
# parse whole: exit 2, the source named, nothing created.
cp "$T/good.conf" "$CONF"
printf 'dotenv %s/app/.env.prodution\n' "$T" >> "$CONF"
expect_rc 2 mon init
grep -q "$CONF:4: dotenv $T/app/.env.prodution: No such file or directory" "$T/err" || fail "misspelled source: $(cat "$T/err")"
[ ! -e "$STATE" ] || fail "a failed init created the state directory"
cp "$T/good.conf" "$CONF"
printf 'env NO_SUCH_VARIABLE_HERE\nsecret-file %s/secrets/nope\n' "$T" >> "$CONF"
expect_rc 2 mon init
grep -q "$CONF:4: env NO_SUCH_VARIABLE_HERE" "$T/err" || fail "missing env: $(cat "$T/err")"
grep -q "$CONF:5: file $T/secrets/nope" "$T/err" || fail "missing secret file: $(cat "$T/err")"
cp "$T/good.conf" "$CONF"
cp "$T/app/.env" "$T/env.good"
printf 'BROKEN = "no end\n' >> "$T/app/.env"
expect_rc 2 mon init
grep -q "$T/app/.env:5: unterminated double-quoted value of BROKEN" "$T/err" || fail "init dotenv error: $(cat "$T/err")"
printf 'DB_PASSWORD=again-Zx8Lq2Nw5Kt\n' > "$T/app/.env.extra"
cp "$T/env.good" "$T/app/.env"
printf 'DB_PASSWORD=again-Zx8Lq2Nw5Kt\n' >> "$T/app/.env"
expect_rc 2 mon init
grep -q "$T/app/.env:5: DB_PASSWORD is assigned again (first on line 2)" "$T/err" || fail "init duplicate: $(cat "$T/err")"
! grep -q 'again-Zx8' "$T/err" || fail "a value in a message"
[ ! -e "$STATE" ] || fail "a failed init created the state directory"
cp "$T/env.good" "$T/app/.env"

expect_rc 0 mon init
# accept without names, with both, without a reason, unknown names: exit 2.
expect_rc 2 mon accept --reason x
expect_rc 2 mon accept --all DB_PASSWORD --reason x
expect_rc 2 mon accept DB_PASSWORD
expect_rc 2 mon accept NO_SUCH --reason x
grep -q "no secret named 'NO_SUCH'" "$T/err" || fail "unknown name: $(cat "$T/err")"
expect_rc 2 mon accept --leak 0123456789ab --reason x
grep -q "no open leak alert with id 0123456789ab" "$T/err" || fail "unknown leak: $(cat "$T/err")"
expect_rc 2 mon accept --weak DB_PASSWORD --reason x
grep -q "DB_PASSWORD ($T/app/.env) is not weak" "$T/err" || fail "not weak: $(cat "$T/err")"

# Usage errors.
expect_rc 2 mon
expect_rc 2 mon frob
expect_rc 2 mon check extra-arg
expect_rc 2 "$MONITOR" -c "$T/nonexistent.conf" check
grep -q "$T/nonexistent.conf: cannot read" "$T/err" || fail "missing config message"
