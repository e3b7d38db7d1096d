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
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: (%s) %s", f.Pos, f.Code, f.Message)
}
