-- No directives: KEYS and ARGV are the script's own business.
return redis.call('GET', KEYS[1]) .. ARGV[1]
