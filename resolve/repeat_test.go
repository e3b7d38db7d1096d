package resolve

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// naive renders the file name of files by expanding every include where
// it stands, as the Python library does, and returns each rendered
// line's text and its chain "main:2 lib:1". It knows only what the
// random trees below hold: text lines, %include lines and %pragma once.
func naive(files map[string][]string, name string, done map[string]bool, chain string, out *[][2]string) {
	lines := files[name]
	if len(lines) > 0 && lines[0] == "%pragma once" {
		if done[name] {
			return
		}
		done[name] = true
	}
	for i, line := range lines {
		at := fmt.Sprintf("%s%s:%d", chain, name, i+1)
		if target, ok := strings.CutPrefix(line, "%include "); ok {
			naive(files, strings.Trim(target, `"`), done, at+" ", out)
			continue
		}
		if line == "%pragma once" {
			line = "-- %pragma once"
		}
		*out = append(*out, [2]string{line, at})
	}
}

// randomTree makes files f0 (the top) to f<n-1>, where a file includes
// only files of higher numbers (no cycle), some of them twice or more,
// some of them %pragma once, some of them empty.
func randomTree(rng *rand.Rand, n int) map[string][]string {
	files := map[string][]string{}
	for i := range n {
		var lines []string
		if i > 0 && rng.IntN(4) == 0 {
			lines = append(lines, "%pragma once")
		}
		for k := range rng.IntN(6) {
			if i+1 < n && rng.IntN(2) == 0 {
				lines = append(lines, fmt.Sprintf(`%%include "f%d"`, i+1+rng.IntN(n-i-1)))
			} else {
				lines = append(lines, fmt.Sprintf("x%d_%d()", i, k))
			}
		}
		files[fmt.Sprintf("f%d", i)] = lines
	}
	return files
}

// TestRepeatsMatchNaiveExpansion: renderings repeated from a file's
// steady rendering, and the source map's repeat nodes, give the same
// source and the same frames, line by line, as expanding every include
// where it stands.
func TestRepeatsMatchNaiveExpansion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 400 {
		files := randomTree(rng, 2+rng.IntN(7))
		fsys := fstest.MapFS{}
		for name, lines := range files {
			fsys[name+".lua"] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}
		}
		var want [][2]string
		naive(files, "f0", map[string]bool{}, "", &want)
		s, err := New(fsys).Load("f0")
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var wantSrc []string
		for _, w := range want {
			wantSrc = append(wantSrc, w[0])
		}
		if got := s.Source(); got != strings.Join(wantSrc, "\n") {
			t.Fatalf("trial %d: source\n%s\nwant\n%s\nfiles %q", trial, got, strings.Join(wantSrc, "\n"), files)
		}
		if s.Lines() != len(want) && !(len(want) == 0 && s.Lines() == 1) {
			t.Fatalf("trial %d: %d lines, want %d", trial, s.Lines(), len(want))
		}
		for i, w := range want {
			frames, ok := s.Frames(i + 1)
			var parts []string
			for _, f := range frames {
				parts = append(parts, fmt.Sprintf("%s:%d", f.Script, f.Line))
			}
			if got := strings.Join(parts, " "); !ok || got != w[1] || frames[len(frames)-1].Text != strings.TrimPrefix(w[0], "-- ") {
				t.Fatalf("trial %d: Frames(%d) = %s (%v), want %s\nfiles %q", trial, i+1, got, frames, w[1], files)
			}
			if o, ok := s.Origin(i + 1); !ok || o != frames[len(frames)-1] {
				t.Fatalf("trial %d: Origin(%d) = %v, want %v", trial, i+1, o, frames[len(frames)-1])
			}
		}
	}
}

// doubling is a tree of levels+1 files where each includes the one below
// twice, the last holding leaf: 2^levels include instances of the leaf.
func doubling(levels int, leaf string) fstest.MapFS {
	fsys := fstest.MapFS{"f0.lua": {Data: []byte(leaf)}}
	for i := 1; i <= levels; i++ {
		fsys[fmt.Sprintf("f%d.lua", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("%%include \"f%d\"\n%%include \"f%d\"\n", i-1, i-1))}
	}
	return fsys
}

// TestRepeatsBounded: the 27-file tree whose rendering is 2^26 blank
// lines (64 MiB) loads, lists its includes and maps its lines with a
// source map of two nodes per %include line at most and allocations of the
// rendered size, not of the 2^26 include instances (the map had 2^26
// nodes: 26 s and 6 GB).
func TestRepeatsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 64 MiB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := New(doubling(26, "\n")).Load("f26")
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines() != 1<<26 || len(s.Source()) != 1<<26-1 {
		t.Fatalf("%d lines, %d bytes", s.Lines(), len(s.Source()))
	}
	if n := len(s.Includes()); n != 26 {
		t.Errorf("%d includes, want 26", n)
	}
	for _, n := range []int{1, 2, 1 << 25, 1<<25 + 1, 1<<26 - 1, 1 << 26} {
		frames, ok := s.Frames(n)
		if !ok || len(frames) != 27 || frames[26].Script != "f0" || frames[0].Script != "f26" {
			t.Fatalf("Frames(%d) = %v", n, frames)
		}
		// Frame k is f(26-k) at the %include of the half line n is in.
		for k := 0; k < 26; k++ {
			half := (n - 1) >> (25 - k) & 1
			if frames[k].Line != half+1 {
				t.Fatalf("Frames(%d)[%d] = %+v, want line %d", n, k, frames[k], half+1)
			}
		}
	}
	runtime.ReadMemStats(&after)
	m := s.sourceMap()
	// A file renders in full twice at most, each time with one node per
	// %include line: 2*52 nodes and the top.
	if len(m.nodes) > 2*52+1 || len(m.regions) > 2*len(m.nodes) {
		t.Errorf("source map of %d nodes and %d regions, want at most two nodes per %%include line", len(m.nodes), len(m.regions))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 80<<20 {
		t.Errorf("allocated %d MiB for a 64 MiB script", alloc>>20)
	}
}

// TestLineOfLongFile: the lines of a long file, found through its index
// of line starts, are those a scan finds, CRLF and a last line without a
// line break included.
func TestLineOfLongFile(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("x%d = %d", i, i))
	}
	for _, text := range []string{strings.Join(lines, "\n"), strings.Join(lines, "\r\n") + "\r\n"} {
		f := parseFile("long", "long.lua", text)
		for n := 1; n <= 302; n++ {
			want := ""
			if n <= 300 {
				want = lines[n-1]
			}
			if got := f.line(n); got != want {
				t.Fatalf("line(%d) = %q, want %q", n, got, want)
			}
		}
	}
}

func TestFlags(t *testing.T) {
	for src, want := range map[string]string{
		"#!lua flags=no-writes,allow-oom\nreturn 1": "no-writes allow-oom",
		"#!lua name=x flags=no-writes\r\nreturn 1":  "no-writes",
		"#!lua\nreturn 1":                           "",
		"return 1":                                  "",
		"#!lua flags=\nreturn 1":                    "",
		"#!lua flags=allow-cross-slot-keys":         "allow-cross-slot-keys",
	} {
		s, err := New(nil).Parse("m", src)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(s.Flags(), " "); got != want {
			t.Errorf("Flags of %q = %q, want %q", src, got, want)
		}
	}
}
