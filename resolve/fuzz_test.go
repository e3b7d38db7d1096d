package resolve

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redislua/redislua/directive"
)

// recordFS is a file system that records every name opened.
type recordFS struct {
	fs.FS
	mu     sync.Mutex
	opened []string
}

func (r *recordFS) Open(name string) (fs.File, error) {
	r.mu.Lock()
	r.opened = append(r.opened, name)
	r.mu.Unlock()
	return r.FS.Open(name)
}

// FuzzResolve builds a small tree from the input (files separated by
// "\x00"; names main, a, sub/b, sub/c) and loads main: it must never
// panic, never take long, never open a name outside the tree, and on
// success map every rendered line back to a source line.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"%include \"a\"\x00%include \"sub/b\"\x00%include \"c\"\x00x()",
		"%key k\n%include 'a'\n%include 'a'\x00%pragma once\n%arg n int",
		"%include \"../x\"\x00\x00\x00",
		"%include \"a\"\n%include \"a\"\x00%include \"sub/b\"\n%include \"sub/b\"\x00%include \"c\"\n%include \"c\"\x00leaf()",
		"%include \"a\"\x00%include \"/main\"",
		"#!lua\n%return list\x00%include \"sub/../a\"",
	} {
		f.Add(s)
	}
	names := []string{"main", "a", "sub/b", "sub/c"}
	f.Fuzz(func(t *testing.T, input string) {
		parts := strings.SplitN(input, "\x00", len(names))
		m := fstest.MapFS{}
		for i, p := range parts {
			m[names[i]+".lua"] = &fstest.MapFile{Data: []byte(p)}
		}
		rec := &recordFS{FS: m}
		start := time.Now()
		s, err := New(rec, WithMaxSize(1<<20), WithMaxDepth(16)).Load("main")
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Load took %v", d)
		}
		for _, name := range rec.opened {
			if !fs.ValidPath(name) || !strings.HasSuffix(name, ".lua") {
				t.Fatalf("opened %q", name)
			}
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a resolve.Error", err, err)
			}
			return
		}
		for n := 1; n <= s.Lines(); n++ {
			frames, ok := s.Frames(n)
			if !ok || len(frames) == 0 || frames[0].Script != "main" {
				t.Fatalf("line %d: frames %v", n, frames)
			}
			last := frames[len(frames)-1]
			rendered, _ := s.RenderedLine(n)
			src := last.Text
			if !isDirectiveText(src) && strings.TrimSuffix(rendered, "\r") != src {
				t.Fatalf("line %d renders %q but maps to %q", n, rendered, src)
			}
		}
	})
}

func isDirectiveText(s string) bool {
	s = strings.TrimLeft(s, " \t\r\v\f")
	return strings.HasPrefix(s, "%") || strings.HasPrefix(s, directive.BOM)
}
