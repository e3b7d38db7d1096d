package resolve_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/redislua/redislua/resolve"
)

func Example() {
	fsys := fstest.MapFS{
		"create_foo.lua": {Data: []byte("%arg size integer\n%arg members list\n%include \"lib/keys\"\n%return dict\nreturn cjson.encode({size=size})\n")},
		"lib/keys.lua":   {Data: []byte("%pragma once\n%key foo_key\n")},
	}
	l := resolve.New(fsys)
	s, err := l.Load("create_foo")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Source())
	for _, p := range append(s.Keys(), s.Args()...) {
		fmt.Printf("%s %s #%d %s (%s)\n", p.Kind, p.Name, p.Index, p.Type, p.Pos)
	}
	fmt.Println("returns", s.Return())
	frames, _ := s.Frames(4)
	fmt.Println(frames)
	// Output:
	// local size = tonumber(ARGV[1])
	// local members = cjson.decode(ARGV[2])
	// -- %pragma once
	// local foo_key = KEYS[1]
	// -- %return dict
	// return cjson.encode({size=size})
	// key foo_key #1 untyped (lib/keys.lua:2:6)
	// arg size #1 integer (create_foo.lua:1:6)
	// arg members #2 list (create_foo.lua:2:6)
	// returns dict
	// [{create_foo 3 %include "lib/keys"} {lib/keys 2 %key foo_key}]
}

func ExampleLoader_Load_errors() {
	fsys := fstest.MapFS{
		"a.lua": {Data: []byte("%include \"b\"\n")},
		"b.lua": {Data: []byte("\n%include \"a\"\n")},
	}
	_, err := resolve.New(fsys).Load("a")
	fmt.Println(err)
	var e *resolve.Error
	if errors.As(err, &e) && e.Code == resolve.KindCycle {
		fmt.Println(e.Kind(), e.File, e.Line, e.Chain)
	}
	// Output:
	// b.lua:2:1: include cycle: a -> b -> a
	// cycle b.lua 2 [a b a]
}

// OpenDir loads scripts from disk without ever reading outside the
// directory, symbolic links included.
func ExampleOpenDir() {
	dir, _ := os.MkdirTemp("", "lua")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "hello.lua"), []byte("%arg name string\nreturn 'hello ' .. name\n"), 0o644)

	loader, err := resolve.OpenDir(dir)
	if err != nil {
		panic(err)
	}
	defer loader.Close()
	s, err := loader.Load("hello")
	fmt.Println(s.Source(), err)
	_, err = loader.Load("../etc/passwd")
	fmt.Println(err)
	// Output:
	// local name = ARGV[1]
	// return 'hello ' .. name <nil>
	// ../etc/passwd.lua: script name "../etc/passwd" leaves the script root
}
