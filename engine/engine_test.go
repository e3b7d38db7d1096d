package engine_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// scripts is the tree the engine tests run.
var scripts = fstest.MapFS{
	"create_foo.lua": {Data: []byte(`%arg size integer
%arg members list
%return dict

local foo_id = redis.call('INCR', 'foo:last_id')
local foo_root_key = string.format('foo:%s', foo_id)
local foo_members_key = foo_root_key .. ':members'
local foo_size_key = foo_root_key .. ':size'

redis.call('SET', foo_size_key, size)
redis.call('SADD', foo_members_key, unpack(members))

return cjson.encode({
    id=foo_id,
    members=members,
    size=size,
})
`)},
	"broken_foo.lua": {Data: []byte(`%arg size integer
%include "keys"
return size
`)},
	"keys.lua": {Data: []byte(`-- Keys of a foo.
local foo_id = 1
local foo_root_key = 'foo:' .. foo_id
local foo_members_key = foo_root_key .. ':members'
-- The next line has the mistake.


local foo_size_key = foo_size_key .. ':size'
`)},
	"incr.lua":           {Data: []byte("%key counter\n%return integer\nreturn redis.call('INCR', counter)\n")},
	"pair.lua":           {Data: []byte("%key a\n%key b\n%return integer\nredis.call('INCR', a)\nreturn redis.call('INCR', b)\n")},
	"echo/integer.lua":   {Data: []byte("%arg v integer\n%return integer\nreturn v\n")},
	"echo/number.lua":    {Data: []byte("%arg v number\n%return number\nreturn tostring(v)\n")},
	"echo/string.lua":    {Data: []byte("%arg v string\n%return string\nreturn v\n")},
	"echo/boolean.lua":   {Data: []byte("%arg v boolean\n%return boolean\nreturn v\n")},
	"echo/list.lua":      {Data: []byte("%arg v list\n%return list\nreturn cjson.encode(v)\n")},
	"echo/dict.lua":      {Data: []byte("%arg v dict\n%return dict\nreturn cjson.encode(v)\n")},
	"echo/raw.lua":       {Data: []byte("%arg v\nreturn v\n")},
	"errors/reply.lua":   {Data: []byte("return redis.error_reply('MYERR custom')\n")},
	"errors/command.lua": {Data: []byte("local a = 1\nreturn redis.call('GET')\n")},
	"errors/compile.lua": {Data: []byte("local a = 1\nlocal b =\n= 2\n")},
	"errors/error.lua":   {Data: []byte("%arg msg string\nerror(msg)\n")},
	"typed.lua":          {Data: []byte("%key k\n%arg n integer\n%arg tags list\n%arg on boolean\nreturn 1\n")},
}

func load(t testing.TB, name string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(scripts).Load(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return s
}

// backends runs f on a real redis-server and on miniredis.
func backends(t *testing.T, f func(t *testing.T, srv *redistest.Server)) {
	t.Run("redis", func(t *testing.T) { f(t, redistest.Real(t)) })
	t.Run("miniredis", func(t *testing.T) { f(t, redistest.Embedded(t)) })
}

func TestCreateFoo(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		e := engine.New(srv.Client(t))
		ctx := context.Background()
		call := e.Run(ctx, load(t, "create_foo"), map[string]any{"members": []string{"john", "susan", "bob"}, "size": 5})
		v, err := call.Result()
		if err != nil {
			t.Fatal(err)
		}
		got := v.(map[string]any)
		if got["id"] != 1.0 || got["size"] != 5.0 || fmt.Sprint(got["members"]) != "[john susan bob]" {
			t.Errorf("create_foo = %v", got)
		}
		var foo struct {
			ID      int64    `json:"id"`
			Members []string `json:"members"`
			Size    int      `json:"size"`
		}
		if err := call.Scan(&foo); err != nil || foo.ID != 1 || foo.Size != 5 || len(foo.Members) != 3 {
			t.Errorf("Scan = %+v, %v", foo, err)
		}
		members, _ := srv.Client(t).SMembers(ctx, "foo:1:members").Result()
		if len(members) != 3 {
			t.Errorf("foo:1:members = %v", members)
		}
		// A struct binds by field name.
		type args struct {
			Size    int
			Members []string
		}
		if _, err := e.Run(ctx, load(t, "create_foo"), args{Size: 2, Members: []string{"x"}}).Result(); err != nil {
			t.Errorf("struct values: %v", err)
		}
	})
}

