package luadebug

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

// Options are a session's choices.
type Options struct {
	// Sync keeps what the script writes (SCRIPT DEBUG SYNC: the server
	// serves nobody else meanwhile); by default the session runs in a
	// fork of the server (SCRIPT DEBUG YES) and its writes are dropped.
	Sync bool
	// Breaks are the breakpoints set before the script starts, each
	// FILE:LINE in the user's files; with some, Start continues to the
	// first one instead of stopping at the script's first line.
	Breaks []string
	// Dir is the scripts' root as the user wrote it (--dir): a FILE may
	// also be written under it ("lua/lib/util.lua:4").
	Dir string
	// Wait bounds each wait for the server's answer (default a
	// minute). Redis stops a script that runs on without stopping after
	// its busy-reply-threshold (5 s by default) and says so.
	Wait time.Duration
}

// A Session is a script stopped under Redis's Lua debugger, on a
// connection of its own. Its methods are not safe for concurrent use.
type Session struct {
	conn  *conn
	where *where
	wait  time.Duration
	// at is the rendered line the script is stopped at (0 before the
	// first stop); last is the user's last command, which an empty line
	// repeats when it moves the script.
	at   int
	last string
	done bool
	// The script's outcome, once done.
	result any
	err    error
}

// BreakError is a breakpoint that names no line the script can stop at.
type BreakError struct {
	Spec string
	Err  error
}

func (e *BreakError) Error() string { return "break " + e.Spec + ": " + e.Err.Error() }
func (e *BreakError) Unwrap() error { return e.Err }

// RefusedError is the server refusing to debug: SCRIPT DEBUG not
// allowed for the user (ACL), or not known.
type RefusedError struct {
	Err error
}

func (e *RefusedError) Error() string {
	return "the server refuses SCRIPT DEBUG: " + e.Err.Error()
}
func (e *RefusedError) Unwrap() error { return e.Err }

// Start binds the values of a call of s as the engine does
// (*engine.ArgsError), checks the breakpoints (*BreakError), connects
// to the server of opt, and starts s under the debugger with EVAL. It
// returns the session, stopped at the script's first line or at the
// first breakpoint, and what the debugger said, in the user's files.
func Start(ctx context.Context, opt *redis.Options, s *resolve.Script, values engine.Values, o Options) (*Session, []string, error) {
	if s == nil || opt == nil || ctx == nil {
		return nil, nil, errors.New("luadebug: Start needs a context, server options and a script")
	}
	encoded, err := engine.Bind(s, values)
	if err != nil {
		return nil, nil, err
	}
	w := newWhere(s)
	w.dir = strings.TrimSuffix(strings.TrimPrefix(o.Dir, "./"), "/")
	var breaks []string
	for _, spec := range o.Breaks {
		ns, err := w.resolve(spec, Location{})
		if err != nil {
			return nil, nil, &BreakError{Spec: spec, Err: err}
		}
		for _, n := range ns {
			breaks = append(breaks, strconv.Itoa(n))
		}
	}
	c, err := dial(ctx, opt)
	if err != nil {
		return nil, nil, err
	}
	d := &Session{conn: c, where: w, wait: o.Wait}
	if d.wait <= 0 {
		d.wait = time.Minute
	}
	mode := "YES"
	if o.Sync {
		mode = "SYNC"
	}
	if _, err := c.do(time.Now().Add(d.wait), "SCRIPT", "DEBUG", mode); err != nil {
		c.close()
		var se ServerError
		if errors.As(err, &se) {
			return nil, nil, &RefusedError{Err: err}
		}
		return nil, nil, err
	}
	args := []string{"EVAL", s.Source(), strconv.Itoa(len(s.Keys()))}
	for _, v := range encoded {
		text, err := codec.ArgText(v)
		if err != nil {
			c.close()
			return nil, nil, err
		}
		args = append(args, text)
	}
	if err := c.send(args...); err != nil {
		c.close()
		return nil, nil, err
	}
	out, err := d.answer(ctx)
	if err != nil || d.done || len(breaks) == 0 {
		return d, out, err
	}
	// Where the script stopped first (its first line) is not shown:
	// the session goes on to the first breakpoint.
	out, err = d.raw(ctx, append([]string{"break"}, breaks...)...)
	if err != nil {
		return d, out, err
	}
	more, err := d.raw(ctx, "continue")
	return d, append(out, more...), err
}

// Done reports whether the script has ended (its result is ready).
func (d *Session) Done() bool { return d.done }

// Result is the script's decoded reply, or its error (an
// *engine.ScriptError for an error the script raised, with its file,
// line and traceback), once Done.
func (d *Session) Result() (any, error) { return d.result, d.err }

// Where is the line of the user's files the script is stopped at.
func (d *Session) Where() (Location, bool) { return d.where.at(d.at) }

// Close ends the session: a script still stopped is aborted (so that
// the server is never left in a debugging session; in sync mode the
// changes made so far stay), and the connection closed.
func (d *Session) Close() error {
	if !d.done {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		d.raw(ctx, "abort")
		cancel()
	}
	return d.conn.close()
}

