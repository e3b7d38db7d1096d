package lsp

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// definition answers textDocument/definition: on an %include line, the
// included file; on a %key or %arg name, its directive (in whichever
// file declares it); on a name a local or a function defines, in the
// document before the cursor or in an included file, that line.
func (s *Server) definition(_ context.Context, params json.RawMessage) (any, error) {
	c, ok, err := s.at(params)
	if !ok || err != nil {
		return nil, err
	}
	items := lex(c.d.text)
	for _, it := range items {
		if it.Kind == directive.Include && it.Pos.Line == c.ln+1 {
			inc, ok := includeName(c.from(), it.Name.Text)
			if !ok {
				return nil, nil
			}
			return []Location{{URI: c.sn.uriOf(inc + resolve.Ext)}}, nil
		}
	}
	word, _, _ := wordAt(c.line, c.b)
	if word == "" || !directive.IsIdentifier(word) {
		return nil, nil
	}
	if p, ok := c.param(items, word); ok {
		return []Location{c.sn.location(c, p.file, p.line, p.col)}, nil
	}
	// The declaration Lua's scoping resolves the name to (a shadowing
	// local, a parameter, a name of an included file).
	if loc, parsed := c.scoped(word); parsed {
		if loc == nil {
			return nil, nil // a global, or not a use of a local
		}
		return []Location{*loc}, nil
	}
	// The script does not parse: by the text alone. A definition in the
	// document above the cursor (the nearest).
	if ln, col, ok := findDefinition(c.d.text, word, c.ln+1); ok {
		return []Location{{URI: c.d.uri, Range: rangeAt(c.d.lines, c.d.text, ln, col)}}, nil
	}
	for _, inc := range c.includes(items) {
		f := c.sn.file(inc + resolve.Ext)
		if !f.ok {
			continue
		}
		if ln, col, ok := findDefinition(f.text, word, 0); ok {
			return []Location{{URI: c.sn.uriOf(inc + resolve.Ext), Range: rangeAt(f.starts, f.text, ln, col)}}, nil
		}
	}
	return nil, nil
}

// scoped finds the declaration of the local name word used on the
// cursor's line, by the linter's scopes (lint.References). parsed is
// false when the document's script does not load or parse: then only
// the text can answer.
func (c cursor) scoped(word string) (loc *Location, parsed bool) {
	s, err := c.sn.load(c.d, c.name)
	if err != nil {
		return nil, false
	}
	refs, ok := lint.References(s)
	if !ok {
		return nil, false
	}
	file := c.sn.fileOf(c.d, c.name)
	for _, r := range refs {
		if r.Name != word || r.Use.File != file || r.Use.Line != c.ln+1 {
			continue
		}
		text := c.lineOf(r.Decl.File, r.Decl.Line)
		l := c.sn.location(c, r.Decl.File, r.Decl.Line, identColumn(text, word))
		return &l, true
	}
	return nil, true
}

// lineOf is line n (from 1) of a file under the root, or of the document.
func (c cursor) lineOf(file string, n int) string {
	text, starts := c.d.text, c.d.lines
	if file != c.sn.fileOf(c.d, c.name) {
		f := c.sn.file(file)
		text, starts = f.text, f.starts
	}
	if n < 1 || n > len(starts) {
		return ""
	}
	line := text[starts[n-1]:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return line
}

// identColumn is the byte column (from 1) of the first whole identifier
// name in line, 1 when there is none.
func identColumn(line, name string) int {
	isIdent := func(b byte) bool {
		return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	for i := 0; i+len(name) <= len(line); i++ {
		if line[i:i+len(name)] == name && (i == 0 || !isIdent(line[i-1])) && (i+len(name) == len(line) || !isIdent(line[i+len(name)])) {
			return i + 1
		}
	}
	return 1
}

// paramAt is a declared key or argument.
type paramAt struct {
	kind, typ  string
	index      int
	file       string
	line, col  int
	fromScript bool // from the loaded script (index known)
}

// param finds a key or argument of the document by name: from the
// loaded script (declared in the document or an included file), else
// from the document's own directives when it does not load.
func (c cursor) param(items []directive.Item, name string) (paramAt, bool) {
	if s, err := c.sn.load(c.d, c.name); err == nil {
		p, ok := s.Param(name)
		if !ok {
			return paramAt{}, false
		}
		out := paramAt{kind: "key", index: p.Index, file: p.Pos.File, line: p.Pos.Line, col: p.Pos.Col, fromScript: true}
		if p.Kind == resolve.ArgParam {
			out.kind, out.typ = "arg", p.Type.String()
		}
		return out, true
	}
	for _, it := range items {
		if (it.Kind == directive.Key || it.Kind == directive.Arg) && it.Name.Text == name {
			out := paramAt{kind: "key", file: c.sn.fileOf(c.d, c.name), line: it.Name.Pos.Line, col: it.Name.Pos.Col}
			if it.Kind == directive.Arg {
				out.kind, out.typ = "arg", it.Type.Text
			}
			return out, true
		}
	}
	return paramAt{}, false
}

// includes are the scripts the document includes, directly or not, in
// rendering order (from its own directives when it does not load).
func (c cursor) includes(items []directive.Item) []string {
	if s, err := c.sn.load(c.d, c.name); err == nil {
		return s.Includes()
	}
	var out []string
	for _, it := range items {
		if it.Kind == directive.Include {
			if inc, ok := includeName(c.from(), it.Name.Text); ok {
				out = append(out, inc)
			}
		}
	}
	return out
}

// location is a place in a file under the root (or the document).
func (sn *snapshot) location(c cursor, file string, line, col int) Location {
	if file == sn.fileOf(c.d, c.name) {
		return Location{URI: c.d.uri, Range: rangeAt(c.d.lines, c.d.text, line, col)}
	}
	f := sn.file(file)
	return Location{URI: sn.uriOf(file), Range: rangeAt(f.starts, f.text, line, col)}
}

var (
	defFunction = regexp.MustCompile(`^\s*(?:local\s+)?function\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(`)
	defLocal    = regexp.MustCompile(`^\s*local\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:=|$|--)`)
)

// definitions returns the names a line defines at its top level (local
// function f, function f, local a, b = ...) with their byte columns
// (from 1).
func definitions(line string) (names []string, cols []int) {
	if m := defFunction.FindStringSubmatchIndex(line); m != nil {
		return []string{line[m[2]:m[3]]}, []int{m[2] + 1}
	}
	if m := defLocal.FindStringSubmatchIndex(line); m != nil {
		off := m[2]
		for _, part := range strings.Split(line[m[2]:m[3]], ",") {
			lead := len(part) - len(strings.TrimLeft(part, " \t"))
			names = append(names, strings.TrimSpace(part))
			cols = append(cols, off+lead+1)
			off += len(part) + 1
		}
	}
	return names, cols
}

// findDefinition finds where text defines name: the last definition
// before line before (from 1), or the first anywhere when before is 0.
func findDefinition(text, name string, before int) (line, col int, ok bool) {
	for i, l := range strings.Split(text, "\n") {
		if before > 0 && i+1 >= before {
			break
		}
		names, cols := definitions(l)
		for j, n := range names {
			if n == name {
				line, col, ok = i+1, cols[j], true
				if before == 0 {
					return
				}
			}
		}
	}
	return
}
