package resolve

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

//go:embed testdata/lua
var embedded embed.FS

const createFooRendered = `local size = tonumber(ARGV[1])
local members = cjson.decode(ARGV[2])
-- %return dict

local foo_id = redis.call('INCR', 'foo:last_id')
local foo_root_key = string.format('foo:%s', foo_id)
local foo_members_key = foo_root_key .. ':members'
local foo_size_key = foo_root_key .. ':size'

redis.call('SET', foo_size_key, size)
redis.call('SADD', foo_members_key, unpack(members))

return cjson.encode({
    id=foo_id,
    members=members,
    size=size,
})`

// TestPythonDocsExamples loads the examples of the Python library's
// documentation from disk, from an embed.FS and from an os.Root.
func TestPythonDocsExamples(t *testing.T) {
	sub, _ := fs.Sub(embedded, "testdata/lua")
	root, err := os.OpenRoot("testdata/lua")
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for name, fsys := range map[string]fs.FS{"DirFS": os.DirFS("testdata/lua"), "embed": sub, "Root": root.FS()} {
		t.Run(name, func(t *testing.T) {
			l := New(fsys)
			s, err := l.Load("create_foo")
			if err != nil {
				t.Fatal(err)
			}
			if s.Source() != createFooRendered {
				t.Errorf("create_foo rendered\n%s", s.Source())
			}
			if fmt.Sprint(params(s.Args()), s.Return()) != "[size:integer:1 members:list:2] dict" {
				t.Errorf("signature %v %v", params(s.Args()), s.Return())
			}
			s, err = l.Load("sub/use_foo")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(s.Source(), "\n-- The \"foo.lua\" script in the same folder defines the \"create_foo()\"\n-- function.\nfunction create_foo(n, s) return n end\n\nlocal t = create_foo(1, \"a\");") {
				t.Errorf("sub/use_foo rendered\n%s", s.Source())
			}
			frames, _ := s.Frames(6)
			if fmt.Sprint(frames) != `[{sub/use_foo 4 %include "foo"} {sub/foo 3 function create_foo(n, s) return n end}]` {
				t.Errorf("frames of line 6: %v", frames)
			}
		})
	}
}

// countFS counts the opens of every name.
type countFS struct {
	fs.FS
	mu sync.Mutex
	n  map[string]int
}

func (c *countFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.n[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// Stat looks without opening (a loader checks a file before reading it).
func (c *countFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

// TestConcurrentLoads loads one tree from many goroutines (run with
// -race): every goroutine gets the same scripts, and each file is read
// once.
func TestConcurrentLoads(t *testing.T) {
	m := fstest.MapFS{}
	for i := 0; i < 50; i++ {
		m[fmt.Sprintf("s%d.lua", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("%%key k\n%%include \"lib/a\"\n%%include \"lib/b\"\nreturn %d", i))}
	}
	m["lib/a.lua"] = &fstest.MapFile{Data: []byte("%pragma once\n%include \"b\"\na()")}
	m["lib/b.lua"] = &fstest.MapFile{Data: []byte("%pragma once\nb()")}
	cfs := &countFS{FS: m, n: map[string]int{}}
	l := New(cfs)
	var wg sync.WaitGroup
	var failures atomic.Int32
	results := make([][]*Script, 16)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				s, err := l.Load(fmt.Sprintf("s%d", (i+g*7)%50))
				if err != nil {
					failures.Add(1)
				}
				results[g] = append(results[g], s)
			}
			if all, err := l.LoadAll(); err != nil || len(all) != 52 {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d loads failed", failures.Load())
	}
	for name, n := range cfs.n {
		if n != 1 && name != "." && name != "lib" {
			t.Errorf("%s opened %d times", name, n)
		}
	}
	s, _ := l.Load("s3")
	if s.Source() != "local k = KEYS[1]\n-- %pragma once\n-- %pragma once\nb()\na()\nreturn 3" {
		t.Errorf("s3 = %q", s.Source())
	}
}
