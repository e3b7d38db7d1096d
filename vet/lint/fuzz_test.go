package lint_test

import (
	"testing"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/lint"
	"golang.org/x/tools/txtar"
)

// FuzzLint: the linter ends on any script, on every target, without a
// panic (go test -run '^$' -fuzz FuzzLint ./vet/lint).
func FuzzLint(f *testing.F) {
	ar, err := txtar.ParseFile("testdata/constructs.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range ar.Files {
		if len(file.Data) < 2000 {
			f.Add(string(file.Data))
		}
	}
	f.Add("return redis.call('SET', KEYS[1], 'v', 'EX', 10, 'GET', 'NX')")
	f.Add("local function f(...) return server.pcall('CLIENT', 'KILL', ...) end return f('ID')")
	valkey, _ := commands.Lookup("valkey-8.0")
	opts := lint.Options{Target: commands.Default(), Also: []*commands.Table{valkey}}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := resolve.New(nil).Parse("m", src)
		if err != nil {
			return
		}
		lint.LintWith(s, opts)
		lint.LintWith(s, lint.Options{Target: valkey})
	})
}
