#!lua flags=no-writes
%key k
local v = redis.call('GET', k)
redis.call('SET', k, 'x') -- want "RL109 SET writes, in a script whose flags say no-writes"
redis.pcall('del', k) -- want "RL109 DEL writes"
return v
