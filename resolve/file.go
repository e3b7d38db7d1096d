package resolve

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
)

// blanks separate a directive's operands (directive.isBlank).
const blanks = " \t\r\v\f"

// maxFile is the largest file the loader parses: offsets are 32-bit. (A
// variable for the test.)
var maxFile = math.MaxInt32

// file is one parsed script file, shared by every script that includes it.
type file struct {
	name string // script name, "lib/x"
	path string // its file under the root, "lib/x.lua"
	text string // the file as read, BOM included: op offsets index it
	// ops are its lines in a compact form the renderer walks: no pointers,
	// so the collector never scans them.
	ops  []op
	incs []include // its %include lines, in order
	errs []error   // its directive errors, positioned
	// ownSize is a lower bound of the bytes its own lines render to, each
	// with a line break, includes left out: the size check's unit.
	ownSize int64
	bom     int32 // length of the BOM at the start of text
	lines   int32 // lines it renders to: a final newline adds none
	// ownKeys and ownArgs count its %key and %arg lines.
	ownKeys, ownArgs int32
	once             bool // has %pragma once

	// resolveOnce guards reading the files its includes name, once per
	// loader (see Loader.includes): it sets incs[k].file or .err.
	resolveOnce sync.Once

	// starts are the offsets in src() of its lines, made the first time
	// a line of a long file is asked for (see line).
	startsOnce sync.Once
	starts     []int32
}

// op is one item of a file in the form the builder needs.
type op struct {
	kind directive.Kind // Text, Shebang or a directive: never Invalid
	typ  codec.Type     // of %arg and %return
	line int32          // where the item starts
	col  int32
	ncol int32 // column of the name of %key, %arg and %include
	// nlines is the number of lines a Text run renders to.
	nlines int32
	// start and end delimit a text in file.text: the lines of Text and
	// Shebang, the name of %key, %arg and %include (without quotes), the
	// trimmed directive of %return and %pragma.
	start, end int32
}

// include is one %include line of a file. Loader.includes sets its
// file, or its error, once.
type include struct {
	op int32 // its index in file.ops; the op delimits the name as written
	// escape is set when err is an *EscapeError of the name itself,
	// positioned already; otherwise err says why the file it names could
	// not be read.
	escape bool
	file   *file
	err    error
}

// target resolves the name an include gives: the script it names.
func (f *file) target(inc *include) (string, bool) {
	return joinName(dirOf(f.name), f.str(&f.ops[inc.op]))
}

// str returns the text an op delimits.
func (f *file) str(o *op) string { return f.text[o.start:o.end] }

// src is the file's text after the BOM.
func (f *file) src() string { return f.text[f.bom:] }

// parseFile lexes a file's text and resolves the names of its includes.
// path is the file's path under the root, fileName(name).
func parseFile(name, path, text string) *file {
	f := new(file)
	f.parse(name, path, text)
	return f
}

