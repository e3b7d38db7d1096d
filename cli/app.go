// Package cli is the redis-lua command line (cmd/redis-lua): render,
// inspect, ls, run, exec, check and load redislua scripts.
//
// Exit codes: 0 ok, 1 a script or Redis error, 2 a usage error, 130
// interrupted (Ctrl-C). Results
// go to stdout, diagnostics to stderr.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	ucli "github.com/urfave/cli/v2"
)

// Exit codes.
const (
	ExitOK        = 0
	ExitScript    = 1   // a script or Redis error
	ExitUsage     = 2   // a usage error
	ExitInterrupt = 130 // Ctrl-C (SIGINT), as shells report 128+2
)

// exitError carries an exit code; its message is printed on stderr
// unless empty. Its cause, when it has one, is the error it reports
// (with the Redis URL's secrets hidden): errors.Is and errors.As see the
// engine's outcome classes and error types through it.
type exitError struct {
	code  int
	msg   string
	cause error
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) Unwrap() error { return e.cause }

// failErr is a runtime error of the server given by raw, exit 1: the
// message is err's with the URL's secrets hidden, prefixed by prefix
// when it is not empty; the error is its cause.
func failErr(prefix string, err error, raw string) error {
	r := redacted(err, raw)
	msg := r.Error()
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	return &exitError{code: ExitScript, msg: msg, cause: r}
}

func usagef(format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, args...)}
}

func failf(format string, args ...any) error {
	return &exitError{code: ExitScript, msg: fmt.Sprintf(format, args...)}
}

// env is what the command reads of its environment.
type env struct {
	stdout, stderr io.Writer
	rawStdout      io.Writer // unbuffered, for conformance serve
	getenv         func(string) string
	color          bool // stderr is a terminal
	badCommand     bool // an unknown command was asked for
	// alias shows a script file as something else: exec's inline code
	// as "<inline>", a file outside --dir by the path given.
	alias map[string]string
	// args are the command's arguments as given (completion reads the
	// word being completed from them).
	args []string
	// abandoned: a script still runs on the embedded Redis, which
	// cannot stop it (the command exits without waiting for it).
	abandoned bool
}

// flush writes out what the command has printed on stderr so far (it
// is buffered): what the command says before waiting.
func (e *env) flush() {
	if f, ok := e.stderr.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// Main runs the command with args (without the program name) and returns
// its exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	redis.SetLogger(quietLogger{})
	// Buffered output (ls of 11,000 scripts was 11,000 writes), flushed
	// when the command ends; conformance serve writes its responses
	// unbuffered, one line each.
	out, errOut := bufio.NewWriter(stdout), bufio.NewWriter(stderr)
	defer out.Flush()
	defer errOut.Flush()
	e := &env{stdout: out, stderr: errOut, rawStdout: stdout, getenv: getenv, args: args}
	if f, ok := stderr.(*os.File); ok && getenv("NO_COLOR") == "" {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			e.color = true
		}
	}
	app := e.app()
	err := app.RunContext(ctx, append([]string{"redis-lua"}, interspersed(app, args)...))
	if e.badCommand {
		return ExitUsage
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if ctx.Err() != nil && !errors.As(err, &ee) {
		// Interrupted (the context is cancelled by SIGINT).
		fmt.Fprintln(e.stderr, "redis-lua: interrupted")
		return ExitInterrupt
	}
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(e.stderr, "redis-lua: "+ee.msg)
		}
		return ee.code
	}
	// urfave/cli's own errors: unknown flags and commands.
	fmt.Fprintln(e.stderr, "redis-lua: "+err.Error())
	return ExitUsage
}

