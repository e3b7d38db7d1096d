package embedscripts

import (
	_ "embed"
	"errors"
	"fmt"
	"path"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/internal/docs"
	"github.com/redislua/redislua/vet/internal/embedded"
	"github.com/redislua/redislua/vet/lint"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Analyzer checks embedded redislua scripts.
var Analyzer = &analysis.Analyzer{
	Name: "luaembed",
	Doc:  docs.Extract(doc, "luaembed"),
	URL:  "https://pkg.go.dev/github.com/redislua/redislua/vet/passes/embedscripts",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	seen := map[string]bool{}
	for _, e := range embedded.Find(pass) {
		for _, root := range e.Roots() {
			loader := resolve.New(e.FS(root))
			scripts, err := loader.LoadAll()
			report := func(file string, line, col int, msg string) {
				name := path.Join(root, file)
				key := fmt.Sprintf("%s:%d:%d:%s", name, line, col, msg)
				if seen[key] {
					return
				}
				seen[key] = true
				pass.Report(analysis.Diagnostic{
					Pos:      embedded.Position(pass, e, name, line, col),
					Message:  msg,
					Category: "luaembed",
					Related:  []analysis.RelatedInformation{{Pos: e.Pos, Message: "embedded here"}},
				})
			}
			for _, one := range resolve.Flatten(err) {
				var re resolve.Error
				if errors.As(one, &re) {
					p := re.Pos()
					msg := one.Error()
					if prefix := p.String() + ": "; len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
						msg = msg[len(prefix):]
					}
					report(p.File, p.Line, p.Col, msg)
				}
			}
			for _, s := range lint.Entries(scripts) {
				for _, f := range lint.Lint(s) {
					report(f.Pos.File, f.Pos.Line, f.Pos.Col, fmt.Sprintf("(%s) %s", f.Code, f.Message))
				}
			}
		}
	}
	return nil, nil
}
