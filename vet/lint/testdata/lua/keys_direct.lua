%key k
%arg n integer
redis.call('SET', k, n)
return KEYS[2] -- want "RL101 KEYS\[...\] in a script that declares"
