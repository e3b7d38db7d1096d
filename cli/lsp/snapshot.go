package lsp

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// snapshot is the scripts' tree at one generation of the documents:
// immutable, shared by the requests and the diagnostics of that
// generation. Its loader reads each file once.
type snapshot struct {
	gen      int
	root     string
	fsys     *overlay
	loader   *resolve.Loader
	docs     map[string]*document // by absolute path; copies
	lintOpts lint.Options
	keep     func(string) bool

	allOnce sync.Once
	all     map[string]*resolve.Script

	mu    sync.Mutex
	files map[string]*fileText // "lib/x.lua" → its text and lines
}

type fileText struct {
	text   string
	starts []int
	ok     bool
}

func newSnapshot(gen int, root string, base fs.FS, docs map[string]*document, opts lint.Options, keep func(string) bool) *snapshot {
	sn := &snapshot{
		gen: gen, root: root, lintOpts: opts, keep: keep,
		fsys:  &overlay{base: base, docs: map[string]string{}},
		docs:  make(map[string]*document, len(docs)),
		files: map[string]*fileText{},
	}
	for p, d := range docs {
		c := *d
		sn.docs[p] = &c
		if name, ok := scriptName(root, p); ok {
			sn.fsys.docs[name+resolve.Ext] = d.text
		}
	}
	sn.loader = resolve.New(sn.fsys)
	return sn
}

// doc returns the open document of uri and its script name ("" outside
// the root).
func (sn *snapshot) doc(uri string) (*document, string) {
	d := sn.docs[uriPath(uri)]
	if d == nil {
		return nil, ""
	}
	name, _ := scriptName(sn.root, d.path)
	return d, name
}

// load loads an open document's script: by name under the root, else
// parsed as code whose includes resolve from the root.
func (sn *snapshot) load(d *document, name string) (*resolve.Script, error) {
	if name != "" {
		return sn.loader.Load(name)
	}
	return sn.loader.Parse(strings.TrimSuffix(filepath.Base(d.path), resolve.Ext), d.text)
}

// fileOf is the file a document's findings carry ("lib/x.lua").
func (sn *snapshot) fileOf(d *document, name string) string {
	if name != "" {
		return name + resolve.Ext
	}
	return filepath.Base(d.path)
}

// allScripts loads every script of the tree once per snapshot (what
// includes an open file).
func (sn *snapshot) allScripts() map[string]*resolve.Script {
	sn.allOnce.Do(func() {
		sn.all, _ = sn.loader.LoadAll()
	})
	return sn.all
}

// file returns the text of a file under the root ("lib/x.lua"): the
// open document's, else the disk's.
func (sn *snapshot) file(name string) *fileText {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if f, ok := sn.files[name]; ok {
		return f
	}
	f := &fileText{}
	if b, err := fs.ReadFile(sn.fsys, name); err == nil {
		f.text, f.ok = string(b), true
		f.starts = lineStarts(f.text)
	}
	sn.files[name] = f
	return f
}

// uriOf is the URI of a file under the root: the open document's as the
// client wrote it, else a file: URI.
func (sn *snapshot) uriOf(file string) string {
	p := filepath.Join(sn.root, filepath.FromSlash(file))
	if d := sn.docs[p]; d != nil {
		return d.uri
	}
	return pathURI(p)
}

// includeName resolves an %include operand written in the script from
// ("lib/a") to the included script's name, as the resolver does: from
// the including file's directory, or from the root with a leading /.
func includeName(from, name string) (string, bool) {
	name = strings.ReplaceAll(name, `\`, "/")
	if !strings.HasPrefix(name, "/") {
		name = path.Join(path.Dir(from), name)
	}
	return resolve.CleanName(name)
}

// lex lexes a text's directives with the types scripts may write.
func lex(text string) []directive.Item {
	items, _ := directive.Lex(text, directive.Options{Types: codec.TypeNames()})
	return items
}

// rangeAt is the range of the token at a byte column (from 1) of a line
// (from 1) of text: an identifier, a quoted string or a number; the
// line's text without its indentation when col is 0 or on nothing.
func rangeAt(starts []int, text string, line, col int) Range {
	l := lineOf(text, starts, line-1)
	ln := line - 1
	if ln < 0 {
		ln = 0
	}
	if col <= 0 || col > len(l) {
		from := len(l) - len(strings.TrimLeft(l, " \t"))
		if col > len(l) && col > 0 {
			from = len(l)
		}
		return Range{Position{ln, utf16Col(l, from)}, Position{ln, utf16Col(l, len(l))}}
	}
	b := col - 1
	e := b
	switch c := l[b]; {
	case c == '\'' || c == '"':
		e = b + 1
		for e < len(l) && l[e] != c {
			if l[e] == '\\' {
				e++
			}
			e++
		}
		if e < len(l) {
			e++
		}
		if e > len(l) {
			e = len(l)
		}
	case isWordByte(c) || c == '%':
		e = b + 1
		for e < len(l) && isWordByte(l[e]) {
			e++
		}
	default:
		e = b + 1
	}
	return Range{Position{ln, utf16Col(l, b)}, Position{ln, utf16Col(l, e)}}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// wordAt is the identifier around byte offset b of line (and its
// bounds); "" when there is none.
func wordAt(line string, b int) (word string, from, to int) {
	if b > len(line) {
		b = len(line)
	}
	from, to = b, b
	for from > 0 && isWordByte(line[from-1]) {
		from--
	}
	for to < len(line) && isWordByte(line[to]) {
		to++
	}
	return line[from:to], from, to
}
