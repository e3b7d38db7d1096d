package directive

import (
	"fmt"
	"iter"
	"strings"
)

// BOM is the UTF-8 byte order mark that Lex skips at the start of input.
const BOM = "\uFEFF"

// Words are the directive words, in the order suggestions prefer them.
var Words = []string{"key", "arg", "return", "include", "pragma"}

// wordKind returns the kind of a directive word.
func wordKind(word string) (Kind, bool) {
	switch word {
	case "key":
		return Key, true
	case "arg":
		return Arg, true
	case "return":
		return Return, true
	case "include":
		return Include, true
	case "pragma":
		return Pragma, true
	}
	return Invalid, false
}

// Pragmas are the values %pragma accepts.
var Pragmas = []string{"once"}

// Keywords are the reserved words of Lua 5.1, the Lua of Redis; a %key or
// %arg name cannot be one of them.
var Keywords = []string{
	"and", "break", "do", "else", "elseif", "end", "false", "for",
	"function", "if", "in", "local", "nil", "not", "or", "repeat",
	"return", "then", "true", "until", "while",
}

// Options configure Lex.
type Options struct {
	// Types are the type names %arg and %return accept, aliases included.
	// When nil, any Lua identifier is accepted as a type name. redislua
	// passes codec.TypeNames().
	Types []string
}

// Lex splits src into items and reports every malformed directive.
//
// The items cover the whole input after an optional BOM: joining the Src
// of every item with "\n" gives back src (without the BOM). The empty
// input gives no items. A malformed directive line becomes an Invalid item
// and its error is also in the returned ErrorList; err is nil when there
// is none.
func Lex(src string, opts Options) (items []Item, err error) {
	items = make([]Item, 0, countItems(src))
	var errs ErrorList
	for it := range Items(src, opts) {
		items = append(items, it)
		if it.Err != nil {
			errs = append(errs, it.Err)
		}
	}
	if len(errs) > 0 {
		return items, errs
	}
	return items, nil
}

// Items yields the items of src one by one, as Lex returns them, without
// collecting them: an Invalid item carries its error in Item.Err. It
// allocates nothing but the errors of malformed lines, for callers that
// keep their own compact form of a script.
func Items(src string, opts Options) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		l := lexer{src: src, opts: opts}
		l.init()
		for {
			it := l.next()
			if it == nil || !yield(*it) {
				return
			}
		}
	}
}

// countItems counts the items of src, so that Lex allocates their slice
// once: every directive line (and a shebang) is one, and so is every run
// of other lines.
func countItems(src string) int {
	src = strings.TrimPrefix(src, BOM)
	if src == "" {
		return 0
	}
	n, inText := 0, false
	for first := true; ; first = false {
		end := strings.IndexByte(src, '\n')
		line := src
		if end >= 0 {
			line = src[:end]
		}
		switch {
		case isDirectiveLine(line) || first && strings.HasPrefix(line, "#!"):
			n++
			inText = false
		case !inText:
			n++
			inText = true
		}
		if end < 0 {
			return n
		}
		src = src[end+1:]
	}
}

type lexer struct {
	src   string
	opts  Options
	pend  [2]Item // items lexed and not yet returned by next
	head  int     // index in pend of the next item
	npend int
	done  bool // the last line is lexed

	line  int // current line number
	start int // offset of the current line
	col0  int // offset that column 1 of the current line is at

	text     int // offset of the pending text run, or -1
	textLine int // line of the pending text run

	ops [3]Operand // scratch space of operands
}

// init positions the lexer at the start of its input.
func (l *lexer) init() {
	l.line = 1
	l.text = -1
	if strings.HasPrefix(l.src, BOM) {
		l.start = len(BOM)
	}
	l.done = l.start == len(l.src)
}

// next returns the next item, lexing lines until one is complete, or nil
// at the end of the input. The item is valid until the next call.
func (l *lexer) next() *Item {
	for l.npend == 0 {
		if l.done {
			return nil
		}
		l.step()
	}
	it := &l.pend[l.head]
	l.head ^= 1
	l.npend--
	return it
}

