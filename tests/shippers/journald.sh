#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, journald: `journalctl --all --output=json | logmask
# --format json` on a real journal file (written by Debian's
# systemd-journal-remote from export-format entries, read by Debian's
# journalctl): secrets in MESSAGE and other fields are masked, every line
# stays a JSON object with the same fields, clean fields are untouched, and
# a field over 4 KiB (null without --all) is masked too.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need journalctl
need python3
remote=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
  [ -x "$p" ] && remote=$p && break
done
[ -n "$remote" ] || { echo "SKIP: systemd-journal-remote not installed"; exit 77; }

python3 - "$T/in.export" <<'PY'
import sys
pad = "x" * 5000
entries = [
    {"MESSAGE": "login user=bob password=Hunter2Secret9 from 10.0.0.7",
     "_CMDLINE": "/usr/bin/shop --db postgres://shop:Wint3rIsC0ming@db.internal/shop"},
    {"MESSAGE": "GET /health 200 3ms"},
    {"MESSAGE": '{"level":"info","msg":"auth","password":"JsonPassw0rdXyz","token":"r4nd0mT0kenValue9xQ"}'},
    {"MESSAGE": pad + " api_key=LongFieldSecret77abc"},
    {"MESSAGE": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA"},
]
with open(sys.argv[1], "w") as f:
    for i, e in enumerate(entries):
        f.write("__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n" % (1714557600000000 + i, 1000 + i))
        f.write("_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web-1\n")
        f.write("SYSLOG_IDENTIFIER=shop\n_PID=4242\nPRIORITY=6\n")
        for k, v in e.items():
            f.write("%s=%s\n" % (k, v))
        f.write("\n")
PY
"$remote" --output="$T/remote.journal" "$T/in.export" 2> "$T/remote.err" ||
  fail "systemd-journal-remote: $(cat "$T/remote.err")"
journalctl --file="$T/remote.journal" --no-pager --all --output=json > "$T/journal.json" ||
  fail "journalctl failed"
[ "$(wc -l < "$T/journal.json")" -eq 5 ] || fail "journalctl wrote $(wc -l < "$T/journal.json") entries, want 5"
"$LOGMASK" --format json < "$T/journal.json" > "$T/out.json" 2> "$T/err" || fail "logmask exited $?: $(cat "$T/err")"

python3 - "$T/journal.json" "$T/out.json" <<'PY' || fail "journald output check failed"
import json, sys
ins = [json.loads(l) for l in open(sys.argv[1])]
outs = [json.loads(l) for l in open(sys.argv[2])]   # every line valid JSON
assert len(ins) == len(outs), (len(ins), len(outs))
secrets = ["Hunter2Secret9", "Wint3rIsC0ming", "JsonPassw0rdXyz", "r4nd0mT0kenValue9xQ",
           "LongFieldSecret77abc", "c2lnbmF0dXJlLXNlY3JldA"]
text = open(sys.argv[2]).read()
for s in secrets:
    assert s not in text, "leaked: " + s
for a, b in zip(ins, outs):
    assert set(a) == set(b), ("fields changed", set(a) ^ set(b))
    for k in ("__CURSOR", "__REALTIME_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_PID"):
        assert a[k] == b[k], ("field changed", k)
clean = [b for b in outs if b["MESSAGE"] == "GET /health 200 3ms"]
assert len(clean) == 1, "the clean message changed"
long = [b for b in outs if b["MESSAGE"].startswith("x" * 100)]
assert len(long) == 1 and "api_key=" in long[0]["MESSAGE"], "the long message was not kept and masked"
inner = [b for b in outs if b["MESSAGE"].startswith("{")]
assert len(inner) == 1
json.loads(inner[0]["MESSAGE"])   # JSON inside MESSAGE stays JSON
PY
echo "journald: ok"
