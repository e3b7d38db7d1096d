%key lock
%arg token string
%arg ttl integer
%return boolean
return redis.call('SET', lock, token, 'NX', 'PX', ttl) ~= false
