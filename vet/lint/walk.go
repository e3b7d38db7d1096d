package lint

import (
	"fmt"

	"github.com/redislua/redislua/codec"
	"github.com/yuin/gopher-lua/ast"
)

func (l *linter) stmt(st ast.Stmt, sc *scope) {
	line := st.Line()
	switch s := st.(type) {
	case *ast.LocalAssignStmt:
		if len(s.Names) == 1 && len(s.Exprs) == 1 {
			if fn, ok := s.Exprs[0].(*ast.FunctionExpr); ok {
				// local function f: f is visible in its own body.
				l.declare(sc, s.Names[0], line)
				l.function(fn, sc, false)
				return
			}
		}
		l.exprs(sc, line, s.Exprs...)
		// What each name receives, computed before the names exist
		// (local key = key reads the outer one).
		var kinds []variable
		for i := range s.Names {
			var k variable
			switch {
			case i < len(s.Exprs):
				k.keyish = l.keyish(s.Exprs[i], sc)
				k.redisCall = l.isRedisCall(s.Exprs[i], sc)
			case len(s.Exprs) > 0:
				k.unknown = true // more names than values: a call's results
			}
			kinds = append(kinds, k)
		}
		for i, n := range s.Names {
			v := l.declare(sc, n, line)
			v.keyish, v.unknown, v.redisCall = kinds[i].keyish, kinds[i].unknown, kinds[i].redisCall
		}
	case *ast.AssignStmt:
		for i, lhs := range s.Lhs {
			if id, ok := lhs.(*ast.IdentExpr); ok {
				if v := sc.lookup(id.Value); v != nil {
					l.used(id.Value, lineOf(id, line), v)
					l.upvalue(v, sc, lineOf(id, line))
					// Flow-insensitive: once built from a key, always.
					switch {
					case i < len(s.Rhs):
						v.keyish = v.keyish || l.keyish(s.Rhs[i], sc)
					default:
						v.unknown = true
					}
				}
				if sc.lookup(id.Value) == nil {
					l.report("W111", Error, lineOf(id, line), id.Value, fmt.Sprintf("assignment to global %s: Redis refuses globals (use local)", id.Value))
				}
				continue
			}
			l.readOnlyWrite(lhs, sc, line)
			l.target(lhs, sc, line)
		}
		l.exprs(sc, line, s.Rhs...)
	case *ast.FuncCallStmt:
		l.expr(s.Expr, sc, line)
	case *ast.DoBlockStmt:
		l.block(s.Stmts, sc, nil)
	case *ast.WhileStmt:
		l.condition(s.Condition, sc, line)
		l.block(s.Stmts, sc, nil)
	case *ast.RepeatStmt:
		inner := &scope{parent: sc, fn: sc.fn}
		for _, b := range s.Stmts {
			l.stmt(b, inner)
		}
		l.expr(s.Condition, inner, line)
		l.closeScope(inner)
	case *ast.IfStmt:
		l.condition(s.Condition, sc, line)
		// if redis.setresp then redis.setresp(3) end: the block runs only
		// where the field exists.
		tested := fieldsIn(s.Condition)
		for _, f := range tested {
			l.guarded[f]++
		}
		l.block(s.Then, sc, nil)
		for _, f := range tested {
			l.guarded[f]--
		}
		l.block(s.Else, sc, nil)
	case *ast.NumberForStmt:
		l.expr(s.Init, sc, line)
		l.expr(s.Limit, sc, line)
		if s.Step != nil {
			l.expr(s.Step, sc, line)
		}
		l.block(s.Stmts, sc, func(in *scope) {
			l.hidden(in, 3, line) // (for index), (for limit), (for step)
			l.declareAt(in, s.Name, 0, line)
		})
	case *ast.GenericForStmt:
		l.exprs(sc, line, s.Exprs...)
		l.block(s.Stmts, sc, func(in *scope) {
			l.hidden(in, 3, line) // (for generator), (for state), (for control)
			for _, n := range s.Names {
				l.declareAt(in, n, 0, line).unknown = true
			}
		})
	case *ast.FuncDefStmt:
		method := false
		switch {
		case s.Name.Receiver != nil:
			l.readOnlyWrite(s.Name.Receiver, sc, line)
			l.expr(s.Name.Receiver, sc, line)
			method = true
		default:
			if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
				if v := sc.lookup(id.Value); v == nil {
					l.report("W111", Error, line, id.Value, fmt.Sprintf("function %s defines a global: Redis refuses globals (use local function)", id.Value))
				}
			} else {
				l.readOnlyWrite(s.Name.Func, sc, line)
				l.target(s.Name.Func, sc, line)
			}
		}
		l.function(s.Func, sc, method)
	case *ast.GotoStmt:
		l.report("E011", Error, line, "goto", "goto is Lua 5.2: Redis's Lua 5.1 refuses it")
	case *ast.LabelStmt:
		l.report("E011", Error, line, s.Name, "a label (::"+s.Name+"::) is Lua 5.2: Redis's Lua 5.1 refuses it")
	case *ast.ReturnStmt:
		l.exprs(sc, line, s.Exprs...)
		if l.depth == 0 && len(s.Exprs) > 1 {
			l.report("RL106", Warning, line, "return", fmt.Sprintf("the script returns %d values: Redis keeps the first; return a table", len(s.Exprs)))
		}
		if l.s.Return() == codec.Number && len(s.Exprs) == 1 {
			if _, ok := s.Exprs[0].(*ast.ArithmeticOpExpr); ok {
				l.report("RL105", Warning, line, "return", "a %return number script returns a bare arithmetic result: Redis truncates number replies to integers; return tostring(...)")
			}
		}
	}
}

