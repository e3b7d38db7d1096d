package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/redislua/redislua/cli/gen"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) genCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "gen",
		Usage: "write a Go package with a typed method per script (compile-time checked calls)",
		Description: `Writes OUTDIR/scripts.go and copies of the scripts under OUTDIR/lua: for
every script that no other includes (every script with --all), a method
  func (s *Scripts) CreateFoo(ctx, p CreateFooParams) (map[string]any, error)
and CreateFooQueue for pipelines and transactions; New(engine) returns
the Scripts. Parameters are typed by the scripts' declarations: keys
string, integer int64, number float64, string, boolean bool, dict
map[string]any, untyped any, and list any slice or array ([]string,
[]int64, []any: no conversion). A key left empty (its zero value) is an
*engine.ArgsError before anything is sent. --check writes nothing and exits 1, naming the stale files,
when OUTDIR does not match the scripts (for CI).

A script file whose name the package cannot hold is refused, naming it:
a character go:embed refuses (a control character such as a newline,
a backquote, one of * " ' \ : < > ? |, U+2028), or a path element that
ends with a dot or starts with a dot or an underscore (go:embed leaves
it out). The scripts' leading comments become the methods' docs, with
control characters and "*/" escaped.

Examples:
  redis-lua --dir cli/examples/lua gen -o examples/foo --check
and in a Go file of the package that holds lua/:
  //go:generate redis-lua --dir lua gen -o scripts`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "o", Usage: "the output `DIR`"},
			&ucli.StringFlag{Name: "pkg", Usage: "the package name (default: the base name of -o)"},
			&ucli.BoolFlag{Name: "all", Usage: "a method for every script, included ones too"},
			&ucli.BoolFlag{Name: "check", Usage: "write nothing; exit 1 when the output is stale"},
		},
		Action: e.gen,
	}
}

func (e *env) gen(c *ucli.Context) error {
	out := c.String("o")
	if out == "" || c.NArg() > 0 {
		return usagef("gen needs -o DIR and no arguments")
	}
	pkg := c.String("pkg")
	if pkg == "" {
		abs, err := filepath.Abs(out)
		if err != nil {
			return usagef("-o %s: %v", out, err)
		}
		pkg = strings.ReplaceAll(filepath.Base(abs), "-", "_")
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	files, err := gen.Generate(l.FS(), gen.Options{Package: pkg, All: c.Bool("all")})
	if err != nil {
		if _, ok := err.(*gen.Error); ok {
			return failf("gen: %v", err)
		}
		return e.loadErr(c, err)
	}
	// The files of OUTDIR that gen owns: scripts.go and lua/.
	existing := map[string]bool{}
	if _, err := os.Stat(filepath.Join(out, "scripts.go")); err == nil {
		existing["scripts.go"] = true
	}
	filepath.WalkDir(filepath.Join(out, "lua"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			existing[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	var stale, extra []string
	for name, data := range files {
		old, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(old, data) {
			stale = append(stale, name)
		}
	}
	for name := range existing {
		if _, ok := files[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(stale)
	sort.Strings(extra)
	if c.Bool("check") {
		for _, name := range stale {
			fmt.Fprintf(e.stderr, "%s: stale\n", filepath.Join(out, filepath.FromSlash(name)))
		}
		for _, name := range extra {
			fmt.Fprintf(e.stderr, "%s: no script of --dir any more\n", filepath.Join(out, filepath.FromSlash(name)))
		}
		if len(stale)+len(extra) > 0 {
			return failf("gen --check: %s is stale: run redis-lua gen -o %s", out, out)
		}
		return nil
	}
	for _, name := range stale {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return failf("gen: %v", err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return failf("gen: %v", err)
		}
	}
	for _, name := range extra {
		os.Remove(filepath.Join(out, filepath.FromSlash(name)))
	}
	fmt.Fprintf(e.stderr, "gen: %s: %d files written, %d removed, %d unchanged\n", out, len(stale), len(extra), len(files)-len(stale))
	return nil
}
