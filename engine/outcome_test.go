package engine_test

// The at-most-once tests of doc.go's outcome table, on real servers the
// tests start: each condition of the table is a test here, run in every
// mode (Run, pipeline, MULTI/EXEC) and with go-redis retrying never, 3
// and 10 times. Side effects are counted on the server: an INCR inside
// the script, or a PUBLISH counted by INFO commandstats where the script
// cannot write.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

var outcomeScripts = fstest.MapFS{
	// publish_then_write.lua has a side effect a replica allows (PUBLISH),
	// then writes.
	"publish_then_write.lua": {Data: []byte("%key k\nredis.call('PUBLISH', 'events', 'x')\nreturn redis.call('SET', k, string.rep('v', 1000))\n")},
	// incr_then_reply.lua counts its run, then answers with an error of
	// its own choosing.
	"incr_then_reply.lua": {Data: []byte("%key k\n%arg msg string\nredis.call('INCR', k)\nreturn redis.error_reply(msg)\n")},
	// incr_then_json.lua and incr_then_msgpack.lua count their run, then
	// answer a stored document: an error reply when it holds an err
	// field, though nothing in their text says so.
	"incr_then_json.lua":    {Data: []byte("%key k\n%key doc\nredis.call('INCR', k)\nreturn cjson.decode(redis.call('GET', doc))\n")},
	"incr_then_msgpack.lua": {Data: []byte("%key k\n%key doc\nredis.call('INCR', k)\nreturn cmsgpack.unpack(redis.call('GET', doc))\n")},
	"incr.lua":              {Data: []byte("%key counter\n%return integer\nreturn redis.call('INCR', counter)\n")},
	"incr_raw.lua":          {Data: []byte("%key counter\n%arg v\n%return integer\nreturn redis.call('INCR', counter)\n")},
}

