// Package embedded finds the .lua files a Go package embeds with
// //go:embed, which go vet does not hand to analyzers: it reads the
// directives from the syntax, expands their patterns as embed does, and
// reads the files from the package directory.
package embedded

import (
	"go/ast"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing/fstest"

	"golang.org/x/tools/go/analysis"
)

// Embed is one //go:embed directive and the .lua files it embeds.
type Embed struct {
	Pos      token.Pos  // the directive
	Var      *types.Var // the variable it initialises (nil if none found)
	Patterns []string
	// Files are the embedded .lua files, by slash path relative to the
	// package directory.
	Files map[string][]byte
	Dir   string // the package directory
}

// Roots are the directories script names count from: for each pattern,
// its directory part before any glob ("lua" for lua, lua/*.lua and
// lua/x.lua), "." for a pattern at the package root.
func (e *Embed) Roots() []string {
	var roots []string
	seen := map[string]bool{}
	for _, p := range e.Patterns {
		p = strings.TrimPrefix(p, "all:")
		root := p
		if strings.ContainsAny(p, "*?[") || strings.HasSuffix(p, ".lua") {
			root = path.Dir(p)
			for strings.ContainsAny(root, "*?[") {
				root = path.Dir(root)
			}
		}
		if !seen[root] {
			seen[root] = true
			roots = append(roots, root)
		}
	}
	return roots
}

// FS returns the embedded .lua files below root as a file system.
func (e *Embed) FS(root string) fs.FS {
	m := fstest.MapFS{}
	prefix := root + "/"
	if root == "." {
		prefix = ""
	}
	for name, data := range e.Files {
		if rel, ok := strings.CutPrefix(name, prefix); ok {
			m[rel] = &fstest.MapFile{Data: data}
		}
	}
	return m
}

// Find returns the //go:embed directives of the package that embed .lua
// files.
func Find(pass *analysis.Pass) []*Embed {
	var out []*Embed
	for _, f := range pass.Files {
		dir := filepath.Dir(pass.Fset.File(f.Pos()).Name())
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				doc := vs.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if doc == nil {
					continue
				}
				for _, c := range doc.List {
					text, ok := strings.CutPrefix(c.Text, "//go:embed")
					if !ok || (text != "" && text[0] != ' ' && text[0] != '\t') {
						continue
					}
					e := &Embed{Pos: c.Pos(), Patterns: patterns(text), Files: map[string][]byte{}, Dir: dir}
					if len(vs.Names) == 1 {
						e.Var, _ = pass.TypesInfo.Defs[vs.Names[0]].(*types.Var)
					}
					for _, p := range e.Patterns {
						expand(dir, p, e.Files)
					}
					if len(e.Files) > 0 {
						out = append(out, e)
					}
				}
			}
		}
	}
	return out
}

// patterns splits a directive's arguments: blanks separate them, and
// Go string literals quote names with blanks.
func patterns(text string) []string {
	var out []string
	for text = strings.TrimSpace(text); text != ""; text = strings.TrimSpace(text) {
		if text[0] == '"' || text[0] == '`' {
			if q, err := strconv.QuotedPrefix(text); err == nil {
				s, _ := strconv.Unquote(q)
				out = append(out, s)
				text = text[len(q):]
				continue
			}
		}
		i := strings.IndexAny(text, " \t")
		if i < 0 {
			i = len(text)
		}
		out = append(out, text[:i])
		text = text[i:]
	}
	return out
}

// expand adds the .lua files a pattern embeds: a file, or every file of
// a directory tree except those starting with . or _ (unless the pattern
// has the all: prefix), as the embed package says.
func expand(dir, pattern string, files map[string][]byte) {
	all := strings.HasPrefix(pattern, "all:")
	pattern = strings.TrimPrefix(pattern, "all:")
	matches, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
	for _, m := range matches {
		filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			name := d.Name()
			if p != m && !all && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !strings.HasSuffix(name, ".lua") {
				return nil
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return nil
			}
			if data, err := os.ReadFile(p); err == nil {
				files[filepath.ToSlash(rel)] = data
			}
			return nil
		})
	}
}

// Position returns the token.Pos of line:col in the embedded file name
// (relative to the package directory), adding the file to the file set
// once, as passes/asmdecl does for assembly files.
func Position(pass *analysis.Pass, e *Embed, name string, line, col int) token.Pos {
	full := filepath.Join(e.Dir, filepath.FromSlash(name))
	var tf *token.File
	pass.Fset.Iterate(func(f *token.File) bool {
		if f.Name() == full {
			tf = f
			return false
		}
		return true
	})
	if tf == nil {
		data := e.Files[name]
		tf = pass.Fset.AddFile(full, -1, len(data))
		tf.SetLinesForContent(data)
	}
	if line < 1 || line > tf.LineCount() {
		return tf.Pos(0)
	}
	pos := tf.LineStart(line)
	if col > 1 && int(pos)-tf.Base()+col-1 <= tf.Size() {
		pos += token.Pos(col - 1)
	}
	return pos
}
