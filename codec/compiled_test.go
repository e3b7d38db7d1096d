package codec

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

type inner struct {
	A int               `json:"a"`
	B *inner            `json:"b,omitempty"`
	M map[string]string `json:"m,omitempty"`
}

type outer struct {
	inner
	Name  string    `json:"name"`
	Skip  string    `json:"-"`
	List  []float64 `json:"list"`
	Arr   [2]uint8  `json:"arr"`
	Any   any       `json:"any"`
	Items []inner   `json:"items"`
}

// TestCompiledLikeEncodingJSON: the per-type encoders write what
// encoding/json writes, for the shapes they compile.
func TestCompiledLikeEncodingJSON(t *testing.T) {
	values := []any{
		[]int{1, -2, 3}, []int64{9007199254740992, -5}, []float64{0.1, 1e21, math.Copysign(0, -1)},
		[]outer{{inner: inner{A: 1, B: &inner{A: 2, M: map[string]string{"z": "1", "a": "2"}}}, Name: "n", List: []float64{1.5}, Any: map[string]any{"k": []any{1.0, "x"}}, Items: []inner{{A: 3}}}},
		[]map[string]any{{"b": 1.0, "a": "x"}, {}},
		[]map[string]int{{"k": 1}},
		[3]int16{1, 2, 3},
		[]*inner{nil, {A: 1}},
	}
	for _, v := range values {
		got, err := Encode("v", List, v)
		want, _ := json.Marshal(v)
		if err != nil || got != string(want) {
			t.Errorf("%T: %v %s\nwant %s", v, err, got, want)
		}
	}
	// (Nil slices are [] here, null there: a documented difference.)
	full := outer{Name: "x", List: []float64{}, Items: []inner{}}
	dicts := []any{full, map[string]inner{"b": {A: 1}, "a": {}}, &full}
	for _, v := range dicts {
		got, err := Encode("v", Dict, v)
		want, _ := json.Marshal(v)
		if err != nil || got != string(want) {
			t.Errorf("%T: %v %s\nwant %s", v, err, got, want)
		}
	}
}

// TestCompiledErrors: the fast paths refuse what the codec refuses,
// naming the element.
func TestCompiledErrors(t *testing.T) {
	for _, tc := range []struct {
		v    any
		path string
	}{
		{[]int64{1, 2, 9007199254740993}, "[2]"},
		{[]int{0, math.MaxInt64}, "[1]"},
		{[]float64{1, math.NaN()}, "[1]"},
		{[]outer{{}, {List: []float64{math.Inf(1)}}}, "[1].list[0]"},
		{[]map[string]any{{"k": math.NaN()}}, "[0].k"},
		{[]map[string]string{{"k": "\xff"}}, "[0].k"},
	} {
		_, err := Encode("v", List, tc.v)
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.Path != tc.path {
			t.Errorf("%T: %v, want an EncodeError at %s", tc.v, err, tc.path)
		}
	}
}
