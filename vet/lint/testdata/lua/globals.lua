c = 5 -- want "W111 assignment to global c"
function helper() end -- want "W111 function helper defines a global"
local y = undefined_thing -- want "W113 read of global undefined_thing"
print('x') -- want "W113 read of global print"
local t = table.concat({tostring(1), string.rep('a', 2)}, ',')
local n = tonumber(redis.call('GET', 'k')) or math.floor(1.5) -- want "RL108 GET key argument 1 is neither a declared key"
local ok = pcall(function() return cjson.encode({}) end)
local m = cmsgpack and struct and bit
local function helper2(z) return z end
return {y, t, n, ok, m, helper2(1), _VERSION, type(KEYS), #ARGV}
