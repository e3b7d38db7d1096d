// Package lint checks the Lua of rendered redislua scripts: it parses a
// script with gopher-lua and reports, at the real file and line (through
// the source map), what Redis would refuse or what is likely a mistake.
// `redis-lua check` and the redis-lua-vet analyzers use it.
//
// Rules (luacheck's numbers where it has one):
//
//	E011   syntax error
//	W111   assignment to a global: Redis refuses it at run time
//	W113   read of a global Redis does not provide
//	W211   unused local variable
//	RL101  KEYS[..] or ARGV[..] in a script that declares %key or %arg:
//	       their indices collide with the declared ones
//	RL102  a declared key or argument that is never used
//	RL103  an integer argument concatenated with ..: Lua prints numbers
//	       with 14 significant digits, so large ids become wrong keys
//	RL104  cjson.encode of a value holding an integer argument in a
//	       script that returns a list or dict: cjson keeps 14 digits
//	RL105  a %return number script returning an arithmetic expression:
//	       Redis truncates a number reply to an integer; return
//	       tostring(x)
//
// E011, W111 and W113 are errors (the script cannot work); the others
// are warnings. A comment "redislua:ignore" on a source line silences
// every finding of that line; "redislua:ignore W211 RL103" only those.
package lint

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/resolve"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Severity says whether a finding means the script cannot work.
type Severity int

// The severities.
const (
	Warning Severity = iota
	Error
)

// Finding is one problem, at the real file, line and column.
type Finding struct {
	Code     string
	Severity Severity
	Message  string
	Pos      resolve.Position
	Line     int // the rendered line
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: (%s) %s", f.Pos, f.Code, f.Message)
}

// Globals are the globals Redis 7 gives scripts.
var Globals = map[string]bool{}

func init() {
	for _, g := range strings.Fields(`ARGV KEYS _G _VERSION assert bit cjson cmsgpack collectgarbage
		coroutine error gcinfo getmetatable ipairs load loadstring math next pairs pcall rawequal
		rawget rawset redis select setmetatable string struct table tonumber tostring type unpack xpcall`) {
		Globals[g] = true
	}
}

// Lint checks a loaded script and returns its findings in source order,
// without those a redislua:ignore comment silences.
func Lint(s *resolve.Script) []Finding {
	l := &linter{s: s, params: map[[2]any]resolve.Param{}}
	for _, ps := range [][]resolve.Param{s.Keys(), s.Args()} {
		for _, p := range ps {
			l.params[[2]any{p.Pos.File, p.Pos.Line}] = p
		}
	}
	src := s.Source()
	if strings.HasPrefix(src, "#!") {
		// gopher-lua does not know Redis 7's shebang: blank it, keeping lines.
		end := strings.IndexByte(src, '\n')
		if end < 0 {
			end = len(src)
		}
		src = "--" + src[2:end] + src[end:]
	}
	chunk, err := parse.Parse(strings.NewReader(src), s.Name())
	if err != nil {
		l.syntax(err)
		return l.done()
	}
	l.block(chunk, nil, nil)
	return l.done()
}

type linter struct {
	s        *resolve.Script
	params   map[[2]any]resolve.Param // by (file, line) of the directive
	findings []Finding
	// reported holds the findings made so far: a file included many
	// times renders the same lines many times, and each of its problems
	// is reported once.
	reported map[Finding]bool
}

type variable struct {
	name  string
	line  int
	param *resolve.Param
	used  bool
}

type scope struct {
	parent *scope
	vars   []*variable
	// byName indexes vars once there are many (a script of 100,000
	// %arg lines has as many locals in one scope): the newest of a name.
	byName map[string]*variable
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

var syntaxRE = regexp.MustCompile(`line:(\d+)\(column:(\d+)\) near '(.*)':\s*(.*?)\s*$`)

func (l *linter) syntax(err error) {
	msg := err.Error()
	line, col := 1, 0
	if m := syntaxRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		msg = m[4] + " near '" + m[3] + "'"
	}
	l.report("E011", Error, line, "", msg)
	if n := len(l.findings); n > 0 && col > 0 {
		l.findings[n-1].Pos.Col = col
	}
}

