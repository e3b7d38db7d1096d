package resolve

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestAdd: in-memory scripts include and are included like files (the
// Python library's test_multiple_inclusion, with parse_script and a
// shared cache), are listed, read and loaded; a name that is a file, or
// was added or looked up before, is a *ConflictError.
func TestAdd(t *testing.T) {
	l := New(tree("lib/file", "local f = 1", "main", "%include \"mem/a\"\nreturn a"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.Add("mem/a", "%include \"../lib/file\"\nlocal a = f"))
	must(l.Add("b", "%pragma once\nlocal b = 2"))
	must(l.Add("top", "%key k\n%include \"b\"\n%include \"mem/a\"\n%include \"b\"\n%include \"mem/a\"\nreturn k"))
	s, err := l.Load("top")
	if err != nil {
		t.Fatal(err)
	}
	want := "local k = KEYS[1]\n-- %pragma once\nlocal b = 2\nlocal f = 1\nlocal a = f\nlocal f = 1\nlocal a = f\nreturn k"
	if s.Source() != want {
		t.Errorf("source\n%s\nwant\n%s", s.Source(), want)
	}
	if f, _ := s.Frames(5); len(f) != 2 || f[1].Script != "mem/a" || f[1].Line != 2 || f[1].Text != "local a = f" {
		t.Errorf("Frames(5) = %v", f)
	}
	if _, err := l.Load("main"); err != nil {
		t.Errorf("a file including an in-memory script: %v", err)
	}
	if names, _ := l.Names(); strings.Join(names, " ") != "b lib/file main mem/a top" {
		t.Errorf("Names = %v", names)
	}
	if text, err := l.Read("b"); err != nil || text != "%pragma once\nlocal b = 2" {
		t.Errorf("Read(b) = %q, %v", text, err)
	}
	all, err := l.LoadAll()
	if err != nil || len(all) != 5 {
		t.Errorf("LoadAll = %d scripts, %v", len(all), err)
	}
	for _, tc := range []struct{ name, why string }{
		{"lib/file", "a file of the tree has this name"},
		{"./lib/file", "a file of the tree has this name"},
		{"b", "the name was added or looked up before"},
		{"main", "a file of the tree has this name"},
	} {
		var ce *Error
		if err := l.Add(tc.name, "x()"); !as(err, &ce, KindConflict) || ce.Msg != tc.why || ce.Kind() != "conflict" {
			t.Errorf("Add(%s) = %v, want a ConflictError: %s", tc.name, err, tc.why)
		}
	}
	// Looked up (and missing) before: adding it now would change what
	// an earlier load saw.
	if _, err := l.Load("late"); err == nil {
		t.Fatal("late exists")
	}
	var ce *Error
	if err := l.Add("late", "x()"); !as(err, &ce, KindConflict) {
		t.Errorf("Add after a failed lookup = %v", err)
	}
	var ee *Error
	if err := l.Add("../x", "x()"); !as(err, &ee, KindEscape) {
		t.Errorf("Add(../x) = %v", err)
	}
	// A loader without a file system holds in-memory scripts only.
	m := New(nil)
	must(m.Add("lib", "local x = 1"))
	must(m.Add("main", "%include \"lib\"\nreturn x"))
	if s, err := m.Load("main"); err != nil || s.Source() != "local x = 1\nreturn x" {
		t.Errorf("New(nil): %v %v", s, err)
	}
}

// TestAddConcurrent: goroutines add and load at once (run with -race);
// every script added loads, and each name is added once.
func TestAddConcurrent(t *testing.T) {
	l := New(tree("lib", "%pragma once\nlocal lib = 1"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := map[string]int{}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				name := fmt.Sprintf("s%d", i)
				if l.Add(name, "%include \"lib\"\nreturn lib") == nil {
					mu.Lock()
					wins[name]++
					mu.Unlock()
				}
				if s, err := l.Load(name); err != nil || s.Lines() != 3 {
					t.Errorf("goroutine %d: Load(%s) = %v", g, name, err)
				}
			}
		}()
	}
	wg.Wait()
	for i := range 50 {
		if n := wins[fmt.Sprintf("s%d", i)]; n != 1 {
			t.Errorf("s%d added %d times", i, n)
		}
	}
}
