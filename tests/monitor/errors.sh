#!/bin/sh
# Errors in the config, the baseline or a dotenv file name the file and
# line, exit 2 and change nothing.
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

expect_rc 0 mon init
snapshot() { (cd "$STATE" && for f in *; do printf '%s %s\n' "$f" "$(sha256sum < "$f")"; done) ; }
snapshot > "$T/before"

# Corrupted baseline line 3.
cp "$STATE/baseline" "$T/baseline.good"
sed -i '3s/"fingerprint":"/"fingerprint":"zz/' "$STATE/baseline"
snapshot > "$T/before"
expect_rc 2 mon check
grep -qx "logmask-monitor: $STATE/baseline:3: missing or bad field \"fingerprint\"" "$T/err" || fail "baseline error: $(cat "$T/err")"
snapshot > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a failed check changed the state"
sed -i '2s/.*/{"name": broken/' "$STATE/baseline"
expect_rc 2 mon check
grep -q "$STATE/baseline:2: not a JSON object" "$T/err" || fail "baseline JSON error: $(cat "$T/err")"
expect_rc 2 mon status
grep -q "$STATE/baseline:2:" "$T/err" || fail "status baseline error"
expect_rc 2 mon accept --all --reason x
cp "$T/baseline.good" "$STATE/baseline"
snapshot > "$T/before"

# A dotenv syntax error in a guarded file.
cp "$T/app/.env" "$T/env.good"
printf 'BROKEN="no end\n' >> "$T/app/.env"
expect_rc 2 mon check
grep -qx "logmask-monitor: $T/app/.env:5: unterminated double-quoted value of BROKEN" "$T/err" || fail "dotenv error: $(cat "$T/err")"
snapshot > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a failed check changed the state"
cp "$T/env.good" "$T/app/.env"

# A key readable by others is refused.
chmod 644 "$STATE/key"
expect_rc 2 mon check
grep -q 'accessible by group or others' "$T/err" || fail "key mode error"
chmod 600 "$STATE/key"
expect_rc 0 mon check

# Usage errors.
expect_rc 2 mon
expect_rc 2 mon frob
expect_rc 2 mon check extra-arg
expect_rc 2 "$MONITOR" -c "$T/nonexistent.conf" check
grep -q "$T/nonexistent.conf: cannot read" "$T/err" || fail "missing config message"
