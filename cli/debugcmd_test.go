package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redislua/redislua/redistest"
)

// TestDebugCommand: redis-lua debug on a real server with commands from
// stdin: a breakpoint in an included file (written under --dir too),
// its locals, the reply at the end; an error's traceback; end of input
// aborts; what it refuses before it starts.
func TestDebugCommand(t *testing.T) {
	srv := redistest.Real(t)
	env := []string{"REDIS_URL=" + srv.URL()}
	score := []string{"--dir", "lua", "debug", "add_score", "board_key=lb", "player=ann", "points=120", "max_score=100"}

	r := runInput(t, examples, "print\nprint hi\ncontinue\n", env, append(score, "--break", "lua/lib/util.lua:14")...)
	for _, want := range []string{
		"* Stopped at lib/util.lua:14, break point (included from add_score.lua:3)",
		"-># lib/util.lua:14",
		"<value> n = 120", "<value> lo = 0", "<value> hi = 100",
		"100\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in stdout:\n%s", want, r.stdout)
		}
	}
	if r.code != 0 || !strings.Contains(r.stderr, "the session ran in a fork of the server: the script's writes were dropped") {
		t.Errorf("debug add_score: %+v", r)
	}
	if n, _ := srv.Client(t).Exists(context.Background(), "lb").Result(); n != 0 {
		t.Error("the forked session's write stayed")
	}

	r = runInput(t, examples, "c\n", env, append(score, "--sync")...)
	if r.code != 0 || !strings.HasSuffix(r.stdout, "100\n") || !strings.Contains(r.stderr, "--sync: the script's writes are kept") {
		t.Errorf("debug --sync: %+v", r)
	}
	if got, _ := srv.Client(t).ZScore(context.Background(), "lb", "ann").Result(); got != 100 {
		t.Errorf("the sync session's write: %v", got)
	}

	r = runInput(t, examples, "continue\n", env, "--dir", "lua", "debug", "broken_foo", "size=1")
	if r.code != 1 || !strings.Contains(r.stderr, "lua/lib/foo_keys.lua:8: Script attempted to access nonexistent global variable 'foo_size_key'\nLua traceback") {
		t.Errorf("debug broken_foo: %+v", r)
	}

	r = runInput(t, examples, "", env, score...)
	if r.code != 1 || !strings.Contains(r.stderr, "end of input: the script was aborted") || !strings.Contains(r.stderr, "script aborted for user request") {
		t.Errorf("end of input: %+v", r)
	}

	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, score, "redis-lua: debug needs a Redis server (--redis URL or REDIS_URL): the embedded Redis has no Lua debugger"},
		{env, append(score, "--break", "lib/util.lua:2"), "redis-lua: break lib/util.lua:2: no code to stop at (a comment); code at line 6"},
		{env, append(score, "--break", "lib/foo_keys.lua:3"), "redis-lua: break lib/foo_keys.lua:3: add_score does not include lib/foo_keys.lua (its files: add_score.lua, lib/util.lua)"},
		{env, append(score[:len(score)-1], "--break", "lib/util.lua:14"), `missing "max_score"`},
	} {
		r := runInput(t, examples, "", tc.env, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %+v, want exit 2 and %q", tc.args, r, tc.want)
		}
	}
}

// TestDebugInTmux: the debugger in a terminal, as a user types: the
// prompt names the line of the user's file, print shows the helper's
// locals, continue prints the reply.
func TestDebugInTmux(t *testing.T) {
	srv := redistest.Real(t)
	term := newTmux(t)
	abs, _ := filepath.Abs(filepath.Join(examples, "lua"))
	score := binary + " --dir " + abs + " debug add_score board_key=lb player=ann points=120 max_score=100"
	term.start(srv.URL(), score+" --break lib/util.lua:14")
	term.waitFor("(debug lib/util.lua:14)", 10*time.Second)
	term.keys("print", "Enter")
	term.waitFor("<value> hi = 100", 10*time.Second)
	term.keys("c", "Enter")
	p := term.waitFor("EXIT=", 10*time.Second)
	if !strings.Contains(p, "\n100\n") || !strings.Contains(p, "EXIT=0") {
		t.Errorf("after continue:\n%s", p)
	}

	// Ctrl-C at the prompt of a --sync session (the server blocked
	// while it lasts): the script is aborted, exit 130, the server free.
	term.start(srv.URL(), score+" --sync")
	term.waitFor("(debug lib/util.lua:9)", 10*time.Second)
	term.keys("C-c")
	p = term.waitFor("EXIT=", 10*time.Second)
	if !strings.Contains(p, "redis-lua: interrupted: the script was aborted") || !strings.Contains(p, "EXIT=130") {
		t.Errorf("after Ctrl-C:\n%s", p)
	}
	free(t, srv.Client(t), 2*time.Second)
}

// TestDebugOnCluster: on a cluster the session goes to the master of
// the script's first key, whichever node the URL names first.
func TestDebugOnCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	url := "redis+cluster://" + strings.Join(cl.Addrs, ",")
	for _, key := range []string{"lb", "other", "{x}y"} {
		r := runInput(t, examples, "c\n", []string{"REDIS_URL=" + url}, "--dir", "lua", "debug", "add_score", "board_key="+key, "player=ann", "points=5", "max_score=100", "--sync")
		if r.code != 0 || !strings.HasSuffix(r.stdout, "\n5\n") {
			t.Errorf("key %s: %+v", key, r)
		}
		if got, err := cl.Client(t).ZScore(context.Background(), key, "ann").Result(); err != nil || got != 5 {
			t.Errorf("key %s on the cluster: %v %v", key, got, err)
		}
	}
}
