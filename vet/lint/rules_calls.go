package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/commands"
	"github.com/yuin/gopher-lua/ast"
)

// The rules on the commands a script calls, against the target's
// command table (package commands). Each holds only where the command's
// name, and what a rule reads of its arguments, are literals: a value
// the linter cannot see is never an error.

// command checks one redis.call or redis.pcall (or server.call...).
func (l *linter) command(call *ast.FuncCallExpr, sc *scope, line int) {
	fn := callName(call)
	if len(call.Args) == 0 {
		l.callReport("RL210", Error, nil, line, fmt.Sprintf("%s() without a command: Redis refuses it (Please specify at least one argument for this redis lib call)", fn))
		return
	}
	for i, a := range call.Args {
		what := ""
		switch a.(type) {
		case *ast.TableExpr:
			what = "a table"
		case *ast.FunctionExpr:
			what = "a function"
		case *ast.NilExpr:
			what = "nil"
		case *ast.TrueExpr, *ast.FalseExpr:
			what = "a boolean"
		}
		if what != "" {
			l.callReport("RL211", Error, a, lineOf(a, line), fmt.Sprintf("argument %d of %s is %s: Redis takes strings and numbers only (Lua redis lib command arguments must be strings or integers)", i+1, fn, what))
			return
		}
	}
	name, ok := call.Args[0].(*ast.StringExpr)
	if !ok {
		return
	}
	at := lineOf(call.Args[0], line)
	c := l.t.Command(name.Value)
	if c == nil || strings.Contains(name.Value, "|") {
		l.unknown(name.Value, "", call.Args[0], at)
		return
	}
	args := call.Args[1:]
	words := 1 + len(args) // what Redis counts: the name and every argument
	// A call or ... as the last argument gives any number of values,
	// none included.
	open := false
	if len(args) > 0 {
		switch args[len(args)-1].(type) {
		case *ast.FuncCallExpr, *ast.Comma3Expr:
			open = true
		}
	}
	if len(c.Subcommands()) > 0 && len(args) > 0 {
		sub, ok := args[0].(*ast.StringExpr)
		if !ok || (open && len(args) == 1) {
			return
		}
		s := c.Subcommand(sub.Value)
		if s == nil {
			l.unknown(name.Value, sub.Value, args[0], at)
			return
		}
		c, args = s, args[1:]
	}
	if !l.arity(c, words, open, fn, call.Args[0], at) {
		return
	}
	if c.Has("noscript") {
		l.callReport("RL204", Error, call.Args[0], at, fmt.Sprintf("%s is not allowed from scripts: %s refuses it (This Redis command is not allowed from script)", c.Display(), l.t.Name()))
	}
	if since, repl, ok := c.Deprecated(); ok {
		msg := fmt.Sprintf("%s is deprecated", c.Display())
		if since != "" {
			msg += " since " + since
		}
		if repl != "" {
			msg += "; replaced by " + strings.ReplaceAll(repl, "`", "")
		}
		l.callReport("RL206", Warning, call.Args[0], at, msg)
	}
	for _, t := range l.also {
		switch other := t.Command(c.Name()); {
		case other == nil:
			l.callReport("RL207", Warning, call.Args[0], at, fmt.Sprintf("%s is not in %s, which the scripts must also run on", c.Display(), t.Name()))
		case other.Has("noscript") && !c.Has("noscript"):
			l.callReport("RL207", Warning, call.Args[0], at, fmt.Sprintf("%s is not allowed from scripts on %s, which the scripts must also run on", c.Display(), t.Name()))
		}
	}
	if !open {
		l.grammar(c, args, at)
	}
}

// callName is how the call is written: redis.call, server.pcall (a
// local alias of redis.call is named as the function it holds).
func callName(call *ast.FuncCallExpr) string {
	if a, ok := call.Func.(*ast.AttrGetExpr); ok {
		id, ok1 := a.Object.(*ast.IdentExpr)
		k, ok2 := a.Key.(*ast.StringExpr)
		if ok1 && ok2 {
			return id.Value + "." + k.Value
		}
	}
	return "redis.call"
}

