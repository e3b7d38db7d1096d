package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// TestRecoveryLoadsScripts: after SCRIPT FLUSH, a call (Run, and calls in
// a pipeline) is refused NOSCRIPT, then the server gets its script with
// SCRIPT LOAD and the call again as EVALSHA: no EVAL, which Redis 7.4 and
// Valkey 8.1 would keep in their evictable cache. On a single server and
// on a cluster.
func TestRecoveryLoadsScripts(t *testing.T) {
	ctx := context.Background()
	single := redistest.Real(t)
	cl := redistest.NewCluster(t)
	ap, err := single.Client(t).AutoPipeline()
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	cases := []struct {
		name   string
		client redis.UniversalClient
		nodes  []string
	}{
		{"single", single.Client(t), []string{single.Addr}},
		{"cluster", cl.Client(t), cl.Addrs},
		{"auto-pipeliner", ap, []string{single.Addr}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := engine.New(tc.client)
			s := loadOutcome(t, "incr")
			stats := func() (evalsha, eval, loads int) {
				for _, a := range tc.nodes {
					c := redis.NewClient(&redis.Options{Addr: a})
					evalsha += commandCalls(t, c, "evalsha")
					eval += commandCalls(t, c, "eval")
					loads += commandCalls(t, c, `script\|load`)
					c.Close()
				}
				return
			}
			flush := func() {
				for _, a := range tc.nodes {
					c := redis.NewClient(&redis.Options{Addr: a})
					c.ScriptFlush(ctx)
					c.Close()
				}
			}
			flush()
			sha0, eval0, load0 := stats()
			if n, err := e.Run(ctx, s, map[string]any{"counter": "{r}run:" + tc.name}).Int64(); err != nil || n != 1 {
				t.Fatalf("Run = %d, %v", n, err)
			}
			sha1, eval1, load1 := stats()
			if sha1-sha0 != 2 || eval1 != eval0 || load1-load0 != 1 {
				t.Errorf("Run after SCRIPT FLUSH: %d EVALSHA, %d EVAL, %d SCRIPT LOAD; want 2, 0, 1", sha1-sha0, eval1-eval0, load1-load0)
			}
			flush()
			p := tc.client.Pipeline()
			var calls []*engine.Call
			for range 5 {
				calls = append(calls, e.Queue(ctx, p, s, map[string]any{"counter": "{r}pipe:" + tc.name}))
			}
			p.Exec(ctx)
			for i, c := range calls {
				if n, err := c.Int64(); err != nil || n != int64(i+1) {
					t.Fatalf("pipeline call %d = %d, %v", i, n, err)
				}
			}
			sha2, eval2, load2 := stats()
			if sha2-sha1 != 10 || eval2 != eval1 || load2-load1 != 1 {
				t.Errorf("a pipeline of 5 after SCRIPT FLUSH: %d EVALSHA, %d EVAL, %d SCRIPT LOAD; want 10, 0, 1", sha2-sha1, eval2-eval1, load2-load1)
			}
		})
	}
}

// TestScriptRotation runs 800 scripts in rotation, three rounds, each
// call counting its runs under its own key: after the first round (which
// loads them), one command per call, and no call runs twice. On Debian's
// Redis 7.0 scripts are never evicted; on Redis 7.4 and Valkey 8.1, which
// evict the least recently used of the scripts sent with EVAL beyond 500,
// it holds because the engine loads them with SCRIPT LOAD. Run it on a
// built server by putting a directory holding it as redis-server first in
// PATH (BENCHMARKS.md, "Scripts in rotation").
func TestScriptRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	ap, err := srv.Client(t).AutoPipeline()
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	for _, client := range []redis.UniversalClient{rdb, ap} {
		rdb.ScriptFlush(ctx)
		rotate(t, rdb, engine.New(client))
	}
}

// rotate runs TestScriptRotation's calls through e, counting on rdb.
func rotate(t *testing.T, rdb *redis.Client, e *engine.Engine) {
	ctx := context.Background()
	const scripts, rounds = 800, 3
	loader := resolve.New(nil)
	var all []*resolve.Script
	for i := range scripts {
		s, err := loader.Parse(fmt.Sprintf("s%d", i), fmt.Sprintf("%%key call\n%%return integer\n-- script %d\nreturn redis.call('INCR', call)", i))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	commands := func() int {
		n := 0
		for _, cmd := range []string{"evalsha", "eval", `script\|load`, `script\|exists`} {
			n += commandCalls(t, rdb, cmd)
		}
		return n
	}
	var after int
	for round := range rounds {
		if round == 1 {
			after = commands()
		}
		for i, s := range all {
			key := fmt.Sprintf("rot:%T:%d:%d", e.Client(), round, i)
			if n, err := e.Run(ctx, s, map[string]any{"call": key}).Int64(); err != nil || n != 1 {
				t.Fatalf("round %d script %d = %d, %v", round, i, n, err)
			}
		}
	}
	perCall := float64(commands()-after) / float64(scripts*(rounds-1))
	info := rdb.Info(ctx, "server").Val()
	t.Logf("%s, %T: %.3f commands per call after the first round", versionOf(info), e.Client(), perCall)
	if perCall > 1.01 {
		t.Errorf("%.3f commands per call after warm-up, want at most 1.01", perCall)
	}
}

// versionOf returns the server's name and version from INFO server.
func versionOf(info string) string {
	var name, version string
	for _, line := range strings.Fields(info) {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			version = v
		}
		if v, ok := strings.CutPrefix(line, "server_name:"); ok {
			name = v
		}
		if v, ok := strings.CutPrefix(line, "valkey_version:"); ok {
			name, version = "valkey", v
			break
		}
	}
	if name == "" {
		name = "redis"
	}
	return name + " " + version
}
