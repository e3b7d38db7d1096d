package conformance

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names reports whether message names frag (SPEC.md §10): frag occurs in
// it as a whole, so that a fragment that starts (ends) with a letter, a
// digit or _ is not preceded (followed) by one. Quotes and other
// punctuation around it are the runner's choice: "count", 'count',
// `count` and count all name count; counter and account do not.
func Names(message, frag string) bool {
	if frag == "" {
		return true
	}
	for from := 0; from <= len(message)-len(frag); {
		i := strings.Index(message[from:], frag)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(frag)
		if boundary(message[:start], frag, true) && boundary(message[end:], frag, false) {
			return true
		}
		_, size := utf8.DecodeRuneInString(message[start:])
		from = start + size
	}
	return false
}

// boundary reports whether the text beside a fragment (before it when
// before, else after it) leaves the fragment whole.
func boundary(beside, frag string, before bool) bool {
	var edge, next rune
	if before {
		edge, _ = utf8.DecodeRuneInString(frag)
		next, _ = utf8.DecodeLastRuneInString(beside)
	} else {
		edge, _ = utf8.DecodeLastRuneInString(frag)
		next, _ = utf8.DecodeRuneInString(beside)
	}
	if beside == "" || !word(edge) {
		return true
	}
	return !word(next)
}

func word(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// NamesAll reports whether message names every fragment of frags; when
// it does not, the first one missing, quoted.
func NamesAll(message string, frags []string) (missing string, ok bool) {
	for _, f := range frags {
		if !Names(message, f) {
			return strconv.Quote(f), false
		}
	}
	return "", true
}
