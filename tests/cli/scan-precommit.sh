#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The pre-commit recipe, run by the real pre-commit (Debian's package) in a
# test repository: a hooks repository holding this tree's
# .pre-commit-hooks.yaml, a project using both hooks; a commit adding a
# secret is refused, a clean one goes through, a baseline lets an accepted
# one through.  Offline: pre-commit clones the hooks repository from disk.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need git
need pre-commit
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
  GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME="$T" \
  PRE_COMMIT_HOME="$T/cache" PATH="$top_builddir/filters:$PATH"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

H="$T/hooks"
mkdir -p "$H" && cd "$H"
git init -q .
cp "$top_srcdir/.pre-commit-hooks.yaml" .
git add .pre-commit-hooks.yaml && git commit -q -m hooks
rev=$(git rev-parse HEAD)

P="$T/project"
mkdir -p "$P" && cd "$P"
git init -q .
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $H
    rev: $rev
    hooks:
      - id: logmask-scan
        args: [--baseline, .logmask-baseline.json]
      - id: logmask-scan-staged
        args: [--baseline, .logmask-baseline.json]
YAML
printf '{"version": 1, "fingerprint": "sha256", "findings": []}\n' > .logmask-baseline.json
printf 'hello\n' > README
git add .pre-commit-config.yaml .logmask-baseline.json README
pre-commit install > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "pre-commit install"; }
git commit -q -m clean > "$T/out" 2>&1 || { cat "$T/out"; fail "a clean commit was refused"; }

printf 'db:\n  password: PreCommitSecret-2718\n' > config.yml
git add config.yml
if git commit -q -m secret > "$T/out" 2>&1; then fail "a commit adding a secret went through"; fi
grep -q 'config.yml:2:13: ' "$T/out" || fail "hook output: $(cat "$T/out")"
grep -q 'PreCommitSecret' "$T/out" && fail "the secret shows in the hook output"
[ "$(git rev-list --count HEAD)" -eq 1 ] || fail "the commit was made"

# Accepted in the baseline, the same commit goes through.
logmask scan --baseline .logmask-baseline.json --update-baseline config.yml 2>/dev/null ||
  fail "baseline update"
git add .logmask-baseline.json
git commit -q -m accepted > "$T/out" 2>&1 || { cat "$T/out"; fail "an accepted secret was refused"; }
echo "scan-precommit: ok"
