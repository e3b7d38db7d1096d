local a = 1
local b = = 2 -- want "E011 unexpected symbol|syntax error"
