package resolve

import (
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// tree builds a file system from name → content pairs; names get ".lua".
func tree(files ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		m[files[i]+".lua"] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	return m
}

func mustLoad(t *testing.T, fsys fstest.MapFS, name string) *Script {
	t.Helper()
	s, err := New(fsys).Load(name)
	if err != nil {
		t.Fatalf("Load(%q): %v", name, err)
	}
	return s
}

func TestRender(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"plain text", []string{"main", "return 1\n"}, "return 1"},
		{"no final newline", []string{"main", "return 1"}, "return 1"},
		{"two final newlines", []string{"main", "return 1\n\n"}, "return 1\n"},
		{"empty", []string{"main", ""}, ""},
		{"only newline", []string{"main", "\n"}, ""},
		{"key and arg lines", []string{"main", "%key k\n%arg a integer\n%arg b\n%arg c bool\n%arg d list\n%arg e dictionary\n%arg f number\n%arg g str\nreturn 1\n"},
			"local k = KEYS[1]\nlocal a = tonumber(ARGV[1])\nlocal b = ARGV[2]\nlocal c = tonumber(ARGV[3]) ~= 0\nlocal d = cjson.decode(ARGV[4])\nlocal e = cjson.decode(ARGV[5])\nlocal f = tonumber(ARGV[6])\nlocal g = ARGV[7]\nreturn 1"},
		{"return and pragma comments", []string{"main", "  %return   int \n%pragma once\r\nx()"}, "-- %return   int\n-- %pragma once\nx()"},
		{"include inline", []string{"main", "a()\n%include \"lib\"\nb()\n", "lib", "l1()\nl2()\n"}, "a()\nl1()\nl2()\nb()"},
		{"include single quotes", []string{"main", "%include 'lib'\n", "lib", "l()"}, "l()"},
		{"include empty file", []string{"main", "a()\n%include \"lib\"\nb()", "lib", ""}, "a()\nb()"},
		{"repeated include renders twice", []string{"main", "%include \"lib\"\n%include \"lib\"", "lib", "l()"}, "l()\nl()"},
		{"pragma once renders once", []string{"main", "%include \"lib\"\n%include \"lib\"", "lib", "%pragma once\nl()"}, "-- %pragma once\nl()"},
		{"once through two paths", []string{"main", "%include \"a\"\n%include \"b\"", "a", "%include \"lib\"\na()", "b", "%include \"lib\"\nb()", "lib", "%pragma once\nl()"},
			"-- %pragma once\nl()\na()\nb()"},
		{"keys numbered across includes", []string{"main", "%key k1\n%include \"lib\"\n%arg a2 int\n%key k3", "lib", "%arg a1 int\n%key k2"},
			"local k1 = KEYS[1]\nlocal a1 = tonumber(ARGV[1])\nlocal k2 = KEYS[2]\nlocal a2 = tonumber(ARGV[2])\nlocal k3 = KEYS[3]"},
		{"subdirectory and relative include", []string{"main", "%include \"sub/a\"", "sub/a", "%include \"b\"\na()", "sub/b", "b()"}, "b()\na()"},
		{"dotdot include", []string{"main", "%include \"foo/a\"", "foo/a", "%include '../bar/b'", "bar/b", "b()"}, "b()"},
		{"root include", []string{"main", "%include \"foo/a\"", "foo/a", "%include \"/top\"", "top", "t()"}, "t()"},
		{"backslash include", []string{"main", "%include \"foo\\a\"", "foo/a", "a()"}, "a()"},
		{"crlf text kept byte for byte", []string{"main", "%key k\r\nreturn k\r\n"}, "local k = KEYS[1]\nreturn k\r"},
		{"bom dropped", []string{"main", "\uFEFF%key k\nreturn k"}, "local k = KEYS[1]\nreturn k"},
		{"bom of included file dropped", []string{"main", "%include \"lib\"", "lib", "\uFEFFl()"}, "l()"},
		{"shebang first", []string{"main", "#!lua flags=no-writes\n%include \"lib\"\nreturn 1", "lib", "l()"}, "#!lua flags=no-writes\nl()\nreturn 1"},
		{"percent in lua", []string{"main", "return string.format('%d', 10 % 3)"}, "return string.format('%d', 10 % 3)"},
		{"return in included file is a comment", []string{"main", "%include \"lib\"\n%return int", "lib", "%return list"}, "-- %return list\n-- %return int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, tree(tt.files...), "main")
			if s.Source() != tt.want {
				t.Errorf("rendered\n%q\nwant\n%q", s.Source(), tt.want)
			}
			if want := strings.Count(tt.want, "\n") + 1; tt.want != "" && s.Lines() != want {
				t.Errorf("Lines() = %d, want %d", s.Lines(), want)
			}
		})
	}
}

