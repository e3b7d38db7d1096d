package lint_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/lint"
)

// TestReferences: uses resolve by Lua's scoping, not by name alone: a
// shadowing local, a parameter, a loop variable, a name from an included
// file (twice included: one reference), a %key; globals are none.
func TestReferences(t *testing.T) {
	fsys := fstest.MapFS{
		"main.lua": {Data: []byte(`%key counter
%include "lib/util"
local n = 1
local function f(n)
  return n + 1
end
for n = 1, 2 do
  redis.call('INCRBY', counter, n)
end
%include "lib/util"
return twice(f(n))
`)},
		"lib/util.lua": {Data: []byte("local function twice(x)\n  return 2 * x\nend\n")},
	}
	s, err := resolve.New(fsys).Load("main")
	if err != nil {
		t.Fatal(err)
	}
	refs, ok := lint.References(s)
	if !ok {
		t.Fatal("does not parse")
	}
	got := map[string]bool{}
	for _, r := range refs {
		got[fmt.Sprintf("%s %s -> %s", r.Name, r.Use, r.Decl)] = true
	}
	for _, want := range []string{
		"n main.lua:5 -> main.lua:4",          // the parameter, not the local of line 3
		"n main.lua:8 -> main.lua:7",          // the loop variable
		"counter main.lua:8 -> main.lua:1",    // the %key
		"x lib/util.lua:2 -> lib/util.lua:1",  // inside the included file
		"twice main.lua:11 -> lib/util.lua:1", // from the include nearest above
		"f main.lua:11 -> main.lua:4",
		"n main.lua:11 -> main.lua:3", // the local again
	} {
		if !got[want] {
			t.Errorf("no %q in %v", want, got)
		}
	}
	if len(got) != len(refs) {
		t.Errorf("repeated references: %v", refs)
	}
	for _, r := range refs {
		if r.Name == "redis" {
			t.Errorf("a global as a reference: %+v", r)
		}
	}
	if _, ok := lint.References(nil); ok {
		t.Error("a nil script has references")
	}
	if _, ok := lint.References(mustParse(t, "return (")); ok {
		t.Error("a script that does not parse has references")
	}
}

func mustParse(t *testing.T, src string) *resolve.Script {
	t.Helper()
	s, err := resolve.New(nil).Parse("bad", src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// References finds where each local name used is declared, through
// includes.
func ExampleReferences() {
	fsys := fstest.MapFS{
		"main.lua": {Data: []byte("%include \"lib\"\nlocal x = 1\nreturn double(x)\n")},
		"lib.lua":  {Data: []byte("local function double(x)\n  return 2 * x\nend\n")},
	}
	s, _ := resolve.New(fsys).Load("main")
	refs, _ := lint.References(s)
	for _, r := range refs {
		fmt.Printf("%s at %s is declared at %s\n", r.Name, r.Use, r.Decl)
	}
	// Output:
	// x at lib.lua:2 is declared at lib.lua:1
	// double at main.lua:3 is declared at lib.lua:1
	// x at main.lua:3 is declared at main.lua:2
}
