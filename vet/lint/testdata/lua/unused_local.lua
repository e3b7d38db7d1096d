local x = 1 -- want "W211 unused variable x"
local _ = 2
local _private = 3
local y = 4
local function unused_fn() end -- want "W211 unused variable unused_fn"
for i = 1, 2 do end
for k, v in pairs({}) do end
local function recursive(n) if n > 0 then return recursive(n - 1) end return 0 end
return y + recursive(2)