func TestTracebackThroughInclude(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		e := engine.New(srv.Client(t))
		_, err := e.Run(context.Background(), load(t, "broken_foo"), map[string]any{"size": 1}).Result()
		redistest.AssertScriptError(t, err, "keys.lua", 8)
		var se *engine.ScriptError
		errors.As(err, &se)
		if se.Line != 9 || len(se.Frames) != 2 || se.Frames[0].Script != "broken_foo" || se.Frames[0].Line != 2 {
			t.Errorf("script error = %+v", se)
		}
		want := `keys.lua:8: `
		if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Error() = %q", err)
		}
		tb := fmt.Sprintf("%+v", err)
		for _, line := range []string{
			"Lua traceback (most recent script last):",
			`  Script "broken_foo", line 2`,
			`    %include "keys"`,
			`  Script "keys", line 8`,
			`    local foo_size_key = foo_size_key .. ':size'`,
		} {
			if !strings.Contains(tb, line+"\n") && !strings.HasSuffix(tb, line) {
				t.Errorf("traceback lacks %q:\n%s", line, tb)
			}
		}
		var re redis.Error
		if !errors.As(err, &re) {
			t.Error("the go-redis error is not reachable")
		}
	})
}

func TestErrorFormats(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		e := engine.New(srv.Client(t))
		ctx := context.Background()
		_, err := e.Run(ctx, load(t, "errors/reply"), nil).Result()
		var re redis.Error
		if !errors.As(err, &re) || err.Error() != "MYERR custom" {
			t.Errorf("error_reply = %v (%T), want MYERR custom unchanged", err, err)
		}
		_, err = e.Run(ctx, load(t, "errors/command"), nil).Result()
		redistest.AssertScriptError(t, err, "errors/command.lua", 2)
		_, err = e.Run(ctx, load(t, "errors/compile"), nil).Result()
		redistest.AssertScriptError(t, err, "errors/compile.lua", 3)
		var se *engine.ScriptError
		if !errors.As(err, &se) || !se.Compile || !errors.Is(err, engine.ErrNotExecuted) {
			t.Errorf("compile error = %+v", err)
		}
		_, err = e.Run(ctx, load(t, "errors/error"), map[string]any{"msg": "boom"}).Result()
		redistest.AssertScriptError(t, err, "errors/error.lua", 2)
		if errors.As(err, &se); se.Message != "boom" {
			t.Errorf("message = %q", se.Message)
		}
	})
}

func TestTypes(t *testing.T) {
	tests := []struct {
		script string
		in     any
		want   any
	}{
		{"echo/integer", 42, int64(42)},
		{"echo/integer", -codec.MaxSafeInteger, int64(-codec.MaxSafeInteger)},
		{"echo/number", 2.5, 2.5},
		{"echo/number", 0.1, 0.1},
		{"echo/string", "héllo \x00 bytes", "héllo \x00 bytes"},
		{"echo/boolean", true, true},
		{"echo/boolean", false, false},
		{"echo/list", []string{"a", "b"}, []any{"a", "b"}},
		{"echo/list", []int(nil), []any{}},
		{"echo/list", []any{1, "x", []byte("raw"), map[string]any{"k": true}}, []any{1.0, "x", "raw", map[string]any{"k": true}}},
		{"echo/dict", map[string]any{"a": 1, "nested": map[string]any{"b": []any{"é"}}}, map[string]any{"a": 1.0, "nested": map[string]any{"b": []any{"é"}}}},
		{"echo/raw", "as is", "as is"},
	}
	backends(t, func(t *testing.T, srv *redistest.Server) {
		e := engine.New(srv.Client(t))
		for _, tt := range tests {
			got, err := e.Run(context.Background(), load(t, tt.script), map[string]any{"v": tt.in}).Result()
			if err != nil {
				t.Errorf("%s(%#v): %v", tt.script, tt.in, err)
				continue
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s(%#v) = %#v, want %#v", tt.script, tt.in, got, tt.want)
			}
		}
	})
}

func TestArgsErrors(t *testing.T) {
	srv := redistest.New(t)
	c := srv.Client(t)
	e := engine.New(c)
	var called bool
	c.AddHook(sentHook{&called})
	_, err := e.Run(context.Background(), load(t, "typed"), map[string]any{
		"k": "key", "n": "five", "tgas": []string{}, "extra": 1,
	}).Result()
	var ae *engine.ArgsError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v", err)
	}
	if fmt.Sprint(ae.Unknown, ae.Hints, ae.Missing) != "[extra tgas] [ tags] [tags on]" || len(ae.Invalid) != 1 {
		t.Errorf("ArgsError = %+v", ae)
	}
	want := `script typed: unknown "extra"; unknown "tgas" (did you mean "tags"?); missing "tags", "on"; argument n: want integer, got string "five"`
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	var ee *codec.EncodeError
	if !errors.As(err, &ee) || ee.Arg != "n" || !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("errors.As/Is do not reach the parts: %v", err)
	}
	if called {
		t.Error("a command was sent for a call with bad values")
	}
	_, err = e.Run(context.Background(), load(t, "typed"), 42).Result()
	if !errors.As(err, &ae) {
		t.Errorf("values of a wrong kind: %v", err)
	}
}

