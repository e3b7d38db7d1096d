package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"golang.org/x/tools/txtar"
)

var constructHead = regexp.MustCompile(`^--! (?:ok|(\w+)(?:@(\S+))? "([^"]*)")$`)

// TestConstructsOnRedis runs every script of
// vet/lint/testdata/constructs.txtar on the real redis-server: each one
// check reports as an error, Redis refuses with the error its first line
// names; each control, Redis runs. (vet/lint's TestConstructs checks
// that check reports the one and not the other.)
func TestConstructsOnRedis(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	file := filepath.Join(filepath.Dir(here), "..", "vet", "lint", "testdata", "constructs.txtar")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skip("the vet module's sources are not beside this one:", err)
	}
	ar := txtar.Parse(data)
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	l := resolve.New(fsys)
	n := 0
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "lib/") {
			continue
		}
		first, _, _ := strings.Cut(string(f.Data), "\n")
		m := constructHead.FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("%s: first line %q", f.Name, first)
		}
		s, err := l.Load(strings.TrimSuffix(f.Name, ".lua"))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rdb.FlushDB(ctx)
		_, err = rdb.Eval(ctx, s.Source(), nil).Result()
		switch {
		case m[1] == "" && err != nil && err.Error() != "redis: nil":
			t.Errorf("%s (a control): Redis refused it: %v", f.Name, err)
		case m[1] != "" && (err == nil || !strings.Contains(err.Error(), m[3])):
			t.Errorf("%s: Redis answered %v, want an error with %q", f.Name, err, m[3])
		case m[1] != "":
			n++
		}
	}
	if n < 47 {
		t.Errorf("Redis refused %d constructs, want 47", n)
	}
}

// TestNoscriptRefused: every command and subcommand the redis-7.0 table
// flags noscript (RL204), the real redis-server refuses from a script,
// called with as many arguments as its arity asks.
func TestNoscriptRefused(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	table := commands.Default()
	if v, _ := rdb.Info(ctx, "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	n := 0
	for _, c := range table.Commands() {
		for _, cmd := range append([]*commands.Command{c}, c.Subcommands()...) {
			if !cmd.Has("noscript") {
				continue
			}
			words := strings.Fields(cmd.Display())
			for len(words) < max(cmd.Arity(), -cmd.Arity()) {
				words = append(words, "x")
			}
			args := make([]any, len(words))
			for i, w := range words {
				args[i] = w
			}
			err := rdb.Eval(ctx, "return redis.pcall(unpack(ARGV))", nil, args...).Err()
			if err == nil || !strings.Contains(err.Error(), "not allowed from script") {
				t.Errorf("%s: Redis answered %v", cmd.Display(), err)
			}
			n++
		}
	}
	t.Logf("%d noscript commands refused", n)
	if n < 50 {
		t.Errorf("only %d noscript commands", n)
	}
}
