package lint_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/internal/wanttest"
	"github.com/redislua/redislua/vet/lint"
)

// TestRules lints every script of testdata/lua and compares the findings
// with the files' want comments: every finding is wanted, every want is
// found.
func TestRules(t *testing.T) {
	fsys := os.DirFS("testdata/lua")
	all, err := resolve.New(fsys).LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var diags []wanttest.Diag
	for _, s := range lint.Entries(all) {
		for _, f := range lint.Lint(s) {
			d := wanttest.Diag{File: f.Pos.File, Line: f.Pos.Line, Message: f.Code + " " + f.Message}
			if key := fmt.Sprint(d); !seen[key] {
				seen[key] = true
				diags = append(diags, d)
			}
		}
	}
	ws := wanttest.Read(fsys)
	for _, p := range wanttest.Check(ws, diags) {
		t.Error(p)
	}
	if len(lint.Entries(all)) != len(all)-1 {
		t.Errorf("Entries = %d of %d scripts, want all but lib/helpers", len(lint.Entries(all)), len(all))
	}
	if len(ws) < 12 {
		t.Errorf("only %d want comments", len(ws))
	}
}

func TestFindingFormat(t *testing.T) {
	s, _ := resolve.New(os.DirFS("testdata/lua")).Load("uses_lib")
	fs := lint.Lint(s)
	if len(fs) != 1 {
		t.Fatalf("findings = %v", fs)
	}
	if got := fs[0].String(); got != "lib/helpers.lua:3:10: (W113) read of global missing_global, which Redis does not provide" {
		t.Errorf("String() = %q", got)
	}
	if fs[0].Severity != lint.Error || fs[0].Line != 3 {
		t.Errorf("finding = %+v", fs[0])
	}
}
