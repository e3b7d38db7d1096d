%key lock
%arg token
return redis.call("DEL", lock)
