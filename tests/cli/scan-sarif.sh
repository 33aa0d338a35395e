#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SARIF of `logmask scan` for GitHub code scanning: over a corpus of every
# inline `match:` line of the rule library (so nearly every built-in rule
# reports), the file is valid against the vendored SARIF 2.1.0 schema
# (python3-jsonschema; ajv-cli too when installed), passes the upload rules
# GitHub documents that can be checked offline (tests/scan/sarif_github.py),
# every built-in rule carries its own help, tags and security-severity, and
# baseline-accepted findings are results with an "external" suppression.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
S="$top_srcdir/tests/scan"
cd "$T"
mkdir corpus
# One file per rule file, one match line per line, the [[ ]] markers gone.
for f in "$top_srcdir"/patterns/*.rules; do
  sed -n 's/^match: //p' "$f" | sed 's/\[\[//g; s/\]\]//g' > "corpus/$(basename "$f" .rules).txt"
done
SCAN="$LOGMASK scan --color=never --enable pii --input log"
status=0
$SCAN --report-format sarif corpus > out.sarif 2> err || status=$?
[ "$status" -eq 1 ] || fail "corpus scan exited $status: $(cat err)"
python3 "$S/sarif_github.py" out.sarif --expect-rule-tags || fail "GitHub upload rules"
rules=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]))' out.sarif)
[ "$rules" -ge 90 ] || fail "only $rules rules reported over the corpus"
# Each result has its own identity (GitHub merges results that share one),
# also for the same secret twice in a file, and it does not move with lines.
printf 'password=SameSecret-1\npassword=SameSecret-1\n' > corpus-twice.txt
$SCAN --report-format sarif corpus-twice.txt > twice.sarif 2>/dev/null || true
{ printf '\n\n'; cat corpus-twice.txt; } > moved.txt && mv moved.txt corpus-twice.txt
$SCAN --report-format sarif corpus-twice.txt > moved.sarif 2>/dev/null || true
python3 - out.sarif twice.sarif moved.sarif <<'PY' || fail "result fingerprints"
import json, sys
ids = lambda f: [r["partialFingerprints"]["logmask/v1"] for r in json.load(open(f))["runs"][0]["results"]]
for f in sys.argv[1:3]:
    assert len(set(ids(f))) == len(ids(f)), f
assert len(ids(sys.argv[2])) == 2 and ids(sys.argv[2]) == ids(sys.argv[3])
PY
# Every built-in rule has its own metadata, not the generic entry.
$LOGMASK scan --enable pii --list-rules > list 2> err || fail "--list-rules exited $?: $(cat err)"
[ "$(wc -l < list)" -eq "$($LOGMASK --enable pii --list-rules | grep -vc '^literal ')" ] ||
  fail "--list-rules does not list every rule"
grep 'custom-rule' list && fail "built-in rules above have only the generic SARIF metadata"

# The checkers can fail: a numeric security-severity and an absolute URI
# are refused.
python3 - out.sarif bad-github.sarif <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["runs"][0]
run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] = 9.0
run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/etc/x"
json.dump(doc, open(sys.argv[2], "w"))
PY
python3 "$S/sarif_github.py" bad-github.sarif 2> bad.err && fail "sarif_github.py accepted a bad file"
grep -q 'security-severity' bad.err && grep -q 'not relative' bad.err || fail "sarif_github.py: $(cat bad.err)"
printf '{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": "none"}]}\n' > bad-schema.sarif

# Baseline-accepted findings stay in SARIF, suppressed.
$SCAN --baseline base.json --update-baseline corpus/vcs.txt 2>/dev/null || fail "baseline update"
status=0
$SCAN --baseline base.json --report-format sarif corpus > base.sarif 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "scan with a partial baseline exited $status"
python3 - base.sarif base.json <<'PY' || fail "baseline suppressions"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
accepted = len(json.load(open(sys.argv[2]))["findings"])
sup = [r for r in run["results"] if r.get("suppressions")]
assert sup and all(s["kind"] == "external" and s["status"] == "accepted" and "base.json" in s["justification"]
                   for r in sup for s in r["suppressions"]), sup[:2]
assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "corpus/vcs.txt" for r in sup)
assert len(sup) >= accepted > 0, (len(sup), accepted)
# new results come first (GitHub keeps the first 5,000)
flags = [bool(r.get("suppressions")) for r in run["results"]]
assert flags == sorted(flags), "suppressed results before new ones"
PY
python3 "$S/sarif_github.py" base.sarif || fail "GitHub upload rules (baseline run)"

# A clean run is a valid SARIF file too (no rules, no results).
mkdir clean && printf 'nothing\n' > clean/a.txt
$SCAN --report-format sarif clean > clean.sarif 2>/dev/null || fail "clean scan exited $?"
python3 "$S/sarif_github.py" clean.sarif || fail "GitHub upload rules (clean run)"

validated=0
if python3 -c 'import jsonschema' 2>/dev/null; then
  for f in out.sarif base.sarif clean.sarif; do
    python3 - "$S/sarif-schema-2.1.0.json" "$f" <<'PY' || fail "$f is not valid SARIF 2.1.0 (jsonschema)"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(json.load(open(sys.argv[2]))),
                key=lambda e: list(e.path))
for e in errors[:10]:
    print(f"{sys.argv[2]}: {list(e.path)}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
PY
  done
  python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft4Validator)' \
    "$S/sarif-schema-2.1.0.json" bad-schema.sarif 2>/dev/null && fail "jsonschema accepted an invalid file"
  validated=1
else
  echo "note: python3-jsonschema not installed; schema validation by it skipped"
fi
if command -v ajv >/dev/null 2>&1; then
  # The schema is draft-04; ajv 8 reads draft-07, which ajv migrate makes.
  ajv migrate -s "$S/sarif-schema-2.1.0.json" -o sarif7.json > ajv.log 2>&1 ||
    { cat ajv.log; fail "ajv migrate"; }
  for f in out.sarif base.sarif clean.sarif; do
    cp "$f" "$f.json" # ajv picks its parser by the file name's extension
    ajv validate --spec=draft7 --strict=false -c ajv-formats -s sarif7.json -d "$f.json" > ajv.log 2>&1 ||
      { cat ajv.log; fail "$f is not valid SARIF 2.1.0 (ajv)"; }
  done
  cp bad-schema.sarif bad-schema.json
  ajv validate --spec=draft7 --strict=false -c ajv-formats -s sarif7.json -d bad-schema.json \
    > ajv.log 2>&1 && fail "ajv accepted an invalid file"
  validated=1
else
  echo "note: ajv-cli not installed; validation by ajv skipped"
fi
[ "$validated" = 1 ] || { echo "SKIP: no JSON schema validator (python3-jsonschema, ajv-cli)"; exit 77; }
for f in out.sarif base.sarif base.json; do
  grep -q -e 'AKIA[0-9A-Z]\{16\}"' -e 'ghp_[A-Za-z0-9]\{36\}' "$f" && fail "a corpus secret shows in $f"
done
echo "scan-sarif: ok ($rules rules)"
