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