func (l *linter) function(fn *ast.FunctionExpr, sc *scope, method bool) {
	l.depth++
	line := fn.Line()
	l.blockIn(fn.Stmts, sc, &fnState{parent: sc.fn, line: line}, func(in *scope) {
		param := func(v *variable) {
			v.fn = in.fn
			in.add(v)
			l.local(in, line)
		}
		if method {
			param(&variable{name: "self", at: line, used: true, unknown: true})
		}
		if fn.ParList != nil {
			for _, n := range fn.ParList.Names {
				param(&variable{name: n, at: line, used: true, unknown: true})
			}
			if fn.ParList.HasVargs {
				// Lua 5.1 gives a vararg function the local table arg
				// (arg.n, arg[1]...).
				param(&variable{name: "arg", at: line, used: true})
			}
		}
	})
	l.depth--
}

// target walks an assignment's target: a field is written, not read,
// so only what leads to it is.
func (l *linter) target(e ast.Expr, sc *scope, line int) {
	if x, ok := e.(*ast.AttrGetExpr); ok {
		l.exprs(sc, line, x.Object, x.Key)
		return
	}
	l.expr(e, sc, line)
}

func lineOf(e ast.Expr, fallback int) int {
	if n := e.Line(); n > 0 {
		return n
	}
	return fallback
}

func (l *linter) expr(e ast.Expr, sc *scope, line int) {
	if e == nil {
		return
	}
	line = lineOf(e, line)
	switch x := e.(type) {
	case *ast.IdentExpr:
		if v := sc.lookup(x.Value); v != nil {
			v.used = true
			l.used(x.Value, line, v)
			l.upvalue(v, sc, line)
			return
		}
		l.readGlobal(x.Value, line)
	case *ast.AttrGetExpr:
		l.field(x, sc, line)
		if id, ok := x.Object.(*ast.IdentExpr); ok && (id.Value == "KEYS" || id.Value == "ARGV") && sc.lookup(id.Value) == nil {
			if l.paramAt(line) == nil && len(l.s.Keys())+len(l.s.Args()) > 0 {
				l.report("RL101", Warning, line, id.Value, fmt.Sprintf("%s[...] in a script that declares %%key/%%arg: the indices collide with the declared ones; declare a %%key or %%arg instead", id.Value))
			}
		}
		l.expr(x.Object, sc, line)
		l.expr(x.Key, sc, line)
	case *ast.FuncCallExpr:
		if l.isRedisCall(x.Func, sc) {
			l.command(x, sc, line)
			l.clusterKeys(x, sc, line)
			l.noWrites(x, line)
		}
		if lib := l.redisLib(x.Func, sc); lib != "" && isCall(x, lib, "setresp") {
			l.setresp(x, line)
		}
		if lib := l.redisLib(x.Func, sc); lib != "" && isCall(x, lib, "replicate_commands") {
			l.report("RL107", Warning, line, "replicate_commands", "redis.replicate_commands() does nothing since Redis 7 (scripts always replicate their effects): remove it")
		}
		probing := l.probing
		l.probing = 0 // a field called is used, whatever surrounds the call
		l.exprs(sc, line, x.Func, x.Receiver)
		l.exprs(sc, line, x.Args...)
		l.probing = probing
		if t := l.s.Return(); (t == codec.List || t == codec.Dict) && isCall(x, "cjson", "encode") {
			for _, a := range x.Args {
				if id := holdsIntArg(a, sc); id != nil {
					l.report("RL104", Warning, lineOf(id, line), id.Value, fmt.Sprintf("cjson.encode of integer argument %s: cjson keeps 14 significant digits; encode it with tostring", id.Value))
				}
			}
		}
	case *ast.StringConcatOpExpr:
		for _, side := range []ast.Expr{x.Lhs, x.Rhs} {
			if name, ok := intArg(side, sc); ok {
				l.report("RL103", Warning, line, name, fmt.Sprintf("integer argument %s concatenated with ..: Lua prints numbers with 14 significant digits; use string.format('%%d', %s) or a string argument", name, name))
			}
		}
		l.exprs(sc, line, x.Lhs, x.Rhs)
	case *ast.ArithmeticOpExpr:
		l.exprs(sc, line, x.Lhs, x.Rhs)
	case *ast.RelationalOpExpr:
		l.exprs(sc, line, x.Lhs, x.Rhs)
	case *ast.LogicalOpExpr:
		l.probing++
		l.expr(x.Lhs, sc, line)
		l.probing--
		l.expr(x.Rhs, sc, line)
	case *ast.UnaryMinusOpExpr:
		l.expr(x.Expr, sc, line)
	case *ast.UnaryNotOpExpr:
		l.expr(x.Expr, sc, line)
	case *ast.UnaryLenOpExpr:
		l.expr(x.Expr, sc, line)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			l.exprs(sc, line, f.Key, f.Value)
		}
	case *ast.FunctionExpr:
		l.function(x, sc, false)
	}
}

// condition walks a tested expression: if redis.setresp then ... probes.
func (l *linter) condition(e ast.Expr, sc *scope, line int) {
	l.probing++
	l.expr(e, sc, line)
	l.probing--
}

// exprs walks expressions in order.
func (l *linter) exprs(sc *scope, line int, es ...ast.Expr) {
	for _, e := range es {
		l.expr(e, sc, line)
	}
}

func isCall(c *ast.FuncCallExpr, object, method string) bool {
	a, ok := c.Func.(*ast.AttrGetExpr)
	if !ok {
		return false
	}
	o, ok1 := a.Object.(*ast.IdentExpr)
	k, ok2 := a.Key.(*ast.StringExpr)
	return ok1 && ok2 && o.Value == object && k.Value == method
}