func loadOutcome(t testing.TB, name string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(outcomeScripts).Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// retries are go-redis's MaxRetries settings tried: none, the default
// (3) and 10.
var retries = []struct {
	name string
	n    int
}{{"noretry", -1}, {"retries3", 0}, {"retries10", 10}}

var modes = []string{"run", "pipeline", "multi"}

// eachMode runs f as a subtest for every MaxRetries setting and mode.
func eachMode(t *testing.T, prefix string, f func(t *testing.T, maxRetries int, mode string)) {
	for _, r := range retries {
		for _, mode := range modes {
			t.Run(prefix+r.name+"/"+mode, func(t *testing.T) { f(t, r.n, mode) })
		}
	}
}

// call runs one call of s in mode and returns its error.
func call(ctx context.Context, e *engine.Engine, c redis.UniversalClient, mode string, s *resolve.Script, values map[string]any) error {
	switch mode {
	case "run":
		return e.Run(ctx, s, values).Err()
	case "pipeline":
		p := c.Pipeline()
		call := e.Queue(ctx, p, s, values)
		p.Exec(ctx)
		return call.Err()
	default:
		p := c.TxPipeline()
		call := e.Queue(ctx, p, s, values)
		p.Exec(ctx)
		return call.Err()
	}
}

// commandCalls reads how often a command ran on a server (INFO
// commandstats counts commands called from scripts too).
func commandCalls(t *testing.T, c *redis.Client, cmd string) int {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`cmdstat_` + cmd + `:calls=(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// failedCalls reads how many calls of a command failed on a server
// (INFO commandstats).
func failedCalls(t *testing.T, c *redis.Client, cmd string) int {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`cmdstat_` + cmd + `:.*failed_calls=(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// notNotExecuted fails unless err is an error that admits the script ran
// (a script error, or outcome unknown) and carries the server's reply.
func ranWithError(t *testing.T, err error, reply string) {
	t.Helper()
	if err == nil || errors.Is(err, engine.ErrNotExecuted) {
		t.Fatalf("error = %v; the script ran: it must not be ErrNotExecuted", err)
	}
	var re redis.Error
	if !errors.As(err, &re) || !strings.Contains(re.Error(), reply) {
		t.Errorf("error = %v; want it to carry the reply %q", err, reply)
	}
}

// TestReplicaReadOnly: on a read-only replica the script publishes, then
// its write is refused with READONLY inside it. Once, in every mode, and
// never ErrNotExecuted.
func TestReplicaReadOnly(t *testing.T) {
	master := redistest.Real(t)
	replica := redistest.Replica(t, master)
	s := loadOutcome(t, "publish_then_write")
	stats := replica.Client(t)
	eachMode(t, "", func(t *testing.T, maxRetries int, mode string) {
		c := redis.NewClient(&redis.Options{Addr: replica.Addr, MaxRetries: maxRetries})
		defer c.Close()
		e := engine.New(c)
		before := commandCalls(t, stats, "publish")
		err := call(context.Background(), e, c, mode, s, map[string]any{"k": "k"})
		ranWithError(t, err, "READONLY")
		var se *engine.ScriptError
		if !errors.As(err, &se) || se.Pos().Line != 3 {
			t.Errorf("error = %v, want a script error at publish_then_write.lua:3", err)
		}
		if n := commandCalls(t, stats, "publish") - before; n != 1 {
			t.Errorf("the script published %d times, want 1", n)
		}
	})
}

// TestOverMaxmemory: on a server over maxmemory the script publishes,
// then its write is refused with OOM inside it.
func TestOverMaxmemory(t *testing.T) {
	srv := redistest.Real(t)
	admin := srv.Client(t)
	ctx := context.Background()
	p := admin.Pipeline()
	for i := range 20000 {
		p.Set(ctx, "fill:"+strconv.Itoa(i), strings.Repeat("x", 100), 0)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := admin.ConfigSet(ctx, "maxmemory", "1mb").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Set(ctx, "probe", "x", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM") {
		t.Fatalf("the server is not over maxmemory: SET = %v", err)
	}
	s := loadOutcome(t, "publish_then_write")
	eachMode(t, "", func(t *testing.T, maxRetries int, mode string) {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: maxRetries})
		defer c.Close()
		e := engine.New(c)
		before := commandCalls(t, admin, "publish")
		err := call(ctx, e, c, mode, s, map[string]any{"k": "k"})
		if mode == "multi" && errors.Is(err, engine.ErrNotExecuted) && commandCalls(t, admin, "publish") == before {
			// Redis refuses EXEC itself over maxmemory when the
			// transaction writes (its SCRIPT LOAD): nothing ran.
			return
		}
		ranWithError(t, err, "OOM")
		if n := commandCalls(t, admin, "publish") - before; n != 1 {
			t.Errorf("the script published %d times, want 1", n)
		}
	})
}

// TestScriptsOwnErrorReply: a script that counts its run, then answers
// with an error reply that looks like a server refusal, ran once, in
// every mode and whatever go-redis's retries; its reply reaches the
// caller, unchanged where the server could not have sent it on this
// kind of client (the other codes could be either: outcome unknown,
// carrying the reply). The same when the reply comes from stored data
// and the script's text names no error at all (issue 28, F2: its
// NOSCRIPT was resent as EVAL and ran twice, its BUSY said not run).
func TestScriptsOwnErrorReply(t *testing.T) {
	srv := redistest.Real(t)
	admin := srv.Client(t)
	ctx := context.Background()
	cases := []struct {
		msg     string
		unknown bool // the server could have sent it before running the script
	}{
		{"TRYAGAIN from the script", false},
		{"CLUSTERDOWN from the script", false},
		{"MOVED 1234 127.0.0.1:1", false},
		{"ASK 1234 127.0.0.1:1", false},
		{"READONLY from the script", false},
		{"OOM from the script", false},
		{"NOREPLICAS from the script", false},
		{"NOSCRIPT from the script", true},
		{"NOSCRIPT No matching script. Please use EVAL.", true},
		{"LOADING from the script", true},
		{"MASTERDOWN from the script", true},
		{"BUSY from the script", true},
		{"MYERR custom", false},
	}
	// The reply comes from the script's code, or from data it decodes
	// (stored by the test as cjson or cmsgpack of {err = msg}).
	forms := []struct {
		name, script, encode string
	}{
		{"error_reply", "incr_then_reply", ""},
		{"cjson", "incr_then_json", "cjson.encode"},
		{"cmsgpack", "incr_then_msgpack", "cmsgpack.pack"},
	}
	for _, f := range forms {
		s := loadOutcome(t, f.script)
		for _, tc := range cases {
			for _, r := range retries {
				for _, mode := range modes {
					code, _, _ := strings.Cut(tc.msg, " ")
					t.Run(f.name+"/"+code+"/"+r.name+"/"+mode, func(t *testing.T) {
						c := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: r.n})
						defer c.Close()
						e := engine.New(c)
						key := fmt.Sprintf("ran:%s:%s:%s:%s", f.name, tc.msg, r.name, mode)
						values := map[string]any{"k": key, "msg": tc.msg}
						if f.encode != "" {
							values = map[string]any{"k": key, "doc": key + ":doc"}
							store := "return redis.call('SET', KEYS[1], " + f.encode + "({err = ARGV[1]}))"
							if err := admin.Eval(ctx, store, []string{key + ":doc"}, tc.msg).Err(); err != nil {
								t.Fatal(err)
							}
						}
						err := call(ctx, e, c, mode, s, values)
						ranWithError(t, err, tc.msg)
						if tc.unknown != errors.Is(err, engine.ErrOutcomeUnknown) {
							t.Errorf("error = %v; outcome unknown %v, want %v", err, !tc.unknown, tc.unknown)
						}
						if !tc.unknown && err.Error() != tc.msg {
							t.Errorf("error = %q, want the script's reply unchanged: %q", err, tc.msg)
						}
						if n, _ := admin.Get(ctx, key).Int(); n != 1 {
							t.Errorf("the script ran %d times, want 1", n)
						}
					})
				}
			}
		}
	}
}

