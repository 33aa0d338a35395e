#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Several inputs in one run (issue 11, class 10).  The real case is a pair
# rotated by copytruncate: app.log.1 ends in the middle of a line and
# app.log goes on with the rest of it.  Each input is masked on its own
# (its own line ends, its own block state), so two halves joined in the
# output would be a secret no rule ever saw whole.
#
# What this test expects: every input's last line is ended.  When an
# input other than the last ends without a newline, the filter writes one
# before the next input's first byte, so `login password=` (a.log) and
# `Zq8vLm2RtW4x user=bob` (b.log) come out as two lines and the output
# never holds `password=Zq8vLm2RtW4x`.  (The very last input's last line is
# written as it ends, as for one input; that case is golden/no-final-newline.)
# The same holds with -j 2 and with gzip inputs.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"

SECRET=Zq8vLm2RtW4x
printf 'line1\nlogin password=' > "$T/a.log"
printf '%s user=bob\nline3\n' "$SECRET" > "$T/b.log"
printf 'line1\nlogin password=\n%s user=bob\nline3\n' "$SECRET" > "$T/want"

check() { # ID, then the logmask arguments
  id=$1
  shift
  status=0
  "$LOGMASK" "$@" > "$T/out" 2> "$T/err" || status=$?
  [ "$status" -eq 0 ] || { cat "$T/err" >&2; fail "$id: exit $status"; }
  why=
  if grep -q "password=$SECRET" "$T/out"; then
    why="the two halves came out joined as password=$SECRET"
  elif ! cmp -s "$T/want" "$T/out"; then
    why="output is not the inputs with a.log's last line ended: $(od -c "$T/out" | head -3)"
  fi
  [ -z "$why" ] && status=0 || status=1
  expect "several-inputs/$id" "$status" "$why"
}

check files "$T/a.log" "$T/b.log"
check files-j2 -j 2 "$T/a.log" "$T/b.log"
check stdin-then-file - "$T/b.log" < "$T/a.log"
gzip -c "$T/a.log" > "$T/a.log.gz"
check gzip-then-file "$T/a.log.gz" "$T/b.log"

# A PEM opener ending a.log and key lines starting b.log: b.log is an input
# of its own (block state is reset), but the opener must not end up joined
# to a body line either.
printf 'start\n-----BEGIN RSA PRIVATE KEY-----' > "$T/p1.log"
printf 'MIIEowIBAAKCAQEAzQ7kP3xv9Lw2bT1c8fYqJ0Rk5nH3Zp6sVu4Wm2Xe7Ga9BcD1\nend\n' > "$T/p2.log"
"$LOGMASK" "$T/p1.log" "$T/p2.log" > "$T/out" || fail "pem: exit $?"
[ "$(wc -l < "$T/out")" -eq 4 ] && status=0 || status=1
expect several-inputs/pem "$status" "$(wc -l < "$T/out") lines out for 4: $(head -c 120 "$T/out")"

# Inputs that end their lines are simply one after the other, as with cat.
printf 'a password=%s\n' "$SECRET" > "$T/c.log"
printf 'b\n' > "$T/d.log"
"$LOGMASK" "$T/c.log" "$T/d.log" "$T/c.log" > "$T/out" || fail "ended inputs: exit $?"
printf 'a password=[REDACTED:password-assignment]\nb\na password=[REDACTED:password-assignment]\n' |
  cmp -s - "$T/out" || { cat "$T/out" >&2; fail "ended inputs: not one after the other"; }
echo "several inputs: ok"
