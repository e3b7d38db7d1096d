package codec

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		t     Type
		reply any
		want  any
	}{
		{Integer, int64(3), int64(3)},
		{Integer, "-12", int64(-12)},
		{Number, int64(3), 3.0},
		{Number, "3.7", 3.7},
		{Number, "1e+300", 1e300},
		{Number, "inf", math.Inf(1)},
		{Number, "-inf", math.Inf(-1)},
		{String, "hello", "hello"},
		{String, "", ""},
		{Boolean, int64(1), true},
		{Boolean, nil, false},
		{Boolean, int64(0), false}, // EXISTS, SISMEMBER: "no"
		{Boolean, int64(2), true},
		{Boolean, int64(-1), true},
		{String, int64(7), "7"}, // return a + b
		{String, int64(-9007199254740993), "-9007199254740993"},
		{List, `[1,"a",[true]]`, []any{1.0, "a", []any{true}}},
		{List, `{}`, []any{}},
		{List, ` {} `, []any{}},
		{List, `[]`, []any{}},
		{List, []any{int64(1), "x"}, []any{int64(1), "x"}},
		{Dict, `{"a":1,"b":{"c":[]}}`, map[string]any{"a": 1.0, "b": map[string]any{"c": []any{}}}},
		{Dict, `{}`, map[string]any{}},
		{Dict, `[]`, map[string]any{}},
		{Untyped, int64(5), int64(5)},
		{Untyped, nil, nil},
		{Untyped, []any{"raw"}, []any{"raw"}},
	}
	for _, tt := range tests {
		got, err := Decode(tt.t, tt.reply)
		if err != nil {
			t.Errorf("Decode(%v, %#v): %v", tt.t, tt.reply, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Decode(%v, %#v) = %#v, want %#v", tt.t, tt.reply, got, tt.want)
		}
	}
	if f, _ := Decode(Number, "nan"); !math.IsNaN(f.(float64)) {
		t.Errorf("Decode(number, nan) = %v", f)
	}
}

func TestDecodeRefused(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		t       Type
		reply   any
		message string
	}{
		{Integer, "3.5", `reply does not fit %return integer: a string that is not an integer: string "3.5"`},
		{Integer, nil, `reply does not fit %return integer: wrong kind of reply: nil`},
		{Integer, []any{int64(1)}, `reply does not fit %return integer: wrong kind of reply: array of 1 [1]`},
		{Number, "abc", `a string that is not a number: string "abc"`},
		{Number, nil, `wrong kind of reply: nil`},
		{String, []any{"a"}, `reply does not fit %return string: wrong kind of reply: array of 1 [a]`},
		{String, nil, "wrong kind of reply: nil"},
		{Boolean, "1", `reply does not fit %return boolean: a string (return true or false, or a number: 0 is false): string "1"`},
		{Boolean, "0", `a string`},
		{Boolean, []any{}, `wrong kind of reply`},
		{List, `{"a":1}`, `not a JSON array: string "{\"a\":1}"`},
		{List, `[1,`, `invalid JSON`},
		{List, int64(1), "want a string holding JSON"},
		{List, nil, "want a string holding JSON"},
		{List, long, `not a JSON array: string "` + strings.Repeat("x", 80) + `"…`},
		{Dict, `[1]`, "not a JSON object"},
		{Dict, `{"a":}`, "invalid JSON"},
		{Dict, []any{}, "want a string holding JSON"},
	}
	for _, tt := range tests {
		_, err := Decode(tt.t, tt.reply)
		var e *DecodeError
		if !errors.As(err, &e) || e.Type != tt.t {
			t.Errorf("Decode(%v, %#v) error = %v, want *DecodeError", tt.t, tt.reply, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.message) {
			t.Errorf("Decode(%v, %#v) error = %q, want it to contain %q", tt.t, tt.reply, err, tt.message)
		}
		if len(e.Reply) > 80+30 {
			t.Errorf("reply preview is %d bytes long: %q", len(e.Reply), e.Reply)
		}
	}
}

func TestDecodeInto(t *testing.T) {
	type foo struct {
		ID      int      `json:"id"`
		Members []string `json:"members"`
		Size    int      `json:"size"`
	}
	var f foo
	if err := DecodeInto(Dict, `{"id":1,"members":["john","susan"],"size":5}`, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID != 1 || f.Size != 5 || fmt.Sprint(f.Members) != "[john susan]" {
		t.Errorf("decoded %+v", f)
	}
	var ids []int
	if err := DecodeInto(List, `{}`, &ids); err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("{} into []int = %#v, %v; want empty non-nil slice", ids, err)
	}
	if err := DecodeInto(List, []any{int64(4), int64(5)}, &ids); err != nil || fmt.Sprint(ids) != "[4 5]" {
		t.Errorf("array reply into []int = %v, %v", ids, err)
	}
	var n int32
	if err := DecodeInto(Integer, int64(7), &n); err != nil || n != 7 {
		t.Errorf("into int32 = %v, %v", n, err)
	}
	if err := DecodeInto(Integer, int64(1)<<40, &n); err == nil {
		t.Error("overflowing int32 accepted")
	}
	var u uint8
	if err := DecodeInto(Integer, int64(-1), &u); err == nil {
		t.Error("negative into uint8 accepted")
	}
	var fl float32
	if err := DecodeInto(Number, "2.5", &fl); err != nil || fl != 2.5 {
		t.Errorf("into float32 = %v, %v", fl, err)
	}
	var s string
	if err := DecodeInto(Integer, int64(1), &s); err == nil {
		t.Error("integer into string accepted")
	}
	var b bool
	if err := DecodeInto(Boolean, nil, &b); err != nil || b {
		t.Errorf("nil into bool = %v, %v", b, err)
	}
	var anyv any
	if err := DecodeInto(String, "s", &anyv); err != nil || anyv != "s" {
		t.Errorf("into any = %v, %v", anyv, err)
	}
	if err := DecodeInto(Dict, `{"id":"x"}`, &f); err == nil || !strings.Contains(err.Error(), "cannot decode into codec.foo") {
		t.Errorf("bad field type error = %v", err)
	}
	if err := DecodeInto(Dict, `{}`, f); err == nil {
		t.Error("non-pointer accepted")
	}
}
