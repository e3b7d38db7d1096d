package codec

import (
	"slices"
	"testing"
)

func TestParseTypeAliases(t *testing.T) {
	tests := map[string]Type{
		"": Untyped, "int": Integer, "integer": Integer, "number": Number, "float": Number,
		"string": String, "str": String, "bool": Boolean, "boolean": Boolean,
		"list": List, "array": List, "dict": Dict, "dictionary": Dict,
	}
	for name, want := range tests {
		got, ok := ParseType(name)
		if !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	for _, bad := range []string{"Int", "integr", "untyped", "set", "map", " int"} {
		if _, ok := ParseType(bad); ok {
			t.Errorf("ParseType(%q) accepted", bad)
		}
	}
	names := TypeNames()
	if len(names) != 12 || !slices.Contains(names, "dictionary") || slices.Contains(names, "untyped") {
		t.Errorf("TypeNames() = %v", names)
	}
}

func TestTypeString(t *testing.T) {
	want := []string{"untyped", "integer", "number", "string", "boolean", "list", "dict"}
	for i, w := range want {
		if got := Type(i).String(); got != w {
			t.Errorf("Type(%d).String() = %q, want %q", i, got, w)
		}
		var back Type
		if err := back.UnmarshalText([]byte(w)); err != nil || back != Type(i) {
			t.Errorf("UnmarshalText(%q) = %v, %v", w, back, err)
		}
	}
	if Type(42).String() != "Type(42)" {
		t.Error("invalid type String")
	}
	var tt Type
	if err := tt.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText accepted nope")
	}
	if _, err := Type(42).MarshalText(); err == nil {
		t.Error("MarshalText accepted an invalid type")
	}
}

func TestLuaLine(t *testing.T) {
	tests := []struct {
		t    Type
		want string
	}{
		{Integer, "local n = tonumber(ARGV[3])"},
		{Number, "local n = tonumber(ARGV[3])"},
		{String, "local n = ARGV[3]"},
		{Untyped, "local n = ARGV[3]"},
		{Boolean, "local n = tonumber(ARGV[3]) ~= 0"},
		{List, "local n = cjson.decode(ARGV[3])"},
		{Dict, "local n = cjson.decode(ARGV[3])"},
	}
	for _, tt := range tests {
		if got := tt.t.LuaLine("n", 3); got != tt.want {
			t.Errorf("%v.LuaLine = %q, want %q", tt.t, got, tt.want)
		}
	}
}
