package codec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EncodeError is a Go value that cannot be sent as an argument of its
// declared type. Its message names the argument and the path inside it:
//
//	argument members[3]: integer 9007199254740993 is beyond ±2^53 (Lua numbers are doubles)
type EncodeError struct {
	Arg    string // the argument's name
	Path   string // where inside the value: "" for the value itself, "[3]", ".tags[0]"
	Type   Type   // the declared type
	Reason string // what is wrong
}

func (e *EncodeError) Error() string {
	return "argument " + e.Arg + e.Path + ": " + e.Reason
}

// DecodeError is a reply that does not fit the declared %return type. It
// shows the start of the reply, at most 80 bytes.
type DecodeError struct {
	Type   Type   // the declared type
	Reply  string // the start of the reply, quoted for reading
	Reason string // what is wrong
}

func (e *DecodeError) Error() string {
	return "reply does not fit %return " + e.Type.String() + ": " + e.Reason + ": " + e.Reply
}

// ParseError is text (from a command line) that does not parse as the
// declared type.
type ParseError struct {
	Arg    string
	Type   Type
	Text   string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("argument %s: %s %s: %s", e.Arg, e.Type, preview(e.Text), e.Reason)
}

// previewLimit is how much of a reply an error shows.
const previewLimit = 80

// preview quotes at most previewLimit bytes of s, cut at a rune boundary,
// with "…" when cut.
func preview(s string) string {
	if len(s) <= previewLimit {
		return strconv.Quote(s)
	}
	cut := previewLimit
	for cut > previewLimit-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// describeReply shows a reply as an error message does: its kind and
// its start.
func describeReply(reply any) string {
	switch r := reply.(type) {
	case nil:
		return "nil"
	case string:
		return "string " + preview(r)
	case int64:
		return "integer " + strconv.FormatInt(r, 10)
	case []any:
		var b strings.Builder
		b.WriteString("array of ")
		b.WriteString(strconv.Itoa(len(r)))
		b.WriteString(" ")
		s := fmt.Sprint(r)
		if len(s) > previewLimit {
			s = s[:previewLimit] + "…"
		}
		b.WriteString(s)
		return b.String()
	default:
		s := fmt.Sprintf("%v", r)
		if len(s) > previewLimit {
			s = s[:previewLimit] + "…"
		}
		return fmt.Sprintf("%T %s", r, s)
	}
}
