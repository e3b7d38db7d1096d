package luatest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/redislua/redislua/cli/luatest"
	"github.com/redislua/redislua/conformance"
	"github.com/redislua/redislua/redistest"
)

func backend(t *testing.T, srv *redistest.Server) *conformance.Backend {
	name := "embedded"
	if srv.Real {
		name = "redis"
	}
	return &conformance.Backend{Name: name, URL: srv.URL(), Client: srv.Client(t)}
}

func servers(t *testing.T) map[string]*redistest.Server {
	return map[string]*redistest.Server{"embedded": redistest.Embedded(t), "real": redistest.Real(t)}
}

// TestRunTree: the tree's cases give one pass, one expected error and
// one failure naming the file, the run, what was wanted and what came.
func TestRunTree(t *testing.T) {
	files, err := luatest.Load("testdata/tree/testdata")
	if err != nil {
		t.Fatal(err)
	}
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for _, cover := range []bool{false, true} {
				r, err := luatest.Run(context.Background(), os.DirFS("testdata/tree"), files, backend(t, srv), &luatest.Options{Cover: cover})
				if err != nil {
					t.Fatal(err)
				}
				var out strings.Builder
				r.WriteText(&out)
				if r.Passed != 2 || r.Failed != 1 {
					t.Fatalf("cover %v: %s", cover, out.String())
				}
				want := "FAIL testdata/tree/testdata/failing.txtar run 1 (counter, " + backend(t, srv).Name + "):\n    result 2, want 3\n2 passed, 1 failed\n"
				if out.String() != want {
					t.Errorf("cover %v: got\n%s\nwant\n%s", cover, out.String(), want)
				}
			}
		})
	}
}

// TestCoverage: on a real server, a cluster and the embedded one, the lines run
// are counted (included files in their own lines), lines not run are 0,
// the LCOV file says so, and the error raised in the helper still names
// the helper's file and line.
func TestCoverage(t *testing.T) {
	files, err := luatest.Load("testdata/tree/testdata")
	if err != nil {
		t.Fatal(err)
	}
	const want = `TN:
SF:lua/counter.lua
DA:1,3
DA:2,3
DA:5,3
DA:6,2
LF:4
LH:4
end_of_record
TN:
SF:lua/lib/helper.lua
DA:1,3
DA:2,3
DA:3,1
DA:5,2
DA:6,0
DA:8,2
LF:6
LH:5
end_of_record
`
	backends := map[string]*conformance.Backend{}
	for name, srv := range servers(t) {
		backends[name] = backend(t, srv)
	}
	// On a cluster the instrumented calls go to the node of their key
	// and the counts add up across the nodes.
	cl := redistest.NewCluster(t)
	backends["cluster"] = &conformance.Backend{Name: "cluster", URL: "redis+cluster://" + strings.Join(cl.Addrs, ","), Client: cl.Client(t)}
	for name, b := range backends {
		t.Run(name, func(t *testing.T) {
			r, err := luatest.Run(context.Background(), os.DirFS("testdata/tree"), files, b, &luatest.Options{Cover: true})
			if err != nil {
				t.Fatal(err)
			}
			var lcov strings.Builder
			r.Coverage.WriteLCOV(&lcov, "lua")
			if lcov.String() != want {
				t.Errorf("LCOV:\n%s\nwant\n%s", lcov.String(), want)
			}
			// run 2 of counter.txtar wants frames [counter 3] [lib/helper 3]
			// and passed: the traceback points into the helper.
			for _, res := range r.Results {
				if res.File == "testdata/tree/testdata/counter.txtar" && res.Status != "pass" {
					t.Errorf("%+v", res)
				}
			}
		})
	}
}

// TestCoverageErrors: with and without coverage, errors keep their
// kind, frames and text: a Lua runtime error, a redis.call error (Redis
// keeps its code), an error table, redis.error_reply, a compile error,
// values that do not fit, a reply that does not decode.
func TestCoverageErrors(t *testing.T) {
	files, err := luatest.Load("testdata/errors.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			for _, cover := range []bool{false, true} {
				r, err := luatest.Run(context.Background(), os.DirFS("testdata/tree"), files, backend(t, srv), &luatest.Options{Cover: cover})
				if err != nil {
					t.Fatal(err)
				}
				if r.Failed != 0 {
					var out strings.Builder
					r.WriteText(&out)
					t.Errorf("cover %v:\n%s", cover, out.String())
				}
			}
		})
	}
}