func (e *env) app() *ucli.App {
	return &ucli.App{
		Name:    "redis-lua",
		Version: Version(),
		Usage:   "render, inspect and run Redis Lua scripts written with redislua directives",
		Description: `Scripts are .lua files under --dir with a few directives:
  %key NAME, %arg NAME [TYPE], %return TYPE, %include "NAME", %pragma once.

Examples:
  redis-lua --dir cli/examples/lua ls
  redis-lua --dir cli/examples/lua run create_foo size=5 members='["john","susan"]'
  redis-lua run create_foo size=1 members='["a"]' --dir cli/examples/lua -u localhost:6379
  REDIS_URL=redis://localhost:6379/0 redis-lua --dir cli/examples/lua load`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "dir", Value: "lua", Usage: "the script root: names and includes cannot leave it"},
			&ucli.StringFlag{Name: "redis", Aliases: []string{"u"}, Usage: "the Redis server: host:port, host (port 6379), :port (host 127.0.0.1), or a URL: redis://[user:password@]host:port/db, rediss:// for TLS, redis+cluster://host:port,host:port for a cluster, unix:///path/to.sock (default $REDIS_URL; without either, an embedded in-memory Redis)"},
			&ucli.BoolFlag{Name: "cluster", Usage: "treat --redis as the seed of a Redis Cluster"},
			&ucli.BoolFlag{Name: "functions", Usage: "run and exec call the script through a Redis 7 function (FCALL), its library loaded when the server lacks it; load loads a library"},
			&ucli.DurationFlag{Name: "timeout", Usage: "how long run and exec wait for a script's reply (`D`: 30s, 2m; default as long as it runs); past it the script is stopped as on Ctrl-C (SCRIPT KILL) and the command exits 1"},
			&ucli.StringFlag{Name: "library", Usage: "the function library `NAME` (letters, digits, _; implies --functions) that load loads and run calls through (default the --dir's base name)"},
		},
		Commands:             e.withUsageErrors(append(e.commands(), e.genCommand(), e.testCommand(), e.debugCommand(), e.lspCommand(), e.completionCommand(), e.manCommand(), e.versionCommand())),
		EnableBashCompletion: true,
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		ExitErrHandler:       func(*ucli.Context, error) {},
		OnUsageError: func(c *ucli.Context, err error, _ bool) error {
			return usagef("%v (see: redis-lua help)", err)
		},
		CommandNotFound: func(c *ucli.Context, name string) {
			e.badCommand = true
			msg := fmt.Sprintf("redis-lua: unknown command %q", name)
			var names []string
			for _, cmd := range c.App.Commands {
				names = append(names, cmd.Name)
			}
			if hint := directive.Suggest(name, names); hint != "" {
				msg += fmt.Sprintf("; did you mean %q?", hint)
			}
			fmt.Fprintln(e.stderr, msg+" (see: redis-lua help)")
		},
	}
}

// withUsageErrors makes a command's flag errors one line with a hint
// (urfave/cli prints "Incorrect Usage" and the whole help otherwise).
func (e *env) withUsageErrors(cmds []*ucli.Command) []*ucli.Command {
	for _, cmd := range cmds {
		name := cmd.Name
		cmd.OnUsageError = func(c *ucli.Context, err error, _ bool) error {
			return usagef("%s: %v (see: redis-lua help %s)", name, err, name)
		}
		e.withUsageErrors(cmd.Subcommands)
	}
	return cmds
}

