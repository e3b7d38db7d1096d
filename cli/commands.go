package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/config"
	"github.com/redislua/redislua/vet/lint"
	ucli "github.com/urfave/cli/v2"
)

func (e *env) commands() []*ucli.Command {
	return []*ucli.Command{
		{
			Name:         "render",
			Usage:        "print the rendered Lua of a script",
			ArgsUsage:    "NAME",
			Description:  "Example:\n  redis-lua --dir cli/examples/lua render rate_limit",
			Action:       e.render,
			BashComplete: e.completeNames,
		},
		{
			Name:        "inspect",
			Usage:       "show a script's keys, arguments, return type, includes and SHA1",
			ArgsUsage:   "NAME",
			Description: "Example:\n  redis-lua --dir cli/examples/lua inspect --json create_foo",
			Flags: []ucli.Flag{
				&ucli.BoolFlag{Name: "json", Usage: `stable machine output: {"name","sha1","keys","args":[{"name","type"}],"return","includes","flags"}`},
			},
			Action:       e.inspect,
			BashComplete: e.completeNames,
		},
		{
			Name:        "ls",
			Usage:       "list every script name under the root",
			Description: "Example:\n  redis-lua --dir cli/examples/lua ls",
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
  redis-lua --dir cli/examples/lua run create_foo size=5 members='["john","susan","bob"]'`,
			Flags: []ucli.Flag{
				&ucli.BoolFlag{Name: "raw", Usage: "print the reply as Redis gave it, ignoring %return: a string's bytes, an integer in decimal (no JSON, no newline), a list one element per line"},
			},
			Action:       e.run,
			BashComplete: e.completeNames,
		},
		{
			Name:      "exec",
			Usage:     "run Lua code given inline or in a file, with includes from --dir",
			ArgsUsage: "(-e CODE | FILE) [name=value ...]",
			Description: `Example:
  redis-lua --dir cli/examples/lua exec -e '%include "lib/util"
return clamp(12, 0, 10)'`,
			Flags: []ucli.Flag{
				&ucli.StringFlag{Name: "e", Usage: "the code to run"},
				&ucli.BoolFlag{Name: "raw", Usage: "print the reply as Redis gave it, ignoring %return: a string's bytes, an integer in decimal (no JSON, no newline), a list one element per line"},
			},
			Action: e.exec,
		},
		{
			Name:      "check",
			Usage:     "load scripts (all by default) and print every problem as file:line:col: error: message (CODE)",
			ArgsUsage: "[NAME ...]",
			Description: `Prints every problem as "file:line:col: error: message (CODE)" (or
warning), then "N scripts, N errors, N warnings". Exits 1 when there is
an error (with --strict, a warning too). Rules are the linter's codes
(E011, W113, RL201...; see vet/lint); --enable and --disable take codes
or prefixes.

Commands are checked against a target server's command table (see
vet/commands): --target, or the "target" of the project configuration
(` + config.Name + `, found in --dir or a directory above it; see
vet/config), else ` + commands.DefaultTarget + `. --also names servers the scripts
must also run on (warnings). --redis URL takes the table from that
server's own COMMAND and COMMAND DOCS instead.

Examples:
  redis-lua --dir cli/examples/lua check
  redis-lua --dir cli/examples/lua check --target valkey-8.0 --also redis-7.0
  redis-lua --dir cli/examples/lua check --disable W211,RL108 --strict
  redis-lua --dir cli/examples/lua check --sarif > redis-lua.sarif`,
			Flags: []ucli.Flag{
				&ucli.BoolFlag{Name: "json", Usage: "print the findings as a JSON array on stdout"},
				&ucli.BoolFlag{Name: "sarif", Usage: "print the findings as SARIF 2.1.0 on stdout (code scanning)"},
				&ucli.BoolFlag{Name: "strict", Usage: "warnings fail too (exit 1)"},
				&ucli.StringFlag{Name: "enable", Usage: "report only these rules (`CODES`: comma-separated codes or prefixes; replaces the configuration's)"},
				&ucli.StringFlag{Name: "disable", Usage: "do not report these rules (`CODES`; added to the configuration's)"},
				&ucli.StringFlag{Name: "target", Usage: "the server the scripts run on (`NAME`: " + strings.Join(commands.Targets(), ", ") + "; default the configuration's, else " + commands.DefaultTarget + ")"},
				&ucli.StringFlag{Name: "also", Usage: "other servers the scripts must run on too (`NAMES`, comma-separated; replaces the configuration's)"},
				&ucli.StringFlag{Name: "config", Usage: "the project configuration (`FILE`; default the first " + config.Name + " in --dir or above it)"},
				&ucli.StringFlag{Name: "redis", Usage: "take the command table from this live server's COMMAND DOCS (`URL`; also the global --redis, not $REDIS_URL)"},
			},
			Action:       e.check,
			BashComplete: e.completeNames,
		},
		{
			Name:  "load",
			Usage: "SCRIPT LOAD every script and print \"sha1  name\"; with --functions, load them as a Redis 7 function library",
			Description: `With --functions, the scripts no other includes become the functions of
one library, named NAME_<8 hex of its content> (--library NAME, default
the --dir's base name), each function <library>__<script name>: FUNCTION
LOAD on the server (every master of a cluster), then "function  script"
lines.

Examples:
  REDIS_URL=redis://localhost:6379/0 redis-lua --dir cli/examples/lua load
  redis-lua --redis redis://localhost:6379/0 --dir cli/examples/lua load --functions --library app`,
			Action: e.load,
		},
		e.functionsCommand(),
		e.conformanceCommand(),
	}
}

