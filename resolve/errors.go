package resolve

import (
	"fmt"
	"strconv"
	"strings"
)

// Position is a place in a script file: the file's path under the root
// ("lib/x.lua"), its line and column (from 1; 0 when unknown).
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
		if p.Col > 0 {
			s += ":" + strconv.Itoa(p.Col)
		}
	}
	return s
}

// Kind is the kind of a load error, one of the conformance suite's
// kinds.
type Kind string

// The kinds of load errors.
const (
	KindNotFound  Kind = "not_found" // a script that does not exist
	KindRead      Kind = "read"      // a script file that exists but cannot be read
	KindCycle     Kind = "cycle"     // an include cycle
	KindSyntax    Kind = "syntax"    // a malformed directive line, or a misplaced #! line
	KindType      Kind = "type"      // an unknown type name in %arg or %return
	KindDuplicate Kind = "duplicate" // a key or argument name declared twice in one rendered script
	KindReturn    Kind = "return"    // a second %return in the top script
	KindEscape    Kind = "escape"    // a script name that leaves the root
	KindConflict  Kind = "conflict"  // a script Loader.Add cannot register
	KindLimit     Kind = "limit"     // a script beyond a limit of the loader
)

// Error is every load error of this package: where, which kind, and the
// facts of that kind. Its message is one line, "file:line:col: ...".
type Error struct {
	Position
	Code Kind
	// Name is the script named: of not_found, read, escape, conflict
	// (the name added) and duplicate (the parameter declared twice).
	Name string
	// Chain is, for not_found, the include chain that led to the missing
	// script, top script first (empty when it was asked for directly);
	// for cycle, the cycle ("a", "b", "a" for a -> b -> a, the position
	// being the %include that closes it); for a depth limit, the chain
	// of includes.
	Chain []string
	// First is the first declaration of a duplicate, or the first
	// %return.
	First Position
	// Type and Suggestion are the unknown type name as written and the
	// closest known one, or "".
	Type, Suggestion string
	// Limit is the limit reached: "depth" (include nesting) or "size"
	// (rendered bytes); Max is the limit, Value the value reached (for
	// size: at least this many bytes).
	Limit      string
	Max, Value int64
	// Msg is a syntax error's text without its position, or why a
	// conflict's script was not added.
	Msg string
	// Err is the cause: the read error, or the directive lexer's
	// *directive.Error of a syntax error.
	Err error
}

func (e *Error) Error() string {
	return e.Position.String() + ": " + e.message()
}

func (e *Error) message() string {
	switch e.Code {
	case KindNotFound:
		msg := "script " + strconv.Quote(e.Name) + " not found"
		if strings.HasSuffix(e.Name, Ext) {
			msg += " (names leave out " + Ext + ")"
		}
		if len(e.Chain) > 0 {
			msg += " (included from " + strings.Join(e.Chain, " -> ") + ")"
		}
		return msg
	case KindRead:
		return "cannot read script " + strconv.Quote(e.Name) + ": " + e.Err.Error()
	case KindCycle:
		return "include cycle: " + strings.Join(e.Chain, " -> ")
	case KindType:
		msg := "unknown type " + strconv.Quote(e.Type)
		if e.Suggestion != "" {
			msg += "; did you mean " + e.Suggestion + "?"
		}
		return msg
	case KindDuplicate:
		return e.Name + " is declared twice (first at " + e.First.String() + ")"
	case KindReturn:
		return "second %return (first at " + e.First.String() + ")"
	case KindEscape:
		return "script name " + strconv.Quote(e.Name) + " leaves the script root"
	case KindConflict:
		return "in-memory script " + e.Name + " not added: " + e.Msg
	case KindLimit:
		if e.Limit == "depth" {
			return fmt.Sprintf("includes nest deeper than the limit of %d: %s", e.Max, strings.Join(e.Chain, " -> "))
		}
		return fmt.Sprintf("rendered script exceeds the size limit of %s (at least %s)", bytesText(e.Max), bytesText(e.Value))
	}
	return e.Msg
}

// Pos is where the error is.
func (e *Error) Pos() Position { return e.Position }

// Kind is the error's kind as the conformance suite names it:
// not_found, cycle, syntax, type, duplicate, return, escape, conflict,
// limit, read.
func (e *Error) Kind() string { return string(e.Code) }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Errors is several errors of one load, in the order they were found.
// errors.As reaches each of them.
type Errors []error

func (l Errors) Error() string {
	if len(l) == 1 {
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Unwrap returns the errors.
func (l Errors) Unwrap() []error { return l }

// Flatten returns the errors of err one by one: the elements of an
// Errors (nested ones too), or err itself; nil for nil.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	many, ok := err.(Errors)
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range many {
		out = append(out, Flatten(e)...)
	}
	return out
}

// join returns nil, the one error, or Errors.
func join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return Errors(errs)
}
