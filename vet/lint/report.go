package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/redislua/redislua/resolve"
)

type seenKey struct {
	code, word string
	n          int
}

var syntaxRE = regexp.MustCompile(`line:(\d+)\(column:(\d+)\) near '(.*)':\s*(.*?)\s*$`)

// eofRE is gopher-lua's error at the end of the source ("name at EOF:
// syntax error", its text padded with blanks).
var eofRE = regexp.MustCompile(`(?s)^.* at EOF:\s*(.*?)\s*$`)

func (l *linter) syntax(err error, src string) {
	msg := err.Error()
	line, col := 1, 0
	if m := syntaxRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		msg = m[4] + " near '" + m[3] + "'"
	} else if m := eofRE.FindStringSubmatch(msg); m != nil {
		// At the last line that holds anything: the script ends too soon.
		line = strings.Count(strings.TrimRight(src, " \t\r\n"), "\n") + 1
		msg = m[1] + " at the end of the script (unfinished statement or expression)"
	}
	l.reportAt("E011", Error, line, col, msg)
}

// reportAt adds a finding at a rendered line and column.
func (l *linter) reportAt(code string, sev Severity, line, col int, msg string) {
	n := len(l.findings)
	l.report(code, sev, line, "", msg)
	if len(l.findings) > n && col > 0 {
		l.findings[n].Pos.Col = col
	}
}

// report adds a finding at rendered line; word, when found on the source
// line, gives the column.
func (l *linter) report(code string, sev Severity, line int, word, msg string) {
	f := Finding{Code: code, Severity: sev, Message: msg, Line: line, Pos: resolve.Position{File: l.s.Name() + resolve.Ext, Line: line}}
	if last, ok := l.s.Origin(line); ok {
		f.Pos = resolve.Position{File: last.Script + resolve.Ext, Line: last.Line}
		if word != "" {
			// The k-th report of a code and a word on a line is at the
			// k-th occurrence of the word, counted from the end for a
			// read (local size = size: the value is the last).
			k := l.countSeen(line, code, word)
			src := codePart(last.Text)
			i := nthIndexWord(src, word, k, readOnly[code])
			if i >= 0 {
				f.Pos.Col = i + 1
			}
		}
		if silenced(last.Text, code) {
			return
		}
	}
	key := f
	key.Line = 0
	if l.reported[key] {
		return
	}
	if l.reported == nil {
		l.reported = map[Finding]bool{}
	}
	l.reported[key] = true
	l.findings = append(l.findings, f)
}

// countSeen returns how many reports of code and word line had before
// this one, and counts this one.
func (l *linter) countSeen(line int, code, word string) int {
	if line != l.seenLine {
		l.seen, l.seenLine = l.seen[:0], line
	}
	for i := range l.seen {
		if e := &l.seen[i]; e.code == code && e.word == word {
			e.n++
			return e.n - 1
		}
	}
	l.seen = append(l.seen, seenKey{code, word, 1})
	return 0
}

// codePart is a line without its trailing -- comment (quotes respected,
// long strings and comments not).
func codePart(text string) string {
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			return text[:i]
		}
	}
	return text
}

// readOnly are the codes that report a read of a name, not a definition.
var readOnly = map[string]bool{"W113": true, "RL103": true, "RL104": true}

// nthIndexWord finds the k-th (from 0) whole-identifier occurrence of
// name, counted from the end when fromEnd; the last (or first) one when
// there are fewer, -1 when there is none.
func nthIndexWord(text, name string, k int, fromEnd bool) int {
	var at []int
	for i := 0; i < len(text); {
		j := indexWord(text[i:], name)
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + len(name)
	}
	if len(at) == 0 {
		return -1
	}
	k = min(k, len(at)-1)
	if fromEnd {
		return at[len(at)-1-k]
	}
	return at[k]
}

// indexWord finds name in a line as a whole identifier.
func indexWord(text, name string) int {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return -1
		}
		j += i
		before := j == 0 || !isIdent(text[j-1])
		after := j+len(name) == len(text) || !isIdent(text[j+len(name)])
		if before && after {
			return j
		}
		i = j + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func silenced(text, code string) bool {
	i := strings.Index(text, "redislua:ignore")
	if i < 0 {
		return false
	}
	codes := strings.Fields(text[i+len("redislua:ignore"):])
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if strings.TrimRight(c, ",") == code {
			return true
		}
	}
	return false
}

func (l *linter) done() []Finding { return l.findings }

// inTop reports whether rendered line is a line of the top script itself.
func (l *linter) inTop(line int) bool {
	o, ok := l.s.Origin(line)
	return ok && o.Script == l.s.Name()
}