// TestOrdered: values by position run like the same values by name,
// on both backends; a short, long or mistyped list is an *ArgsError and
// sends nothing.
func TestOrdered(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		c := srv.Client(t)
		e := engine.New(c)
		ctx := context.Background()
		s := load(t, "incr")
		for i := 1; i <= 2; i++ {
			if n, err := e.Run(ctx, s, engine.Ordered{"ord"}).Int64(); err != nil || n != int64(i) {
				t.Fatalf("call %d = %d, %v", i, n, err)
			}
		}
		var called bool
		c.AddHook(sentHook{&called})
		typed := load(t, "typed")
		tests := []struct {
			values engine.Ordered
			want   string
		}{
			{engine.Ordered{"k", 1}, `script typed: missing "tags", "on"`},
			{engine.Ordered{"k", 1, []string{}, true, "extra"}, `script typed: 5 ordered values for 4 parameters`},
			{engine.Ordered{"k", "five", []string{}, true}, `script typed: argument n: want integer, got string "five"`},
			{engine.Ordered{1.5, 1, []string{}, true}, `script typed: argument k: a key is a string or an integer, got float64`},
		}
		for _, tt := range tests {
			err := e.Run(ctx, typed, tt.values).Err()
			var ae *engine.ArgsError
			if !errors.As(err, &ae) || !errors.Is(err, engine.ErrNotExecuted) || err.Error() != tt.want {
				t.Errorf("%v: %v\nwant %s", tt.values, err, tt.want)
			}
		}
		if called {
			t.Error("a command was sent for a call with bad ordered values")
		}
	})
}

type sentHook struct{ called *bool }

func (h sentHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h sentHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { *h.called = true; return next(ctx, cmd) }
}
func (h sentHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestNoScriptAfterFlush(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		c := srv.Client(t)
		e := engine.New(c)
		ctx := context.Background()
		s := load(t, "incr")
		for i := 1; i <= 3; i++ {
			if err := c.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			n, err := e.Run(ctx, s, map[string]any{"counter": "n"}).Int64()
			if err != nil || n != int64(i) {
				t.Fatalf("call %d after SCRIPT FLUSH = %d, %v", i, n, err)
			}
		}
		// The body is sent only when the server lacks the script.
		exists, _ := c.ScriptExists(ctx, s.SHA1()).Result()
		if len(exists) != 1 || !exists[0] {
			t.Errorf("the script is not cached after a call: %v", exists)
		}
	})
}

func TestPipelineAfterFlush(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		c := srv.Client(t)
		e := engine.New(c)
		ctx := context.Background()
		s := load(t, "incr")
		c.ScriptFlush(ctx)
		p := c.Pipeline()
		calls := make([]*engine.Call, 1000)
		for i := range calls {
			calls[i] = e.Queue(ctx, p, s, map[string]any{"counter": "pipe"})
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("Exec: %v", err)
		}
		for i, call := range calls {
			if n, err := call.Int64(); err != nil || n < 1 {
				t.Fatalf("call %d = %d, %v", i, n, err)
			}
		}
		if n, _ := c.Get(ctx, "pipe").Int(); n != 1000 {
			t.Errorf("counter = %d, want 1000", n)
		}
	})
}

func TestTransactionAfterFlush(t *testing.T) {
	backends(t, func(t *testing.T, srv *redistest.Server) {
		c := srv.Client(t)
		e := engine.New(c)
		ctx := context.Background()
		s := load(t, "incr")
		for round := 1; round <= 3; round++ {
			c.ScriptFlush(ctx)
			var a, b *engine.Call
			_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				a = e.Queue(ctx, p, s, map[string]any{"counter": "tx"})
				p.Incr(ctx, "other")
				b = e.Queue(ctx, p, s, map[string]any{"counter": "tx"})
				return nil
			})
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			na, errA := a.Int64()
			nb, errB := b.Int64()
			if errA != nil || errB != nil || nb != na+1 || nb != int64(2*round) {
				t.Fatalf("round %d: %d %v, %d %v", round, na, errA, nb, errB)
			}
		}
		// A script that does not compile fails with its compile error.
		var bad *engine.Call
		c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			bad = e.Queue(ctx, p, load(t, "errors/compile"), nil)
			return nil
		})
		redistest.AssertScriptError(t, bad.Err(), "errors/compile.lua", 3)
	})
}