// ErrEnded is a command given after the script has ended.
var ErrEnded = errors.New("the script has ended")

// Do runs a debugger command as the user writes it (help lists them)
// and returns what the debugger said, in the user's files. A command
// that makes the script end leaves the session Done. An empty line
// repeats the last step, next or continue.
func (d *Session) Do(ctx context.Context, line string) ([]string, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		line = d.last
		if line == "" {
			return nil, nil
		}
	}
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	cmd, ok := commands[word]
	if !ok {
		return nil, fmt.Errorf("unknown command %q (help lists them)", word)
	}
	if cmd == "help" {
		return strings.Split(strings.TrimRight(Help, "\n"), "\n"), nil
	}
	if d.done {
		return nil, ErrEnded
	}
	args := []string{cmd}
	switch cmd {
	case "next":
		d.last = word
		return d.next(ctx)
	case "step", "continue":
		d.last = word
	case "break":
		for _, spec := range strings.Fields(rest) {
			if spec == "0" {
				args = append(args, "0")
				continue
			}
			remove := strings.HasPrefix(spec, "-")
			ns, err := d.where.resolve(strings.TrimPrefix(spec, "-"), d.current())
			if err != nil {
				return nil, &BreakError{Spec: spec, Err: err}
			}
			for _, n := range ns {
				if remove {
					args = append(args, "-"+strconv.Itoa(n))
				} else {
					args = append(args, strconv.Itoa(n))
				}
			}
		}
	case "list":
		f := strings.Fields(rest)
		if len(f) > 0 {
			ns, err := d.where.resolve(f[0], d.current())
			if err != nil {
				return nil, err
			}
			args = append(args, strconv.Itoa(ns[0]))
			args = append(args, f[1:]...)
		}
	case "eval":
		if rest == "" {
			return nil, errors.New("eval needs Lua code: eval return 1 + 1")
		}
		args = append(args, rest)
	default:
		args = append(args, strings.Fields(rest)...)
	}
	return d.raw(ctx, args...)
}

// maxSteps bounds the steps of one next: a called function that runs
// longer is stopped in, as step would.
const maxSteps = 100_000

// next steps over calls: Redis's debugger has only step, so it steps
// until the script is back at the depth of calls it was at (or
// shallower), a breakpoint stops it, or it ends. What the script sends
// to Redis meanwhile (<redis> and <reply> lines, <command> on Valkey)
// and its errors are shown; the
// stops in the called functions are not.
func (d *Session) next(ctx context.Context) ([]string, error) {
	depth, err := d.depth(ctx)
	if err != nil {
		return nil, err
	}
	var shown []string
	for i := 0; ; i++ {
		out, err := d.raw(ctx, "step")
		if err != nil || d.done || ctx.Err() != nil {
			return append(shown, out...), err
		}
		now, err := d.depth(ctx)
		if err != nil {
			return append(shown, out...), err
		}
		if now <= depth || i == maxSteps || d.atBreakpoint(out) {
			return append(shown, out...), nil
		}
		for _, l := range out {
			if strings.HasPrefix(l, "<") {
				shown = append(shown, l)
			}
		}
	}
}

// depth is the number of calls the script is inside (1 at its top
// level), from the debugger's trace.
func (d *Session) depth(ctx context.Context) (int, error) {
	if err := d.conn.send("trace"); err != nil {
		return 0, d.lost(err)
	}
	out, err := d.answer(ctx)
	n := 0
	for _, l := range out {
		if strings.HasPrefix(l, "In ") || strings.HasPrefix(l, "From ") {
			n++
		}
	}
	return n, err
}

// atBreakpoint is whether the stop out tells of is a breakpoint's.
func (d *Session) atBreakpoint(out []string) bool {
	for _, l := range out {
		if strings.HasPrefix(l, "* Stopped at ") && strings.Contains(l, "break point") {
			return true
		}
	}
	return false
}

// current is where the script is stopped, for a LINE without a file.
func (d *Session) current() Location {
	loc, _ := d.where.at(d.at)
	return loc
}

// commands are the user's words for the debugger's commands.
var commands = map[string]string{
	"s": "step", "step": "step", "n": "next", "next": "next",
	"c": "continue", "continue": "continue", "b": "break", "break": "break",
	"l": "list", "list": "list", "w": "whole", "whole": "whole",
	"p": "print", "print": "print", "e": "eval", "eval": "eval",
	"r": "redis", "redis": "redis", "t": "trace", "trace": "trace",
	"m": "maxlen", "maxlen": "maxlen", "a": "abort", "abort": "abort",
	"h": "help", "help": "help",
}

