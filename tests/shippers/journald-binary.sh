#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# journalctl --output=json writes a field that holds a control character
# (a colour escape) or bytes that are not UTF-8 as an array of byte values,
# "MESSAGE":[27,91,...].  liblogmask reads such an array as the bytes it
# spells: a secret there is masked (the array becomes one JSON string, the
# mask), the line stays valid JSON, and an array without one is unchanged.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need journalctl
need python3
remote=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do
  [ -x "$p" ] && remote=$p && break
done
[ -n "$remote" ] || { echo "SKIP: systemd-journal-remote not installed"; exit 77; }

printf '__REALTIME_TIMESTAMP=1714557600000000\n__MONOTONIC_TIMESTAMP=1000\n_BOOT_ID=0123456789abcdef0123456789abcdef\nSYSLOG_IDENTIFIER=shop\nMESSAGE=\033[31mlogin user=bob password=Hunter2Secret9\033[0m\n\n__REALTIME_TIMESTAMP=1714557600000001\n__MONOTONIC_TIMESTAMP=1001\n_BOOT_ID=0123456789abcdef0123456789abcdef\nSYSLOG_IDENTIFIER=shop\nMESSAGE=caf\351 secret=S3cr3tValu3Latin1\n\n' > "$T/in.export"
"$remote" --output="$T/remote.journal" "$T/in.export" 2> "$T/remote.err" ||
  fail "systemd-journal-remote: $(cat "$T/remote.err")"
journalctl --file="$T/remote.journal" --no-pager --all --output=json > "$T/journal.json"
grep -q '"MESSAGE":\[' "$T/journal.json" || fail "journalctl wrote no byte array (test premise)"
"$LOGMASK" --format json < "$T/journal.json" > "$T/out.json" || fail "logmask exited $?"
python3 - "$T/out.json" <<'PY' || fail "a secret in a journald byte array passed unmasked"
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["MESSAGE"]
    text = bytes(m) if isinstance(m, list) else m.encode("utf-8", "surrogateescape")
    for s in (b"Hunter2Secret9", b"S3cr3tValu3Latin1"):
        assert s not in text, s
PY
# a byte array without a secret passes unchanged
printf '{"MESSAGE":[27,91,51,49,109,111,107],"N":[1,2,3]}\n' > "$T/plain.json"
"$LOGMASK" --format json < "$T/plain.json" | cmp -s - "$T/plain.json" ||
  fail "a byte array without a secret was changed"
echo "journald-binary: ok"
