package luascan

import "strings"

// Kind is the class of a token.
type Kind uint8

// The kinds of tokens.
const (
	EOF        Kind = iota // the end of the source
	Comment                // "--" to the end of the line, or a long comment "--[[ … ]]"
	Shebang                // a "#!" line at the very start of the source
	Name                   // an identifier
	Keyword                // one of Lua 5.1's reserved words
	Number                 // a numeral as Lua 5.1 reads it (it may still be malformed)
	String                 // a quoted string, escapes included
	LongString             // a long bracket string "[[ … ]]", "[==[ … ]==]"
	Op                     // an operator or punctuation: "...", "..", "==", "~=", "<=", ">=" or one byte
)

var kindNames = [...]string{"EOF", "Comment", "Shebang", "Name", "Keyword", "Number", "String", "LongString", "Op"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Token is one token of the source and where it begins.
type Token struct {
	Kind Kind
	Text string // the token's source text, delimiters included
	Off  int    // byte offset of its first byte
	Line int    // line of its first byte, from 1
	Col  int    // byte column of its first byte, from 1
}

// Scanner reads the tokens of one source.
type Scanner struct {
	src       string
	off       int
	line, col int
}

// New returns a Scanner at the start of src.
func New(src string) *Scanner { return &Scanner{src: src, line: 1, col: 1} }

// Next returns the next token, after any blanks; at the end of the
// source, a token of Kind EOF with the position of the end.
func (s *Scanner) Next() Token {
	s.blanks()
	src, i := s.src, s.off
	if i >= len(src) {
		return Token{Kind: EOF, Off: i, Line: s.line, Col: s.col}
	}
	c := src[i]
	var kind Kind
	var j int
	switch {
	case i == 0 && strings.HasPrefix(src, "#!"):
		kind, j = Shebang, lineEnd(src, i)
	case strings.HasPrefix(src[i:], "--"):
		kind = Comment
		if n, ok := longBracket(src[i+2:]); ok {
			j = i + 2 + n
		} else {
			j = lineEnd(src, i)
		}
	case isLetter(c):
		j = i + 1
		for j < len(src) && (isLetter(src[j]) || isDigit(src[j])) {
			j++
		}
		kind = Name
		if keywords[src[i:j]] {
			kind = Keyword
		}
	case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
		kind, j = Number, numeral(src, i)
	case c == '"' || c == '\'':
		kind, j = String, quoted(src, i)
	case c == '[':
		if n, ok := longBracket(src[i:]); ok {
			kind, j = LongString, i+n
			break
		}
		kind, j = Op, i+1
	default:
		kind, j = Op, i+1
		for _, op := range ops {
			if strings.HasPrefix(src[i:], op) {
				j = i + len(op)
				break
			}
		}
	}
	t := Token{Kind: kind, Text: src[i:j], Off: i, Line: s.line, Col: s.col}
	s.advance(j)
	return t
}

// ops are the operators longer than one byte, longest first.
var ops = [...]string{"...", "..", "==", "~=", "<=", ">="}

// blanks skips spaces, tabs, line breaks and the other blanks Lua 5.1
// skips.
func (s *Scanner) blanks() {
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case '\n':
			s.line, s.col = s.line+1, 1
		case ' ', '\t', '\r', '\f', '\v':
			s.col++
		default:
			return
		}
		s.off++
	}
}

// advance moves the position to offset j, over the text before it.
func (s *Scanner) advance(j int) {
	text := s.src[s.off:j]
	if n := strings.Count(text, "\n"); n > 0 {
		s.line += n
		s.col = len(text) - strings.LastIndexByte(text, '\n')
	} else {
		s.col += len(text)
	}
	s.off = j
}

// lineEnd is the offset of the line break at or after i, or the end.
func lineEnd(src string, i int) int {
	if k := strings.IndexByte(src[i:], '\n'); k >= 0 {
		return i + k
	}
	return len(src)
}

// numeral returns the end of the numeral at src[i] as Lua 5.1's lexer
// reads one: digits and dots, an optional sign after an exponent's e or
// E, then any letters, digits and underscores (strtod decides later
// whether it is a number: 0x10 is, 3e and 1_000 are not).
func numeral(src string, i int) int {
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
	return j
}

// quoted returns the end of the string whose quote is at src[i]: past
// its closing quote; a backslash escapes the next byte (a line break
// too, which continues the string); an unescaped line break or the end
// of the source ends an unterminated string before it.
func quoted(src string, i int) int {
	q := src[i]
	j := i + 1
	for j < len(src) && src[j] != q && src[j] != '\n' {
		if src[j] == '\\' && j+1 < len(src) {
			j++
		}
		j++
	}
	if j < len(src) && src[j] == q {
		j++
	}
	return j
}

// longBracket returns the length of the long bracket ([[…]], [==[…]==])
// at the start of s, up to the end of s when it is not closed, and
// whether s starts with one.
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

func isLetter(c byte) bool { return c == '_' || 'a' <= c|0x20 && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

var keywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}
