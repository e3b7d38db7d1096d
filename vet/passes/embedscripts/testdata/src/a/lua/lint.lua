%key k
local x = undefined_global -- want "error: read of global undefined_global, which Redis does not provide \(W113\)"
return redis.call('GET', k) .. x
