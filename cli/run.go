package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	ucli "github.com/urfave/cli/v2"
)

// values reads name=value arguments by the script's declared types.
func values(s *resolve.Script, args []string, command string) (map[string]any, error) {
	vals := map[string]any{}
	given := map[string]bool{}
	var problems []string
	for _, a := range args {
		name, text, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			problems = append(problems, fmt.Sprintf("%q is not name=value", a))
			continue
		}
		p, known := s.Param(name)
		if !known {
			msg := fmt.Sprintf("unknown %q", name)
			if hint := s.Suggest(name); hint != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", hint)
			}
			problems = append(problems, msg)
			continue
		}
		if given[name] {
			problems = append(problems, fmt.Sprintf("%q given twice", name))
			continue
		}
		given[name] = true
		t := p.Type
		if p.Kind == resolve.KeyParam {
			t = codec.String
		}
		v, err := codec.ParseText(name, t, text)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		vals[name] = v
	}
	for _, ps := range [][]resolve.Param{s.Keys(), s.Args()} {
		for _, p := range ps {
			if !given[p.Name] {
				problems = append(problems, fmt.Sprintf("missing %q", p.Name))
			}
		}
	}
	if len(problems) > 0 {
		line := usageLine(s)
		if command == "exec" {
			// exec's script is its code: the values follow it.
			_, rest, _ := strings.Cut(line, " ")
			line = "(-e CODE | FILE) " + rest
		}
		return nil, usagef("%s: %s\nusage: redis-lua %s %s", s.Name(), strings.Join(problems, "; "), command, strings.TrimSpace(line))
	}
	return vals, nil
}

func (e *env) run(c *ucli.Context) error {
	if functions(c) {
		return e.runFunction(c)
	}
	s, done, err := e.script(c)
	if err != nil {
		return err
	}
	defer done()
	return e.call(c, s, c.Args().Slice()[1:], nil, false)
}

// runFunction is run --functions (--library NAME): the script through
// its function in the library of --dir's scripts, the one load
// --functions loads (loaded by the engine when the server lacks it).
func (e *env) runFunction(c *ucli.Context) error {
	if c.NArg() < 1 {
		return usagef("run needs a script NAME (see redis-lua ls)")
	}
	if err := e.needsRedis7(c); err != nil {
		return err
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	name := c.Args().First()
	if _, err := l.Load(name); err != nil {
		return e.loadErr(c, err)
	}
	lib, all, err := e.dirLibrary(c, l)
	if err != nil {
		return err
	}
	if _, ok := lib.Functions[name]; !ok {
		return usagef("--functions: %s is included by other scripts, so the library %s has no function for it (run it without --functions)", name, lib.Name)
	}
	return e.call(c, all[name], c.Args().Slice()[1:], lib, false)
}

func (e *env) exec(c *ucli.Context) error {
	code, args := c.String("e"), c.Args().Slice()
	// Inline code is the script "<inline>": its errors say "<inline>:N".
	name, shown := "<inline>", "<inline>"
	switch {
	case code == "" && len(args) == 0:
		return usagef("exec needs -e CODE or a FILE")
	case code == "" && strings.Contains(args[0], "="):
		return usagef("exec needs -e CODE or a FILE before the values")
	case code != "" && len(args) > 0 && !strings.Contains(args[0], "="):
		return usagef("exec takes -e CODE or a FILE, not both (%q)", args[0])
	case code == "":
		b, err := os.ReadFile(args[0])
		if err != nil {
			return usagef("exec %s: %v", args[0], unwrapPath(err))
		}
		code, shown = string(b), args[0]
		name = execName(c.String("dir"), args[0])
		args = args[1:]
	}
	// Errors name the file as given (or <inline>), not a file under --dir.
	e.alias = map[string]string{name + resolve.Ext: shown}
	l, done, err := e.loader(c)
	if err != nil && !c.IsSet("dir") {
		// No script tree where the default --dir points: code that
		// includes nothing still runs.
		l, done, err = resolve.New(nil), func() {}, nil
	}
	if err != nil {
		return err
	}
	defer done()
	s, err := l.Parse(name, code)
	if err != nil {
		return e.loadErr(c, err)
	}
	if !functions(c) {
		return e.call(c, s, args, nil, false)
	}
	// The code as the one function of a library of its own, removed
	// after the call: a snippet leaves nothing on the server.
	if err := e.needsRedis7(c); err != nil {
		return err
	}
	lib, err := engine.NewLibrary("redislua_exec", s)
	if err != nil {
		return usagef("--functions: %v", err)
	}
	return e.call(c, s, args, lib, true)
}

// execName is the script name of a file given to exec: its path under
// dir when it is inside dir (its includes resolve from its own
// directory), its base name otherwise (they resolve from the root).
func execName(dir, file string) string {
	name := strings.TrimSuffix(filepath.Base(file), resolve.Ext)
	absDir, err1 := filepath.Abs(dir)
	absFile, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return name
	}
	rel, err := filepath.Rel(absDir, absFile)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || !strings.HasSuffix(rel, resolve.Ext) {
		return name
	}
	return strings.TrimSuffix(filepath.ToSlash(rel), resolve.Ext)
}

