-- The keys of a foo. This file has a deliberate mistake on line 8 to show
-- a traceback through an include: run `redis-lua run broken_foo size=1`.
local foo_id = redis.call('INCR', 'foo:last_id')
local foo_root_key = string.format('foo:%s', foo_id)
local foo_members_key = foo_root_key .. ':members'

-- Mistake: foo_size_key is read before it exists (check would say so too).
local foo_size_key = foo_size_key .. ':size' -- redislua:ignore W113
