-- A token bucket: allow up to `capacity` requests, refilled at `rate`
-- tokens per second. Returns whether this request is allowed and how
-- many tokens are left.
%include "lib/util"
%key bucket_key
%arg capacity integer
%arg rate number
%arg cost integer
%return dict

local now = now_ms()
local state = redis.call('HMGET', bucket_key, 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now

tokens = clamp(tokens + (now - ts) * rate / 1000, 0, capacity)
local allowed = tokens >= cost
if allowed then
  tokens = tokens - cost
end
redis.call('HSET', bucket_key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', bucket_key, math.ceil(capacity / rate * 1000))

return cjson.encode({allowed = allowed, remaining = math.floor(tokens)})
