package conformance_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/engine/redistest"
)

const serveEnv = "REDISLUA_CONFORMANCE_SERVE"

// TestMain doubles as an external runner: with serveEnv set, the test
// binary serves the protocol on stdin/stdout.
func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		runner := conformance.NewBuiltin()
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
	cs, err := conformance.LoadCases("testdata")
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
	return []*conformance.Backend{
		{Name: "embedded", URL: emb.URL(), Client: emb.Client(t)},
		{Name: "redis", URL: real.URL(), Client: real.Client(t)},
		{Name: "cluster", URL: "redis+cluster://" + strings.Join(cl.Addrs, ","), Client: cl.Client(t)},
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
// Redis, a real redis-server and a real cluster.
func TestSuite(t *testing.T) {
	runner := conformance.NewBuiltin()
	defer runner.Close()
	runSuite(t, runner, backends(t))
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
