package codec

import (
	"fmt"
	"strconv"
)

// Type is a directive type: the type of an %arg or of a %return.
type Type uint8

// The types. Untyped is an %arg without a type and a script without
// %return: values go to Redis as go-redis converts them and replies come
// back raw.
const (
	Untyped Type = iota
	Integer
	Number
	String
	Boolean
	List
	Dict
)

// typeInfo is one row of the type table.
type typeInfo struct {
	name    string   // canonical name
	aliases []string // every spelling a script may use, canonical first
	// lua is the rendered Lua of an %arg of this type around the ARGV
	// reference: prefix + "ARGV[i]" + suffix.
	luaPrefix, luaSuffix string
}

// table is the one type table of redislua (conformance/SPEC.md §3). The directive lexer
// receives its names through TypeNames; nothing else spells them.
var table = [...]typeInfo{
	Untyped: {"untyped", nil, "", ""},
	Integer: {"integer", []string{"integer", "int"}, "tonumber(", ")"},
	Number:  {"number", []string{"number", "float"}, "tonumber(", ")"},
	String:  {"string", []string{"string", "str"}, "", ""},
	Boolean: {"boolean", []string{"boolean", "bool"}, "tonumber(", ") ~= 0"},
	List:    {"list", []string{"list", "array"}, "cjson.decode(", ")"},
	Dict:    {"dict", []string{"dict", "dictionary"}, "cjson.decode(", ")"},
}

// Types lists the typed types in table order.
var Types = []Type{Integer, Number, String, Boolean, List, Dict}

var byName = func() map[string]Type {
	m := make(map[string]Type)
	for _, t := range Types {
		for _, a := range table[t].aliases {
			m[a] = t
		}
	}
	return m
}()

var names = func() []string {
	var n []string
	for _, t := range Types {
		n = append(n, table[t].aliases...)
	}
	return n
}()

// ParseType returns the type a name or alias stands for ("int" →
// Integer). The empty name is Untyped.
func ParseType(name string) (Type, bool) {
	if name == "" {
		return Untyped, true
	}
	t, ok := byName[name]
	return t, ok
}

// TypeNames returns every type name a script may write, aliases included,
// for the directive lexer (directive.Options.Types). The slice is shared;
// do not modify it.
func TypeNames() []string { return names }

// String returns the canonical name: integer number string boolean list
// dict, or "untyped".
func (t Type) String() string {
	if int(t) < len(table) {
		return table[t].name
	}
	return fmt.Sprintf("Type(%d)", t)
}

// Aliases returns every spelling of t, canonical first.
func (t Type) Aliases() []string {
	if int(t) < len(table) {
		return table[t].aliases
	}
	return nil
}

// IsJSON reports whether values of t travel as JSON text (list, dict).
func (t Type) IsJSON() bool { return t == List || t == Dict }

// LuaLine returns the Lua line that "%arg name t" renders to when the
// argument is the index-th (from 1) of the script:
//
//	local name = tonumber(ARGV[index])
func (t Type) LuaLine(name string, index int) string {
	return string(t.AppendLuaLine(nil, name, index))
}

// AppendLuaLine appends LuaLine(name, index) to dst.
func (t Type) AppendLuaLine(dst []byte, name string, index int) []byte {
	info := &table[Untyped]
	if int(t) < len(table) {
		info = &table[t]
	}
	dst = append(dst, "local "...)
	dst = append(dst, name...)
	dst = append(dst, " = "...)
	dst = append(dst, info.luaPrefix...)
	dst = append(dst, "ARGV["...)
	dst = strconv.AppendInt(dst, int64(index), 10)
	dst = append(dst, ']')
	return append(dst, info.luaSuffix...)
}

// MarshalText writes the canonical name; Untyped is "untyped".
func (t Type) MarshalText() ([]byte, error) {
	if int(t) >= len(table) {
		return nil, fmt.Errorf("codec: invalid type %d", t)
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads a name or an alias; "untyped" and "" are Untyped.
func (t *Type) UnmarshalText(b []byte) error {
	if string(b) == "untyped" {
		*t = Untyped
		return nil
	}
	v, ok := ParseType(string(b))
	if !ok {
		return fmt.Errorf("codec: unknown type %q", b)
	}
	*t = v
	return nil
}
