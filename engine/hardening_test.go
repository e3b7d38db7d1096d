package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// once.lua counts a call in a shared counter and under its own key, and
// returns how often that call's key was incremented: a call that ran
// twice returns 2.
var onceScript = fstest.MapFS{"once.lua": {Data: []byte("%key counter\n%key call\n%return integer\nredis.call('INCR', counter)\nreturn redis.call('INCR', call)\n")}}

// TestHardeningFaults runs 20,000 calls from 32 goroutines through a
// proxy that drops connections at random: before a request, after it
// (the server ran it, the reply is lost) and in the middle of a reply.
// Every call ends as a success, not executed, or outcome unknown; no
// call runs twice; the counter lies between the successes and the
// successes plus the unknown outcomes.
func TestHardeningFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := redistest.New(t)
	ctx := context.Background()
	s, _ := resolve.New(onceScript).Load("once")
	direct := srv.Client(t)
	proxy := redistest.NewProxy(t, srv.Addr)
	c := redis.NewClient(&redis.Options{Addr: proxy.Addr, PoolSize: 32, ReadTimeout: 2 * time.Second})
	defer c.Close()
	e := engine.New(c)
	var faults [4]atomic.Int64
	proxy.SetFault(randomFaults(7, 2, &faults))
	const goroutines, perG = 32, 625 // 20,000 calls
	var out outcomes
	var twice atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				n, err := e.Run(ctx, s, map[string]any{"counter": "total", "call": fmt.Sprintf("call:%d:%d", g, i)}).Int64()
				switch {
				case err == nil && n != 1:
					twice.Add(1)
				case !out.add(err):
					t.Errorf("unclassified: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	counter, _ := direct.Get(ctx, "total").Int64()
	keys, _ := direct.Keys(ctx, "call:*").Result()
	var maxRuns int64
	for _, k := range keys {
		n, _ := direct.Get(ctx, k).Int64()
		maxRuns = max(maxRuns, n)
	}
	t.Logf("%d calls, faults injected: %d before send, %d after send, %d mid-reply (%d requests passed)",
		goroutines*perG, faults[redistest.DropBeforeSend].Load(), faults[redistest.DropAfterSend].Load(), faults[redistest.DropMidReply].Load(), faults[redistest.Pass].Load())
	t.Logf("outcomes: %s; counter %d; most runs of one call %d", &out, counter, maxRuns)
	if twice.Load() > 0 || maxRuns > 1 {
		t.Errorf("%d calls ran twice (most runs of one call: %d)", twice.Load(), maxRuns)
	}
	out.check(t, counter)
	if out.ok.Load()+out.notRun.Load()+out.unknown.Load() != goroutines*perG {
		t.Errorf("outcomes do not add up to the calls")
	}
}

// TestHardeningFlushStorm flushes the script cache every 2ms from
// another connection while 16 goroutines run calls, pipelines and
// transactions: no call runs twice, a call not executed did not run, and
// NOSCRIPT reaches a caller only as an outcome unknown: a call refused
// while another call's EVAL loaded the script again cannot be proven
// refused by SCRIPT EXISTS (its reply could have been the script's own),
// so it is not sent again. The test logs how many.
func TestHardeningFlushStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := redistest.New(t)
	ctx := context.Background()
	s, _ := resolve.New(onceScript).Load("once")
	c := srv.Client(t)
	e := engine.New(c)
	flusher := srv.Client(t)
	stop := make(chan struct{})
	var flushes atomic.Int64
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				flusher.ScriptFlush(ctx)
				flushes.Add(1)
			}
		}
	}()
	var out outcomes
	type sent struct {
		call *engine.Call
		key  string
	}
	var notRun []string // the keys of calls not executed
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				var cs []sent
				values := func(j int) (string, map[string]any) {
					key := fmt.Sprintf("storm:%d:%d:%d", g, i, j)
					return key, map[string]any{"counter": "storm", "call": key}
				}
				switch (g + i) % 3 {
				case 0:
					key, v := values(0)
					cs = append(cs, sent{e.Run(ctx, s, v), key})
				case 1:
					p := c.Pipeline()
					for j := range 10 {
						key, v := values(j)
						cs = append(cs, sent{e.Queue(ctx, p, s, v), key})
					}
					p.Exec(ctx)
				case 2:
					c.TxPipelined(ctx, func(p redis.Pipeliner) error {
						for j := range 5 {
							key, v := values(j)
							cs = append(cs, sent{e.Queue(ctx, p, s, v), key})
						}
						return nil
					})
				}
				for _, sc := range cs {
					n, err := sc.call.Int64()
					switch {
					case err == nil && n != 1:
						t.Errorf("%s ran %d times", sc.key, n)
					case !out.add(err):
						t.Errorf("unclassified: %v", err)
					case errors.Is(err, engine.ErrNotExecuted):
						mu.Lock()
						notRun = append(notRun, sc.key)
						mu.Unlock()
					case err != nil && !strings.Contains(err.Error(), "NOSCRIPT"):
						t.Errorf("call failed: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	n, _ := c.Get(ctx, "storm").Int64()
	t.Logf("%d SCRIPT FLUSH; %s; counter %d", flushes.Load(), &out, n)
	out.check(t, n)
	for _, key := range notRun {
		if c.Exists(ctx, key).Val() != 0 {
			t.Errorf("%s ran, though not executed", key)
		}
	}
	if out.ok.Load() < out.unknown.Load()*4 {
		t.Errorf("%s: most calls should succeed", &out)
	}
}

// TestHardeningRestart kills redis-server mid-run and starts it again on
// the same port: calls fail clearly while it is down and succeed after,
// with the same client and engine.
func TestHardeningRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := redistest.Real(t)
	ctx := context.Background()
	s := load(t, "incr")
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: 1})
	defer c.Close()
	e := engine.New(c)
	if _, err := e.Run(ctx, s, map[string]any{"counter": "r"}).Int64(); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	_, err := e.Run(ctx, s, map[string]any{"counter": "r"}).Int64()
	var ce *engine.CallError
	if !errors.As(err, &ce) || !(errors.Is(err, engine.ErrNotExecuted) || errors.Is(err, engine.ErrOutcomeUnknown)) {
		t.Fatalf("call while down = %v", err)
	}
	t.Logf("while down: %v", err)
	srv.Start()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := e.Run(ctx, s, map[string]any{"counter": "r"}).Int64()
		if err == nil {
			if n != 1 { // a fresh server: no data, no scripts
				t.Errorf("after restart = %d", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing 5s after restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHardeningBadInput feeds every entry point bad input: each answer is
// a clear error, and nothing is half done.
func TestHardeningBadInput(t *testing.T) {
	srv := redistest.New(t)
	ctx := context.Background()
	c := srv.Client(t)
	e := engine.New(c)
	echo := load(t, "echo/list")
	deep := []any{}
	for range codec.MaxDepth + 1 {
		deep = []any{deep}
	}
	var count atomic.Int64
	c.AddHook(countHook{&count})
	for _, tc := range []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{"v": deep}, "nested deeper than 1000 levels"},
		{map[string]any{"v": []string{"ok", "bad\xff"}}, "v[1]: string \"bad\\xff\" is not valid UTF-8"},
		{map[string]any{"v": []any{int64(1) << 60}}, "v[0]: integer 1152921504606846976 is beyond ±2^53"},
		{map[string]any{"v": "not a list"}, "want list"},
	} {
		_, err := e.Run(ctx, echo, tc.values).Result()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, engine.ErrNotExecuted) {
			t.Errorf("bad value: %v, want %q", err, tc.want)
		}
	}
	if count.Load() != 0 {
		t.Errorf("%d commands were sent for refused values", count.Load())
	}
	// Large but valid: a 1 MiB key and a 4 MiB argument go through.
	key := strings.Repeat("k", 1<<20)
	if n, err := e.Run(ctx, load(t, "incr"), map[string]any{"counter": key}).Int64(); err != nil || n != 1 {
		t.Errorf("1 MiB key: %d, %v", n, err)
	}
	big := strings.Repeat("x", 4<<20)
	if v, err := e.Run(ctx, load(t, "echo/string"), map[string]any{"v": big}).Text(); err != nil || len(v) != len(big) {
		t.Errorf("4 MiB argument: %d bytes, %v", len(v), err)
	}
	// A 10 MB script loads and runs.
	body := "local t = {}\n" + strings.Repeat("t[#t+1] = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n", 10<<20/80) + "return #t\n"
	bigScript, err := resolve.New(fstest.MapFS{"big.lua": {Data: []byte(body)}}).Load("big")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Real { // miniredis's Lua is too slow for this one
		if n, err := e.Run(ctx, bigScript, nil).Int64(); err != nil || n != int64(10<<20/80) {
			t.Errorf("10 MB script: %d, %v", n, err)
		}
	}
}

// TestHardeningBrokenTree loads a tree of 10,000 scripts with one broken
// file: the error names it and the other 9,999 load.
func TestHardeningBrokenTree(t *testing.T) {
	m := fstest.MapFS{}
	for i := range 10_000 {
		m[fmt.Sprintf("s/%04d.lua", i)] = &fstest.MapFile{Data: []byte("%key k\n%arg n integer\nreturn redis.call('INCRBY', k, n)\n")}
	}
	m["s/4242.lua"] = &fstest.MapFile{Data: []byte("%key k\n%arg n integr\n")}
	all, err := resolve.New(m).LoadAll()
	if len(all) != 9_999 {
		t.Errorf("%d scripts loaded, want 9,999", len(all))
	}
	if err == nil || err.Error() != `s/4242.lua:2:8: unknown type "integr"; did you mean integer?` {
		t.Errorf("error = %v", err)
	}
}

type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
