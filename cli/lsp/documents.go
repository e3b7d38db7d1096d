package lsp

import (
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/redislua/redislua/resolve"
)

// document is an open document: the editor's text, not the file on disk.
type document struct {
	uri     string // as the client wrote it
	path    string // absolute, cleaned
	version int
	text    string
	lines   []int // byte offset of each line's start
}

func newDocument(uri, p string, version int, text string) *document {
	d := &document{uri: uri, path: p, version: version}
	d.setText(text)
	return d
}

func (d *document) setText(text string) {
	d.text = text
	d.lines = lineStarts(text)
}

func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line returns line n (from 0) without its line break; "" past the end.
func (d *document) line(n int) string {
	return lineOf(d.text, d.lines, n)
}

func lineOf(text string, starts []int, n int) string {
	if n < 0 || n >= len(starts) {
		return ""
	}
	end := len(text)
	if n+1 < len(starts) {
		end = starts[n+1] - 1
	}
	return strings.TrimSuffix(text[starts[n]:end], "\r")
}

// utf16Col converts a byte offset in line to UTF-16 code units.
func utf16Col(line string, b int) int {
	if b > len(line) {
		b = len(line)
	}
	n := 0
	for _, r := range line[:b] {
		n += utf16.RuneLen(r) // an invalid byte is one unit, as U+FFFD
	}
	return n
}

// byteCol converts a UTF-16 column in line to a byte offset (the end of
// the line for a column past it).
func byteCol(line string, c int) int {
	n := 0
	for i, r := range line {
		if n >= c {
			return i
		}
		n += utf16.RuneLen(r)
	}
	return len(line)
}

// applyChange applies one content change: the whole text, or a range of
// it (clients may send ranges even when full sync was asked for).
func (d *document) applyChange(r *Range, text string) {
	if r == nil {
		d.setText(text)
		return
	}
	start, end := d.offset(r.Start), d.offset(r.End)
	if end < start {
		start, end = end, start
	}
	d.setText(d.text[:start] + text + d.text[end:])
}

// offset converts a protocol position to a byte offset in the text,
// clamped to it.
func (d *document) offset(p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(d.lines) {
		return len(d.text)
	}
	return d.lines[p.Line] + byteCol(d.line(p.Line), p.Character)
}

// uriPath is the file path of a file: URI ("" for another scheme).
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(u.Path))
}

// pathURI is the file: URI of an absolute path.
func pathURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// scriptName is the name of the script at the absolute path p under
// root ("lib/x" for root/lib/x.lua); ok is false outside root or for a
// file that is not .lua.
func scriptName(root, p string) (string, bool) {
	if root == "" || !strings.HasSuffix(p, resolve.Ext) {
		return "", false
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return strings.TrimSuffix(filepath.ToSlash(rel), resolve.Ext), true
}

// overlay is the scripts' tree as the editor sees it: the open
// documents' text over the files on disk.
type overlay struct {
	base fs.FS             // nil: no tree
	docs map[string]string // slash path under the root ("lib/x.lua") → text
}

func (o *overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if text, ok := o.docs[name]; ok {
		return &memFile{name: path.Base(name), r: strings.NewReader(text), size: int64(len(text))}, nil
	}
	if o.base == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.base.Open(name)
}

// memFile is an open document read as a file.
type memFile struct {
	name string
	r    *strings.Reader
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Size() int64                { return f.size }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }

var _ io.Reader = (*memFile)(nil)