// report adds a finding at rendered line; word, when found on the source
// line, gives the column.
func (l *linter) report(code string, sev Severity, line int, word, msg string) {
	f := Finding{Code: code, Severity: sev, Message: msg, Line: line, Pos: resolve.Position{File: l.s.Name() + resolve.Ext, Line: line}}
	if last, ok := l.s.Origin(line); ok {
		f.Pos = resolve.Position{File: last.Script + resolve.Ext, Line: last.Line}
		if word != "" {
			src := codePart(last.Text)
			i := indexWord(src, word)
			if readOnly[code] {
				// A read: the last occurrence (size=size: the value).
				i = lastIndexWord(src, word)
			}
			if i >= 0 {
				f.Pos.Col = i + 1
			}
		}
		if silenced(last.Text, code) {
			return
		}
	}
	key := f
	key.Line = 0
	if l.reported[key] {
		return
	}
	if l.reported == nil {
		l.reported = map[Finding]bool{}
	}
	l.reported[key] = true
	l.findings = append(l.findings, f)
}

// codePart is a line without its trailing -- comment (quotes respected,
// long strings and comments not).
func codePart(text string) string {
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			return text[:i]
		}
	}
	return text
}

// readOnly are the codes that report a read of a name, not a definition.
var readOnly = map[string]bool{"W113": true, "RL103": true, "RL104": true}

// lastIndexWord finds the last whole-identifier occurrence of name.
func lastIndexWord(text, name string) int {
	last := -1
	for i := 0; i < len(text); {
		j := indexWord(text[i:], name)
		if j < 0 {
			break
		}
		last = i + j
		i = last + 1
	}
	return last
}

// indexWord finds name in a line as a whole identifier.
func indexWord(text, name string) int {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return -1
		}
		j += i
		before := j == 0 || !isIdent(text[j-1])
		after := j+len(name) == len(text) || !isIdent(text[j+len(name)])
		if before && after {
			return j
		}
		i = j + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func silenced(text, code string) bool {
	i := strings.Index(text, "redislua:ignore")
	if i < 0 {
		return false
	}
	codes := strings.Fields(text[i+len("redislua:ignore"):])
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if strings.TrimRight(c, ",") == code {
			return true
		}
	}
	return false
}

func (l *linter) done() []Finding { return l.findings }

// inTop reports whether rendered line is a line of the top script itself.
func (l *linter) inTop(line int) bool {
	o, ok := l.s.Origin(line)
	return ok && o.Script == l.s.Name()
}

