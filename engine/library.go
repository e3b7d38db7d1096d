package engine

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/redislua/redislua/resolve"
)

// Library is a set of scripts as one Redis 7 function library: each
// script a function of it, with its flags. Function names are global on
// a server, so the library's name carries a hash of its content
// (NAME_<8 hex>) and each function is <library>__<script name with every
// character but [A-Za-z0-9_] replaced by _>: two versions of an
// application run side by side during a rolling deploy.
type Library struct {
	Name string // NAME_<first 8 hex of the content's SHA1>
	Code string // what FUNCTION LOAD takes
	// Functions maps a script's name to its function's name.
	Functions map[string]string
	funcs     map[string]libFunc // by function name
}

// libFunc is where a script's body lies in the library's code.
type libFunc struct {
	script *resolve.Script
	first  int // the library line of the body's first line
}

var libNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// NewLibrary builds the library name (letters, digits and _) of scripts.
// Inside a function, keys and arguments arrive as its parameters; the
// wrapper names them KEYS and ARGV, so that the rendered body runs
// unchanged (its #! line blanked: the flags go to register_function).
// Two scripts whose function names collide are an error.
func NewLibrary(name string, scripts ...*resolve.Script) (*Library, error) {
	if !libNameRE.MatchString(name) {
		return nil, fmt.Errorf("library name %q: want letters, digits and _", name)
	}
	sorted := slices.Clone(scripts)
	slices.SortFunc(sorted, func(a, b *resolve.Script) int { return strings.Compare(a.Name(), b.Name()) })
	lib := &Library{Functions: map[string]string{}, funcs: map[string]libFunc{}}
	var body strings.Builder
	line := 2 // line 1 is the #!lua name=... line
	byFunc := map[string]string{}
	type reg struct{ fn, local, flags string }
	var regs []reg
	for i, s := range sorted {
		fn := "__" + funcName(s.Name())
		if other, ok := byFunc[fn]; ok {
			return nil, fmt.Errorf("scripts %s and %s are both the function %s", other, s.Name(), strings.TrimPrefix(fn, "__"))
		}
		byFunc[fn] = s.Name()
		src := s.Source()
		if strings.HasPrefix(src, "#!") {
			src = src[strings.IndexByte(src+"\n", '\n'):] // blank the #! line
		}
		local := "f" + strconv.Itoa(i+1)
		body.WriteString("local function " + local + "(KEYS, ARGV)\n")
		lib.funcs[fn] = libFunc{script: s, first: line + 1}
		body.WriteString(src)
		body.WriteString("\nend\n")
		line += 1 + strings.Count(src, "\n") + 1 + 1
		var flags []string
		for _, f := range s.Flags() {
			flags = append(flags, strconv.Quote(f))
		}
		regs = append(regs, reg{fn, local, strings.Join(flags, ", ")})
	}
	// The name hashes the bodies and what is registered, then goes into
	// the registrations: the scripts' own text is never rewritten.
	h := sha1.New()
	fmt.Fprintf(h, "%s\n%s", name, body.String())
	for _, r := range regs {
		fmt.Fprintf(h, "%s %s {%s}\n", r.fn, r.local, r.flags)
	}
	lib.Name = name + "_" + hex.EncodeToString(h.Sum(nil)[:4])
	for _, r := range regs {
		fmt.Fprintf(&body, "redis.register_function{function_name = '%s%s', callback = %s, flags = {%s}}\n", lib.Name, r.fn, r.local, r.flags)
	}
	lib.Code = "#!lua name=" + lib.Name + "\n" + body.String()
	funcs := map[string]libFunc{}
	for fn, f := range lib.funcs {
		funcs[lib.Name+fn] = f
		lib.Functions[f.script.Name()] = lib.Name + fn
	}
	lib.funcs = funcs
	return lib, nil
}

// funcName is a script name as a function name: every character but
// [A-Za-z0-9_] replaced by _.
func funcName(script string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, script)
}

// Where maps a line of the library's code (what "@user_function:N" in
// an error names) to the script and its rendered line; ok is false for
// a line outside the scripts' bodies.
func (l *Library) Where(function string, line int) (s *resolve.Script, rendered int, ok bool) {
	f, ok := l.funcs[function]
	if !ok || line < f.first || line >= f.first+f.script.Lines() {
		return nil, 0, false
	}
	return f.script, line - f.first + 1, true
}
