package lint_test

import (
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// want is one expected finding: a regexp on "CODE message" at file:line.
type want struct {
	file string
	line int
	re   *regexp.Regexp
}

var wantRE = regexp.MustCompile(`-- want(\^?) "((?:[^"\\]|\\.)*)"`)

// wants reads `-- want "re"` (this line) and `-- want^ "re"` (the line
// above) comments from every file of the tree.
func wants(t *testing.T, fsys fs.FS) []want {
	var out []want
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		data, _ := fs.ReadFile(fsys, p)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
				n := i + 1
				if m[1] == "^" {
					n--
				}
				out = append(out, want{p, n, regexp.MustCompile(strings.ReplaceAll(m[2], `\"`, `"`))})
			}
		}
		return nil
	})
	return out
}

// TestRules lints every script of testdata/lua and compares the findings
// with the files' want comments: every finding is wanted, every want is
// found.
func TestRules(t *testing.T) {
	fsys := os.DirFS("testdata/lua")
	all, err := resolve.New(fsys).LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]lint.Finding{}
	for _, s := range lint.Entries(all) {
		for _, f := range lint.Lint(s) {
			found[fmt.Sprintf("%s:%d %s %s", f.Pos.File, f.Pos.Line, f.Code, f.Message)] = f
		}
	}
	ws := wants(t, fsys)
	matched := map[string]bool{}
	for _, w := range ws {
		ok := false
		for key, f := range found {
			if f.Pos.File == w.file && f.Pos.Line == w.line && w.re.MatchString(f.Code+" "+f.Message) {
				matched[key], ok = true, true
			}
		}
		if !ok {
			t.Errorf("%s:%d: no finding matches %q", w.file, w.line, w.re)
		}
	}
	var extra []string
	for key := range found {
		if !matched[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Errorf("unexpected finding %s", e)
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
