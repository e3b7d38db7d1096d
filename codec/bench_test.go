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
	benchBeside(b, List, members(10_000))
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
	benchBeside(b, List, list)
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

type benchItem struct {
	ID    int64             `json:"id"`
	Name  string            `json:"name"`
	Score float64           `json:"score"`
	Tags  []string          `json:"tags,omitempty"`
	Meta  map[string]string `json:"meta"`
}

// BenchmarkEncodeShapes10k is issue 21's table: every kind of slice,
// array, map and struct of 10,000 elements, beside encoding/json.
func BenchmarkEncodeShapes10k(b *testing.B) {
	const n = 10_000
	ints := make([]int, n)
	int64s := make([]int64, n)
	floats := make([]float64, n)
	structs := make([]benchItem, n)
	maps := make([]map[string]any, n)
	var array [n]int32
	dict := make(map[string]int, n)
	for i := range n {
		ints[i] = i * 7919
		int64s[i] = int64(i) * 1_000_003
		floats[i] = float64(i) * 1.25
		structs[i] = benchItem{ID: int64(i), Name: "item" + strconv.Itoa(i), Score: float64(i) / 3, Meta: map[string]string{"k": "v"}}
		maps[i] = map[string]any{"id": i, "name": "m" + strconv.Itoa(i)}
		array[i] = int32(i)
		dict["key"+strconv.Itoa(i)] = i
	}
	for _, tc := range []struct {
		name string
		typ  Type
		v    any
	}{
		{"ints", List, ints}, {"int64s", List, int64s}, {"float64s", List, floats},
		{"structs", List, structs}, {"maps", List, maps}, {"array", List, &array},
		{"dict", Dict, dict}, {"struct", Dict, structs[1]},
	} {
		b.Run("shape="+tc.name, func(b *testing.B) { benchBeside(b, tc.typ, tc.v) })
	}
}

// BenchmarkEncodeSmall: the list and dict arguments calls usually pass,
// a few elements each, beside encoding/json.
func BenchmarkEncodeSmall(b *testing.B) {
	for _, tc := range []struct {
		name string
		typ  Type
		v    any
	}{
		{"strings3", List, []string{"red", "green", "blue"}},
		{"ints3", List, []int{1, 2, 3}},
		{"map2", Dict, map[string]any{"id": 7, "name": "bob"}},
	} {
		b.Run("shape="+tc.name, func(b *testing.B) { benchBeside(b, tc.typ, tc.v) })
	}
}

// benchBeside encodes v as t with the codec and with encoding/json, as
// two sub-benchmarks (impl=codec, impl=encoding_json).
func benchBeside(b *testing.B, t Type, v any) {
	b.Run("impl=codec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode("v", t, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
