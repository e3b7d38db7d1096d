package cli_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// TestConformanceOwnsOnlyItsDatabase: on a real server, conformance
// refuses a database that holds keys (exit 2, nothing deleted), and with
// --flush empties only that database: the server's other databases keep
// their keys (it ran FLUSHALL).
func TestConformanceOwnsOnlyItsDatabase(t *testing.T) {
	srv := redistest.Real(t)
	ctx := context.Background()
	db0 := srv.Client(t)
	db3 := redis.NewClient(&redis.Options{Addr: srv.Addr, DB: 3})
	defer db3.Close()
	db0.Set(ctx, "precious", "1", 0)
	db3.Set(ctx, "mine", "1", 0)
	url := "redis://" + srv.Addr + "/3"
	r := run(t, t.TempDir(), nil, "--redis", url, "conformance", "--backend", "redis", "--run", "^run_integer$")
	if r.code != 2 || !strings.Contains(r.stderr, "holds 1 keys") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("a database with keys: exit %d\n%s", r.code, r.stderr)
	}
	if n, _ := db3.Exists(ctx, "mine").Result(); n != 1 {
		t.Fatal("the refusal deleted a key")
	}
	r = run(t, t.TempDir(), nil, "--redis", url, "conformance", "--backend", "redis", "--run", "^run_(integer|writes)$", "--flush")
	if r.code != 0 || !strings.Contains(r.stdout, "2 passed, 0 failed") {
		t.Errorf("--flush: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n, _ := db0.Exists(ctx, "precious").Result(); n != 1 {
		t.Error("conformance deleted a key of another database")
	}
	if n, _ := db3.Exists(ctx, "mine").Result(); n != 0 {
		t.Error("--flush kept the key of the database it owns")
	}
}

// TestConformanceUnreachable: a server that does not answer fails the
// command at once with one line (it ran every case, 59 failures in 15 s).
func TestConformanceUnreachable(t *testing.T) {
	start := time.Now()
	r := run(t, t.TempDir(), nil, "--redis", "redis://127.0.0.1:1/0", "conformance", "--backend", "redis")
	if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "does not answer") {
		t.Errorf("unreachable: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestConformanceSelection: one case file, a directory, --run, and the
// --json and --junit reports; flags may follow the arguments.
func TestConformanceSelection(t *testing.T) {
	dir := t.TempDir()
	cases, _ := filepath.Abs(filepath.Join("..", "conformance", "cases"))
	if _, err := os.Stat(cases); err != nil {
		t.Skip("the conformance module's sources are not beside this one")
	}
	r := run(t, dir, nil, "conformance", filepath.Join(cases, "bom.txtar"))
	if r.code != 0 || r.stdout != "PASS embedded   bom\n1 passed, 0 failed, 0 skipped\n" {
		t.Errorf("one case file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, dir, nil, "conformance", cases, "--run", "^type_alias_", "--json")
	var rep struct {
		Outcomes []struct{ Case, Backend, Status string }
		Passed   int
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || rep.Passed != 12 || len(rep.Outcomes) != 12 || rep.Outcomes[0].Case != "type_alias_array" {
		t.Errorf("--json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	junit := filepath.Join(dir, "report.xml")
	r = run(t, dir, nil, "conformance", "--junit", junit, "--run", "^bom$")
	data, _ := os.ReadFile(junit)
	var x struct {
		Suites []struct {
			Tests int `xml:"tests,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &x); err != nil || r.code != 0 || len(x.Suites) != 1 || x.Suites[0].Tests != 1 || x.Suites[0].Cases[0].Name != "bom" {
		t.Errorf("--junit: exit %d, %v\n%s", r.code, err, data)
	}
	r = run(t, dir, nil, "conformance", "--run", "no_such_case")
	if r.code != 2 || !strings.Contains(r.stderr, "matches no case") {
		t.Errorf("--run with no match: %+v", r)
	}
}

// TestConformanceFunctions: the global --functions runs the suite's plain
// runs through Redis 7 functions on a real server (reported as
// redis+functions, libraries deleted afterwards), and is refused for the
// embedded Redis.
func TestConformanceFunctions(t *testing.T) {
	dir := t.TempDir()
	srv := redistest.Real(t)
	r := run(t, dir, nil, "--functions", "--redis", srv.URL(), "conformance", "--backend", "redis", "--run", "^run_create_foo$|^error_in_function$")
	if r.code != 0 || !strings.Contains(r.stdout, "PASS redis+functions error_in_function") || !strings.Contains(r.stdout, "2 passed, 0 failed") {
		t.Errorf("--functions conformance: %+v", r)
	}
	libs, err := srv.Client(t).FunctionList(context.Background(), redis.FunctionListQuery{}).Result()
	if err != nil || len(libs) != 0 {
		t.Errorf("libraries left: %v, %v", libs, err)
	}
	r = run(t, dir, nil, "--functions", "conformance", "--run", "^bom$")
	if r.code != 2 || !strings.Contains(r.stderr, "embedded Redis has no functions") {
		t.Errorf("--functions on the embedded Redis: %+v", r)
	}
}
