-- Redis 7's global tables are read-only: each of these fails the script.
function table.extend(t, u) return t end -- want "W122 assignment to a field of the global table"
redis.call = nil -- want "W122 assignment to a field of the global redis"
_G.x = 1 -- want "W122 assignment to a field of the global _G"
function string:shout() return self end -- want "W122 assignment to a field of the global string"
cjson.encode_keep_buffer = false -- want "W122 assignment to a field of the global cjson"
-- Using a field the script (fails to) define is the same mistake, once.
local u = table.extend({}, {})
-- A local table, or a local that hides a global, is the script's own.
local t = {}
t.x = 1
local string = {}
string.x = 2
function t.f() return 1 end
return {t.x, string.x, t.f(), u}
