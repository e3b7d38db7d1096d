package lint

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/commands"
	"github.com/yuin/gopher-lua/ast"
)

// The argument grammar of a command's call (RL208, RL209), as far as
// literals go, from the target's COMMAND DOCS; where Redis reads its
// arguments otherwise than its grammar says, what the real servers
// answer decides (compatibleOptions, loose).

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
	g := min(c.Positional(), len(args))
	for i := range g {
		l.value(c, gram[i], args[i], line)
	}
	i := g
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
				hint := directive.Suggest(strings.ToUpper(w), names)
				if hint != "" {
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
				l.callFix("RL208", args[i], lineOf(args[i], line), msg+": Redis refuses it (syntax error)", hint)
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

// hasToken reports whether a grammar has a token anywhere.
func hasToken(args []*commands.Arg, token string) bool {
	for _, a := range args {
		if strings.EqualFold(a.Token(), token) || hasToken(a.Args(), token) {
			return true
		}
	}
	return false
}
