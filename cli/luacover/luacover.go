// Package luacover measures the line coverage of redislua scripts, and
// of every file they include, by instrumenting the rendered script.
//
// The approach: Instrument takes the rendered script (resolve.Script's
// Source) and, on every line where a Lua statement begins, writes a
// counter increment in front of that statement, on the same line, so
// that every line keeps its number. The whole body runs inside
// xpcall(function(...) … end, handler), opened on the first line and
// closed on lines added after the last; the reply is an array
// {counters, 1, reply} (2 and the text for a redis.error_reply, 0 for an
// error). Counters are per rendered line; the resolve package's source
// map (Script.Origin) gives each rendered line's file and line, so an
// included file is counted in its own lines, once per include.
//
// Errors: the handler runs where the error was raised and asks Lua for
// that place (error("", level) through pcall: the raising Lua function,
// or the Lua caller of a C function such as redis.call, as Redis's own
// handler does); the wrapper returns the error's text and that line
// beside the counters. Call re-raises it on the Go side as the reply
// Redis 7 gives for an error raised at that line ("<code> <text> script:
// <sha>, on @user_script:<line>."), and engine.TranslateError turns it
// into the *engine.ScriptError of the uninstrumented script: same text,
// same file:line and traceback through includes. A compile error keeps
// its line, the instrumented lines having the original's numbers.
//
// Call binds named values as the engine does for a map (codec's
// encoders, *engine.ArgsError for unknown, missing and invalid values),
// and decodes the reply by the script's %return type (*engine.DecodeError).
// It always sends EVAL of the instrumented text: with Redis 7 functions
// (--functions) coverage runs the scripts as EVAL. On a server that
// refuses the "#!lua" line (before Redis 7, miniredis), that line is
// blanked, as the engine does.
package luacover

import (
	"fmt"
	"strings"

	"github.com/redislua/redislua/resolve"
)

// Instrumented is a script with its counters.
type Instrumented struct {
	Script *resolve.Script
	// Source is the instrumented text: Script's lines at their numbers.
	Source string
	// Lines are the rendered lines counted, one per counter.
	Lines []int
}

// Instrument instruments the rendered script of s.
func Instrument(s *resolve.Script) *Instrumented {
	return instrument(s, false)
}

func instrument(s *resolve.Script, blankShebang bool) *Instrumented {
	src := s.Source()
	if blankShebang && strings.HasPrefix(src, "#!") {
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			src = src[i:]
		} else {
			src = ""
		}
	}
	starts := statementStarts(src)
	in := &Instrumented{Script: s}
	var b strings.Builder
	lines := strings.SplitAfter(src, "\n")
	offset := 0
	opened := false
	for n, text := range lines {
		line := n + 1
		if !opened && !strings.HasPrefix(text, "#!") {
			b.WriteString("local __rlc={} local __rlw local __rlok,__rlv=xpcall(function(...) ")
			opened = true
		}
		if at := starts[line]; at >= 0 {
			in.Lines = append(in.Lines, line)
			k := len(in.Lines)
			b.WriteString(text[:at-offset])
			fmt.Fprintf(&b, "__rlc[%d]=__rlc[%d]+1;", k, k)
			b.WriteString(text[at-offset:])
		} else {
			b.WriteString(text)
		}
		offset += len(text)
	}
	if !opened {
		b.WriteString("\nlocal __rlc={} local __rlw local __rlok,__rlv=xpcall(function(...) ")
	}
	fmt.Fprintf(&b, "\nend,function(e) local _,w=pcall(error,'',3) if w=='' then _,w=pcall(error,'',4) end __rlw=w return e end)")
	// The counters start at 0 before the body runs: the table is filled
	// here, after the body's text, by a loop the body cannot see.
	in.Source = strings.Replace(b.String(), "local __rlc={} ", fmt.Sprintf("local __rlc={} for i=1,%d do __rlc[i]=0 end ", len(in.Lines)), 1)
	in.Source += "\nif __rlok then if type(__rlv)=='table' and type(__rlv.err)=='string' then return {__rlc,2,__rlv.err} end return {__rlc,1,__rlv} end" +
		"\nif type(__rlv)=='table' and type(__rlv.err)=='string' then return {__rlc,0,__rlv.err,__rlw or '',1} end" +
		"\nreturn {__rlc,0,tostring(__rlv),__rlw or '',0}\n"
	return in
}
