package engine_test

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// Benchmarks of conformance/SPEC.md §9, each beside its baseline in the same run:
// sub-benchmarks differ only in impl=engine / impl=goredis, so that
//
//	benchstat -col /impl bench.txt
//
// prints the ratio. They use a real redis-server when installed.

var benchScripts = fstest.MapFS{
	"typed.lua":   {Data: []byte("%key counter\n%arg step integer\n%return integer\nreturn redis.call('INCRBY', counter, step)\n")},
	"untyped.lua": {Data: []byte("%key counter\n%arg step\nreturn redis.call('INCRBY', counter, step)\n")},
}

// callCases runs f for the typed and the untyped script (loaded on c),
// at 1, 4 and 16 goroutines; prefix names the case.
func callCases(b *testing.B, c *redis.Client, f func(s *resolve.Script, prefix string, g int)) {
	for _, name := range []string{"typed", "untyped"} {
		s := benchScript(b, name)
		c.ScriptLoad(context.Background(), s.Source())
		for _, g := range []int{1, 4, 16} {
			f(s, fmt.Sprintf("script=%s/g=%d", name, g), g)
		}
	}
}

// benchEngine returns a client of a server started for the benchmark
// and an engine over it.
func benchEngine(b *testing.B) (*redis.Client, *engine.Engine) {
	c := redistest.New(b).Client(b)
	return c, engine.New(c)
}

// newPipe returns a pipeline of c, or a transaction when mode is "multi".
func newPipe(c *redis.Client, mode string) redis.Pipeliner {
	if mode == "multi" {
		return c.TxPipeline()
	}
	return c.Pipeline()
}

func benchScript(b *testing.B, name string) *resolve.Script {
	s, err := resolve.New(benchScripts).Load(name)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCall: one call through the engine vs the same EVALSHA through
// go-redis, typed and untyped scripts, 1, 4 and 16 goroutines.
func BenchmarkCall(b *testing.B) {
	c, e := benchEngine(b)
	ctx := context.Background()
	callCases(b, c, func(s *resolve.Script, prefix string, g int) {
		run := func(b *testing.B, call func()) {
			b.ReportAllocs()
			if g == 1 {
				for b.Loop() {
					call()
				}
				return
			}
			b.SetParallelism(max(1, g/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call()
				}
			})
		}
		b.Run(prefix+"/impl=engine", func(b *testing.B) {
			values := map[string]any{"counter": "bench", "step": 1}
			run(b, func() {
				if _, err := e.Run(ctx, s, values).Result(); err != nil {
					b.Error(err)
				}
			})
		})
		b.Run(prefix+"/impl=goredis", func(b *testing.B) {
			keys := []string{"bench"}
			run(b, func() {
				if _, err := c.EvalSha(ctx, s.SHA1(), keys, 1).Result(); err != nil {
					b.Error(err)
				}
			})
		})
	})
}

// BenchmarkCallPaired measures the same two calls as BenchmarkCall, but
// paired: every iteration makes one call through the engine and one
// through go-redis, in alternating order, and times each. Both see the
// same server, connections and moment, so loopback jitter that moves
// whole benchmark runs by ±10% on a VM cancels out of the ratio it
// reports (engine-ns/call ÷ goredis-ns/call).
func BenchmarkCallPaired(b *testing.B) {
	c, e := benchEngine(b)
	ctx := context.Background()
	callCases(b, c, func(s *resolve.Script, prefix string, g int) {
		b.Run(prefix, func(b *testing.B) {
			values := map[string]any{"counter": "bench", "step": 1} // read only: shared
			keys := []string{"bench"}
			viaEngine := func() time.Duration {
				t := time.Now()
				if _, err := e.Run(ctx, s, values).Result(); err != nil {
					b.Error(err)
				}
				return time.Since(t)
			}
			viaGoRedis := func() time.Duration {
				t := time.Now()
				if _, err := c.EvalSha(ctx, s.SHA1(), keys, 1).Result(); err != nil {
					b.Error(err)
				}
				return time.Since(t)
			}
			var mu sync.Mutex
			var sum [2]time.Duration // engine, go-redis
			var calls int64
			work := func(pb interface{ Next() bool }) {
				var local [2]time.Duration
				var n int64
				for ; pb.Next(); n++ {
					if n%2 == 0 {
						local[0] += viaEngine()
						local[1] += viaGoRedis()
					} else {
						local[1] += viaGoRedis()
						local[0] += viaEngine()
					}
				}
				mu.Lock()
				sum[0] += local[0]
				sum[1] += local[1]
				calls += n
				mu.Unlock()
			}
			if g == 1 {
				work(loop{b})
			} else {
				b.SetParallelism(max(1, g/runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) { work(pb) })
			}
			if calls > 0 {
				b.ReportMetric(float64(sum[0])/float64(calls), "engine-ns/call")
				b.ReportMetric(float64(sum[1])/float64(calls), "goredis-ns/call")
				b.ReportMetric(float64(sum[0])/float64(sum[1]), "ratio")
			}
		})
	})
}

