package lint

import (
	"strings"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/yuin/gopher-lua/parse"
)

// A Reference is a use of a local name (a local variable, a local
// function, a function's parameter, a loop variable, a %key or %arg)
// and the declaration Lua's scoping rules resolve it to, both as places
// in the user's files (Col is 0: the parser knows lines only). Globals
// are not references.
type Reference struct {
	Name      string
	Use, Decl resolve.Position
}

// References returns the uses of local names in s, each with its
// declaration, in rendered order, once each (a file included twice
// gives its references once). ok is false when s does not parse: then
// there is nothing to resolve.
func References(s *resolve.Script) (refs []Reference, ok bool) {
	if s == nil {
		return nil, false
	}
	src, malformed := numerals(luaSource(s))
	if len(malformed) > 0 {
		return nil, false
	}
	chunk, err := parse.Parse(strings.NewReader(src), s.Name())
	if err != nil {
		return nil, false
	}
	var raw []ref
	l := newLinter(s, Options{Target: commands.Default()})
	l.refs = &raw
	l.blockIn(chunk, nil, &fnState{}, nil)
	seen := map[Reference]bool{}
	for _, r := range raw {
		use, ok1 := s.Origin(r.use)
		decl, ok2 := s.Origin(r.decl)
		if !ok1 || !ok2 {
			continue
		}
		ref := Reference{
			Name: r.name,
			Use:  resolve.Position{File: use.Script + resolve.Ext, Line: use.Line},
			Decl: resolve.Position{File: decl.Script + resolve.Ext, Line: decl.Line},
		}
		if !seen[ref] {
			seen[ref] = true
			refs = append(refs, ref)
		}
	}
	return refs, true
}
