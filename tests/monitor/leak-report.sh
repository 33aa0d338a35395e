#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Leak reports an operator can act on: a guarded secret wins attribution
# over a rule match wherever it stands ("secret":"DB_PASSWORD","rule":null,
# as logmask-monitor(8) promises; this relies on the library reporting
# the known literal where a rule covers the same bytes); a rule-only leak
# carries the rule and an id that `accept --leak ID` acknowledges, after
# which `status` exits 0; a guarded leak is not acknowledged that way.
. "$top_srcdir/tests/setup"
. "$top_srcdir/tests/monitor/lib.sh"
mkdir -p "$T/log"
: > "$T/log/app.log"
setup_sources <<EOF2
log $T/log/app.log
interval 1h
EOF2
expect_rc 0 mon init
SLACK='xoxb-781236542736-2364535789652-6PhCTwrwCmTTaRY5E5RgZ8qL'
{
  echo "db login password=$PW_VALUE user=app"
  echo "{\"level\":\"error\",\"password\":\"$PW_VALUE\",\"msg\":\"auth failed\"}"
  echo "env DB_PASSWORD=$PW_VALUE"
  echo "postgres://app:$PW_VALUE@db1:5432/app"
  echo "slack notifier token=$SLACK"
} >> "$T/log/app.log"
expect_rc 1 mon run --once
out="$T/out"
for line in 1 2 3 4; do
  grep "\"line\":$line," "$out" > "$T/line$line" || fail "no alert for line $line: $(cat "$out")"
  [ "$(wc -l < "$T/line$line")" = 1 ] || fail "line $line: one alert expected: $(cat "$T/line$line")"
  grep -q '"kind":"leaked","severity":"critical","secret":"DB_PASSWORD","source":"'"$T"'/app/.env".*"rule":null' "$T/line$line" \
    || fail "line $line: the guarded secret must win attribution over the rule: $(cat "$T/line$line")"
done
grep '"line":5,' "$out" > "$T/line5" || fail "no alert for the slack token: $(cat "$out")"
grep -q '"kind":"leaked","severity":"critical","secret":null,"source":null,"detail":"a secret matching rule [a-z0-9-]* appears in '"$T"'/log/app.log line 5".*"rule":"[a-z0-9-]*","id":"[0-9a-f]\{12\}"}$' "$T/line5" \
  || fail "rule-only leak: $(cat "$T/line5")"
! grep -qF "$PW_VALUE" "$out" "$STATE"/* || fail "a value in an output"
! grep -qF "$SLACK" "$out" "$STATE"/* || fail "the token in an output"

# Acknowledging: the rule-only leak by its id; the guarded ones not.
expect_rc 1 mon status
rule_id=$(sed 's/.*"id":"\([0-9a-f]*\)"}$/\1/' "$T/line5")
guarded_id=$(sed 's/.*"id":"\([0-9a-f]*\)"}$/\1/' "$T/line1")
expect_rc 2 mon accept --leak "$guarded_id" --reason 'false positive'
grep -q "leak $guarded_id is guarded secret DB_PASSWORD: rotate it, then 'accept DB_PASSWORD'" "$T/err" || fail "guarded leak acknowledged: $(cat "$T/err")"
expect_rc 2 mon accept --leak "$rule_id"
expect_rc 0 mon accept --leak "$rule_id" --reason 'test token of the staging workspace, revoked'
grep -q "acknowledged leak $rule_id" "$T/out" || fail "accept --leak output: $(cat "$T/out")"
grep -q '"op":"accept","secret":"[a-z0-9-]*","outcome":"leak-acknowledged","detail":"leak '"$rule_id"' (rule [a-z0-9-]*, '"$T"'/log/app.log line 5): test token of the staging workspace, revoked"' "$STATE/audit.log" \
  || fail "acknowledgement not audited: $(grep accept "$STATE/audit.log")"
expect_rc 1 mon status
! grep -q "$rule_id" "$T/out" || fail "acknowledged leak still open: $(cat "$T/out")"
# The guarded leaks close when the secret is rotated and accepted.
sed -i "s/^DB_PASSWORD=.*/DB_PASSWORD=\"Rotated8Value-Wq3Lx9Nz\"/" "$T/app/.env"
expect_rc 0 mon accept DB_PASSWORD --reason 'rotated after the leak'
expect_rc 0 mon status
expect_rc 0 mon verify-audit
