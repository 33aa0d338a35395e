#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Lines of repeats (issue 11, class 6): one line of about 1 MB holding
# tens of thousands of secrets, or of a key prefix, is masked correctly
# (every secret, one line out, JSON kept valid) within a memory bound.
# Speed is bench/repeats.sh's job; nothing here looks at a clock.  The
# peak RSS (GNU time's %M) must stay under 128 MB for a 1 MB line: a step
# that keeps a copy of the line per secret (8,000 x password=X once took
# 3 GB) cannot.  Under ASan (its shadow memory and quarantine) the bound
# is not checked.  A periodic secret (12 KB of a 12-byte unit) followed
# by its unit over and over matches the line at every 12th byte, more than
# the repeats' budget compares: the rest is masked by its first bytes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"

rss_bound_kb=131072
check_rss=1
[ -x /usr/bin/time ] || { echo "no GNU time (/usr/bin/time): memory not checked"; check_rss=0; }
if ldd "$top_builddir/filters/.libs/logmask" "$LOGMASK" 2>/dev/null | grep -q 'libasan'; then
  echo "built with ASan: memory not checked"
  check_rss=0
fi

# gen KIND BYTES: one line of about BYTES bytes
gen() {
  awk -v kind="$1" -v bytes="$2" 'BEGIN {
    a = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    srand(5)
    while (n < bytes) {
      i++
      if (kind == "same") u = "password=Xk9mQ2zLpW "
      else if (kind == "random") {
        r = "Xr"
        for (k = 0; k < 12; k++) r = r substr(a, int(rand() * length(a)) + 1, 1)
        u = "password=" r " "
      }
      else if (kind == "shared-prefix") u = "password=Xk9mQ2zL" i " "
      else if (kind == "keys") u = "password="
      else if (kind == "json") u = (i == 1 ? "[" : ",") "{\"password\":\"Xk9mQ2zL" i "x\",\"session\":\"Ul7s" i "EwMz\"}"
      else if (kind == "literal") u = "LitSecret-4711-Zq8v "
      else if (kind == "openers") u = "-----BEGIN RSA PRIVATE KEY-----"
      else if (kind == "json-decoys") u = "{\"session\":\"Ul7s" i "Ew\"} {\""
      else if (kind == "periodic") {
        u = "Xk9mQ2zLpWr7"
        if (i == 1) {
          for (k = 0; k < 1000; k++) u = u "Xk9mQ2zLpWr7"
          u = "password=" u " "
        }
      }
      printf "%s", u
      n += length(u)
    }
    if (kind == "json") printf "]"
    printf "\n"
  }'
}

printf 'LitSecret-4711-Zq8v\n' > "$T/literals"
# run KIND BYTES LEAK-REGEX: masks the line; the output must be one line
# without a match of LEAK-REGEX
run() {
  gen "$1" "$2" > "$T/$1.in"
  status=0
  if [ "$check_rss" -eq 1 ]; then
    /usr/bin/time -f %M -o "$T/rss" "$LOGMASK" --literals "$T/literals" "$T/$1.in" \
      > "$T/$1.out" || status=$?
  else
    "$LOGMASK" --literals "$T/literals" "$T/$1.in" > "$T/$1.out" || status=$?
  fi
  [ "$status" -eq 0 ] || fail "$1: exit $status"
  [ "$(wc -l < "$T/$1.out")" -eq 1 ] || fail "$1: $(wc -l < "$T/$1.out") lines out of 1"
  leaks=$(grep -o -E "$3" "$T/$1.out" | wc -l)
  [ "$leaks" -eq 0 ] || fail "$1: $leaks secrets left, e.g. $(grep -o -E "$3" "$T/$1.out" | head -1)"
  if [ "$check_rss" -eq 1 ]; then
    rss=$(cat "$T/rss")
    [ "$rss" -le "$rss_bound_kb" ] || fail "$1: peak RSS $rss KB for a $2-byte line"
    echo "$1: $(wc -c < "$T/$1.in") bytes, peak RSS $rss KB"
  fi
}

run same 1000000 'Xk9mQ2zLpW'
run random 1000000 'Xr[A-Za-z0-9]{12}'
run keys 1000000 'password=[^[]'
run literal 1000000 'LitSecret'
run openers 1000000 'BEGIN'
run shared-prefix 1000000 'Xk9mQ2zL[0-9]'
run json 1000000 'Xk9mQ2zL|Ul7s'
run periodic 1000000 'Xk9mQ2zLpWr7'
# JSON values, each followed by a decoy '{"': every one a record of its own
run json-decoys 1000000 'Ul7s[0-9]+Ew'
# the JSON line stays JSON
if command -v python3 > /dev/null; then
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/json.out" ||
    fail "json: output is not valid JSON"
fi
echo "repeats: ok"
