package resolve

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"math"
	"unsafe"

	"github.com/redislua/redislua/directive"
)

// builder turns a top file into a Script in two passes:
//
//  1. graph: read every file the top one includes, directly or not;
//     report missing files, escapes, cycles, nesting beyond the depth
//     limit and the directive errors of every file; compute the rendered
//     size without rendering, in time linear in the number of files, so
//     that an include bomb fails at once;
//  2. render: write the Lua and number keys and arguments; report
//     duplicates and a second %return. (The source map is built by a
//     second rendering that writes nothing, when it is first needed.)
type builder struct {
	l     *Loader
	top   *file
	errs  []error
	stack []*file
	// recs holds what the build knows of each file it meets; a script
	// reaches few files, so they are found by a linear scan until there
	// are many.
	recs  []rec
	index map[*file]int
	// Most scripts reach few files: their records and the include stack
	// start in the builder itself (growing slices from nothing cost a
	// script about six allocations: BENCHMARKS.md, resolve).
	recsBuf  [4]rec
	stackBuf [4]*file
	r        renderer
	// size is the lower bound of the rendered size that graph measured,
	// keys and args the number of parameters it met.
	size       int64
	crossed    Position // the %include where size crossed the limit
	keys, args int
}

// rec is what one build knows of one file.
type rec struct {
	f      *file
	state  visit
	height int   // the longest include chain below the file
	steady int64 // see graph; -1 until computed
	// Of the render pass: a once file was rendered; a non-once file was
	// rendered in full once.
	renderDone bool
	seen       bool // listed in Script.Includes
	// repeat is the steady rendering of a non-once file (see include),
	// once it has been rendered twice.
	repeat span
}

// span is where one rendering of a file lies in the rendered script:
// its bytes (without the line break before them) and its lines, and,
// when mapping, its node. lines is 0 until the rendering is recorded.
type span struct {
	start, end int   // r.buf[start:end]
	first      int   // its first rendered line, from 1
	lines      int   // how many
	node       int32 // in sourceMap.nodes
}

type visit uint8

const (
	unvisited visit = iota
	onStack
	done
)

const linearRecs = 16

// rec returns the index of f's record, creating it.
func (b *builder) rec(f *file) int {
	if b.index != nil {
		if i, ok := b.index[f]; ok {
			return i
		}
	} else {
		for i := range b.recs {
			if b.recs[i].f == f {
				return i
			}
		}
	}
	b.recs = append(b.recs, rec{f: f, steady: -1})
	i := len(b.recs) - 1
	if b.index == nil && len(b.recs) > linearRecs {
		b.index = make(map[*file]int, 2*len(b.recs))
		for j := range b.recs {
			b.index[b.recs[j].f] = j
		}
	}
	if b.index != nil {
		b.index[f] = i
	}
	return i
}

func (l *Loader) build(top *file) (*Script, error) {
	return newBuilder(l, top).build()
}

// newBuilder returns a builder of the script top.
func newBuilder(l *Loader, top *file) *builder {
	b := &builder{l: l, top: top}
	b.recs, b.stack = b.recsBuf[:0], b.stackBuf[:0]
	return b
}

func (b *builder) build() (*Script, error) {
	b.size = b.graph(b.top) - 1 // the last line has no line break
	if len(b.errs) > 0 {
		return nil, join(b.errs)
	}
	if err := b.checkSize(); err != nil {
		return nil, err
	}
	return b.render()
}

func (b *builder) chain(last string) []string {
	names := make([]string, 0, len(b.stack)+1)
	for _, f := range b.stack {
		names = append(names, f.name)
	}
	if last != "" {
		names = append(names, last)
	}
	return names
}

