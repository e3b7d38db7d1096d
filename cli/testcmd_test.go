package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
)

func runTest(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, rawStdout: &out, getenv: func(string) string { return "" }, args: args}
	app := e.app()
	err := app.RunContext(context.Background(), append([]string{"redis-lua"}, interspersed(app, args)...))
	return out.String(), errb.String(), err
}

// TestTestCommand: redis-lua test on the embedded Redis and a real
// server: counts, the failure named with wanted and got, exit 1, --json,
// --coverprofile, and bad case files refused with their name.
func TestTestCommand(t *testing.T) {
	const dir = "luatest/testdata/tree"
	// The server as host:port: the suite's backend takes the short forms
	// too (it was given ":port" as a URL and failed every entry).
	for _, redisArgs := range [][]string{nil, {"--redis", redistest.Real(t).Addr}} {
		args := append(append([]string{}, redisArgs...), "--dir", dir, "test")
		out, _, err := runTest(t, args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != ExitScript {
			t.Fatalf("%v: err %v", args, err)
		}
		if !strings.HasSuffix(out, "    result 2, want 3\n2 passed, 1 failed\n") || !strings.Contains(out, "FAIL "+dir+"/testdata/failing.txtar run 1 (counter, ") {
			t.Errorf("%v:\n%s", args, out)
		}
		profile := filepath.Join(t.TempDir(), "lcov.info")
		junit := filepath.Join(t.TempDir(), "junit.xml")
		out, _, _ = runTest(t, append(args, "--flush", "--json", "--coverprofile", profile, "--junit", junit)...)
		xml, err := os.ReadFile(junit)
		if err != nil || !strings.Contains(string(xml), `<testsuite name="redislua test (`) || strings.Count(string(xml), "<testcase ") != 3 ||
			!strings.Contains(string(xml), `<testcase name="`+dir+`/testdata/failing.txtar run 1 (counter)" classname="test.`) ||
			!strings.Contains(string(xml), `<failure message="result 2, want 3">`) {
			t.Errorf("--junit: %v\n%s", err, xml)
		}
		var rep struct{ Passed, Failed int }
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Passed != 2 || rep.Failed != 1 {
			t.Errorf("--json: %v %s", err, out)
		}
		lcov, err := os.ReadFile(profile)
		if err != nil || !strings.Contains(string(lcov), "SF:"+dir+"/lib/helper.lua\nDA:1,3\nDA:2,3\nDA:3,1\nDA:5,2\nDA:6,0\nDA:8,2\n") {
			t.Errorf("lcov: %v\n%s", err, lcov)
		}
	}
	out, _, err := runTest(t, "--dir", dir, "test", dir+"/testdata/counter.txtar")
	if err != nil || out != "2 passed, 0 failed\n" {
		t.Errorf("one file: %v %q", err, out)
	}
	bad := t.TempDir()
	for name, text := range map[string]string{
		"noscript.txtar": "x\n-- run.json --\n[{\"args\": {}}]\n",
		"field.txtar":    "x\n-- run.json --\n[{\"script\": \"counter\", \"wnat\": 1}]\n",
	} {
		p := filepath.Join(bad, name)
		os.WriteFile(p, []byte(text), 0o644)
		_, _, err := runTest(t, "--dir", dir, "test", p)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	missing := filepath.Join(bad, "missing.txtar")
	os.WriteFile(missing, []byte("x\n-- run.json --\n[{\"script\": \"nope\", \"want\": 1}]\n"), 0o644)
	out, _, _ = runTest(t, "--dir", dir, "test", missing)
	if !strings.Contains(out, "load failed") || !strings.Contains(out, "nope") {
		t.Errorf("missing script: %s", out)
	}
}
