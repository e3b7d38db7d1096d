-- goto and labels are Lua 5.2: gopher-lua reads them, Redis refuses them.
local i = 0
::again:: -- want "E011 a label \(::again::\) is Lua 5.2"
i = i + 1
if i < 3 then goto again end -- want "E011 goto is Lua 5.2"
return i