// graph visits f and what it includes, depth first, and returns (a lower
// bound of) the size f renders to here, line breaks included.
//
// Rendering the tree to measure it would take time exponential in its
// depth for a file that includes the next one twice at every level. The
// visit is linear instead: it visits each file once, in the order the
// renderer first renders them, which renders a %pragma once file at that
// first place only. Once a file has been visited, every once-file it
// reaches has been rendered (the graph has no cycle), so each later
// rendering of it has the same size, steady(f): its own lines plus the
// steady sizes of its non-once includes.
func (b *builder) graph(f *file) int64 {
	fi := b.rec(f)
	b.recs[fi].state = onStack
	b.stack = append(b.stack, f)
	b.errs = append(b.errs, f.errs...)
	b.keys += int(f.ownKeys)
	b.args += int(f.ownArgs)
	total := f.ownSize
	h := 0
	b.l.includes(f)
	for k := range f.incs {
		inc := &f.incs[k]
		switch {
		case inc.escape:
			b.errs = append(b.errs, inc.err) // positioned already
			continue
		case inc.err != nil:
			b.errs = append(b.errs, b.includeError(f, inc, inc.err))
			continue
		}
		g := inc.file
		gi := b.rec(g)
		o := &f.ops[inc.op]
		var size int64
		switch b.recs[gi].state {
		case onStack:
			var cycle []string
			for i, s := range b.stack {
				if s == g {
					cycle = b.chain(g.name)[i:]
					break
				}
			}
			b.errs = append(b.errs, &Error{Code: KindCycle, Position: f.at(o.line, o.col), Chain: cycle})
			continue
		case unvisited:
			if len(b.stack) > b.l.maxDepth {
				b.errs = append(b.errs, &Error{Code: KindLimit, Position: f.at(o.line, o.col), Limit: "depth", Max: int64(b.l.maxDepth), Value: int64(len(b.stack)), Chain: b.chain(g.name)})
				continue
			}
			size = b.graph(g)
		case done:
			// Without errors so far, g's subtree is resolved and acyclic:
			// steadySize terminates. (With errors, no size is needed.)
			if !g.once && len(b.errs) == 0 {
				size = b.steadySize(gi)
			}
		}
		if depth := len(b.stack) + b.recs[gi].height; depth > b.l.maxDepth {
			b.errs = append(b.errs, &Error{Code: KindLimit, Position: f.at(o.line, o.col), Limit: "depth", Max: int64(b.l.maxDepth), Value: int64(depth), Chain: b.chain(g.name)})
			continue
		}
		h = max(h, b.recs[gi].height+1)
		total = add(total, size)
		if total > b.l.maxSize && b.crossed.File == "" {
			b.crossed = f.at(o.line, o.col)
		}
	}
	b.stack = b.stack[:len(b.stack)-1]
	b.recs[fi].state = done
	b.recs[fi].height = h
	return total
}

// includeError positions the error of reading an included file at the
// %include line.
func (b *builder) includeError(f *file, inc *include, err error) error {
	o := &f.ops[inc.op]
	at := f.at(o.line, o.col)
	var le *Error
	if !errors.As(err, &le) {
		return err
	}
	switch le.Code {
	case KindNotFound:
		target, _ := f.target(inc)
		return &Error{Code: KindNotFound, Position: at, Name: target, Chain: b.chain("")}
	case KindEscape:
		return &Error{Code: KindEscape, Position: at, Name: f.str(o)}
	case KindRead:
		target, _ := f.target(inc)
		return &Error{Code: KindRead, Position: at, Name: target, Err: le.Err}
	}
	return err
}

// add adds sizes, saturating instead of overflowing.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// checkSize refuses a script whose rendered size (as graph measured it)
// is beyond the limit.
func (b *builder) checkSize() error {
	if b.size <= b.l.maxSize {
		return nil
	}
	p := b.crossed
	if p.File == "" {
		p = Position{File: b.top.path}
	}
	return &Error{Code: KindLimit, Position: p, Limit: "size", Max: b.l.maxSize, Value: b.size}
}

func (b *builder) steadySize(fi int) int64 {
	if s := b.recs[fi].steady; s >= 0 {
		return s
	}
	total := b.recs[fi].f.ownSize
	for k := range b.recs[fi].f.incs {
		if g := b.recs[fi].f.incs[k].file; !g.once {
			gi := b.rec(g)
			total = add(total, b.steadySize(gi))
		}
	}
	b.recs[fi].steady = total
	return total
}

// renderer writes the Lua of one script, or, when m is set, builds its
// source map without writing it.
type renderer struct {
	b      *builder
	buf    []byte
	s      *Script
	m      *sourceMap
	lines  int      // rendered so far
	retPos Position // of the top script's %return, when hasRet
	hasRet bool
	errs   []error
	tooBig bool // the size limit is reached: stop rendering
	// named indexes the parameters by name once there are many, so that
	// the duplicate check stays linear (100,000 %arg lines).
	named map[string]Param
}

