package directive

import (
	"strings"
	"testing"
)

// FuzzLex checks that Lex never panics, that its items reproduce the input,
// and that positions agree with the source. The seed corpus is in
// testdata/fuzz/FuzzLex.
func FuzzLex(f *testing.F) {
	for _, s := range []string{
		"", "%key k\n%arg n int\nreturn n", "%include 'a'\r\n", BOM + "%pragma once",
		"#!lua\n%return list", "%inlcude \"x\"", "  %  ", "%arg\t\v\fa\rb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, opts := range []Options{{}, {Types: typeNames}} {
			items, err := Lex(src, opts)
			if len(items) != cap(items) && len(items) > 0 {
				t.Fatalf("%d items in a slice of capacity %d", len(items), cap(items))
			}
			if got := strings.TrimPrefix(src, BOM); joinSrc(items) != got {
				t.Fatalf("items do not reproduce the input:\n got %q\nwant %q", joinSrc(items), got)
			}
			var invalid int
			line := 1
			for _, it := range items {
				if it.Pos.Line != line {
					t.Fatalf("item %v starts on line %d, want %d", it, it.Pos.Line, line)
				}
				line += it.Lines()
				if it.Pos.Offset < 0 || it.Pos.Offset >= len(src)+1 || it.Pos.Col < 1 {
					t.Fatalf("bad position %+v", it.Pos)
				}
				switch {
				case it.Kind == Invalid:
					invalid++
					if it.Err == nil {
						t.Fatalf("Invalid item without error")
					}
				case it.Kind.IsDirective():
					if src[it.Pos.Offset] != '%' {
						t.Fatalf("directive position %v does not point at '%%'", it.Pos)
					}
					if it.Kind != Return && it.Kind != Include && !IsIdentifier(it.Name.Text) {
						t.Fatalf("directive name %q is not an identifier", it.Name.Text)
					}
					if it.Name.Text != "" && it.Kind != Include && !strings.HasPrefix(src[it.Name.Pos.Offset:], it.Name.Text) {
						t.Fatalf("name position %v does not point at %q", it.Name.Pos, it.Name.Text)
					}
				}
			}
			list, _ := err.(ErrorList)
			if len(list) != invalid {
				t.Fatalf("%d errors for %d invalid items", len(list), invalid)
			}
			for _, e := range list {
				if e.Msg == "" || e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Fatalf("bad error %+v", e)
				}
			}
		}
	})
}
