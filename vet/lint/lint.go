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
//	W122   assignment to a field of a global table (function
//	       table.extend, redis.call = nil, _G.x): Redis 7's global
//	       tables are read-only, the script fails
//	W143   a field of a Redis library that does not exist (redis.cal,
//	       cjson.encod, string.len2)
//	RL106  several values returned from the top level: Redis keeps the
//	       first
//	RL107  redis.replicate_commands(): does nothing since Redis 7
//	RL108  a key argument of a redis.call that is neither a declared key
//	       nor built from one: cluster-unsafe (key positions from
//	       redis-server's COMMAND, commands7.txt)
//	RL109  a write command in a script whose #! flags say no-writes:
//	       Redis 7 refuses it
//
// E011 also covers what gopher-lua accepts and Redis's Lua 5.1 refuses
// (goto, labels, numerals such as 3e); the implicit local table arg of a
// vararg function is known. E011, W111, W113, W122, W143 and RL109 are
// errors (the script cannot work); the others are warnings. A comment "redislua:ignore" on a source line silences
// every finding of that line; "redislua:ignore W211 RL103" only those.
package lint

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
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

// Globals are the globals Redis 7 gives scripts, and Fields the fields
// of its global tables (redis.call, cjson.encode, string.len...), read
// off redis-server 7.0.15 by redis7.lua (redis7.txt). Every global table
// is read-only in Redis 7.
var (
	Globals = map[string]bool{}
	Fields  = map[string]map[string]bool{}
)

//go:embed redis7.txt
var redis7 string

// Command is what the linter knows of a Redis command: where its keys
// are among its arguments (COMMAND INFO's first, last and step, from 1
// after the name; last -1 is the last argument) and its flags (write,
// readonly, movablekeys...).
type Command struct {
	First, Last, Step int
	Flags             []string
}

