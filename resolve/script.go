package resolve

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/redislua/redislua/codec"
	"github.com/redislua/redislua/directive"
)

// ParamKind says whether a parameter is a key or an argument.
type ParamKind uint8

// The parameter kinds.
const (
	KeyParam ParamKind = iota // %key: an entry of KEYS
	ArgParam                  // %arg: an entry of ARGV
)

func (k ParamKind) String() string {
	if k == KeyParam {
		return "key"
	}
	return "arg"
}

// Param is a key or an argument of a script.
type Param struct {
	Name  string
	Kind  ParamKind
	Type  codec.Type // keys are Untyped: they are sent as strings
	Index int        // position in KEYS or ARGV, from 1
	Pos   Position   // where it is declared
}

// Frame is one step of the chain that leads to a rendered line: a script,
// a line of it and that line's text (without a final CR). The first frame
// is the top script, at the %include that leads on; the last holds the
// line itself.
type Frame struct {
	Script string
	Line   int
	Text   string
}

// Script is a loaded, rendered script. It is immutable and safe to share;
// slices it returns must not be modified.
type Script struct {
	name   string
	keys   []Param
	args   []Param
	ret    codec.Type
	source string
	sha1   string
	lines  int

	// The source map is built the first time it is asked for, by
	// rendering the script again without writing it: most scripts are
	// never asked. top is the script's file; the files it includes are
	// immutable and their include targets resolved, so the second
	// rendering walks exactly the same lines as the first.
	top    *file
	mapped sync.Once
	smap   *sourceMap
}

// sourceMap maps rendered lines back to the files they come from.
type sourceMap struct {
	includes []string
	nodes    []node
	regions  []region
}

// node is one rendering of one file: the top script (nodes[0]), or a
// file at one %include of its parent. A repeat node is a rendering that
// repeats an earlier one of the same file (see renderer.include): it has
// one region, and its lines are those of the earlier rendering, from its
// rendered line from on.
type node struct {
	file    *file
	parent  int32 // index in sourceMap.nodes, -1 for the top script
	at      int32 // the line of the %include in the parent's file
	repeats int32 // 1 + the index of the node it repeats; 0: none
	from    int32 // the first rendered line of that node
}

// region is a run of rendered lines that are consecutive lines of one
// rendering of one file.
type region struct {
	start int32 // first rendered line, from 1
	node  int32 // index in sourceMap.nodes
	line  int32 // the line of the node's file that start is
}

// sourceMap returns the script's source map, building it on first use.
func (s *Script) sourceMap() *sourceMap {
	s.mapped.Do(func() { mapScript(s) })
	return s.smap
}

// Name is the script's name: its path under the root without ".lua".
func (s *Script) Name() string { return s.name }

// Keys are the %key parameters in KEYS order.
func (s *Script) Keys() []Param { return s.keys }

// Args are the %arg parameters in ARGV order.
func (s *Script) Args() []Param { return s.args }

// Return is the %return type of the top script, Untyped without one.
func (s *Script) Return() codec.Type { return s.ret }

// Source is the rendered Lua that Redis runs.
func (s *Script) Source() string { return s.source }

// SHA1 is the hex SHA1 of Source, the name EVALSHA knows it by.
func (s *Script) SHA1() string { return s.sha1 }

// Includes are the names of the scripts it includes, directly or not, in
// the order they are first rendered, each once.
func (s *Script) Includes() []string { return s.sourceMap().includes }

// Flags are the script flags of Redis 7 that the top script's first
// line declares ("#!lua flags=no-writes,allow-oom": no-writes,
// allow-oom), in their order; nil without such a line.
func (s *Script) Flags() []string {
	if !strings.HasPrefix(s.source, "#!") {
		return nil
	}
	line, _, _ := strings.Cut(s.source, "\n")
	for _, f := range strings.Fields(strings.TrimPrefix(line, "#!")) {
		if list, ok := strings.CutPrefix(f, "flags="); ok {
			var flags []string
			for _, flag := range strings.Split(list, ",") {
				if flag = strings.TrimSpace(flag); flag != "" {
					flags = append(flags, flag)
				}
			}
			return flags
		}
	}
	return nil
}

