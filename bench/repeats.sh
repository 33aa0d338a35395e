#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/repeats.sh - hostile lines of repeats (issue 11, class 6): one line
# of about 1 MB holding thousands of secrets, or of key prefixes a rule or
# the block machine starts on, must cost time and memory linear in the
# line.  Goal: >= 50 MB/s for every input on these machines.
#
# Usage: bench/repeats.sh [--kb N] [--lines L] [--runs R] [INPUT-NAME...]
# Run from the build dir (or set LOGMASK).  For each input (L lines, default
# 8, of about N KB each, default 1000, written to a temp dir): logmask's
# best-of-R CPU seconds (user+sys, less its start-up on an empty input),
# its MB per CPU-second, its peak RSS, and the speed of
# `sed s/password=[^ ]*/password=X/g` and of the same in perl on the same
# input, with logmask's speed as a fraction of sed's.  A line that stays below the
# goal is marked SLOW: a quadratic step shows as a speed that falls when
# the lines grow (compare --kb 250 with --kb 1000; lines over 1 MiB
# go the long-line windows instead).  Not a test: times depend on
# the machine.  Needs awk, sed, perl and GNU time.
set -eu
export LC_ALL=C

kb=1000
lines=8
runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --kb) kb=${2:?}; shift ;;
    --runs) runs=${2:?}; shift ;;
    --lines) lines=${2:?}; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "repeats.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
case $kb in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]) ;; *) echo "repeats.sh: --kb: 1 to 9999" >&2; exit 2 ;; esac
case $runs in [1-9]) ;; *) echo "repeats.sh: --runs: 1 to 9" >&2; exit 2 ;; esac
case $lines in [1-9]|[1-9][0-9]) ;; *) echo "repeats.sh: --lines: 1 to 99" >&2; exit 2 ;; esac
LOGMASK=${LOGMASK:-./filters/logmask}
[ -x "$LOGMASK" ] || { echo "repeats.sh: $LOGMASK not built (run from the build dir or set LOGMASK)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "repeats.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/logmask-repeats.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

all="same-secret distinct-shared-prefix distinct-random same-literal password-keys
json-same json-distinct json-array-pairs akia-prefix ghp-prefix jwt-prefix
pem-openers url-userinfo-prefix bearer-prefix percent-encoded json-decoys"
names=${*:-$all}

# $lines lines of about $kb KB: the unit of the input, repeated.
gen() {
  awk -v kind="$1" -v bytes="$((kb * 1000))" -v lines="$lines" 'BEGIN {
    srand(7)
    a = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    for (l = 0; l < lines; l++) line()
  }
  function line(   n, u, r, k) {
    n = 0
    i = 0
    while (n < bytes) {
      i++
      if (kind == "same-secret") u = "password=Xk9mQ2zLpW "
      else if (kind == "distinct-shared-prefix") u = "password=Xk9mQ2zL" i " "
      else if (kind == "distinct-random") {
        r = ""
        for (k = 0; k < 12; k++) r = r substr(a, int(rand() * length(a)) + 1, 1)
        u = "password=" r " "
      }
      else if (kind == "same-literal") u = "retry with LitSecret-4711-Zq8v "
      else if (kind == "password-keys") u = "password="
      else if (kind == "json-same") u = "{\"password\":\"Xk9mQ2zLpW\"} "
      else if (kind == "json-distinct") u = "{\"session\":\"Xk9mQ2zL" i "\"} "
      else if (kind == "json-array-pairs") u = (i == 1 ? "{\"a\":[" : ",") "{\"name\":\"PGPASSWORD\",\"value\":\"Xk9mQ2zL" i "\"}"
      else if (kind == "akia-prefix") u = "AKIA "
      else if (kind == "ghp-prefix") u = "ghp_ "
      else if (kind == "jwt-prefix") u = "eyJhbGciOi."
      else if (kind == "pem-openers") u = "-----BEGIN RSA PRIVATE KEY-----"
      else if (kind == "url-userinfo-prefix") u = "https://user:"
      else if (kind == "bearer-prefix") u = "Authorization: Bearer "
      else if (kind == "percent-encoded") u = "password%3DXk9mQ2zL" i "%26 "
      else if (kind == "json-decoys") u = "{\"session\":\"Xk9mQ2zL" i "\"} {\""
      else { print "unknown input " kind > "/dev/stderr"; exit 2 }
      printf "%s", u
      n += length(u)
    }
    if (kind == "json-array-pairs") printf "]}"
    printf "\n"
  }'
}

# best-of-$runs "CPU-seconds peak-KB" of a command reading $1
measure() {
  input=$1
  shift
  best=
  for r in $(seq 1 "$runs"); do
    /usr/bin/time -f '%U %S %M' -o "$T/time" "$@" < "$input" > /dev/null 2>> "$T/err" || true
    read -r u s k < "$T/time"
    t=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$t
      peak=$k
    fi
  done
  echo "$best $peak"
}

printf 'LitSecret-4711-Zq8v\n' > "$T/literals"
: > "$T/empty"
read -r start startrss <<EOF
$(measure "$T/empty" "$LOGMASK" --literals "$T/literals")
EOF
printf '%-24s %6s %9s %8s %7s %9s %9s %7s\n' input MB logmask-s MB/s RSS-MB sed-MB/s perl-MB/s vs-sed
slow=0
for name in $names; do
  gen "$name" > "$T/in" || exit 2
  size=$(wc -c < "$T/in")
  set -- "$LOGMASK" --literals "$T/literals"
  read -r secs rss <<EOF
$(measure "$T/in" "$@")
EOF
  read -r ssecs srss <<EOF
$(measure "$T/in" sed 's/password=[^ ]*/password=X/g')
EOF
  read -r psecs prss <<EOF
$(measure "$T/in" perl -pe 's/password=\S*/password=X/g')
EOF
  secs=$(awk -v t="$secs" -v s="$start" 'BEGIN { printf "%.3f", t - s }')
  line=$(awk -v n="$name" -v b="$size" -v t="$secs" -v k="$rss" -v st="$ssecs" -v pt="$psecs" 'BEGIN {
    # a run under the clock tick counts as one tick
    if (t < 0.01) t = 0.01; if (st < 0.01) st = 0.01; if (pt < 0.01) pt = 0.01
    mbs = b / 1e6 / t; smbs = b / 1e6 / st; pmbs = b / 1e6 / pt
    printf "%-24s %6.2f %9.2f %8.1f %7.1f %9.1f %9.1f %7.2f%s\n", n, b / 1e6, t, mbs, k / 1024, \
      smbs, pmbs, mbs / smbs, mbs < 50 ? "  SLOW" : ""
  }')
  echo "$line"
  case $line in *SLOW) slow=$((slow + 1)) ;; esac
done
echo "goal: >= 50 MB/s on every input; $slow below it (CPU seconds, best of $runs, less" \
  "logmask's start-up of $start s)"
