package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpVersionCompletionMan: help [COMMAND], --version, completion
// scripts that work, and a man page (help was "unknown command",
// completion hidden, no man page).
func TestHelpVersionCompletionMan(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, nil, "help", "run")
	if r.code != 0 || !strings.Contains(r.stdout, "redis-lua run - run a script and print its result as JSON") {
		t.Errorf("help run: %+v", r)
	}
	r = run(t, dir, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "redis-lua ") {
		t.Errorf("--version: %+v", r)
	}
	r = run(t, dir, nil, "man")
	if r.code != 0 || !strings.Contains(r.stdout, ".TH redis-lua 1") || !strings.Contains(r.stdout, "conformance") {
		t.Errorf("man: %.200s", r.stdout)
	}
	r = run(t, dir, nil, "completion", "fish")
	if r.code != 0 || !strings.Contains(r.stdout, "complete -c redis-lua") {
		t.Errorf("completion fish: %.200s", r.stdout)
	}
	r = run(t, dir, nil, "completion")
	if r.code != 2 || !strings.Contains(r.stderr, "bash, zsh or fish") {
		t.Errorf("completion: %+v", r)
	}
	// The bash script, sourced in bash, completes commands and names.
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	r = run(t, dir, nil, "completion", "bash")
	script := filepath.Join(dir, "completion.bash")
	os.WriteFile(script, []byte(r.stdout), 0o644)
	os.MkdirAll(filepath.Join(dir, "lua"), 0o755)
	os.WriteFile(filepath.Join(dir, "lua", "create_foo.lua"), []byte("return 1"), 0o644)
	for _, tc := range []struct{ words, want string }{
		{"redis-lua ins", "inspect"},
		{"redis-lua inspect cre", "create_foo"},
		{"redis-lua check --st", "--strict"}, // flags too (it listed script names)
		{"redis-lua inspect --j", "--json"},
	} {
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=($2); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _redis_lua; echo "${COMPREPLY[@]}"`, "bash", script, tc.words)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), tc.want) || (strings.HasPrefix(tc.want, "-") && strings.Contains(string(out), "create_foo")) {
			t.Errorf("complete %q = %q, %v; want %s", tc.words, out, err, tc.want)
		}
	}
}

// TestUsageErrorsOneLine: a wrong flag is one line on stderr with a
// hint, exit 2 (it was "Incorrect Usage" and the whole help on stdout);
// flags may follow the arguments.
func TestUsageErrorsOneLine(t *testing.T) {
	r := run(t, examples, nil, "--dir", "lua", "inspect", "--bogus", "create_foo")
	if r.code != 2 || r.stdout != "" || r.stderr != "redis-lua: inspect: flag provided but not defined: -bogus (see: redis-lua help inspect)\n" {
		t.Errorf("unknown flag: %+v", r)
	}
	r = run(t, examples, nil, "--dir", "lua", "inspect", "create_foo", "--json")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("a flag after the name: %+v", r)
	}
}
