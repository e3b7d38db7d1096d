//go:build go1.24

// The benchmarks use testing.B.Loop (Go 1.24); the module itself builds
// and tests with the older Go of its go line.

package directive

import (
	"fmt"
	"strings"
	"testing"
)

// bigScript returns a script of n lines: one directive every ten lines,
// Lua text in between.
func bigScript(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "%%arg a%d integer\n", i)
		case 5:
			fmt.Fprintf(&b, "%%include \"lib/m%d\"\n", i)
		default:
			fmt.Fprintf(&b, "local v%d = redis.call('GET', 'k%d') -- %% not a directive\n", i, i)
		}
	}
	return b.String()
}

// TestLexAllocs proves that lexing allocates per item, not per byte or
// per line: the only allocations are the growth of the item slice.
func TestLexAllocs(t *testing.T) {
	src := bigScript(10_000)
	items, err := Lex(src, Options{Types: typeNames})
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(10, func() { Lex(src, Options{Types: typeNames}) })
	// 10,000 lines make 4,001 items; a growing slice needs ~log2 of that.
	if allocs > 32 {
		t.Errorf("Lex of %d lines (%d items) made %.0f allocations, want O(log items)", 10_000, len(items), allocs)
	}
}

func BenchmarkLex10kLines(b *testing.B) {
	src := bigScript(10_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Lex(src, Options{Types: typeNames}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestItemsAllocs proves that the iterator allocates nothing for a script
// without errors, and that it stops when the loop breaks.
func TestItemsAllocs(t *testing.T) {
	src := bigScript(1_000)
	allocs := testing.AllocsPerRun(10, func() {
		for it := range Items(src, Options{Types: typeNames}) {
			if it.Kind == Invalid {
				t.Fatal(it.Err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Items over %d lines made %.0f allocations, want 0", 1_000, allocs)
	}
	n := 0
	for range Items(src, Options{Types: typeNames}) {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("the loop ran %d times after break at 3", n)
	}
}

func BenchmarkItems10kLines(b *testing.B) {
	src := bigScript(10_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		for it := range Items(src, Options{Types: typeNames}) {
			if it.Kind == Invalid {
				b.Fatal(it.Err)
			}
		}
	}
}