func (b *builder) render() (*Script, error) {
	s := &Script{name: b.top.name, top: b.top}
	params := make([]Param, 0, b.keys+b.args) // keys, then args: one array
	s.keys, s.args = params[:0:b.keys], params[b.keys:b.keys]
	b.r = renderer{
		b: b,
		// graph measured every index as one digit: add the others.
		buf: make([]byte, 0, max(0, b.size+moreDigits(b.keys)+moreDigits(b.args))+2*sha1.Size),
		s:   s,
	}
	r := &b.r
	b.recs[b.rec(b.top)].renderDone = true
	r.file(b.rec(b.top), 0)
	r.overLimit(b.top, r.lines)
	if len(r.errs) > 0 {
		return nil, join(r.errs)
	}
	s.lines = r.lines
	// The hex SHA1 goes after the source, and the script takes the
	// buffer over as one string, as strings.Builder does: it is never
	// written again. A copy would allocate a script twice, 128 MiB for a
	// 64 MiB one (TestRepeatsBounded); the one unsafe use left in
	// resolve.
	n := len(r.buf)
	sum := sha1.Sum(r.buf)
	r.buf = hex.AppendEncode(r.buf, sum[:])
	all := unsafe.String(unsafe.SliceData(r.buf), len(r.buf))
	s.source, s.sha1 = all[:n], all[n:]
	r.buf = nil
	return s, nil
}

// moreDigits is the number of digits beyond the first of the numbers 1
// to n.
func moreDigits(n int) int64 {
	var d int64
	for p := 10; p <= n; p *= 10 {
		d += int64(n - p + 1)
	}
	return d
}

// mapScript builds the source map of a script: it walks the script's
// rendering again, writing nothing. It needs no loader: the include
// targets of the files were resolved by the first rendering.
func mapScript(s *Script) {
	b := newBuilder(nil, s.top)
	m := new(sourceMap)
	s.smap = m
	b.r = renderer{b: b, s: s, m: m}
	m.includes = make([]string, 0, 4)
	m.regions = make([]region, 0, 8)
	m.nodes = append(make([]node, 0, 4), node{parent: -1, file: s.top})
	b.recs[b.rec(s.top)].renderDone = true
	b.r.file(b.rec(s.top), 0)
}

// line starts rendered line number r.lines+1, which is line of node n;
// the caller appends its text to r.buf. (When mapping, nothing is
// written: the line only extends the source map.)
func (r *renderer) line(n, line int) {
	m := r.m
	if r.lines > 0 && m == nil {
		r.buf = append(r.buf, '\n')
	}
	r.lines++
	if m != nil {
		if k := len(m.regions); k == 0 || int(m.regions[k-1].node) != n || int(m.regions[k-1].line)+(r.lines-int(m.regions[k-1].start)) != line {
			m.regions = append(m.regions, region{start: int32(r.lines), node: int32(n), line: int32(line)})
		}
	}
}

// overLimit reports whether the rendering has grown beyond the size
// limit, reporting it once. (checkSize makes this rare: it can only
// underestimate the digits of KEYS and ARGV indices.)
func (r *renderer) overLimit(f *file, line int) bool {
	if r.tooBig || r.m != nil || int64(len(r.buf)) <= r.b.l.maxSize {
		return r.tooBig
	}
	r.tooBig = true
	r.errs = append(r.errs, &Error{Code: KindLimit, Position: Position{File: f.path, Line: line}, Limit: "size", Max: r.b.l.maxSize, Value: int64(len(r.buf))})
	return true
}

// file renders the file of record fi as node n.
func (r *renderer) file(fi, n int) {
	f := r.b.recs[fi].f
	incs := f.incs
	write := r.m == nil
	for i := range f.ops {
		o := &f.ops[i]
		line := int(o.line)
		if r.overLimit(f, line) {
			return
		}
		if o.kind == directive.Include {
			r.include(f, incs[0].file, n, line)
			incs = incs[1:]
			continue
		}
		r.line(n, line)
		if o.kind == directive.Text {
			// A run of consecutive lines: one region at most.
			r.lines += int(o.nlines) - 1
		}
		if !write {
			continue
		}
		switch o.kind {
		case directive.Text:
			r.buf = append(r.buf, f.str(o)...)
		case directive.Shebang:
			if f != r.b.top {
				r.errs = append(r.errs, &Error{Code: KindSyntax, Position: f.at(o.line, o.col), Msg: "a #! line is allowed only as the first line of the top script"})
			}
			r.buf = append(r.buf, f.str(o)...)
		case directive.Key:
			idx := len(r.s.keys) + 1
			r.param(f, o, Param{Name: f.str(o), Kind: KeyParam, Index: idx})
			r.buf = appendKeyLine(r.buf, f.str(o), idx)
		case directive.Arg:
			idx := len(r.s.args) + 1
			r.param(f, o, Param{Name: f.str(o), Kind: ArgParam, Type: o.typ, Index: idx})
			r.buf = o.typ.AppendLuaLine(r.buf, f.str(o), idx)
		case directive.Return:
			if f == r.b.top {
				p := f.at(o.line, o.col)
				if r.hasRet {
					r.errs = append(r.errs, &Error{Code: KindReturn, Position: p, First: r.retPos})
				} else {
					r.retPos, r.hasRet = p, true
					r.s.ret = o.typ
				}
			}
			r.buf = appendCommentLine(r.buf, f.str(o))
		case directive.Pragma:
			r.buf = appendCommentLine(r.buf, f.str(o))
		}
	}
}

