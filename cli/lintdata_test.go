package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/vet/lint"
)

var update = flag.Bool("update", false, "rewrite vet/lint/redis7.txt from the real redis-server")

// TestLintDataMatchesRedis: the globals and library fields the linter
// knows (vet/lint/redis7.txt) are what the real redis-server answers to
// vet/lint/redis7.lua. With -update (and a redis-server), the file is
// rewritten: go test ./cli -run TestLintDataMatchesRedis -update
func TestLintDataMatchesRedis(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "vet", "lint")
	script, err := os.ReadFile(filepath.Join(dir, "redis7.lua"))
	if err != nil {
		t.Skip("the vet module's sources are not beside this one:", err)
	}
	srv := redistest.Real(t)
	got, err := srv.Client(t).Eval(context.Background(), string(script), nil).Text()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join(dir, "redis7.txt"), []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	// What the linter holds, in the file's form (types left out).
	var want []string
	for _, line := range strings.Split(got, "\n") {
		name, _, _ := strings.Cut(line, " ")
		want = append(want, name)
	}
	for _, name := range want {
		table, field, isField := strings.Cut(name, ".")
		switch {
		case strings.HasPrefix(name, "__"):
		case isField && !lint.Fields[table][field]:
			t.Errorf("the linter does not know %s, which redis-server has", name)
		case !isField && !lint.Globals[name]:
			t.Errorf("the linter does not know the global %s, which redis-server has", name)
		}
	}
	n := len(lint.Globals)
	for _, fs := range lint.Fields {
		n += len(fs)
	}
	if known := len(want) - strings.Count(got, "__redis__"); n != known {
		t.Errorf("the linter knows %d names, redis-server has %d: run with -update", n, known)
	}
}
