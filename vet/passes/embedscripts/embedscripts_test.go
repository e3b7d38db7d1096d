package embedscripts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redislua/redislua/vet/internal/wanttest"
	"github.com/redislua/redislua/vet/passes/embedscripts"
	"golang.org/x/tools/go/analysis/analysistest"
)

// luaT passes analysistest's complaints through, except those about
// diagnostics in .lua files, which analysistest cannot expect (it reads
// want comments in Go files only); those are checked by wanttest.
type luaT struct{ t *testing.T }

func (l luaT) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(msg, ".lua:") && strings.Contains(msg, "unexpected diagnostic") {
		return
	}
	l.t.Error(msg)
}

func TestAnalyzer(t *testing.T) {
	testdata := analysistest.TestData()
	results := analysistest.Run(luaT{t}, testdata, embedscripts.Analyzer, "a")
	pkgDir := filepath.Join(testdata, "src", "a")
	var diags []wanttest.Diag
	for _, r := range results {
		for _, d := range r.Diagnostics {
			p := r.Pass.Fset.Position(d.Pos)
			rel, _ := filepath.Rel(filepath.Join(pkgDir, "lua"), p.Filename)
			diags = append(diags, wanttest.Diag{File: filepath.ToSlash(rel), Line: p.Line, Message: d.Message})
			if len(d.Related) != 1 || r.Pass.Fset.Position(d.Related[0].Pos).Line != 5 {
				t.Errorf("diagnostic %q lacks the //go:embed line as related information", d.Message)
			}
		}
	}
	for _, p := range wanttest.Check(wanttest.Read(os.DirFS(filepath.Join(pkgDir, "lua"))), diags) {
		t.Error(p)
	}
}

// TestConfig: the package's redislua.json (found from its directory up)
// sets the target (valkey-8.0: server is a global, HEXPIRE unknown) and
// the rules (RL108 disabled).
func TestConfig(t *testing.T) {
	testdata := analysistest.TestData()
	results := analysistest.Run(luaT{t}, testdata, embedscripts.Analyzer, "b")
	pkgDir := filepath.Join(testdata, "src", "b")
	var diags []wanttest.Diag
	for _, r := range results {
		for _, d := range r.Diagnostics {
			p := r.Pass.Fset.Position(d.Pos)
			rel, _ := filepath.Rel(filepath.Join(pkgDir, "lua"), p.Filename)
			diags = append(diags, wanttest.Diag{File: filepath.ToSlash(rel), Line: p.Line, Message: d.Message})
		}
	}
	for _, p := range wanttest.Check(wanttest.Read(os.DirFS(filepath.Join(pkgDir, "lua"))), diags) {
		t.Error(p)
	}
}
