package engine_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// TestLibrary: scripts as one function library on a real redis-server:
// each runs through FCALL (FCALL_RO for no-writes) with the result of
// EVALSHA, and an error's "@user_function:N" maps back to the script's
// rendered line.
func TestLibrary(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	add := parse(t, "jobs/add", incrBy)
	read := parse(t, "jobs/read-it", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	boom := parse(t, "boom", "local a = 1\nlocal b = 2\nerror('boom')")
	lib, err := engine.NewLibrary("app", add, read, boom)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^app_[0-9a-f]{8}$`).MatchString(lib.Name) || lib.Functions["jobs/read-it"] != lib.Name+"__jobs_read_it" {
		t.Fatalf("names: %s %v", lib.Name, lib.Functions)
	}
	again, _ := engine.NewLibrary("app", read, boom, add)
	if again.Code != lib.Code {
		t.Error("the library depends on the order of its scripts")
	}
	if err := rdb.FunctionLoad(ctx, lib.Code).Err(); err != nil {
		t.Fatalf("FUNCTION LOAD: %v\n%s", err, lib.Code)
	}
	if n, err := rdb.FCall(ctx, lib.Functions["jobs/add"], []string{"c"}, 5).Int64(); err != nil || n != 5 {
		t.Errorf("FCALL add = %d, %v", n, err)
	}
	if v, err := rdb.FCallRO(ctx, lib.Functions["jobs/read-it"], []string{"c"}).Text(); err != nil || v != "5" {
		t.Errorf("FCALL_RO read = %q, %v", v, err)
	}
	err = rdb.FCall(ctx, lib.Functions["boom"], nil).Err()
	m := regexp.MustCompile(`@user_function:(\d+)`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %v names no line", err)
	}
	n, _ := strconv.Atoi(m[1])
	s, line, ok := lib.Where(lib.Functions["boom"], n)
	if !ok || s.Name() != "boom" || line != 3 || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Where(%d) = %v, %d, %v for %v", n, s, line, ok, err)
	}
	if _, err := engine.NewLibrary("app", parse(t, "a-b", "return 1"), parse(t, "a_b", "return 2")); err == nil || !strings.Contains(err.Error(), "a-b and a_b are both the function a_b") {
		t.Errorf("a collision: %v", err)
	}
}

// functionsEngine returns an engine of rdb that runs the scripts through
// FCALL, as the library name_<hash> it also returns.
func functionsEngine(t *testing.T, rdb redis.UniversalClient, name string, scripts ...*resolve.Script) (*engine.Engine, *engine.Library) {
	t.Helper()
	lib, err := engine.NewLibrary(name, scripts...)
	if err != nil {
		t.Fatal(err)
	}
	return engine.New(rdb, engine.WithFunctions(lib)), lib
}

// incrBy is a script of one key and one integer argument that writes.
const incrBy = "%key k\n%arg n integer\n%return integer\nreturn redis.call('INCRBY', k, n)"

// TestRunThroughFunctions: an engine WithFunctions runs the library's
// scripts through FCALL (FCALL_RO for no-writes), loading the library
// when the server lacks it (at first, and after FUNCTION FLUSH: no
// "Function not found" reaches the caller, and no call runs twice), with
// the tracebacks of EVALSHA.
func TestRunThroughFunctions(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	read := parse(t, "read", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	boom := parse(t, "boom", "%key k\nlocal a = 1\nif k == 'x' then error('boom') end\nreturn redis.error_reply('ERR Function not found')")
	other := parse(t, "other", "return 'evalsha'")
	e, _ := functionsEngine(t, rdb, "app", add, read, boom)
	for i := 1; i <= 3; i++ {
		if i == 3 {
			rdb.FunctionFlush(ctx)
		}
		if n, err := e.Run(ctx, add, map[string]any{"k": "c", "n": 1}).Int64(); err != nil || n != int64(i) {
			t.Fatalf("call %d: %d, %v", i, n, err)
		}
	}
	if v, err := e.Run(ctx, read, map[string]any{"k": "c"}).Text(); err != nil || v != "3" {
		t.Errorf("read = %q, %v", v, err)
	}
	// 3 calls, each run once (the counter says 1, 2, 3), and twice the
	// FCALL that found no function (the first call, the one after
	// FUNCTION FLUSH), sent again after FUNCTION LOAD.
	if n := commandCalls(t, rdb, "fcall"); n != 5 {
		t.Errorf("FCALL %d times, want 5", n)
	}
	if n := commandCalls(t, rdb, "fcall_ro"); n != 1 {
		t.Errorf("FCALL_RO %d times", n)
	}
	err := e.Run(ctx, boom, map[string]any{"k": "x"}).Err()
	var se *engine.ScriptError
	if !errors.As(err, &se) || se.Pos().String() != "boom.lua:3" || se.Message != "boom" {
		t.Errorf("function error = %#v", err)
	}
	// A script's own reply that looks like the refusal is not taken for
	// it: the library is there, so the call ran.
	err = e.Run(ctx, boom, map[string]any{"k": "y"}).Err()
	if errors.Is(err, engine.ErrNotExecuted) || err == nil || !strings.Contains(err.Error(), "Function not found") {
		t.Errorf("the script's own error reply = %v", err)
	}
	if v, err := e.Run(ctx, other, nil).Text(); err != nil || v != "evalsha" {
		t.Errorf("a script outside the library = %q, %v", v, err)
	}
}

// TestQueueThroughFunctions: calls queued in a pipeline go through FCALL,
// the library loaded after the pipeline when it was missing and the
// refused calls sent again once; a transaction runs them as scripts.
func TestQueueThroughFunctions(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	e, _ := functionsEngine(t, rdb, "app", add)
	for round := 1; round <= 2; round++ {
		pipe := rdb.Pipeline()
		var calls []*engine.Call
		for range 5 {
			calls = append(calls, e.Queue(ctx, pipe, add, map[string]any{"k": "p", "n": 1}))
		}
		pipe.Exec(ctx)
		for i, c := range calls {
			if n, err := c.Int64(); err != nil || n != int64(5*(round-1)+i+1) {
				t.Fatalf("round %d call %d = %d, %v", round, i, n, err)
			}
		}
	}
	if n := commandCalls(t, rdb, "fcall"); n != 15 {
		t.Errorf("FCALL %d times, want 15 (10 runs, 5 refused at first)", n)
	}
	tx := rdb.TxPipeline()
	c := e.Queue(ctx, tx, add, map[string]any{"k": "p", "n": 1})
	if _, err := tx.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Int64(); err != nil || n != 11 {
		t.Errorf("in MULTI/EXEC = %d, %v", n, err)
	}
}

// TestFunctionsOnCluster: on a 3-master cluster the library is loaded on
// every master when missing, keyed and keyless calls run once each, and
// a master that loses the library (FUNCTION FLUSH on it alone) is served
// again.
func TestFunctionsOnCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	rdb := cl.Client(t)
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	hello := parse(t, "hello", "%return string\nreturn 'hi'")
	e, lib := functionsEngine(t, rdb, "app", add, hello)
	keys := []string{"a", "b", "c", "d", "e", "f"}
	for round := 1; round <= 2; round++ {
		for _, k := range keys {
			if n, err := e.Run(ctx, add, map[string]any{"k": k, "n": 1}).Int64(); err != nil || n != int64(round) {
				t.Fatalf("round %d key %s: %d, %v", round, k, n, err)
			}
		}
		if v, err := e.Run(ctx, hello, nil).Text(); err != nil || v != "hi" {
			t.Fatalf("keyless: %q, %v", v, err)
		}
	}
	var (
		mu      sync.Mutex // ForEachMaster calls in parallel
		masters int
		flushed *redis.Client
	)
	rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		libs, err := m.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: lib.Name}).Result()
		if err != nil || len(libs) != 1 {
			t.Errorf("master %s: %v, %v", m.Options().Addr, libs, err)
		}
		// Every FCALL went straight to its key's master.
		stats := m.Info(ctx, "errorstats").Val()
		if strings.Contains(stats, "errorstat_MOVED") {
			t.Errorf("master %s answered MOVED:\n%s", m.Options().Addr, stats)
		}
		mu.Lock()
		defer mu.Unlock()
		if m.Get(ctx, "a").Val() == "2" {
			flushed = m
		}
		masters++
		return nil
	})
	if masters != 3 || flushed == nil {
		t.Fatalf("%d masters, key a on %v", masters, flushed)
	}
	// The master of key a loses the library: the call there loads it
	// again and runs once.
	if err := flushed.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Run(ctx, add, map[string]any{"k": "a", "n": 1}).Int64(); err != nil || n != 3 {
		t.Errorf("after FUNCTION FLUSH on its master: %d, %v", n, err)
	}
	// A keyless script that answers "Function not found" itself, with the
	// library on one master only: the call goes to a master go-redis does
	// not name, and only that master's FUNCTION LIST is proof (asking
	// one random master could "prove" it and send the call twice). On
	// the master that has the library the reply is the script's: never
	// resent; on one that lacks it, the refusal is proven: the library
	// is loaded and the call sent once more, where the script answers.
	mimic := parse(t, "mimic", "return redis.error_reply('ERR Function not found')")
	e2, lib2 := functionsEngine(t, rdb, "mimic", mimic)
	if err := e2.Run(ctx, mimic, nil).Err(); err == nil {
		t.Fatal("mimic: no error")
	}
	fcalls := func() (n int) {
		var mu sync.Mutex
		rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			n += commandCalls(t, m, "fcall")
			return nil
		})
		return n
	}
	var kept bool
	rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		if !kept {
			kept = true // this one keeps the library
			return nil
		}
		return m.FunctionDelete(ctx, lib2.Name).Err()
	})
	for range 6 {
		before := fcalls()
		err := e2.Run(ctx, mimic, nil).Err()
		if after := fcalls(); after != before+1 && after != before+2 {
			t.Fatalf("%d FCALLs (%v), want 1, or 2 after a proven refusal", after-before, err)
		}
		if errors.Is(err, engine.ErrNotExecuted) {
			t.Fatalf("judged not executed: %v", err)
		}
	}
}

// TestFunctionsCompileError: a library that does not compile is refused
// by FUNCTION LOAD; the call did not run and its error is the script's
// compile error at its file and line, as with EVALSHA, also in a
// pipeline.
func TestFunctionsCompileError(t *testing.T) {
	rdb := redistest.Real(t).Client(t)
	ctx := context.Background()
	bad := parse(t, "bad", "%key k\nlocal a = 1\nlocal b = = 2\nreturn a")
	e, _ := functionsEngine(t, rdb, "app", bad)
	check := func(how string, err error) {
		t.Helper()
		var se *engine.ScriptError
		if !errors.As(err, &se) || !se.Compile || se.Pos().String() != "bad.lua:3" {
			t.Errorf("%s: %#v", how, err)
		}
	}
	check("run", e.Run(ctx, bad, map[string]any{"k": "x"}).Err())
	pipe := rdb.Pipeline()
	c := e.Queue(ctx, pipe, bad, map[string]any{"k": "x"})
	pipe.Exec(ctx)
	check("pipeline", c.Err())
	if n := commandCalls(t, rdb, "fcall"); n != 2 {
		t.Errorf("FCALL %d times, want 2 (each refused once, not sent again)", n)
	}
}

// TestLoadLibrary: LoadLibrary puts the engine's library on the server
// ahead of any call (twice is fine), so that the first call is one FCALL;
// an engine without a library says so.
func TestLoadLibrary(t *testing.T) {
	rdb := redistest.Real(t).Client(t)
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	e, lib := functionsEngine(t, rdb, "app", add)
	for range 2 {
		if err := e.LoadLibrary(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if libs, err := rdb.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: lib.Name}).Result(); err != nil || len(libs) != 1 {
		t.Fatalf("FUNCTION LIST = %v, %v", libs, err)
	}
	if n, err := e.Run(ctx, add, map[string]any{"k": "k", "n": 2}).Int64(); err != nil || n != 2 {
		t.Errorf("Run = %d, %v", n, err)
	}
	if n := commandCalls(t, rdb, "fcall"); n != 1 {
		t.Errorf("%d FCALLs, want 1", n)
	}
	if err := engine.New(rdb).LoadLibrary(ctx); err == nil || !strings.Contains(err.Error(), "WithFunctions") {
		t.Errorf("an engine without a library: %v", err)
	}
}
