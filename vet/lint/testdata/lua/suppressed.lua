c = 5 -- redislua:ignore
d = 1 -- redislua:ignore W113 -- want "W111 assignment to global d"
local e = 1 -- redislua:ignore W211
return 1
