%key counter
%arg n integer
%include "lib/helper"
%return integer
local v = check(n)
return redis.call("INCRBY", counter, v)