func TestSignature(t *testing.T) {
	fsys := tree(
		"create_foo", "%arg size integer\n%arg members list\n%return dict\n\nlocal foo_id = redis.call('INCR', 'foo:last_id')\n",
		"main", "%key a_key\n%include \"lib\"\n%arg n int\n%return boolean",
		"lib", "%pragma once\n%key b_key\n%arg flag bool",
	)
	s := mustLoad(t, fsys, "create_foo")
	if got := fmt.Sprint(params(s.Args()), s.Return(), len(s.Keys())); got != "[size:integer:1 members:list:2] dict 0" {
		t.Errorf("create_foo signature = %s", got)
	}
	s = mustLoad(t, fsys, "main")
	if got := fmt.Sprint(params(s.Keys()), params(s.Args()), s.Return(), s.Includes()); got != "[a_key:untyped:1 b_key:untyped:2] [flag:boolean:1 n:integer:2] boolean [lib]" {
		t.Errorf("main signature = %s", got)
	}
	p, ok := s.Param("flag")
	if !ok || p.Kind != ArgParam || p.Pos.String() != "lib.lua:3:6" {
		t.Errorf("Param(flag) = %+v, %v", p, ok)
	}
	if _, ok := s.Param("nope"); ok {
		t.Error("Param(nope) found")
	}
	if s.Suggest("flg") != "flag" || s.Suggest("a_ky") != "a_key" || s.Suggest("zzz") != "" {
		t.Errorf("Suggest is wrong")
	}
	if s.SHA1() != fmt.Sprintf("%x", sha1Sum(s.Source())) || len(s.SHA1()) != 40 {
		t.Errorf("SHA1 = %s", s.SHA1())
	}
	if s.Name() != "main" {
		t.Errorf("Name = %s", s.Name())
	}
}

func params(ps []Param) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s:%s:%d", p.Name, p.Type, p.Index))
	}
	return out
}