// Help is what help prints.
const Help = `Lines are FILE:LINE of your files (lib/util.lua:4), or LINE in the file stopped at.
  s, step              run the current line and stop at the next (into functions)
  n, next              run the current line, stepping over the functions it calls
  c, continue          run to the next breakpoint or the end
  b, break             list the breakpoints
  b, break LINE…       set breakpoints; -LINE removes one, 0 removes all
  l, list [LINE [N]]   show the code around LINE (default: where it stopped)
  w, whole             show the whole script
  p, print [NAME]      show the local variables, or one
  e, eval CODE         run Lua code in its own frame (it sees no locals)
  r, redis CMD ARG…    run a Redis command
  t, trace             show the call stack
  m, maxlen [N]        cut printed replies at N bytes (0: never)
  a, abort             stop the script with an error (and end the session)
  h, help              this list
An empty line repeats the last step, next or continue.
`

// raw sends a debugger command and reads its answer.
func (d *Session) raw(ctx context.Context, args ...string) ([]string, error) {
	if err := d.conn.send(args...); err != nil {
		return nil, d.lost(err)
	}
	return d.answer(ctx)
}

// answer reads what the debugger says after a command: the log lines
// of one stop, or the end of the session and the script's reply. A
// cancelled ctx aborts the script (Redis takes the abort when the
// script next stops, at the latest after its busy-reply-threshold).
func (d *Session) answer(ctx context.Context) ([]string, error) {
	var out []string
	deadline := time.Now().Add(d.wait)
	aborted := false
	stop := context.AfterFunc(ctx, func() { d.conn.nc.SetReadDeadline(time.Now()) })
	defer stop()
	for {
		v, err := d.conn.read(deadline)
		if err != nil && ctx.Err() != nil && !aborted && !d.done {
			// Interrupted: abort, and wait for the session's end.
			aborted = true
			deadline = time.Now().Add(10 * time.Second)
			stop()
			if err = d.conn.send("abort"); err == nil {
				out = append(out, "interrupted: aborting the script")
				continue
			}
		}
		if err != nil {
			if d.done {
				// The server has closed the connection: the end.
				return out, nil
			}
			return out, d.lost(err)
		}
		if d.done {
			d.finish(v)
			return out, nil
		}
		logs, ok := v.([]any)
		if !ok {
			// An answer that is no log: the script's reply, without
			// a session (the server did not start one).
			d.done = true
			d.finish(v)
			return out, nil
		}
		ended := false
		for _, l := range logs {
			text, _ := l.(string)
			if text == "<endsession>" {
				ended = true
				continue
			}
			out = append(out, d.translate(text)...)
		}
		if !ended {
			if aborted {
				continue
			}
			return out, nil
		}
		d.done = true
		deadline = time.Now().Add(d.wait)
	}
}

// finish records the script's reply.
func (d *Session) finish(v any) {
	s := d.where.script
	if e, ok := v.(ServerError); ok {
		d.err = engine.TranslateError(s, e)
		return
	}
	out, err := codec.Decode(s.Return(), v)
	if err != nil {
		d.err = &engine.DecodeError{Script: s.Name(), Err: err}
		return
	}
	d.result = out
}

// lost is the error of a connection that broke before the session's end.
func (d *Session) lost(err error) error {
	d.done = true
	if errors.Is(err, os.ErrDeadlineExceeded) {
		d.err = fmt.Errorf("no answer from the server in %v: the session is ended", d.wait)
	} else {
		d.err = fmt.Errorf("the connection to the server broke: %w", err)
	}
	d.conn.close()
	return d.err
}

var (
	// "* Stopped at 3, stop reason = break point"
	stoppedRE = regexp.MustCompile(`^\* Stopped at (\d+), stop reason = (.*)$`)
	// A source line: "%s%-3d %s" with "->#", "-> ", "  #" or "   ".
	sourceRE = regexp.MustCompile(`^(->#|-> |  #|   )(\d+) `)
	// A place in the rendered script, in messages.
	renderedRE = regexp.MustCompile(`@?user_script:(\d+)`)
)

// translate turns a line of the debugger's log into the user's files.
func (d *Session) translate(text string) []string {
	if m := stoppedRE.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		d.at = n
		loc, ok := d.where.at(n)
		if !ok {
			return []string{text}
		}
		out := []string{"* Stopped at " + loc.String() + ", " + m[2] + d.where.chain(n)}
		if strings.Contains(m[2], "timeout") {
			out = append(out, "  (the script ran its busy-reply-threshold without stopping: abort ends it, continue goes on)")
		}
		return out
	}
	if m := sourceRE.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[2])
		loc, ok := d.where.at(n)
		if !ok {
			return []string{text}
		}
		mark := "  "
		if strings.HasPrefix(m[1], "->") {
			mark = "->"
		}
		bp := " "
		if strings.HasSuffix(m[1], "#") {
			bp = "#"
		}
		return []string{fmt.Sprintf("%s%s %-20s %s", mark, bp, loc, d.where.text[n-1])}
	}
	return []string{renderedRE.ReplaceAllStringFunc(text, func(s string) string {
		n, _ := strconv.Atoi(s[strings.IndexByte(s, ':')+1:])
		if loc, ok := d.where.at(n); ok {
			return loc.String()
		}
		return s
	})}
}
