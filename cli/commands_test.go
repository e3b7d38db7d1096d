package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/cli"
	"github.com/redislua/redislua/redistest"
)

// countingWriter counts the writes it receives.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestOutputBuffered: ls of 2,000 scripts is a handful of writes, not
// one per name.
func TestOutputBuffered(t *testing.T) {
	dir := t.TempDir()
	for i := range 2000 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%04d.lua", i)), []byte("return 1"), 0o644)
	}
	var out, errOut countingWriter
	code := cli.Main(context.Background(), []string{"--dir", dir, "ls"}, &out, &errOut, func(string) string { return "" })
	if code != 0 || strings.Count(out.String(), "\n") != 2000 {
		t.Fatalf("ls: exit %d, %d lines", code, strings.Count(out.String(), "\n"))
	}
	if out.writes > 10 {
		t.Errorf("ls of 2,000 names made %d writes", out.writes)
	}
}

// TestRepliesLossless: a reply that is not UTF-8 prints as {"$bytes":
// base64} (it became U+FFFD); --raw prints its bytes themselves.
func TestRepliesLossless(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, nil, "exec", "-e", `return "\255\254ok"`)
	if r.code != 0 || r.stdout != `{"$bytes":"//5vaw=="}`+"\n" {
		t.Errorf("binary reply: %+v", r)
	}
	r = run(t, dir, nil, "exec", "-e", `return {"é", "\255"}`)
	if r.code != 0 || r.stdout != `["é",{"$bytes":"/w=="}]`+"\n" {
		t.Errorf("array reply: %+v", r)
	}
	r = run(t, dir, nil, "exec", "--raw", "-e", `return "\255\254ok"`)
	if r.code != 0 || r.stdout != "\xff\xfeok" {
		t.Errorf("--raw: %q", r.stdout)
	}
	// --raw for every reply type, as redis-cli --raw prints them (it
	// printed JSON for all but strings).
	for _, tt := range []struct{ code, want string }{
		{`return 42`, "42"},
		{`return nil`, ""},
		{`return {1, "two", {"\255", 4}, false}`, "1\ntwo\n\xff\n4\n\n"}, // false arrives as nil: an empty line
		{`return {}`, ""},
	} {
		r = run(t, dir, nil, "exec", "--raw", "-e", tt.code)
		if r.code != 0 || r.stdout != tt.want {
			t.Errorf("--raw %s: %q (exit %d), want %q", tt.code, r.stdout, r.code, tt.want)
		}
	}
}