// completeNames prints the script names for shell completion.
func (e *env) completeNames(c *ucli.Context) {
	if word := e.completing(); strings.HasPrefix(word, "-") {
		// A flag is being completed: the command's flags, then the
		// global ones, that start with it.
		for _, fs := range [][]ucli.Flag{c.Command.Flags, c.App.Flags} {
			for _, f := range fs {
				for _, name := range f.Names() {
					if flag := "--" + name; len(name) > 1 && strings.HasPrefix(flag, word) {
						fmt.Fprintln(e.stdout, flag)
					}
				}
			}
		}
		return
	}
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

// completing returns the word being completed: the argument before
// --generate-bash-completion, or "".
func (e *env) completing() string {
	for i, a := range e.args {
		if a == "--generate-bash-completion" && i > 0 {
			return e.args[i-1]
		}
	}
	return ""
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
	name := c.Args().First()
	s, err := l.Load(name)
	if err != nil {
		defer done()
		var re *resolve.Error
		if errors.As(err, &re) && re.Code == resolve.KindNotFound && re.Pos().Line == 0 {
			// The name given on the command line: say what is there.
			fmt.Fprintf(e.stderr, "%s%s\n", strings.Join(e.diagnostics(c, err), "\n"), e.nearScripts(c, l, name))
			return nil, nil, &exitError{code: ExitScript}
		}
		return nil, nil, e.loadErr(c, err)
	}
	return s, done, nil
}

// nearScripts is the end of the message for a script name that does not
// exist: the near miss among the tree's scripts, or where to see them.
func (e *env) nearScripts(c *ucli.Context, l *resolve.Loader, name string) string {
	names, err := l.Names()
	switch {
	case err != nil:
		return ""
	case len(names) == 0:
		return fmt.Sprintf(" (no scripts under --dir %s)", c.String("dir"))
	}
	if hint := directive.Suggest(strings.TrimSuffix(name, resolve.Ext), names); hint != "" {
		return "; did you mean " + hint + "?"
	}
	return fmt.Sprintf(" (redis-lua ls lists the scripts under --dir %s)", c.String("dir"))
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
	Flags    []string   `json:"flags"` // Redis 7 script flags of the #! line
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
	sig := Signature{Name: s.Name(), SHA1: s.SHA1(), Keys: []string{}, Args: []ArgEntry{}, Return: typeName(s.Return()), Includes: []string{}, Flags: append([]string{}, s.Flags()...)}
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
	fmt.Fprintf(e.stdout, "name:     %s\nsha1:     %s\nkeys:     %s\nargs:     %s\nreturn:   %s\nincludes: %s\nflags:    %s\nusage:    redis-lua run %s\n",
		sig.Name, sig.SHA1, orNone(sig.Keys), orNone(args), ret, orNone(sig.Includes), orNone(sig.Flags), usageLine(s))
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
	if len(names) == 0 {
		return usagef("no scripts (*.lua) under --dir %s", c.String("dir"))
	}
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
	return nil
}

// finding is one problem check reports: a load error or a lint finding.
type finding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	Code     string `json:"code"` // a lint rule, or the load error's kind
	Severity string `json:"severity"`
	Message  string `json:"message"`
	// Suggestion replaces the word at Line:Col for a near miss (did you
	// mean): the quick fix an editor offers.
	Suggestion string `json:"suggestion,omitempty"`
}

