package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/redislua/redislua/cli"
	"github.com/redislua/redislua/redistest"
)

var binary string

// TestMain builds the redis-lua binary once; the tests run it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "redis-lua-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "redis-lua")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, "./cmd/redis-lua")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building redis-lua: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs the binary in dir with env (added to a clean environment).
func run(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runInput(t, dir, "", env, args...)
}

// runInput runs the binary in dir with env and stdin.
func runInput(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

const examples = "examples"

func TestRunEmbedded(t *testing.T) {
	r := run(t, examples, nil, "--dir", "lua", "run", "create_foo", "size=5", `members=["john","susan","bob"]`)
	if r.code != 0 || r.stdout != `{"id":1,"members":["john","susan","bob"],"size":5}`+"\n" {
		t.Fatalf("run create_foo = %+v", r)
	}
	if r.stderr != "redis-lua: no --redis or REDIS_URL: using an embedded in-memory Redis (its data is gone at exit)\n" {
		t.Errorf("stderr = %q", r.stderr)
	}
	r = run(t, examples, nil, "run", "add_score", "board_key=lb", "player=ann", "points=120", "max_score=100")
	if r.code != 0 || r.stdout != "100\n" {
		t.Errorf("add_score (default --dir lua) = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "run", "--raw", "create_foo", "size=1", `members=["a"]`)
	// --raw: the string reply's bytes themselves.
	if r.code != 0 || r.stdout != `{"id":1,"members":["a"],"size":1}` {
		t.Errorf("run --raw = %+v", r)
	}
}

func TestTraceback(t *testing.T) {
	r := run(t, examples, nil, "--dir", "lua", "run", "broken_foo", "size=5")
	want := `lua/lib/foo_keys.lua:8: Script attempted to access nonexistent global variable 'foo_size_key'
Lua traceback (most recent script last):
  Script "broken_foo", line 2
    %include "lib/foo_keys"
  Script "lib/foo_keys", line 8
    local foo_size_key = foo_size_key .. ':size' -- redislua:ignore W113
`
	if r.code != 1 || !strings.HasSuffix(r.stderr, want) || r.stdout != "" || strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("broken_foo = %d\nstdout %q\nstderr\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestRealRedis(t *testing.T) {
	srv := redistest.Real(t)
	for _, env := range [][]string{nil, {"REDIS_URL=" + srv.URL()}} {
		args := []string{"--dir", "lua", "run", "rate_limit", "bucket_key=b", "capacity=10", "rate=1", "cost=4"}
		if env == nil {
			args = append([]string{"--redis", srv.URL()}, args...)
		}
		r := run(t, examples, env, args...)
		if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, `{"allowed":true,"remaining":`) {
			t.Errorf("rate_limit on %s = %+v", srv.Addr, r)
		}
	}
	r := run(t, examples, nil, "--redis", srv.URL(), "--dir", "lua", "run", "broken_foo", "size=5")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "lua/lib/foo_keys.lua:8: ") {
		t.Errorf("traceback on a real server = %+v", r)
	}
	r = run(t, examples, nil, "--redis", srv.URL(), "--dir", "lua", "load")
	if r.code != 0 || !strings.Contains(r.stdout, "  create_foo\n") || strings.Count(r.stdout, "\n") != 6 {
		t.Errorf("load = %+v", r)
	}
}

func TestCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	url := "redis+cluster://" + strings.Join(cl.Addrs, ",")
	r := run(t, examples, nil, "--redis", url, "--dir", "lua", "run", "add_score", "board_key=lb", "player=bo", "points=3", "max_score=10")
	if r.code != 0 || r.stdout != "3\n" {
		t.Errorf("cluster run = %+v", r)
	}
	r = run(t, examples, nil, "--redis", "redis://"+cl.Addrs[0], "--cluster", "--dir", "lua", "load")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 6 {
		t.Errorf("cluster load = %+v", r)
	}
}

// TestPasswordNeverPrinted runs every command that takes --redis with
// every URL shape, the password holding each character that breaks naive
// redaction: no piece of it is printed, by the command or by go-redis.
func TestPasswordNeverPrinted(t *testing.T) {
	srv := redistest.Real(t)
	pieces := []string{"PWa", "PWb", "PWc", "PWd", "PWe", "PWf"}
	secret := `PWa,PWb/PWc"PWd@PWe%PWf`
	escaped := url.QueryEscape(secret)
	urls := []string{
		"redis://user:" + secret + "@" + srv.Addr + "/0",
		"redis://user:" + escaped + "@" + srv.Addr + "/0",
		"redis://:" + secret + "@127.0.0.1:1/0",
		"redis://" + srv.Addr + "/0?password=" + escaped,
		"redis+cluster://user:" + secret + "@127.0.0.1:1,127.0.0.1:2",
		"redis+cluster://:" + escaped + "@127.0.0.1:1,127.0.0.1:2",
		"redis://user:" + secret + "@[bad",
		"rediss://user:" + secret + "@127.0.0.1:1/0",
	}
	commands := [][]string{
		{"--dir", "lua", "run", "create_foo", "size=1", `members=["a"]`},
		{"--dir", "lua", "exec", "-e", "return 1"},
		{"--dir", "lua", "load"},
		{"conformance", "--backend", "redis"},
		{"conformance", "--backend", "cluster"},
	}
	for _, u := range urls {
		for _, cmd := range commands {
			for _, env := range [][]string{nil, {"REDIS_URL=" + u}} {
				if env != nil && cmd[0] == "conformance" {
					continue // the same code reads the flag and the variable; one is enough for the long ones
				}
				args := cmd
				if env == nil {
					args = append([]string{"--redis", u}, cmd...)
				}
				r := run(t, examples, env, args...)
				out := r.stdout + r.stderr
				for _, p := range pieces {
					if strings.Contains(out, p) {
						t.Errorf("%s %v (env %v): exit %d, prints %q:\n%s", u, cmd, env != nil, r.code, p, tail(out))
						break
					}
				}
			}
		}
	}
}

func TestCommands(t *testing.T) {
	r := run(t, examples, nil, "--dir", "lua", "ls")
	if r.code != 0 || r.stdout != "add_score\nbroken_foo\ncreate_foo\nlib/foo_keys\nlib/util\nrate_limit\n" {
		t.Errorf("ls = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "render", "add_score")
	if r.code != 0 || !strings.Contains(r.stdout, "-- %pragma once\n") || !strings.Contains(r.stdout, "local board_key = KEYS[1]\nlocal player = ARGV[1]\nlocal points = tonumber(ARGV[2])\n") {
		t.Errorf("render = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "inspect", "--json", "rate_limit")
	var sig map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &sig) != nil {
		t.Fatalf("inspect --json = %+v", r)
	}
	if got, _ := json.Marshal(sig); string(got) != `{"args":[{"name":"capacity","type":"integer"},{"name":"rate","type":"number"},{"name":"cost","type":"integer"}],"flags":[],"includes":["lib/util"],"keys":["bucket_key"],"name":"rate_limit","return":"dict","sha1":"`+sig["sha1"].(string)+`"}` {
		t.Errorf("inspect --json = %s", got)
	}
	r = run(t, examples, nil, "--dir", "lua", "inspect", "broken_foo")
	if r.code != 0 || !strings.Contains(r.stdout, "args:     size integer\nreturn:   integer\nincludes: lib/foo_keys\nflags:    (none)\n") {
		t.Errorf("inspect = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "check")
	// Warnings only: exit 0. create_foo invents its keys (foo:last_id,
	// foo:<id>:...): cluster-unsafe, as RL108 says.
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "lua/create_foo.lua:16:10: warning: cjson.encode of integer argument size: cjson keeps 14 significant digits; encode it with tostring (RL104)\n") ||
		!strings.Contains(r.stderr, "lua/create_foo.lua:5:35: warning: INCR key argument 1 is neither a declared key nor built from one") || !strings.HasSuffix(r.stderr, "\n6 scripts, 0 errors, 6 warnings\n") {
		t.Errorf("check of the examples = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "exec", "-e", "%include \"lib/util\"\n%arg n integer\nreturn clamp(n, 0, 10)", "n=42")
	if r.code != 0 || r.stdout != "10\n" {
		t.Errorf("exec -e = %+v", r)
	}
	file := filepath.Join(t.TempDir(), "code.lua")
	os.WriteFile(file, []byte("%include \"lib/util\"\n%return integer\nreturn clamp(-5, 0, 10)\n"), 0o644)
	r = run(t, examples, nil, "--dir", "lua", "exec", file)
	if r.code != 0 || r.stdout != "0\n" {
		t.Errorf("exec FILE = %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "exec", "-e", "return x + 1")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "redis-lua: no --redis") || !strings.Contains(r.stderr, "\n<inline>:1: Script attempted to access nonexistent global variable 'x'") {
		t.Errorf("exec error = %+v", r)
	}
}

// TestExecNames: exec's errors name the code where it is: <inline> for
// -e, the file as given for a file outside --dir, its path through
// --dir for a file inside (whose includes resolve from its directory).
func TestExecNames(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "lua", "jobs"), 0o755)
	os.WriteFile(filepath.Join(dir, "lua", "jobs", "lib.lua"), []byte("local function boom() error('boom') end\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "lua", "jobs", "run.lua"), []byte("%include \"lib\"\nboom()\n"), 0o644)
	outside := filepath.Join(dir, "elsewhere.lua")
	os.WriteFile(outside, []byte("local a = 1\nreturn b + a\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"exec", "-e", "local a = 1\nreturn b + a"}, "\n<inline>:2: Script attempted to access nonexistent global variable 'b'\n"},
		{[]string{"exec", "-e", "%include \"missing\""}, "<inline>:1:1: script \"missing\" not found (included from <inline>)"},
		{[]string{"exec", outside}, "\n" + outside + ":2: Script attempted to access nonexistent global variable 'b'\n"},
		{[]string{"exec", filepath.Join("lua", "jobs", "run.lua")}, "\nlua/jobs/lib.lua:1: boom\n"},
		{[]string{"exec", filepath.Join(dir, "missing.lua")}, "exec " + filepath.Join(dir, "missing.lua") + ": no such file or directory"},
	} {
		r := run(t, dir, nil, append([]string{"--dir", "lua"}, tc.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "-e.lua") {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant it to contain %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"render"}, "render needs a script NAME"},
		{[]string{"nosuch"}, `unknown command "nosuch"`},
		{[]string{"rnu"}, `did you mean "run"?`},
		{[]string{"--nope", "ls"}, "flag provided but not defined"},
		{[]string{"--dir", "missing-dir", "ls"}, "--dir missing-dir: no such file or directory"},
		{[]string{"--dir", "lua", "run", "create_foo", "size=five", "members=[]"}, "argument size: integer \"five\": not a decimal integer\nusage: redis-lua run create_foo size=<integer> members=<list>"},
		{[]string{"--dir", "lua", "run", "create_foo", "sise=1", "members=[]"}, `unknown "sise" (did you mean "size"?); missing "size"`},
		{[]string{"--dir", "lua", "run", "create_foo", "size=1", "members={}"}, "not a JSON array"},
		{[]string{"--dir", "lua", "run", "create_foo", "size"}, `"size" is not name=value`},
		{[]string{"--dir", "lua", "exec"}, "exec needs -e CODE or a FILE"},
		{[]string{"--redis", "http://x", "--dir", "lua", "run", "create_foo", "size=1", "members=[]"}, "--redis http://x: "},
	} {
		r := run(t, examples, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestScriptErrors(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "lua", "sub"), 0o755)
	write := func(name, text string) { os.WriteFile(filepath.Join(dir, "lua", name), []byte(text), 0o644) }
	write("good.lua", "return 1\n")
	write("bad.lua", "%key\n%arg n integr\n%include \"missing\"\n")
	write("sub/cycle.lua", "%include \"../loop\"\n")
	write("loop.lua", "\n%include \"sub/cycle\"\n")
	write("escape.lua", "%include \"../../etc/passwd\"\n")
	write("lint.lua", "%key k\nreturn undefined_global\n")
	r := run(t, dir, nil, "check")
	want := `lua/bad.lua:1:5: error: %key needs a name
lua/bad.lua:2:8: error: unknown type "integr"; did you mean integer?
lua/bad.lua:3:1: error: script "missing" not found (included from bad)
lua/escape.lua:1:10: error: script name "../../etc/passwd" leaves the script root
lua/lint.lua:1:6: warning: key k is declared but never used (RL102)
lua/lint.lua:2:8: error: read of global undefined_global, which Redis does not provide (W113)
lua/loop.lua:2:1: error: include cycle: sub/cycle -> loop -> sub/cycle
lua/sub/cycle.lua:1:1: error: include cycle: loop -> sub/cycle -> loop
6 scripts, 7 errors, 1 warnings
`
	if r.code != 1 || r.stderr != want || r.stdout != "" {
		t.Errorf("check = %d\n%s\nwant\n%s", r.code, r.stderr, want)
	}
	r = run(t, dir, nil, "check", "good")
	if r.code != 0 {
		t.Errorf("check good = %+v", r)
	}
	r = run(t, dir, nil, "render", "nope")
	if r.code != 1 || r.stderr != "lua/nope.lua: script \"nope\" not found (redis-lua ls lists the scripts under --dir lua)\n" {
		t.Errorf("render nope = %+v", r)
	}
	r = run(t, dir, nil, "render", "godo")
	if r.code != 1 || r.stderr != "lua/godo.lua: script \"godo\" not found; did you mean good?\n" {
		t.Errorf("render godo = %+v", r)
	}
	r = run(t, dir, nil, "render", "../../../etc/passwd")
	if r.code != 1 || !strings.Contains(r.stderr, "leaves the script root") || r.stdout != "" {
		t.Errorf("render escape = %+v", r)
	}
}

// TestSymlinkEscape: a symlink under --dir that points outside it is
// refused, as a script and as an include.
func TestSymlinkEscape(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "secret.lua")
	os.WriteFile(outside, []byte("return 'TOP SECRET'\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "lua"), 0o755)
	if err := os.Symlink(outside, filepath.Join(dir, "lua", "evil.lua")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.WriteFile(filepath.Join(dir, "lua", "main.lua"), []byte("%include \"evil\"\n"), 0o644)
	for _, name := range []string{"evil", "main"} {
		r := run(t, dir, nil, "render", name)
		if r.code != 1 || strings.Contains(r.stdout+r.stderr, "TOP SECRET") || !strings.Contains(r.stderr, "leaves the script root") {
			t.Errorf("render %s = %+v", name, r)
		}
	}
}

func TestConformance(t *testing.T) {
	// The suite ships inside the binary: it runs from an empty directory.
	empty := t.TempDir()
	r := run(t, empty, nil, "conformance")
	if r.code != 0 || !regexp.MustCompile(`\d\d\d passed, 0 failed, \d+ skipped\n$`).MatchString(r.stdout) {
		t.Errorf("conformance = %d\n%s\n%s", r.code, tail(r.stdout), r.stderr)
	}
	// Exported for other harnesses, then run from the files through this
	// binary as an external runner.
	exported := filepath.Join(t.TempDir(), "cases")
	r = run(t, empty, nil, "conformance", "export", exported)
	files, _ := filepath.Glob(filepath.Join(exported, "*.txtar"))
	if r.code != 0 || len(files) < 80 || !strings.Contains(r.stderr, fmt.Sprintf("wrote %d cases", len(files))) {
		t.Errorf("conformance export = %+v, %d files", r, len(files))
	}
	if r := run(t, empty, nil, "conformance", "export"); r.code != 2 {
		t.Errorf("conformance export without DIR = %+v", r)
	}
	r = run(t, empty, nil, "conformance", "--runner", binary+" conformance serve", exported)
	if r.code != 0 || !strings.Contains(r.stdout, " passed, 0 failed") {
		t.Errorf("conformance --runner = %d\n%s\n%s", r.code, tail(r.stdout), r.stderr)
	}
	srv := redistest.Real(t)
	r = run(t, empty, nil, "--redis", srv.URL(), "conformance", "--backend", "redis")
	if r.code != 0 || !strings.Contains(r.stdout, " passed, 0 failed") {
		t.Errorf("conformance --backend redis = %d\n%s\n%s", r.code, tail(r.stdout), r.stderr)
	}
	r = run(t, empty, nil, "conformance", "--backend", "redis")
	if r.code != 2 || !strings.Contains(r.stderr, "needs --redis") {
		t.Errorf("conformance without a server = %+v", r)
	}
	// A failing case fails the command.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.txtar"), []byte("Wrong on purpose.\n-- lua/main.lua --\n%key k\n-- render.lua --\nnope\n"), 0o644)
	r = run(t, empty, nil, "conformance", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL embedded   bad: render differs") || !strings.HasSuffix(r.stdout, "0 passed, 1 failed, 0 skipped\n") {
		t.Errorf("failing suite = %+v", r)
	}
	cmd := exec.Command(binary, "conformance", "serve")
	cmd.Stdin = strings.NewReader(`{"id":7,"op":"map","files":{"main.lua":"%include \"a\"","a.lua":"x()"},"name":"main","line":1}` + "\n")
	out, err := cmd.Output()
	if err != nil || string(out) != `{"id":7,"ok":true,"frames":[["main",1],["a",1]]}`+"\n" {
		t.Errorf("serve = %s, %v", out, err)
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}

// TestVersion: --version names the command's version (the build info's;
// a test binary is a development build) and the modules it was built with.
func TestVersion(t *testing.T) {
	r := run(t, t.TempDir(), nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "redis-lua "+cli.Version()+"\n") || !strings.Contains(r.stdout, "github.com/redislua/redislua/engine ") || !strings.Contains(r.stdout, runtime.Version()) {
		t.Errorf("--version = %+v", r)
	}
}
