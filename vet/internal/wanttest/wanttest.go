// Package wanttest checks diagnostics in .lua files against their
// comments, as analysistest does for Go files: `-- want "re"` expects a
// diagnostic on its own line, `-- want^ "re"` on the line above (a
// directive line cannot hold a comment).
package wanttest

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// Want is one expected diagnostic.
type Want struct {
	File string // slash path in the file system read
	Line int
	RE   *regexp.Regexp
}

// Diag is one diagnostic to check.
type Diag struct {
	File    string
	Line    int
	Message string
}

var wantRE = regexp.MustCompile(`-- want(\^?) "((?:[^"\\]|\\.)*)"`)

// Read returns the want comments of every .lua file of fsys.
func Read(fsys fs.FS) []Want {
	var out []Want
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".lua") {
			return nil
		}
		data, _ := fs.ReadFile(fsys, p)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
				n := i + 1
				if m[1] == "^" {
					n--
				}
				out = append(out, Want{p, n, regexp.MustCompile(strings.ReplaceAll(m[2], `\"`, `"`))})
			}
		}
		return nil
	})
	return out
}

// Check compares diagnostics with wants and returns the problems: wants
// that no diagnostic matches, and diagnostics that no want expects.
func Check(wants []Want, diags []Diag) []string {
	var problems []string
	matched := make([]bool, len(diags))
	for _, w := range wants {
		ok := false
		for i, d := range diags {
			if d.File == w.File && d.Line == w.Line && w.RE.MatchString(d.Message) {
				matched[i], ok = true, true
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("%s:%d: no diagnostic matches %q", w.File, w.Line, w.RE))
		}
	}
	for i, d := range diags {
		if !matched[i] {
			problems = append(problems, fmt.Sprintf("%s:%d: unexpected diagnostic %q", d.File, d.Line, d.Message))
		}
	}
	sort.Strings(problems)
	return problems
}
