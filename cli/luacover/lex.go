package luacover

import "strings"

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
	line := 1
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '#' && i == 0 && strings.HasPrefix(src, "#!"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "--"):
			j := i + 2
			if lvl, ok := longOpen(src[j:]); ok {
				end := longEnd(src, j, lvl)
				line += strings.Count(src[i:end], "\n")
				i = end
				continue
			}
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		tokStart, tokLine := i, line
		tokens[tokLine] = true
		var tok, class string
		switch {
		case isAlpha(c):
			j := i
			for j < len(src) && (isAlpha(src[j]) || isDigit(src[j])) {
				j++
			}
			tok = src[i:j]
			i = j
			if keywords[tok] {
				class = tok
			} else {
				class = "name"
			}
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && (isAlpha(src[j]) || isDigit(src[j]) || src[j] == '.' ||
				((src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
				j++
			}
			i = j
			class = "value"
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					if j+1 < len(src) && src[j+1] == '\n' {
						line++
					}
					j++
				}
				j++
			}
			i = min(j+1, len(src))
			class = "value"
		case c == '[':
			if lvl, ok := longOpen(src[i:]); ok {
				end := longEnd(src, i, lvl)
				line += strings.Count(src[i:end], "\n")
				i = end
				class = "value"
				break
			}
			i++
			tok, class = "[", "["
		default:
			for _, op := range []string{"...", "..", "==", "~=", "<=", ">="} {
				if strings.HasPrefix(src[i:], op) {
					tok = op
					break
				}
			}
			if tok == "" {
				tok = src[i : i+1]
			}
			i += len(tok)
			class = tok
		}
		block := len(stack) == 0 || stack[len(stack)-1] == 'b'
		if block && startsStatement[class] && endsStatement[prev] && starts[tokLine] < 0 {
			starts[tokLine] = tokStart
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
	return starts, tokens
}

var keywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
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

func isAlpha(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// longOpen reports whether s starts with a long bracket [[ or [==[, and
// its level.
func longOpen(s string) (int, bool) {
	if !strings.HasPrefix(s, "[") {
		return 0, false
	}
	j := 1
	for j < len(s) && s[j] == '=' {
		j++
	}
	if j < len(s) && s[j] == '[' {
		return j - 1, true
	}
	return 0, false
}

// longEnd returns the offset just past the long bracket of level lvl
// that opens at src[i], or len(src).
func longEnd(src string, i, lvl int) int {
	closing := "]" + strings.Repeat("=", lvl) + "]"
	k := strings.Index(src[i+lvl+2:], closing)
	if k < 0 {
		return len(src)
	}
	return i + lvl + 2 + k + len(closing)
}
