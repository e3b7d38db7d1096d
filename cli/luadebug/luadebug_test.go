package luadebug_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luadebug"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// tree: main includes a helper once (add, whose locals the tests
// print) and another file twice (mark).
var tree = fstest.MapFS{
	"main.lua": {Data: []byte(`%key counter
%arg n integer
%return integer
%include "lib/util"
%include "lib/mark"
local total = add(counter, n)
%include "lib/mark"
return total
`)},
	"lib/util.lua": {Data: []byte(`-- add increments a counter by n.
local function add(key, n)
  local before = tonumber(redis.call('GET', key) or '0')
  local after = redis.call('INCRBY', key, n)
  return after
end
`)},
	"lib/mark.lua": {Data: []byte("redis.call('RPUSH', 'marks', 'x')\n")},
	"boom.lua":     {Data: []byte("%include \"lib/fail\"\nreturn fail()\n")},
	"lib/fail.lua": {Data: []byte("local function fail()\n  error('boom')\nend\n")},
	"echo.lua":     {Data: []byte("%arg v\nreturn v\n")},
	"longc.lua":    {Data: []byte("--[[ a\nlong comment\n]]\nlocal s = [[\ntext\n]]\nreturn s\n")},
	"forever.lua":  {Data: []byte("local i = 0\nwhile true do\n  i = i + 1\nend\n")},
}

func load(t *testing.T, name string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(tree).Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func server(t *testing.T) (*redistest.Server, *redis.Options, *redis.Client) {
	t.Helper()
	srv := redistest.Real(t)
	opt, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return srv, opt, srv.Client(t)
}

func start(t *testing.T, opt *redis.Options, name string, values map[string]any, o luadebug.Options) (*luadebug.Session, string) {
	t.Helper()
	d, out, err := luadebug.Start(context.Background(), opt, load(t, name), values, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d, strings.Join(out, "\n")
}

func do(t *testing.T, d *luadebug.Session, cmd string) string {
	t.Helper()
	out, err := d.Do(context.Background(), cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return strings.Join(out, "\n")
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: no %q in:\n%s", what, w, got)
		}
	}
}

// A breakpoint in an included file: the session stops there, says which
// include line led there, prints the helper's locals, and the script's
// reply comes at the end; forked, its writes are dropped.
func TestBreakInInclude(t *testing.T) {
	_, opt, c := server(t)
	d, out := start(t, opt, "main", map[string]any{"counter": "c", "n": 5}, luadebug.Options{Breaks: []string{"lib/util.lua:5"}})
	contains(t, "start", out,
		"* Stopped at lib/util.lua:5, break point (included from main.lua:4)",
		"-># lib/util.lua:5         return after")
	if strings.Contains(out, "main.lua:1") {
		t.Errorf("the first line was shown, not only the breakpoint:\n%s", out)
	}
	if loc, ok := d.Where(); !ok || loc != (luadebug.Location{File: "lib/util.lua", Line: 5}) {
		t.Errorf("Where = %v %v", loc, ok)
	}
	contains(t, "print", do(t, d, "print"), "<value> key = \"c\"", "<value> n = 5", "<value> before = 0", "<value> after = 5")
	contains(t, "print after", do(t, d, "p after"), "<value> 5")
	contains(t, "trace", do(t, d, "trace"), "In add:", "lib/util.lua:5", "From top level:", "main.lua:6")
	contains(t, "list", do(t, d, "list lib/util.lua:3 1"), "lib/util.lua:2", "lib/util.lua:3", "lib/util.lua:4")
	do(t, d, "continue")
	if !d.Done() {
		t.Fatal("not done after continue")
	}
	if v, err := d.Result(); err != nil || v != int64(5) {
		t.Errorf("Result = %v, %v", v, err)
	}
	if _, err := d.Do(context.Background(), "step"); !errors.Is(err, luadebug.ErrEnded) {
		t.Errorf("a command after the end: %v", err)
	}
	if n, err := c.Exists(context.Background(), "c", "marks").Result(); err != nil || n != 0 {
		t.Errorf("forked session left keys: %d %v", n, err)
	}
}

// A line of a file included twice is two rendered lines: a breakpoint
// there stops at both, each with its include line.
func TestBreakIncludedTwice(t *testing.T) {
	_, opt, _ := server(t)
	d, out := start(t, opt, "main", map[string]any{"counter": "c", "n": 1}, luadebug.Options{Breaks: []string{"lib/mark:1"}})
	contains(t, "first", out, "* Stopped at lib/mark.lua:1, break point (included from main.lua:5)")
	contains(t, "second", do(t, d, "c"), "* Stopped at lib/mark.lua:1, break point (included from main.lua:7)")
	// An empty line repeats continue.
	do(t, d, "")
	if v, err := d.Result(); !d.Done() || err != nil || v != int64(1) {
		t.Errorf("Result = %v, %v (done %v)", v, err, d.Done())
	}
}

// --sync keeps the writes; steps show the commands the script sends.
func TestSync(t *testing.T) {
	_, opt, c := server(t)
	d, _ := start(t, opt, "main", map[string]any{"counter": "c", "n": 2}, luadebug.Options{Sync: true})
	contains(t, "break in the current file", do(t, d, "b 6"), "# main.lua:6")
	contains(t, "step", do(t, d, "s")+do(t, d, "s")+do(t, d, "s"), "Stopped at")
	do(t, d, "c")
	for !d.Done() {
		do(t, d, "c")
	}
	if v, err := d.Result(); err != nil || v != int64(2) {
		t.Errorf("Result = %v, %v", v, err)
	}
	if got, err := c.Get(context.Background(), "c").Result(); err != nil || got != "2" {
		t.Errorf("sync session's write: %q %v", got, err)
	}
}

// An error raised in an included file ends the session with the
// engine's ScriptError: its file, line and traceback.
func TestScriptError(t *testing.T) {
	_, opt, _ := server(t)
	d, _ := start(t, opt, "boom", nil, luadebug.Options{})
	do(t, d, "continue")
	_, err := d.Result()
	redistest.AssertScriptError(t, err, "lib/fail.lua", 2)
}

// Close of a stopped session aborts the script: a sync session (which
// blocks the server) leaves the server free at once.
func TestCloseFreesTheServer(t *testing.T) {
	_, opt, c := server(t)
	d, out := start(t, opt, "main", map[string]any{"counter": "c", "n": 3}, luadebug.Options{Sync: true})
	contains(t, "start", out, "Stopped at main.lua:1")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("server after Close: %v", err)
	}
	if _, err := d.Result(); err == nil || !strings.Contains(err.Error(), "aborted") {
		t.Errorf("Result after Close: %v", err)
	}
}