func (f finding) String() string {
	pos := f.File
	if f.Line > 0 {
		pos += fmt.Sprintf(":%d", f.Line)
		if f.Col > 0 {
			pos += fmt.Sprintf(":%d", f.Col)
		}
	}
	if f.Code != "" && f.Code[0] >= 'A' && f.Code[0] <= 'Z' {
		return fmt.Sprintf("%s: %s: %s (%s)", pos, f.Severity, f.Message, f.Code)
	}
	return pos + ": " + f.Severity + ": " + f.Message
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
		if len(names) == 0 {
			return usagef("no scripts (*.lua) under --dir %s", c.String("dir"))
		}
	}
	keep, opts, err := e.checkConfig(c)
	if err != nil {
		return err
	}
	scripts, err := l.LoadMany(names...)
	dir := c.String("dir")
	var all []finding
	for _, one := range resolve.Flatten(err) {
		f := finding{Code: "load", Severity: "error", Message: one.Error()}
		var re *resolve.Error
		if errors.As(one, &re) {
			p := re.Pos()
			f.File, f.Line, f.Col, f.Code = e.displayPath(dir, p.File), p.Line, p.Col, re.Kind()
			f.Message = strings.TrimPrefix(f.Message, p.String()+": ")
		}
		all = append(all, f)
	}
	for _, s := range lint.Entries(scripts) {
		if c.Context.Err() != nil {
			return c.Context.Err()
		}
		for _, lf := range lint.LintWith(s, opts) {
			all = append(all, finding{File: e.displayPath(dir, lf.Pos.File), Line: lf.Pos.Line, Col: lf.Pos.Col, Code: lf.Code, Severity: lf.Severity.String(), Message: lf.Message, Suggestion: lf.Suggestion})
		}
	}
	// Without repeats (a file included by many scripts), filtered, in
	// file and line order.
	seen := map[finding]bool{}
	var out []finding
	errorsN, warningsN := 0, 0
	for _, f := range all {
		if seen[f] || (f.Code != "" && f.Code[0] >= 'A' && f.Code[0] <= 'Z' && !keep(f.Code)) {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if f.Severity == "error" {
			errorsN++
		} else {
			warningsN++
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	switch {
	case c.Bool("json"):
		if out == nil {
			out = []finding{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	case c.Bool("sarif"):
		writeSARIF(e.stdout, out)
	default:
		for _, f := range out {
			fmt.Fprintln(e.stderr, f)
		}
		fmt.Fprintf(e.stderr, "%d scripts, %d errors, %d warnings\n", len(names), errorsN, warningsN)
	}
	if errorsN > 0 || (c.Bool("strict") && warningsN > 0) {
		return &exitError{code: ExitScript}
	}
	return nil
}

// checkConfig reads the project configuration (--config, or the first
// redislua.json in --dir or above it) and the flags that override it:
// which rules are reported (--enable replaces the configuration's list,
// --disable adds to it: comma-separated codes or prefixes such as W2,
// RL1) and the servers the scripts are checked against (--target,
// --also, or --redis's own table).
func (e *env) checkConfig(c *ucli.Context) (func(code string) bool, lint.Options, error) {
	var cfg *config.Config
	var err error
	if file := c.String("config"); file != "" {
		cfg, err = config.Load(file)
	} else {
		cfg, err = config.Find(c.String("dir"))
	}
	if err != nil {
		return nil, lint.Options{}, usagef("%v", err)
	}
	split := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	if c.IsSet("enable") {
		cfg.Enable = split(c.String("enable"))
	}
	cfg.Disable = append(cfg.Disable, split(c.String("disable"))...)
	if t := c.String("target"); t != "" {
		cfg.Target = t
	}
	if c.IsSet("also") {
		cfg.Also = split(c.String("also"))
	}
	opts, err := cfg.Options()
	if err != nil {
		return nil, opts, usagef("%v", err)
	}
	// --redis of check, else the global one (not $REDIS_URL: a static
	// check talks to a server only when told to).
	raw := c.String("redis")
	for _, p := range c.Lineage() {
		if raw == "" && p.IsSet("redis") {
			raw = p.String("redis")
		}
	}
	if raw != "" {
		if opts.Target, err = liveTable(c.Context, raw, c.Bool("cluster")); err != nil {
			return nil, opts, err
		}
	}
	return cfg.Keep, opts, nil
}

// liveTable is the command table of the server at raw, from its own
// COMMAND, COMMAND DOCS and Lua globals, named by what INFO says it is
// (redis-7.0.15).
func liveTable(ctx context.Context, raw string, cluster bool) (*commands.Table, error) {
	client, err := newClient(raw, cluster)
	if err != nil {
		return nil, usagef("--redis %s: %v", redact(raw), redactErr(err, raw))
	}
	defer client.Close()
	fail := func(err error) error {
		return failf("--redis %s: %s", redact(raw), redactErr(err, raw))
	}
	var replies []any
	for _, q := range commands.Queries {
		args := make([]any, len(q))
		for i, w := range q {
			args[i] = w
		}
		v, err := client.Do(ctx, args...).Result()
		if err != nil {
			return nil, fail(err)
		}
		replies = append(replies, v)
	}
	globals, err := client.Eval(ctx, commands.GlobalsScript, nil).Text()
	if err != nil {
		return nil, fail(err)
	}
	info, err := client.Info(ctx, "server").Result()
	if err != nil {
		return nil, fail(err)
	}
	server, version := "redis", ""
	for _, line := range strings.Split(info, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch k {
		case "redis_version":
			if version == "" {
				version = v
			}
		case "valkey_version":
			server, version = "valkey", v
		case "server_name":
			if v == "valkey" {
				server = "valkey"
			}
		}
	}
	t, err := commands.FromReplies(server+"-"+version, server, version, replies[0], replies[1], globals)
	if err != nil {
		return nil, fail(err)
	}
	return t, nil
}

// writeSARIF writes findings as SARIF 2.1.0, the format code-scanning
// services read: one run of the tool redis-lua, one result per finding.
func writeSARIF(w io.Writer, fs []finding) {
	type region struct {
		StartLine   int `json:"startLine,omitempty"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region *region `json:"region,omitempty"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID  string `json:"ruleId"`
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []location `json:"locations"`
	}
	results := []result{}
	rules := map[string]bool{}
	for _, f := range fs {
		var r result
		r.RuleID, r.Level, r.Message.Text = f.Code, f.Severity, f.Message
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(f.File)
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: f.Line, StartColumn: f.Col}
		}
		r.Locations = []location{loc}
		results = append(results, r)
		rules[f.Code] = true
	}
	type rule struct {
		ID string `json:"id"`
	}
	var ruleList []rule
	for id := range rules {
		ruleList = append(ruleList, rule{id})
	}
	sort.Slice(ruleList, func(i, j int) bool { return ruleList[i].ID < ruleList[j].ID })
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "redis-lua", "version": Version(), "informationUri": "https://github.com/redislua/redislua", "rules": ruleList}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}
