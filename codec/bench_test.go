//go:build go1.24

// The benchmarks use testing.B.Loop (Go 1.24); the module itself builds
// and tests with the older Go of its go line.

package codec

import (
	"encoding/json"
	"strconv"
	"testing"
)

func members(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "member:" + strconv.Itoa(i*7919)
	}
	return s
}

// BenchmarkEncodeList10k measures conformance/SPEC.md §9's figure: a 10,000-element list
// argument through codec beside encoding/json.Marshal of the same slice.
func BenchmarkEncodeList10k(b *testing.B) {
	benchEncodeList(b, members(10_000))
}

// benchEncodeList encodes list as a list argument, beside
// encoding/json.Marshal of the same value.
func benchEncodeList(b *testing.B, list any) {
	b.Run("impl=codec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode("members", List, list); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(list); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncodeListAny10k(b *testing.B) {
	list := make([]any, 10_000)
	for i := range list {
		if i%2 == 0 {
			list[i] = i
		} else {
			list[i] = "m" + strconv.Itoa(i)
		}
	}
	benchEncodeList(b, list)
}

func BenchmarkEncodeScalar(b *testing.B) {
	var v any = 123456
	var s any = "user:1000"
	b.Run("integer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Encode("n", Integer, v)
		}
	})
	b.Run("string", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Encode("s", String, s)
		}
	})
	b.Run("number", func(b *testing.B) {
		var f any = 2.5
		b.ReportAllocs()
		for b.Loop() {
			Encode("f", Number, f)
		}
	})
}

// TestScalarEncodeAllocs: integer and string arguments that go-redis can
// write as they are cost no allocation; a float costs its text and the
// interface holding it.
func TestScalarEncodeAllocs(t *testing.T) {
	var i, s, u, f any = 123456, "user:1000", userID(5), 2.5
	for _, c := range []struct {
		t    Type
		v    any
		most float64
	}{{Integer, i, 0}, {String, s, 0}, {Boolean, any(true), 0}, {Integer, u, 1}, {Number, f, 2}} {
		if n := testing.AllocsPerRun(100, func() { Encode("a", c.t, c.v) }); n > c.most {
			t.Errorf("Encode(%v, %T) allocates %.0f times, want at most %.0f", c.t, c.v, n, c.most)
		}
	}
}
