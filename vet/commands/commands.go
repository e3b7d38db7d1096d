package commands

import (
	"slices"
	"strings"
)

// Table is what one server says about itself: its commands and the
// globals of its Lua. It is read-only and safe for concurrent use.
type Table struct {
	name, server, version string
	cmds                  map[string]*Command // by lower-case name, subcommands as "client|setname"
	top                   []*Command          // sorted by name
	globals               map[string]string   // name → Lua type
	fields                map[string]map[string]string
}

// Name is the table's target name: redis-7.0, valkey-8.0...
func (t *Table) Name() string { return t.name }

// Server is "redis" or "valkey".
func (t *Table) Server() string { return t.server }

// Version is the version the server reported (7.0.15); a live server's
// table (FromReplies) has the version it was given.
func (t *Table) Version() string { return t.version }

// Command returns a command or a subcommand ("client|setname", or
// Command("client").Subcommand("setname")), case-insensitive; nil when
// the server does not have it.
func (t *Table) Command(name string) *Command { return t.cmds[strings.ToLower(name)] }

// Commands returns the top-level commands, sorted by name.
func (t *Table) Commands() []*Command { return slices.Clone(t.top) }

// Global reports whether the server's Lua has a global and its type
// ("table", "function"...). KEYS and ARGV are globals too.
func (t *Table) Global(name string) (typ string, ok bool) {
	typ, ok = t.globals[name]
	return typ, ok
}

// Globals returns the names of the Lua globals, sorted.
func (t *Table) Globals() []string { return sortedKeys(t.globals) }

// Field reports whether the global table has a field (redis.call,
// cjson.encode, string.len) and its type.
func (t *Table) Field(table, field string) (typ string, ok bool) {
	typ, ok = t.fields[table][field]
	return typ, ok
}

// Fields returns the fields of a global table, sorted (nil for a global
// that is no table).
func (t *Table) Fields(table string) []string { return sortedKeys(t.fields[table]) }

