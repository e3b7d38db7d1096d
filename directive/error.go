package directive

import (
	"fmt"
	"sort"
	"strings"
)

// Code classifies an [Error] so that callers can react to a kind of
// mistake without matching message text.
type Code uint8

// The error codes.
const (
	ErrNoDirective      Code = iota + 1 // '%' not followed by a directive word
	ErrUnknownDirective                 // %inlcude
	ErrMissingBlank                     // %include"x": no blank after the word
	ErrMissingOperand                   // %key
	ErrExtraOperand                     // %key a b
	ErrBadName                          // %key 1a
	ErrKeywordName                      // %key end
	ErrUnquotedInclude                  // %include foo
	ErrUnterminated                     // %include "foo
	ErrEmptyInclude                     // %include ""
	ErrUnknownType                      // %arg n integr
	ErrUnknownPragma                    // %pragma twice
)

var codeNames = [...]string{
	ErrNoDirective:      "no directive",
	ErrUnknownDirective: "unknown directive",
	ErrMissingBlank:     "missing blank",
	ErrMissingOperand:   "missing operand",
	ErrExtraOperand:     "extra operand",
	ErrBadName:          "bad name",
	ErrKeywordName:      "keyword as name",
	ErrUnquotedInclude:  "unquoted include",
	ErrUnterminated:     "unterminated include name",
	ErrEmptyInclude:     "empty include name",
	ErrUnknownType:      "unknown type",
	ErrUnknownPragma:    "unknown pragma",
}

func (c Code) String() string {
	if int(c) < len(codeNames) && codeNames[c] != "" {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", c)
}

// Error is one malformed directive. Its message reads "line:col: message";
// a program that knows the file name prefixes it.
type Error struct {
	Pos  Pos
	Code Code
	Msg  string // what is wrong, without position and suggestion
	// Suggestion is the closest valid spelling for a near miss ("%include",
	// "integer", "once"), or empty.
	Suggestion string
}

func (e *Error) Error() string {
	return e.Pos.String() + ": " + e.Message()
}

// Message is the error text without the position: Msg and, when there is
// one, the suggestion.
func (e *Error) Message() string {
	if e.Suggestion == "" {
		return e.Msg
	}
	return e.Msg + "; did you mean " + e.Suggestion + "?"
}

// ErrorList is every error of one input, in source order. Lex returns a
// non-empty ErrorList or nil.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Unwrap gives errors.Is and errors.As access to every error of the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders the list by position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
}

// Details returns every error, one per line.
func (l ErrorList) Details() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}
