package engine

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// The three outcomes of a call that failed without a script error. Every
// error a call returns for a connection or server problem is one of them
// under errors.Is:
//
//   - ErrNotExecuted: the script certainly did not run (the request never
//     left, or the server refused it before running it); a retry is safe.
//   - ErrOutcomeUnknown: the request was sent and the reply was lost; the
//     script may or may not have run. The engine never resends it.
var (
	ErrNotExecuted    = errors.New("redislua: script not executed")
	ErrOutcomeUnknown = errors.New("redislua: script outcome unknown")
)

// CallError is a call that failed on its way to or from Redis. Outcome is
// ErrNotExecuted or ErrOutcomeUnknown; Err is the underlying error.
type CallError struct {
	Script  string
	Outcome error
	Err     error
}

func (e *CallError) Error() string {
	what := "not executed"
	if e.Outcome == ErrOutcomeUnknown {
		what = "outcome unknown"
	}
	return "script " + e.Script + ": " + what + ": " + e.Err.Error()
}

// Is makes errors.Is(err, ErrNotExecuted) and errors.Is(err,
// ErrOutcomeUnknown) tell the outcomes apart.
func (e *CallError) Is(target error) bool { return target == e.Outcome }

// Unwrap returns the underlying error.
func (e *CallError) Unwrap() error { return e.Err }

// errResendRefused is what a call's marker returns to go-redis when it is
// asked to write a request again after an attempt whose outcome does not
// prove that the script did not run (a lost reply, the script's own
// error): the write fails, nothing is sent, and go-redis stops.
var errResendRefused = errors.New("redislua: resending a script call that may have run could run it twice; not resent")

// Errors of calls that could not be made.
var (
	errNoClient     = errors.New("the engine has no client")
	errNilScript    = errors.New("nil script")
	errNilContext   = errors.New("nil context")
	errNilPipeliner = errors.New("nil pipeliner")
	errZeroCall     = errors.New("a zero Call: make calls with Engine.Run or Engine.Queue")
)

// ScriptError is an error raised by a script in Redis, with the place it
// happened: the rendered line and the chain of files and lines through
// includes. Error() is one line at the real file and line; %+v and
// Traceback give the traceback of conformance/SPEC.md §5.
type ScriptError struct {
	Script  string          // the script's name
	Line    int             // the rendered line Redis reported
	Message string          // the Lua message
	Code    string          // the error code word of the reply ("ERR")
	Compile bool            // the script did not compile
	Frames  []resolve.Frame // top script first; empty when unknown
	Err     error           // the go-redis error
}

// Pos is the real file and line: the innermost frame.
func (e *ScriptError) Pos() resolve.Position {
	if len(e.Frames) == 0 {
		return resolve.Position{File: e.Script + resolve.Ext, Line: e.Line}
	}
	f := e.Frames[len(e.Frames)-1]
	return resolve.Position{File: f.Script + resolve.Ext, Line: f.Line}
}

// Where is the real file and line (for redistest.AssertScriptError).
func (e *ScriptError) Where() (file string, line int) {
	p := e.Pos()
	return p.File, p.Line
}

func (e *ScriptError) Error() string {
	return e.Pos().String() + ": " + e.Message
}

// Unwrap returns the go-redis error, so that errors.As finds a
// redis.Error.
func (e *ScriptError) Unwrap() error { return e.Err }

// Is reports a compile error as not executed.
func (e *ScriptError) Is(target error) bool { return e.Compile && target == ErrNotExecuted }

// Traceback returns the multi-line form:
//
//	keys.lua:8: Script attempted to access nonexistent global variable 'foo_size_key'
//	Lua traceback (most recent script last):
//	  Script "create_foo", line 2
//	    %include "keys"
//	  Script "keys", line 8
//	    local foo_size_key = foo_size_key .. ':size'
func (e *ScriptError) Traceback() string {
	var b strings.Builder
	b.WriteString(e.Error())
	if len(e.Frames) > 0 {
		b.WriteString("\nLua traceback (most recent script last):")
		for _, f := range e.Frames {
			b.WriteString("\n  Script ")
			b.WriteString(strconv.Quote(f.Script))
			b.WriteString(", line ")
			b.WriteString(strconv.Itoa(f.Line))
			if text := strings.TrimSpace(f.Text); text != "" {
				b.WriteString("\n    ")
				b.WriteString(text)
			}
		}
	}
	return b.String()
}

// Format prints the traceback for %+v and the one line otherwise.
func (e *ScriptError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		io.WriteString(s, e.Traceback())
		return
	}
	io.WriteString(s, e.Error())
}

// TranslateError turns an error that go-redis returned for a call of
// script s made without the engine (EVAL or EVALSHA of s.Source()) into
// the *ScriptError the engine would give, with its traceback, when the
// error reply names a line of the script; any other error, nil included,
// is returned unchanged (error_handler and parse_response_error_message
// in the Python library). It cannot know whether the error is the
// script's own redis.error_reply that happens to look like a Lua error:
// the engine can (see doc.go), so prefer calling through it.
func TranslateError(s *resolve.Script, err error) error {
	var re redis.Error
	if s == nil || err == nil || !errors.As(err, &re) {
		return err
	}
	return scriptError(s, err)
}

