package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/yuin/gopher-lua/ast"
)

// isRedisCall reports whether e is redis.call or redis.pcall, or a local
// that holds one (local rcall = redis.call).
func (l *linter) isRedisCall(e ast.Expr, sc *scope) bool {
	switch x := e.(type) {
	case *ast.AttrGetExpr:
		key, ok := x.Key.(*ast.StringExpr)
		return ok && l.redisLib(e, sc) != "" && (key.Value == "call" || key.Value == "pcall")
	case *ast.IdentExpr:
		v := sc.lookup(x.Value)
		return v != nil && v.redisCall
	}
	return false
}

// redisLib returns the name of the Redis library table that e is a
// field of: "redis", or Valkey's alias "server" where the target has it;
// "" otherwise (or when a local hides it).
func (l *linter) redisLib(e ast.Expr, sc *scope) string {
	x, ok := e.(*ast.AttrGetExpr)
	if !ok {
		return ""
	}
	id, ok := x.Object.(*ast.IdentExpr)
	if !ok || sc.lookup(id.Value) != nil {
		return ""
	}
	if id.Value == "redis" || id.Value == "server" {
		if typ, ok := l.t.Global(id.Value); ok && typ == "table" {
			return id.Value
		}
	}
	return ""
}

// libraries are the global tables and functions whose results derive
// only from their arguments, for RL108.
var libraries = map[string]bool{"string": true, "table": true, "math": true, "cjson": true, "cmsgpack": true, "struct": true, "bit": true, "redis": true, "tostring": true, "tonumber": true, "unpack": true, "select": true, "type": true}

// keyish reports whether the value of e may be a key the script was
// given: it reads KEYS or a %key, or a variable built from one, or
// something the linter cannot see through (a function's parameter, the
// result of a function of the script, a table). A literal, ARGV, or a
// library call on neither is not.
func (l *linter) keyish(e ast.Expr, sc *scope) bool {
	switch x := e.(type) {
	case nil:
		return false
	case *ast.IdentExpr:
		if v := sc.lookup(x.Value); v != nil {
			return v.keyish || v.unknown || (v.param != nil && v.param.Kind == resolve.KeyParam)
		}
		return x.Value == "KEYS"
	case *ast.StringExpr, *ast.NumberExpr, *ast.NilExpr, *ast.TrueExpr, *ast.FalseExpr:
		return false
	case *ast.AttrGetExpr:
		return l.keyish(x.Object, sc) || l.keyish(x.Key, sc)
	case *ast.StringConcatOpExpr:
		return l.keyish(x.Lhs, sc) || l.keyish(x.Rhs, sc)
	case *ast.ArithmeticOpExpr:
		return l.keyish(x.Lhs, sc) || l.keyish(x.Rhs, sc)
	case *ast.LogicalOpExpr:
		return l.keyish(x.Lhs, sc) || l.keyish(x.Rhs, sc)
	case *ast.RelationalOpExpr, *ast.UnaryNotOpExpr, *ast.UnaryLenOpExpr, *ast.UnaryMinusOpExpr:
		return false
	case *ast.FuncCallExpr:
		if x.Receiver != nil {
			// ("k:%s"):format(id), key:upper(): built from the receiver
			// and the arguments.
			if l.keyish(x.Receiver, sc) {
				return true
			}
		} else {
			root := x.Func
			for a, ok := root.(*ast.AttrGetExpr); ok; a, ok = root.(*ast.AttrGetExpr) {
				root = a.Object
			}
			id, ok := root.(*ast.IdentExpr)
			if !ok || sc.lookup(id.Value) != nil || !libraries[id.Value] {
				return true // a function of the script: cannot see through it
			}
		}
		for _, a := range x.Args {
			if l.keyish(a, sc) {
				return true
			}
		}
		return false
	}
	return true
}

// noWrites reports a write command called by a script whose #! line
// says no-writes (RL109): Redis 7 refuses it when the script runs
// ("Write commands are not allowed from read-only scripts"). Which
// commands write is COMMAND's "write" flag (the target's table).
func (l *linter) noWrites(call *ast.FuncCallExpr, line int) {
	if len(call.Args) == 0 || !slices.Contains(l.s.Flags(), "no-writes") {
		return
	}
	name, ok := call.Args[0].(*ast.StringExpr)
	if !ok {
		return
	}
	if c := l.t.Command(name.Value); c != nil && c.Has("write") {
		l.report("RL109", Error, lineOf(call.Args[0], line), "", fmt.Sprintf("%s writes, in a script whose flags say no-writes: Redis refuses it", strings.ToUpper(name.Value)))
	}
}

// clusterKeys reports the key arguments of a redis.call that are
// neither a declared key nor built from one (RL108): on a cluster such a
// key may live on another node than the script's declared keys, and
// Redis refuses or, worse, a moved slot breaks the script later.
func (l *linter) clusterKeys(call *ast.FuncCallExpr, sc *scope, line int) {
	if len(call.Args) == 0 {
		return
	}
	name, ok := call.Args[0].(*ast.StringExpr)
	if !ok {
		return
	}
	c := l.t.Command(name.Value)
	if c == nil {
		return
	}
	first, last, step := c.Keys()
	if first <= 0 || step <= 0 || c.Has("movablekeys") {
		return
	}
	n := len(call.Args) - 1 // the command's arguments after its name
	end := last
	if end < 0 {
		// Keys up to the end: unpack(...) or ... at the end leaves
		// their number unknown.
		switch call.Args[n].(type) {
		case *ast.FuncCallExpr, *ast.Comma3Expr:
			if n > 0 {
				return
			}
		}
		end = n + end + 1
	}
	for i := first; i <= end && i <= n; i += step {
		arg := call.Args[i]
		if l.keyish(arg, sc) {
			continue
		}
		word := ""
		switch x := arg.(type) {
		case *ast.IdentExpr:
			word = x.Value
		case *ast.StringExpr:
			// The literal as written, for its column.
			if o, ok := l.s.Origin(lineOf(arg, line)); ok {
				for _, q := range []string{"'", `"`} {
					if strings.Contains(o.Text, q+x.Value+q) {
						word = q + x.Value + q
						break
					}
				}
			}
		}
		l.report("RL108", Warning, lineOf(arg, line), word, fmt.Sprintf("%s key argument %d is neither a declared key nor built from one: on a cluster it may live on another node; declare it with %%key (or pass it in KEYS)", strings.ToUpper(name.Value), i))
	}
}
