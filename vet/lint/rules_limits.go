package lint

import (
	"fmt"

	"github.com/redislua/redislua/vet/luascan"
)

// Lua 5.1's compile-time limits (luaconf.h), which Redis keeps: a
// script that crosses one does not load. Every file a script includes
// renders into its one main chunk, so helpers of 110 locals each cross
// the limit on locals together.
const (
	maxVars     = 200 // LUAI_MAXVARS: active locals of a function
	maxUpvalues = 60  // LUAI_MAXUPVALUES: upvalues of a function
	maxLevels   = 200 // LUAI_MAXCCALLS: nested syntax levels
)

// local counts one more active local of sc's function, declared at
// rendered line (E012 at the 201st).
func (l *linter) local(sc *scope, line int) {
	sc.locals++
	fn := sc.fn
	fn.active++
	if fn.active > maxVars && !fn.reported {
		fn.reported = true
		l.report("E012", Error, line, "", fmt.Sprintf("%s has more than %d local variables: Lua 5.1 refuses it (every included file's top-level locals count in the main chunk); put some in a table or a do ... end block", l.realFn(fn), maxVars))
	}
}

// hidden counts the hidden locals of a for loop.
func (l *linter) hidden(sc *scope, n, line int) {
	for range n {
		l.local(sc, line)
	}
}

func fnName(fn *fnState) string {
	if fn.parent == nil {
		return "the main chunk"
	}
	return fmt.Sprintf("the function at line %d", fn.line)
}

// realFn names fn by the line of its own file.
func (l *linter) realFn(fn *fnState) string {
	if fn.parent == nil {
		return fnName(fn)
	}
	return fmt.Sprintf("the function at line %d", l.realLine(fn.line))
}

// upvalue records that the function of sc reads or writes v: every
// function between v's and sc's captures it (E013 at the 61st).
func (l *linter) upvalue(v *variable, sc *scope, line int) {
	for fn := sc.fn; fn != nil && fn != v.fn; fn = fn.parent {
		if fn.upvalues == nil {
			fn.upvalues = map[*variable]bool{}
		}
		if fn.upvalues[v] {
			continue
		}
		fn.upvalues[v] = true
		if len(fn.upvalues) == maxUpvalues+1 {
			l.report("E013", Error, line, v.name, fmt.Sprintf("%s uses more than %d locals of enclosing functions (upvalues): Lua 5.1 refuses it; pass them in a table", l.realFn(fn), maxUpvalues))
		}
	}
}

// realLine is the line, in its own file, of a rendered line.
func (l *linter) realLine(line int) int {
	if o, ok := l.s.Origin(line); ok {
		return o.Line
	}
	return line
}

// levels reports where the source nests deeper than Lua 5.1's parser
// allows ("chunk has too many syntax levels", E014). It counts a lower
// bound of the parser's levels: one per open bracket ( [ { and one per
// block (function, do, then, repeat), from the main chunk's one; the
// parser also counts levels this does not (operators, expressions), so a
// script it passes may still fail, never the other way.
func (l *linter) levels(src string) {
	depth := 1
	// A function's parameter list is no expression: its parentheses are
	// not counted (the body's block is).
	function, params := false, false
	for sc := luascan.New(src); ; {
		t := sc.Next()
		switch {
		case t.Kind == luascan.EOF:
			return
		case t.Kind == luascan.Keyword:
			switch t.Text {
			case "function":
				depth++
				function = true
			case "do", "then", "repeat":
				depth++
			case "end", "until", "elseif":
				depth--
			}
		case t.Kind != luascan.Op:
		case t.Text == "(" && function:
			function, params = false, true
		case t.Text == ")" && params:
			params = false
		case t.Text == "(" || t.Text == "[" || t.Text == "{":
			depth++
		case t.Text == ")" || t.Text == "]" || t.Text == "}":
			depth--
		}
		if depth > maxLevels {
			l.reportAt("E014", Error, t.Line, t.Col, fmt.Sprintf("more than %d nested syntax levels: Lua 5.1 refuses it (chunk has too many syntax levels)", maxLevels))
			return
		}
	}
}
