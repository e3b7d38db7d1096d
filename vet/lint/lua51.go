package lint

import (
	"strconv"
	"strings"

	"github.com/redislua/redislua/vet/luascan"
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
	for sc := luascan.New(src); ; {
		t := sc.Next()
		switch {
		case t.Kind == luascan.EOF:
			if b != nil {
				return string(b), malformed
			}
			return src, malformed
		case t.Kind != luascan.Number:
		case !strtodNumber(t.Text):
			malformed = append(malformed, numeral{line: t.Line, col: t.Col, text: t.Text})
		case !gopherNumber(t.Text):
			if b == nil {
				b = []byte(src)
			}
			copy(b[t.Off:], strings.Repeat("0", len(t.Text)))
		}
	}
}

// numeral is a numeral Redis refuses, where it is.
type numeral struct {
	line, col int
	text      string
}

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
