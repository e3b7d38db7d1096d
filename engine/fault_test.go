package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
)

// faultOnce returns a fault function that applies f to the first request
// that contains word, and passes everything else.
func faultOnce(word string, f redistest.Fault) func([]byte) redistest.Fault {
	var done atomic.Bool
	return func(req []byte) redistest.Fault {
		if bytes.Contains(bytes.ToLower(req), []byte(word)) && done.CompareAndSwap(false, true) {
			return f
		}
		return redistest.Pass
	}
}

// outcomes counts how calls ended: success, not executed, outcome unknown.
type outcomes struct{ ok, notRun, unknown atomic.Int64 }

// add counts a call's error and reports whether it was one of the three
// outcomes a caller can tell apart with errors.Is.
func (o *outcomes) add(err error) bool {
	switch {
	case err == nil:
		o.ok.Add(1)
	case errors.Is(err, engine.ErrNotExecuted):
		o.notRun.Add(1)
	case errors.Is(err, engine.ErrOutcomeUnknown):
		o.unknown.Add(1)
	default:
		return false
	}
	return true
}

func (o *outcomes) String() string {
	return fmt.Sprintf("%d successes, %d not executed, %d outcome unknown", o.ok.Load(), o.notRun.Load(), o.unknown.Load())
}

// check fails the test unless the counter the calls incremented lies
// between the successes and the successes plus the unknown outcomes: no
// call ran twice, every success ran.
func (o *outcomes) check(t *testing.T, counter int64) {
	t.Helper()
	if low, high := o.ok.Load(), o.ok.Load()+o.unknown.Load(); counter < low || counter > high {
		t.Errorf("counter %d outside [%d, %d]: a call ran twice or a success did not run", counter, low, high)
	}
}

// randomFaults returns a fault function that drops a connection before
// a request, after it, or mid-reply, each with percent% probability,
// counting what it injects in counts (indexed by Fault) when not nil.
func randomFaults(seed uint64, percent int, counts *[4]atomic.Int64) func([]byte) redistest.Fault {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed+1))
	return func([]byte) redistest.Fault {
		mu.Lock()
		r := rng.IntN(100)
		mu.Unlock()
		f := redistest.Pass
		switch {
		case r < percent:
			f = redistest.DropBeforeSend
		case r < 2*percent:
			f = redistest.DropAfterSend
		case r < 3*percent:
			f = redistest.DropMidReply
		}
		if counts != nil {
			counts[f].Add(1)
		}
		return f
	}
}

// TestGoRedisRetryRunsTwice proves the problem the engine solves: with
// its default MaxRetries, go-redis resends an EVALSHA whose reply was
// lost, and the script runs twice.
func TestGoRedisRetryRunsTwice(t *testing.T) {
	srv := redistest.New(t)
	ctx := context.Background()
	s := load(t, "incr")
	direct := srv.Client(t)
	if err := direct.ScriptLoad(ctx, s.Source()).Err(); err != nil {
		t.Fatal(err)
	}
	proxy := redistest.NewProxy(t, srv.Addr)
	c := redis.NewClient(&redis.Options{Addr: proxy.Addr}) // MaxRetries: 3 by default
	defer c.Close()
	c.Ping(ctx)
	proxy.SetFault(faultOnce("evalsha", redistest.DropAfterSend))
	n, err := c.EvalSha(ctx, s.SHA1(), []string{"twice"}).Int64()
	got, _ := direct.Get(ctx, "twice").Int()
	t.Logf("raw go-redis EVALSHA after a lost reply: result %d, err %v, counter %d", n, err, got)
	if got != 2 {
		t.Errorf("counter = %d: expected go-redis's retry to run the script twice", got)
	}
}

