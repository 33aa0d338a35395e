#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Lines over --max-line (issue 11, class 8).  With --max-line 256 the
# filter reads long lines in windows of 256 bytes overlapping by 64 (a
# quarter, see filters/main.c), so window cuts fall every 192 bytes.  Each
# input below holds 701 lines that slide one secret across the cuts byte
# by byte (padding of 0..700 bytes before it): a key ending just before a
# cut, a value cut in two, a value longer than the overlap, a JSON or
# logfmt record, JSON behind a prefix (with blanks around its colons) or
# in a string (a value holding an escaped quote), RFC 5424 structured
# data, and a PEM body line inside an open block.  The secret must never
# come out, every line must (one line out per line in), and -j 2 must give
# the same bytes.  `--mask drop` drops every line over the limit.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"

SECRET=Zq8vLm2RtW4xQ
# One input per kind; p is the padding before the secret.
gen() {
  awk -v kind="$1" -v secret="$SECRET" '
    function pad(n, c,   s) { s = sprintf("%*s", n, ""); gsub(/ /, c, s); return s }
    BEGIN {
      # longer than the 64-byte overlap, and as random as a real value
      # (a run of one letter would fail the entropy floor of the rules)
      long = "Xk9mQ2zLpW7vR4tNc8bY3hJ6fD1gS5aE0uI2oP4lK7jH9gF3dS6aZ1xC5vB8nM2qW4eR7tY0uI3oP6aS9dF2gH5jK8l" secret
      for (p = 0; p <= 700; p++) {
        a = pad(p, "a")
        if (kind == "text") print a " password=" secret " tail"
        else if (kind == "text-long-value") print a " password=" long " tail"
        else if (kind == "url") print "GET /" a "?user=bob&password=" secret "&next=/ HTTP/1.1"
        else if (kind == "json-rule") printf "{\"msg\":\"%s\",\"PGPASSWORD\":\"%s\",\"n\":1}\n", a, secret
        else if (kind == "json-rule-long-value") printf "{\"msg\":\"%s\",\"PGPASSWORD\":\"%s\",\"n\":1}\n", a, long
        else if (kind == "json-key") printf "{\"msg\":\"%s\",\"session\":\"%s\",\"n\":1}\n", a, secret
        else if (kind == "json-key-long-value") printf "{\"msg\":\"%s\",\"session\":\"%s\",\"n\":1}\n", a, long
        else if (kind == "logfmt") printf "level=info msg=\"%s\" password=%s user=bob\n", a, secret
        else if (kind == "logfmt-key") printf "level=info msg=\"%s\" session=%s user=bob\n", a, secret
        else if (kind == "logfmt-key-long-value") printf "level=info msg=\"%s\" session=%s user=bob\n", a, long
        else if (kind == "docker-json") printf "{\"log\":\"{\\\"msg\\\":\\\"%s\\\",\\\"session\\\":\\\"%s\\\"}\\n\",\"stream\":\"stdout\"}\n", a, secret
        else if (kind == "docker-json-quote") printf "{\"log\":\"{\\\"msg\\\":\\\"%s\\\",\\\"session\\\":\\\"pw\\\\\\\"%s\\\"}\\n\",\"stream\":\"stdout\"}\n", a, secret
        else if (kind == "cri-json") printf "2024-05-01T10:00:00.000000000Z stdout F {\"msg\":\"%s\",\"session\":\"%s\"}\n", a, secret
        else if (kind == "cri-json-spaced") printf "2024-05-01T10:00:00.000000000Z stdout F {\"msg\":\"%s\",\"session\" : \"%s\"}\n", a, secret
        else if (kind == "syslog-sd") printf "<165>1 2024-05-01T10:00:00Z web01 app 42 ID47 [m@32473 msg=\"%s\" session=\"%s\"] x\n", a, secret
        else if (kind == "pem-body") {
          print "-----BEGIN RSA PRIVATE KEY-----"
          print "MIIE" pad(p, "Q") secret pad(p, "w") "AB"
          print "-----END RSA PRIVATE KEY-----"
        }
      }
    }'
}

for kind in text text-long-value url json-rule json-rule-long-value json-key \
    json-key-long-value logfmt logfmt-key logfmt-key-long-value docker-json docker-json-quote \
    cri-json cri-json-spaced syslog-sd pem-body; do
  gen "$kind" > "$T/$kind.in"
  status=0
  "$LOGMASK" --max-line 256 "$T/$kind.in" > "$T/$kind.out" || status=$?
  [ "$status" -eq 0 ] || fail "$kind: exit $status"
  [ "$(wc -l < "$T/$kind.in")" -eq "$(wc -l < "$T/$kind.out")" ] ||
    fail "$kind: $(wc -l < "$T/$kind.in") lines in, $(wc -l < "$T/$kind.out") out"
  leaked=$(grep -c "$SECRET" "$T/$kind.out" || true)
  first=$(awk -v s="$SECRET" 'index($0, s) { print NR; exit }' "$T/$kind.out")
  [ "$leaked" -eq 0 ] && status=0 || status=1
  expect "longline/$kind" "$status" \
    "the secret came out on $leaked of $(wc -l < "$T/$kind.in") lines (first: line ${first:-none})"
  "$LOGMASK" -j 2 --max-line 256 "$T/$kind.in" | cmp -s - "$T/$kind.out" ||
    fail "$kind: -j 2 differs from -j 1"
done

# --mask drop: every line over the limit is dropped, secret or not; the
# short lines stay; the drops are counted under line-too-long.
{
  echo "short one"
  gen text | sed -n '400p'                  # 400 bytes, a secret
  echo "short two password=$SECRET"
  gen text | sed -n '500p' | tr -d '=' # 500 bytes, no secret
  echo "short three"
} > "$T/drop.in"
"$LOGMASK" --max-line 256 --mask drop --stats=json "$T/drop.in" > "$T/drop.out" 2> "$T/drop.stats" ||
  fail "--mask drop: exit $?"
printf 'short one\nshort three\n' | cmp -s - "$T/drop.out" ||
  { cat "$T/drop.out" >&2; fail "--mask drop: not exactly the short clean lines"; }
tr -d ' \n' < "$T/drop.stats" | grep -q '"id":"line-too-long","lines_tested":[0-9]*,"matches":2' ||
  { cat "$T/drop.stats" >&2; fail "--mask drop: two long lines not counted under line-too-long"; }
# A limit under the library's minimum (LM_MAX_LINE_MIN, 64) is a usage
# error at option parsing (exit 2, naming the option), not an input error.
status=0
echo x | "$LOGMASK" --max-line 63 > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] && grep -q -- '--max-line' "$T/err" && status=0 || status=1
expect longline/max-line-minimum "$status" "--max-line 63: $(cat "$T/err")"
echo "long lines: ok"
