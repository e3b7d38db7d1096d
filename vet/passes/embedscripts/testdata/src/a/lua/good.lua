%key k
%include "lib/util"
return clamp(redis.call('INCR', k), 0, 10)