func sortedKeys[V any](m map[string]V) []string {
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Command is one command or subcommand: COMMAND INFO's facts (arity,
// flags, keys) and COMMAND DOCS's (group, since, deprecation, argument
// grammar), without the servers' prose.
type Command struct {
	name       string
	parent     *Command
	subs       []*Command
	arity      int
	flags      []string
	first      int
	last, step int
	specs      []KeySpec
	group      string
	since      string
	docFlags   []string
	deprecated string
	replacedBy string
	args       []*Arg
}

// Name is the lower-case name; a subcommand's is "client|setname".
func (c *Command) Name() string { return c.name }

// Parent is the command of a subcommand, nil for a command.
func (c *Command) Parent() *Command { return c.parent }

// Display is the name as written: SET, CLIENT SETNAME.
func (c *Command) Display() string {
	return strings.ToUpper(strings.ReplaceAll(c.name, "|", " "))
}

// Arity is COMMAND INFO's: the number of words with the name (and the
// subcommand's), negative for a minimum.
func (c *Command) Arity() int { return c.arity }

// Accepts reports whether n words (with the name, and the subcommand's)
// satisfy the arity.
func (c *Command) Accepts(n int) bool {
	if c.arity >= 0 {
		return n == c.arity
	}
	return n >= -c.arity
}

// Flags are COMMAND INFO's flags: write, readonly, denyoom, noscript,
// blocking, movablekeys...
func (c *Command) Flags() []string { return slices.Clone(c.flags) }

// Has reports whether the command has a COMMAND INFO flag.
func (c *Command) Has(flag string) bool { return slices.Contains(c.flags, flag) }

// Keys are COMMAND INFO's legacy key positions: first and last argument
// (from 1 after the name; last -1 is the last argument) and step; 0 0 0
// when the command has none or they move (see KeySpecs).
func (c *Command) Keys() (first, last, step int) { return c.first, c.last, c.step }

// KeySpecs are COMMAND INFO's key specifications.
func (c *Command) KeySpecs() []KeySpec { return slices.Clone(c.specs) }

// Group is COMMAND DOCS's group (string, list, server...).
func (c *Command) Group() string { return c.group }

// Since is the version that added the command (COMMAND DOCS's since).
func (c *Command) Since() string { return c.since }

// DocFlags are COMMAND DOCS's doc_flags (deprecated, syscmd).
func (c *Command) DocFlags() []string { return slices.Clone(c.docFlags) }

// Deprecated reports whether the command is deprecated, since which
// version and what replaces it (COMMAND DOCS's replaced_by, may be
// empty).
func (c *Command) Deprecated() (since, replacedBy string, ok bool) {
	return c.deprecated, c.replacedBy, c.deprecated != "" || slices.Contains(c.docFlags, "deprecated")
}

// Subcommands returns the subcommands, sorted by name.
func (c *Command) Subcommands() []*Command { return slices.Clone(c.subs) }

// Subcommand returns a subcommand by its own name (setname), nil when
// there is none.
func (c *Command) Subcommand(name string) *Command {
	full := c.name + "|" + strings.ToLower(name)
	for _, s := range c.subs {
		if s.name == full {
			return s
		}
	}
	return nil
}

// Args is the argument grammar after the name (and the subcommand's).
func (c *Command) Args() []*Arg { return slices.Clone(c.args) }

// Positional is how many arguments lead the grammar as plain positional
// values (required, single, without a token, neither a group nor a pure
// token: SET's key and value); the arguments after them are read by
// their tokens or repeat.
func (c *Command) Positional() int {
	n := 0
	for _, a := range c.args {
		if a.Optional() || a.Multiple() || a.token != "" || a.typ == TypeOneOf || a.typ == TypeBlock || a.typ == TypePureToken {
			break
		}
		n++
	}
	return n
}

// ArgType is an argument's type in COMMAND DOCS.
type ArgType string

// The argument types.
const (
	TypeString    ArgType = "string"
	TypeInteger   ArgType = "integer"
	TypeDouble    ArgType = "double"
	TypeKey       ArgType = "key"
	TypePattern   ArgType = "pattern"
	TypeUnixTime  ArgType = "unix-time"
	TypePureToken ArgType = "pure-token"
	TypeOneOf     ArgType = "oneof"
	TypeBlock     ArgType = "block"
)

// Arg is one node of a command's argument grammar.
type Arg struct {
	name       string
	typ        ArgType
	token      string
	display    string
	flags      []string
	since      string
	deprecated string
	keySpec    int
	args       []*Arg
}

// Name is the argument's name in the grammar (key, seconds, condition).
func (a *Arg) Name() string { return a.name }

// Type is the argument's type.
func (a *Arg) Type() ArgType { return a.typ }

// Token is the literal word that introduces the argument (EX, NX), empty
// when it has none. A pure-token is its token alone.
func (a *Arg) Token() string { return a.token }

// Display is the name shown in a syntax line when it differs from Name.
func (a *Arg) Display() string {
	if a.display != "" {
		return a.display
	}
	return a.name
}

// Optional reports whether the argument may be left out.
func (a *Arg) Optional() bool { return slices.Contains(a.flags, "optional") }

// Multiple reports whether the argument may repeat.
func (a *Arg) Multiple() bool { return slices.Contains(a.flags, "multiple") }

// MultipleToken reports whether the token repeats with each repetition.
func (a *Arg) MultipleToken() bool { return slices.Contains(a.flags, "multiple_token") }

// Since is the version that added the argument, empty when it came with
// the command.
func (a *Arg) Since() string { return a.since }

// DeprecatedSince is the version that deprecated the argument, if any.
func (a *Arg) DeprecatedSince() string { return a.deprecated }

// KeySpec is the index of the key spec of a key argument, -1 otherwise.
func (a *Arg) KeySpec() int { return a.keySpec }

// Args are the children of a oneof or a block.
func (a *Arg) Args() []*Arg { return slices.Clone(a.args) }

// KeySpec is one key specification of COMMAND INFO.
type KeySpec struct {
	flags []string
	begin string
	find  string
}

// Flags are the spec's flags (RW, RO, OW, access, update...).
func (k KeySpec) Flags() []string { return slices.Clone(k.flags) }

// BeginSearch is "index N" or "keyword WORD FROM" (startfrom), or
// "unknown".
func (k KeySpec) BeginSearch() string { return k.begin }

// FindKeys is "range LASTKEY STEP LIMIT" or "keynum KEYNUMIDX FIRSTKEY
// STEP", or "unknown".
func (k KeySpec) FindKeys() string { return k.find }
