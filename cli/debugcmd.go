package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/cli/luadebug"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) debugCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "debug",
		Usage:     "run a script under Redis's Lua debugger, stepping through your files",
		ArgsUsage: "NAME [name=value ...]",
		Description: `Starts the script on the server of --redis under Redis's Lua debugger
(SCRIPT DEBUG) and reads debugger commands from stdin. Every line shown,
every breakpoint and every step is in your files (lib/util.lua:4), not
in the rendered script Redis runs. The session stops at the script's
first line, or, with --break, at the first breakpoint. "help" lists the
commands: step, next, continue, break FILE:LINE, print [NAME], list,
eval CODE, redis CMD…, trace, abort.

By default the server forks for the session and the script's writes
are dropped at its end; --sync keeps them (the server serves no one else
while the session lasts). The script's reply, or its error with the
traceback, is printed at the end, as run prints it. End of input or
Ctrl-C aborts a script still stopped: the server is never left in a
debugging session. The embedded Redis has no debugger: give --redis.

Examples:
  redis-lua --dir cli/examples/lua -u localhost:6379 debug add_score board_key=lb player=ann points=120 max_score=100
  redis-lua --dir cli/examples/lua -u localhost:6379 debug add_score board_key=lb player=ann points=120 max_score=100 --break lib/util.lua:14
  redis-lua --dir cli/examples/lua -u localhost:6379 debug rate_limit bucket_key=b capacity=10 rate=1.5 cost=1 --sync`,
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "break", Aliases: []string{"b"}, Usage: "stop at `FILE:LINE` of your files (repeatable); the session goes on to the first"},
			&ucli.BoolFlag{Name: "sync", Usage: "keep the script's writes (SCRIPT DEBUG SYNC: the server blocks while the session lasts)"},
		},
		Action:       e.debug,
		BashComplete: e.completeNames,
	}
}

func (e *env) debug(c *ucli.Context) error {
	raw := e.redisURL(c)
	if raw == "" {
		return usagef("debug needs a Redis server (--redis URL or REDIS_URL): the embedded Redis has no Lua debugger")
	}
	s, done, err := e.script(c)
	if err != nil {
		return err
	}
	defer done()
	vals, err := values(s, c.Args().Slice()[1:], "debug")
	if err != nil {
		return err
	}
	client, closeClient, err := e.connect(c)
	if err != nil {
		return err
	}
	defer closeClient()
	opt, err := debugServer(c.Context, client, s.Keys(), vals)
	if err != nil {
		return failErr("", err, raw)
	}
	if functions(c) {
		fmt.Fprintln(e.stderr, "redis-lua: the debugger runs the script as EVAL, not through functions")
	}
	o := luadebug.Options{Sync: c.Bool("sync"), Breaks: c.StringSlice("break"), Dir: c.String("dir"), Wait: c.Duration("timeout")}
	d, out, err := luadebug.Start(c.Context, opt, s, vals, o)
	var be *luadebug.BreakError
	var ae *engine.ArgsError
	var re *luadebug.RefusedError
	switch {
	case errors.As(err, &be), errors.As(err, &ae):
		return usagef("%v", err)
	case errors.As(err, &re):
		return failErr("", fmt.Errorf("%w (an ACL user needs +script|debug)", err), raw)
	case err != nil && d == nil:
		return failErr("debug", err, raw)
	}
	defer d.Close()
	e.print(out)
	input := readLines(os.Stdin)
	interactive := isTerminal(os.Stdin)
	for err == nil && !d.Done() {
		if interactive {
			loc, _ := d.Where()
			fmt.Fprintf(e.stdout, "(debug %s) ", loc)
		}
		e.flushAll()
		var line string
		var ok bool
		select {
		case line, ok = <-input:
		case <-c.Context.Done():
			d.Close()
			fmt.Fprintln(e.stderr, "redis-lua: interrupted: the script was aborted")
			return &exitError{code: ExitInterrupt}
		}
		if !ok {
			d.Close()
			fmt.Fprintln(e.stderr, "redis-lua: end of input: the script was aborted")
			break
		}
		out, err = d.Do(c.Context, line)
		e.print(out)
		if err != nil && !d.Done() {
			// A command the session refused: say why, go on.
			fmt.Fprintln(e.stdout, err.Error())
			err = nil
		}
	}
	if c.Context.Err() != nil {
		fmt.Fprintln(e.stderr, "redis-lua: interrupted: the script was aborted")
		return &exitError{code: ExitInterrupt}
	}
	if c.Bool("sync") {
		fmt.Fprintln(e.stderr, "redis-lua: --sync: the script's writes are kept")
	} else {
		fmt.Fprintln(e.stderr, "redis-lua: the session ran in a fork of the server: the script's writes were dropped")
	}
	v, err := d.Result()
	if err != nil {
		return e.callErr(c, err)
	}
	return e.printResult(s, v)
}

// debugServer is the server a debugging session connects to: the one
// of --redis, or on a cluster the master of the script's first key.
func debugServer(ctx context.Context, client redis.UniversalClient, keys []resolve.Param, vals map[string]any) (*redis.Options, error) {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options(), nil
	case *redis.ClusterClient:
		key := ""
		if len(keys) > 0 {
			key = fmt.Sprint(vals[keys[0].Name])
		}
		node, err := c.MasterForKey(ctx, key)
		if err != nil {
			return nil, err
		}
		return node.Options(), nil
	}
	return nil, fmt.Errorf("debug: unsupported client %T", client)
}

func (e *env) print(lines []string) {
	for _, l := range lines {
		fmt.Fprintln(e.stdout, l)
	}
}

// flushAll writes out what the command has printed so far.
func (e *env) flushAll() {
	if f, ok := e.stdout.(interface{ Flush() error }); ok {
		f.Flush()
	}
	e.flush()
}

// readLines sends the lines of r, then closes the channel at its end.
func readLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// isTerminal is whether f is a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
