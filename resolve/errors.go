package resolve

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/redislua/redislua/directive"
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

// Error is what every load error of this package is: it says where and
// which kind, one of the conformance suite's kinds: not_found, cycle,
// syntax, type, duplicate, return, escape, limit, read.
type Error interface {
	error
	Pos() Position
	Kind() string
}

// NotFoundError is a script that does not exist. Chain is the include
// chain that led to it, top script first; it is empty when the missing
// script was asked for directly.
type NotFoundError struct {
	Position // the %include line, or the file itself
	Name     string
	Chain    []string
}

func (e *NotFoundError) Error() string {
	msg := e.Position.String() + ": script " + strconv.Quote(e.Name) + " not found"
	if strings.HasSuffix(e.Name, Ext) {
		msg += " (names leave out " + Ext + ")"
	}
	if len(e.Chain) > 0 {
		msg += " (included from " + strings.Join(e.Chain, " -> ") + ")"
	}
	return msg
}
func (e *NotFoundError) Pos() Position { return e.Position }
func (e *NotFoundError) Kind() string  { return "not_found" }

// ReadError is a script file that exists but cannot be read.
type ReadError struct {
	Position
	Name string
	Err  error
}

func (e *ReadError) Error() string {
	return e.Position.String() + ": cannot read script " + strconv.Quote(e.Name) + ": " + e.Err.Error()
}
func (e *ReadError) Pos() Position { return e.Position }
func (e *ReadError) Kind() string  { return "read" }
func (e *ReadError) Unwrap() error { return e.Err }

// CycleError is an include cycle; Cycle is "a", "b", "a" for a -> b -> a.
// The position is the %include that closes the cycle.
type CycleError struct {
	Position
	Cycle []string
}

func (e *CycleError) Error() string {
	return e.Position.String() + ": include cycle: " + strings.Join(e.Cycle, " -> ")
}
func (e *CycleError) Pos() Position { return e.Position }
func (e *CycleError) Kind() string  { return "cycle" }

// SyntaxError is a malformed directive line (from the directive lexer,
// Err), or a misplaced shebang (Err nil).
type SyntaxError struct {
	Position
	Msg string
	Err *directive.Error
}

func (e *SyntaxError) Error() string { return e.Position.String() + ": " + e.Msg }
func (e *SyntaxError) Pos() Position { return e.Position }
func (e *SyntaxError) Kind() string  { return "syntax" }
func (e *SyntaxError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// TypeError is an unknown type name in %arg or %return.
type TypeError struct {
	Position
	Type       string
	Suggestion string
}

func (e *TypeError) Error() string {
	msg := e.Position.String() + ": unknown type " + strconv.Quote(e.Type)
	if e.Suggestion != "" {
		msg += "; did you mean " + e.Suggestion + "?"
	}
	return msg
}
func (e *TypeError) Pos() Position { return e.Position }
func (e *TypeError) Kind() string  { return "type" }

// DuplicateError is a key or argument name declared twice in one rendered
// script (keys and arguments share one namespace).
type DuplicateError struct {
	Position
	Name  string
	First Position
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s: %s is declared twice (first at %s)", e.Position, e.Name, e.First)
}
func (e *DuplicateError) Pos() Position { return e.Position }
func (e *DuplicateError) Kind() string  { return "duplicate" }

// ReturnError is a second %return in the top script.
type ReturnError struct {
	Position
	First Position
}

func (e *ReturnError) Error() string {
	return fmt.Sprintf("%s: second %%return (first at %s)", e.Position, e.First)
}
func (e *ReturnError) Pos() Position { return e.Position }
func (e *ReturnError) Kind() string  { return "return" }

// EscapeError is a script name that leaves the root.
type EscapeError struct {
	Position
	Name string
}

func (e *EscapeError) Error() string {
	return e.Position.String() + ": script name " + strconv.Quote(e.Name) + " leaves the script root"
}
func (e *EscapeError) Pos() Position { return e.Position }
func (e *EscapeError) Kind() string  { return "escape" }

// ConflictError is a script Loader.Add cannot register: its name is a
// file of the tree, or was added or looked up before.
type ConflictError struct {
	Position
	Name   string
	Reason string
}

func (e *ConflictError) Error() string {
	return e.Position.String() + ": in-memory script " + e.Name + " not added: " + e.Reason
}
func (e *ConflictError) Pos() Position { return e.Position }
func (e *ConflictError) Kind() string  { return "conflict" }

// LimitError is a script beyond a limit of the loader: "depth" (include
// nesting) or "size" (rendered bytes).
type LimitError struct {
	Position
	Limit string // "depth" or "size"
	Max   int64
	Value int64 // the value reached (for size: at least this many bytes)
	Chain []string
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case "depth":
		return fmt.Sprintf("%s: includes nest deeper than the limit of %d: %s", e.Position, e.Max, strings.Join(e.Chain, " -> "))
	default:
		return fmt.Sprintf("%s: rendered script exceeds the size limit of %s (at least %s)", e.Position, bytesText(e.Max), bytesText(e.Value))
	}
}
func (e *LimitError) Pos() Position { return e.Position }
func (e *LimitError) Kind() string  { return "limit" }

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
