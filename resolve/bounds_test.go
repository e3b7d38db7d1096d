package resolve

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestHugeFileNotRead: a file larger than the size limit is refused from
// its size, before it is read: a 2.5 GB sparse file costs no more than a
// small one.
func TestHugeFileNotRead(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2500 << 20); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for name, l := range map[string]*Loader{"DirFS": New(os.DirFS(dir)), "Root": New(root.FS()), "small limit": New(os.DirFS(dir), WithMaxSize(1<<10))} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := l.Load("huge")
		runtime.ReadMemStats(&after)
		var le *Error
		if !as(err, &le, KindLimit) || le.Limit != "size" || le.File != "huge.lua" || le.Value != 2500<<20 {
			t.Errorf("%s: Load = %v, want a size limit error at huge.lua naming its 2500 MiB", name, err)
		}
		if read := after.TotalAlloc - before.TotalAlloc; read > 1<<20 {
			t.Errorf("%s: loading allocated %d bytes: the file was read", name, read)
		}
	}
	// A file exactly at the limit loads.
	os.WriteFile(filepath.Join(dir, "edge.lua"), []byte(strings.Repeat("-", 1<<10)), 0o644)
	if _, err := New(os.DirFS(dir), WithMaxSize(1<<10)).Load("edge"); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
}

// TestManyParametersLinear: loading a script of n %arg lines is linear in
// n. Measured as a ratio of two loads in one run (10× the parameters may
// take at most 40× the time, room for the garbage collector and caches;
// the quadratic duplicate check took 100×), the best of three each, so
// that the machine's speed cancels out.
func TestManyParametersLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100,000 parameters")
	}
	tree := func(n int) fstest.MapFS {
		var b strings.Builder
		for i := range n {
			b.WriteString("%arg a" + strconv.Itoa(i) + " integer\n")
		}
		return fstest.MapFS{"m.lua": {Data: []byte(b.String())}}
	}
	best := func(fsys fstest.MapFS, n int) time.Duration {
		d := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			s, err := New(fsys).Load("m")
			if err != nil || len(s.Args()) != n {
				t.Fatalf("Load: %v", err)
			}
			d = min(d, time.Since(start))
		}
		return d
	}
	small, large := best(tree(10000), 10000), best(tree(100000), 100000)
	t.Logf("10,000 parameters: %v; 100,000: %v (%.1f×)", small, large, float64(large)/float64(small))
	if large > 40*small {
		t.Errorf("10× the parameters took %.1f× the time: not linear", float64(large)/float64(small))
	}
	// A duplicate among many is still found, naming both places.
	fsys := tree(1000)
	fsys["m.lua"].Data = append(fsys["m.lua"].Data, "%key a500\n"...)
	var de *Error
	if _, err := New(fsys).Load("m"); !as(err, &de, KindDuplicate) || de.Line != 1001 || de.First.Line != 501 {
		t.Errorf("duplicate among 1,000: %v", err)
	}
}
