#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Calls go one way: no cycle between the library's files (layers.py), and
# every host (filters/, monitor/, contrib/, the Python extension) includes
# the public header only, never the library's internal ones.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need python3
python3 "$top_srcdir/tests/lint/layers.py" "$top_srcdir/src" > "$T/graph" 2> "$T/cycles" ||
  fail "calls between src/ files form a cycle: $(cat "$T/cycles")"
internal=$(cd "$top_srcdir/src" && ls ./*.h | sed 's|^\./||' | grep -v '^logmask\.h$' | tr '\n' '|' | sed 's/|$//')
[ -n "$internal" ] || fail "no internal headers found in src/"
if grep -rnE "#include *[\"<](\.\./)*(src/)?($internal)[\">]" \
     "$top_srcdir/filters" "$top_srcdir/monitor" "$top_srcdir/contrib" > "$T/hits"; then
  fail "a host includes an internal header of the library: $(cat "$T/hits")"
fi
echo "layers: $(wc -l < "$T/graph") library files, no cycle; hosts use the public header only"
