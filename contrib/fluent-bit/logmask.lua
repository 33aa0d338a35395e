-- SPDX-License-Identifier: Apache-2.0
-- Fluent Bit Lua filter that masks secrets with liblogmask through
-- LuaJIT's FFI, in process, before any output sees the record:
--
--   [FILTER]
--       Name    lua
--       Match   *
--       script  /etc/fluent-bit/logmask.lua
--       call    logmask_filter
--
-- Masks the string values of FIELDS (each line of a multi-line value), with
-- one masker per tag so that a multi-line secret (a PEM block) is followed
-- across the records of one source only.  Fails closed: a record that
-- cannot be masked is dropped.  LOGMASK_LIB names the library when it is
-- not the installed liblogmask.so.0.

local FIELDS = { "log", "message" }
local FORMAT = "auto"

local ffi = require("ffi")
ffi.cdef [[
typedef struct lm_ruleset lm_ruleset;
typedef struct lm_masker lm_masker;
typedef struct lm_line {
  const char *text;
  size_t len;
  unsigned flags;
  unsigned secrets;
} lm_line;
lm_ruleset *lm_ruleset_new(void);
void lm_ruleset_free(lm_ruleset *set);
int lm_ruleset_load_defaults(lm_ruleset *set);
int lm_ruleset_compile(lm_ruleset *set);
lm_masker *lm_masker_new(const lm_ruleset *set);
void lm_masker_free(lm_masker *m);
int lm_masker_set_format(lm_masker *m, const char *format);
int lm_masker_line(lm_masker *m, const char *line, size_t len, lm_line *out);
const char *lm_strerror(int status);
]]

local lib = ffi.load(os.getenv("LOGMASK_LIB") or "liblogmask.so.0")
local LM_LINE_DROPPED = 0x02

local set = lib.lm_ruleset_new()
assert(set ~= nil, "liblogmask: out of memory")
ffi.gc(set, lib.lm_ruleset_free)
local st = lib.lm_ruleset_load_defaults(set)
if st == 0 then st = lib.lm_ruleset_compile(set) end
assert(st == 0, "liblogmask: " .. ffi.string(lib.lm_strerror(st)))

local maskers = {}
local out = ffi.new("lm_line[1]")

local function masker_for(tag)
  local m = maskers[tag]
  if m == nil then
    m = lib.lm_masker_new(set)
    assert(m ~= nil, "liblogmask: out of memory")
    ffi.gc(m, lib.lm_masker_free)
    assert(lib.lm_masker_set_format(m, FORMAT) == 0, "liblogmask: bad FORMAT")
    maskers[tag] = m
  end
  return m
end

-- The masked value, or nil when the library refused a line.
local function mask_value(m, value)
  local parts, changed = {}, false
  for line, nl in string.gmatch(value, "([^\n]*)(\n?)") do
    if line == "" and nl == "" then break end
    if lib.lm_masker_line(m, line, #line, out) ~= 0 then return nil end
    local r = out[0]
    if r.text == nil or bit.band(r.flags, LM_LINE_DROPPED) ~= 0 then
      parts[#parts + 1] = nl
      changed = true
    else
      local text = ffi.string(r.text, r.len)
      if text ~= line then changed = true end
      parts[#parts + 1] = text .. nl
    end
  end
  if not changed then return value end
  return table.concat(parts)
end

function logmask_filter(tag, timestamp, record)
  local m = masker_for(tag)
  local modified = false
  for _, field in ipairs(FIELDS) do
    local v = record[field]
    if type(v) == "string" and v ~= "" then
      local masked = mask_value(m, v)
      if masked == nil then return -1, timestamp, record end
      if masked ~= v then
        record[field] = masked
        modified = true
      end
    end
  end
  if modified then return 2, timestamp, record end
  return 0, timestamp, record
end
