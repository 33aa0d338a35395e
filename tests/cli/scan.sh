#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logmask scan: the walk outside git (excludes, binary files, symlink
# loops), exact text findings, JSON and SARIF structure, baseline round
# trip, keyed fingerprints, exit statuses, and no secret text in any output.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
S="$top_srcdir/tests/scan"
SCAN="$LOGMASK scan --no-default-rules -r $top_srcdir/tests/cases/common.rules --literals $S/known.secrets"

# Every secret the tree holds, found or excluded: none may show anywhere.
SECRETS="Tr0ub4dor-3xq Gh7-kLm_22q eyJxZmFrZS10b2tlbi12YWx1ZQ AKIAQ9W8E7R6T5Y4U3IO
ZephyrQuartz-2291-lit GenSecret-4455 NodeSecret-5566 MinSecret-6677 GitSecret-7788
BuildSecret-8899 BinarySecret-9900 NewSecret-1357 VenvSecret-2468 EnvSecret-1357x"
no_secrets() {
  for s in $SECRETS; do
    if grep -q -e "$s" "$@"; then fail "secret $s shows in $*"; fi
  done
}

# The tree: the fixture files, plus what a source tree cannot ship (a
# binary file, excluded directories, a symlink loop).
cp -R "$S/tree" "$T/tree"
cd "$T/tree"
mkdir -p node_modules/pkg .git vendor build venv/lib .venv __pycache__ .tox dist
printf 'password=NodeSecret-5566\n' > node_modules/pkg/index.js
printf '[core]\npassword=GitSecret-7788\n' > .git/config
printf 'var password="MinSecret-6677";\n' > vendor/app.min.js
printf 'password=BuildSecret-8899\n' > build/out.txt
printf 'BIN\000\001 password=BinarySecret-9900\n' > data.bin
for d in venv/lib .venv __pycache__ .tox dist; do printf 'password=VenvSecret-2468\n' > "$d/x.py"; done
ln -s .. app/loop

# Text: exactly the expected findings, in walk order; exit 1.
status=0
$SCAN > "$T/out.txt" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "scan with findings exited $status, want 1: $(cat "$T/err")"
sed 's/ (fingerprint [0-9a-f]\{32\})$//' "$T/out.txt" > "$T/got"
diff "$S/expected.txt" "$T/got" >&2 || fail "text findings differ"
[ "$(grep -c ' (fingerprint [0-9a-f]\{32\})$' "$T/out.txt")" -eq 5 ] || fail "fingerprints missing"
grep -q '5 new findings (0 accepted by the baseline, 0 allowed inline) in 5 files; 1 binary skipped, 10 excluded, 0 git-ignored, 0 errors' "$T/err" ||
  fail "summary: $(cat "$T/err")"
no_secrets "$T/out.txt" "$T/err"
# The fingerprint is SHA-256 of the secret without a key.
fp=$(printf 'Tr0ub4dor-3xq' | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:32])')
grep -q "^app/config.ini:3:11: .*(fingerprint $fp)$" "$T/out.txt" || fail "fingerprint is not SHA-256 ($fp)"

# The default excludes hold; --exclude adds one; --no-default-excludes
# opens them.
$SCAN --exclude docs > "$T/out2.txt" 2>"$T/err" && fail "scan with --exclude exited 0"
grep -q '^docs/' "$T/out2.txt" && fail "--exclude docs did not exclude: $(cat "$T/out2.txt")"
grep -q ' 11 excluded' "$T/err" || fail "--exclude not counted: $(cat "$T/err")"
$SCAN --no-default-excludes > "$T/out3.txt" 2>/dev/null && fail "--no-default-excludes exited 0"
for f in .git/config node_modules/pkg/index.js vendor/app.min.js build/out.txt venv/lib/x.py \
         .venv/x.py __pycache__/x.py .tox/x.py dist/x.py; do
  grep -q "^$f:" "$T/out3.txt" || fail "--no-default-excludes did not scan $f"
done
if grep -q -e '^generated/' -e '^data.bin' -e '^app/loop' "$T/out3.txt"; then
  fail ".logmaskignore, binary or symlink loop not skipped: $(cat "$T/out3.txt")"
