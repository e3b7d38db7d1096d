// Package conformance is the behavioural contract of redislua: cases in
// txtar files (cases/*.txtar, embedded in the package: see Files), a harness that runs them through a
// Runner, the built-in runner on this project's engine, and the
// JSON-lines protocol that lets a runner in any language take part (see
// PROTOCOL.md).
package conformance

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/txtar"
)

// Case is one conformance case.
type Case struct {
	Name    string            // the file name without .txtar
	Comment string            // what it proves
	Files   map[string]string // the script tree: "main.lua", "lib/x.lua"
	Memory  map[string]string // in-memory scripts (Loader.Add), by the same kind of path
	Load    string            // the script to load ("main")

	Render    *string    // the exact rendering
	Signature *Signature // keys, args, return
	Error     *ErrorSpec // the load must fail so
	Lines     []LineSpec // the source map
	Runs      []RunSpec  // calls on a backend
	Backends  []string   // the backends the whole case is for (all when empty)
	// Bounds hold each request of the case (bounds.json); DefaultBounds
	// when nil.
	Bounds *Bounds
}

// boundsJSON is bounds.json: seconds per request, and mebibytes a runner
// in another process may grow by during one.
type boundsJSON struct {
	Seconds   float64 `json:"seconds"`
	Mebibytes int64   `json:"mebibytes,omitempty"`
}

// Signature is what a load tells of a script.
type Signature struct {
	Keys   []string `json:"keys"`
	Args   []Arg    `json:"args"`
	Return *string  `json:"return"`
	// Flags are Redis 7's script flags of the top script's #! line;
	// compared only when the case gives them.
	Flags []string `json:"flags,omitempty"`
}

// Arg is one argument and its canonical type (nil: untyped).
type Arg struct {
	Name string  `json:"name"`
	Type *string `json:"type"`
}

// ErrorSpec says how a load must fail.
type ErrorSpec struct {
	Kind  string   `json:"kind"`
	File  string   `json:"file,omitempty"` // "lua/x.lua"
	Line  int      `json:"line,omitempty"`
	Names []string `json:"names,omitempty"` // fragments the message names (see Names)
}

// LineSpec is one rendered line and its frames, top script first.
type LineSpec struct {
	Line   int     `json:"line"`
	Frames []Frame `json:"frames"`
}

// Frame is [script, line].
type Frame [2]any

// RunSpec is one call of the loaded script on a backend.
type RunSpec struct {
	Setup    [][]any         `json:"setup,omitempty"`
	Args     json.RawMessage `json:"args,omitempty"`
	Mode     string          `json:"mode,omitempty"`   // "", "pipeline" or "multi"
	Repeat   int             `json:"repeat,omitempty"` // calls in the pipeline or transaction
	Want     json.RawMessage `json:"want,omitempty"`
	Error    *RunError       `json:"error,omitempty"`
	Check    []Check         `json:"check,omitempty"`
	Backends []string        `json:"backends,omitempty"`
	// Sent bounds the commands the runner sends during the call, as the
	// server counts them (INFO commandstats before and after).
	Sent []Sent `json:"sent,omitempty"`
}

// Sent bounds how many of some commands a call sends: the calls of
// Commands (lower case, a subcommand as "script|load"), added up, are
// at least Min and, when Max is given, at most *Max.
type Sent struct {
	Commands []string `json:"commands"`
	Min      int64    `json:"min,omitempty"`
	Max      *int64   `json:"max,omitempty"`
}

// RunError says how a call must fail.
type RunError struct {
	Kind   string   `json:"kind,omitempty"`
	Frames []Frame  `json:"frames,omitempty"`
	Names  []string `json:"names,omitempty"` // fragments the message names (see Names)
}

// Check is a command run on the backend after a call, and its reply:
// exactly Want (as JSON), or a text reply that Matches a regular
// expression (for replies such as INFO's, which hold more than the case
// owns).
type Check struct {
	Cmd     []any           `json:"cmd"`
	Want    json.RawMessage `json:"want,omitempty"`
	Matches string          `json:"matches,omitempty"`
}