func TestPreload(t *testing.T) {
	srv := redistest.New(t)
	c := srv.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	all, _ := resolve.New(scripts).LoadMany("incr", "pair", "create_foo")
	var list []*resolve.Script
	for _, s := range all {
		list = append(list, s)
	}
	if err := e.Preload(ctx, list...); err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if ok, _ := c.ScriptExists(ctx, s.SHA1()).Result(); !ok[0] {
			t.Errorf("%s not loaded", s.Name())
		}
	}
	err := e.Preload(ctx, load(t, "errors/compile"))
	redistest.AssertScriptError(t, err, "errors/compile.lua", 3)
}

func TestContextCancelled(t *testing.T) {
	srv := redistest.New(t)
	e := engine.New(srv.Client(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Run(ctx, load(t, "incr"), map[string]any{"counter": "c"}).Result()
	if !errors.Is(err, engine.ErrNotExecuted) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call = %v, want not executed and context.Canceled", err)
	}
	if n, _ := srv.Client(t).Exists(context.Background(), "c").Result(); n != 0 {
		t.Error("the cancelled call ran")
	}
}

// TestConcurrentCalls: 200 goroutines call one script while its cache is
// flushed under them five times: every call succeeds, or, refused
// NOSCRIPT while another call reloaded the script (outcome unknown) or
// flushed again between its SCRIPT LOAD and its one resend (not
// executed), says so; none runs twice.
func TestConcurrentCalls(t *testing.T) {
	srv := redistest.New(t)
	c := srv.Client(t)
	e := engine.New(c)
	s := load(t, "incr")
	ctx := context.Background()
	var wg sync.WaitGroup
	var out outcomes
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				_, err := e.Run(ctx, s, map[string]any{"counter": "shared"}).Int64()
				if !out.add(err) || err != nil && !strings.Contains(err.Error(), "NOSCRIPT") {
					t.Error(err)
				}
			}
		}()
	}
	// Flush under the callers' feet too.
	for range 5 {
		c.ScriptFlush(ctx)
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	n, _ := c.Get(ctx, "shared").Int64()
	t.Logf("%s; counter %d", &out, n)
	out.check(t, n)
}

func TestDecodeError(t *testing.T) {
	srv := redistest.New(t)
	e := engine.New(srv.Client(t))
	s, _ := resolve.New(fstest.MapFS{"bad.lua": {Data: []byte("%return integer\nreturn 'not a number'")}}).Load("bad")
	_, err := e.Run(context.Background(), s, nil).Result()
	var de *engine.DecodeError
	var cde *codec.DecodeError
	if !errors.As(err, &de) || !errors.As(err, &cde) || !strings.Contains(err.Error(), `script bad: reply does not fit %return integer`) {
		t.Errorf("error = %v", err)
	}
}

func TestResultBeforeExec(t *testing.T) {
	srv := redistest.New(t)
	c := srv.Client(t)
	e := engine.New(c)
	ctx := context.Background()
	p := c.Pipeline()
	call := e.Queue(ctx, p, load(t, "incr"), map[string]any{"counter": "later"})
	if _, err := call.Result(); !errors.Is(err, engine.ErrNotExecuted) {
		t.Errorf("before Exec: %v", err)
	}
	p.Exec(ctx)
	if n, err := call.Int64(); err != nil || n != 1 {
		t.Errorf("after Exec: %d, %v", n, err)
	}
	if v, err := call.Result(); err != nil || v != int64(1) {
		t.Errorf("Result after Exec: %v, %v", v, err)
	}
	// Two engines on one client each look after their own calls.
	e2 := engine.New(c)
	c.ScriptFlush(ctx)
	p = c.Pipeline()
	a := e.Queue(ctx, p, load(t, "incr"), map[string]any{"counter": "two"})
	b := e2.Queue(ctx, p, load(t, "incr"), map[string]any{"counter": "two"})
	p.Exec(ctx)
	if a.Val() == nil || b.Val() == nil || a.Val() == b.Val() {
		t.Errorf("two engines: %v %v (%v %v)", a.Val(), b.Val(), a.Err(), b.Err())
	}
}
