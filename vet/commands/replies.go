package commands

import (
	"sort"
	"strings"

	"github.com/redislua/redislua/vet/commands/internal/tabledata"
)

// Queries are the commands whose replies make a table: FromReplies
// reads them in this order (COMMAND, then COMMAND DOCS).
var Queries = [][]string{{"COMMAND"}, {"COMMAND", "DOCS"}}

// GlobalsScript is the Lua whose reply (EVAL with no keys) lists the
// globals of a server's Lua and the fields of its global tables, one
// "name type" or "table.field type" per line.
const GlobalsScript = `local out = {}
for name, value in pairs(_G) do
  table.insert(out, name .. ' ' .. type(value))
  if type(value) == 'table' and name ~= '_G' then
    for field, v in pairs(value) do
      table.insert(out, name .. '.' .. tostring(field) .. ' ' .. type(v))
    end
  end
end
table.sort(out)
return table.concat(out, '\n')`

// FromReplies makes a table from a live server's replies to Queries
// (COMMAND and COMMAND DOCS, as RESP2 arrays or RESP3 maps: []any,
// map[any]any or map[string]any holding string, int64 and the like) and
// to GlobalsScript. name, server and version name it (what its INFO
// says). Nothing of the servers' prose (summaries, complexity, history)
// is kept.
func FromReplies(name, server, version string, info, docs any, globals string) (*Table, error) {
	raws, err := tabledata.FromReplies(info, docs)
	if err != nil {
		return nil, err
	}
	return build(name, server, version, raws, tabledata.ParseGlobals(globals)), nil
}

// build makes a table of raw records and "name type" global lines.
func build(name, server, version string, raws []tabledata.Cmd, globals []string) *Table {
	t := &Table{name: name, server: server, version: version, cmds: map[string]*Command{}, globals: map[string]string{"KEYS": "table", "ARGV": "table"}, fields: map[string]map[string]string{}}
	for _, r := range raws {
		c := &Command{
			name: r.Name, arity: r.Arity, flags: r.Flags,
			first: r.Keys[0], last: r.Keys[1], step: r.Keys[2],
			group: r.Group, since: r.Since, docFlags: r.DocFlags,
			deprecated: r.Deprecated, replacedBy: r.ReplacedBy,
		}
		for _, k := range r.Specs {
			c.specs = append(c.specs, KeySpec{flags: k.Flags, begin: k.Begin, find: k.Find})
		}
		for _, a := range r.Args {
			c.args = append(c.args, newArg(a))
		}
		t.cmds[c.name] = c
	}
	for _, c := range t.cmds {
		if parent, _, ok := strings.Cut(c.name, "|"); ok {
			if p := t.cmds[parent]; p != nil {
				c.parent = p
				p.subs = append(p.subs, c)
			}
			continue
		}
		t.top = append(t.top, c)
	}
	sort.Slice(t.top, func(i, j int) bool { return t.top[i].name < t.top[j].name })
	for _, c := range t.top {
		sort.Slice(c.subs, func(i, j int) bool { return c.subs[i].name < c.subs[j].name })
	}
	for _, line := range globals {
		n, typ, _ := strings.Cut(line, " ")
		if table, field, ok := strings.Cut(n, "."); ok {
			if t.fields[table] == nil {
				t.fields[table] = map[string]string{}
			}
			t.fields[table][field] = typ
			continue
		}
		t.globals[n] = typ
	}
	return t
}

func newArg(r tabledata.Arg) *Arg {
	a := &Arg{name: r.Name, typ: ArgType(r.Type), token: r.Token, display: r.Display, flags: r.Flags, since: r.Since, deprecated: r.Deprecated, keySpec: -1}
	if r.KeySpec != nil {
		a.keySpec = *r.KeySpec
	}
	for _, c := range r.Args {
		a.args = append(a.args, newArg(c))
	}
	return a
}
