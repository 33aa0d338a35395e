#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logmask scan and git: tracked files by default inside a work tree,
# --all-files, --no-gitignore, .gitignore honoured outside git, history
# (--git with ranges and paths), the index (--staged), standard input,
# windows over long lines, and exact path bytes (control bytes, non-UTF-8)
# in reports and the baseline.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need git
need python3
SCAN="$LOGMASK scan --no-default-rules -r $top_srcdir/tests/cases/common.rules --color=never"
SECRETS="TrackedSecret-1111 UntrackedSecret-2222 IgnoredSecret-3333 VenvSecret-4444
HistorySecret-5555 StagedSecret-6666 StdinSecret-7777 LongSecret-8888 OddPathSecret-9999
NestedSecret-1212 NegatedSecret-1313"
no_secrets() {
  for s in $SECRETS; do
    if grep -r -q -e "$s" "$@"; then fail "secret $s shows in $*"; fi
  done
}
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
  GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch main
git config --global safe.directory '*'

# A work tree: a tracked file, an untracked one, an ignored one, and a
# git-ignored venv/ with a secret (the first-run noise of issue 12).
R="$T/repo"
mkdir -p "$R/src" "$R/venv/lib" "$R/logs"
cd "$R"
git init -q .
printf 'venv/\n*.tmp\n' > .gitignore
printf 'password=TrackedSecret-1111\n' > src/settings.ini
git add .gitignore src/settings.ini
git commit -q -m one
printf 'password=UntrackedSecret-2222\n' > src/local.ini
printf 'password=IgnoredSecret-3333\n' > src/cache.tmp
printf 'password=VenvSecret-4444\n' > venv/lib/site.py

status=0
$SCAN > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "tracked scan exited $status: $(cat "$T/err")"
[ "$(cut -d: -f1 "$T/out")" = "src/settings.ini" ] || fail "tracked files only: $(cat "$T/out")"
grep -q ' in 2 files;' "$T/err" || fail "tracked count: $(cat "$T/err")"
$SCAN --all-files > "$T/out" 2>/dev/null || true
[ "$(cut -d: -f1 "$T/out" | tr '\n' ' ')" = "src/local.ini src/settings.ini " ] ||
  fail "--all-files: $(cat "$T/out")"
$SCAN --no-gitignore > "$T/out" 2>/dev/null || true
[ "$(cut -d: -f1 "$T/out" | tr '\n' ' ')" = "src/cache.tmp src/local.ini src/settings.ini " ] ||
  fail "--no-gitignore (venv/ stays a default exclude): $(cat "$T/out")"
$SCAN --no-gitignore --no-default-excludes > "$T/out" 2>/dev/null || true
grep -q '^venv/lib/site.py:' "$T/out" || fail "--no-default-excludes: $(cat "$T/out")"
grep -q '^\.git/' "$T/out" && fail ".git read: $(cat "$T/out")"
# A tracked file deleted from the work tree is no error.
git rm -q --cached src/settings.ini && git add src/settings.ini
mv src/settings.ini "$T/settings.ini"
status=0
$SCAN > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 0 ] || fail "deleted tracked file: exit $status $(cat "$T/err")"
mv "$T/settings.ini" src/settings.ini
# A PATH inside the tree lists only its files, named from the PATH given.
$SCAN src > "$T/out" 2>/dev/null || true
[ "$(cut -d: -f1 "$T/out")" = "src/settings.ini" ] || fail "PATH src: $(cat "$T/out")"
(cd src && $SCAN . > "$T/out" 2>/dev/null) || true
[ "$(cut -d: -f1 "$T/out")" = "settings.ini" ] || fail "PATH . in src: $(cat "$T/out")"
# A named file is read even when untracked (pre-commit names files).
$SCAN src/local.ini > "$T/out" 2>/dev/null || true
[ "$(cut -d: -f1 "$T/out")" = "src/local.ini" ] || fail "named untracked file: $(cat "$T/out")"
# An untracked directory inside a work tree: nothing listed, and said so.
mkdir newdir && printf 'password=UntrackedSecret-2222\n' > newdir/a.txt
$SCAN newdir > "$T/out" 2> "$T/err" || fail "untracked dir exited $?"
grep -q 'git tracks no file here' "$T/err" || fail "untracked dir not explained: $(cat "$T/err")"
rm -r newdir