// TestClusterScriptsOwnRedirect: on a cluster, a script that answers
// NOSCRIPT (SCRIPT EXISTS of the node that answered: it has the script),
// MOVED or ASK naming another node (and a slot that is not its key's)
// ran on one node, once; go-redis does not follow the fake redirection.
func TestClusterScriptsOwnRedirect(t *testing.T) {
	cl := redistest.NewCluster(t)
	ctx := context.Background()
	s := loadOutcome(t, "incr_then_reply")
	key := "{redirect}k"
	slot := engine.Slot(key)
	for _, code := range []string{"MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "NOSCRIPT"} {
		for _, r := range retries {
			for _, mode := range modes {
				t.Run(code+"/"+r.name+"/"+mode, func(t *testing.T) {
					c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs, MaxRetries: r.n})
					defer c.Close()
					e := engine.New(c)
					c.Del(ctx, key)
					msg := code + " from the script"
					if code == "MOVED" || code == "ASK" {
						msg = fmt.Sprintf("%s %d %s", code, (slot+1)%16384, cl.Addrs[2])
					}
					err := call(ctx, e, c, mode, s, map[string]any{"k": key, "msg": msg})
					ranWithError(t, err, msg)
					if n, _ := c.Get(ctx, key).Int(); n != 1 {
						t.Errorf("the script ran %d times, want 1", n)
					}
				})
			}
		}
	}
}