// Entries returns the scripts of a set that no other script of the set
// includes, sorted by name: the ones to lint, since included files are
// linted in the context of the scripts that include them.
func Entries(scripts map[string]*resolve.Script) []*resolve.Script {
	included := map[string]bool{}
	for _, s := range scripts {
		for _, inc := range s.Includes() {
			included[inc] = true
		}
	}
	var out []*resolve.Script
	for name, s := range scripts {
		if !included[name] {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

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

// block walks statements in a new scope and reports its unused locals.
func (l *linter) block(stmts []ast.Stmt, parent *scope, declare func(*scope)) {
	sc := &scope{parent: parent}
	if declare != nil {
		declare(sc)
	}
	for _, st := range stmts {
		l.stmt(st, sc)
	}
	l.closeScope(sc)
}

func (l *linter) closeScope(sc *scope) {
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
	v := &variable{name: name, line: line}
	if line > 0 {
		if p := l.paramAt(line); p != nil && p.Name == name {
			v.param = p
		}
	}
	sc.add(v)
	return v
}

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
		for _, n := range s.Names {
			l.declare(sc, n, line)
		}
	case *ast.AssignStmt:
		l.exprs(sc, line, s.Rhs...)
		for _, lhs := range s.Lhs {
			if id, ok := lhs.(*ast.IdentExpr); ok {
				if sc.lookup(id.Value) == nil {
					l.report("W111", Error, lineOf(id, line), id.Value, fmt.Sprintf("assignment to global %s: Redis refuses globals (use local)", id.Value))
				}
				continue
			}
			l.expr(lhs, sc, line)
		}
	case *ast.FuncCallStmt:
		l.expr(s.Expr, sc, line)
	case *ast.DoBlockStmt:
		l.block(s.Stmts, sc, nil)
	case *ast.WhileStmt:
		l.expr(s.Condition, sc, line)
		l.block(s.Stmts, sc, nil)
	case *ast.RepeatStmt:
		inner := &scope{parent: sc}
		for _, b := range s.Stmts {
			l.stmt(b, inner)
		}
		l.expr(s.Condition, inner, line)
		l.closeScope(inner)
	case *ast.IfStmt:
		l.expr(s.Condition, sc, line)
		l.block(s.Then, sc, nil)
		l.block(s.Else, sc, nil)
	case *ast.NumberForStmt:
		l.expr(s.Init, sc, line)
		l.expr(s.Limit, sc, line)
		if s.Step != nil {
			l.expr(s.Step, sc, line)
		}
		l.block(s.Stmts, sc, func(in *scope) { l.declare(in, s.Name, 0) })
	case *ast.GenericForStmt:
		l.exprs(sc, line, s.Exprs...)
		l.block(s.Stmts, sc, func(in *scope) {
			for _, n := range s.Names {
				l.declare(in, n, 0)
			}
		})
	case *ast.FuncDefStmt:
		method := false
		switch {
		case s.Name.Receiver != nil:
			l.expr(s.Name.Receiver, sc, line)
			method = true
		default:
			if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
				if v := sc.lookup(id.Value); v == nil {
					l.report("W111", Error, line, id.Value, fmt.Sprintf("function %s defines a global: Redis refuses globals (use local function)", id.Value))
				}
			} else {
				l.expr(s.Name.Func, sc, line)
			}
		}
		l.function(s.Func, sc, method)
	case *ast.ReturnStmt:
		l.exprs(sc, line, s.Exprs...)
		if l.s.Return() == codec.Number && len(s.Exprs) == 1 {
			if _, ok := s.Exprs[0].(*ast.ArithmeticOpExpr); ok {
				l.report("RL105", Warning, line, "return", "a %return number script returns a bare arithmetic result: Redis truncates number replies to integers; return tostring(...)")
			}
		}
	}
}

func (l *linter) function(fn *ast.FunctionExpr, sc *scope, method bool) {
	l.block(fn.Stmts, sc, func(in *scope) {
		if method {
			in.add(&variable{name: "self", used: true})
		}
		if fn.ParList != nil {
			for _, n := range fn.ParList.Names {
				in.add(&variable{name: n, used: true})
			}
		}
	})
}

func lineOf(e ast.Expr, fallback int) int {
	if n := e.Line(); n > 0 {
		return n
	}
	return fallback
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

func (l *linter) expr(e ast.Expr, sc *scope, line int) {
	if e == nil {
		return
	}
	line = lineOf(e, line)
	switch x := e.(type) {
	case *ast.IdentExpr:
		if v := sc.lookup(x.Value); v != nil {
			v.used = true
			return
		}
		if !Globals[x.Value] {
			l.report("W113", Error, line, x.Value, fmt.Sprintf("read of global %s, which Redis does not provide", x.Value))
		}
	case *ast.AttrGetExpr:
		if id, ok := x.Object.(*ast.IdentExpr); ok && (id.Value == "KEYS" || id.Value == "ARGV") && sc.lookup(id.Value) == nil {
			if l.paramAt(line) == nil && len(l.s.Keys())+len(l.s.Args()) > 0 {
				l.report("RL101", Warning, line, id.Value, fmt.Sprintf("%s[...] in a script that declares %%key/%%arg: the indices collide with the declared ones; declare a %%key or %%arg instead", id.Value))
			}
		}
		l.expr(x.Object, sc, line)
		l.expr(x.Key, sc, line)
	case *ast.FuncCallExpr:
		l.exprs(sc, line, x.Func, x.Receiver)
		l.exprs(sc, line, x.Args...)
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
		l.exprs(sc, line, x.Lhs, x.Rhs)
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
