%key used_key
%key unused_key
-- want^ "RL102 key unused_key is declared but never used"
%arg unused_arg string
-- want^ "RL102 arg unused_arg is declared but never used"
return redis.call('GET', used_key)
