-- Numerals as Redis's Lua 5.1 reads them: 0x1p4 is 16 (gopher-lua
-- refuses it), 3e is malformed (gopher-lua accepts it).
local a = 0x1p4 + 0X1P4 + 0x10 + 1e5 + .5 + 5. + 2E-3
local s = "3e in a string" -- and 3e in a comment
local b = 3e -- want "E011 malformed number near '3e'"
return {a, b, s}
