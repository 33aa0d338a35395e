#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The baseline workflow: entries keep file and line; --update-baseline on
# some paths keeps the entries of the others (and the verdicts of an
# audit); --audit-baseline walks the entries on a terminal (keep, allow,
# remove, skip, quit), lists them with --json, and refuses to guess
# without a terminal.  No secret in any baseline or listing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
SCAN="$LOGMASK scan --no-default-rules -r $top_srcdir/tests/cases/common.rules --color=never"
SECRETS="AlphaSecret-1001 BetaSecret-2002 GammaSecret-3003 DeltaSecret-4004 EpsilonSecret-5005"
no_secrets() {
  for s in $SECRETS; do
    if grep -q -e "$s" "$@"; then fail "secret $s shows in $*"; fi
  done
}
cd "$T"
mkdir -p tree/a tree/b
printf 'x\npassword=AlphaSecret-1001\n' > tree/a/one.txt
printf 'password=BetaSecret-2002\n' > tree/a/two.txt
printf '\n\npassword=GammaSecret-3003\n' > tree/b/three.txt
cd tree
$SCAN --baseline ../base.json --update-baseline 2> ../err || fail "first update: $(cat ../err)"
python3 - ../base.json <<'PY' || fail "baseline entries"
import json, sys
e = [(x["path"], x["line"], x["rule"]) for x in json.load(open(sys.argv[1]))["findings"]]
assert e == [("a/one.txt", 2, "password-assignment"), ("a/two.txt", 1, "password-assignment"),
             ("b/three.txt", 3, "password-assignment")], e
PY

# Update on a subset: b/ changes, a/'s entries stay (even a/two.txt,
# whose secret is gone now, because a/ was not scanned).
printf 'password=DeltaSecret-4004\n' > b/four.txt
printf 'clean\n' > a/two.txt
$SCAN --baseline ../base.json --update-baseline b 2> ../err || fail "subset update: $(cat ../err)"
grep -q '2 findings of this run, 2 entries of other paths kept' ../err || fail "subset summary: $(cat ../err)"
python3 - ../base.json <<'PY' || fail "subset baseline"
import json, sys
e = [x["path"] for x in json.load(open(sys.argv[1]))["findings"]]
assert e == ["a/one.txt", "a/two.txt", "b/four.txt", "b/three.txt"], e
PY
# A file named on its own replaces only its entries.
$SCAN --baseline ../base.json --update-baseline a/two.txt 2>/dev/null || fail "file update"
python3 - ../base.json <<'PY' || fail "file update baseline"
import json, sys
e = [x["path"] for x in json.load(open(sys.argv[1]))["findings"]]
assert e == ["a/one.txt", "b/four.txt", "b/three.txt"], e
PY
$SCAN --baseline ../base.json > ../out 2>&1 || fail "scan against the updated baseline: $(cat ../out)"

# --audit-baseline without a terminal and without --json: a usage error.
status=0
$SCAN --audit-baseline --baseline ../base.json < /dev/null > ../out 2> ../err || status=$?
[ "$status" -eq 2 ] || fail "audit without a terminal exited $status"
grep -q -- '--json' ../err || fail "audit without a terminal: $(cat ../err)"
# --json lists every entry with its verdict and whether it is still found.
rm b/three.txt
$SCAN --audit-baseline --baseline ../base.json --json > ../audit.json 2> ../err || fail "audit --json: $(cat ../err)"
python3 - ../audit.json <<'PY' || fail "audit listing"
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["path"]: x for x in d["entries"]}
assert set(e) == {"a/one.txt", "b/four.txt", "b/three.txt"}, e
assert e["a/one.txt"]["found"] and e["a/one.txt"]["line"] == 2 and "[REDACTED:" in e["a/one.txt"]["preview"]
assert not e["b/three.txt"]["found"] and e["b/three.txt"]["line"] == 3
assert all(x["audit"] == "unreviewed" for x in d["entries"])
assert d["summary"] == {"entries": 3, "unreviewed": 3, "secret": 0, "allowed": 0, "not_found": 1}, d["summary"]
PY
cp ../base.json ../base.before

# Interactive, on a pseudo-terminal: keep a/one.txt, allow b/four.txt,
# remove the vanished b/three.txt (a bad answer is asked again).
python3 - "$LOGMASK" "$top_srcdir/tests/cases/common.rules" ../base.json > ../tty.out <<'PY' || fail "interactive audit: $(cat ../tty.out)"
import os, pty, sys, time, select
logmask, rules, base = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(logmask, [logmask, "scan", "--no-default-rules", "-r", rules, "--color=never",
                       "--audit-baseline", "--baseline", base])
answers = [b"k\n", b"x\n", b"a\n", b"r\n"]
out = b""
deadline = time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        while answers and out.count(b"[k/a/r/s/q]") > 4 - len(answers):
            os.write(fd, answers.pop(0))
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and not answers else 1)
PY
grep -q '2 verdicts changed, 1 entry removed' ../tty.out || fail "audit summary: $(cat ../tty.out)"
grep -q 'no longer found' ../tty.out || fail "a vanished entry is not flagged: $(cat ../tty.out)"
python3 - ../base.json <<'PY' || fail "audited baseline"
import json, sys
e = {x["path"]: x.get("audit") for x in json.load(open(sys.argv[1]))["findings"]}
assert e == {"a/one.txt": "secret", "b/four.txt": "allowed"}, e
PY
# Verdicts survive an update, and SARIF names them.
$SCAN --baseline ../base.json --update-baseline 2>/dev/null || fail "update after audit"
python3 - ../base.json <<'PY' || fail "verdicts lost by an update"
import json, sys
e = {x["path"]: x.get("audit") for x in json.load(open(sys.argv[1]))["findings"]}
assert e == {"a/one.txt": "secret", "b/four.txt": "allowed"}, e
PY
$SCAN --baseline ../base.json --report-format sarif > ../out.sarif 2>/dev/null || fail "sarif with baseline"
grep -q 'audit: secret' ../out.sarif && grep -q 'audit: allowed' ../out.sarif || fail "SARIF has no verdicts"
# A verdict that is not one of ours is refused.
sed 's/"allowed"/"maybe"/' ../base.json > ../bad.json
status=0
$SCAN --baseline ../bad.json > /dev/null 2> ../err || status=$?
[ "$status" -eq 2 ] && grep -q 'audit' ../err || fail "bad verdict: $status $(cat ../err)"
no_secrets ../base.json ../base.before ../audit.json ../tty.out ../out.sarif ../err
echo "scan-baseline: ok"
