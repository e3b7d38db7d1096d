package cli

import "github.com/redis/go-redis/v9"

// redisNil is go-redis's nil reply.
var redisNil = redis.Nil