# Outside git, .gitignore files are honoured: nested ones, "!" negation,
# directory-only and anchored patterns, "**".
W="$T/walk"
mkdir -p "$W/a/b/c" "$W/logs" "$W/keep/logs" "$W/deep/x/y"
cd "$W"
printf '*.tmp\n/logs/\n!keep.tmp\ndeep/**/y\n' > .gitignore
printf '!nested.tmp\n' > a/.gitignore
printf 'password=IgnoredSecret-3333\n' > a/b/c/drop.tmp
printf 'password=NegatedSecret-1313\n' > a/b/c/nested.tmp
printf 'password=NegatedSecret-1313\n' > keep.tmp
printf 'password=IgnoredSecret-3333\n' > logs/app.txt
printf 'password=NestedSecret-1212\n' > keep/logs/app.txt
printf 'password=IgnoredSecret-3333\n' > deep/x/y/z.txt
$SCAN > "$T/out" 2> "$T/err" || true
[ "$(cut -d: -f1 "$T/out" | tr '\n' ' ')" = "a/b/c/nested.tmp keep/logs/app.txt keep.tmp " ] ||
  fail ".gitignore walk: $(cat "$T/out")"
grep -q ' 3 git-ignored' "$T/err" || fail ".gitignore count: $(cat "$T/err")"
$SCAN --no-gitignore > "$T/out" 2>/dev/null || true
[ "$(wc -l < "$T/out")" -eq 6 ] || fail "--no-gitignore walk: $(cat "$T/out")"
no_secrets "$T/out" "$T/err"

# History: every added line of every commit, with commit, date, file, line.
cd "$R"
printf 'a\nb\npassword=HistorySecret-5555\n' > src/old.ini
git add src/old.ini
GIT_AUTHOR_DATE=2024-03-01T10:00:00+00:00 git commit -q -m add-secret
first=$(git rev-parse HEAD)
printf 'a\nb\npassword=${API_PASSWORD}\n' > src/old.ini
git commit -q -am remove-secret
# a path with a tab, a newline-free control byte and a byte that is not UTF-8
odd=$(printf 'odd\tname\001\377.ini')
printf 'password=OddPathSecret-9999\n' > "$odd"
git add "$odd"
git commit -q -m odd-path
status=0
$SCAN --git --report-format json > "$T/hist.json" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "--git exited $status: $(cat "$T/err")"
grep -q ' in 4 commits, ' "$T/err" || fail "--git summary: $(cat "$T/err")"
python3 - "$T/hist.json" "$first" <<'PY' || fail "--git report"
import json, sys
doc = json.load(open(sys.argv[1]))
f = {(x["path"], x["line"]): x for x in doc["findings"]}
old = f[("src/old.ini", 3)]
assert old["commit"] == sys.argv[2] and old["date"] == "2024-03-01T10:00:00+00:00", old
assert old["rule"] == "password-assignment", old
assert ("src/settings.ini", 1) in f, f
# the exact bytes, escaped: a tab, \x01 and \xff
odd = [x for x in doc["findings"] if x["path"].startswith("odd")]
assert len(odd) == 1 and odd[0]["path"] == "odd\\x09name\\x01\\xff.ini", odd
assert len(doc["findings"]) == 3, doc["findings"]
PY
# A range and a path limit.
$SCAN --git "$first~1..$first" > "$T/out" 2> "$T/err" || true
[ "$(cut -d: -f1-2 "$T/out")" = "src/old.ini:3" ] || fail "--git RANGE: $(cat "$T/out")"
grep -q "commit ${first%"${first#????????????}"}, 2024-03-01T10:00:00+00:00)" "$T/out" ||
  fail "--git text names no commit: $(cat "$T/out")"
$SCAN --git -- src/settings.ini > "$T/out" 2>/dev/null || true
[ "$(cut -d: -f1 "$T/out")" = "src/settings.ini" ] || fail "--git -- PATH: $(cat "$T/out")"
# History honours the excludes: a venv/ committed by force, a --exclude.
git add -f venv/lib/site.py && git commit -q -m vendored
$SCAN --git -- venv > "$T/out" 2> "$T/err" || fail "--git read an excluded venv/: $(cat "$T/out")"
grep -q ' 1 excluded' "$T/err" || fail "--git excluded not counted: $(cat "$T/err")"
$SCAN --git --no-default-excludes -- venv > "$T/out" 2>/dev/null && fail "--git --no-default-excludes"
grep -q '^venv/lib/site.py:1:10: ' "$T/out" || fail "--git --no-default-excludes: $(cat "$T/out")"
$SCAN --git --exclude 'old.ini' -- src > "$T/out" 2>/dev/null || true
grep -q 'old.ini' "$T/out" && fail "--git --exclude: $(cat "$T/out")"
git reset -q --hard HEAD~1
status=0
$SCAN --git no-such-rev > /dev/null 2> "$T/err" || status=$?
[ "$status" -eq 2 ] || fail "--git with a bad revision exited $status"
no_secrets "$T/hist.json" "$T/out"

# The odd path in a tree scan, SARIF and the baseline: every byte kept.
$SCAN --report-format sarif "$odd" > "$T/odd.sarif" 2>/dev/null || true
grep -q '"uri": "odd%09name%01%FF.ini"' "$T/odd.sarif" || fail "SARIF uri: $(grep uri "$T/odd.sarif")"
$SCAN "$odd" > "$T/out" 2>/dev/null || true
grep -q '^odd\\x09name\\x01\\xff.ini:1:10: ' "$T/out" || fail "text path: $(cat -v "$T/out")"
$SCAN --baseline "$T/odd.json" --update-baseline "$odd" 2>/dev/null || fail "odd baseline update"
grep -q '"path": "odd\\\\x09name\\\\x01\\\\xff.ini"' "$T/odd.json" || fail "baseline path: $(cat "$T/odd.json")"
$SCAN --baseline "$T/odd.json" "$odd" > "$T/out" 2>/dev/null || fail "odd path not matched by its baseline entry"
# A path with a backslash is escaped, so no two paths share an entry.
printf 'password=OddPathSecret-9999\n' > 'odd\x01.ini'
$SCAN 'odd\x01.ini' > "$T/out" 2>/dev/null || true
grep -q '^odd\\\\x01.ini:1:10: ' "$T/out" || fail "backslash path: $(cat "$T/out")"
status=0
$SCAN --baseline "$T/odd.json" 'odd\x01.ini' > /dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a backslash path matched another path's entry"
rm 'odd\x01.ini'
no_secrets "$T/odd.sarif" "$T/odd.json" "$T/out"

# The index: only what is staged, the lines it adds.
printf 'x\npassword=StagedSecret-6666\n' > src/mail.ini
status=0
$SCAN --staged > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 0 ] || fail "--staged with nothing staged exited $status: $(cat "$T/out")"
git add src/mail.ini
status=0
$SCAN --staged > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "--staged exited $status: $(cat "$T/err")"
[ "$(cut -d: -f1-3 "$T/out")" = "src/mail.ini:2:10" ] || fail "--staged: $(cat "$T/out")"
grep -q 'commit' "$T/out" && fail "--staged findings name a commit: $(cat "$T/out")"
no_secrets "$T/out" "$T/err"

