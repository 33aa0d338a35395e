#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, Docker: the json-file driver's files of two containers
# followed live with `tail -q -n +1 -F ... | logmask --format json`.  The
# lines are written the way dockerd's json-file driver writes them
# ({"log":"TEXT\n","stream":"stdout|stderr","time":"RFC 3339 nanoseconds"},
# one object per line, the text JSON-escaped); dockerd itself cannot run
# here.  Every line comes out while the files are still being written, as
# valid JSON with "stream" and "time" unchanged, and no secret is left.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
tail --version 2> /dev/null | grep -q GNU || { echo "SKIP: needs GNU tail (-F, --pid)"; exit 77; }

mkdir -p "$T/containers/aaa" "$T/containers/bbb"
: > "$T/containers/aaa/aaa-json.log"
: > "$T/containers/bbb/bbb-json.log"
# writer: alternates between the two files, a line every few ms
cat > "$T/writer.py" <<'PY'
import json, sys, time
d = sys.argv[1]
texts = [
    "2024-05-01 10:00:00,001 INFO login user=bob password=Hunter2Secret9",
    '{"level":"info","msg":"db","dsn":"postgres://shop:Wint3rIsC0ming@db.internal:5432/shop"}',
    "GET /api/orders?access_token=Q2hhbmdlTWVQbGVhc2U5 200",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA",
    "plain line with \"quotes\", a tab\tand unicode caf\u00e9",
]
for i in range(200):
    c = "aaa" if i % 2 else "bbb"
    rec = {"log": texts[i % len(texts)] + " #%d\n" % i, "stream": "stderr" if i % 3 else "stdout",
           "time": "2024-05-01T10:00:%02d.%09dZ" % (i // 10, i * 1000)}
    with open("%s/%s/%s-json.log" % (d, c, c), "a") as f:
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    time.sleep(0.002)
time.sleep(0.3)
PY
python3 "$T/writer.py" "$T/containers" &
writer=$!
tail -q -n +1 --pid="$writer" -F "$T"/containers/*/*-json.log | "$LOGMASK" --format json > "$T/out.json" 2> "$T/err" &
pipeline=$!
wait "$writer" || fail "writer failed"
wait "$pipeline" || fail "pipeline exited $?: $(cat "$T/err")"
cat "$T"/containers/*/*-json.log > "$T/in.json"

python3 - "$T/in.json" "$T/out.json" <<'PY' || fail "docker json-file output check failed"
import json, sys
ins = [json.loads(l) for l in open(sys.argv[1])]
outs = [json.loads(l) for l in open(sys.argv[2])]
assert len(outs) == len(ins) == 200, (len(ins), len(outs))
text = open(sys.argv[2]).read()
for s in ("Hunter2Secret9", "Wint3rIsC0ming", "Q2hhbmdlTWVQbGVhc2U5", "c2lnbmF0dXJlLXNlY3JldA"):
    assert s not in text, "leaked: " + s
by_n = {o["log"].rsplit("#", 1)[1]: o for o in outs}
for i in ins:
    o = by_n[i["log"].rsplit("#", 1)[1]]
    assert o["stream"] == i["stream"] and o["time"] == i["time"], "stream/time changed"
    assert o["log"].endswith("\n")
    if "plain line" in i["log"]:
        assert o["log"] == i["log"], "a clean line changed"
PY
echo "docker: ok"
