#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# docs/shippers.md, Fluent Bit: contrib/fluent-bit/logmask.lua run by
# Debian's LuaJIT against this build's liblogmask.so, called the way
# Fluent Bit's lua filter calls it (tag, timestamp, record) -> (code,
# timestamp, record): secrets in "log" and "message" are masked (code 2), a
# clean record is passed as is (code 0), other keys are untouched, and a PEM
# block spread over records of one tag is masked throughout.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/setup"
need luajit
so=$top_builddir/src/.libs/liblogmask.so
[ -f "$so" ] || { echo "SKIP: no shared liblogmask in this build (--disable-shared)"; exit 77; }
cat > "$T/harness.lua" <<'LUA'
dofile(arg[1])
local function check(cond, what) if not cond then io.stderr:write("FAIL: " .. what .. "\n"); os.exit(1) end end
local code, ts, r = logmask_filter("app", 1714557600, {
  log = "login user=bob password=Hunter2Secret9\n", stream = "stdout", password = "kept-key" })
check(code == 2, "secret record: code " .. tostring(code))
check(ts == 1714557600, "timestamp changed")
check(not r.log:find("Hunter2Secret9"), "log leaked: " .. r.log)
check(r.log:find("password=%[REDACTED"), "log not masked: " .. r.log)
check(r.log:sub(-1) == "\n", "line end lost")
check(r.stream == "stdout" and r.password == "kept-key", "other keys changed")
code, ts, r = logmask_filter("app", 1, { message = "GET /health 200" })
check(code == 0 and r.message == "GET /health 200", "clean record changed")
code, ts, r = logmask_filter("app", 1, { message = "a\ndb postgres://shop:Wint3rIsC0ming@db/shop\nb" })
check(code == 2 and not r.message:find("Wint3rIsC0ming") and r.message:sub(1, 2) == "a\n"
      and r.message:sub(-2) == "\nb", "multi-line value: " .. r.message)
local pem = { "-----BEGIN RSA PRIVATE KEY-----",
              "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi5nBs0sKYRQMkpNAEmNeFSxQ",
              "-----END RSA PRIVATE KEY-----", "after the key" }
local seen = {}
for i, l in ipairs(pem) do
  code, ts, r = logmask_filter("keys", i, { log = l })
  seen[i] = r.log
end
check(not seen[2]:find("MIIEpAIBAAKCAQEA3Tz2"), "PEM body across records leaked: " .. seen[2])
check(seen[4] == "after the key", "the block did not end: " .. seen[4])
print("lua-ffi: ok")
LUA
LOGMASK_LIB=$so luajit "$T/harness.lua" "$top_srcdir/contrib/fluent-bit/logmask.lua" ||
  fail "the Fluent Bit Lua filter failed"