fi
no_secrets "$T/out2.txt" "$T/out3.txt"

# Named files (as pre-commit passes them) honour the excludes too.
status=0
$SCAN app/config.ini vendor/app.min.js docs/notes.md > "$T/out4.txt" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "named files exited $status"
[ "$(cut -d: -f1 "$T/out4.txt" | sort -u | tr '\n' ' ')" = "app/config.ini docs/notes.md " ] ||
  fail "named files: $(cat "$T/out4.txt")"
$SCAN docs/../docs/../app/../.logmaskignore > /dev/null 2>&1 || fail "a clean named file did not exit 0"

# JSON parses, holds the same findings, and no secret.
$SCAN --report-format json > "$T/out.json" 2>/dev/null && fail "json scan exited 0"
python3 - "$T/out.json" <<'PY' || fail "json report"
import json, sys
doc = json.load(open(sys.argv[1]))
f = doc["findings"]
assert [(x["path"], x["line"], x["column"], x["rule"]) for x in f] == [
    ("app/config.ini", 3, 11, "password-assignment"),
    ("app/config.ini", 5, 27, "url-credentials"),
    ("app/service.txt", 2, 31, "bearer-header"),
    ("app/service.txt", 4, 9, "aws-access-key-id"),
    ("docs/notes.md", 2, 24, "literal:known.secrets:1")], f
for x in f:
    assert len(x["fingerprint"]) == 32 and x["end_column"] > x["column"], x
    assert "[REDACTED:" in x["preview"], x
assert doc["summary"]["findings"] == 5 and doc["fingerprint"] == "sha256", doc["summary"]
assert doc["suppressed"] == [], doc["suppressed"]
PY
no_secrets "$T/out.json"