func TestSourceMap(t *testing.T) {
	fsys := tree(
		"main", "%key k\n%include \"lib\"\nlocal x = 1\n%include \"lib\"\nreturn x",
		"lib", "-- lib line 1\nlocal y = 2\n%include \"sub/leaf\"",
		"sub/leaf", "leaf()\r\n",
	)
	s := mustLoad(t, fsys, "main")
	want := []string{
		`1: main:1 "%key k"`,
		`2: main:2 "%include \"lib\"" | lib:1 "-- lib line 1"`,
		`3: main:2 "%include \"lib\"" | lib:2 "local y = 2"`,
		`4: main:2 "%include \"lib\"" | lib:3 "%include \"sub/leaf\"" | sub/leaf:1 "leaf()"`,
		`5: main:3 "local x = 1"`,
		`6: main:4 "%include \"lib\"" | lib:1 "-- lib line 1"`,
		`7: main:4 "%include \"lib\"" | lib:2 "local y = 2"`,
		`8: main:4 "%include \"lib\"" | lib:3 "%include \"sub/leaf\"" | sub/leaf:1 "leaf()"`,
		`9: main:5 "return x"`,
	}
	if s.Lines() != len(want) {
		t.Fatalf("Lines() = %d, want %d:\n%s", s.Lines(), len(want), s.Source())
	}
	for i, w := range want {
		frames, ok := s.Frames(i + 1)
		if !ok {
			t.Fatalf("Frames(%d) not found", i+1)
		}
		var parts []string
		for _, f := range frames {
			parts = append(parts, fmt.Sprintf("%s:%d %q", f.Script, f.Line, f.Text))
		}
		if got := fmt.Sprintf("%d: %s", i+1, strings.Join(parts, " | ")); got != w {
			t.Errorf("got  %s\nwant %s", got, w)
		}
	}
	for _, n := range []int{0, -1, 10} {
		if _, ok := s.Frames(n); ok {
			t.Errorf("Frames(%d) found", n)
		}
		if _, ok := s.LineInfo(n); ok {
			t.Errorf("LineInfo(%d) found", n)
		}
	}
	info, _ := s.LineInfo(7)
	if info.Script != "lib" || info.Line != 2 || info.Text != "local y = 2" || len(info.Frames) != 2 {
		t.Errorf("LineInfo(7) = %+v", info)
	}
	if text, _ := s.RealLine(1); text != "%key k" {
		t.Errorf("RealLine(1) = %q", text)
	}
	if text, _ := s.RenderedLine(1); text != "local k = KEYS[1]" {
		t.Errorf("RenderedLine(1) = %q", text)
	}
	if text, _ := s.RenderedLine(9); text != "return x" {
		t.Errorf("RenderedLine(9) = %q", text)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		load  string
		kind  string
		want  string // the whole Error() text
	}{
		{"not found top", []string{"main", ""}, "nope", "not_found", `nope.lua: script "nope" not found`},
		{"not found top with ext", []string{"main", ""}, "main.lua", "not_found", `main.lua.lua: script "main.lua" not found (names leave out .lua)`},
		{"not found include with chain", []string{"main", "%include \"a\"", "a", "\n%include \"b/missing\""}, "main", "not_found",
			`a.lua:2:1: script "b/missing" not found (included from main -> a)`},
		{"cycle of 1", []string{"main", "x()\n%include \"main\""}, "main", "cycle", `main.lua:2:1: include cycle: main -> main`},
		{"cycle of 2", []string{"main", "%include \"a\"", "a", "%include \"main\""}, "main", "cycle", `a.lua:1:1: include cycle: main -> a -> main`},
		{"cycle of 3 below top", []string{"main", "%include \"a\"", "a", "%include \"b\"", "b", "%include \"c\"", "c", "%pragma once\n%include \"a\""}, "main", "cycle",
			`c.lua:2:1: include cycle: a -> b -> c -> a`},
		{"syntax", []string{"main", "%key k\n%inlcude \"x\""}, "main", "syntax", `main.lua:2:1: unknown directive %inlcude; did you mean %include?`},
		{"syntax in include", []string{"main", "%include \"lib\"", "lib", "\n\n  %key"}, "main", "syntax", `lib.lua:3:7: %key needs a name`},
		{"type", []string{"main", "%arg n integr"}, "main", "type", `main.lua:1:8: unknown type "integr"; did you mean integer?`},
		{"type return", []string{"main", "%return set"}, "main", "type", `main.lua:1:9: unknown type "set"`},
		{"duplicate key", []string{"main", "%key k\n%key k"}, "main", "duplicate", `main.lua:2:6: k is declared twice (first at main.lua:1:6)`},
		{"duplicate key and arg", []string{"main", "%key k\n%include \"lib\"", "lib", "%arg k"}, "main", "duplicate", `lib.lua:1:6: k is declared twice (first at main.lua:1:6)`},
		{"repeated include collides", []string{"main", "%include \"lib\"\n%include \"lib\"", "lib", "%key k"}, "main", "duplicate", `lib.lua:1:6: k is declared twice (first at lib.lua:1:6)`},
		{"second return", []string{"main", "%return int\nx()\n%return list"}, "main", "return", `main.lua:3:1: second %return (first at main.lua:1:1)`},
		{"escape include", []string{"main", "%include \"../etc/passwd\""}, "main", "escape", `main.lua:1:10: script name "../etc/passwd" leaves the script root`},
		{"escape from subdir", []string{"main", "%include \"a/b\"", "a/b", "%include \"../../x\""}, "main", "escape", `a/b.lua:1:10: script name "../../x" leaves the script root`},
		{"escape rooted", []string{"main", "%include \"/../x\""}, "main", "escape", `main.lua:1:10: script name "/../x" leaves the script root`},
		{"escape top name", []string{"main", ""}, "../main", "escape", `../main.lua: script name "../main" leaves the script root`},
		{"shebang in include", []string{"main", "%include \"lib\"", "lib", "#!lua\nx()"}, "main", "syntax", `lib.lua:1:1: a #! line is allowed only as the first line of the top script`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tree(tt.files...)).Load(tt.load)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Load(%q) error = %v, want a resolve.Error", tt.load, err)
			}
			if e.Kind() != tt.kind || err.Error() != tt.want {
				t.Errorf("Load(%q) error = %s %q\nwant %s %q", tt.load, e.Kind(), err, tt.kind, tt.want)
			}
			if !strings.HasPrefix(err.Error(), e.Pos().String()+":") {
				t.Errorf("Error() %q does not start with its position %s", err, e.Pos())
			}
		})
	}
}