// call runs s with name=value args and prints the result; through the
// function library lib when it is not nil, which is removed after the
// call when temporary.
func (e *env) call(c *ucli.Context, s *resolve.Script, args []string, lib *engine.Library, temporary bool) error {
	vals, err := values(s, args, c.Command.Name)
	if err != nil {
		return err
	}
	client, closeClient, err := e.connect(c)
	if err != nil {
		return err
	}
	defer closeClient()
	var opts []engine.Option
	cleanup := func() {}
	if lib != nil {
		opts = append(opts, engine.WithFunctions(lib))
		if temporary {
			cleanup = func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				deleteLibrary(ctx, client, lib.Name)
			}
		}
	}
	// The call runs aside, so that an interrupt ends the command at
	// once: go-redis notices a cancelled context only when its read
	// times out.
	calls := make(chan *engine.Call, 1)
	go func() { calls <- engine.New(client, opts...).Run(c.Context, s, vals) }()
	var timeout <-chan time.Time
	if d := c.Duration("timeout"); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	var call *engine.Call
	select {
	case call = <-calls:
	case <-c.Context.Done():
		return e.stopScript(c, client, "interrupted", ExitInterrupt, lib != nil, calls, cleanup)
	case <-timeout:
		return e.stopScript(c, client, fmt.Sprintf("no reply after --timeout %v", c.Duration("timeout")), ExitScript, lib != nil, calls, cleanup)
	}
	cleanup()
	var v any
	if c.Bool("raw") {
		v, err = call.Reply()
		if errors.Is(err, redis.Nil) {
			v, err = nil, nil
		}
		if err != nil {
			_, err = call.Result()
		}
		if err == nil {
			writeRaw(e.stdout, v, false)
			return nil
		}
	} else {
		v, err = call.Result()
	}
	if err != nil {
		return e.callErr(c, err)
	}
	return e.printResult(s, v)
}

// printResult prints a script's decoded result as JSON.
func (e *env) printResult(s *resolve.Script, v any) error {
	out, err := json.Marshal(jsonable(v))
	if err != nil {
		return failf("%s: result does not print as JSON: %v", s.Name(), err)
	}
	fmt.Fprintln(e.stdout, string(out))
	return nil
}

// writeFile writes a report to the file path with write; no path, no
// file.
func writeFile(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeRaw prints a reply as Redis gave it (--raw): a string's bytes, an
// integer in decimal, nothing for nil, each on its own line inside a
// list (nested lists flattened, as redis-cli --raw does); a lone scalar
// gets no newline, so $(redis-lua run --raw ...) is the value itself.
func writeRaw(w io.Writer, v any, inList bool) {
	switch x := v.(type) {
	case []any:
		for _, el := range x {
			writeRaw(w, el, true)
		}
		return
	case string:
		io.WriteString(w, x)
	case int64:
		io.WriteString(w, strconv.FormatInt(x, 10))
	case nil:
	default:
		fmt.Fprint(w, x) // RESP3 types go-redis may give: doubles, booleans
	}
	if inList {
		io.WriteString(w, "\n")
	}
}

// callErr prints a call's error: a traceback for script errors.
func (e *env) callErr(c *ucli.Context, err error) error {
	dir := c.String("dir")
	var se *engine.ScriptError
	if errors.As(err, &se) {
		tb := se.Traceback()
		first, rest, _ := strings.Cut(tb, "\n")
		first = e.displayPath(dir, se.Pos().File) + strings.TrimPrefix(first, se.Pos().File)
		if e.color {
			first = "\x1b[31m" + first + "\x1b[0m"
		}
		fmt.Fprintln(e.stderr, first)
		if rest != "" {
			fmt.Fprintln(e.stderr, rest)
		}
		return &exitError{code: ExitScript}
	}
	if functions(c) && strings.Contains(strings.ToLower(err.Error()), "unknown command") {
		return failErr("--functions needs Redis 7", err, e.redisURL(c))
	}
	return failErr("", err, e.redisURL(c))
}

// jsonable turns replies into values encoding/json prints: error values
// inside an array reply become their text.
func jsonable(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = jsonable(el)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[k] = jsonable(el)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[fmt.Sprint(k)] = jsonable(el)
		}
		return out
	case error:
		return x.Error()
	case string:
		if !utf8.ValidString(x) {
			// Not text: the protocol's form, so that no byte is lost.
			return map[string]string{"$bytes": base64.StdEncoding.EncodeToString([]byte(x))}
		}
	}
	return v
}

