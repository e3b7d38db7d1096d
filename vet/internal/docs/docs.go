// Package docs gives an analyzer its Doc from its package's doc.go, as
// the analyzers of golang.org/x/tools do: the text under the heading
// "# Analyzer NAME" of the package comment.
package docs

import (
	"go/parser"
	"go/token"
	"strings"
)

// Extract returns the section "# Analyzer name" of the package comment
// of src (a doc.go), up to the next heading: its first line is the
// one-line summary ("name: does this"), as go vet's help shows it. It
// returns "name" alone when there is no such section (a missing doc is
// a test failure, not a crash).
func Extract(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		return name
	}
	text := f.Doc.Text()
	heading := "# Analyzer " + name + "\n"
	i := strings.Index(text, heading)
	if i < 0 {
		return name
	}
	text = text[i+len(heading):]
	if j := strings.Index(text, "\n# "); j >= 0 {
		text = text[:j]
	}
	return strings.TrimSpace(text)
}