func TestErrorTypes(t *testing.T) {
	_, err := New(tree("main", "%include \"a\"\n%include \"b\"", "a", "%include \"main\"", "b", "%key 1x")).Load("main")
	var cycle *Error
	var syntax *Error
	if !as(err, &cycle, KindCycle) || !as(err, &syntax, KindSyntax) {
		t.Fatalf("errors.As does not reach both errors of %v", err)
	}
	if fmt.Sprint(cycle.Chain) != "[main a main]" || syntax.Err == nil || syntax.Line != 1 || syntax.File != "b.lua" {
		t.Errorf("cycle %v, syntax %+v", cycle.Chain, syntax)
	}
	if !strings.HasSuffix(err.Error(), "(and 1 more errors)") {
		t.Errorf("Error() = %q", err)
	}
}

func TestReadAndParse(t *testing.T) {
	fsys := tree("lib/x", "%pragma once\nx()\n", "main", "\uFEFFreturn 1")
	l := New(fsys)
	text, err := l.Read("lib\\x")
	if err != nil || text != "%pragma once\nx()\n" {
		t.Errorf("Read = %q, %v", text, err)
	}
	if text, _ := l.Read("main"); text != "\uFEFFreturn 1" {
		t.Errorf("Read keeps the file as stored: %q", text)
	}
	// UTF-8 as stored (Python: test_read_script_unicode).
	if text, err := New(tree("unicode", "-- éléphant\nreturn 'ünï'")).Read("unicode"); err != nil || text != "-- éléphant\nreturn 'ünï'" {
		t.Errorf("Read(unicode) = %q, %v", text, err)
	}
	if _, err := l.Read("nope"); asKind(err, KindNotFound) == nil {
		t.Errorf("Read(nope) = %v", err)
	}
	s, err := l.Parse("lib/code", "%arg n int\n%include \"x\"\n%include \"/lib/x\"\nreturn n")
	if err != nil {
		t.Fatal(err)
	}
	if s.Source() != "local n = tonumber(ARGV[1])\n-- %pragma once\nx()\nreturn n" || s.Name() != "lib/code" {
		t.Errorf("Parse rendered %q", s.Source())
	}
	if _, err := l.Load("lib/code"); err == nil {
		t.Error("Parse cached its code under its name")
	}
	s, err = New(nil).Parse("code", "return 1")
	if err != nil || s.Source() != "return 1" {
		t.Errorf("Parse without a tree = %v, %v", s, err)
	}
	if _, err := New(nil).Parse("code", "%include \"x\""); asKind(err, KindNotFound) == nil {
		t.Errorf("include without a tree = %v", err)
	}
}

