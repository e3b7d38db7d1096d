package directive

import (
	"fmt"
	"strings"
)

// Kind says what an [Item] is.
type Kind uint8

// The kinds of items.
const (
	Text    Kind = iota // a run of Lua text lines
	Shebang             // a "#!" first line (Redis 7 script flags)
	Key                 // %key NAME
	Arg                 // %arg NAME [TYPE]
	Return              // %return TYPE
	Include             // %include "NAME"
	Pragma              // %pragma once
	Invalid             // a malformed directive line; Item.Err says why
)

var kindNames = [...]string{
	Text:    "text",
	Shebang: "shebang",
	Key:     "%key",
	Arg:     "%arg",
	Return:  "%return",
	Include: "%include",
	Pragma:  "%pragma",
	Invalid: "invalid",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// IsDirective reports whether k is one of the five directives.
func (k Kind) IsDirective() bool { return k >= Key && k <= Pragma }

// Pos is a position in the input.
type Pos struct {
	Offset int // byte offset from the start of the input, from 0
	Line   int // line number, from 1
	Col    int // column in bytes, from 1
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Operand is one operand of a directive: its text (without quotes for an
// include name) and where it starts (the quote for an include name).
type Operand struct {
	Text string
	Pos  Pos
}

// Item is one lexed unit of a script.
type Item struct {
	Kind Kind
	// Pos is where the item starts: column 1 of its first line for Text and
	// Shebang, the '%' for directives and Invalid lines.
	Pos Pos
	// Src is the exact source text of the item's lines, joined by "\n",
	// without the final line break; a CR before a line break stays in Src.
	Src string
	// Name is the identifier of %key and %arg, the script name of %include
	// and the value of %pragma.
	Name Operand
	// Type is the type of %arg (empty Text when untyped) and of %return.
	Type Operand
	// Quote is the quote character of an %include name: '"' or '\''.
	Quote byte
	// Err says what is wrong with an Invalid line.
	Err *Error
}

// Lines returns the number of source lines the item covers: one for every
// kind but Text, which may be a run of many lines.
func (it *Item) Lines() int { return strings.Count(it.Src, "\n") + 1 }

// String returns a short form of the item for tests and debugging.
func (it Item) String() string {
	switch it.Kind {
	case Text, Shebang:
		return fmt.Sprintf("%s %s %q", it.Pos, it.Kind, it.Src)
	case Invalid:
		return fmt.Sprintf("%s invalid: %s", it.Pos, it.Err.Msg)
	case Arg:
		if it.Type.Text != "" {
			return fmt.Sprintf("%s %s %s %s", it.Pos, it.Kind, it.Name.Text, it.Type.Text)
		}
		return fmt.Sprintf("%s %s %s", it.Pos, it.Kind, it.Name.Text)
	case Return:
		return fmt.Sprintf("%s %s %s", it.Pos, it.Kind, it.Type.Text)
	case Include:
		return fmt.Sprintf("%s %s %c%s%c", it.Pos, it.Kind, it.Quote, it.Name.Text, it.Quote)
	default:
		return fmt.Sprintf("%s %s %s", it.Pos, it.Kind, it.Name.Text)
	}
}
