%pragma once
-- Helpers shared by several scripts; %pragma once keeps a script that
-- reaches this file twice from defining them twice.

-- now_ms returns the server's clock in milliseconds.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- clamp keeps n within [lo, hi].
local function clamp(n, lo, hi)
  if n < lo then return lo end
  if n > hi then return hi end
  return n
end
