#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, Docker: a private key a program prints on several
# lines becomes one json-file entry (or journald entry) per line; the
# masker carries the block from one JSON line to the next, so every line
# of it is masked, as in plain text, and each line stays valid JSON.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
python3 - > "$T/in.json" <<'PY'
import json
lines = ["starting", "-----BEGIN RSA PRIVATE KEY-----",
         "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi5nBs0sKYRQMkpNAEmNeFSxQ",
         "s0sKYRQMkpNAEmNeFSxQMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi5nB",
         "-----END RSA PRIVATE KEY-----", "done"]
for i, t in enumerate(lines):
    print(json.dumps({"log": t + "\n", "stream": "stdout", "time": "2024-05-01T10:00:00.%09dZ" % i},
                     separators=(",", ":")))
PY
"$LOGMASK" --format json < "$T/in.json" > "$T/out.json" || fail "logmask exited $?"
grep -q 'MIIEpAIBAAKCAQEA3Tz2\|s0sKYRQMkpNAEmNeF' "$T/out.json" &&
  fail "PEM body lines in json-file entries passed unmasked"
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out.json" ||
  fail "output is not JSON"
echo "json-blocks: ok"
