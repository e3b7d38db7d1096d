package conformance_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/redistest"
)

const serveEnv = "REDISLUA_CONFORMANCE_SERVE"

// TestMain doubles as an external runner: with serveEnv set, the test
// binary serves the protocol on stdin/stdout.
func TestMain(m *testing.M) {
	if v := os.Getenv(serveEnv); v != "" {
		var runner conformance.Runner = conformance.NewBuiltin()
		if v != "1" {
			var ok bool
			if runner, ok = nonConforming(v); !ok {
				os.Exit(2)
			}
		}
		err := conformance.Serve(context.Background(), os.Stdin, os.Stdout, runner)
		runner.Close()
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func cases(t *testing.T) []*conformance.Case {
	t.Helper()
	cs, err := conformance.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 80 {
		t.Fatalf("%d cases, want at least 80", len(cs))
	}
	return cs
}

func backends(t *testing.T) []*conformance.Backend {
	emb := redistest.Embedded(t)
	real := redistest.Real(t)
	cl := redistest.NewCluster(t)
	// A protected cluster: the runner authenticates with the URL's
	// credentials, a password holding what URLs treat specially.
	const password = `p,w/"@%!`
	cl.RequirePass(t, password)
	return []*conformance.Backend{
		{Name: "embedded", URL: emb.URL(), Client: emb.Client(t)},
		{Name: "redis", URL: real.URL(), Client: real.Client(t)},
		{Name: "cluster", URL: "redis+cluster://:" + url.PathEscape(password) + "@" + strings.Join(cl.Addrs, ","), Client: cl.Client(t)},
	}
}

func runSuite(t *testing.T, runner conformance.Runner, bs []*conformance.Backend) {
	cs := cases(t)
	var out strings.Builder
	report := conformance.Run(context.Background(), cs, runner, bs, &out)
	for _, o := range report.Outcomes {
		if o.Status == "fail" {
			t.Errorf("%s on %s: %s", o.Case, o.Backend, o.Message)
		}
	}
	t.Log(report.Summary())
	if report.Passed == 0 {
		t.Error("nothing passed")
	}
}

// TestSuite runs every case through the built-in runner on the embedded
// Redis, a real redis-server and a real cluster, and once more on the
// real ones with every plain run going through Redis 7 functions (FCALL):
// the same results, errors and tracebacks.
func TestSuite(t *testing.T) {
	runner := conformance.NewBuiltin()
	defer runner.Close()
	bs := backends(t)
	for _, b := range bs[1:] {
		fn := *b
		fn.Functions = true
		bs = append(bs, &fn)
	}
	runSuite(t, runner, bs)
}

// TestFunctionsModeUsesFunctions proves the functions backend really goes
// through FCALL: the server's command statistics count the FCALLs, and no
// library is left behind.
func TestFunctionsModeUsesFunctions(t *testing.T) {
	real := redistest.Real(t)
	client := real.Client(t)
	ctx := context.Background()
	if err := client.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	runner := conformance.NewBuiltin()
	defer runner.Close()
	var one []*conformance.Case
	for _, c := range cases(t) {
		if c.Name == "run_create_foo" {
			one = append(one, c)
		}
	}
	if len(one) != 1 {
		t.Fatal("no case run_create_foo")
	}
	b := &conformance.Backend{Name: "redis", URL: real.URL(), Client: client, Functions: true}
	report := conformance.Run(ctx, one, runner, []*conformance.Backend{b}, nil)
	if report.Passed != 1 || report.Outcomes[0].Backend != "redis+functions" {
		t.Fatalf("report %+v", report.Outcomes)
	}
	stats, err := client.Info(ctx, "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stats, "cmdstat_fcall:") || strings.Contains(stats, "cmdstat_evalsha:") {
		t.Errorf("functions mode did not call through FCALL only:\n%s", stats)
	}
	if libs, err := client.FunctionList(ctx, redis.FunctionListQuery{}).Result(); err != nil || len(libs) != 0 {
		t.Errorf("libraries left on the server: %v, %v", libs, err)
	}
}

// TestExternalRunner runs the suite once more through the JSON-lines
// protocol, with this test binary as the external runner.
func TestExternalRunner(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"=1")
	cmd.Stderr = os.Stderr
	ext, err := conformance.StartExternal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	bs := backends(t)
	runSuite(t, ext, bs[:2])
	if err := ext.Close(); err != nil {
		t.Errorf("runner exit: %v", err)
	}
}

// TestShippedCases proves the suite ships inside the package: the embedded
// cases are exactly the files of cases/, and Export writes them back out
// byte for byte for harnesses in other languages.
func TestShippedCases(t *testing.T) {
	onDisk, err := filepath.Glob(filepath.Join("cases", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	emb, err := conformance.Cases()
	if err != nil {
		t.Fatal(err)
	}
	if len(emb) != len(onDisk) || len(emb) == 0 {
		t.Fatalf("%d embedded cases, %d files in cases/", len(emb), len(onDisk))
	}
	dir := t.TempDir()
	n, err := conformance.Export(dir)
	if err != nil || n != len(onDisk) {
		t.Fatalf("Export = %d, %v; want %d files", n, err, len(onDisk))
	}
	for _, p := range onDisk {
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(dir, filepath.Base(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("exported %s differs from cases/ (%v)", filepath.Base(p), err)
		}
	}
	again, err := conformance.LoadCases(dir)
	if err != nil || len(again) != len(emb) {
		t.Fatalf("LoadCases(exported) = %d cases, %v", len(again), err)
	}
	for i := range again {
		if again[i].Name != emb[i].Name || again[i].Comment != emb[i].Comment {
			t.Errorf("case %d: exported %q, embedded %q", i, again[i].Name, emb[i].Name)
		}
	}
}
