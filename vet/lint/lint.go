// Package lint checks the Lua of rendered redislua scripts: it parses a
// script with gopher-lua and reports, at the real file and line (through
// the source map), what Redis would refuse or what is likely a mistake.
// `redis-lua check`, the redis-lua-vet analyzers and the language server
// use it. A finding reads "file:line:col: error: message (CODE)" (or
// warning: Finding.String).
//
// What Redis has comes from a target's table (package commands: the
// commands, their arity, flags, key positions and argument grammar, and
// the globals of its Lua), redis-7.0 unless Options say otherwise.
//
// Rules (luacheck's numbers where it has one):
//
//	E011   syntax error
//	E012   more than 200 active locals in a function (Lua 5.1's
//	       LUAI_MAXVARS); the main chunk holds the top-level locals of
//	       every included file, reported where the 201st is declared
//	E013   a function using more than 60 locals of enclosing functions
//	       (upvalues, LUAI_MAXUPVALUES)
//	E014   more than 200 nested syntax levels (LUAI_MAXCCALLS): brackets
//	       and blocks, a lower bound of what the parser counts
//	W111   assignment to a global: Redis refuses it at run time
//	W113   read of a global the target does not provide (Valkey's
//	       server is one under a Valkey target only)
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
//	       nor built from one: cluster-unsafe (key positions from the
//	       target's COMMAND)
//	RL109  a write command in a script whose #! flags say no-writes:
//	       Redis 7 refuses it
//
// The calls of redis.call and redis.pcall (server.call under Valkey),
// where the command's name is a literal (a name or argument the linter
// cannot see is never an error):
//
//	RL201  unknown command, with a suggestion
//	RL202  unknown subcommand (OBJECT ENCODINGX), with a suggestion
//	RL203  a number of arguments the command's arity refuses
//	RL204  a command flagged noscript (MULTI, BLPOP on Redis 7.0, CLIENT
//	       SETNAME...): Redis refuses it from scripts
//	RL205  a command the target lacks and a newer server has (HEXPIRE
//	       on redis-7.0)
//	RL206  a deprecated command, with its replacement (warning)
//	RL207  a command, subcommand or global that a server of Options.Also
//	       lacks or refuses from scripts (warning)
//	RL208  argument grammar: an option missing its value (SET k v EX),
//	       options of a one-of group together (NX XX; not those Redis
//	       takes together, such as EXPIRE's XX GT), a word that is no option where only
//	       options may follow (SET k v EXX 10)
//	RL209  a literal that is no number where the grammar wants an
//	       integer (INCRBY k abc, PX soon; HSCAN and LINDEX read their
//	       arguments only when the key exists, and then refuse it)
//	RL210  redis.call() without a command
//	RL211  a table, function, nil or boolean argument
//	RL212  redis.setresp with a literal other than 2 or 3, or none
//
// E011 also covers what gopher-lua accepts and Redis's Lua 5.1 refuses
// (goto, labels, numerals such as 3e); the implicit local table arg of a
// vararg function is known. Warnings are W211, RL101-RL108, RL206 and
// RL207; every other rule is an error (the script cannot work: each is
// refused by the real redis-server 7.0.15, as testdata/constructs.txtar
// and cli's TestConstructsOnRedis show). A comment "redislua:ignore" on
// a source line silences every finding of that line; "redislua:ignore
// W211 RL103" only those.
package lint

import (
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/yuin/gopher-lua/parse"
)

// Options say which servers a script is checked against.
type Options struct {
	// Target is the server the scripts run on: its commands and the
	// globals of its Lua (nil: commands.Default(), redis-7.0).
	Target *commands.Table
	// Also are other servers the scripts must run on too: a command,
	// subcommand or global one of them lacks is a warning (RL207).
	Also []*commands.Table
}

// Lint checks a loaded script and returns its findings in source order,
// without those a redislua:ignore comment silences.
func Lint(s *resolve.Script) []Finding { return LintWith(s, Options{}) }

// LintWith is Lint against the servers of o.
func LintWith(s *resolve.Script, o Options) []Finding {
	if o.Target == nil {
		o.Target = commands.Default()
	}
	l := newLinter(s, o)
	src, malformed := numerals(luaSource(s))
	if len(malformed) > 0 {
		for _, m := range malformed {
			l.reportAt("E011", Error, m.line, m.col, "malformed number near '"+m.text+"'")
		}
		return l.done()
	}
	chunk, err := parse.Parse(strings.NewReader(src), s.Name())
	if err != nil {
		l.syntax(err, src)
		return l.done()
	}
	l.levels(src)
	l.blockIn(chunk, nil, &fnState{}, nil)
	return l.done()
}

// newLinter returns a linter of s with the options o (a target set).
func newLinter(s *resolve.Script, o Options) *linter {
	l := &linter{s: s, t: o.Target, also: o.Also, params: map[[2]any]resolve.Param{}, guarded: map[string]int{}}
	for _, ps := range [][]resolve.Param{s.Keys(), s.Args()} {
		for _, p := range ps {
			l.params[[2]any{p.Pos.File, p.Pos.Line}] = p
		}
	}
	return l
}

// luaSource is the rendered script as gopher-lua reads it: Redis 7's
// shebang, which it does not know, blanked, keeping the lines.
func luaSource(s *resolve.Script) string {
	src := s.Source()
	if strings.HasPrefix(src, "#!") {
		end := strings.IndexByte(src, '\n')
		if end < 0 {
			end = len(src)
		}
		src = "--" + src[2:end] + src[end:]
	}
	return src
}

type linter struct {
	s     *resolve.Script
	t     *commands.Table   // the target
	also  []*commands.Table // other servers the script must run on
	depth int               // of function nesting: 0 in the main chunk
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
	// refs, when not nil, collects the uses of locals (References).
	refs *[]ref
}

// ref is a use of a local at a rendered line, and its declaration's.
type ref struct {
	name      string
	use, decl int
}

// used records that name at rendered line resolves to v.
func (l *linter) used(name string, line int, v *variable) {
	if l.refs != nil && v.at > 0 {
		*l.refs = append(*l.refs, ref{name, line, v.at})
	}
}
