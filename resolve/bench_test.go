package resolve

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// genTree returns a tree of n scripts that include 3 files each, out of
// n/10 library files (SPEC §9: 1,000 scripts make ~1,100 files).
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

// heldBytes is the heap a loaded set keeps alive: the live heap with the
// loader and its scripts, less the live heap without them.
func heldBytes(m fstest.MapFS) uint64 {
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

// BenchmarkLoadTree measures SPEC §9: loading and rendering every script
// of a generated tree, beside merely reading the same files (readfiles),
// from disk and from memory, at three sizes to show linear growth.
func BenchmarkLoadTree(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
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
		b.Run(fmt.Sprintf("n=%d/impl=memory", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := New(m).LoadAll(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(heldBytes(m)), "held-B")
		})
	}
}
