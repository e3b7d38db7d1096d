-- Fields Redis 7 does not have: nil, and calling one fails.
local a = redis.cal('GET', 'k') -- want "W143 redis.cal does not exist in redis-7.0 \(did you mean redis.call\?\)"
local b = cjson.encod({}) -- want "W143 cjson.encod does not exist in redis-7.0 \(did you mean cjson.encode\?\)"
local c = string.len2('x') -- want "W143 string.len2 does not exist"
local d = _G.prnt -- want "W143 _G.prnt does not exist"
-- What Redis 7.0 has, read off a live server.
local e = {redis.sha1hex('x'), redis.status_reply('OK'), redis.REDIS_VERSION, cjson.null, cmsgpack.pack(1), struct.pack('>I', 1), bit.band(1, 3), math.huge, string.gfind, table.getn({}), _G.KEYS}
-- Probing for a field on purpose is no mistake; calling it is.
local unpack51 = (table.unpack or unpack)({1})
if redis.setresp3 then redis.setresp3() end
if string.len2('x') then end -- want "W143 string.len2 does not exist"
redis.replicate_commands() -- want "RL107 redis.replicate_commands\(\) does nothing since Redis 7"
return {a, b, c, d, e, unpack51}