# Standard input, under --stdin-name.
status=0
printf 'hello\npassword=StdinSecret-7777\n' | $SCAN --stdin-name config/app.env - > "$T/out" 2>/dev/null ||
  status=$?
[ "$status" -eq 1 ] || fail "stdin exited $status"
[ "$(cut -d: -f1-3 "$T/out")" = "config/app.env:2:10" ] || fail "--stdin-name: $(cat "$T/out")"
printf 'password=StdinSecret-7777\n' | $SCAN - > "$T/out" 2>/dev/null || true
grep -q '^(standard input):1:10: ' "$T/out" || fail "stdin default name: $(cat "$T/out")"
printf 'clean\n' | $SCAN - > "$T/out" 2>/dev/null || fail "clean stdin exited $?"

# Long lines: read in windows of --max-line bytes; a secret far into a
# line, and one across a window edge, keep their exact columns; memory
# stays bounded (the line is 4 MiB, the limit 64 KiB).
python3 - "$T/long.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("x" * (4 << 20) + " password=LongSecret-8888 " + "y" * 100 + "\n")
    # 65536 - 4096 = 61440: the second window starts there; put the key
    # across the first window's end
    f.write("z" * 65530 + " password=LongSecret-8888\n")
PY
status=0
$SCAN --max-line 64K "$T/long.txt" > "$T/out" 2> "$T/err" || status=$?
[ "$status" -eq 1 ] || fail "long lines exited $status: $(cat "$T/err")"
[ "$(sed 's/: password-assignment.*//;s/^.*long.txt://' "$T/out" | tr '\n' ' ')" = "1:4194315 2:65541 " ] ||
  fail "long-line findings: $(cut -c1-200 "$T/out")"
grep -q '2 lines over --max-line' "$T/err" || fail "long lines not counted: $(cat "$T/err")"
no_secrets "$T/out" "$T/err"
# A removed line longer than --max-line is skipped whole: its later
# windows are not patch headers, so a hunk header or a file header hidden
# in its text cannot end the hunk early or rename the file, and the line
# the same hunk adds is still read.
H="$T/hunk"
mkdir "$H" && cd "$H" && git init -q .
for fake in '@@ -0,0 +0,0 @@' '+++ b/venv/x' 'diff --git a/b b/b'; do
  python3 -c 'import sys; open("a.txt", "w").write("x" * 63 + sys.argv[1] + "\n")' "$fake"
  git add a.txt && git commit -q -m long
  printf 'password=HistorySecret-5555\n' > a.txt
  git commit -q -am secret
  status=0
  $SCAN --git --max-line 64 HEAD~1..HEAD > "$T/out" 2> "$T/err" || status=$?
  [ "$status" -eq 1 ] || fail "a removed long line ending in '$fake' hid the added line: exit $status $(cat "$T/err")"
  grep -q '^a.txt:1:10: ' "$T/out" || fail "removed long line '$fake': $(cat "$T/out")"
done
no_secrets "$T/out" "$T/err"
echo "scan-git: ok"