// stopScript is what a call that was interrupted (why is
// "interrupted") or ran past --timeout does: on a real server the script
// may still run there (Redis runs it to its end and answers BUSY to
// everyone meanwhile), so it says at once that it sends SCRIPT KILL
// (FUNCTION KILL for a function) on connections of its own, waits for
// the answer (Redis reads it only once the script has run its
// busy-reply-threshold, 5 s by default), and reports it; a second
// Ctrl-C ends the wait at once, the kill's outcome unknown. It never
// sends SHUTDOWN NOSAVE. The exit code is code, or 130 after a second
// Ctrl-C.
func (e *env) stopScript(c *ucli.Context, client redis.UniversalClient, why string, code int, function bool, calls <-chan *engine.Call, cleanup func()) error {
	if e.redisURL(c) == "" {
		e.abandoned = true
		if code != ExitInterrupt {
			why += " (the embedded Redis cannot stop a script: it ends with the command)"
		}
		return &exitError{code: code, msg: why}
	}
	kill := "SCRIPT KILL"
	if function {
		kill = "FUNCTION KILL"
	}
	// Caught from now on: a second Ctrl-C ends the wait.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	fmt.Fprintf(e.stderr, "redis-lua: %s: sending %s (Redis answers once the script has run busy-reply-threshold, 5 s by default; Ctrl-C again to exit without waiting)\n", why, kill)
	e.flush()
	answer := make(chan string, 1)
	go func() { answer <- killScript(client, function, calls) }()
	select {
	case a := <-answer:
		if a == stopped || a == notBusy {
			cleanup()
		}
		return &exitError{code: code, msg: kill + ": " + a}
	case <-sig:
		return &exitError{code: ExitInterrupt, msg: "interrupted again: exiting without " + kill + "'s answer: whether the script was stopped is unknown"}
	}
}

// The answers of killScript after which the server is free.
const (
	stopped = "the script was stopped"
	notBusy = "no script was running any more (NOTBUSY): it had ended"
)

// killScript sends the kill until the server takes it, and says what
// happened: stopped, refused (the script has written: UNKILLABLE), or
// no script running (NOTBUSY) once the call has ended. A NOTBUSY while
// the call still waits (the kill overtook the script) or a connection
// error is retried.
func killScript(client redis.UniversalClient, function bool, calls <-chan *engine.Call) string {
	ended := func() bool {
		select {
		case <-calls:
			return true
		default:
			return false
		}
	}
	var notBusySince time.Time
	for attempt := 1; ; attempt++ {
		err := killOnce(client, function)
		switch {
		case err == nil:
			return stopped
		case strings.Contains(err.Error(), "UNKILLABLE"):
			return "refused (UNKILLABLE): the script has written, so Redis lets it run to its end and answers BUSY to every other command until then; redis-lua sends nothing more"
		case strings.Contains(err.Error(), "NOTBUSY"):
			if notBusySince.IsZero() {
				notBusySince = time.Now()
			}
			if ended() || time.Since(notBusySince) > 2*time.Second {
				return notBusy
			}
		default:
			if ended() || attempt >= 20 {
				return err.Error()
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killOnce sends the kill to the server (every master of a cluster) and
// returns the answer that says the most.
func killOnce(client redis.UniversalClient, function bool) error {
	ctx := context.Background()
	if cc, ok := client.(*redis.ClusterClient); ok {
		// The script runs on one master, which go-redis cannot name for
		// a keyless call: ask every master, and keep the answer of the
		// one that was busy.
		var mu sync.Mutex
		var errs []error
		err := cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			e := killOn(ctx, m, function)
			mu.Lock()
			errs = append(errs, e)
			mu.Unlock()
			return nil
		})
		if len(errs) == 0 && err != nil {
			return err
		}
		return busiest(errs)
	}
	if c, ok := client.(*redis.Client); ok {
		return killOn(ctx, c, function)
	}
	return killWith(ctx, client, function)
}

// killOn sends the kill to the server of c on a connection of its own
// that waits for the answer as long as it takes, once: a busy server
// reads nothing until the script has run its busy-reply-threshold (5 s
// by default, and any time set), and a pooled connection would time out
// and be retried.
func killOn(ctx context.Context, c *redis.Client, function bool) error {
	opt := *c.Options()
	opt.ReadTimeout, opt.MaxRetries, opt.PoolSize = -1, -1, 1
	k := redis.NewClient(&opt)
	defer k.Close()
	return killWith(ctx, k, function)
}

func killWith(ctx context.Context, c redis.Cmdable, function bool) error {
	if function {
		return c.FunctionKill(ctx).Err()
	}
	return c.ScriptKill(ctx).Err()
}

// busiest picks, of the answers of several masters, the one that says
// the most: a kill that worked, then UNKILLABLE, then any other error,
// then NOTBUSY (no master was running a script).
func busiest(errs []error) error {
	rank := func(err error) int {
		switch {
		case err == nil:
			return 0
		case strings.Contains(err.Error(), "UNKILLABLE"):
			return 1
		case strings.Contains(err.Error(), "NOTBUSY"):
			return 3
		}
		return 2
	}
	best := errors.New("NOTBUSY no master answered")
	for _, err := range errs {
		if rank(err) < rank(best) {
			best = err
		}
	}
	return best
}
