package engine

import (
	"regexp"
	"strconv"
	"strings"
)

// location is what an error reply says of where a script failed.
type location struct {
	line    int    // the rendered line, from 1; 0 when the reply names none
	code    string // the error code word ("ERR"), when there is one
	message string // the Lua message
	compile bool   // the script did not compile
}

var (
	codeRE = regexp.MustCompile(`^([A-Z][A-Z_]*) `)
	// Redis 7: "<msg> script: <sha>, on @user_script:<n>."
	redis7RE = regexp.MustCompile(`^(.*?) script: [0-9a-f]{40}, on @user_script:(\d+)\.?\s*$`)
	// "Error compiling script (new function): <rest>"
	compileRE = regexp.MustCompile(`^Error compiling script \(new function\): (.*)$`)
	// Redis 5/6: "Error running script (call to f_<sha>): @<chunk>:<n>: <rest>"
	redis6RE = regexp.MustCompile(`^Error running script \(call to f_[0-9a-f]+\): @(\w+):(\d+): (.*)$`)
	// A Lua position inside a message: "user_script:4: ", "@user_script: 1: ".
	userScriptRE = regexp.MustCompile(`^@?user_script: ?(\d+): (.*)$`)
	// gopher-lua (miniredis) syntax errors.
	gopherSyntaxRE = regexp.MustCompile(`^(?:\S+ )?line:(\d+)\(column:(\d+)\) near '(.*)':\s*(.*?)\s*$`)
	// gopher-lua (miniredis) runtime errors: ":<n>: <msg> stack traceback: ..."
	gopherRuntimeRE = regexp.MustCompile(`^:(\d+): (.*?)(?:\s+stack traceback:(.*))?$`)
	tracebackLineRE = regexp.MustCompile(`(?:^|\s):(\d+): in `)
)

// parseLocation reads the error replies of conformance/SPEC.md §5: Redis 7 runtime,
// command and compile errors, Redis 5/6 with and without strict mode,
// miniredis runtime and compile errors. Anything else (a script's own
// redis.error_reply) has no line.
func parseLocation(msg string) location {
	msg = strings.TrimSpace(msg)
	var loc location
	if m := codeRE.FindStringSubmatch(msg); m != nil {
		loc.code = m[1]
		msg = msg[len(m[0]):]
	}
	if m := redis7RE.FindStringSubmatch(msg); m != nil {
		loc.line, _ = strconv.Atoi(m[2])
		loc.message = m[1]
		if u := userScriptRE.FindStringSubmatch(loc.message); u != nil {
			loc.message = u[2]
		}
		return loc
	}
	if m := compileRE.FindStringSubmatch(msg); m != nil {
		rest := m[1]
		if u := userScriptRE.FindStringSubmatch(rest); u != nil {
			loc.line, _ = strconv.Atoi(u[1])
			loc.message = u[2]
			loc.compile = true
			return loc
		}
		if g := gopherSyntaxRE.FindStringSubmatch(rest); g != nil {
			loc.line, _ = strconv.Atoi(g[1])
			loc.message = g[4] + " near '" + g[3] + "'"
			loc.compile = true
			return loc
		}
		if g := gopherRuntimeRE.FindStringSubmatch(rest); g != nil {
			// miniredis reports runtime errors as compile errors.
			loc.line, _ = strconv.Atoi(g[1])
			loc.message = g[2]
			if lines := tracebackLineRE.FindAllStringSubmatch(g[3], -1); strings.HasPrefix(loc.message, "Script attempted to") && len(lines) > 1 {
				// Raised by miniredis's global guard: the first frame is
				// the guard's own code, the next one the script's.
				loc.line, _ = strconv.Atoi(lines[1][1])
			}
			return loc
		}
		loc.message = rest
		loc.compile = true
		return loc
	}
	if m := redis6RE.FindStringSubmatch(msg); m != nil {
		rest := m[3]
		if u := userScriptRE.FindStringSubmatch(rest); u != nil {
			loc.line, _ = strconv.Atoi(u[1])
			loc.message = u[2]
			return loc
		}
		if m[1] == "user_script" {
			loc.line, _ = strconv.Atoi(m[2])
		}
		loc.message = rest
		return loc
	}
	loc.message = msg
	return loc
}
