package cli_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestGenRefusesHostileName: a script file whose name holds a newline
// (it was written raw into the generated comments, so the rest of the
// name became Go source) is refused with an error naming the file, and
// nothing is written.
func TestGenRefusesHostileName(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no newline in Windows file names")
	}
	dir := t.TempDir()
	lua := filepath.Join(dir, "lua")
	if err := os.Mkdir(lua, 0o755); err != nil {
		t.Fatal(err)
	}
	name := "a\nfunc init() { panic(1) }\nvar x.lua"
	for file, text := range map[string]string{name: "return 1\n", "ok.lua": "-- fine\nreturn 2\n"} {
		if err := os.WriteFile(filepath.Join(lua, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, dir, nil, "--dir", "lua", "gen", "-o", "scripts")
	want := "redis-lua: gen: script file " + strconv.Quote(name) + ": its name holds '\\n'"
	if r.code != 1 || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
		t.Errorf("gen: exit %d\nstdout %q\nstderr %q\nwant %q...", r.code, r.stdout, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "scripts")); !os.IsNotExist(err) {
		t.Errorf("gen wrote its output: %v", err)
	}
	if err := os.Remove(filepath.Join(lua, name)); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, nil, "--dir", "lua", "gen", "-o", "scripts")
	if r.code != 0 {
		t.Errorf("gen without the hostile name: %+v", r)
	}
}
