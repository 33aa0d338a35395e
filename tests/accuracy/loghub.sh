#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Real-world false-positive check (not in make check: needs ../shared):
# runs the built logmask over every loghub sample, prints per file how many
# lines changed, and writes each changed line (before and after) to a report
# for review by hand. None of these logs should hold a secret, so every
# changed line is a false positive unless a reader finds a real secret.
#   usage: tests/accuracy/loghub.sh [REPORT]   (default: loghub-report.txt)
#   env:   LOGMASK (default: ./filters/logmask), LOGHUB_DIR
set -eu
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
logmask=${LOGMASK:-./filters/logmask}
dir=${LOGHUB_DIR:-$here/../../../shared/corpora/loghub}
report=${1:-loghub-report.txt}
[ -x "$logmask" ] || { echo "loghub.sh: $logmask: not an executable (set LOGMASK)" >&2; exit 2; }
[ -d "$dir" ] || { echo "loghub.sh: $dir: no such directory (set LOGHUB_DIR)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "loghub.sh: python3 is needed" >&2; exit 2; }
python3 - "$logmask" "$dir" "$report" <<'PY'
import glob, os, re, subprocess, sys
logmask, directory, report = sys.argv[1:]
tag = re.compile(rb"\[REDACTED:([^\]\s]+)\]")
files = sorted(glob.glob(os.path.join(directory, "*.log")))
if not files:
  sys.exit("loghub.sh: no *.log in %s" % directory)
total_in = total_changed = 0
rules = {}
with open(report, "wb") as rep:
  print("%-20s %7s %8s  %s" % ("file", "lines", "changed", "rules"))
  for path in files:
    data = open(path, "rb").read()
    proc = subprocess.run([logmask], input=data, stdout=subprocess.PIPE)
    if proc.returncode != 0:
      sys.exit("loghub.sh: %s exited %d on %s" % (logmask, proc.returncode, path))
    a, b = data.split(b"\n"), proc.stdout.split(b"\n")
    if len(a) != len(b):
      sys.exit("loghub.sh: %s: %d lines in, %d out" % (path, len(a), len(b)))
    changed = 0
    here_rules = {}
    for n, (x, y) in enumerate(zip(a, b), 1):
      if x == y:
        continue
      changed += 1
      ids = sorted({r.decode() for r in tag.findall(y)}) or ["?"]
      for r in ids:
        here_rules[r] = here_rules.get(r, 0) + 1
        rules[r] = rules.get(r, 0) + 1
      rep.write(b"%s:%d rules=%s\n  before: %s\n  after:  %s\n" % (
          os.path.basename(path).encode(), n, ",".join(ids).encode(),
          x.rstrip(b"\r"), y.rstrip(b"\r")))
    total_in += len(a) - (a[-1] == b"")
    total_changed += changed
    print("%-20s %7d %8d  %s" % (os.path.basename(path), len(a) - (a[-1] == b""), changed,
                                 " ".join("%s=%d" % kv for kv in sorted(here_rules.items()))))
print("%-20s %7d %8d  %s" % ("TOTAL", total_in, total_changed,
                             " ".join("%s=%d" % kv for kv in sorted(rules.items()))))
print("changed lines written to %s" % report)
PY
