%key k
local x = undefined_global -- want "W113\) read of global undefined_global"
return redis.call('GET', k) .. x
