package lint

import (
	"strconv"
	"strings"
)

// The linter parses with gopher-lua, whose grammar is Lua 5.1's with a
// few differences from the Lua 5.1 that Redis compiles (measured on
// redis-server 7.0.15; see lua51_test.go):
//
//   - numerals: Lua 5.1 reads a numeral as digits and dots, an optional
//     exponent sign, then any letters, digits and underscores, and
//     converts it with C's strtod. So 0x1p4 is 16 in Redis, which
//     gopher-lua refuses, and 3e, 1_000 and 0x are malformed in Redis,
//     which gopher-lua accepts (the first) or reports otherwise;
//   - goto and labels: gopher-lua accepts them (Lua 5.2), Redis does not.
//
// numerals scans the source for numerals outside strings and comments.
// It returns the source with each numeral that Redis accepts and
// gopher-lua does not replaced by zeros of the same length (lines and
// columns stay), and the numerals Redis refuses.
func numerals(src string) (fixed string, malformed []numeral) {
	var b []byte // a copy, made at the first replacement
	line, col := 1, 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line, col = line+1, 1
			i++
			continue
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			j := i + 2
			if n, ok := longBracket(src[j:]); ok {
				j += n
			} else {
				for j < len(src) && src[j] != '\n' {
					j++
				}
			}
			line, col = advance(src[i:j], line, col)
			i = j
			continue
		case c == '[':
			if n, ok := longBracket(src[i:]); ok {
				line, col = advance(src[i:i+n], line, col)
				i += n
				continue
			}
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src))
			line, col = advance(src[i:j], line, col)
			i = j
			continue
		case isLetter(c):
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			col += j - i
			i = j
			continue
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && (isDigit(src[j]) || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				j++
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
			}
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			text := src[i:j]
			switch {
			case !strtodNumber(text):
				malformed = append(malformed, numeral{line: line, col: col, text: text})
			case !gopherNumber(text):
				if b == nil {
					b = []byte(src)
				}
				for k := i; k < j; k++ {
					b[k] = '0'
				}
			}
			col += j - i
			i = j
			continue
		}
		col++
		i++
	}
	if b != nil {
		return string(b), malformed
	}
	return src, malformed
}

// numeral is a numeral Redis refuses, where it is.
type numeral struct {
	line, col int
	text      string
}

// longBracket returns the length of a long bracket ([[...]], [==[...]==])
// at the start of s, to the end of s when it is not closed.
func longBracket(s string) (int, bool) {
	if len(s) < 2 || s[0] != '[' {
		return 0, false
	}
	level := 0
	for 1+level < len(s) && s[1+level] == '=' {
		level++
	}
	if 1+level >= len(s) || s[1+level] != '[' {
		return 0, false
	}
	closing := "]" + strings.Repeat("=", level) + "]"
	if end := strings.Index(s[2+level:], closing); end >= 0 {
		return 2 + level + end + len(closing), true
	}
	return len(s), true
}

// advance moves a line and column over text.
func advance(text string, line, col int) (int, int) {
	if n := strings.Count(text, "\n"); n > 0 {
		return line + n, len(text) - strings.LastIndexByte(text, '\n')
	}
	return line, col + len(text)
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c|0x20 && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// strtodNumber reports whether C's strtod reads all of text, as Lua 5.1
// requires of a numeral: decimal with an optional exponent, or
// hexadecimal (0x...), with a binary exponent (p) for a fraction.
func strtodNumber(text string) bool {
	if strings.ContainsRune(text, '_') {
		return false
	}
	if len(text) > 2 && text[0] == '0' && text[1]|0x20 == 'x' {
		if _, err := strconv.ParseUint(text[2:], 16, 64); err == nil {
			return true
		}
		_, err := strconv.ParseFloat(text, 64)
		return err == nil || isRange(err)
	}
	if strings.ContainsAny(text, "xXpP") {
		return false
	}
	_, err := strconv.ParseFloat(text, 64)
	return err == nil || isRange(err)
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// gopherNumber reports whether gopher-lua reads text as one numeral: a
// decimal one, or a hexadecimal integer.
func gopherNumber(text string) bool {
	if len(text) > 2 && text[0] == '0' && text[1]|0x20 == 'x' {
		_, err := strconv.ParseUint(text[2:], 16, 64)
		return err == nil || isRange(err)
	}
	return !strings.ContainsAny(text, "xXpP")
}
