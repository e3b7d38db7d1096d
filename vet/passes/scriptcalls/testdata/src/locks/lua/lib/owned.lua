%pragma once
local function owned(lock, token)
  return redis.call('GET', lock) == token
end