// include renders file g where node n includes it at line.
//
// A file included many times renders the same way from its second time
// on: its first rendering rendered every %pragma once file it reaches,
// and nothing else changes. So the second rendering is recorded (its
// bytes and lines) and every later one repeats it: a copy of its bytes,
// and in the source map one node and one region that point at it.
// Rendering and mapping then cost the rendered bytes and the number of
// distinct includes, not the number of include instances (a tree of 27
// files that each include the previous one twice has 2^26). A repeat
// holds no parameter: the second rendering of a file that declares one
// reported it as a duplicate, once.
func (r *renderer) include(f, g *file, n, line int) {
	gi := r.b.rec(g)
	rg := &r.b.recs[gi]
	switch {
	case g.once && rg.renderDone:
		return
	case !g.once && rg.renderDone && r.b.steadySize(gi) == 0:
		return // renders to nothing, however often it is included
	case rg.repeat.lines > 0:
		r.repeat(f, g, rg.repeat, n, line)
		return
	}
	second := rg.renderDone
	rg.renderDone = true
	m := r.m
	nd := 0
	if m != nil {
		if !rg.seen {
			rg.seen = true
			m.includes = append(m.includes, g.name)
		}
		m.nodes = append(m.nodes, node{parent: int32(n), file: g, at: int32(line)})
		nd = len(m.nodes) - 1
	}
	startLines, start := r.lines, len(r.buf)
	r.file(gi, nd)
	if !second || g.once || r.tooBig || r.lines == startLines {
		return
	}
	if m == nil && startLines > 0 {
		start++ // the line break before the rendering
	}
	r.b.recs[gi].repeat = span{start: start, end: len(r.buf), first: startLines + 1, lines: r.lines - startLines, node: int32(nd)}
}

// repeat renders file g again where node n (of file f) includes it at
// line: the copy of its steady rendering sp.
func (r *renderer) repeat(f, g *file, sp span, n, line int) {
	if m := r.m; m != nil {
		m.nodes = append(m.nodes, node{parent: int32(n), file: g, at: int32(line), repeats: sp.node + 1, from: int32(sp.first)})
		m.regions = append(m.regions, region{start: int32(r.lines + 1), node: int32(len(m.nodes) - 1)})
		r.lines += sp.lines
		return
	}
	if size := int64(len(r.buf) + 1 + sp.end - sp.start); size > r.b.l.maxSize {
		r.tooBig = true
		r.errs = append(r.errs, &Error{Code: KindLimit, Position: Position{File: f.path, Line: line}, Limit: "size", Max: r.b.l.maxSize, Value: size})
		return
	}
	if r.lines > 0 {
		r.buf = append(r.buf, '\n')
	}
	r.buf = append(r.buf, r.buf[sp.start:sp.end]...)
	r.lines += sp.lines
}

func (r *renderer) param(f *file, o *op, p Param) {
	p.Pos = f.at(o.line, o.ncol)
	var first Param
	var dup bool
	if r.named != nil {
		first, dup = r.named[p.Name]
	} else {
		first, dup = r.s.Param(p.Name)
	}
	if dup {
		r.errs = append(r.errs, &Error{Code: KindDuplicate, Position: p.Pos, Name: p.Name, First: first.Pos})
		return
	}
	const scanUpTo = 32 // a scan of a few parameters beats a map
	if n := len(r.s.keys) + len(r.s.args); r.named == nil && n >= scanUpTo {
		r.named = make(map[string]Param, 2*n)
		for _, ps := range [][]Param{r.s.keys, r.s.args} {
			for _, q := range ps {
				r.named[q.Name] = q
			}
		}
	}
	if r.named != nil {
		r.named[p.Name] = p
	}
	if p.Kind == KeyParam {
		r.s.keys = append(r.s.keys, p)
	} else {
		r.s.args = append(r.s.args, p)
	}
}