// interspersed puts the command line in the order urfave/cli reads
// (it stops reading flags at the first argument, and reads a flag only
// at the level that defines it): the flags written after a command's
// arguments go before them, so that "inspect create_foo --json" means
// "inspect --json create_foo"; a global flag written after the command
// (one the command does not define itself) goes before the command, so
// that "run create_foo --dir lua --redis URL" means "--dir lua --redis
// URL run create_foo". A flag that takes a value keeps it; "--" ends
// the flags.
func interspersed(app *ucli.App, args []string) []string {
	out := make([]string, 0, len(args))
	var moved []string // global flags found after the command
	first := -1        // where the first command's name is in out
	flags, cmds := app.Flags, app.Commands
	lookup := func(fs []ucli.Flag, a string) (ucli.Flag, bool) {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		for _, f := range fs {
			for _, n := range f.Names() {
				if n == name {
					return f, true
				}
			}
		}
		return nil, false
	}
	takesValue := func(f ucli.Flag, a string) bool {
		_, isBool := f.(*ucli.BoolFlag)
		return !isBool && !strings.Contains(a, "=")
	}
	i := 0
	for i < len(args) {
		var cmd *ucli.Command
		var rest []string // arguments of this level, after its flags
		for ; i < len(args); i++ {
			a := args[i]
			if a == "--" {
				rest = append(rest, args[i:]...)
				i = len(args)
				break
			}
			if strings.HasPrefix(a, "-") && len(a) > 1 {
				f, local := lookup(flags, a)
				dst := &out
				if !local && first >= 0 {
					if g, ok := lookup(app.Flags, a); ok {
						f, dst = g, &moved
					}
				}
				*dst = append(*dst, a)
				if f != nil && takesValue(f, a) && i+1 < len(args) {
					i++
					*dst = append(*dst, args[i])
				}
				continue
			}
			if cmd == nil && len(rest) == 0 {
				for _, c := range cmds {
					if c.HasName(a) {
						cmd = c
					}
				}
				if cmd != nil {
					break
				}
			}
			rest = append(rest, a)
		}
		if cmd == nil {
			out = append(out, rest...)
			break
		}
		if first < 0 {
			first = len(out)
		}
		out = append(out, args[i])
		i++
		flags, cmds = cmd.Flags, cmd.Subcommands
	}
	if len(moved) == 0 {
		return out
	}
	return append(append(append([]string{}, out[:first]...), moved...), out[first:]...)
}

// loader opens the script root with os.OpenRoot, so that no name,
// include or symlink reaches outside it.
func (e *env) loader(c *ucli.Context) (*resolve.Loader, func(), error) {
	dir := c.String("dir")
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, usagef("--dir %s: %v", dir, unwrapPath(err))
	}
	return resolve.New(root.FS()), func() { root.Close() }, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// diagnostics prints every error of a load, one line each, with paths
// under --dir, sorted and without repeats.
func (e *env) diagnostics(c *ucli.Context, err error) []string {
	dir := c.String("dir")
	var lines []string
	seen := map[string]bool{}
	for _, one := range resolve.Flatten(err) {
		line := one.Error()
		var re *resolve.Error
		if errors.As(one, &re) && re.Pos().File != "" {
			line = e.displayPath(dir, re.Pos().File) + strings.TrimPrefix(line, re.Pos().File)
		}
		if !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lessPos(lines[i], lines[j]) })
	return lines
}

// displayPath is a script file's path as the user reaches it.
func (e *env) displayPath(dir, file string) string {
	if a, ok := e.alias[file]; ok {
		return a
	}
	if dir == "" || dir == "." {
		return file
	}
	return strings.TrimSuffix(dir, "/") + "/" + file
}

// lessPos orders "file:line:col: message" lines by file, then line and
// column as numbers.
func lessPos(a, b string) bool {
	fa, la, ca := splitPos(a)
	fb, lb, cb := splitPos(b)
	if fa != fb {
		return fa < fb
	}
	if la != lb {
		return la < lb
	}
	if ca != cb {
		return ca < cb
	}
	return a < b
}

func splitPos(s string) (file string, line, col int) {
	parts := strings.SplitN(s, ":", 4)
	file = parts[0]
	if len(parts) > 1 {
		fmt.Sscan(parts[1], &line)
	}
	if len(parts) > 2 {
		fmt.Sscan(parts[2], &col)
	}
	return
}

// loadErr reports a load error: every diagnostic on stderr, exit 1.
func (e *env) loadErr(c *ucli.Context, err error) error {
	for _, line := range e.diagnostics(c, err) {
		fmt.Fprintln(e.stderr, line)
	}
	return &exitError{code: ExitScript}
}
