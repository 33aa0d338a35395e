#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The documented CI recipes hold: .pre-commit-hooks.yaml and the files in
# contrib/ci/ parse as YAML with the structure their tools read, and the
# `logmask scan` commands they run work on a repository: new secret, exit 1
# and a SARIF file; everything in the baseline, exit 0.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need git
need python3
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml not installed"; exit 77; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
  GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch main

python3 - "$top_srcdir" "$T/commands" <<'PY' || fail "recipe files"
import sys, yaml
top, out = sys.argv[1:]
hooks = yaml.safe_load(open(f"{top}/.pre-commit-hooks.yaml"))
assert isinstance(hooks, list) and {h["id"] for h in hooks} == {"logmask-scan", "logmask-scan-staged"}
for h in hooks:
    assert h["language"] == "system" and h["entry"].startswith("logmask scan") and h["name"], h
    assert isinstance(h["pass_filenames"], bool)
gh = yaml.safe_load(open(f"{top}/contrib/ci/github-actions.yml"))
on = gh.get("on", gh.get(True))  # YAML 1.1 reads the key `on` as true
assert "pull_request" in on and "push" in on, on
job = gh["jobs"]["scan"]
assert job["permissions"]["security-events"] == "write", job["permissions"]
steps = job["steps"]
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(upload) == 1 and upload[0]["if"] == "always()" and upload[0]["with"]["sarif_file"] == "logmask.sarif"
assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
gh_cmds = [s["run"] for s in steps if s.get("run", "").startswith("logmask scan")]
assert len(gh_cmds) == 2, gh_cmds
gl = yaml.safe_load(open(f"{top}/contrib/ci/gitlab-ci.yml"))
job = gl["logmask-scan"]
assert job["artifacts"]["when"] == "always" and "logmask.sarif" in job["artifacts"]["paths"]
assert job["variables"]["GIT_DEPTH"] == "0"
with open(out, "w") as f:
    for c in gh_cmds:
        f.write("github\t" + c.strip() + "\n")
    f.write("gitlab\t" + "\n".join(job["script"]).replace("\n", "; ") + "\n")
PY

# A repository with a history: a clean first commit, then a secret.
R="$T/repo"
mkdir -p "$R" && cd "$R"
git init -q .
printf 'hello\n' > README
git add README && git commit -q -m one
base=$(git rev-parse HEAD)
printf 'password=RecipeSecret-3141\n' > app.ini
git add app.ini && git commit -q -m two
printf '{"version": 1, "fingerprint": "sha256", "findings": []}\n' > .logmask-baseline.json
export PATH="$top_builddir/filters:$PATH" BASE_SHA="$base" CI_MERGE_REQUEST_DIFF_BASE_SHA="$base"
while IFS="$(printf '\t')" read -r ci cmd; do
  rm -f logmask.sarif logmask.json
  status=0
  sh -c "$cmd" > "$T/out" 2>&1 || status=$?
  [ "$status" -eq 1 ] || fail "$ci: '$cmd' exited $status with a new secret: $(cat "$T/out")"
  case $cmd in
    *"--output logmask.sarif"*)
      python3 "$top_srcdir/tests/scan/sarif_github.py" logmask.sarif || fail "$ci: SARIF" ;;
  esac
  grep -q RecipeSecret "$T/out" && fail "$ci: secret in the output"
done < "$T/commands"
# Accepted in the baseline: every command passes.
logmask scan --baseline .logmask-baseline.json --update-baseline 2>/dev/null || fail "baseline"
while IFS="$(printf '\t')" read -r ci cmd; do
  status=0
  sh -c "$cmd" > "$T/out" 2>&1 || status=$?
  [ "$status" -eq 0 ] || fail "$ci: '$cmd' exited $status with the secret accepted: $(cat "$T/out")"
done < "$T/commands"
echo "scan-recipes: ok ($(wc -l < "$T/commands") recipes)"