// step lexes the line at l.start.
func (l *lexer) step() {
	l.col0 = l.start
	if l.line == 1 && l.start == len(BOM) {
		l.col0 = len(BOM) // the BOM takes no column
	}
	end := strings.IndexByte(l.src[l.start:], '\n')
	last := end < 0
	if last {
		end = len(l.src)
	} else {
		end += l.start
	}
	line := l.src[l.start:end]
	switch {
	case isDirectiveLine(line):
		l.flushText(l.start)
		l.directive(line)
	case l.line == 1 && strings.HasPrefix(line, "#!"):
		l.emit(Item{Kind: Shebang, Pos: l.pos(l.start), Src: line})
	default:
		if l.text < 0 {
			l.text, l.textLine = l.start, l.line
		}
	}
	if last {
		l.flushText(len(l.src) + 1)
		l.done = true
		return
	}
	l.start = end + 1
	l.line++
}

// flushText emits the pending text run, which ends just before the line
// break preceding end.
func (l *lexer) flushText(end int) {
	if l.text < 0 {
		return
	}
	l.emit(Item{
		Kind: Text,
		Pos:  Pos{Offset: l.text, Line: l.textLine, Col: 1},
		Src:  l.src[l.text : end-1],
	})
	l.text = -1
}

// emit queues an item for next: a line completes at most two (the text
// run before it and itself).
func (l *lexer) emit(it Item) {
	l.pend[(l.head+l.npend)&1] = it
	l.npend++
}

func (l *lexer) pos(off int) Pos {
	return Pos{Offset: off, Line: l.line, Col: off - l.col0 + 1}
}

// isBlank reports whether c separates operands: space, tab, CR, VT, FF.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func isDirectiveLine(line string) bool {
	for i := 0; i < len(line); i++ {
		if !isBlank(line[i]) {
			return line[i] == '%'
		}
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdentByte(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// IsIdentifier reports whether s is a Lua identifier that is not a keyword.
func IsIdentifier(s string) bool {
	return isIdentShape(s) && !isKeyword(s)
}

func isIdentShape(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}

func isKeyword(s string) bool {
	for _, k := range Keywords {
		if s == k {
			return true
		}
	}
	return false
}

// directive lexes one directive line; line is the text of the line, which
// starts at l.start.
func (l *lexer) directive(line string) {
	i := 0
	for isBlank(line[i]) {
		i++
	}
	it := Item{Pos: l.pos(l.start + i), Src: line}
	i++ // '%'
	w := i
	for i < len(line) && isIdentByte(line[i]) {
		i++
	}
	word := line[w:i]
	kind, known := wordKind(word)
	switch {
	case word == "":
		l.fail(&it, l.start+w, ErrNoDirective, "expected a directive word after %", "")
		return
	case !known:
		s := Suggest(word, Words)
		if s != "" {
			s = "%" + s
		}
		l.fail(&it, it.Pos.Offset, ErrUnknownDirective, "unknown directive %"+word, s)
		return
	case i < len(line) && !isBlank(line[i]):
		l.fail(&it, l.start+i, ErrMissingBlank, fmt.Sprintf("expected a blank after %%%s, found %q", word, line[i]), "")
		return
	}
	it.Kind = kind
	if kind == Include {
		l.include(&it, line, i)
		return
	}
	ops := l.operands(line, i)
	var need, most int
	var what string
	switch kind {
	case Key:
		need, most, what = 1, 1, "a name"
	case Arg:
		need, most, what = 1, 2, "a name"
	case Return:
		need, most, what = 1, 1, "a type"
	case Pragma:
		need, most, what = 1, 1, "a value (once)"
	}
	if len(ops) < need {
		l.fail(&it, l.start+len(strings.TrimRight(line, " \t\r\v\f")), ErrMissingOperand, "%"+word+" needs "+what, "")
		return
	}
	if len(ops) > most {
		l.fail(&it, ops[most].Pos.Offset, ErrExtraOperand, fmt.Sprintf("unexpected operand %q after %%%s %s", ops[most].Text, word, joinOps(ops[:most])), "")
		return
	}
	switch kind {
	case Key, Arg:
		it.Name = ops[0]
		if !l.checkName(&it, word) {
			return
		}
		if len(ops) == 2 {
			it.Type = ops[1]
			l.checkType(&it)
		}
	case Return:
		it.Type = ops[0]
		l.checkType(&it)
	case Pragma:
		it.Name = ops[0]
		if it.Name.Text != "once" {
			l.fail(&it, it.Name.Pos.Offset, ErrUnknownPragma, fmt.Sprintf("unknown pragma %q (only \"once\" exists)", it.Name.Text), Suggest(it.Name.Text, Pragmas))
			return
		}
	}
	if it.Kind != Invalid {
		l.emit(it)
	}
}

func joinOps(ops []Operand) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = o.Text
	}
	return strings.Join(s, " ")
}

