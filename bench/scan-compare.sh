#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `logmask scan` side by side with secretlint (npm, recommended preset) on
# real source trees and on the secret fixtures, for the notes (not CI):
#   bench/scan-compare.sh [--workdir DIR] [--fixtures DIR] [PACKAGE...]
# PACKAGEs are Debian source packages (default: python-django redis
# pgbouncer), fetched with apt-get source (a deb-src entry is added when apt has
# none; root needed then).  Prints per tree the findings of each tool and
# the wall time, and writes every finding to WORKDIR/PKG.TOOL.txt for
# judging by hand; on the fixtures (default ../shared/corpora/secrets) the
# positives found (recall) and negatives flagged.  Needs: a built logmask
# (LOGMASK, default ./filters/logmask), npm, python3, dpkg-dev.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
LOGMASK=${LOGMASK:-$top/filters/logmask}
work=/var/tmp/logmask-scan-compare
fixtures=$top/../shared/corpora/secrets
while [ $# -gt 0 ]; do
  case $1 in
    --workdir) work=$2; shift 2 ;;
    --fixtures) fixtures=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- python-django redis pgbouncer
mkdir -p "$work"
cd "$work"

# secretlint and its recommended preset, pinned.
if [ ! -x node_modules/.bin/secretlint ]; then
  npm install --no-audit --no-fund secretlint@13.0.6 \
    @secretlint/secretlint-rule-preset-recommend@13.0.7 >npm.log 2>&1
fi
printf '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}\n' > .secretlintrc.json

# Sources.
if ! grep -rqs '^[[:space:]]*deb-src\b\|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  out=/etc/apt/sources.list.d/logmask-deb-src.sources
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$out" ] || continue
    sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' "$f"
    echo
  done > "$out"
  apt-get update -qq
fi

now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

printf '%-16s %8s %10s %8s %10s %8s\n' tree files logmask s secretlint s
for pkg in "$@"; do
  if [ ! -d "src-$pkg" ]; then
    mkdir -p "dl-$pkg"
    # The mirror may lack the newest source (a security upload): try every
    # version apt knows, newest first.
    (cd "dl-$pkg" && for v in $(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | sort -rV); do
       apt-get source -qq "$pkg=$v" >/dev/null 2>&1 && break
     done)
    mv "$(find "dl-$pkg" -mindepth 1 -maxdepth 1 -type d | head -1)" "src-$pkg"
  fi
  files=$(find "src-$pkg" -type f | wc -l)
  t0=$(now)
  "$LOGMASK" scan --no-progress --color=never "src-$pkg" > "$pkg.logmask.txt" 2> "$pkg.logmask.err" || true
  t1=$(now)
  node_modules/.bin/secretlint --format unix --maskSecrets "src-$pkg/**/*" > "$pkg.secretlint.txt" 2>&1 || true
  t2=$(now)
  printf '%-16s %8s %10s %8s %10s %8s\n' "$pkg" "$files" "$(grep -c . "$pkg.logmask.txt" || true)" \
    "$(secs "$t0" "$t1")" "$(grep -c ': line [0-9]*, col [0-9]*,\|:[0-9]*:[0-9]*: ' "$pkg.secretlint.txt" || true)" \
    "$(secs "$t1" "$t2")"
done

# Fixtures: one file per row; a row counts when the tool reports anything
# in its file.
if [ -f "$fixtures/positives.tsv" ]; then
  rm -rf fixtures && mkdir -p fixtures/pos fixtures/neg
  python3 - "$fixtures" <<'PY'
import sys
src = sys.argv[1]
def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"\\": "\\", "t": "\t", "r": "\r", "n": "\n"}.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            out.append(s[i]); i += 1
    return "".join(out)
for kind in ("pos", "neg"):
    rows = open(f"{src}/{'positives' if kind == 'pos' else 'negatives'}.tsv", newline='').read().split('\n')[1:]
    rows = [r for r in rows if r]
    for n, row in enumerate(rows):
        text = unescape(row.split("\t")[1])
        open(f"fixtures/{kind}/{n:04d}.txt", "w").write(text + ("" if text.endswith("\n") else "\n"))
PY
  for kind in pos neg; do
    total=$(ls fixtures/$kind | wc -l)
    "$LOGMASK" scan --no-progress --color=never "fixtures/$kind" 2>/dev/null | cut -d: -f1 | sort -u > "fix-$kind.logmask" || true
    node_modules/.bin/secretlint --format unix "fixtures/$kind/*" 2>/dev/null |
      sed -n 's|^\([^:]*fixtures/[a-z]*/[0-9]*\.txt\):.*|\1|p' | sed "s|^$work/||" | sort -u > "fix-$kind.secretlint" || true
    echo "fixtures $kind ($total): logmask $(wc -l < "fix-$kind.logmask"), secretlint $(wc -l < "fix-$kind.secretlint") files flagged"
  done
fi
