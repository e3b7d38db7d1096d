package lint

import (
	"fmt"

	"github.com/redislua/redislua/resolve"
)

// Severity says whether a finding means the script cannot work.
type Severity int

// The severities.
const (
	Warning Severity = iota
	Error
)

// Finding is one problem, at the real file, line and column.
type Finding struct {
	Code     string
	Severity Severity
	Message  string
	Pos      resolve.Position
	Line     int // the rendered line
	// Suggestion, when the finding is a near miss (did you mean …), is
	// the text to write in place of the word at Pos: a command's or
	// option's literal in its quotes ('GET'), a field's name (call).
	Suggestion string
}

// String is the finding as check, vet and the language server show it:
// "file:line:col: error: message (CODE)".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s (%s)", f.Pos, f.Severity, f.Message, f.Code)
}

// String is "error" or "warning".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}
