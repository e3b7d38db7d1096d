package engine

import "testing"

func TestParseLocation(t *testing.T) {
	tests := []struct {
		name, reply string
		want        location
	}{
		{"redis 7 runtime (SPEC.md §5)", "ERR user_script:3: Script attempted to access nonexistent global variable 'x' script: bd8f0a1c52e0c4a2c0c6d1cd5b7a12a0b0e4c9a1, on @user_script:3.",
			location{3, "ERR", "Script attempted to access nonexistent global variable 'x'", false}},
		{"redis 7 command (SPEC.md §5)", "ERR Wrong number of args calling Redis command from script script: 1be6f1a0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0, on @user_script:2.",
			location{2, "ERR", "Wrong number of args calling Redis command from script", false}},
		{"redis 7 compile (SPEC.md §5)", "ERR Error compiling script (new function): user_script:2: unexpected symbol near '='",
			location{2, "ERR", "unexpected symbol near '='", true}},
		{"redis 5/6 (SPEC.md §5)", "ERR Error running script (call to f_5b4a0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c): @user_script:4: user_script:4: Script attempted to create global variable 'c'",
			location{4, "ERR", "Script attempted to create global variable 'c'", false}},
		{"redis 5/6 strict (SPEC.md §5)", "Error running script (call to f_5b4a0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c): @enable_strict_lua:8: user_script:4: Script attempted to create global variable 'c'",
			location{4, "", "Script attempted to create global variable 'c'", false}},
		{"redis 5 command", "ERR Error running script (call to f_5b4a0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c): @user_script:1: @user_script: 1: Wrong number of args calling Redis command From Lua script",
			location{1, "ERR", "Wrong number of args calling Redis command From Lua script", false}},
		{"miniredis runtime (SPEC.md §5)", "ERR Error compiling script (new function): :9: Script attempted to create global variable 'c' stack traceback: [G]: in function 'error' :9: in function <:5> :3: in main chunk [G]: ?",
			location{3, "ERR", "Script attempted to create global variable 'c'", false}},
		{"miniredis compile (SPEC.md §5)", "ERR Error compiling script (new function): <string> line:2(column:11) near '=':   syntax error",
			location{2, "ERR", "syntax error near '='", true}},
		{"error_reply (SPEC.md §5)", "MYERR custom", location{0, "MYERR", "custom", false}},
		// Seen live on Redis 7.0.15 and miniredis 2.35.
		{"redis 7 readonly globals", "ERR user_script:2: Attempt to modify a readonly table script: c71ba3077195e02e77ba19568c99cdca3124b878, on @user_script:2.",
			location{2, "ERR", "Attempt to modify a readonly table", false}},
		{"redis 7 error()", "ERR user_script:2: boom script: e53c7b64764b5c39ec419f7740c4c8f41cfaf103, on @user_script:2.",
			location{2, "ERR", "boom", false}},
		{"redis 7 command error", "ERR syntax error script: d55c647e0b2f500a4611db048daf6fee966e15b1, on @user_script:2.",
			location{2, "ERR", "syntax error", false}},
		{"miniredis nonexistent global", "ERR Error compiling script (new function): :16: Script attempted to access nonexistent global variable 'x' stack traceback:  [G]: in function 'error'  :16: in function <:14>  :3: in main chunk  [G]: ?",
			location{3, "ERR", "Script attempted to access nonexistent global variable 'x'", false}},
		{"miniredis global in function", "ERR Error compiling script (new function): :9: Script attempted to create global variable 'd' stack traceback:  [G]: in function 'error'  :9: in function <:5>  :3: in function 'f'  :5: in main chunk  [G]: ?",
			location{3, "ERR", "Script attempted to create global variable 'd'", false}},
		{"miniredis error()", "ERR Error compiling script (new function): :2: boom stack traceback:  [G]: in function 'error'  :2: in main chunk  [G]: ?",
			location{2, "ERR", "boom", false}},
		{"miniredis command", "ERR Error compiling script (new function): :2: ERR wrong number of arguments for 'get' command stack traceback:  [G]: in function 'call'  :2: in main chunk  [G]: ?",
			location{2, "ERR", "ERR wrong number of arguments for 'get' command", false}},
		{"miniredis syntax", "ERR Error compiling script (new function): <string> line:3(column:1) near '=':   syntax error ",
			location{3, "ERR", "syntax error near '='", true}},
		{"miniredis SCRIPT LOAD", "ERR Error compiling script (new function): user_script line:3(column:1) near '=':   syntax error ",
			location{3, "ERR", "syntax error near '='", true}},
		{"not a script error", "WRONGTYPE Operation against a key holding the wrong kind of value",
			location{0, "WRONGTYPE", "Operation against a key holding the wrong kind of value", false}},
	}
	for _, tt := range tests {
		if got := parseLocation(tt.reply); got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}