// TestRingTransactionAfterFlush: MULTI/EXEC on a ring of three real
// shards whose script caches were flushed: no call fails with NOSCRIPT.
func TestRingTransactionAfterFlush(t *testing.T) {
	shards := map[string]string{}
	for i := range 3 {
		shards["s"+strconv.Itoa(i)] = redistest.Real(t).Addr
	}
	ring := redis.NewRing(&redis.RingOptions{Addrs: shards})
	t.Cleanup(func() { ring.Close() })
	e := engine.New(ring)
	ctx := context.Background()
	s := loadOutcome(t, "incr")
	failed := 0
	for round := range 30 {
		ring.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return c.ScriptFlush(ctx).Err() })
		p := ring.TxPipeline()
		var calls []*engine.Call
		for i := range 3 {
			calls = append(calls, e.Queue(ctx, p, s, map[string]any{"counter": fmt.Sprintf("ring:%d:%d", round, i)}))
		}
		p.Exec(ctx)
		for _, c := range calls {
			if n, err := c.Int64(); err != nil || n != 1 {
				failed++
				t.Errorf("round %d: %d, %v", round, n, err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of 90 calls failed", failed)
	}
}

// TestTransactionNotRun: a transaction that EXEC did not run leaves its
// calls ErrNotExecuted, and they did not run: a WATCHed key changed,
// EXECABORT after a command was refused while queued, and (on a cluster)
// calls in different slots.
func TestTransactionNotRun(t *testing.T) {
	srv := redistest.Real(t)
	c := srv.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	s := loadOutcome(t, "incr")

	var watched *engine.Call
	err := c.Watch(ctx, func(tx *redis.Tx) error {
		srv.Client(t).Set(ctx, "watched", "changed", 0) // another client
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			watched = e.Queue(ctx, p, s, map[string]any{"counter": "tx:watch"})
			return nil
		})
		return err
	}, "watched")
	if !errors.Is(err, redis.TxFailedErr) {
		t.Fatalf("Watch = %v, want the transaction aborted", err)
	}
	if err := watched.Err(); !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("WATCH abort: call error = %v, want ErrNotExecuted", err)
	}

	p := c.TxPipeline()
	aborted := e.Queue(ctx, p, s, map[string]any{"counter": "tx:abort"})
	p.Do(ctx, "SET", "only-one-arg")
	p.Exec(ctx)
	if err := aborted.Err(); !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("EXECABORT: call error = %v, want ErrNotExecuted", err)
	}
	for _, k := range []string{"tx:watch", "tx:abort"} {
		if n, _ := c.Exists(ctx, k).Result(); n != 0 {
			t.Errorf("%s exists: a call that did not run ran", k)
		}
	}

	cl := redistest.NewCluster(t)
	cc := cl.Client(t)
	ce := engine.New(cc)
	cp := cc.TxPipeline()
	a := ce.Queue(ctx, cp, s, map[string]any{"counter": "{a}x"})
	b := ce.Queue(ctx, cp, s, map[string]any{"counter": "{b}x"})
	cp.Exec(ctx)
	for _, call := range []*engine.Call{a, b} {
		if err := call.Err(); !errors.Is(err, engine.ErrNotExecuted) {
			t.Errorf("cross-slot transaction: call error = %v, want ErrNotExecuted", err)
		}
	}
	if n, _ := cc.Exists(ctx, "{a}x").Result(); n != 0 {
		t.Error("a call of a cross-slot transaction ran")
	}
}

// TestUnwritableValueInPipeline: an untyped argument go-redis cannot
// write is refused before sending; the other calls of the pipeline run.
func TestUnwritableValueInPipeline(t *testing.T) {
	srv := redistest.New(t)
	c := srv.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	s := loadOutcome(t, "incr_raw")
	for _, bad := range []any{[]int{1}, map[string]int{"a": 1}, struct{ A int }{1}} {
		p := c.Pipeline()
		before := e.Queue(ctx, p, s, map[string]any{"counter": "w", "v": 1})
		wrong := e.Queue(ctx, p, s, map[string]any{"counter": "w", "v": bad})
		after := e.Queue(ctx, p, s, map[string]any{"counter": "w", "v": "x"})
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("%T: Exec = %v", bad, err)
		}
		var ae *engine.ArgsError
		if err := wrong.Err(); !errors.As(err, &ae) || !errors.Is(err, engine.ErrNotExecuted) || !strings.Contains(err.Error(), "go-redis cannot send") {
			t.Errorf("%T: error = %v, want an ArgsError", bad, err)
		}
		for _, ok := range []*engine.Call{before, after} {
			if _, err := ok.Int64(); err != nil {
				t.Errorf("%T: another call of the pipeline failed: %v", bad, err)
			}
		}
	}
	if n, _ := c.Get(ctx, "w").Int(); n != 6 {
		t.Errorf("counter = %d, want 6", n)
	}
}