# SARIF 2.1.0: the structure code-scanning tools read.
$SCAN --report-format sarif > "$T/out.sarif" 2>/dev/null && fail "sarif scan exited 0"
python3 - "$T/out.sarif" <<'PY' || fail "sarif report"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
run = doc["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "logmask" and driver["version"]
ids = [r["id"] for r in driver["rules"]]
assert ids == sorted(ids) and len(ids) == 5, ids
for r in driver["rules"]:
    assert r["shortDescription"]["text"], r
results = run["results"]
assert len(results) == 5
for res in results:
    assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
    assert res["level"] == "error" and res["message"]["text"]
    loc = res["locations"][0]["physicalLocation"]
    assert not loc["artifactLocation"]["uri"].startswith("/")
    reg = loc["region"]
    assert reg["startLine"] >= 1 and reg["endColumn"] > reg["startColumn"] >= 1
    assert len(res["partialFingerprints"]["logmask/v1"]) == 32
    assert len(res["partialFingerprints"]["logmaskSecret/v1"]) == 32
first = results[0]["locations"][0]["physicalLocation"]
assert first["artifactLocation"]["uri"] == "app/config.ini" and first["region"]["startLine"] == 3
PY
no_secrets "$T/out.sarif"

# Baseline: update, rescan clean, lines moved still clean, a new secret
# is the only finding.
$SCAN --baseline "$T/baseline.json" --update-baseline > "$T/out5" 2> "$T/err" ||
  fail "--update-baseline exited $?: $(cat "$T/err")"
[ ! -s "$T/out5" ] || fail "--update-baseline reported findings"
python3 - "$T/baseline.json" <<'PY' || fail "baseline shape"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == 1 and doc["fingerprint"] == "sha256"
keys = [(e["path"], e["rule"], e["fingerprint"]) for e in doc["findings"]]
assert keys == sorted(keys) and len(keys) == 5, keys
assert all(set(e) == {"path", "line", "rule", "fingerprint"} for e in doc["findings"])
assert [e["line"] for e in doc["findings"]] == [3, 5, 4, 2, 2], doc["findings"]
PY
ls "$T" | grep -q 'baseline.json\.' && fail "temporary baseline file left behind"
cp "$T/baseline.json" "$T/baseline.first"
$SCAN --baseline "$T/baseline.json" --update-baseline 2>/dev/null || fail "second update exited $?"
cmp -s "$T/baseline.json" "$T/baseline.first" || fail "baseline not stable across updates"
$SCAN --baseline "$T/baseline.json" > "$T/out6" 2> "$T/err" ||
  fail "rescan against the baseline exited $?: $(cat "$T/out6")"
[ ! -s "$T/out6" ] || fail "baseline did not suppress: $(cat "$T/out6")"
grep -q '0 new findings (5 accepted by the baseline, 0 allowed inline)' "$T/err" || fail "baseline summary: $(cat "$T/err")"
{ printf 'new header\n\n\n'; cat app/config.ini; } > "$T/moved" && cp "$T/moved" app/config.ini
$SCAN --baseline "$T/baseline.json" > "$T/out7" 2>/dev/null ||
  fail "moved lines resurrected findings: $(cat "$T/out7")"
printf 'retry with password=NewSecret-1357\n' >> app/service.txt
status=0
$SCAN --baseline "$T/baseline.json" > "$T/out8" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "new secret after the baseline exited $status, want 1"
[ "$(sed 's/ (fingerprint [0-9a-f]*)$//' "$T/out8")" = \
  "app/service.txt:5:21: password-assignment: retry with password=[REDACTED:password-assignment]" ] ||
  fail "new finding: $(cat "$T/out8")"
no_secrets "$T/baseline.json" "$T/out5" "$T/out6" "$T/out7" "$T/out8"

# A broken baseline is an error, not an empty one.
printf '{"version": 1, "findings": [' > "$T/broken.json"
status=0
$SCAN --baseline "$T/broken.json" > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "broken baseline exited $status, want 2"
grep -q "broken.json" "$T/err" || fail "broken baseline not named: $(cat "$T/err")"
status=0
$SCAN --baseline "$T/missing.json" > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "missing baseline exited $status, want 2"

# Keyed fingerprints: HMAC-SHA256 under the key file; a baseline of plain
# SHA-256 ones is refused rather than silently matching nothing.
printf '0123456789abcdef0123456789abcdef-scan-key\n' > "$T/key"
chmod 600 "$T/key"
$SCAN --hash-key-file "$T/key" app/config.ini > "$T/out9" 2>/dev/null && fail "keyed scan exited 0"
mac=$(printf 'Tr0ub4dor-3xq' | python3 -c 'import hmac,hashlib,sys; print(hmac.new(b"0123456789abcdef0123456789abcdef-scan-key", sys.stdin.buffer.read(), hashlib.sha256).hexdigest()[:32])')
grep -q "(fingerprint $mac)$" "$T/out9" || fail "keyed fingerprint is not HMAC-SHA256 ($mac): $(cat "$T/out9")"
status=0
$SCAN --hash-key-file "$T/key" --baseline "$T/baseline.json" > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "baseline of another fingerprint kind exited $status, want 2"
no_secrets "$T/out9" "$T/err"

# Exit 2 for a path that cannot be read, after scanning and reporting the
# rest; an error outranks findings.
status=0
$SCAN app "$T/no-such-path" docs > "$T/out10" 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "missing path exited $status, want 2"
grep -q "no-such-path: No such file or directory" "$T/err" || fail "missing path not reported: $(cat "$T/err")"
grep -q '^docs/notes.md:2:24: ' "$T/out10" || fail "paths after the missing one not scanned"
if [ "$(id -u)" -ne 0 ]; then
  printf 'password=Unreadable-2468\n' > docs/locked.txt
  chmod 000 docs/locked.txt
  status=0
  $SCAN docs > /dev/null 2> "$T/err" || status=$?
  chmod 600 docs/locked.txt
  [ "$status" -eq 2 ] || fail "unreadable file exited $status, want 2"
  grep -q 'docs/locked.txt: Permission denied' "$T/err" || fail "unreadable file: $(cat "$T/err")"
fi
status=0
$SCAN --format xml > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "unknown --format exited $status, want 2"
status=0
$SCAN --format sarif > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] && grep -q -- '--report-format' "$T/err" || fail "--format sarif: $status $(cat "$T/err")"
for bad in "--report-format xml" "--color sometimes" "--input binary" "--max-line 63" \
           "--max-line 0" "--max-line x" "--update-baseline" "--audit-baseline" "--stdin-name="; do
  status=0
  # shellcheck disable=SC2086 # the words are options
  $SCAN $bad > /dev/null 2> "$T/err" || status=$?
  [ "$status" -eq 2 ] || fail "$bad exited $status, want 2"
  grep -q "Try 'logmask scan --help'" "$T/err" || fail "$bad: no usage hint: $(cat "$T/err")"