// parse fills in a zero file.
func (f *file) parse(name, path, text string) {
	f.name, f.path, f.text = name, path, text
	if len(text) > maxFile {
		f.errs = []error{&Error{Code: KindLimit, Position: Position{File: f.path}, Limit: "size", Max: int64(maxFile), Value: int64(len(text))}}
		return
	}
	src := strings.TrimPrefix(text, directive.BOM)
	f.bom = int32(len(text) - len(src))
	if src != "" {
		f.lines = int32(strings.Count(src, "\n") + 1)
		if strings.HasSuffix(src, "\n") {
			f.lines--
		}
	}
	// Most files have few items: collect them on the stack, then copy them
	// to one slice of the exact size.
	var opBuf [16]op
	var incBuf [8]include
	ops, incs := opBuf[:0], incBuf[:0]
	for it := range directive.Items(text, directive.Options{Types: codec.TypeNames()}) {
		o := op{kind: it.Kind, line: int32(it.Pos.Line), col: int32(it.Pos.Col)}
		switch it.Kind {
		case directive.Invalid:
			f.errs = append(f.errs, f.lexError(it.Err))
			continue
		case directive.Text:
			o.start, o.end = int32(it.Pos.Offset), int32(it.Pos.Offset+len(it.Src))
			o.nlines = int32(strings.Count(it.Src, "\n") + 1)
			// A final line break ends the last line; it starts none.
			for ; o.nlines > 0 && o.line+o.nlines-1 > f.lines; o.nlines-- {
				o.end = o.start + int32(strings.LastIndexByte(f.str(&o), '\n'))
			}
			if o.nlines == 0 {
				continue
			}
		case directive.Shebang:
			o.start, o.end = int32(it.Pos.Offset), int32(it.Pos.Offset+len(it.Src))
		case directive.Key, directive.Arg:
			o.ncol = int32(it.Name.Pos.Col)
			o.start, o.end = int32(it.Name.Pos.Offset), int32(it.Name.Pos.Offset+len(it.Name.Text))
			o.typ, _ = codec.ParseType(it.Type.Text)
			if it.Kind == directive.Key {
				f.ownKeys++
			} else {
				f.ownArgs++
			}
		case directive.Return, directive.Pragma:
			// From the '%' to the last non-blank: the directive, trimmed.
			lead := len(it.Src) - len(strings.TrimLeft(it.Src, blanks))
			o.start = int32(it.Pos.Offset)
			o.end = o.start + int32(len(strings.TrimRight(it.Src[lead:], blanks)))
			o.typ, _ = codec.ParseType(it.Type.Text)
			f.once = f.once || it.Kind == directive.Pragma
		case directive.Include:
			o.ncol = int32(it.Name.Pos.Col)
			// The name, quotes left out.
			o.start = int32(it.Name.Pos.Offset) + 1
			o.end = o.start + int32(len(it.Name.Text))
			incs = append(incs, include{op: int32(len(ops))})
			ops = append(ops, o)
			continue
		}
		ops = append(ops, o)
		f.ownSize += int64(minRenderedLen(f, &o)) + 1
	}
	f.ops = append([]op(nil), ops...)
	if len(incs) > 0 {
		f.incs = append([]include(nil), incs...)
	}
}

// minRenderedLen is the length of what an op renders to, with one-digit
// KEYS/ARGV indices: a lower bound for the size check.
func minRenderedLen(f *file, o *op) int {
	var buf [128]byte
	switch o.kind {
	case directive.Key:
		return len(appendKeyLine(buf[:0], f.str(o), 1))
	case directive.Arg:
		return len(o.typ.AppendLuaLine(buf[:0], f.str(o), 1))
	case directive.Return, directive.Pragma:
		return len(appendCommentLine(buf[:0], f.str(o)))
	}
	return int(o.end - o.start) // text (a run: its line breaks are in it), shebang
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
func appendCommentLine(dst []byte, directive string) []byte {
	return append(append(dst, "-- "...), directive...)
}

// at is the position of a line and column of the file.
func (f *file) at(line, col int32) Position {
	return Position{File: f.path, Line: int(line), Col: int(col)}
}

func (f *file) pos(p directive.Pos) Position {
	return Position{File: f.path, Line: p.Line, Col: p.Col}
}

func (f *file) lexError(e *directive.Error) error {
	p := f.pos(e.Pos)
	if e.Code == directive.ErrUnknownType {
		// The lexer quotes the type in its message; recover it from the source.
		return &Error{Code: KindType, Position: p, Type: typeAt(f.text, e.Pos.Offset), Suggestion: e.Suggestion}
	}
	return &Error{Code: KindSyntax, Position: p, Msg: e.Message(), Err: e}
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
// before the line break. A source map asks for lines in any order, many
// times (a linter, for each finding): in a long file, it finds them
// through an index of line starts, made on first use, so that asking is
// not a scan of the file each time.
func (f *file) line(n int) string {
	s := f.src()
	const scanUpTo = 64 // lines a scan finds faster than making an index
	if n > scanUpTo {
		f.startsOnce.Do(f.indexLines)
		if n > len(f.starts) {
			return ""
		}
		s = s[f.starts[n-1]:]
	} else {
		for i := 1; i < n; i++ {
			j := strings.IndexByte(s, '\n')
			if j < 0 {
				return ""
			}
			s = s[j+1:]
		}
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSuffix(s, "\r")
}

// indexLines makes f.starts.
func (f *file) indexLines() {
	s := f.src()
	f.starts = append(make([]int32, 0, f.lines+1), 0)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			f.starts = append(f.starts, int32(i+1))
		}
	}
}