// operands splits line[i:] at blanks. At most three operands are kept:
// one more than any directive takes, enough to report the extra one.
func (l *lexer) operands(line string, i int) []Operand {
	ops := l.ops[:0]
	for i < len(line) && len(ops) < len(l.ops) {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		s := i
		for i < len(line) && !isBlank(line[i]) {
			i++
		}
		ops = append(ops, Operand{Text: line[s:i], Pos: l.pos(l.start + s)})
	}
	return ops
}

func (l *lexer) checkName(it *Item, word string) bool {
	n := it.Name
	switch {
	case isKeyword(n.Text):
		l.fail(it, n.Pos.Offset, ErrKeywordName, fmt.Sprintf("%%%s name %q is a Lua keyword", word, n.Text), "")
		return false
	case !isIdentShape(n.Text):
		l.fail(it, n.Pos.Offset, ErrBadName, fmt.Sprintf("%%%s name %q is not a Lua identifier", word, n.Text), "")
		return false
	}
	return true
}

func (l *lexer) checkType(it *Item) {
	t := it.Type
	if l.opts.Types == nil {
		if !isIdentShape(t.Text) {
			l.fail(it, t.Pos.Offset, ErrUnknownType, fmt.Sprintf("type %q is not a name", t.Text), "")
		}
		return
	}
	for _, name := range l.opts.Types {
		if t.Text == name {
			return
		}
	}
	l.fail(it, t.Pos.Offset, ErrUnknownType, fmt.Sprintf("unknown type %q", t.Text), Suggest(t.Text, l.opts.Types))
}

func (l *lexer) include(it *Item, line string, i int) {
	for i < len(line) && isBlank(line[i]) {
		i++
	}
	if i == len(line) {
		l.fail(it, l.start+i, ErrMissingOperand, `%include needs a quoted script name`, "")
		return
	}
	q := line[i]
	if q != '"' && q != '\'' {
		name := line[i:]
		if j := strings.IndexFunc(name, func(r rune) bool { return r < 0x80 && isBlank(byte(r)) }); j >= 0 {
			name = name[:j]
		}
		l.fail(it, l.start+i, ErrUnquotedInclude, "%include name must be quoted", `%include "`+name+`"`)
		return
	}
	it.Quote = q
	open := i
	j := strings.IndexByte(line[open+1:], q)
	if j < 0 {
		l.fail(it, l.start+open, ErrUnterminated, fmt.Sprintf("%%include name has no closing %c", q), "")
		return
	}
	end := open + 1 + j
	it.Name = Operand{Text: line[open+1 : end], Pos: l.pos(l.start + open)}
	if it.Name.Text == "" {
		l.fail(it, l.start+open, ErrEmptyInclude, "%include name is empty", "")
		return
	}
	for k := end + 1; k < len(line); k++ {
		if !isBlank(line[k]) {
			rest := strings.TrimRight(line[k:], " \t\r\v\f")
			l.fail(it, l.start+k, ErrExtraOperand, fmt.Sprintf("unexpected %q after %%include %s", rest, line[open:end+1]), "")
			return
		}
	}
	l.emit(*it)
}

// fail turns it into an Invalid item carrying a new error at offset off.
func (l *lexer) fail(it *Item, off int, code Code, msg, suggestion string) {
	e := &Error{Pos: l.pos(off), Code: code, Msg: msg, Suggestion: suggestion}
	it.Kind = Invalid
	it.Name, it.Type, it.Quote = Operand{}, Operand{}, 0
	it.Err = e
	l.emit(*it)
}
