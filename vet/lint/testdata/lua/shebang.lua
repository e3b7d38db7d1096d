#!lua flags=no-writes
return redis.call('GET', 'k')
