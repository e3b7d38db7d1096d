%key k
%arg v
return redis.call('SET', k, v)