// ParseCase reads a case from txtar data.
func ParseCase(name string, data []byte) (*Case, error) {
	a := txtar.Parse(data)
	c := &Case{Name: name, Comment: strings.TrimSpace(string(a.Comment)), Files: map[string]string{}, Load: "main"}
	for _, f := range a.Files {
		fail := func(err error) error { return fmt.Errorf("%s: section %s: %v", name, f.Name, err) }
		switch {
		case strings.HasPrefix(f.Name, "lua/"):
			c.Files[strings.TrimPrefix(f.Name, "lua/")] = string(f.Data)
		case strings.HasPrefix(f.Name, "memory/"):
			if c.Memory == nil {
				c.Memory = map[string]string{}
			}
			c.Memory[strings.TrimPrefix(f.Name, "memory/")] = string(f.Data)
		case f.Name == "load":
			c.Load = strings.TrimSpace(string(f.Data))
		case f.Name == "render.lua":
			s := strings.TrimSuffix(string(f.Data), "\n")
			c.Render = &s
		case f.Name == "signature.json":
			c.Signature = &Signature{}
			if err := strictJSON(f.Data, c.Signature); err != nil {
				return nil, fail(err)
			}
		case f.Name == "error.json":
			c.Error = &ErrorSpec{}
			if err := strictJSON(f.Data, c.Error); err != nil {
				return nil, fail(err)
			}
		case f.Name == "lines.json":
			if err := strictJSON(f.Data, &c.Lines); err != nil {
				return nil, fail(err)
			}
		case f.Name == "run.json":
			if err := strictJSON(f.Data, &c.Runs); err != nil {
				return nil, fail(err)
			}
			if err := checkChecks(c.Runs); err != nil {
				return nil, fail(err)
			}
		case f.Name == "backends":
			c.Backends = strings.Fields(string(f.Data))
		case f.Name == "bounds.json":
			var b boundsJSON
			if err := strictJSON(f.Data, &b); err != nil {
				return nil, fail(err)
			}
			if b.Seconds <= 0 || b.Mebibytes < 0 {
				return nil, fail(fmt.Errorf("seconds must be above 0, mebibytes 0 or above"))
			}
			c.Bounds = &Bounds{Time: time.Duration(b.Seconds * float64(time.Second)), Memory: b.Mebibytes << 20}
		default:
			return nil, fail(fmt.Errorf("unknown section"))
		}
	}
	if c.Comment == "" {
		return nil, fmt.Errorf("%s: no comment saying what the case proves", name)
	}
	return c, nil
}

// checkChecks refuses a check that gives both or neither of want and
// matches, a matches that is not a regular expression, and a sent bound
// without commands or with max below min.
func checkChecks(runs []RunSpec) error {
	for i, r := range runs {
		for j, s := range r.Sent {
			switch {
			case len(s.Commands) == 0:
				return fmt.Errorf("run %d, sent %d: no commands", i+1, j+1)
			case s.Max != nil && *s.Max < s.Min:
				return fmt.Errorf("run %d, sent %d: max %d below min %d", i+1, j+1, *s.Max, s.Min)
			}
			for _, cmd := range s.Commands {
				if cmd != strings.ToLower(cmd) || strings.TrimSpace(cmd) != cmd || cmd == "" {
					return fmt.Errorf("run %d, sent %d: command %q: want it in lower case, a subcommand as script|load", i+1, j+1, cmd)
				}
			}
		}
		for j, chk := range r.Check {
			switch {
			case (chk.Want == nil) == (chk.Matches == ""):
				return fmt.Errorf("run %d, check %d: give want or matches, not both or neither", i+1, j+1)
			case chk.Matches != "":
				if _, err := regexp.Compile(chk.Matches); err != nil {
					return fmt.Errorf("run %d, check %d: matches: %v", i+1, j+1, err)
				}
			}
		}
	}
	return nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// LoadCases reads every *.txtar file of dir, sorted by name.
func LoadCases(dir string) ([]*Case, error) {
	return LoadCasesFS(os.DirFS(dir))
}

// LoadCasesFS reads every *.txtar file at the root of fsys, sorted by
// name. LoadCasesFS(Files()) is the suite this module ships.
func LoadCasesFS(fsys fs.FS) ([]*Case, error) {
	paths, err := fs.Glob(fsys, "*.txtar")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var cases []*Case
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		c, err := ParseCase(strings.TrimSuffix(p, ".txtar"), data)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}
