package engine_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

func parse(t *testing.T, name, src string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(nil).Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNoWritesReplica: a #!lua flags=no-writes script runs with
// EVALSHA_RO, on a replica too; a script that writes is refused there
// with its traceback.
func TestNoWritesReplica(t *testing.T) {
	master := redistest.Real(t)
	replica := redistest.Replica(t, master)
	ctx := context.Background()
	m := master.Client(t)
	m.Set(ctx, "k", "v", 0)
	r := replica.Client(t)
	for i := 0; i < 100 && r.Get(ctx, "k").Val() != "v"; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	read := parse(t, "read", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	e := engine.New(r)
	for range 3 {
		if v, err := e.Run(ctx, read, map[string]any{"k": "k"}).Text(); err != nil || v != "v" {
			t.Fatalf("no-writes script on the replica = %q, %v", v, err)
		}
	}
	if n := commandCalls(t, r, "evalsha_ro"); n != 3 {
		t.Errorf("the replica ran EVALSHA_RO %d times, want 3 (the first answered NOSCRIPT, then EVAL_RO)", n)
	}
	if n := commandCalls(t, r, "eval_ro"); n != 1 {
		t.Errorf("EVAL_RO %d times, want 1", n)
	}
	write := parse(t, "write", "#!lua flags=no-writes\n%key k\nredis.call('SET', k, 'x')\nreturn 1")
	err := engine.New(m).Run(ctx, write, map[string]any{"k": "k"}).Err()
	var se *engine.ScriptError
	if !errors.As(err, &se) || se.Pos().String() != "write.lua:3" {
		t.Errorf("a write in a no-writes script = %v", err)
	}
	if m.Get(ctx, "k").Val() != "v" {
		t.Error("the no-writes script wrote")
	}
}

// TestShebangOnMiniredis: miniredis refuses the #! line; the engine
// sends the script with the line blanked (its own SHA1) and plain
// EVALSHA, and line numbers, so tracebacks, stay right.
func TestShebangOnMiniredis(t *testing.T) {
	srv := redistest.Embedded(t)
	e := engine.New(srv.Client(t))
	ctx := context.Background()
	s := parse(t, "flagged", "#!lua flags=no-writes,allow-oom\n%key k\n%return integer\nif k == 'boom' then error('boom') end\nreturn 7")
	if n, err := e.Run(ctx, s, map[string]any{"k": "k"}).Int64(); err != nil || n != 7 {
		t.Fatalf("flagged script on miniredis = %d, %v", n, err)
	}
	err := e.Run(ctx, s, map[string]any{"k": "boom"}).Err()
	var se *engine.ScriptError
	if !errors.As(err, &se) || se.Pos().String() != "flagged.lua:4" {
		t.Errorf("traceback line = %v", err)
	}
	pipe := srv.Client(t).TxPipeline()
	c := e.Queue(ctx, pipe, s, map[string]any{"k": "k"})
	pipe.Exec(ctx)
	if n, err := c.Int64(); err != nil || n != 7 {
		t.Errorf("in MULTI/EXEC = %d, %v", n, err)
	}
	if err := e.Preload(ctx, s); err != nil {
		t.Errorf("Preload of a flagged script: %v", err)
	}
}

// TestCrossSlotKeysFlag: allow-cross-slot-keys lets a script touch keys
// of other slots of its node (Redis refuses it without the flag); the
// declared keys still hash to one slot, as Redis requires of them (the
// engine leaves that check to the server for such a script).
func TestCrossSlotKeysFlag(t *testing.T) {
	cl := redistest.NewCluster(t)
	c := cl.Client(t)
	ctx := context.Background()
	// Two keys of the first master's slots (0-5460), in different slots.
	var a, b string
	for i := 0; b == ""; i++ {
		k := "k" + strconv.Itoa(i)
		if slot := engine.Slot(k); slot <= 5460 {
			if a == "" {
				a = k
			} else if engine.Slot(a) != slot {
				b = k
			}
		}
	}
	src := "%key a\n%arg b\nredis.call('SET', a, 1)\nredis.call('SET', b, 2)\nreturn 1"
	e := engine.New(c)
	// A script with a #! line and no such flag is refused (a script
	// without #! keeps Redis 6's leniency).
	if err := e.Run(ctx, parse(t, "strict", "#!lua\n"+src), map[string]any{"a": a, "b": b}).Err(); err == nil {
		t.Error("without the flag Redis let the script touch another slot")
	}
	if err := e.Run(ctx, parse(t, "flagged", "#!lua flags=allow-cross-slot-keys\n"+src), map[string]any{"a": a, "b": b}).Err(); err != nil {
		t.Errorf("with allow-cross-slot-keys: %v", err)
	}
	var cs *engine.CrossSlotError
	err := e.Run(ctx, parse(t, "two", "#!lua flags=allow-cross-slot-keys\n%key a\n%key b\nreturn 1"), map[string]any{"a": a, "b": b}).Err()
	if errors.As(err, &cs) || !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("declared keys in two slots with the flag: %v, want the server's CROSSSLOT, not executed", err)
	}
}