// functionRE reads the error of a function of a library (Redis 7):
// "ERR user_function:4: msg script: <function>, on @user_function:4."
var functionRE = regexp.MustCompile(`^(?:([A-Z][A-Z_]*) )?(.*?) script: ([A-Za-z0-9_]+), on @user_function:(\d+)\.?\s*$`)

// functionCompileRE reads FUNCTION LOAD's refusal of a library that does
// not compile: "ERR Error compiling function: user_function:4: msg".
var functionCompileRE = regexp.MustCompile(`^ERR Error compiling function: user_function:(\d+): (.*)$`)

// functionError turns the error reply of a call made through FCALL into
// the *ScriptError of its script: the library's line mapped back to the
// script's rendered line (Library.Where), then to its frames.
func functionError(lib *Library, s *resolve.Script, fn string, err error) error {
	msg := strings.TrimSpace(err.Error())
	if c := functionCompileRE.FindStringSubmatch(msg); c != nil {
		// The library did not compile (FUNCTION LOAD): nothing ran.
		libLine, _ := strconv.Atoi(c[1])
		script, line, ok := lib.Where(fn, libLine)
		if !ok || script != s {
			return err
		}
		e := &ScriptError{Script: s.Name(), Line: line, Message: c[2], Code: "ERR", Compile: true, Err: err}
		e.Frames, _ = s.Frames(line)
		return e
	}
	m := functionRE.FindStringSubmatch(msg)
	if m == nil {
		return err
	}
	libLine, _ := strconv.Atoi(m[4])
	script, line, ok := lib.Where(m[3], libLine)
	if !ok || script != s {
		return err
	}
	msg = m[2]
	if _, rest, found := strings.Cut(msg, "user_function:"+m[4]+": "); found {
		msg = rest
	}
	e := &ScriptError{Script: s.Name(), Line: line, Message: msg, Code: m[1], Err: err}
	e.Frames, _ = s.Frames(line)
	return e
}

// scriptError turns an error reply of script s into a *ScriptError when it
// names a line, and returns it unchanged otherwise (a redis.error_reply).
func scriptError(s *resolve.Script, err error) error {
	loc := parseLocation(err.Error())
	if loc.line == 0 {
		return err
	}
	e := &ScriptError{Script: s.Name(), Line: loc.line, Message: loc.message, Code: loc.code, Compile: loc.compile, Err: err}
	e.Frames, _ = s.Frames(loc.line)
	return e
}

// ArgsError is a call whose named values do not fit the script: unknown
// names, missing names and values of the wrong type, all together. It is
// reported before anything is sent.
type ArgsError struct {
	Script  string
	Unknown []string // names the script does not declare
	Hints   []string // "did you mean" for each unknown name ("" when none)
	Missing []string // declared names without a value
	Invalid []error  // values that do not encode (*codec.EncodeError), too many Ordered values
}

func (e *ArgsError) Error() string {
	var parts []string
	for i, n := range e.Unknown {
		p := "unknown " + strconv.Quote(n)
		if e.Hints[i] != "" {
			p += " (did you mean " + strconv.Quote(e.Hints[i]) + "?)"
		}
		parts = append(parts, p)
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "missing "+strings.Join(quoteAll(e.Missing), ", "))
	}
	for _, err := range e.Invalid {
		parts = append(parts, err.Error())
	}
	return "script " + e.Script + ": " + strings.Join(parts, "; ")
}

// Unwrap returns the encoding errors.
func (e *ArgsError) Unwrap() []error { return e.Invalid }

// Is reports an ArgsError as not executed.
func (e *ArgsError) Is(target error) bool { return target == ErrNotExecuted }

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return q
}

// CrossSlotError is a call on a Redis Cluster whose keys hash to
// different slots; it is refused before anything is sent.
type CrossSlotError struct {
	Script string
	Keys   []string // the key parameters' names
	Values []string // their values
	Slots  []int
}

func (e *CrossSlotError) Error() string {
	parts := make([]string, len(e.Keys))
	for i := range e.Keys {
		parts[i] = fmt.Sprintf("%s=%q (slot %d)", e.Keys[i], e.Values[i], e.Slots[i])
	}
	return "script " + e.Script + ": keys hash to different cluster slots: " + strings.Join(parts, ", ") + "; use a hash tag such as {user42} to keep them in one slot"
}

// Is reports a CrossSlotError as not executed.
func (e *CrossSlotError) Is(target error) bool { return target == ErrNotExecuted }

// DecodeError wraps a reply that does not fit the script's %return type.
type DecodeError struct {
	Script string
	Err    error // the *codec.DecodeError
}

func (e *DecodeError) Error() string { return "script " + e.Script + ": " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }
