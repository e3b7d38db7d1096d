package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) commands() []*ucli.Command {
	return []*ucli.Command{
		{
			Name:         "render",
			Usage:        "print the rendered Lua of a script",
			ArgsUsage:    "NAME",
			Description:  "Example:\n  redis-lua --dir examples/lua render rate_limit",
			Action:       e.render,
			BashComplete: e.completeNames,
		},
		{
			Name:        "inspect",
			Usage:       "show a script's keys, arguments, return type, includes and SHA1",
			ArgsUsage:   "NAME",
			Description: "Example:\n  redis-lua --dir examples/lua inspect --json create_foo",
			Flags: []ucli.Flag{
				&ucli.BoolFlag{Name: "json", Usage: `stable machine output: {"name","sha1","keys","args":[{"name","type"}],"return","includes"}`},
			},
			Action:       e.inspect,
			BashComplete: e.completeNames,
		},
		{
			Name:        "ls",
			Usage:       "list every script name under the root",
			Description: "Example:\n  redis-lua --dir examples/lua ls",
			Action:      e.ls,
		},
		{
			Name:      "run",
			Usage:     "run a script and print its result as JSON",
			ArgsUsage: "NAME [name=value ...]",
			Description: `Values are read by the declared type: integer as decimal, number as a Go
float, boolean as true/false/1/0/yes/no, list and dict as JSON, string and
keys as they are. A script error prints its traceback and exits 1.

Example:
  redis-lua --dir examples/lua run create_foo size=5 members='["john","susan","bob"]'`,
			Flags: []ucli.Flag{
				&ucli.BoolFlag{Name: "raw", Usage: "print the reply as Redis gave it, ignoring %return"},
			},
			Action:       e.run,
			BashComplete: e.completeNames,
		},
		{
			Name:      "exec",
			Usage:     "run Lua code given inline or in a file, with includes from --dir",
			ArgsUsage: "(-e CODE | FILE) [name=value ...]",
			Description: `Example:
  redis-lua --dir examples/lua exec -e '%include "lib/util"
return clamp(12, 0, 10)'`,
			Flags: []ucli.Flag{
				&ucli.StringFlag{Name: "e", Usage: "the code to run"},
				&ucli.BoolFlag{Name: "raw", Usage: "print the reply as Redis gave it, ignoring %return"},
			},
			Action: e.exec,
		},
		{
			Name:      "check",
			Usage:     "load scripts (all by default) and print every problem as file:line:col: message",
			ArgsUsage: "[NAME ...]",
			Description: `Exits 1 when there is any problem.

Example:
  redis-lua --dir examples/lua check`,
			Action:       e.check,
			BashComplete: e.completeNames,
		},
		{
			Name:        "load",
			Usage:       "SCRIPT LOAD every script and print \"sha1  name\"",
			Description: "Example:\n  REDIS_URL=redis://localhost:6379/0 redis-lua --dir examples/lua load",
			Action:      e.load,
		},
		e.conformanceCommand(),
	}
}

// completeNames prints the script names for shell completion.
func (e *env) completeNames(c *ucli.Context) {
	l, done, err := e.loader(c)
	if err != nil {
		return
	}
	defer done()
	names, _ := l.Names()
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
}

// script loads the script named by the first argument.
func (e *env) script(c *ucli.Context) (*resolve.Script, func(), error) {
	if c.NArg() < 1 {
		return nil, nil, usagef("%s needs a script NAME (see redis-lua ls)", c.Command.Name)
	}
	l, done, err := e.loader(c)
	if err != nil {
		return nil, nil, err
	}
	s, err := l.Load(c.Args().First())
	if err != nil {
		done()
		return nil, nil, e.loadErr(c, err)
	}
	return s, done, nil
}

func (e *env) render(c *ucli.Context) error {
	if c.NArg() > 1 {
		return usagef("render takes one NAME")
	}
	s, done, err := e.script(c)
	if err != nil {
		return err
	}
	defer done()
	// Not Fprintln: it would copy a 64 MiB script into its buffer.
	io.WriteString(e.stdout, s.Source())
	io.WriteString(e.stdout, "\n")
	return nil
}

// Signature is the machine form of a script's signature.
type Signature struct {
	Name     string     `json:"name"`
	SHA1     string     `json:"sha1"`
	Keys     []string   `json:"keys"`
	Args     []ArgEntry `json:"args"`
	Return   *string    `json:"return"`
	Includes []string   `json:"includes"`
}

// ArgEntry is one argument: its name and canonical type (null untyped).
type ArgEntry struct {
	Name string  `json:"name"`
	Type *string `json:"type"`
}

func typeName(t codec.Type) *string {
	if t == codec.Untyped {
		return nil
	}
	s := t.String()
	return &s
}

func signature(s *resolve.Script) Signature {
	sig := Signature{Name: s.Name(), SHA1: s.SHA1(), Keys: []string{}, Args: []ArgEntry{}, Return: typeName(s.Return()), Includes: []string{}}
	for _, k := range s.Keys() {
		sig.Keys = append(sig.Keys, k.Name)
	}
	for _, a := range s.Args() {
		sig.Args = append(sig.Args, ArgEntry{Name: a.Name, Type: typeName(a.Type)})
	}
	sig.Includes = append(sig.Includes, s.Includes()...)
	return sig
}

// usageLine is the call form of a script: "create_foo size=<integer> members=<list>".
func usageLine(s *resolve.Script) string {
	parts := []string{s.Name()}
	for _, k := range s.Keys() {
		parts = append(parts, k.Name+"=<key>")
	}
	for _, a := range s.Args() {
		t := "value"
		if a.Type != codec.Untyped {
			t = a.Type.String()
		}
		parts = append(parts, a.Name+"=<"+t+">")
	}
	return strings.Join(parts, " ")
}

func (e *env) inspect(c *ucli.Context) error {
	if c.NArg() > 1 {
		return usagef("inspect takes one NAME")
	}
	s, done, err := e.script(c)
	if err != nil {
		return err
	}
	defer done()
	sig := signature(s)
	if c.Bool("json") {
		out, _ := json.MarshalIndent(sig, "", "  ")
		fmt.Fprintln(e.stdout, string(out))
		return nil
	}
	orNone := func(list []string) string {
		if len(list) == 0 {
			return "(none)"
		}
		return strings.Join(list, ", ")
	}
	var args []string
	for _, a := range sig.Args {
		if a.Type == nil {
			args = append(args, a.Name)
		} else {
			args = append(args, a.Name+" "+*a.Type)
		}
	}
	ret := "(untyped)"
	if sig.Return != nil {
		ret = *sig.Return
	}
	fmt.Fprintf(e.stdout, "name:     %s\nsha1:     %s\nkeys:     %s\nargs:     %s\nreturn:   %s\nincludes: %s\nusage:    redis-lua run %s\n",
		sig.Name, sig.SHA1, orNone(sig.Keys), orNone(args), ret, orNone(sig.Includes), usageLine(s))
	return nil
}

func (e *env) ls(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("ls takes no arguments")
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	names, err := l.Names()
	if err != nil {
		return failf("%v", err)
	}
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
	return nil
}

// values reads name=value arguments by the script's declared types.
func values(s *resolve.Script, args []string) (map[string]any, error) {
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
		return nil, usagef("%s: %s\nusage: redis-lua run %s", s.Name(), strings.Join(problems, "; "), usageLine(s))
	}
	return vals, nil
}

func (e *env) run(c *ucli.Context) error {
	s, done, err := e.script(c)
	if err != nil {
		return err
	}
	defer done()
	return e.call(c, s, c.Args().Slice()[1:])
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
	if err != nil {
		return err
	}
	defer done()
	s, err := l.Parse(name, code)
	if err != nil {
		return e.loadErr(c, err)
	}
	return e.call(c, s, args)
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

// call runs s with name=value args and prints the result.
func (e *env) call(c *ucli.Context, s *resolve.Script, args []string) error {
	vals, err := values(s, args)
	if err != nil {
		return err
	}
	client, closeClient, err := e.connect(c)
	if err != nil {
		return err
	}
	defer closeClient()
	call := engine.New(client).Run(c.Context, s, vals)
	var v any
	if c.Bool("raw") {
		v, err = call.Reply()
		if errors.Is(err, redis.Nil) {
			v, err = nil, nil
		}
		if err != nil {
			_, err = call.Result()
		}
	} else {
		v, err = call.Result()
	}
	if err != nil {
		return e.callErr(c, err)
	}
	out, jerr := json.Marshal(jsonable(v))
	if jerr != nil {
		return failf("%s: result does not print as JSON: %v", s.Name(), jerr)
	}
	fmt.Fprintln(e.stdout, string(out))
	return nil
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
	return failf("%s", redactErr(err, c.String("redis")+e.getenv("REDIS_URL")))
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
	}
	return v
}

func (e *env) check(c *ucli.Context) error {
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	names := c.Args().Slice()
	if len(names) == 0 {
		if names, err = l.Names(); err != nil {
			return failf("%v", err)
		}
	}
	scripts, err := l.LoadMany(names...)
	var lines []string
	if err != nil {
		lines = e.diagnostics(c, err)
	}
	failed := err != nil
	dir := c.String("dir")
	seen := map[string]bool{}
	for _, s := range lint.Entries(scripts) {
		for _, f := range lint.Lint(s) {
			line := e.displayPath(dir, f.String())
			if !seen[line] {
				seen[line] = true
				lines = append(lines, line)
			}
			failed = failed || f.Severity == lint.Error
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lessPos(lines[i], lines[j]) })
	for _, line := range lines {
		fmt.Fprintln(e.stderr, line)
	}
	if failed {
		return &exitError{code: ExitScript}
	}
	return nil
}

func (e *env) load(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("load takes no arguments")
	}
	l, done, err := e.loader(c)
	if err != nil {
		return err
	}
	defer done()
	all, err := l.LoadAll()
	if err != nil {
		return e.loadErr(c, err)
	}
	client, closeClient, err := e.connect(c)
	if err != nil {
		return err
	}
	defer closeClient()
	names := make([]string, 0, len(all))
	list := make([]*resolve.Script, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		list = append(list, all[n])
	}
	if err := engine.New(client).Preload(c.Context, list...); err != nil {
		return e.callErr(c, err)
	}
	for _, s := range list {
		fmt.Fprintf(e.stdout, "%s  %s\n", s.SHA1(), s.Name())
	}
	return nil
}
