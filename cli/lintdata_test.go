package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/vet/lint"
)

var update = flag.Bool("update", false, "rewrite vet/lint/redis7.txt and commands7.txt from the real redis-server")

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

// TestLintCommandsMatchRedis: the command table the linter knows
// (vet/lint/commands7.txt: name, first key, last key, step, flags) is
// the real redis-server's COMMAND reply; -update rewrites it.
func TestLintCommandsMatchRedis(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	file := filepath.Join(filepath.Dir(here), "..", "vet", "lint", "commands7.txt")
	if _, err := os.Stat(file); err != nil {
		t.Skip("the vet module's sources are not beside this one:", err)
	}
	srv := redistest.Real(t)
	infos, err := srv.Client(t).Command(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for name, info := range infos {
		lines = append(lines, fmt.Sprintf("%s %d %d %d %s", name, info.FirstKeyPos, info.LastKeyPos, info.StepCount, strings.Join(info.Flags, ",")))
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, line := range lines {
		f := strings.Fields(line)
		c, ok := lint.Commands[f[0]]
		if !ok {
			t.Errorf("the linter does not know the command %s", f[0])
			continue
		}
		if want := fmt.Sprintf("%s %d %d %d", f[0], c.First, c.Last, c.Step); want != strings.Join(f[:4], " ") {
			t.Errorf("the linter has %q, redis-server %q", want, line)
		}
	}
	if len(lint.Commands) != len(lines) {
		t.Errorf("the linter knows %d commands, redis-server %d: run with -update", len(lint.Commands), len(lines))
	}
}
