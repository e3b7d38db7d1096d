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
