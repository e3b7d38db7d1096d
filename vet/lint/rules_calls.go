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
	if hint := directive.Suggest(strings.ToLower(map[bool]string{true: name, false: sub}[sub == ""]), names); hint != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.ToUpper(hint))
	}
	l.callReport(code, Error, e, line, msg+": Redis refuses it (Unknown Redis command called from script)")
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

// literal is the text Redis receives for a literal argument.
func literal(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.StringExpr:
		return x.Value, true
	case *ast.NumberExpr:
		return x.Value, true
	}
	return "", false
}

// tokenOf is an option of a command's grammar that a word names.
type tokenOf struct {
	arg   *commands.Arg
	oneof *commands.Arg // the one-of group it is an alternative of, if any
}

// grammar checks the arguments after the name (and subcommand) against
// the command's argument grammar, as far as literals go (RL208, RL209):
// first its leading positional arguments, then the run of optional
// options that follows them (SET's NX, GET, EX...), in any order as
// Redis reads them. It stops at the first word it cannot place.
func (l *linter) grammar(c *commands.Command, args []ast.Expr, line int) {
	if loose[c.Name()] {
		return
	}
	gram := c.Args()
	g, i := 0, 0
	for ; g < len(gram) && i < len(args); g++ {
		a := gram[g]
		if a.Optional() || a.Multiple() || a.Token() != "" || !simpleType(a.Type()) {
			break
		}
		l.value(c, a, args[i], line)
		i++
	}
	tokens := map[string]tokenOf{}
	var names []string
	add := func(a, oneof *commands.Arg) {
		tokens[strings.ToUpper(a.Token())] = tokenOf{a, oneof}
		names = append(names, a.Token())
	}
	for ; g < len(gram); g++ {
		a := gram[g]
		if !a.Optional() || !tokened(a) {
			break
		}
		if a.Token() != "" {
			add(a, nil)
			continue
		}
		for _, alt := range a.Args() {
			add(alt, a)
		}
	}
	closed := g == len(gram) // no argument follows the options
	chosen := map[*commands.Arg]*commands.Arg{}
	for i < len(args) {
		w, ok := literal(args[i])
		if !ok {
			return
		}
		t, ok := tokens[strings.ToUpper(w)]
		if !ok {
			if closed && len(names) > 0 {
				msg := fmt.Sprintf("%s has no option %s here", c.Display(), w)
				if hint := directive.Suggest(strings.ToUpper(w), names); hint != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", hint)
				}
				for _, name := range commands.Targets() {
					if t, _ := commands.Lookup(name); t != nil {
						if oc := t.Command(c.Name()); oc != nil && hasToken(oc.Args(), w) {
							msg += fmt.Sprintf(" (%s has it)", name)
							break
						}
					}
				}
				l.callReport("RL208", Error, args[i], lineOf(args[i], line), msg+": Redis refuses it (syntax error)")
			}
			return
		}
		if o := t.oneof; o != nil && !o.Multiple() {
			if prev := chosen[o]; prev != nil && prev != t.arg && !compatible(c.Name(), prev.Token(), t.arg.Token()) {
				l.callReport("RL208", Error, args[i], lineOf(args[i], line), fmt.Sprintf("%s: %s and %s exclude each other (%s): Redis refuses it (syntax error)", c.Display(), prev.Token(), t.arg.Token(), o.Name()))
				return
			}
			chosen[o] = t.arg
		}
		for _, other := range l.also {
			if oc := other.Command(c.Name()); oc != nil && !hasToken(oc.Args(), t.arg.Token()) {
				l.callReport("RL207", Warning, args[i], lineOf(args[i], line), fmt.Sprintf("%s's option %s is not in %s, which the scripts must also run on", c.Display(), t.arg.Token(), other.Name()))
			}
		}
		values := valueArgs(t.arg)
		if values == nil {
			return
		}
		if i+len(values) >= len(args) && len(values) > 0 {
			l.callReport("RL208", Error, args[i], lineOf(args[i], line), fmt.Sprintf("%s: %s needs a value (%s): Redis refuses it (syntax error)", c.Display(), t.arg.Token(), values[0].Display()))
			return
		}
		for k, v := range values {
			l.value(c, v, args[i+1+k], line)
		}
		i += 1 + len(values)
	}
}

