-- Redis keeps only the first value a script returns.
local function pair() return 1, 2 end -- a function may return several
local a, b = pair()
if a then
  return a, b -- want "RL106 the script returns 2 values: Redis keeps the first"
end
return pair()
