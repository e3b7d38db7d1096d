package lint

import (
	"sort"

	"github.com/redislua/redislua/resolve"
)

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