// A script that never ends: Redis stops it after its busy-reply
// threshold and says so; abort ends it. Cancelling a wait aborts too.
func TestNeverEnds(t *testing.T) {
	_, opt, c := server(t)
	ctx := context.Background()
	if err := c.ConfigSet(ctx, "lua-time-limit", "300").Err(); err != nil {
		t.Fatal(err)
	}
	t.Run("abort", func(t *testing.T) {
		d, _ := start(t, opt, "forever", nil, luadebug.Options{Sync: true})
		out := do(t, d, "continue")
		contains(t, "continue", out, "timeout reached, infinite loop?", "abort ends it")
		contains(t, "print", do(t, d, "print i"), "<value> ")
		do(t, d, "abort")
		if _, err := d.Result(); !d.Done() || err == nil || !strings.Contains(err.Error(), "aborted") {
			t.Errorf("after abort: %v (done %v)", err, d.Done())
		}
	})
	t.Run("cancel", func(t *testing.T) {
		d, _ := start(t, opt, "forever", nil, luadebug.Options{Sync: true})
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		out, _ := d.Do(cctx, "continue")
		contains(t, "cancelled", strings.Join(out, "\n"), "interrupted: aborting the script")
		if _, err := d.Result(); !d.Done() || err == nil || !strings.Contains(err.Error(), "aborted") {
			t.Errorf("after cancel: %v (done %v)", err, d.Done())
		}
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		defer pcancel()
		if err := c.Ping(pctx).Err(); err != nil {
			t.Fatalf("server after the cancel: %v", err)
		}
	})
}

// An ACL user without script|debug: a RefusedError.
func TestRefused(t *testing.T) {
	_, opt, c := server(t)
	ctx := context.Background()
	if err := c.Do(ctx, "ACL", "SETUSER", "nodebug", "on", ">pw", "~*", "+@all", "-script|debug").Err(); err != nil {
		t.Fatal(err)
	}
	o := *opt
	o.Username, o.Password = "nodebug", "pw"
	_, _, err := luadebug.Start(ctx, &o, load(t, "boom"), nil, luadebug.Options{})
	var re *luadebug.RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("Start as nodebug: %v", err)
	}
}

