package lsp

import (
	"encoding/json"

	"github.com/redislua/redislua/vet/commands"
)

// cursor is a request's place: the snapshot, the open document, its
// script name ("" outside the root), the line's text and the byte
// offset in it.
type cursor struct {
	sn   *snapshot
	d    *document
	name string
	line string
	ln   int // from 0
	b    int // byte offset in line
}

// at reads a request's text document and position. ok is false for a
// document that is not open or a position past its end (the answer is
// then empty, not an error: the editor may be ahead of the server).
func (s *Server) at(params json.RawMessage) (c cursor, ok bool, err error) {
	var p textDocumentPositionParams
	if err := unmarshal(params, &p); err != nil {
		return c, false, err
	}
	sn := s.current()
	d, name := sn.doc(p.TextDocument.URI)
	if d == nil || p.Position.Line < 0 || p.Position.Line >= len(d.lines) || p.Position.Character < 0 {
		return c, false, nil
	}
	line := d.line(p.Position.Line)
	return cursor{sn: sn, d: d, name: name, line: line, ln: p.Position.Line, b: byteCol(line, p.Position.Character)}, true, nil
}

// from is the script name includes resolve from.
func (c cursor) from() string {
	if c.name != "" {
		return c.name
	}
	f := c.sn.fileOf(c.d, "")
	return f[:len(f)-len(".lua")]
}

// lineRange is a range of bytes [from, to) of the cursor's line.
func (c cursor) lineRange(from, to int) Range {
	return Range{Position{c.ln, utf16Col(c.line, from)}, Position{c.ln, utf16Col(c.line, to)}}
}

// target is the command table the document is checked against: the
// configuration's, else the default target's.
func (c cursor) target() *commands.Table {
	if t := c.sn.lintOpts.Target; t != nil {
		return t
	}
	return commands.Default()
}
