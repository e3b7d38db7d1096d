package bench

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

const incr = "return redis.call('INCRBY', KEYS[1], ARGV[1])"

// impl is one way of calling the script: open makes a call function
// (and what closes it) for a number of goroutines.
type impl struct {
	name string
	open func(b *testing.B, addr string, goroutines int) (call func(ctx context.Context, key string) error, close func())
}

// caller makes the call function of one way of calling over a go-redis
// client.
type caller func(rdb redis.UniversalClient) func(ctx context.Context, key string) error

// autoPipelined is caller over go-redis's AutoPipeliner made with opts
// (nil: go-redis's defaults).
func autoPipelined(opts *redis.AutoPipelineOptions, call caller) func(*testing.B, string, int) (func(context.Context, string) error, func()) {
	return func(b *testing.B, addr string, _ int) (func(context.Context, string) error, func()) {
		rdb := redis.NewClient(&redis.Options{Addr: addr, AutoPipelineOptions: opts})
		ap, err := rdb.AutoPipeline()
		if err != nil {
			b.Fatal(err)
		}
		return call(ap), func() { ap.Close(); rdb.Close() }
	}
}

// plain is caller over a plain go-redis client with a connection per
// goroutine.
func plain(call caller) func(*testing.B, string, int) (func(context.Context, string) error, func()) {
	return func(b *testing.B, addr string, g int) (func(context.Context, string) error, func()) {
		rdb := redis.NewClient(&redis.Options{Addr: addr, PoolSize: g})
		return call(rdb), func() { rdb.Close() }
	}
}

// batched is the prototype batcher (batcher_test.go) with at most
// inFlight pipelines in flight, on a plain client of twice as many
// connections.
func batched(script *resolve.Script, inFlight int) func(*testing.B, string, int) (func(context.Context, string) error, func()) {
	return func(b *testing.B, addr string, _ int) (func(context.Context, string) error, func()) {
		rdb := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 2 * inFlight})
		bt := newBatcher(rdb, inFlight)
		return func(ctx context.Context, key string) error {
			return bt.Run(ctx, script, map[string]any{"k": key, "n": 1}).Err()
		}, func() { rdb.Close() }
	}
}

func impls(b *testing.B) []impl {
	script, err := resolve.New(nil).Parse("incr", "%key k\n%arg n integer\n"+incr)
	if err != nil {
		b.Fatal(err)
	}
	withMap := func(rdb redis.UniversalClient) func(ctx context.Context, key string) error {
		e := engine.New(rdb)
		return func(ctx context.Context, key string) error {
			return e.Run(ctx, script, map[string]any{"k": key, "n": 1}).Err()
		}
	}
	ordered := func(rdb redis.UniversalClient) func(ctx context.Context, key string) error {
		e := engine.New(rdb)
		return func(ctx context.Context, key string) error {
			return e.Run(ctx, script, engine.Ordered{key, 1}).Err()
		}
	}
	goredis := func(rdb redis.UniversalClient) func(ctx context.Context, key string) error {
		s := redis.NewScript(incr)
		return func(ctx context.Context, key string) error {
			return s.Run(ctx, rdb, []string{key}, 1).Err()
		}
	}
	return []impl{
		{"rueidis", func(b *testing.B, addr string, _ int) (func(context.Context, string) error, func()) {
			c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
			if err != nil {
				b.Fatal(err)
			}
			lua := rueidis.NewLuaScript(incr)
			return func(ctx context.Context, key string) error {
				return lua.Exec(ctx, c, []string{key}, []string{"1"}).Error()
			}, c.Close
		}},
		{"engine_autopipeline", autoPipelined(engine.AutoPipelineOptions(), withMap)},
		{"engine_autopipeline_ordered", autoPipelined(engine.AutoPipelineOptions(), ordered)},
		{"engine_autopipeline_defaults", autoPipelined(nil, withMap)},
		{"goredis_autopipeline", autoPipelined(engine.AutoPipelineOptions(), goredis)},
		{"engine_batcher_prototype_2", batched(script, 2)},
		{"engine_batcher_prototype_8", batched(script, 8)},
		{"engine", plain(withMap)},
		{"goredis", plain(goredis)},
	}
}

// BenchmarkConcurrentCalls: single script calls (INCRBY of a key per
// goroutine, a fresh values map per engine call) from 1, 16, 64 and 256
// goroutines on one real redis-server: rueidis's LuaScript
// (auto-pipelining), the engine on go-redis's AutoPipeliner (with
// engine.AutoPipelineOptions, the same with engine.Ordered values instead
// of a map, and with go-redis's defaults), go-redis's
// EVALSHA on the same tuned AutoPipeliner, the engine on a plain go-redis
// client, go-redis's Script.Run. With -count N the
// implementations run in interleaved blocks. Besides ns/op (the inverse
// of throughput) each reports the latency of a call (p50-ns, p99-ns), the
// client's CPU per call (cpu-ns/op: user+system time of this process)
// and the server's (server-cpu-ns/op, from INFO cpu).
func BenchmarkConcurrentCalls(b *testing.B) {
	srv := redistest.Real(b)
	info := srv.Client(b)
	for _, g := range []int{1, 16, 64, 256} {
		b.Run("goroutines="+strconv.Itoa(g), func(b *testing.B) {
			for _, im := range impls(b) {
				b.Run("impl="+im.name, func(b *testing.B) {
					call, closeFn := im.open(b, srv.Addr, g)
					defer closeFn()
					measure(b, info, g, call)
				})
			}
		})
	}
}

// measure runs b.N calls spread over g goroutines and reports latency
// percentiles and CPU per call.
func measure(b *testing.B, info *redis.Client, g int, call func(ctx context.Context, key string) error) {
	ctx := context.Background()
	// Warm up: scripts loaded, connections open.
	for i := range g {
		if err := call(ctx, "k"+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	lat := make([][]time.Duration, g)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	serverBefore := serverCPU(b, info)
	clientBefore := clientCPU()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "k" + strconv.Itoa(i)
			own := make([]time.Duration, 0, b.N/g+1)
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := call(ctx, key); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				own = append(own, time.Since(t0))
			}
			lat[i] = own
		}()
	}
	wg.Wait()
	b.StopTimer()
	client := clientCPU() - clientBefore
	server := serverCPU(b, info) - serverBefore
	if p := failed.Load(); p != nil {
		b.Fatal(*p)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	b.ReportMetric(float64(all[len(all)/2]), "p50-ns")
	b.ReportMetric(float64(all[len(all)*99/100]), "p99-ns")
	b.ReportMetric(float64(client)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(server)/float64(b.N), "server-cpu-ns/op")
}

// clientCPU is the user and system CPU time this process has used.
func clientCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time the server has used (INFO cpu, main thread
// and the others).
func serverCPU(b *testing.B, c *redis.Client) time.Duration {
	text, err := c.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_user" || k == "used_cpu_sys") {
			var f float64
			fmt.Sscan(v, &f)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}
