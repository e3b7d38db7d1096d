package bench

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

const incr = "return redis.call('INCRBY', KEYS[1], ARGV[1])"

// BenchmarkConcurrentCalls: single script calls from many goroutines
// (b.SetParallelism × GOMAXPROCS), one per op, on one real redis-server:
// rueidis (auto-pipelining), the engine on go-redis's AutoPipeliner, the
// engine on a plain go-redis client, plain go-redis EVALSHA.
func BenchmarkConcurrentCalls(b *testing.B) {
	srv := redistest.Real(b)
	ctx := context.Background()
	script, err := resolve.New(nil).Parse("incr", "%key k\n%arg n integer\n"+incr)
	if err != nil {
		b.Fatal(err)
	}
	for _, par := range []int{32, 128} { // × GOMAXPROCS 2: 64 and 256 goroutines
		b.Run("goroutines="+strconv.Itoa(2*par), func(b *testing.B) {
			b.Run("impl=rueidis", func(b *testing.B) {
				c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}, DisableCache: true})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				lua := rueidis.NewLuaScript(incr)
				run(b, par, func(key string) error {
					return lua.Exec(ctx, c, []string{key}, []string{"1"}).Error()
				})
			})
			b.Run("impl=engine_autopipeline", func(b *testing.B) {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
				defer rdb.Close()
				ap, err := rdb.AutoPipeline()
				if err != nil {
					b.Fatal(err)
				}
				defer ap.Close()
				e := engine.New(ap)
				run(b, par, func(key string) error {
					return e.Run(ctx, script, map[string]any{"k": key, "n": 1}).Err()
				})
			})
			b.Run("impl=engine", func(b *testing.B) {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 2 * par})
				defer rdb.Close()
				e := engine.New(rdb)
				run(b, par, func(key string) error {
					return e.Run(ctx, script, map[string]any{"k": key, "n": 1}).Err()
				})
			})
			b.Run("impl=goredis", func(b *testing.B) {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 2 * par})
				defer rdb.Close()
				s := redis.NewScript(incr)
				run(b, par, func(key string) error {
					return s.Run(ctx, rdb, []string{key}, 1).Err()
				})
			})
		})
	}
}

var goroutine atomic.Int64

func run(b *testing.B, par int, call func(key string) error) {
	b.ReportAllocs()
	b.SetParallelism(par)
	b.RunParallel(func(pb *testing.PB) {
		key := "k" + strconv.FormatInt(goroutine.Add(1), 10)
		for pb.Next() {
			if err := call(key); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
