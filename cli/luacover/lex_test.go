package luacover

import (
	"reflect"
	"testing"
)

// TestStatementStarts: the lines where a statement begins, and only
// those: not continuation lines, brackets, long strings and comments,
// end/else/until; a function's body inside brackets is a block.
func TestStatementStarts(t *testing.T) {
	src := `local t = {
  a = 1,
}
--[[ a
comment ]] local s = [[
long]]
if t.a then
  f(function()
    return 1
  end)
else
  x = t.a
    + 2
end
repeat y = 1 until y
("x"):len()
return s`
	var got []int
	for line, at := range statementStarts(src) {
		if at >= 0 {
			got = append(got, line)
		}
	}
	want := []int{1, 5, 7, 8, 9, 12, 15, 17}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

// TestTokenLines: a line holds a token unless it is blank, a comment, or
// inside a long comment or string.
func TestTokenLines(t *testing.T) {
	src := "local a = 1\n\n-- note\n--[[ long\ncomment ]] b = [[\ntext\n]]\nreturn a\n"
	want := []bool{false, true, false, false, false, true, false, false, true, false}
	if got := TokenLines(src); !reflect.DeepEqual(got, want) {
		t.Errorf("TokenLines = %v, want %v", got, want)
	}
}

// FuzzLexLines: the lexer of coverage and breakpoints never panics and
// answers for every line: a statement starts only where a token does,
// at an offset inside the source.
func FuzzLexLines(f *testing.F) {
	for _, s := range []string{"local a = 1\nreturn a", "--[[ x\n]] f()", "s = [==[\n]==]", "#!lua\nreturn 1", "'unterminated\n\"x\\\ny\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		starts, tokens := lexLines(src)
		lines := 1
		for i := 0; i < len(src); i++ {
			if src[i] == '\n' {
				lines++
			}
		}
		if len(starts) != lines+1 || len(tokens) != lines+1 {
			t.Fatalf("%d starts, %d token flags for %d lines", len(starts), len(tokens), lines)
		}
		for line, at := range starts {
			if at >= 0 && (!tokens[line] || at >= len(src)) {
				t.Fatalf("line %d: statement at %d without a token there", line, at)
			}
		}
	})
}
