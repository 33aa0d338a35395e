#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logmask scan on source code, with the built-in rules: values that are code
# (identifiers, attribute paths, calls, $X, ${X}, {{ x }}, %(x)s, <X>, empty
# and placeholder strings) are not findings; real secrets still are; allow
# markers of four tools, in any comment syntax, make findings "allowed":
# counted in the summary, listed by --stats and in SARIF as suppressed
# in source, never reported as new.  In a log (--input log, or *.log) the
# markers mean nothing: a log writer could forge them.
#
# Needs the engine's code input (issue 11: LM_INPUT_CODE, LM_FIND_ALLOWED).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
SCAN="$LOGMASK scan --color=never"
cd "$T"

# The ten first-run findings of a Django team (issue 12), and their kin.
mkdir code && cat > code/views.py <<'EOF'
from django.contrib.auth import authenticate
def login(request, username, password):
    user = authenticate(request, username=username, password=password)
    self._password = raw_password
    send_mail(subject, body, auth_password=settings.EMAIL_HOST_PASSWORD)
    response = client.get_secret_value(SecretId=secret_name)
    client = SecretClient(vault_url=url, credential=credential)
    password = os.environ["DB_PASSWORD"]
    token = get_token(request.user)
    api_key = config.api_key
    password = ""
    password = "<PASSWORD>"
    secret_key = "%(secret)s" % values
EOF
cat > code/deploy.sh <<'EOF'
PGPASSWORD=$OLD_PASSWORD pg_dump app > dump.sql
mysql --user=root --password="${MYSQL_ROOT_PASSWORD}" app
EOF
cat > code/values.yaml <<'EOF'
database:
  password: "{{ db_password }}"
  token: {{ .Values.token }}
EOF
status=0
$SCAN code > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 0 ] || fail "code context: exit $status, findings:
$(cat "$T/out")"
grep -q '^logmask scan: 0 new findings (0 accepted by the baseline, 0 allowed inline) in 3 files' "$T/err" ||
  fail "code context summary: $(cat "$T/err")"

# Real secrets in the same files are still found.
cat > code/settings.py <<'EOF'
DATABASES = {"default": {"PASSWORD": "Xk9mQ2zLpW7vR4tNc"}}
password = "Zq8wE3rT6yU1iO9p"
AWS_ACCESS_KEY_ID = "AKIAQ9W8E7R6T5Y4U3IO"
EOF
status=0
$SCAN code/settings.py > "$T/out" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "real secrets in code: exit $status"
[ "$(cut -d: -f2 "$T/out" | tr '\n' ' ')" = "1 2 3 " ] || fail "real secrets in code: $(cat "$T/out")"

# Allow markers: the findings are allowed, counted and listed, not new.
cat > code/fixtures.py <<'EOF'
TEST_PASSWORD = "Xk9mQ2zLpW7vR4tNc"  # pragma: allowlist secret
password = "Zq8wE3rT6yU1iO9p"  # logmask:allow
key = "AKIAQ9W8E7R6T5Y4U3IO"  // gitleaks:allow
password: "Wd4fG7hJ2kL5zX8c" /* secretlint-disable-line */
<!-- logmask:allow --> password=Pm3nB6vC9xZ2aS5d
password = "Yt6rE4wQ1aS3dF5g"
EOF
status=0
$SCAN --stats code/fixtures.py > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "allow markers: exit $status"
[ "$(cut -d: -f2 "$T/out")" = "6" ] || fail "allow markers: new findings $(cat "$T/out")"
grep -q '1 new finding (0 accepted by the baseline, 5 allowed inline)' "$T/err" ||
  fail "allow summary: $(cat "$T/err")"
grep -q '^allowed inline: 5$' "$T/err" || fail "--stats total: $(cat "$T/err")"
for n in 1 2 3 4 5; do
  grep -q "^  code/fixtures.py:$n:" "$T/err" || fail "--stats does not list line $n: $(cat "$T/err")"
done
# SARIF: allowed findings are results with an inSource suppression.
$SCAN --report-format sarif code/fixtures.py > "$T/out.sarif" 2>/dev/null || true
python3 - "$T/out.sarif" <<'PY' || fail "SARIF suppressions"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
kinds = sorted((r["locations"][0]["physicalLocation"]["region"]["startLine"],
                [s["kind"] for s in r.get("suppressions", [])]) for r in res)
assert kinds == [(1, ["inSource"]), (2, ["inSource"]), (3, ["inSource"]), (4, ["inSource"]),
                 (5, ["inSource"]), (6, [])], kinds
PY

# In a log the markers are ignored: the same lines are all new findings.
cp code/fixtures.py app.log
status=0
$SCAN app.log > "$T/out" 2>/dev/null || status=$?
[ "$status" -eq 1 ] && [ "$(wc -l < "$T/out")" -eq 6 ] || fail "markers honoured in a .log: $(cat "$T/out")"
$SCAN --input log code/fixtures.py > "$T/out" 2>/dev/null || true
[ "$(wc -l < "$T/out")" -eq 6 ] || fail "markers honoured with --input log: $(cat "$T/out")"
$SCAN --input code app.log > "$T/out" 2>/dev/null || true
[ "$(wc -l < "$T/out")" -eq 1 ] || fail "--input code on a .log: $(cat "$T/out")"

for s in Xk9mQ2zLpW7vR4tNc Zq8wE3rT6yU1iO9p AKIAQ9W8E7R6T5Y4U3IO Wd4fG7hJ2kL5zX8c Pm3nB6vC9xZ2aS5d \
         Yt6rE4wQ1aS3dF5g; do
  grep -q "$s" "$T/out" "$T/err" "$T/out.sarif" && fail "secret $s in an output"
done
echo "scan-code: ok"
