package codec

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		t    Type
		text string
		want any
	}{
		{Integer, "42", int64(42)},
		{Integer, "-9007199254740992", int64(-MaxSafeInteger)},
		{Number, "1.5", 1.5},
		{Number, "1e3", 1000.0},
		{Number, "7", 7.0},
		{Boolean, "true", true}, {Boolean, "TRUE", true}, {Boolean, "1", true}, {Boolean, "yes", true},
		{Boolean, "false", false}, {Boolean, "0", false}, {Boolean, "No", false},
		{String, " as is ", " as is "},
		{Untyped, "x", "x"},
		{List, ` ["john", "susan", 1] `, json.RawMessage(`["john","susan",1]`)},
		{List, `[]`, json.RawMessage(`[]`)},
		{Dict, `{"a": {"b": [1.5]}}`, json.RawMessage(`{"a":{"b":[1.5]}}`)},
	}
	for _, tt := range tests {
		got, err := ParseText("n", tt.t, tt.text)
		if err != nil {
			t.Errorf("ParseText(%v, %q): %v", tt.t, tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseText(%v, %q) = %#v, want %#v", tt.t, tt.text, got, tt.want)
		}
		// What ParseText gives, Encode accepts.
		if _, err := Encode("n", tt.t, got); err != nil {
			t.Errorf("Encode(ParseText(%v, %q)): %v", tt.t, tt.text, err)
		}
	}
}

func TestParseTextRefused(t *testing.T) {
	tests := []struct {
		t      Type
		text   string
		reason string
	}{
		{Integer, "1.5", "not a decimal integer"},
		{Integer, "0x10", "not a decimal integer"},
		{Integer, "", "not a decimal integer"},
		{Integer, "9007199254740993", "beyond ±2^53"},
		{Integer, "99999999999999999999", "beyond ±2^53"},
		{Number, "NaN", "not a finite number"},
		{Number, "Inf", "not a finite number"},
		{Number, "1e400", "not a finite number"},
		{Number, "one", "not a finite number"},
		{Boolean, "maybe", "not a boolean"},
		{Boolean, "", "not a boolean"},
		{List, `{"a":1}`, "not a JSON array"},
		{List, `[1,`, "invalid JSON"},
		{List, `john`, "invalid JSON"},
		{List, `[1, 9007199254740993]`, "integer 9007199254740993 is beyond ±2^53 (Lua numbers are doubles) at [1]"},
		{List, "[\"\xff\"]", "string is not valid UTF-8 at [0]"},
		{Dict, `[1]`, "not a JSON object"},
		{Dict, `{"a":[{"b":1e999}]}`, "number 1e999 does not fit a double at .a[0].b"},
		{Dict, "{\"k\":\"ok\",\"bad\":\"\xc3\"}", "string is not valid UTF-8 at .bad"},
		{List, strings.Repeat("[", 1001) + strings.Repeat("]", 1001), "nested deeper than 1000 levels"},
	}
	for _, tt := range tests {
		_, err := ParseText("size", tt.t, tt.text)
		var e *ParseError
		if !errors.As(err, &e) || e.Arg != "size" {
			t.Errorf("ParseText(%v, %q) error = %v, want *ParseError", tt.t, tt.text, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.reason) || !strings.HasPrefix(err.Error(), "argument size: "+tt.t.String()) {
			t.Errorf("ParseText(%v, %q) error = %q, want it to contain %q", tt.t, tt.text, err, tt.reason)
		}
	}
}
