#!lua flags=no-writes
return redis.call('GET', 'k') -- want "RL108 GET key argument 1"