// Has reports whether the command has a flag.
func (c Command) Has(flag string) bool {
	for _, f := range c.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// Commands are redis-server 7.0.15's commands (commands7.txt, from
// COMMAND; cli's TestLintCommandsMatchRedis checks and regenerates it).
var Commands = map[string]Command{}

//go:embed commands7.txt
var commands7 string

func init() {
	for _, line := range strings.Split(strings.TrimSpace(commands7), "\n") {
		var name, flags string
		var c Command
		if n, _ := fmt.Sscan(line, &name, &c.First, &c.Last, &c.Step, &flags); n >= 4 {
			c.Flags = strings.Split(flags, ",")
			Commands[name] = c
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(redis7), "\n") {
		name, _, _ := strings.Cut(line, " ")
		if strings.HasPrefix(name, "__") {
			continue // Redis's own error handler
		}
		if table, field, ok := strings.Cut(name, "."); ok {
			if Fields[table] == nil {
				Fields[table] = map[string]bool{}
			}
			Fields[table][field] = true
			continue
		}
		Globals[name] = true
	}
}

// Lint checks a loaded script and returns its findings in source order,
// without those a redislua:ignore comment silences.
func Lint(s *resolve.Script) []Finding {
	l := &linter{s: s, params: map[[2]any]resolve.Param{}, guarded: map[string]int{}}
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
	src, malformed := numerals(src)
	if len(malformed) > 0 {
		for _, m := range malformed {
			l.reportAt("E011", Error, m.line, m.col, "malformed number near '"+m.text+"'")
		}
		return l.done()
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
	s     *resolve.Script
	depth int // of function nesting: 0 in the main chunk
	// probing is above 0 while walking a value that is only tested (an
	// operand of and/or, a condition): table.unpack or unpack reads a
	// field that may not exist on purpose.
	probing int
	// written holds the fields of global tables the script assigns
	// (reported as W122): reading them is no second mistake.
	written map[string]bool
	// guarded counts the fields an enclosing if tests (see IfStmt).
	guarded map[string]int
	// seen counts the reports of a code and a word on the rendered line
	// seenLine, so that each occurrence gets its own column. Only the
	// line being reported is kept (reports of a line come together): a
	// map of every line cost 40 bytes and a hash per rendered line, and
	// doubled the time of checking a 16.8M-line rendering.
	seen     []seenKey
	seenLine int
	params   map[[2]any]resolve.Param // by (file, line) of the directive
	findings []Finding
	// reported holds the findings made so far: a file included many
	// times renders the same lines many times, and each of its problems
	// is reported once.
	reported map[Finding]bool
}

type seenKey struct {
	code, word string
	n          int
}

type variable struct {
	name  string
	line  int
	param *resolve.Param
	used  bool
	// What the value may be, for RL108: built from a key (KEYS, a %key,
	// a variable built from one), unknown (a function's parameter, a
	// loop variable), or redis.call itself (local rcall = redis.call).
	keyish, unknown, redisCall bool
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
	l.reportAt("E011", Error, line, col, msg)
}

// reportAt adds a finding at a rendered line and column.
func (l *linter) reportAt(code string, sev Severity, line, col int, msg string) {
	n := len(l.findings)
	l.report(code, sev, line, "", msg)
	if len(l.findings) > n && col > 0 {
		l.findings[n].Pos.Col = col
	}
}

// report adds a finding at rendered line; word, when found on the source
// line, gives the column.
func (l *linter) report(code string, sev Severity, line int, word, msg string) {
	f := Finding{Code: code, Severity: sev, Message: msg, Line: line, Pos: resolve.Position{File: l.s.Name() + resolve.Ext, Line: line}}
	if last, ok := l.s.Origin(line); ok {
		f.Pos = resolve.Position{File: last.Script + resolve.Ext, Line: last.Line}
		if word != "" {
			// The k-th report of a code and a word on a line is at the
			// k-th occurrence of the word, counted from the end for a
			// read (local size = size: the value is the last).
			k := l.countSeen(line, code, word)
			src := codePart(last.Text)
			i := nthIndexWord(src, word, k, readOnly[code])
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

// countSeen returns how many reports of code and word line had before
// this one, and counts this one.
func (l *linter) countSeen(line int, code, word string) int {
	if line != l.seenLine {
		l.seen, l.seenLine = l.seen[:0], line
	}
	for i := range l.seen {
		if e := &l.seen[i]; e.code == code && e.word == word {
			e.n++
			return e.n - 1
		}
	}
	l.seen = append(l.seen, seenKey{code, word, 1})
	return 0
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

// nthIndexWord finds the k-th (from 0) whole-identifier occurrence of
// name, counted from the end when fromEnd; the last (or first) one when
// there are fewer, -1 when there is none.
func nthIndexWord(text, name string, k int, fromEnd bool) int {
	var at []int
	for i := 0; i < len(text); {
		j := indexWord(text[i:], name)
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + len(name)
	}
	if len(at) == 0 {
		return -1
	}
	k = min(k, len(at)-1)
	if fromEnd {
		return at[len(at)-1-k]
	}
	return at[k]
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
		inner := &scope{parent: sc}
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
		l.block(s.Stmts, sc, func(in *scope) { l.declare(in, s.Name, 0) })
	case *ast.GenericForStmt:
		l.exprs(sc, line, s.Exprs...)
		l.block(s.Stmts, sc, func(in *scope) {
			for _, n := range s.Names {
				l.declare(in, n, 0).unknown = true
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
	l.block(fn.Stmts, sc, func(in *scope) {
		if method {
			in.add(&variable{name: "self", used: true, unknown: true})
		}
		if fn.ParList != nil {
			for _, n := range fn.ParList.Names {
				in.add(&variable{name: n, used: true, unknown: true})
			}
			if fn.ParList.HasVargs {
				// Lua 5.1 gives a vararg function the local table arg
				// (arg.n, arg[1]...).
				in.add(&variable{name: "arg", used: true})
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
			l.clusterKeys(x, sc, line)
			l.noWrites(x, line)
		}
		if isCall(x, "redis", "replicate_commands") && sc.lookup("redis") == nil {
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

// condition walks a tested expression: if redis.setresp then ... probes.
func (l *linter) condition(e ast.Expr, sc *scope, line int) {
	l.probing++
	l.expr(e, sc, line)
	l.probing--
}

// isRedisCall reports whether e is redis.call or redis.pcall, or a local
// that holds one (local rcall = redis.call).
func (l *linter) isRedisCall(e ast.Expr, sc *scope) bool {
	switch x := e.(type) {
	case *ast.AttrGetExpr:
		id, ok1 := x.Object.(*ast.IdentExpr)
		key, ok2 := x.Key.(*ast.StringExpr)
		return ok1 && ok2 && id.Value == "redis" && sc.lookup("redis") == nil && (key.Value == "call" || key.Value == "pcall")
	case *ast.IdentExpr:
		v := sc.lookup(x.Value)
		return v != nil && v.redisCall
	}
	return false
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
		root := x.Func
		if x.Receiver != nil {
			root = x.Receiver // ("k:%s"):format(id), key:upper()
			if l.keyish(x.Receiver, sc) {
				return true
			}
		} else {
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
// commands write is COMMAND's "write" flag (commands7.txt).
func (l *linter) noWrites(call *ast.FuncCallExpr, line int) {
	if len(call.Args) == 0 || !slices.Contains(l.s.Flags(), "no-writes") {
		return
	}
	name, ok := call.Args[0].(*ast.StringExpr)
	if !ok {
		return
	}
	if c, ok := Commands[strings.ToLower(name.Value)]; ok && c.Has("write") {
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
	c, ok := Commands[strings.ToLower(name.Value)]
	if !ok || c.First <= 0 || c.Step <= 0 || c.Has("movablekeys") {
		return
	}
	n := len(call.Args) - 1 // the command's arguments after its name
	end := c.Last
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
	for i := c.First; i <= end && i <= n; i += c.Step {
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