done
# The filter refuses it at option parsing too (2, not an input error 3).
status=0
"$LOGMASK" --max-line 63 "$T/no-such-input" > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] && grep -q 'at least 64' "$T/err" || fail "filter --max-line 63: $status $(cat "$T/err")"
status=0
$SCAN --max-line 64 app > /dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "--max-line 64 (the minimum) exited $status, want 1"

# Clean tree: exit 0, nothing on stdout.
mkdir "$T/clean" && printf 'nothing to see\n' > "$T/clean/a.txt"
$SCAN "$T/clean" > "$T/out11" 2>/dev/null || fail "clean tree exited $?"
[ ! -s "$T/out11" ] || fail "clean tree reported: $(cat "$T/out11")"

# Many distinct secrets on one line: every one reported with its column,
# the previews withheld rather than each secret searched for along the
# whole line (which would cost the line's length times the secrets).
python3 - "$T/many.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("\u00e9 " + " ".join("password=Many%06dSecret" % i for i in range(3000)) + "\n")
    f.write("password=FewSecret-1 password=FewSecret-2\n")
PY
$SCAN --report-format json "$T/many.txt" > "$T/many.json" 2>/dev/null || true
python3 - "$T/many.json" <<'PY' || fail "many secrets on a line"
import json, sys
found = json.load(open(sys.argv[1]))["findings"]
many = [f for f in found if f["line"] == 1]
assert len(many) == 3000, len(many)
assert all(f["preview"].startswith("(preview withheld: too many") for f in many), many[0]
assert [f["column"] for f in many[:2]] == [13, 39], many[:2]
# the columns in characters: the leading e-acute is two bytes, one character
few = [f for f in found if f["line"] == 2]
assert [f["preview"] for f in few] == ["password=[REDACTED:password-assignment] password=[REDACTED:password-assignment]"] * 2, few
PY
grep -q 'Many000001Secret\|FewSecret' "$T/many.json" && fail "a secret shows in the report"
$SCAN --report-format sarif "$T/many.txt" > "$T/many.sarif" 2>/dev/null || true
python3 - "$T/many.sarif" <<'PY' || fail "many secrets: SARIF columns"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
cols = [r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in res
        if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1]
assert cols[:3] == [12, 38, 64] and cols[-1] == 12 + 26 * 2999, (cols[:3], cols[-1])
PY

# The rule options are the filter's, --env-ignore included; --format
# names the input format and leaves the report as it is.
printf 'VENDOR_TOKEN=EnvSecret-2468x\nMY_TOKEN=EnvSecret-1357x\n' > "$T/app.env"
printf 'a EnvSecret-2468x b EnvSecret-1357x\n' > "$T/env-use.txt"
$SCAN --env-file "$T/app.env" --env-ignore 'VENDOR_*' "$T/env-use.txt" > "$T/out-env" 2> "$T/err" ||
  true
[ "$(wc -l < "$T/out-env")" -eq 1 ] && grep -q 'env-use.txt:1:21: literal:MY_TOKEN: ' "$T/out-env" ||
  fail "scan --env-ignore: $(cat "$T/out-env" "$T/err")"
printf '{"password": "Tr0ub4dor-3xq"}\n' > "$T/fmt.input"
$SCAN --format json --color never "$T/fmt.input" > "$T/out-fmt" 2>/dev/null || true
grep -q '^[^{]*fmt.input:1:15: password-assignment: ' "$T/out-fmt" ||
  fail "--format json changed the report: $(cat "$T/out-fmt")"

# Every output of this test, once more.
no_secrets "$T"/out* "$T"/*.json "$T"/*.sarif
echo "scan: ok"
