package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
)

// TestEnginesShareClient: engines made on one client (a plain one first,
// then two with libraries of their own) share the client's pipeline
// hook, which serves each call through its own engine: after FUNCTION
// FLUSH, one pipeline mixing their calls loads both libraries and runs
// every call once (issue 28, F1: the hook belonged to the first engine
// and panicked on its missing library; F1b: it loaded the wrong library
// and recursed until the stack overflowed).
func TestEnginesShareClient(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	plain := engine.New(rdb)
	eA, libA := functionsEngine(t, rdb, "a", add)
	eB, libB := functionsEngine(t, rdb, "b", add)
	for round := 1; round <= 2; round++ {
		if err := rdb.FunctionFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		before := commandCalls(t, rdb, "fcall")
		pipe := rdb.Pipeline()
		calls := []*engine.Call{
			plain.Queue(ctx, pipe, add, map[string]any{"k": "plain", "n": 1}),
			eA.Queue(ctx, pipe, add, map[string]any{"k": "a", "n": 1}),
			eB.Queue(ctx, pipe, add, map[string]any{"k": "b", "n": 1}),
			eB.Queue(ctx, pipe, add, map[string]any{"k": "b", "n": 1}),
		}
		pipe.Exec(ctx)
		want := []int64{int64(round), int64(round), int64(2*round - 1), int64(2 * round)}
		for i, c := range calls {
			if n, err := c.Int64(); err != nil || n != want[i] {
				t.Errorf("round %d call %d = %d, %v; want %d", round, i, n, err, want[i])
			}
		}
		// Three FCALLs refused, three sent again after their library
		// loaded: six in all.
		if n := commandCalls(t, rdb, "fcall") - before; n != 6 {
			t.Errorf("round %d: %d FCALLs, want 6", round, n)
		}
		for _, lib := range []*engine.Library{libA, libB} {
			libs, err := rdb.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: lib.Name}).Result()
			if err != nil || len(libs) != 1 {
				t.Errorf("round %d: library %s: %v, %v", round, lib.Name, libs, err)
			}
		}
		// Run goes through the call's own engine as well.
		if err := rdb.FunctionFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if n, err := eB.Run(ctx, add, map[string]any{"k": "run", "n": 1}).Int64(); err != nil || n != int64(round) {
			t.Errorf("round %d: Run = %d, %v", round, n, err)
		}
	}
}

// flushAfterLoad is a hook that flushes the server's functions right
// after each FUNCTION LOAD its client sends: a library that vanishes
// before the call sent again reaches it.
type flushAfterLoad struct{ admin *redis.Client }

func (h flushAfterLoad) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h flushAfterLoad) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if args := cmd.Args(); len(args) > 1 && cmd.Name() == "function" && args[1] == "load" {
			h.admin.FunctionFlush(ctx)
		}
		return err
	}
}

func (h flushAfterLoad) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestResendOnce: a call refused for want of its function is sent again
// once after FUNCTION LOAD; refused again (the library flushed in
// between), it is not sent a third time and says ErrNotExecuted, in Run
// and in a pipeline, without recursing.
func TestResendOnce(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	rdb.AddHook(flushAfterLoad{srv.Client(t)})
	ctx := context.Background()
	add := parse(t, "add", incrBy)
	e, _ := functionsEngine(t, rdb, "app", add)
	check := func(how string, c *engine.Call, before int) {
		t.Helper()
		err := c.Err()
		if !errors.Is(err, engine.ErrNotExecuted) || !strings.Contains(err.Error(), "Function not found") {
			t.Errorf("%s: error = %v, want ErrNotExecuted after the one resend", how, err)
		}
		if n := commandCalls(t, rdb, "fcall") - before; n != 2 {
			t.Errorf("%s: %d FCALLs, want 2 (the first and one resend)", how, n)
		}
	}
	before := commandCalls(t, rdb, "fcall")
	check("run", e.Run(ctx, add, map[string]any{"k": "k", "n": 1}), before)
	before = commandCalls(t, rdb, "fcall")
	pipe := rdb.Pipeline()
	c := e.Queue(ctx, pipe, add, map[string]any{"k": "k", "n": 1})
	pipe.Exec(ctx)
	check("pipeline", c, before)
	if n, _ := rdb.Get(ctx, "k").Int(); n != 0 {
		t.Errorf("the script ran %d times", n)
	}
}

// TestLibraryKeepsText: a script's own text goes into the library as
// written; nothing in it is taken for the library's name (issue 28, F3:
// '%LIB%' in a literal became the library's name).
func TestLibraryKeepsText(t *testing.T) {
	rdb := redistest.Real(t).Client(t)
	ctx := context.Background()
	lit := parse(t, "lit", "%return string\nreturn '%LIB%_is_a_literal' .. \"'%LIB%\"")
	e, lib := functionsEngine(t, rdb, "lit", lit)
	if v, err := e.Run(ctx, lit, nil).Text(); err != nil || v != "%LIB%_is_a_literal'%LIB%" {
		t.Errorf("through FCALL = %q, %v", v, err)
	}
	if !strings.Contains(lib.Code, "return '%LIB%_is_a_literal' .. \"'%LIB%\"") {
		t.Errorf("the library's code rewrote the script:\n%s", lib.Code)
	}
}