// Lines is the number of rendered lines.
func (s *Script) Lines() int { return s.lines }

// Param returns the key or argument called name.
func (s *Script) Param(name string) (Param, bool) {
	for _, p := range s.keys {
		if p.Name == name {
			return p, true
		}
	}
	for _, p := range s.args {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Suggest returns the parameter name closest to a misspelt one, or "".
func (s *Script) Suggest(name string) string {
	names := make([]string, 0, len(s.keys)+len(s.args))
	for _, p := range s.keys {
		names = append(names, p.Name)
	}
	for _, p := range s.args {
		names = append(names, p.Name)
	}
	return directive.Suggest(name, names)
}

// Frames returns the chain of (script, line, text) that rendered line n
// (from 1) comes from, top script first. It is exact also when a file is
// included more than once. ok is false when there is no such line.
// (get_scripts_for_line in the Python library.)
func (s *Script) Frames(n int) (frames []Frame, ok bool) {
	if n < 1 || n > s.lines {
		return nil, false
	}
	frames = s.sourceMap().frames(n, -1, nil)
	slices.Reverse(frames)
	return frames, true
}

// Origin returns the innermost frame of rendered line n (from 1): the
// file and line it is written at, and its text. It is the last of
// Frames(n), found without the others and without allocating.
func (s *Script) Origin(n int) (Frame, bool) {
	if n < 1 || n > s.lines {
		return Frame{}, false
	}
	m := s.sourceMap()
	for {
		r := m.region(n)
		nd := &m.nodes[r.node]
		if nd.repeats == 0 {
			line := int(r.line) + n - int(r.start)
			return Frame{Script: nd.file.name, Line: line, Text: nd.file.line(line)}, true
		}
		n = int(nd.from) + n - int(r.start)
	}
}

// region returns the region that holds rendered line n.
func (m *sourceMap) region(n int) region {
	i := sort.Search(len(m.regions), func(i int) bool { return int(m.regions[i].start) > n }) - 1
	return m.regions[i]
}

// frames appends the frames of rendered line n, innermost first, up to
// the frame of node stop (-1: the top script). A line of a repeat node
// has the frames of the line it repeats, below the node it repeats; so
// the recursion is as deep as the include nesting.
func (m *sourceMap) frames(n int, stop int32, out []Frame) []Frame {
	r := m.region(n)
	i, line := r.node, int(r.line)+n-int(r.start)
	if nd := &m.nodes[i]; nd.repeats > 0 {
		out = m.frames(int(nd.from)+n-int(r.start), nd.repeats-1, out)
		i, line = nd.parent, int(nd.at)
	}
	for ; i >= 0; i = m.nodes[i].parent {
		nd := &m.nodes[i]
		out = append(out, Frame{Script: nd.file.name, Line: line, Text: nd.file.line(line)})
		if i == stop {
			break
		}
		line = int(nd.at)
	}
	return out
}

// LineInfo is where a rendered line comes from.
type LineInfo struct {
	Script string  // the file that holds it
	Line   int     // its line in that file
	Text   string  // its source text there
	Frames []Frame // the include chain, top script first
}

// LineInfo says where rendered line n comes from (get_line_info in the
// Python library).
func (s *Script) LineInfo(n int) (LineInfo, bool) {
	frames, ok := s.Frames(n)
	if !ok {
		return LineInfo{}, false
	}
	last := frames[len(frames)-1]
	return LineInfo{Script: last.Script, Line: last.Line, Text: last.Text, Frames: frames}, true
}

// RealLine returns the source text that rendered line n comes from, in
// the file that holds it: the line as written, directive included. (The
// Python library's get_real_line_content answers for the top script: the
// %include line for a line of an included file; that is Frames(n)[0].)
func (s *Script) RealLine(n int) (string, bool) {
	info, ok := s.LineInfo(n)
	return info.Text, ok
}

// RenderedLine returns rendered line n (from 1).
func (s *Script) RenderedLine(n int) (string, bool) {
	if n < 1 || n > s.lines {
		return "", false
	}
	src := s.source
	for i := 1; i < n; i++ {
		src = src[strings.IndexByte(src, '\n')+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return src, true
}