// value checks one value against its argument's type (RL209): a literal
// that is no number where an integer is wanted. Only what no number
// parser reads is reported (Redis reads some "integer" arguments as
// floats: ZINCRBY's increment takes 1.5 and inf).
func (l *linter) value(c *commands.Command, a *commands.Arg, e ast.Expr, line int) {
	if a.Type() != commands.TypeInteger && a.Type() != commands.TypeUnixTime {
		return
	}
	s, ok := e.(*ast.StringExpr)
	if !ok || strings.HasPrefix(s.Value, "#") { // BITFIELD's #N offsets
		return
	}
	if _, err := strconv.ParseFloat(s.Value, 64); err == nil || isRange(err) {
		return
	}
	l.callReport("RL209", Error, e, lineOf(e, line), fmt.Sprintf("%s wants an integer for %s, given %q: Redis refuses it (value is not an integer or out of range)", c.Display(), a.Display(), s.Value))
}

func simpleType(t commands.ArgType) bool {
	switch t {
	case commands.TypeOneOf, commands.TypeBlock, commands.TypePureToken:
		return false
	}
	return true
}

// tokened reports whether an argument starts with a token: it has one,
// or it is a one-of group whose every alternative has one.
func tokened(a *commands.Arg) bool {
	if a.Token() != "" {
		return true
	}
	if a.Type() != commands.TypeOneOf {
		return false
	}
	for _, alt := range a.Args() {
		if alt.Token() == "" {
			return false
		}
	}
	return len(a.Args()) > 0
}

// valueArgs are the values that follow an option's token: none for a
// pure token, the argument itself for a typed one, a block's children
// when each is one plain value; nil when the linter cannot tell.
func valueArgs(a *commands.Arg) []*commands.Arg {
	switch {
	case a.Type() == commands.TypePureToken:
		return []*commands.Arg{}
	case a.Multiple() && !a.MultipleToken():
		return nil
	case simpleType(a.Type()):
		return []*commands.Arg{a}
	case a.Type() == commands.TypeBlock && !a.Multiple():
		kids := a.Args()
		for _, k := range kids {
			if k.Optional() || k.Multiple() || k.Token() != "" || !simpleType(k.Type()) {
				return nil
			}
		}
		return kids
	}
	return nil
}

// compatibleOptions are the options of a one-of group that Redis takes
// together all the same, by command: the others it refuses. Measured on
// redis-server 7.0.15 by trying every pair of every one-of group check
// judges (cli's TestOneOfConflicts, which fails when the server and
// this list disagree): EXPIRE's XX goes with GT or LT, SORT takes ASC
// and DESC (the last wins).
var compatibleOptions = map[string][][2]string{
	"expire":    {{"XX", "GT"}, {"XX", "LT"}},
	"pexpire":   {{"XX", "GT"}, {"XX", "LT"}},
	"expireat":  {{"XX", "GT"}, {"XX", "LT"}},
	"pexpireat": {{"XX", "GT"}, {"XX", "LT"}},
	"sort":      {{"ASC", "DESC"}},
	"sort_ro":   {{"ASC", "DESC"}},
}

// loose are the commands whose arguments Redis reads more loosely than
// their grammar says (LOLWUT ignores words it does not know and an
// option without its value), measured by cli's TestGrammarErrorsRefused:
// check leaves their arguments alone.
var loose = map[string]bool{"lolwut": true}

func compatible(cmd, a, b string) bool {
	a, b = strings.ToUpper(a), strings.ToUpper(b)
	for _, p := range compatibleOptions[cmd] {
		if p == [2]string{a, b} || p == [2]string{b, a} {
			return true
		}
	}
	return false
}

// callReport reports a finding of a command's call at the literal e (its
// column found as written on the line), naming the target's server as
// the one that refuses.
func (l *linter) callReport(code string, sev Severity, e ast.Expr, line int, msg string) {
	if l.t.Server() == "valkey" {
		msg = strings.Replace(msg, "Redis refuses it", "Valkey refuses it", 1)
	}
	word := ""
	if s, ok := e.(*ast.StringExpr); ok {
		if o, ok := l.s.Origin(line); ok {
			for _, q := range []string{"'", `"`} {
				if strings.Contains(o.Text, q+s.Value+q) {
					word = q + s.Value + q
					break
				}
			}
		}
	}
	l.report(code, sev, line, word, msg)
}

// hasToken reports whether a grammar has a token anywhere.
func hasToken(args []*commands.Arg, token string) bool {
	for _, a := range args {
		if strings.EqualFold(a.Token(), token) || hasToken(a.Args(), token) {
			return true
		}
	}
	return false
}
