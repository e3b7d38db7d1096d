package luadebug

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redislua/redislua/cli/luacover"
	"github.com/redislua/redislua/resolve"
)

// Location is a line of a script file: its path under the scripts' root
// ("lib/util.lua") and its line, from 1.
type Location struct {
	File string
	Line int
}

func (l Location) String() string { return l.File + ":" + strconv.Itoa(l.Line) }

// where maps the rendered lines of a script, which Redis's debugger
// names, to the lines of the user's files, and back.
type where struct {
	script *resolve.Script
	origin []Location         // by rendered line - 1
	text   []string           // the line as written in its file
	lines  map[Location][]int // rendered lines of each file line
	last   map[string]int     // each file's last line that is rendered
	files  []string           // the files, in order of first line
	dir    string             // the root as the user names it, or ""
	code   []bool             // by rendered line: a token begins there
}

func newWhere(s *resolve.Script) *where {
	w := &where{script: s, lines: map[Location][]int{}, last: map[string]int{}, code: luacover.TokenLines(s.Source())}
	for n := 1; n <= s.Lines(); n++ {
		f, _ := s.Origin(n)
		loc := Location{File: f.Script + resolve.Ext, Line: f.Line}
		w.origin = append(w.origin, loc)
		w.text = append(w.text, f.Text)
		w.lines[loc] = append(w.lines[loc], n)
		if _, ok := w.last[loc.File]; !ok {
			w.files = append(w.files, loc.File)
		}
		w.last[loc.File] = max(w.last[loc.File], loc.Line)
	}
	return w
}

// at returns the location of rendered line n.
func (w *where) at(n int) (Location, bool) {
	if n < 1 || n > len(w.origin) {
		return Location{}, false
	}
	return w.origin[n-1], true
}

// chain is " (included from main.lua:2)" for a line of an included
// file, the include lines innermost first; "" for the top script's.
func (w *where) chain(n int) string {
	frames, ok := w.script.Frames(n)
	if !ok || len(frames) < 2 {
		return ""
	}
	var parts []string
	for i := len(frames) - 2; i >= 0; i-- {
		parts = append(parts, frames[i].Script+resolve.Ext+":"+strconv.Itoa(frames[i].Line))
	}
	return " (included from " + strings.Join(parts, ", ") + ")"
}

// file finds the script file that name means: its path ("lib/util.lua"),
// or its script name ("lib/util").
func (w *where) file(name string) (string, bool) {
	if !strings.HasSuffix(name, resolve.Ext) {
		name += resolve.Ext
	}
	name = strings.TrimPrefix(name, "./")
	if w.dir != "" && w.dir != "." {
		name = strings.TrimPrefix(name, w.dir+"/")
	}
	_, ok := w.last[name]
	return name, ok
}

// resolve turns a place the user names (FILE:LINE, or LINE in the file
// of current) into the rendered lines Redis's debugger knows it by:
// more than one when the file is included more than once. A file the
// script does not include, a line past its end, an %include line, a
// blank or comment line: each is an error saying which.
func (w *where) resolve(spec string, current Location) ([]int, error) {
	file, num := current.File, spec
	if i := strings.LastIndexByte(spec, ':'); i >= 0 {
		file, num = spec[:i], spec[i+1:]
	}
	line, err := strconv.Atoi(num)
	if err != nil || line < 1 {
		return nil, fmt.Errorf("%q is not FILE:LINE (or LINE in the current file)", spec)
	}
	if file == "" {
		return nil, fmt.Errorf("%q names no file, and the session has not stopped anywhere yet", spec)
	}
	name, ok := w.file(file)
	if !ok {
		return nil, fmt.Errorf("%s does not include %s (its files: %s)", w.script.Name(), name, strings.Join(w.files, ", "))
	}
	loc := Location{File: name, Line: line}
	ns := w.lines[loc]
	if len(ns) == 0 {
		if line > w.last[name] {
			return nil, fmt.Errorf("past the last line of %s that runs (%d)", name, w.last[name])
		}
		return nil, errors.New("an %include line: break in the included file")
	}
	if !w.hasCode(ns[0]) {
		return nil, fmt.Errorf("no code to stop at (%s)%s", describe(strings.TrimSpace(w.text[ns[0]-1])), w.nearest(loc))
	}
	return slices.Clone(ns), nil
}

// hasCode is whether rendered line n holds code Lua can stop at: a
// token begins there (not a blank or comment line, nor inside a long
// comment or string), and it is not a directive's comment (%return,
// %pragma once) — a %key or %arg line is code (its local).
func (w *where) hasCode(n int) bool {
	if n < 1 || n >= len(w.code) || !w.code[n] {
		return false
	}
	t := strings.TrimSpace(w.text[n-1])
	return !strings.HasPrefix(t, "%") || strings.HasPrefix(t, "%key") || strings.HasPrefix(t, "%arg")
}

func describe(text string) string {
	switch {
	case text == "":
		return "a blank line"
	case strings.HasPrefix(text, "--"):
		return "a comment"
	case strings.HasPrefix(text, "%"):
		return "a directive"
	case strings.HasPrefix(text, "#!"):
		return "the #! line"
	}
	return "inside a long comment or string"
}

// nearest names the lines with code around loc in its file.
func (w *where) nearest(loc Location) string {
	code := func(l Location) bool {
		ns := w.lines[l]
		return len(ns) > 0 && w.hasCode(ns[0])
	}
	var near []string
	for l := loc.Line - 1; l >= 1; l-- {
		if code(Location{loc.File, l}) {
			near = append(near, strconv.Itoa(l))
			break
		}
	}
	for l := loc.Line + 1; l <= w.last[loc.File]; l++ {
		if code(Location{loc.File, l}) {
			near = append(near, strconv.Itoa(l))
			break
		}
	}
	if len(near) == 0 {
		return ""
	}
	return "; code at line " + strings.Join(near, " and ")
}
