%key queue
%arg id string
%arg name string
-- Keys built from a declared key are fine, however they are built.
local rcall = redis.call
local job = queue .. ':' .. id
rcall('HSET', job, 'name', name)
redis.call('SET', string.format('%s:last', queue), id)
redis.call('SET', ('%s:x'):format(queue), id)
local function key_of(suffix) return queue .. suffix end
redis.call('GET', key_of(':y')) -- a function of the script: not judged
for _, k in ipairs({job}) do redis.call('DEL', k) end
redis.call('MSET', queue, 1, job, 2)
-- A key the script invents, or that ARGV names.
local counter = redis.call('INCR', 'stats:' .. name) -- want "RL108 INCR key argument 1 is neither a declared key nor built from one"
rcall("DEL", ARGV[1]) -- want "RL108 DEL key argument 1" -- want "RL101 ARGV"
redis.call('MSET', queue, 1, 'other', 2) -- want "RL108 MSET key argument 3"
-- Movable keys and commands without keys are not judged (RL108).
redis.call('EVAL', 'return 1', 0) -- want "RL204 EVAL is not allowed from scripts"
redis.call('PING')
return counter
