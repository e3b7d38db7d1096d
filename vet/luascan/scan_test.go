package luascan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/redislua/redislua/vet/luascan"
)

// tokens is src's tokens as "Kind@line:col text", up to EOF.
func tokens(src string) []string {
	var out []string
	for s := luascan.New(src); ; {
		t := s.Next()
		if t.Kind == luascan.EOF {
			return out
		}
		out = append(out, fmt.Sprintf("%v@%d:%d %s", t.Kind, t.Line, t.Col, t.Text))
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"", nil},
		{"local x = 1", []string{"Keyword@1:1 local", "Name@1:7 x", "Op@1:9 =", "Number@1:11 1"}},
		{"#!lua flags=no-writes\nreturn 1", []string{"Shebang@1:1 #!lua flags=no-writes", "Keyword@2:1 return", "Number@2:8 1"}},
		{"x = 1 #!", []string{"Name@1:1 x", "Op@1:3 =", "Number@1:5 1", "Op@1:7 #", "Op@1:8 !"}},
		{"-- c\nx", []string{"Comment@1:1 -- c", "Name@2:1 x"}},
		{"--[==[ a\n]] b ]==] y", []string{"Comment@1:1 --[==[ a\n]] b ]==]", "Name@2:11 y"}},
		{"--[= not long\nz", []string{"Comment@1:1 --[= not long", "Name@2:1 z"}},
		{"s = [[\nab]] .. t", []string{"Name@1:1 s", "Op@1:3 =", "LongString@1:5 [[\nab]]", "Op@2:6 ..", "Name@2:9 t"}},
		{"a[b]", []string{"Name@1:1 a", "Op@1:2 [", "Name@1:3 b", "Op@1:4 ]"}},
		{"[=[ never closed", []string{"LongString@1:1 [=[ never closed"}},
		{`"a\"b" 'c\
d' e`, []string{`String@1:1 "a\"b"`, "String@1:8 'c\\\nd'", "Name@2:4 e"}},
		{"\"open\nx", []string{`String@1:1 "open`, "Name@2:1 x"}},
		{`"trailing\`, []string{`String@1:1 "trailing\`}},
		// Numerals as Lua 5.1 reads them, malformed ones included.
		{"0x1p4 3e 1_000 .5 1e+5 0x1e+5 3..4", []string{
			"Number@1:1 0x1p4", "Number@1:7 3e", "Number@1:10 1_000", "Number@1:16 .5", "Number@1:19 1e+5",
			"Number@1:24 0x1e", "Op@1:28 +", "Number@1:29 5", "Number@1:31 3..4"}},
		{"a...b..c==d~=e<=f>=g", []string{
			"Name@1:1 a", "Op@1:2 ...", "Name@1:5 b", "Op@1:6 ..", "Name@1:8 c", "Op@1:9 ==", "Name@1:11 d",
			"Op@1:12 ~=", "Name@1:14 e", "Op@1:15 <=", "Name@1:17 f", "Op@1:18 >=", "Name@1:20 g"}},
		{"\t\r\f\vé", []string{"Op@1:5 \xc3", "Op@1:6 \xa9"}},
	} {
		if got := tokens(tc.src); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

// FuzzScan: no panic; tokens come in order, each its own text at its
// offset, with the line and column that counting the source gives; what
// lies between them is blanks only; EOF is at the end.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"local x = [[a\n]] -- c\n", "#!lua\n'\\\n'", "--[==[", "0x.e+_1..", "\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s := luascan.New(src)
		prev := 0
		for n := 0; ; n++ {
			if n > len(src)+1 {
				t.Fatalf("%q: more tokens than bytes", src)
			}
			tok := s.Next()
			if gap := src[prev:tok.Off]; strings.Trim(gap, " \t\r\f\v\n") != "" {
				t.Fatalf("%q: %q skipped before %+v", src, gap, tok)
			}
			line := strings.Count(src[:tok.Off], "\n") + 1
			col := tok.Off - strings.LastIndexByte(src[:tok.Off], "\n"[0])
			if tok.Line != line || tok.Col != col {
				t.Fatalf("%q: %+v, want %d:%d", src, tok, line, col)
			}
			if tok.Kind == luascan.EOF {
				if tok.Off != len(src) || tok.Text != "" {
					t.Fatalf("%q: EOF %+v", src, tok)
				}
				return
			}
			if tok.Text == "" || src[tok.Off:tok.Off+len(tok.Text)] != tok.Text {
				t.Fatalf("%q: %+v is not the source at its offset", src, tok)
			}
			prev = tok.Off + len(tok.Text)
		}
	})
}