// unknown reports a command (or a subcommand of it) that the target
// lacks: newer than it (RL205) or unknown everywhere (RL201, RL202).
func (l *linter) unknown(name, sub string, e ast.Expr, line int) {
	full, shown := strings.ToLower(name), strings.ToUpper(name)
	if sub != "" {
		full += "|" + strings.ToLower(sub)
		shown += " " + strings.ToUpper(sub)
	}
	where := commands.Where(full)
	if strings.Contains(name, "|") {
		where = nil // "client|setname" is a table's key, no name Redis reads
	}
	if len(where) > 0 {
		w := where[0]
		msg := fmt.Sprintf("%s is not in %s: %s has it", shown, l.t.Name(), w.Target)
		if w.Since != "" {
			msg += " (since " + w.Since + ")"
		}
		l.callReport("RL205", Error, e, line, msg+"; Redis refuses it (Unknown Redis command called from script)")
		return
	}
	var names []string
	code := "RL201"
	if sub == "" {
		for _, c := range l.t.Commands() {
			names = append(names, c.Name())
		}
	} else {
		code = "RL202"
		for _, s := range l.t.Command(name).Subcommands() {
			_, n, _ := strings.Cut(s.Name(), "|")
			names = append(names, n)
		}
	}
	msg := fmt.Sprintf("unknown command %s", shown)
	if sub != "" {
		msg = fmt.Sprintf("unknown subcommand %s of %s", strings.ToUpper(sub), strings.ToUpper(name))
	}
	hint := directive.Suggest(strings.ToLower(map[bool]string{true: name, false: sub}[sub == ""]), names)
	if hint != "" {
		hint = strings.ToUpper(hint)
		msg += fmt.Sprintf(" (did you mean %s?)", hint)
	}
	l.callFix(code, e, line, msg+": Redis refuses it (Unknown Redis command called from script)", hint)
}

// arity reports a call whose number of words the command refuses
// (RL203); open says the last argument may give any number of values,
// none included.
func (l *linter) arity(c *commands.Command, words int, open bool, fn string, e ast.Expr, line int) bool {
	a := c.Arity()
	bad := !c.Accepts(words)
	if open {
		// words-1 at least: too many only for a fixed arity.
		bad = a > 0 && words-1 > a
	}
	if !bad {
		return true
	}
	self := 1
	if c.Parent() != nil {
		self = 2
	}
	want := fmt.Sprintf("%d arguments", a-self)
	if a < 0 {
		want = fmt.Sprintf("at least %d arguments", -a-self)
	}
	l.callReport("RL203", Error, e, line, fmt.Sprintf("%s takes %s, %s gives it %d: Redis refuses it (Wrong number of args calling Redis command from script)", c.Display(), want, fn, words-self))
	return false
}

// setresp reports redis.setresp with a literal other than 2 or 3
// (RL212).
func (l *linter) setresp(call *ast.FuncCallExpr, line int) {
	if len(call.Args) == 0 {
		l.report("RL212", Error, line, "setresp", "redis.setresp() without a version: Redis refuses it (redis.setresp() requires one argument.)")
		return
	}
	n, ok := call.Args[0].(*ast.NumberExpr)
	if !ok || len(call.Args) != 1 {
		return
	}
	if v, err := strconv.ParseFloat(n.Value, 64); err == nil && v != 2 && v != 3 {
		l.report("RL212", Error, line, "setresp", fmt.Sprintf("redis.setresp(%s): the version must be 2 or 3 (RESP version must be 2 or 3)", n.Value))
	}
}

// callReport reports a finding of a command's call at the literal e (its
// column found as written on the line), naming the target's server as
// the one that refuses.
func (l *linter) callReport(code string, sev Severity, e ast.Expr, line int, msg string) {
	if l.t.Server() == "valkey" {
		msg = strings.Replace(msg, "Redis refuses it", "Valkey refuses it", 1)
	}
	l.report(code, sev, line, l.quoted(e, line), msg)
}

// callFix is callReport of a near miss: the finding's Suggestion is the
// literal with hint in its place, in the literal's quotes, and in lower
// case when the literal was (redis.call('gett') → 'get').
func (l *linter) callFix(code string, e ast.Expr, line int, msg, hint string) {
	n := len(l.findings)
	l.callReport(code, Error, e, line, msg)
	word := l.quoted(e, line)
	if hint == "" || word == "" || len(l.findings) == n || l.findings[n].Pos.Col == 0 {
		return
	}
	if strings.ToLower(word) == word {
		hint = strings.ToLower(hint)
	}
	l.findings[n].Suggestion = word[:1] + hint + word[:1]
}

// quoted is a string literal as written on its source line, quotes
// included ("" when e is not a string or is not found there).
func (l *linter) quoted(e ast.Expr, line int) string {
	s, ok := e.(*ast.StringExpr)
	if !ok {
		return ""
	}
	if o, ok := l.s.Origin(line); ok {
		for _, q := range []string{"'", `"`} {
			if strings.Contains(o.Text, q+s.Value+q) {
				return q + s.Value + q
			}
		}
	}
	return ""
}