func TestAtMostOnce(t *testing.T) {
	for _, tc := range []struct {
		fault      redistest.Fault
		maxRetries int
		counter    int
	}{
		{redistest.DropAfterSend, 0, 1},  // go-redis default: 3 retries
		{redistest.DropAfterSend, 10, 1}, // many retries
		{redistest.DropAfterSend, -1, 1}, // none
		{redistest.DropMidReply, 0, 1},
		{redistest.DropBeforeSend, 0, 0}, // sent as far as the client knows
	} {
		t.Run(strconv.Itoa(int(tc.fault))+"/"+strconv.Itoa(tc.maxRetries), func(t *testing.T) {
			srv := redistest.New(t)
			ctx := context.Background()
			s := load(t, "incr")
			direct := srv.Client(t)
			direct.ScriptLoad(ctx, s.Source())
			proxy := redistest.NewProxy(t, srv.Addr)
			c := redis.NewClient(&redis.Options{Addr: proxy.Addr, MaxRetries: tc.maxRetries})
			defer c.Close()
			c.Ping(ctx)
			e := engine.New(c)
			proxy.SetFault(faultOnce("evalsha", tc.fault))
			_, err := e.Run(ctx, s, map[string]any{"counter": "once"}).Int64()
			if !errors.Is(err, engine.ErrOutcomeUnknown) || errors.Is(err, engine.ErrNotExecuted) {
				t.Errorf("error = %v, want outcome unknown", err)
			}
			if got, _ := direct.Get(ctx, "once").Int(); got != tc.counter {
				t.Errorf("counter = %d, want %d", got, tc.counter)
			}
			// The engine and the connection pool recover.
			if n, err := e.Run(ctx, s, map[string]any{"counter": "once"}).Int64(); err != nil || n != int64(tc.counter+1) {
				t.Errorf("next call = %d, %v", n, err)
			}
		})
	}
}

// TestNotExecutedIsRetried: a request that never left (the server is
// unreachable) is not executed, and says so.
func TestNotExecuted(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: 1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	e := engine.New(c)
	_, err := e.Run(context.Background(), load(t, "incr"), map[string]any{"counter": "x"}).Result()
	if !errors.Is(err, engine.ErrNotExecuted) || errors.Is(err, engine.ErrOutcomeUnknown) {
		t.Errorf("error = %v, want not executed", err)
	}
}

// TestRandomFaults runs calls, pipelines and transactions through random
// faults: every call ends as a success, not executed, or outcome
// unknown, and the counter agrees.
func TestRandomFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := redistest.New(t)
	ctx := context.Background()
	s := load(t, "incr")
	direct := srv.Client(t)
	proxy := redistest.NewProxy(t, srv.Addr)
	c := redis.NewClient(&redis.Options{Addr: proxy.Addr, PoolSize: 16, ReadTimeout: 2 * time.Second})
	defer c.Close()
	e := engine.New(c)
	proxy.SetFault(randomFaults(1, 3, nil))
	var out outcomes
	count := func(call *engine.Call, kind int) {
		if _, err := call.Int64(); !out.add(err) {
			v, rerr := call.Reply()
			args, asked, refused, answer := call.Debug()
			t.Errorf("unclassified error (kind %d): %v; reply %v %v; args[0] %v asked %v refused %v answer %v", kind, err, v, rerr, args[0], asked, refused, answer)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				switch (g + i) % 3 {
				case 0:
					count(e.Run(ctx, s, map[string]any{"counter": "faults"}), 0)
				case 1:
					p := c.Pipeline()
					calls := []*engine.Call{e.Queue(ctx, p, s, map[string]any{"counter": "faults"}), e.Queue(ctx, p, s, map[string]any{"counter": "faults"})}
					p.Exec(ctx)
					for _, call := range calls {
						count(call, 1)
					}
				case 2:
					var calls []*engine.Call
					c.TxPipelined(ctx, func(p redis.Pipeliner) error {
						calls = append(calls, e.Queue(ctx, p, s, map[string]any{"counter": "faults"}))
						return nil
					})
					for _, call := range calls {
						count(call, 2)
					}
				}
			}
		}()
	}
	wg.Wait()
	counter, _ := direct.Get(ctx, "faults").Int64()
	t.Logf("%s, counter %d", &out, counter)
	out.check(t, counter)
}
