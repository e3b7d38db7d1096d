package lint

import (
	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
	"github.com/yuin/gopher-lua/ast"
)

// paramAt is the declared parameter a rendered line defines, if any.
func (l *linter) paramAt(line int) *resolve.Param {
	last, ok := l.s.Origin(line)
	if !ok {
		return nil
	}
	p, ok := l.params[[2]any{last.Script + resolve.Ext, last.Line}]
	if !ok {
		return nil
	}
	return &p
}

// intArg reports whether e names an integer-typed argument.
func intArg(e ast.Expr, sc *scope) (string, bool) {
	id, ok := e.(*ast.IdentExpr)
	if !ok {
		return "", false
	}
	v := sc.lookup(id.Value)
	return id.Value, v != nil && v.param != nil && v.param.Type == codec.Integer
}

// holdsIntArg returns the integer argument e is, or that a table
// constructor e holds, or nil.
func holdsIntArg(e ast.Expr, sc *scope) *ast.IdentExpr {
	if _, ok := intArg(e, sc); ok {
		return e.(*ast.IdentExpr)
	}
	if t, ok := e.(*ast.TableExpr); ok {
		for _, f := range t.Fields {
			if id := holdsIntArg(f.Value, sc); id != nil {
				return id
			}
		}
	}
	return nil
}
