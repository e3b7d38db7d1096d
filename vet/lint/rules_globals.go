package lint

import (
	"fmt"
	"slices"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/commands"
	"github.com/yuin/gopher-lua/ast"
)

// globalTable returns the global table that e indexes, through any
// chain of fields (redis.call, a.b.c), when that root is a global of
// Redis and no local hides it.
func (l *linter) globalTable(e ast.Expr, sc *scope) (string, bool) {
	for {
		switch x := e.(type) {
		case *ast.AttrGetExpr:
			e = x.Object
		case *ast.IdentExpr:
			_, ok := l.t.Global(x.Value)
			return x.Value, sc.lookup(x.Value) == nil && ok
		default:
			return "", false
		}
	}
}

// readOnlyWrite reports an assignment to a field of a global table
// (target is what is assigned, or what a function is defined in).
func (l *linter) readOnlyWrite(target ast.Expr, sc *scope, line int) {
	if _, isField := target.(*ast.AttrGetExpr); !isField && target != nil {
		if _, isIdent := target.(*ast.IdentExpr); !isIdent {
			return
		}
	}
	if name, ok := l.globalTable(target, sc); ok {
		if x, ok := target.(*ast.AttrGetExpr); ok {
			if key, ok := x.Key.(*ast.StringExpr); ok {
				if l.written == nil {
					l.written = map[string]bool{}
				}
				l.written[name+"."+key.Value] = true
			}
		}
		l.report("W122", Error, lineOf(target, line), name, fmt.Sprintf("assignment to a field of the global %s: Redis 7's global tables are read-only (Attempt to modify a readonly table)", name))
	}
}

// field reports a field of a Redis library table (redis, cjson,
// string...) or of _G that Redis 7 does not have: redis.cal is nil, and
// calling it fails.
func (l *linter) field(x *ast.AttrGetExpr, sc *scope, line int) {
	id, ok := x.Object.(*ast.IdentExpr)
	key, isName := x.Key.(*ast.StringExpr)
	if !ok || !isName || sc.lookup(id.Value) != nil {
		return
	}
	if _, ok := l.t.Global(id.Value); !ok {
		return
	}
	names := l.t.Fields(id.Value)
	if id.Value == "_G" {
		names = l.t.Globals()
	}
	if len(names) == 0 || slices.Contains(names, key.Value) || l.written[id.Value+"."+key.Value] || l.probing > 0 || l.guarded[id.Value+"."+key.Value] > 0 {
		return
	}
	msg := fmt.Sprintf("%s.%s does not exist in %s", id.Value, key.Value, l.t.Name())
	hint := directive.Suggest(key.Value, names)
	if hint != "" {
		msg += fmt.Sprintf(" (did you mean %s.%s?)", id.Value, hint)
	}
	n := len(l.findings)
	l.report("W143", Error, lineOf(x, line), key.Value, msg)
	if hint != "" && len(l.findings) > n && l.findings[n].Pos.Col > 0 {
		l.findings[n].Suggestion = hint
	}
}

// fieldsIn lists the fields "table.field" that a condition reads
// directly or through not, and, or.
func fieldsIn(e ast.Expr) []string {
	switch x := e.(type) {
	case *ast.AttrGetExpr:
		id, ok1 := x.Object.(*ast.IdentExpr)
		key, ok2 := x.Key.(*ast.StringExpr)
		if ok1 && ok2 {
			return []string{id.Value + "." + key.Value}
		}
	case *ast.LogicalOpExpr:
		return append(fieldsIn(x.Lhs), fieldsIn(x.Rhs)...)
	case *ast.UnaryNotOpExpr:
		return fieldsIn(x.Expr)
	}
	return nil
}

// readGlobal reports a read of a global the target's Lua lacks (W113),
// or that one of the other targets lacks (RL207).
func (l *linter) readGlobal(name string, line int) {
	if _, ok := l.t.Global(name); !ok {
		server := "Redis"
		if l.t.Server() == "valkey" {
			server = "Valkey"
		}
		msg := fmt.Sprintf("read of global %s, which %s does not provide", name, server)
		for _, t := range commands.Targets() {
			if tb, _ := commands.Lookup(t); tb != nil {
				if _, ok := tb.Global(name); ok {
					msg += fmt.Sprintf(" (%s has it; the target is %s)", t, l.t.Name())
					break
				}
			}
		}
		l.report("W113", Error, line, name, msg)
		return
	}
	for _, t := range l.also {
		if _, ok := t.Global(name); !ok {
			l.report("RL207", Warning, line, name, fmt.Sprintf("global %s is not in %s, which the scripts must also run on", name, t.Name()))
		}
	}
}