func TestLoadManyAndAll(t *testing.T) {
	fsys := tree("a", "return 1", "sub/b", "%include \"../a\"", "bad", "%key")
	fsys["notes.txt"] = &fstest.MapFile{Data: []byte("not a script")}
	l := New(fsys)
	names, err := l.Names()
	if err != nil || fmt.Sprint(names) != "[a bad sub/b]" {
		t.Errorf("Names = %v, %v", names, err)
	}
	all, err := l.LoadAll()
	if len(all) != 2 || all["a"] == nil || all["sub/b"] == nil {
		t.Errorf("LoadAll = %v", all)
	}
	var syntax *Error
	if !as(err, &syntax, KindSyntax) || syntax.File != "bad.lua" {
		t.Errorf("LoadAll error = %v", err)
	}
	many, err := l.LoadMany("a", "sub\\b")
	if err != nil || len(many) != 2 || many["sub/b"].Source() != "return 1" {
		t.Errorf("LoadMany = %v, %v", many, err)
	}
	if s1, _ := l.Load("a"); s1 != all["a"] {
		t.Error("Load does not return the cached script")
	}
}

// TestSourceMapLazy checks the source map built on first use: the same
// from many goroutines at once (run with -race), and for a parsed script
// whose loader is no longer referenced.
func TestSourceMapLazy(t *testing.T) {
	fsys := tree(
		"lib", "%pragma once\nlocal y = 2",
		"twice", "-- twice\n%include \"lib\"",
	)
	s, err := New(fsys).Parse("main", "%key k\n%include \"twice\"\n%include \"twice\"\nreturn k")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	want := []string{"main:1", "main:2 twice:1", "main:2 twice:2 lib:1", "main:2 twice:2 lib:2", "main:3 twice:1", "main:4"}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(want))
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := strings.Join(s.Includes(), ","); got != "twice,lib" {
				errs <- "Includes() = " + got
			}
			for i, w := range want {
				frames, _ := s.Frames(i + 1)
				var parts []string
				for _, f := range frames {
					parts = append(parts, fmt.Sprintf("%s:%d", f.Script, f.Line))
				}
				if got := strings.Join(parts, " "); got != w {
					errs <- fmt.Sprintf("Frames(%d) = %s, want %s", i+1, got, w)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if s.Lines() != len(want) {
		t.Errorf("Lines() = %d, want %d:\n%s", s.Lines(), len(want), s.Source())
	}
}

// TestIsClean checks the quick test against path.Clean itself: it may
// leave a name to path.Clean, never pass one that Clean would change.
func TestIsClean(t *testing.T) {
	for _, name := range []string{"a", "a/b", "lib/x_1", ".a", "a..", "a/.b/c", "...", "a/..."} {
		if !isClean(name) {
			t.Errorf("isClean(%q) = false", name)
		}
	}
	for _, name := range []string{
		"a", "a/b", ".a", "", ".", "..", "/a", "a/", "a//b", "./a", "a/.", "a/./b", "a/..", "../a", "a/../b",
	} {
		if isClean(name) && path.Clean(name) != name {
			t.Errorf("isClean(%q) = true, path.Clean gives %q", name, path.Clean(name))
		}
		if got, want := clean(name), path.Clean(name); got != want {
			t.Errorf("clean(%q) = %q, path.Clean: %q", name, got, want)
		}
	}
}

// TestScriptDoesNotHoldLoader checks that a loaded script keeps only its
// own files alive, not the loader and its cache: the source map is
// built from the files alone.
func TestScriptDoesNotHoldLoader(t *testing.T) {
	fsys := tree("lib", "local y = 2", "main", "%include \"lib\"\nreturn y", "other", "return 3")
	l := New(fsys)
	if _, err := l.LoadAll(); err != nil {
		t.Fatal(err)
	}
	s, err := l.Load("main")
	if err != nil {
		t.Fatal(err)
	}
	collected := make(chan struct{})
	runtime.AddCleanup(l, func(ch chan struct{}) { close(ch) }, collected)
	l = nil
	for i := 0; i < 20; i++ {
		runtime.GC()
		select {
		case <-collected:
			if frames, ok := s.Frames(1); !ok || frames[len(frames)-1].Script != "lib" {
				t.Errorf("Frames(1) after the loader is gone = %v", frames)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Error("the loader is still reachable from a script it loaded")
}
