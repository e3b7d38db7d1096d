%key counter
%arg step integer
%return integer
return redis.call('INCRBY', counter, step)