// loop adapts b.Loop to the Next of testing.PB.
type loop struct{ b *testing.B }

func (l loop) Next() bool { return l.b.Loop() }

// BenchmarkPipeline: 10,000 calls in one pipeline, and in one MULTI/EXEC.
func BenchmarkPipeline(b *testing.B) {
	c, e := benchEngine(b)
	ctx := context.Background()
	s := benchScript(b, "typed")
	c.ScriptLoad(ctx, s.Source())
	for _, mode := range []string{"pipeline", "multi"} {
		b.Run("mode="+mode+"/impl=engine", func(b *testing.B) {
			b.ReportAllocs()
			values := map[string]any{"counter": "bench", "step": 1}
			for b.Loop() {
				p := newPipe(c, mode)
				for range 10_000 {
					e.Queue(ctx, p, s, values)
				}
				if _, err := p.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("mode="+mode+"/impl=goredis", func(b *testing.B) {
			b.ReportAllocs()
			keys := []string{"bench"}
			for b.Loop() {
				p := newPipe(c, mode)
				for range 10_000 {
					p.EvalSha(ctx, s.SHA1(), keys, 1)
				}
				if _, err := p.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipeline100 is the realistic shape of pipelines: 100 calls
// per pipeline (or MULTI/EXEC), each with values built for it (a fresh
// map for the engine, fresh keys for go-redis's EvalSha), on several
// keys. Per call: ns/op, B/op, allocs/op and the client's CPU time
// (cpu-ns/op, user+system of this process: the server runs in another).
func BenchmarkPipeline100(b *testing.B) {
	c, e := benchEngine(b)
	ctx := context.Background()
	s := benchScript(b, "typed")
	sha := s.SHA1()
	c.ScriptLoad(ctx, s.Source())
	keys := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}
	for _, mode := range []string{"pipeline", "multi"} {
		for _, impl := range []string{"engine", "engine_ordered", "engine_struct", "goredis"} {
			b.Run("mode="+mode+"/impl="+impl, func(b *testing.B) {
				b.ReportAllocs()
				cpu := processCPU()
				for b.Loop() {
					p := newPipe(c, mode)
					for i := range 100 {
						switch impl {
						case "engine":
							e.Queue(ctx, p, s, map[string]any{"counter": keys[i%8], "step": i})
						case "engine_ordered":
							e.Queue(ctx, p, s, engine.Ordered{keys[i%8], i})
						case "engine_struct":
							e.Queue(ctx, p, s, &typedValues{Counter: keys[i%8], Step: i})
						default:
							p.EvalSha(ctx, sha, []string{keys[i%8]}, i)
						}
					}
					if _, err := p.Exec(ctx); err != nil {
						b.Fatal(err)
					}
				}
				calls := float64(b.N) * 100
				b.ReportMetric(float64(processCPU()-cpu)/calls, "cpu-ns/call")
				b.ReportMetric(b.Elapsed().Seconds()*1e9/calls, "ns/call")
			})
		}
	}
}

// typedValues are the values of the typed script as a struct.
type typedValues struct {
	Counter string
	Step    int
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPipelinePaired is BenchmarkPipeline paired like
// BenchmarkCallPaired: every iteration executes one pipeline of 10,000
// engine calls and one of 10,000 go-redis EVALSHAs, in alternating
// order, and times each; the ratio is engine time ÷ go-redis time.
func BenchmarkPipelinePaired(b *testing.B) {
	c, e := benchEngine(b)
	ctx := context.Background()
	s := benchScript(b, "typed")
	c.ScriptLoad(ctx, s.Source())
	values := map[string]any{"counter": "bench", "step": 1}
	keys := []string{"bench"}
	for _, mode := range []string{"pipeline", "multi"} {
		b.Run("mode="+mode, func(b *testing.B) {
			var sum [2]time.Duration // engine, go-redis
			var n int
			for flip := false; b.Loop(); flip = !flip {
				for k := range 2 {
					p := newPipe(c, mode)
					t := time.Now()
					impl := 0
					if (k == 0) != flip {
						for range 10_000 {
							e.Queue(ctx, p, s, values)
						}
					} else {
						impl = 1
						for range 10_000 {
							p.EvalSha(ctx, s.SHA1(), keys, 1)
						}
					}
					if _, err := p.Exec(ctx); err != nil {
						b.Fatal(err)
					}
					sum[impl] += time.Since(t)
				}
				n++
			}
			b.ReportMetric(float64(sum[0])/float64(n), "engine-ns/pipeline")
			b.ReportMetric(float64(sum[1])/float64(n), "goredis-ns/pipeline")
			b.ReportMetric(float64(sum[0])/float64(sum[1]), "ratio")
		})
	}
}

// BenchmarkCluster: one call on a 3-master cluster.
func BenchmarkCluster(b *testing.B) {
	cl := redistest.NewCluster(b)
	c := cl.Client(b)
	e := engine.New(c)
	ctx := context.Background()
	s := benchScript(b, "typed")
	if err := e.Preload(ctx, s); err != nil {
		b.Fatal(err)
	}
	b.Run("impl=engine", func(b *testing.B) {
		b.ReportAllocs()
		values := map[string]any{"counter": "bench", "step": 1}
		for b.Loop() {
			if _, err := e.Run(ctx, s, values).Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=goredis", func(b *testing.B) {
		b.ReportAllocs()
		keys := []string{"bench"}
		for b.Loop() {
			if _, err := c.EvalSha(ctx, s.SHA1(), keys, 1).Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFloor quotes redis-benchmark's EVALSHA of the same script on
// the same server (one connection, no pipelining) as ns/op: the
// physical floor under the per-call figures above.
func BenchmarkFloor(b *testing.B) {
	if _, err := exec.LookPath("redis-benchmark"); err != nil {
		b.Skip("redis-benchmark is not installed")
	}
	srv := redistest.Real(b)
	s := benchScript(b, "typed")
	srv.Client(b).ScriptLoad(context.Background(), s.Source())
	host, port, _ := strings.Cut(srv.Addr, ":")
	// One measurement whatever b.N: redis-benchmark makes its own 20,000
	// calls.
	{
		out, err := exec.Command("redis-benchmark", "-h", host, "-p", port, "-c", "1", "-n", "20000", "--csv",
			"evalsha", s.SHA1(), "1", "bench", "1").Output()
		if err != nil {
			b.Fatal(err)
		}
		// "EVALSHA ...","<requests per second>",...
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		fields := strings.Split(lines[len(lines)-1], ",")
		rps, err := strconv.ParseFloat(strings.Trim(fields[1], `"`), 64)
		if err != nil {
			b.Fatalf("redis-benchmark output %q", out)
		}
		b.ReportMetric(1e9/rps, "ns/call")
		b.ReportMetric(0, "ns/op")
	}
}
