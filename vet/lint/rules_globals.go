package lint

import (
	"fmt"

	"github.com/redislua/redislua/directive"
	"github.com/yuin/gopher-lua/ast"
)

// globalTable returns the global table that e indexes, through any
// chain of fields (redis.call, a.b.c), when that root is a global of
// Redis and no local hides it.
func globalTable(e ast.Expr, sc *scope) (string, bool) {
	for {
		switch x := e.(type) {
		case *ast.AttrGetExpr:
			e = x.Object
		case *ast.IdentExpr:
			return x.Value, sc.lookup(x.Value) == nil && Globals[x.Value]
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
	if name, ok := globalTable(target, sc); ok {
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
	if !ok || !isName || sc.lookup(id.Value) != nil || !Globals[id.Value] {
		return
	}
	known := Fields[id.Value]
	if id.Value == "_G" {
		known = Globals
	}
	if len(known) == 0 || known[key.Value] || l.written[id.Value+"."+key.Value] || l.probing > 0 || l.guarded[id.Value+"."+key.Value] > 0 {
		return
	}
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	msg := fmt.Sprintf("%s.%s does not exist in Redis 7", id.Value, key.Value)
	if hint := directive.Suggest(key.Value, names); hint != "" {
		msg += fmt.Sprintf(" (did you mean %s.%s?)", id.Value, hint)
	}
	l.report("W143", Error, lineOf(x, line), key.Value, msg)
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