// TestClearRefusals: load without a server, and an empty or missing
// --dir, exit 2 with one line (they printed nothing and exited 0).
func TestClearRefusals(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dir", empty, "load"}, "load needs --redis or REDIS_URL"},
		{[]string{"--dir", empty, "ls"}, "no scripts (*.lua) under --dir"},
		{[]string{"--dir", empty, "check"}, "no scripts (*.lua) under --dir"},
		{[]string{"--dir", filepath.Join(empty, "missing"), "ls"}, "--dir " + filepath.Join(empty, "missing") + ": no such file or directory"},
		{[]string{"--dir", filepath.Join(empty, "missing"), "check"}, "no such file or directory"},
	} {
		r := run(t, empty, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestCheckOutputs: the summary, --strict, rule selection, --json (with
// a near miss's suggestion) and --sarif.
func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.lua"), []byte("local unused = 1\nreturn redis.call('GET', 'k')\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.lua"), []byte("return 1\n"), 0o644)
	r := run(t, dir, nil, "--dir", ".", "check")
	if r.code != 0 || !strings.HasSuffix(r.stderr, "2 scripts, 0 errors, 2 warnings\n") {
		t.Errorf("check: %+v", r)
	}
	r = run(t, dir, nil, "--dir", ".", "check", "--strict")
	if r.code != 1 {
		t.Errorf("--strict with warnings: exit %d", r.code)
	}
	r = run(t, dir, nil, "--dir", ".", "check", "--strict", "--disable", "W2,RL108")
	if r.code != 0 || !strings.HasSuffix(r.stderr, "2 scripts, 0 errors, 0 warnings\n") {
		t.Errorf("--disable: %+v", r)
	}
	r = run(t, dir, nil, "--dir", ".", "check", "--enable", "W211", "--json")
	var fs []struct{ File, Code, Severity string }
	if err := json.Unmarshal([]byte(r.stdout), &fs); err != nil || len(fs) != 1 || fs[0].Code != "W211" || fs[0].File != "a.lua" || fs[0].Severity != "warning" {
		t.Errorf("--json: %v %+v", err, r)
	}
	os.WriteFile(filepath.Join(dir, "c.lua"), []byte("return redis.call('gett', KEYS[1])\n"), 0o644)
	r = run(t, dir, nil, "--dir", ".", "check", "--json", "c")
	var fix []struct{ Code, Suggestion string }
	if err := json.Unmarshal([]byte(r.stdout), &fix); err != nil || len(fix) != 1 || fix[0].Code != "RL201" || fix[0].Suggestion != "'get'" {
		t.Errorf("--json of a near miss: %v %+v", err, r)
	}
	os.Remove(filepath.Join(dir, "c.lua"))
	r = run(t, dir, nil, "--dir", ".", "check", "--sarif")
	var sarif struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 2 {
		t.Errorf("--sarif: %v\n%s", err, r.stdout)
	}
}

// TestInspectFlags: an entry point's Redis 7 flags are shown by inspect
// and inspect --json.
func TestInspectFlags(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ro.lua"), []byte("#!lua flags=no-writes,allow-oom\n%key k\nreturn redis.call('GET', k)\n"), 0o644)
	r := run(t, dir, nil, "--dir", ".", "inspect", "ro")
	if r.code != 0 || !strings.Contains(r.stdout, "flags:    no-writes, allow-oom\n") {
		t.Errorf("inspect: %+v", r)
	}
	r = run(t, dir, nil, "--dir", ".", "inspect", "--json", "ro")
	var sig struct{ Flags []string }
	if json.Unmarshal([]byte(r.stdout), &sig) != nil || strings.Join(sig.Flags, ",") != "no-writes,allow-oom" {
		t.Errorf("inspect --json: %+v", r)
	}
}

// TestLoadFunctions: load --functions makes the entry points one
// function library on a real server; each function runs through FCALL
// with the result the script gives through EVALSHA.
func TestLoadFunctions(t *testing.T) {
	srv := redistest.Real(t)
	r := run(t, examples, []string{"REDIS_URL=" + srv.URL()}, "--dir", "lua", "load", "--functions", "--library", "app")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || !strings.HasPrefix(lines[0], "library app_") || len(lines) != 5 {
		t.Fatalf("load --functions: %+v", r)
	}
	fn := ""
	for _, l := range lines[1:] {
		if f, script, _ := strings.Cut(l, "  "); script == "add_score" {
			fn = f
		}
	}
	ctx := context.Background()
	n, err := srv.Client(t).FCall(ctx, fn, []string{"board"}, "ann", 120, 100).Int64()
	if err != nil || n != 100 {
		t.Errorf("FCALL %s = %d, %v", fn, n, err)
	}
	// Again: the same library is there already.
	if r := run(t, examples, []string{"REDIS_URL=" + srv.URL()}, "--dir", "lua", "load", "--functions", "--library", "app"); r.code != 0 {
		t.Errorf("loading again: %+v", r)
	}
}

// TestLoadFunctionsCluster: on a cluster the library goes to every
// master, so a function runs whichever master its key's slot is on.
func TestLoadFunctionsCluster(t *testing.T) {
	cl := redistest.NewCluster(t)
	url := "redis+cluster://" + strings.Join(cl.Addrs, ",")
	r := run(t, examples, nil, "--redis", url, "--dir", "lua", "load", "--functions", "--library", "app")
	if r.code != 0 {
		t.Fatalf("load --functions on a cluster: %+v", r)
	}
	fn := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if f, script, _ := strings.Cut(l, "  "); script == "add_score" {
			fn = f
		}
	}
	c := cl.Client(t)
	ctx := context.Background()
	for i := range 20 { // keys on every master
		key := fmt.Sprintf("board%d", i)
		if n, err := c.FCall(ctx, fn, []string{key}, "ann", 7, 100).Int64(); err != nil || n != 7 {
			t.Fatalf("FCALL %s on %s = %d, %v", fn, key, n, err)
		}
	}
}

// TestRunFunctions: --functions runs a script through FCALL (counted by
// INFO commandstats) with the result and the traceback of EVALSHA.
func TestRunFunctions(t *testing.T) {
	srv := redistest.Real(t)
	env := []string{"REDIS_URL=" + srv.URL()}
	plain := run(t, examples, env, "--dir", "lua", "run", "broken_foo", "size=1")
	viaFn := run(t, examples, env, "--functions", "--dir", "lua", "run", "broken_foo", "size=1")
	if viaFn.code != 1 || viaFn.stderr != plain.stderr {
		t.Errorf("traceback through FCALL:\n%s\nthrough EVALSHA:\n%s", viaFn.stderr, plain.stderr)
	}
	r := run(t, examples, env, "--functions", "--dir", "lua", "run", "add_score", "board_key=b", "player=ann", "points=7", "max_score=100")
	if r.code != 0 || r.stdout != "7\n" {
		t.Errorf("run --functions: %+v", r)
	}
	info, _ := srv.Client(t).Info(context.Background(), "commandstats").Result()
	if !strings.Contains(info, "cmdstat_fcall:") {
		t.Errorf("no FCALL in INFO commandstats:\n%s", info)
	}
}
