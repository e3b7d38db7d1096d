package luacover

import (
	"strings"

	"github.com/redislua/redislua/vet/luascan"
)

// statementStarts returns, for each line of Lua source src (from 1), the
// byte offset in src of the first statement that begins on it, or -1.
// It reads Lua 5.1's tokens (long strings and comments included) and
// knows a statement begins where a block is open (not inside brackets)
// and the token before ends a statement or opens a block. Lines it
// cannot tell (a statement starting with "(") are left out: counting
// them would need a ";" the author did not write.
func statementStarts(src string) []int {
	starts, _ := lexLines(src)
	return starts
}

// TokenLines reports, for each line of Lua source src (from 1; index 0
// unused), whether a token begins on it: false for blank lines, comment
// lines, and the inner lines of long comments and long strings, where
// Lua can never stop.
func TokenLines(src string) []bool {
	_, tokens := lexLines(src)
	return tokens
}

// lexLines is statementStarts, and the lines where a token begins.
func lexLines(src string) ([]int, []bool) {
	nlines := strings.Count(src, "\n") + 1
	tokens := make([]bool, nlines+1)
	starts := make([]int, nlines+1)
	for i := range starts {
		starts[i] = -1
	}
	var stack []byte // 'b' block, 'e' brackets
	prev := ""       // the previous token's class: "" at the start
	for sc := luascan.New(src); ; {
		t := sc.Next()
		var class string
		switch t.Kind {
		case luascan.EOF:
			return starts, tokens
		case luascan.Comment, luascan.Shebang:
			continue
		case luascan.Name:
			class = "name"
		case luascan.Keyword, luascan.Op:
			class = t.Text
		default: // numbers and strings
			class = "value"
		}
		tokens[t.Line] = true
		block := len(stack) == 0 || stack[len(stack)-1] == 'b'
		if block && startsStatement[class] && endsStatement[prev] && starts[t.Line] < 0 {
			starts[t.Line] = t.Off
		}
		switch class {
		case "(", "[", "{":
			stack = append(stack, 'e')
		case ")", "]", "}":
			if n := len(stack); n > 0 && stack[n-1] == 'e' {
				stack = stack[:n-1]
			}
		case "if", "function", "repeat", "do":
			stack = append(stack, 'b')
		case "end", "until":
			if n := len(stack); n > 0 && stack[n-1] == 'b' {
				stack = stack[:n-1]
			}
		}
		if class == "name" || class == "value" || class == "nil" || class == "true" || class == "false" || class == "..." {
			class = "value"
		}
		prev = class
	}
}

// startsStatement are the tokens a counted statement may begin with.
var startsStatement = map[string]bool{
	"name": true, "local": true, "function": true, "return": true, "if": true,
	"for": true, "while": true, "do": true, "repeat": true, "break": true,
}

// endsStatement are the tokens after which a statement may begin: the
// end of an expression, or a word that opens a block.
var endsStatement = map[string]bool{
	"": true, "value": true, ")": true, "]": true, "}": true, "end": true,
	"then": true, "do": true, "else": true, "repeat": true, ";": true, "break": true,
}
