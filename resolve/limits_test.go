package resolve

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bomb returns a tree where each of levels files includes the next one
// twice; the last holds leaf.
func bomb(levels int, leaf string) []string {
	var files []string
	for i := 0; i < levels; i++ {
		files = append(files, fmt.Sprintf("f%d", i), fmt.Sprintf("-- level %d\n%%include \"f%d\"\n%%include \"f%d\"\n", i, i+1, i+1))
	}
	return append(files, fmt.Sprintf("f%d", levels), leaf)
}

func TestIncludeBombFailsFast(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := New(tree(bomb(40, "local x = 1\n")...)).Load("f0")
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("include bomb of 40 levels: %v, %d KiB allocated", elapsed, allocated/1024)
	var le *Error
	if !as(err, &le, KindLimit) || le.Limit != "size" {
		t.Fatalf("error = %v, want a size limit error", err)
	}
	if !strings.Contains(err.Error(), "exceeds the size limit of 64 MiB") {
		t.Errorf("error = %q", err)
	}
	if elapsed > time.Second || allocated > 8<<20 {
		t.Errorf("the bomb took %v and %d bytes; want fast and small", elapsed, allocated)
	}
}

func TestIncludeBombWithoutOutput(t *testing.T) {
	// 2^40 expansions of files that hold nothing but includes, down to a
	// leaf that renders once (pragma once) or to nothing (empty): the
	// rendering is tiny, and it must not take 2^40 steps to find out.
	for leaf, want := range map[string]string{"%pragma once\nleaf()": "-- %pragma once\nleaf()", "": ""} {
		var files []string
		for i := 0; i < 40; i++ {
			files = append(files, fmt.Sprintf("f%d", i), fmt.Sprintf("%%include \"f%d\"\n%%include \"f%d\"", i+1, i+1))
		}
		files = append(files, "f40", leaf)
		start := time.Now()
		s, err := New(tree(files...)).Load("f0")
		if err != nil || s.Source() != want {
			t.Fatalf("leaf %q: Load = %v, %v", leaf, s, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("leaf %q took %v", leaf, d)
		}
	}
}

func TestSizeLimit(t *testing.T) {
	fsys := tree("main", "0123456789", "big", "01234567890")
	l := New(fsys, WithMaxSize(10))
	if _, err := l.Load("main"); err != nil {
		t.Errorf("10 bytes with a limit of 10: %v", err)
	}
	_, err := l.Load("big")
	var le *Error
	if !as(err, &le, KindLimit) || le.Max != 10 || le.Kind() != "limit" {
		t.Errorf("11 bytes with a limit of 10: %v", err)
	}
	// Key lines grow with their index: the renderer checks the real size.
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "%%key k%d\n", i)
	}
	src := b.String()
	exact := len(mustLoad(t, tree("keys", src), "keys").Source())
	if _, err := New(tree("keys", src), WithMaxSize(int64(exact))).Load("keys"); err != nil {
		t.Errorf("exact size refused: %v", err)
	}
	if _, err := New(tree("keys", src), WithMaxSize(int64(exact-1))).Load("keys"); !as(err, &le, KindLimit) {
		t.Errorf("one byte over accepted: %v", err)
	}
}

func TestDepthLimit(t *testing.T) {
	chain := func(n int) []string {
		var files []string
		for i := 0; i < n; i++ {
			files = append(files, fmt.Sprintf("c%d", i), fmt.Sprintf("%%include \"c%d\"", i+1))
		}
		return append(files, fmt.Sprintf("c%d", n), "leaf()")
	}
	if _, err := New(tree(chain(64)...)).Load("c0"); err != nil {
		t.Errorf("depth 64 with the default limit: %v", err)
	}
	_, err := New(tree(chain(65)...)).Load("c0")
	var le *Error
	if !as(err, &le, KindLimit) || le.Limit != "depth" || le.Max != 64 {
		t.Fatalf("depth 65: %v", err)
	}
	if le.File != "c64.lua" || len(le.Chain) != 66 || !strings.Contains(err.Error(), "includes nest deeper than the limit of 64: c0 -> c1 -> ") {
		t.Errorf("depth error = %v (chain %d)", err, len(le.Chain))
	}
	l := New(tree(chain(3)...), WithMaxDepth(3))
	if _, err := l.Load("c0"); err != nil {
		t.Errorf("depth 3 with limit 3: %v", err)
	}
	if _, err := New(tree(chain(4)...), WithMaxDepth(3)).Load("c0"); !as(err, &le, KindLimit) {
		t.Errorf("depth 4 with limit 3: %v", err)
	}
	// A file first met shallow and then deeper is still checked.
	files := append(chain(3), "main", "%include \"c2\"\n%include \"deep\"", "deep", "%include \"c0\"")
	if _, err := New(tree(files...), WithMaxDepth(3)).Load("main"); !as(err, &le, KindLimit) {
		t.Errorf("deep second path accepted: %v", err)
	}
}

// TestFileTooBigToParse checks the limit of one file (2 GiB: offsets are
// 32-bit), lowered here so that the test need not read 2 GiB.
func TestFileTooBigToParse(t *testing.T) {
	defer func(n int) { maxFile = n }(maxFile)
	maxFile = 16
	fsys := tree("big", "return 'more than sixteen bytes'", "main", "%include \"big\"")
	for _, name := range []string{"big", "main"} {
		_, err := New(fsys).Load(name)
		var le *Error
		if !as(err, &le, KindLimit) || le.Limit != "size" || le.File != "big.lua" || le.Max != 16 {
			t.Errorf("Load(%s) = %v, want a size LimitError naming big.lua", name, err)
		}
	}
}
