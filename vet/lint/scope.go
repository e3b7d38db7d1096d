package lint

import (
	"fmt"
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/yuin/gopher-lua/ast"
)

type variable struct {
	name  string
	line  int // where it is declared, for the unused check; 0: never reported
	at    int // where it is declared, for References
	param *resolve.Param
	used  bool
	// What the value may be, for RL108: built from a key (KEYS, a %key,
	// a variable built from one), unknown (a function's parameter, a
	// loop variable), or redis.call itself (local rcall = redis.call).
	keyish, unknown, redisCall bool
	fn                         *fnState // the function that declares it
}

// fnState is what Lua 5.1 counts of one function while compiling it:
// its active locals (at most 200) and its upvalues (at most 60).
type fnState struct {
	parent   *fnState
	line     int // of the function keyword, 0 for the main chunk
	active   int
	upvalues map[*variable]bool
	reported bool
}

type scope struct {
	parent *scope
	fn     *fnState
	vars   []*variable
	// byName indexes vars once there are many (a script of 100,000
	// %arg lines has as many locals in one scope): the newest of a name.
	byName map[string]*variable
	// locals counts what the scope adds to its function's active locals:
	// its variables and the hidden ones of a for loop.
	locals int
}

// add declares v in the scope.
func (sc *scope) add(v *variable) {
	sc.vars = append(sc.vars, v)
	const scanUpTo = 32 // a scan of a few names beats a map
	switch {
	case sc.byName != nil:
		sc.byName[v.name] = v
	case len(sc.vars) > scanUpTo:
		sc.byName = make(map[string]*variable, 2*len(sc.vars))
		for _, w := range sc.vars {
			sc.byName[w.name] = w
		}
	}
}

func (sc *scope) lookup(name string) *variable {
	for ; sc != nil; sc = sc.parent {
		if sc.byName != nil {
			if v, ok := sc.byName[name]; ok {
				return v
			}
			continue
		}
		for i := len(sc.vars) - 1; i >= 0; i-- {
			if sc.vars[i].name == name {
				return sc.vars[i]
			}
		}
	}
	return nil
}

// block walks statements in a new scope and reports its unused locals.
func (l *linter) block(stmts []ast.Stmt, parent *scope, declare func(*scope)) {
	l.blockIn(stmts, parent, parent.fn, declare)
}

// blockIn is block in a function's state (a new one for a function's
// body).
func (l *linter) blockIn(stmts []ast.Stmt, parent *scope, fn *fnState, declare func(*scope)) {
	sc := &scope{parent: parent, fn: fn}
	if declare != nil {
		declare(sc)
	}
	for _, st := range stmts {
		l.stmt(st, sc)
	}
	l.closeScope(sc)
}

func (l *linter) closeScope(sc *scope) {
	sc.fn.active -= sc.locals
	for _, v := range sc.vars {
		switch {
		case v.used:
		case v.param != nil:
			l.report("RL102", Warning, v.line, v.name, fmt.Sprintf("%s %s is declared but never used", v.param.Kind, v.name))
		case v.name != "_" && !strings.HasPrefix(v.name, "_") && v.line > 0 && l.inTop(v.line):
			// Locals of included files are a library's: a script need not
			// use them all.
			l.report("W211", Warning, v.line, v.name, fmt.Sprintf("unused variable %s", v.name))
		}
	}
}

func (l *linter) declare(sc *scope, name string, line int) *variable {
	return l.declareAt(sc, name, line, line)
}

// declareAt declares a local whose declaration (for the limit on locals)
// is at rendered line at.
func (l *linter) declareAt(sc *scope, name string, line, at int) *variable {
	v := &variable{name: name, line: line, at: at, fn: sc.fn}
	l.local(sc, at)
	if line > 0 {
		if p := l.paramAt(line); p != nil && p.Name == name {
			v.param = p
		}
	}
	sc.add(v)
	return v
}
