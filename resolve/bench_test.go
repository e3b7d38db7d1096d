//go:build go1.24

// The benchmarks use testing.B.Loop (Go 1.24); the module itself builds
// and tests with the older Go of its go line.

package resolve

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// genTree returns a tree of n scripts that include 3 files each, out of
// n/10 library files (conformance/SPEC.md §9: 1,000 scripts make ~1,100 files).
func genTree(n int) fstest.MapFS {
	m := fstest.MapFS{}
	libs := max(n/10, 3)
	for j := 0; j < libs; j++ {
		m[fmt.Sprintf("lib/l%d.lua", j)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"%%pragma once\n-- library %d\nlocal function helper_%d(key, n)\n  local v = redis.call('INCRBY', key, n)\n  return v\nend\n", j, j))}
	}
	for i := 0; i < n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "%%key counter_key\n%%arg step integer\n%%return integer\n")
		for k := 0; k < 3; k++ {
			fmt.Fprintf(&b, "%%include \"/lib/l%d\"\n", (i+k*7)%libs)
		}
		fmt.Fprintf(&b, "-- script %d\nlocal total = 0\nfor i = 1, 3 do\n  total = total + redis.call('INCRBY', counter_key, step)\nend\nreturn total\n", i)
		m[fmt.Sprintf("s/s%d.lua", i)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return m
}

// memFS is an in-memory fs.FS laid out like embed.FS: every directory's
// entries are listed once, sorted, and ReadFile returns a copy of the
// data. (fstest.MapFS, the other in-memory FS the benchmark quotes, is
// made for tests: it finds a directory's entries by scanning every file
// of the tree, each time the directory is read.)
type memFS struct {
	files map[string][]byte
	dirs  map[string][]fs.DirEntry
	root  fs.FileInfo
}

func newMemFS(m fstest.MapFS) *memFS {
	root, _ := fs.Stat(m, ".")
	mfs := &memFS{files: map[string][]byte{}, dirs: map[string][]fs.DirEntry{}, root: root}
	seen := map[string]bool{} // linear set-up: a 50,000-file tree in well under a second
	for name, f := range m {
		mfs.files[name] = f.Data
		for dir := name; dir != "." && !seen[dir]; {
			seen[dir] = true
			parent := path.Dir(dir)
			var info fs.FileInfo = memInfo{name: path.Base(dir), size: int64(len(f.Data)), dir: dir != name}
			mfs.dirs[parent] = append(mfs.dirs[parent], fs.FileInfoToDirEntry(info))
			dir = parent
		}
	}
	for _, es := range mfs.dirs {
		slices.SortFunc(es, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	return mfs
}

// memInfo describes a file or directory of a memFS.
type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64 {
	if i.dir {
		return 0
	}
	return i.size
}
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

func (m *memFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid} // ReadFile and ReadDir are enough
}

func (m *memFS) ReadFile(name string) ([]byte, error) {
	data, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(data), nil
}

func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, ok := m.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(es), nil
}

func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	if name == "." {
		return m.root, nil
	}
	if data, ok := m.files[name]; ok {
		return memFile{path.Base(name), int64(len(data))}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// memFile is the FileInfo of a memFS file.
type memFile struct {
	name string
	size int64
}

func (f memFile) Name() string       { return f.name }
func (f memFile) Size() int64        { return f.size }
func (f memFile) Mode() fs.FileMode  { return 0o444 }
func (f memFile) ModTime() time.Time { return time.Time{} }
func (f memFile) IsDir() bool        { return false }
func (f memFile) Sys() any           { return nil }

// heldBytes is the heap a loaded set keeps alive: the live heap with the
// loader and its scripts, less the live heap without them.
func heldBytes(m fs.FS) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := New(m)
	all, _ := l.LoadAll()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(all)
	runtime.KeepAlive(l)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

func writeTree(b *testing.B, m fstest.MapFS) string {
	dir, err := os.MkdirTemp("", "resolve-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	for name, f := range m {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadTree measures conformance/SPEC.md §9: loading and rendering every script
// of a generated tree, beside merely reading the same files (readfiles),
// from disk and from memory (memFS, laid out like embed.FS; and
// fstest.MapFS), at three sizes to show linear growth.
func BenchmarkLoadTree(b *testing.B) {
	for _, n := range []int{100, 1000, 10000, 50000} {
		m := genTree(n)
		var dir string
		parent := b
		onDisk := func(*testing.B) string {
			if dir == "" {
				dir = writeTree(parent, m)
			}
			return dir
		}
		b.Run(fmt.Sprintf("n=%d/impl=readfiles", n), func(b *testing.B) {
			dir := onDisk(b)
			for b.Loop() {
				fsys := os.DirFS(dir)
				err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					_, err = fs.ReadFile(fsys, p)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=disk", n), func(b *testing.B) {
			dir := onDisk(b)
			b.ReportAllocs()
			for b.Loop() {
				all, err := New(os.DirFS(dir)).LoadAll()
				if err != nil || len(all) != n+max(n/10, 3) {
					b.Fatal(len(all), err)
				}
			}
		})
		mfs := newMemFS(m)
		b.Run(fmt.Sprintf("n=%d/impl=memory", n), func(b *testing.B) {
			b.ReportAllocs()
			var cpu0 int64
			loads := 0
			for b.Loop() {
				if loads == 0 {
					cpu0 = cpuTime() // after b.Loop's own set-up
				}
				if _, err := New(mfs).LoadAll(); err != nil {
					b.Fatal(err)
				}
				loads++
			}
			// CPU per load across all threads (GC included): with -cpu 1,2
			// it shows what the second core costs.
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(loads), "cpu-ns/op")
			}
			b.ReportMetric(float64(heldBytes(mfs)), "held-B")
		})
		b.Run(fmt.Sprintf("n=%d/impl=mapfs", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := New(m).LoadAll(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMemFS checks the benchmark's in-memory FS against the MapFS it
// copies: the same scripts load from both.
func TestMemFS(t *testing.T) {
	m := genTree(100)
	want, err := New(m).LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	got, err := New(newMemFS(m)).LoadAll()
	if err != nil || len(got) != len(want) {
		t.Fatalf("LoadAll from memFS: %d scripts, %v; from MapFS: %d", len(got), err, len(want))
	}
	for name, s := range want {
		if got[name] == nil || got[name].Source() != s.Source() {
			t.Errorf("script %s differs", name)
		}
	}
}

// BenchmarkSourceMap measures what the lazy source map costs the first
// traceback of a script (a script of the generated tree: 3 includes),
// and a lookup once it is built.
func BenchmarkSourceMap(b *testing.B) {
	m := newMemFS(genTree(1000))
	b.Run("first", func(b *testing.B) {
		s, err := New(m).Load("s/s5")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			mapScript(&Script{top: s.top}) // what the first Frames does
		}
	})
	b.Run("built", func(b *testing.B) {
		s, err := New(m).Load("s/s5")
		if err != nil {
			b.Fatal(err)
		}
		s.Frames(1)
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := s.Frames(s.Lines()); !ok {
				b.Fatal("no frames")
			}
		}
	})
}
