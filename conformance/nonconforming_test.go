package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
)

// Runners that do not conform, each in one way the suite must catch
// (issue 34). The test binary serves one of them on stdin/stdout when
// serveEnv names it (TestMain), so the harness holds it to its bounds
// as it holds any runner in another process.
func nonConforming(variant string) (conformance.Runner, bool) {
	builtin := conformance.NewBuiltin()
	switch variant {
	case "eval":
		return &evalRunner{Builtin: builtin}, true
	case "load-always":
		return &evalRunner{Builtin: builtin, loadAlways: true}, true
	case "depth65":
		return conformance.NewBuiltinWith(resolve.WithMaxDepth(65)), true
	case "bomb-memory":
		return &naiveRunner{Builtin: builtin, store: true}, true
	case "bomb-time":
		return &naiveRunner{Builtin: builtin}, true
	}
	return nil, false
}

// evalRunner runs a plain call with EVAL, never EVALSHA; with
// loadAlways, with SCRIPT LOAD then EVALSHA, sending the body every
// time. Everything else is the built-in runner's.
type evalRunner struct {
	*conformance.Builtin
	loadAlways bool
}

func (r *evalRunner) Do(ctx context.Context, req conformance.Request) conformance.Response {
	if req.Op != "run" || req.Mode != "" {
		return r.Builtin.Do(ctx, req)
	}
	fsys := fstest.MapFS{}
	for name, text := range req.Files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	s, err := resolve.New(fsys).Load(req.Name)
	if err != nil {
		return r.Builtin.Do(ctx, req) // its load error
	}
	values, err := conformance.ArgValues(req.Args)
	if err != nil {
		return r.Builtin.Do(ctx, req)
	}
	fail := func(kind string, err error) conformance.Response {
		return conformance.Response{Error: &conformance.WireError{Kind: kind, Message: err.Error()}}
	}
	for name := range values {
		if _, ok := s.Param(name); !ok {
			return fail("args", fmt.Errorf("unknown %s (%s?)", name, s.Suggest(name)))
		}
	}
	var keys []string
	for _, k := range s.Keys() {
		v, err := codec.EncodeKey(k.Name, values[k.Name])
		if err != nil {
			return fail("args", err)
		}
		keys = append(keys, fmt.Sprint(v))
	}
	var argv []any
	for _, a := range s.Args() {
		v, err := codec.Encode(a.Name, a.Type, values[a.Name])
		if err != nil {
			return fail("args", err)
		}
		argv = append(argv, v)
	}
	opt, err := redis.ParseURL(req.Redis)
	if err != nil {
		return fail("protocol", err)
	}
	opt.MaxRetries = -1 // go-redis resends after TRYAGAIN: a script could run twice
	client := redis.NewClient(opt)
	defer client.Close()
	eval, evalSha := client.Eval, client.EvalSha
	if slices.Contains(s.Flags(), "no-writes") {
		eval, evalSha = client.EvalRO, client.EvalShaRO
	}
	var reply any
	if r.loadAlways {
		var sha string
		if sha, err = client.ScriptLoad(ctx, s.Source()).Result(); err == nil {
			reply, err = evalSha(ctx, sha, keys, argv...).Result()
		}
	} else {
		reply, err = eval(ctx, s.Source(), keys, argv...).Result()
	}
	if err != nil && err != redis.Nil {
		err = engine.TranslateError(s, err)
		var se *engine.ScriptError
		if errors.As(err, &se) {
			w := &conformance.WireError{Kind: "script", Message: err.Error()}
			for _, f := range se.Frames {
				w.Frames = append(w.Frames, conformance.Frame{f.Script, f.Line})
			}
			return conformance.Response{Error: w}
		}
		return fail("redis", err)
	}
	v, err := codec.Decode(s.Return(), reply)
	if err != nil {
		return fail("decode", fmt.Errorf("script %s: %v", s.Name(), err))
	}
	data, _ := json.Marshal(v)
	return conformance.Response{OK: true, Result: data}
}

// naiveRunner loads by rendering every include in full and measuring
// the rendering afterwards: the include-bomb guard dropped. With store
// it keeps the rendering (its memory grows without bound); without, it
// only counts (its time does). It gives up by itself after a minute or
// 1 GiB, in case the harness does not stop it.
type naiveRunner struct {
	*conformance.Builtin
	store bool
}

func (r *naiveRunner) Do(ctx context.Context, req conformance.Request) conformance.Response {
	if req.Op != "load" {
		return r.Builtin.Do(ctx, req)
	}
	n := &naive{files: req.Files, store: r.store, once: map[string]bool{}, stack: map[string]bool{}, until: time.Now().Add(time.Minute)}
	if err := n.render(req.Name); err != nil || n.size > 64<<20 {
		return conformance.Response{Error: &conformance.WireError{Kind: "limit", Message: fmt.Sprintf("rendered %d bytes: %v", n.size, err)}}
	}
	return r.Builtin.Do(ctx, req)
}