// TestNoPanic: no input to the public API panics; each gets a clear
// error.
func TestNoPanic(t *testing.T) {
	srv := redistest.Embedded(t)
	c := srv.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	s := loadOutcome(t, "incr")
	type Inner struct{ Counter string }
	type Outer struct{ *Inner }
	check := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, engine.ErrNotExecuted) {
			t.Errorf("%s: error = %v, want ErrNotExecuted saying %q", what, err, want)
		}
	}
	check("nil embedded pointer", e.Run(ctx, s, Outer{}).Err(), `missing "counter"`)
	if n, err := e.Run(ctx, s, Outer{&Inner{"x"}}).Int64(); err != nil || n != 1 {
		t.Errorf("embedded pointer: %d, %v", n, err)
	}
	check("nil script", e.Run(ctx, nil, nil).Err(), "nil script")
	check("nil pipeliner", e.Queue(ctx, nil, s, map[string]any{"counter": "x"}).Err(), "nil pipeliner")
	//lint:ignore SA1012 a nil context is the input under test
	check("nil context", e.Run(nil, s, map[string]any{"counter": "x"}).Err(), "nil context") //nolint:staticcheck
	check("nil values pointer", e.Run(ctx, s, (*Inner)(nil)).Err(), "values must be")
	var zero engine.Call
	check("zero Call", zero.Err(), "zero Call")
	if _, err := zero.Int64(); err == nil {
		t.Error("zero Call: Int64 gave no error")
	}
	if zero.Script() != nil {
		t.Error("zero Call has a script")
	}
	check("engine of a nil client", engine.New(nil).Run(ctx, s, nil).Err(), "no client")
	var nilEngine *engine.Engine
	check("nil engine", nilEngine.Run(ctx, s, nil).Err(), "no client")
}

// TestAutoPipeliner: go-redis's auto-pipeliner as the engine's client
// (its default options and AutoPipelineOptions), 64 goroutines, through
// a SCRIPT FLUSH: no call runs twice, and a call fails only as an
// outcome unknown carrying NOSCRIPT (refused while another call's EVAL
// loaded the script again: see TestHardeningFlushStorm).
func TestAutoPipeliner(t *testing.T) {
	for _, opts := range []*redis.AutoPipelineOptions{nil, engine.AutoPipelineOptions()} {
		testAutoPipeliner(t, opts)
	}
}

func testAutoPipeliner(t *testing.T, opts *redis.AutoPipelineOptions) {
	srv := redistest.Real(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, AutoPipelineOptions: opts})
	defer rdb.Close()
	ap, err := rdb.AutoPipeline()
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	e := engine.New(ap)
	ctx := context.Background()
	s := loadOutcome(t, "incr")
	var wg sync.WaitGroup
	var out outcomes
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if g == 0 && i == 25 {
					rdb.ScriptFlush(ctx)
				}
				_, err := e.Run(ctx, s, map[string]any{"counter": "ap"}).Int64()
				if !out.add(err) || errors.Is(err, engine.ErrNotExecuted) || err != nil && !strings.Contains(err.Error(), "NOSCRIPT") {
					t.Errorf("call: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	n, _ := rdb.Get(ctx, "ap").Int64()
	t.Logf("options %+v: %s, counter %d", opts, &out, n)
	out.check(t, n)
}
