package cli_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLSPNeovim runs `redis-lua lsp` under a real editor: headless
// Neovim (Debian's 0.7, vim.lsp.start_client) driven by
// testdata/lsp/e2e.lua, on a tree whose redislua.json names the scripts'
// directory. It asserts diagnostics (an included file's error summed up
// on the %include line, an arity error with its range, cleared when the
// buffer is edited, before any save), definition, hover, completion,
// signature help, and a quick fix applied by Neovim itself.
// Without nvim it skips, but fails under REDISLUA_REQUIRE_REDIS=1 (CI
// installs neovim with redis-server).
func TestLSPNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("REDISLUA_REQUIRE_REDIS") == "1" {
			t.Fatal("nvim not found (CI installs neovim)")
		}
		t.Skip("nvim not found")
	}
	root := t.TempDir()
	files := map[string]string{
		"redislua.json":    `{"dir": "lua"}`,
		"lua/lib/keys.lua": "%pragma once\nlocal function key_of(id)\n  return 'foo:' .. id\nend\nredis.call('GETT', 'x')\n",
		"lua/main.lua":     "%key counter\n%arg step integer\n%include \"lib/keys\"\nredis.call('INCRBY', counter, step)\nredis.call('SET', counter)\nreturn key_of(step)\n",
	}
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(root, "lua", "main.lua")
	type op struct {
		Op        string `json:"op"`
		Want      int    `json:"want,omitempty"`
		Line      int    `json:"line"`
		Character int    `json:"character"`
		Text      string `json:"text,omitempty"`
	}
	ops := []op{
		{Op: "diagnostics", Want: 2},
		{Op: "textDocument/definition", Line: 2, Character: 12}, // %include "lib/keys"
		{Op: "textDocument/definition", Line: 5, Character: 9},  // key_of
		{Op: "textDocument/definition", Line: 3, Character: 24}, // counter
		{Op: "textDocument/hover", Line: 3, Character: 14},      // INCRBY
		{Op: "textDocument/hover", Line: 1, Character: 6},       // %arg step
		{Op: "textDocument/completion", Line: 4, Character: 14}, // redis.call('SE
		{Op: "edit", Line: 4, Text: "redis.call('SET', counter, step)"},
		{Op: "diagnostics", Want: 1},
		{Op: "textDocument/signatureHelp", Line: 4, Character: 27}, // redis.call('SET', counter, |step)
		{Op: "edit", Line: 4, Text: "redis.call('SETT', counter, step)"},
		{Op: "diagnostics", Want: 2},
		{Op: "fix", Line: 4, Character: 14},
	}
	job, _ := json.Marshal(map[string]any{"cmd": []string{binary, "lsp"}, "root": root, "file": main, "ops": ops})
	outFile := filepath.Join(t.TempDir(), "out.jsonl")
	cmd := exec.Command(nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "--noplugin",
		"--cmd", "set noswapfile", "-c", "luafile "+filepath.Join("testdata", "lsp", "e2e.lua"))
	cmd.Env = append(os.Environ(), "E2E_JOB="+string(job), "E2E_OUT="+outFile)
	cmd.Dir, _ = os.Getwd()
	done := make(chan error, 1)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("nvim did not end in 90 s")
	}
	data, _ := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("nvim: %v\n%s\n%s", err, data, stderr.String())
	}
	var results []map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		results = append(results, r)
	}
	if len(results) != len(ops)+1 || results[len(ops)]["exited"] != true {
		t.Fatalf("results:\n%s", data)
	}
	text := func(i int) string {
		b, _ := json.Marshal(results[i]["result"])
		return string(b)
	}
	for i, want := range [][]string{
		{`"message":"1 error in lib/keys.lua: unknown command GETT`, `"code":"RL203"`, `"range":{"end":{"character":16,"line":4},"start":{"character":11,"line":4}}`},
		{`"uri":"file://` + filepath.ToSlash(filepath.Join(root, "lua", "lib", "keys.lua")) + `"`},
		{`keys.lua"`, `"start":{"character":15,"line":1}`},
		{`main.lua"`, `"start":{"character":5,"line":0}`},
		{`INCRBY key increment`, `since: 1.0.0`},
		{"**%arg** `step` from `ARGV[1]`: integer"},
		{`"label":"SET"`, `"label":"SETEX"`},
		{`"op":"edit"`},
		{`1 error in lib/keys.lua`},
		{`"label":"SET key value [NX | XX]`, `"activeParameter":1`, `"label":[8,13]`},
		{`"op":"edit"`},
		{`"code":"RL201"`, `did you mean SET?`},
		{`"redis.call('SET', counter, step)"`}, // the quick fix, applied by Neovim
	} {
		got := text(i)
		if ops[i].Op == "edit" {
			got = `"op":"` + results[i]["op"].(string) + `"`
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: no %s in %s", ops[i].Op, w, got)
			}
		}
	}
	if got := text(8); strings.Contains(got, "RL203") {
		t.Errorf("after the edit: %s", got)
	}
}