type naive struct {
	files map[string]string
	store bool
	out   []string
	size  int64
	once  map[string]bool
	stack map[string]bool
	until time.Time
}

var errGaveUp = errors.New("gave up")

func (n *naive) render(name string) error {
	text, ok := n.files[name+".lua"]
	if !ok || n.stack[name] {
		return nil // not this runner's point
	}
	if strings.Contains(text, "%pragma once") {
		if n.once[name] {
			return nil
		}
		n.once[name] = true
	}
	n.stack[name] = true
	defer delete(n.stack, name)
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if inc, ok := strings.CutPrefix(strings.TrimSpace(line), `%include "`); ok {
			if err := n.render(path.Join(path.Dir(name), strings.TrimSuffix(inc, `"`))); err != nil {
				return err
			}
			continue
		}
		n.size += int64(len(line)) + 1
		if n.store {
			n.out = append(n.out, strings.Clone(line))
		}
		if n.size > 1<<30 || n.size%4096 == 0 && time.Now().After(n.until) {
			return errGaveUp
		}
	}
	return nil
}

// TestNonConformingRunners runs the whole suite on a real server through
// runners that each break one rule (issue 34), as separate processes:
// each fails exactly the cases of its rule, and this project's runner
// none. A runner stopped for breaking a bound is started again for the
// cases after.
func TestNonConformingRunners(t *testing.T) {
	real := redistest.Real(t)
	b := &conformance.Backend{Name: "redis", URL: real.URL(), Client: real.Client(t)}
	all := cases(t)
	for _, tc := range []struct {
		variant string
		fails   map[string]string // case: what its failure says
	}{
		{"1", nil},
		{"eval", map[string]string{
			"sent_evalsha_first":        "run 1: sent evalsha 0 times, want at least 1",
			"flags_no_writes_read_only": "cmdstat_eval_ro:calls=1",
		}},
		{"load-always", map[string]string{
			"sent_evalsha_first": "run 2: sent eval + script|load 1 times, want at most 0",
		}},
		{"depth65", map[string]string{
			"limit_depth_65_refused": "load succeeded, want a limit error",
		}},
		{"bomb-memory", map[string]string{
			"limit_include_bomb": "over the bound of 256 MiB: stopped",
		}},
		{"bomb-time", map[string]string{
			"limit_include_bomb": "load request: no response within 5s: stopped",
		}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			if _, err := os.Stat("/proc/self/status"); err != nil && tc.variant == "bomb-memory" {
				t.Skip("no /proc: memory is not measured")
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), serveEnv+"="+tc.variant)
			cmd.Stderr = os.Stderr
			ext, err := conformance.StartExternal(cmd)
			if err != nil {
				t.Fatal(err)
			}
			defer ext.Close()
			start := time.Now()
			report := conformance.Run(context.Background(), all, ext, []*conformance.Backend{b}, nil)
			for _, o := range report.Outcomes {
				want, ok := tc.fails[o.Case]
				switch {
				case ok && (o.Status != "fail" || !strings.Contains(o.Message, want)):
					t.Errorf("%s: %s %q, want a failure saying %q", o.Case, o.Status, o.Message, want)
				case !ok && o.Status == "fail":
					t.Errorf("%s: %s", o.Case, o.Message)
				case ok:
					t.Logf("%s: %s", o.Case, o.Message)
				}
			}
			if took := time.Since(start); took > time.Minute {
				t.Errorf("the suite took %v", took)
			}
			t.Log(report.Summary())
		})
	}
}

// TestStoppedWithItsChildren: a runner behind a shell that breaks a
// bound is stopped with the process it started, not only the shell.
func TestStoppedWithItsChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc: children are not listed")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, "-c", `"$0" -test.run='^$'; echo done`, os.Args[0])
	cmd.Env = append(os.Environ(), serveEnv+"=bomb-time")
	cmd.Stderr = os.Stderr
	ext, err := conformance.StartExternal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ext.Close()
	var bomb *conformance.Case
	for _, c := range cases(t) {
		if c.Name == "limit_include_bomb" {
			bomb = c
		}
	}
	first := cmd.Process.Pid
	time.Sleep(200 * time.Millisecond) // the shell starts its child
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", first, first))
	pids := strings.Fields(string(children))
	if len(pids) != 1 {
		t.Fatalf("the shell's children: %q", children)
	}
	o := conformance.RunCase(context.Background(), bomb, ext, &conformance.Backend{Name: "embedded"})
	if o.Status != "fail" || !strings.Contains(o.Message, "no response within") {
		t.Fatalf("%s %s", o.Status, o.Message)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + pids[0] + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			break // gone, or a zombie
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner's child %s still runs: %s", pids[0], stat)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
