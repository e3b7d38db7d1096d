-- Lua 5.1 gives a vararg function the local table arg: no global read.
local function count(...)
  return arg.n
end
local function first(...)
  local n = select('#', ...)
  return n > 0 and arg[1] or nil
end
-- The main chunk has no arg.
local top = arg -- want "W113 read of global arg"
return {count(1, 2, 3), first('x'), top}
