package directive

import (
	"errors"
	"strings"
	"testing"
)

// typeNames stands in for codec.TypeNames(), which this module cannot
// import; the resolve tests check the real table reaches the lexer.
var typeNames = []string{"int", "integer", "number", "float", "string", "str", "bool", "boolean", "list", "array", "dict", "dictionary"}

func lexStrings(t *testing.T, src string, opts Options) ([]string, error) {
	t.Helper()
	items, err := Lex(src, opts)
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.String()
	}
	return out, err
}

func TestLexItems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", "", []string{}},
		{"bom only", BOM, []string{}},
		{"text", "local a = 1\nreturn a", []string{`1:1 text "local a = 1\nreturn a"`}},
		{"final newline kept", "return 1\n", []string{`1:1 text "return 1\n"`}},
		{"key", "%key k", []string{"1:1 %key k"}},
		{"arg untyped", "%arg a", []string{"1:1 %arg a"}},
		{"arg typed", "%arg size integer", []string{"1:1 %arg size integer"}},
		{"return", "%return dict", []string{"1:1 %return dict"}},
		{"include double", `%include "lib/x"`, []string{`1:1 %include "lib/x"`}},
		{"include single", `%include '../bar/b'`, []string{`1:1 %include '../bar/b'`}},
		{"include other quote inside", `%include "it's"`, []string{`1:1 %include "it's"`}},
		{"include blank inside", `%include "a b"`, []string{`1:1 %include "a b"`}},
		{"pragma", "%pragma once", []string{"1:1 %pragma once"}},
		{"indented with blanks", " \t%key  k \t", []string{"1:3 %key k"}},
		{"crlf", "%key k\r\nreturn k\r\n", []string{"1:1 %key k", `2:1 text "return k\r\n"`}},
		{"cr as blank between operands", "%arg\rn\rint\r", []string{"1:1 %arg n int"}},
		{"vt ff blanks", "\v%arg\fn int", []string{"1:2 %arg n int"}},
		{"directive then final newline", "%key k\n", []string{"1:1 %key k", `2:1 text ""`}},
		{"text runs split by directives", "a\nb\n%key k\nc\n%arg x\n%arg y\nd", []string{
			`1:1 text "a\nb"`, "3:1 %key k", `4:1 text "c"`, "5:1 %arg x", "6:1 %arg y", `7:1 text "d"`,
		}},
		{"percent inside lua is text", "local s = string.format('%s', x)\nreturn a % b\n-- %key k", []string{
			`1:1 text "local s = string.format('%s', x)\nreturn a % b\n-- %key k"`,
		}},
		{"bom skipped", BOM + "%key k\nreturn 1", []string{"1:1 %key k", `2:1 text "return 1"`}},
		{"bom before text", BOM + "return 1", []string{`1:1 text "return 1"`}},
		{"shebang", "#!lua flags=no-writes\n%key k", []string{`1:1 shebang "#!lua flags=no-writes"`, "2:1 %key k"}},
		{"shebang after bom", BOM + "#!lua\nreturn 1", []string{`1:1 shebang "#!lua"`, `2:1 text "return 1"`}},
		{"shebang only on line 1", "return 1\n#!lua", []string{`1:1 text "return 1\n#!lua"`}},
		{"underscore names", "%key _k1\n%arg A_b2 str", []string{"1:1 %key _k1", "2:1 %arg A_b2 str"}},
		{"goto is a 5.1 name", "%arg goto", []string{"1:1 %arg goto"}},
		{"blank lines", "\n\n", []string{`1:1 text "\n\n"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lexStrings(t, tt.src, Options{Types: typeNames})
			if err != nil {
				t.Fatalf("Lex(%q): unexpected error %v", tt.src, err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Lex(%q) =\n%s\nwant\n%s", tt.src, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		src        string
		code       Code
		pos        string
		msg        string
		suggestion string
	}{
		{"%", ErrNoDirective, "1:2", "expected a directive word after %", ""},
		{"  % key k", ErrNoDirective, "1:4", "expected a directive word after %", ""},
		{"%inlcude \"x\"", ErrUnknownDirective, "1:1", "unknown directive %inlcude", "%include"},
		{"%ky k", ErrUnknownDirective, "1:1", "unknown directive %ky", "%key"},
		{"%KEY k", ErrUnknownDirective, "1:1", "unknown directive %KEY", "%key"},
		{"%retrun int", ErrUnknownDirective, "1:1", "unknown directive %retrun", "%return"},
		{"%pargma once", ErrUnknownDirective, "1:1", "unknown directive %pargma", "%pragma"},
		{"%foo", ErrUnknownDirective, "1:1", "unknown directive %foo", ""},
		{"%define x 1", ErrUnknownDirective, "1:1", "unknown directive %define", ""},
		{`%include"x"`, ErrMissingBlank, "1:9", `expected a blank after %include, found '"'`, ""},
		{"%key-x", ErrMissingBlank, "1:5", `expected a blank after %key, found '-'`, ""},
		{"%key", ErrMissingOperand, "1:5", "%key needs a name", ""},
		{"%key   \r", ErrMissingOperand, "1:5", "%key needs a name", ""},
		{"%arg", ErrMissingOperand, "1:5", "%arg needs a name", ""},
		{"%return", ErrMissingOperand, "1:8", "%return needs a type", ""},
		{"%pragma", ErrMissingOperand, "1:8", "%pragma needs a value (once)", ""},
		{"%include", ErrMissingOperand, "1:9", "%include needs a quoted script name", ""},
		{"%include  ", ErrMissingOperand, "1:11", "%include needs a quoted script name", ""},
		{"%key a b", ErrExtraOperand, "1:8", `unexpected operand "b" after %key a`, ""},
		{"%arg a int x", ErrExtraOperand, "1:12", `unexpected operand "x" after %arg a int`, ""},
		{"%return int list", ErrExtraOperand, "1:13", `unexpected operand "list" after %return int`, ""},
		{"%pragma once twice", ErrExtraOperand, "1:14", `unexpected operand "twice" after %pragma once`, ""},
		{`%include "x" y`, ErrExtraOperand, "1:14", `unexpected "y" after %include "x"`, ""},
		{`%include "x""y"`, ErrExtraOperand, "1:13", `unexpected "\"y\"" after %include "x"`, ""},
		{"%key 1a", ErrBadName, "1:6", `%key name "1a" is not a Lua identifier`, ""},
		{"%key a.b", ErrBadName, "1:6", `%key name "a.b" is not a Lua identifier`, ""},
		{"%arg é int", ErrBadName, "1:6", `%arg name "é" is not a Lua identifier`, ""},
		{"%arg a-b", ErrBadName, "1:6", `%arg name "a-b" is not a Lua identifier`, ""},
		{"%key end", ErrKeywordName, "1:6", `%key name "end" is a Lua keyword`, ""},
		{"%arg local int", ErrKeywordName, "1:6", `%arg name "local" is a Lua keyword`, ""},
		{"%include foo", ErrUnquotedInclude, "1:10", "%include name must be quoted", `%include "foo"`},
		{"%include foo bar", ErrUnquotedInclude, "1:10", "%include name must be quoted", `%include "foo"`},
		{`%include "foo`, ErrUnterminated, "1:10", `%include name has no closing "`, ""},
		{`%include 'foo"`, ErrUnterminated, "1:10", `%include name has no closing '`, ""},
		{`%include ""`, ErrEmptyInclude, "1:10", "%include name is empty", ""},
		{`%include ''`, ErrEmptyInclude, "1:10", "%include name is empty", ""},
		{"%arg n integr", ErrUnknownType, "1:8", `unknown type "integr"`, "integer"},
		{"%arg n Int", ErrUnknownType, "1:8", `unknown type "Int"`, "int"},
		{"%return dcit", ErrUnknownType, "1:9", `unknown type "dcit"`, "dict"},
		{"%return set", ErrUnknownType, "1:9", `unknown type "set"`, ""},
		{"%pragma twice", ErrUnknownPragma, "1:9", `unknown pragma "twice" (only "once" exists)`, ""},
		{"%pragma onse", ErrUnknownPragma, "1:9", `unknown pragma "onse" (only "once" exists)`, "once"},
		{"return 1\n  %arg n integr", ErrUnknownType, "2:10", `unknown type "integr"`, "integer"},
		{BOM + "%key", ErrMissingOperand, "1:5", "%key needs a name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			items, err := Lex(tt.src, Options{Types: typeNames})
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Lex(%q) error = %v, want one error", tt.src, err)
			}
			e := list[0]
			if e.Code != tt.code || e.Pos.String() != tt.pos || e.Msg != tt.msg || e.Suggestion != tt.suggestion {
				t.Errorf("Lex(%q) error = {%v %s %q %q}, want {%v %s %q %q}", tt.src,
					e.Code, e.Pos, e.Msg, e.Suggestion, tt.code, tt.pos, tt.msg, tt.suggestion)
			}
			var inv *Item
			for i := range items {
				if items[i].Kind == Invalid {
					inv = &items[i]
				}
			}
			if inv == nil || inv.Err != e {
				t.Errorf("Lex(%q): no Invalid item carrying the error: %v", tt.src, items)
			}
			var one *Error
			if !errors.As(err, &one) || one != e {
				t.Errorf("errors.As(*Error) does not reach the error")
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := Lex("%inlcude \"x\"\nreturn 1\n%key\n", Options{})
	want := `1:1: unknown directive %inlcude; did you mean %include? (and 1 more errors)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	list := err.(ErrorList)
	if got, want := list.Details(), "1:1: unknown directive %inlcude; did you mean %include?\n3:5: %key needs a name\n"; got != want {
		t.Errorf("Details() = %q, want %q", got, want)
	}
	if len(list.Unwrap()) != 2 {
		t.Errorf("Unwrap() has %d errors, want 2", len(list.Unwrap()))
	}
}

func TestLexAllErrorsReported(t *testing.T) {
	src := "%key\n%arg n integr\nreturn 1\n%pragma twice\n%include x"
	items, err := Lex(src, Options{Types: typeNames})
	list, _ := err.(ErrorList)
	var lines []int
	for _, e := range list {
		lines = append(lines, e.Pos.Line)
	}
	if len(lines) != 4 || lines[0] != 1 || lines[1] != 2 || lines[2] != 4 || lines[3] != 5 {
		t.Errorf("error lines = %v, want [1 2 4 5]", lines)
	}
	if got := joinSrc(items); got != src {
		t.Errorf("items do not reproduce the input: %q", got)
	}
}

func TestLexWithoutTypeTable(t *testing.T) {
	// Without a table any identifier is a type; a non-identifier is not.
	if _, err := Lex("%arg n whatever\n%return Any_1", Options{}); err != nil {
		t.Errorf("unexpected error %v", err)
	}
	_, err := Lex("%arg n list[int]", Options{})
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrUnknownType || e.Pos.Col != 8 {
		t.Errorf("error = %v, want unknown type at 1:8", err)
	}
}

func TestOperandPositions(t *testing.T) {
	src := "return 1\n  %arg\tcount  int\r\n%include 'lib/x'"
	items, err := Lex(src, Options{Types: typeNames})
	if err != nil {
		t.Fatal(err)
	}
	arg := items[1]
	if arg.Pos != (Pos{Offset: 11, Line: 2, Col: 3}) {
		t.Errorf("arg Pos = %+v", arg.Pos)
	}
	if arg.Name != (Operand{"count", Pos{Offset: 16, Line: 2, Col: 8}}) {
		t.Errorf("arg Name = %+v", arg.Name)
	}
	if arg.Type != (Operand{"int", Pos{Offset: 23, Line: 2, Col: 15}}) {
		t.Errorf("arg Type = %+v", arg.Type)
	}
	if arg.Src != "  %arg\tcount  int\r" {
		t.Errorf("arg Src = %q", arg.Src)
	}
	inc := items[2]
	if inc.Name != (Operand{"lib/x", Pos{Offset: 37, Line: 3, Col: 10}}) || inc.Quote != '\'' {
		t.Errorf("include = %+v", inc)
	}
	if src[inc.Name.Pos.Offset] != '\'' || src[arg.Type.Pos.Offset:arg.Type.Pos.Offset+3] != "int" {
		t.Errorf("offsets do not point into the source")
	}
}

func TestBOMOffsets(t *testing.T) {
	items, _ := Lex(BOM+"%key k", Options{})
	if items[0].Pos != (Pos{Offset: 3, Line: 1, Col: 1}) || items[0].Name.Pos != (Pos{Offset: 8, Line: 1, Col: 6}) {
		t.Errorf("positions after BOM = %+v %+v", items[0].Pos, items[0].Name.Pos)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Text: "text", Include: "%include", Invalid: "invalid", Kind(99): "Kind(99)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
	if !Key.IsDirective() || !Pragma.IsDirective() || Text.IsDirective() || Invalid.IsDirective() || Shebang.IsDirective() {
		t.Error("IsDirective is wrong")
	}
}

func TestIsIdentifier(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "_": true, "a1": true, "1a": false, "": false, "end": false, "nil": false, "a b": false, "Self": true} {
		if IsIdentifier(s) != want {
			t.Errorf("IsIdentifier(%q) = %v", s, !want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		word string
		cand []string
		want string
	}{
		{"inlcude", Words, "include"},
		{"incldue", Words, "include"},
		{"includ", Words, "include"},
		{"ky", Words, "key"},
		{"kye", Words, "key"},
		{"x", Words, ""},
		{"", Words, ""},
		{"args", Words, "arg"},
		{"integr", typeNames, "integer"},
		{"strng", typeNames, "string"},
		{"lst", typeNames, "list"},
		{"dictionnary", typeNames, "dictionary"},
		{"nope", typeNames, ""},
		{"membrs", []string{"members", "size"}, "members"},
		{strings.Repeat("a", 100), []string{strings.Repeat("a", 99)}, ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, tt.cand); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func joinSrc(items []Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.Src
	}
	return strings.Join(parts, "\n")
}

// TestItemsMatchLex checks that the iterator yields what Lex returns,
// Invalid items and their errors included.
func TestItemsMatchLex(t *testing.T) {
	for _, src := range []string{
		"", "return 1", "%key k\n%arg n integr\nreturn 1\n%inlcude \"x\"\n%include 'lib/a'\n",
		"#!lua\n%pragma once\n%return dict\nlocal a = 1\nreturn a",
	} {
		items, err := Lex(src, Options{Types: typeNames})
		var got []Item
		var errs ErrorList
		for it := range Items(src, Options{Types: typeNames}) {
			got = append(got, it)
			if it.Err != nil {
				errs = append(errs, it.Err)
			}
		}
		if len(got) != len(items) {
			t.Fatalf("Items(%q) yielded %d items, Lex returned %d", src, len(got), len(items))
		}
		for i := range got {
			if got[i].String() != items[i].String() || got[i].Pos != items[i].Pos {
				t.Errorf("Items(%q)[%d] = %v, Lex: %v", src, i, got[i], items[i])
			}
		}
		if (err == nil) != (len(errs) == 0) || err != nil && err.Error() != errs.Error() {
			t.Errorf("Items(%q) errors %v, Lex: %v", src, errs, err)
		}
	}
}

// TestKeywords keeps isKeyword's switch and the exported list in step.
func TestKeywords(t *testing.T) {
	for _, k := range Keywords {
		if !isKeyword(k) || IsIdentifier(k) {
			t.Errorf("%q is not taken for a keyword", k)
		}
	}
	n := 0
	for _, w := range []string{"and", "goto", "self", "End", "function", "functions", "nil", "Nil"} {
		if isKeyword(w) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("isKeyword accepts %d of and/goto/self/End/function/functions/nil/Nil, want 3", n)
	}
}
