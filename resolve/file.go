package resolve

import (
	"strconv"
	"strings"
	"sync"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
)

// file is one parsed script file, shared by every script that includes it.
type file struct {
	name  string // script name, "lib/x"
	path  string // its file under the root, "lib/x.lua"
	src   string // text after the BOM
	bom   int    // length of the BOM before src: offsets count it
	items []directive.Item
	once  bool // has %pragma once
	lines int  // lines it renders to: a final newline adds none
	// ownSize is a lower bound of the bytes its own lines render to, each
	// with a line break, includes left out: the size check's unit.
	ownSize int64
	// ownKeys and ownArgs count its %key and %arg lines.
	ownKeys, ownArgs int
	errs             []error   // its directive errors, positioned
	incs             []include // its %include lines, resolved

	// The files its includes name, read once per loader (see
	// Loader.includes); an error where one could not be read.
	resolveOnce sync.Once
	targets     []*file
	targetErrs  []error // nil when every include was read
}

// include is one %include line of a file.
type include struct {
	item   int    // index in file.items
	target string // the resolved script name
	err    error  // an *EscapeError when the name leaves the root
}

// parseFile lexes a file's text and resolves the names of its includes.
func parseFile(name, text string) *file {
	f := &file{name: name, path: fileName(name), src: strings.TrimPrefix(text, directive.BOM)}
	f.bom = len(text) - len(f.src)
	if f.src != "" {
		f.lines = strings.Count(f.src, "\n") + 1
		if strings.HasSuffix(f.src, "\n") {
			f.lines--
		}
	}
	items, err := directive.Lex(text, directive.Options{Types: codec.TypeNames()})
	f.items = items
	if err != nil {
		for _, e := range err.(directive.ErrorList) {
			f.errs = append(f.errs, f.lexError(e))
		}
	}
	dir := dirOf(name)
	for i := range f.items {
		it := &f.items[i]
		switch it.Kind {
		case directive.Pragma:
			f.once = true
		case directive.Key:
			f.ownKeys++
		case directive.Arg:
			f.ownArgs++
		case directive.Include:
			target, ok := joinName(dir, it.Name.Text)
			inc := include{item: i, target: target}
			if !ok {
				inc.err = &EscapeError{Position: f.pos(it.Name.Pos), Name: it.Name.Text}
			}
			f.incs = append(f.incs, inc)
			continue
		}
		f.ownSize += int64(minRenderedLen(it)) + 1
	}
	return f
}

// minRenderedLen is the length of what an item renders to, with one-digit
// KEYS/ARGV indices: a lower bound for the size check.
func minRenderedLen(it *directive.Item) int {
	var buf [128]byte
	switch it.Kind {
	case directive.Key:
		return len(appendKeyLine(buf[:0], it.Name.Text, 1))
	case directive.Arg:
		t, _ := codec.ParseType(it.Type.Text)
		return len(t.AppendLuaLine(buf[:0], it.Name.Text, 1))
	case directive.Return, directive.Pragma:
		return len(appendCommentLine(buf[:0], it.Src))
	}
	return len(it.Src) // text (a run: its line breaks are in Src), shebang, invalid
}

// appendKeyLine appends what "%key name" renders to as the index-th key.
func appendKeyLine(dst []byte, name string, index int) []byte {
	dst = append(dst, "local "...)
	dst = append(dst, name...)
	dst = append(dst, " = KEYS["...)
	dst = strconv.AppendInt(dst, int64(index), 10)
	return append(dst, ']')
}

// appendCommentLine appends what %return and %pragma render to: the
// directive text, trimmed, behind "-- ".
func appendCommentLine(dst []byte, src string) []byte {
	return append(append(dst, "-- "...), strings.Trim(src, " \t\r\v\f")...)
}

func (f *file) pos(p directive.Pos) Position {
	return Position{File: f.path, Line: p.Line, Col: p.Col}
}

func (f *file) lexError(e *directive.Error) error {
	p := f.pos(e.Pos)
	if e.Code == directive.ErrUnknownType {
		// The lexer quotes the type in its message; recover it from the source.
		return &TypeError{Position: p, Type: typeAt(f.src, e.Pos.Offset-f.bom), Suggestion: e.Suggestion}
	}
	return &SyntaxError{Position: p, Msg: e.Message(), Err: e}
}

// typeAt returns the blank-separated word at offset off of s.
func typeAt(s string, off int) string {
	if off < 0 || off > len(s) {
		return ""
	}
	end := off
	for end < len(s) && !strings.ContainsRune(" \t\r\v\f\n", rune(s[end])) {
		end++
	}
	return s[off:end]
}

// line returns the text of line n (from 1) of the file, without a CR
// before the line break.
func (f *file) line(n int) string {
	s := f.src
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSuffix(s, "\r")
}