// What Start refuses before it connects: breakpoints on no code, values
// that do not bind.
func TestStartRefuses(t *testing.T) {
	opt := &redis.Options{Addr: "127.0.0.1:1"} // never dialled
	vals := map[string]any{"counter": "c", "n": 1}
	for _, tc := range []struct {
		brk, want string
	}{
		{"lib/nope.lua:1", "main does not include lib/nope.lua (its files: main.lua, lib/util.lua, lib/mark.lua)"},
		{"lib/util.lua:1", "no code to stop at (a comment); code at line 2"},
		{"lib/util.lua:40", "past the last line of lib/util.lua that runs (6)"},
		{"main.lua:4", "an %include line"},
		{"main.lua:3", "no code to stop at (a directive); code at line 2 and 6"},
		{"main", `"main" is not FILE:LINE`},
		{"main.lua:0", `is not FILE:LINE`},
		{"7", "names no file"},
	} {
		_, _, err := luadebug.Start(context.Background(), opt, load(t, "main"), vals, luadebug.Options{Breaks: []string{tc.brk}})
		var be *luadebug.BreakError
		if !errors.As(err, &be) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("break %s: %v, want %q", tc.brk, err, tc.want)
		}
	}
	for _, tc := range []struct{ brk, want string }{
		{"longc.lua:2", "no code to stop at (inside a long comment or string); code at line 4"},
		{"longc.lua:5", "no code to stop at (inside a long comment or string); code at line 4 and 7"},
	} {
		_, _, err := luadebug.Start(context.Background(), opt, load(t, "longc"), nil, luadebug.Options{Breaks: []string{tc.brk}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("break %s: %v, want %q", tc.brk, err, tc.want)
		}
	}
	if _, _, err := luadebug.Start(context.Background(), opt, nil, nil, luadebug.Options{}); err == nil {
		t.Error("Start of a nil script: no error")
	}
	if _, _, err := luadebug.Start(context.Background(), nil, load(t, "main"), vals, luadebug.Options{}); err == nil {
		t.Error("Start without server options: no error")
	}
	_, _, err := luadebug.Start(context.Background(), opt, load(t, "main"), map[string]any{"counter": "c"}, luadebug.Options{})
	var ae *engine.ArgsError
	if !errors.As(err, &ae) {
		t.Errorf("missing n: %v", err)
	}
}

// next steps over the functions a line calls (Redis's debugger has only
// step): from the call of the helper, the next stop is the following
// line of the top script, with what the helper sent to Redis shown;
// step goes into the helper.
func TestNext(t *testing.T) {
	_, opt, _ := server(t)
	values := map[string]any{"counter": "c", "n": 5}
	d, out := start(t, opt, "main", values, luadebug.Options{Breaks: []string{"main.lua:6"}})
	contains(t, "start", out, "* Stopped at main.lua:6, break point")
	out = do(t, d, "next")
	tag := "<redis>" // Redis's debugger's name for a command the script sends
	if strings.Contains(out, "<command> ") {
		tag = "<command>" // Valkey's (its unstable tree, 2026)
	}
	contains(t, "next", out, tag+" GET c", tag+" INCRBY c 5", "* Stopped at lib/mark.lua:1, step over (included from main.lua:7)")
	if strings.Contains(out, "lib/util.lua") {
		t.Errorf("next showed the helper's lines:\n%s", out)
	}
	d2, _ := start(t, opt, "main", values, luadebug.Options{Breaks: []string{"main.lua:6"}})
	contains(t, "step", do(t, d2, "step"), "* Stopped at lib/util.lua:3")
	// A breakpoint inside the called function stops next there.
	d3, _ := start(t, opt, "main", values, luadebug.Options{Breaks: []string{"main.lua:6", "lib/util.lua:5"}})
	contains(t, "next to a breakpoint", do(t, d3, "n"), "* Stopped at lib/util.lua:5, break point")
}

// The values go as the engine sends them (codec.ArgText, go-redis's
// text): an untyped duration is its nanoseconds, not Go's "1.5s".
func TestValuesAsTheEngineSends(t *testing.T) {
	_, opt, _ := server(t)
	for v, want := range map[any]string{1500 * time.Millisecond: "1500000000", float32(0.1): "0.10000000149011612", true: "1"} {
		d, _ := start(t, opt, "echo", map[string]any{"v": v}, luadebug.Options{})
		do(t, d, "continue")
		if got, err := d.Result(); err != nil || got != want {
			t.Errorf("v = %#v: %v, %v, want %q", v, got, err, want)
		}
	}
}
