package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// redisError is an error reply as go-redis gives it.
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}

// TestTranslateError: the Python library's error_handler tests, and the
// errors of real servers for a script run with go-redis directly.
func TestTranslateError(t *testing.T) {
	lines := strings.Repeat("local x = 1\n", 12)
	s, err := resolve.New(nil).Parse("foo", lines)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reply   string
		line    int
		message string
	}{
		// Redis 5/6 in strict mode (test_parse_response_error_message).
		{"ERR Error running script (call to f_5b4ae8e72ea3e17bf3d44082ade715c88f1a81ba): @enable_strict_lua:8: user_script:4: Script attempted to create global variable 'c'", 4, "Script attempted to create global variable 'c'"},
		// Redis 7.
		{"ERR user_script:11: my lua error script: 5b4ae8e72ea3e17bf3d44082ade715c88f1a81ba, on @user_script:11.", 11, "my lua error"},
	} {
		got := engine.TranslateError(s, redisError(tc.reply))
		var se *engine.ScriptError
		if !errors.As(got, &se) || se.Line != tc.line || se.Message != tc.message || se.Script != "foo" || len(se.Frames) != 1 {
			t.Errorf("%s: %#v", tc.reply, got)
		}
	}
	// A reply that names no line is returned as is (test_error_handler_unknown_message).
	unknown := redisError("ERR Unknown error")
	if got := engine.TranslateError(s, unknown); got != error(unknown) {
		t.Errorf("unknown reply: %v", got)
	}
	for _, err := range []error{nil, redis.Nil, context.Canceled} {
		if got := engine.TranslateError(s, err); got != err {
			t.Errorf("TranslateError(%v) = %v", err, got)
		}
	}
	if got := engine.TranslateError(nil, unknown); got != error(unknown) {
		t.Errorf("nil script: %v", got)
	}
	backends(t, func(t *testing.T, srv *redistest.Server) {
		s, _ := resolve.New(nil).Parse("bar", "local a = 1\nlocal b = 2\nc = 3\nreturn 1")
		err := srv.Client(t).Eval(context.Background(), s.Source(), nil).Err()
		var se *engine.ScriptError
		if !errors.As(engine.TranslateError(s, err), &se) || se.Line != 3 || se.Pos().String() != "bar.lua:3" {
			t.Errorf("%v → %#v", err, engine.TranslateError(s, err))
		}
	})
}

// TestHookSeesScript: a hook on the client sees the script's name in the
// command's text and through ScriptOf, for single calls and in pipelines.
func TestHookSeesScript(t *testing.T) {
	srv := redistest.New(t)
	rdb := srv.Client(t)
	h := &recordHook{}
	rdb.AddHook(h)
	e := engine.New(rdb)
	ctx := context.Background()
	s, _ := resolve.New(nil).Parse("jobs/push", "%key q\n%arg v\nreturn redis.call('RPUSH', q, v)")
	if err := e.Run(ctx, s, map[string]any{"q": "q", "v": "a"}).Err(); err != nil {
		t.Fatal(err)
	}
	pipe := rdb.Pipeline()
	e.Queue(ctx, pipe, s, map[string]any{"q": "q", "v": "b"})
	pipe.Get(ctx, "other")
	pipe.Exec(ctx)
	want := "evalsha jobs/push@" + s.SHA1() + " 1 q a"
	if len(h.seen) == 0 || !strings.HasPrefix(h.seen[0], want) {
		t.Errorf("hook saw %q, want %q first", h.seen, want)
	}
	// Every engine command (EVALSHA, the EVALSHA after NOSCRIPT and SCRIPT LOAD, the queued
	// EVALSHA) and only those: the connection's own commands and the GET
	// are not scripts.
	var calls []string
	for i, text := range h.seen {
		if h.scripts[i] != "-" {
			calls = append(calls, strings.Fields(text)[0]+" "+h.scripts[i])
		} else if strings.Contains(text, "jobs/push") {
			t.Errorf("ScriptOf missed %q", text)
		}
	}
	if got := strings.Join(calls, ", "); got != "evalsha jobs/push, evalsha jobs/push, evalsha jobs/push" {
		t.Errorf("ScriptOf in hooks: %s\n%q", got, h.seen)
	}
	if _, ok := engine.ScriptOf(redis.NewCmd(ctx, "evalsha", "x", 0)); ok {
		t.Error("ScriptOf of a plain command")
	}
}

type recordHook struct {
	seen    []string
	scripts []string
}

func (h *recordHook) note(cmd redis.Cmder) {
	h.seen = append(h.seen, cmd.String())
	if s, ok := engine.ScriptOf(cmd); ok {
		h.scripts = append(h.scripts, s.Name())
	} else {
		h.scripts = append(h.scripts, "-")
	}
}

func (h *recordHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *recordHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.note(cmd)
		return next(ctx, cmd)
	}
}
func (h *recordHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			h.note(c)
		}
		return next(ctx, cmds)
	}
}
