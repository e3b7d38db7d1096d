package lsp

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRequests: any document text, and every request that takes a
// position (or a range there: code actions) at each line's start, middle and end (and past them),
// answers without a panic or an error (an answer may be empty).
func FuzzRequests(f *testing.F) {
	for _, s := range []string{
		"%key k\n%arg v int\nredis.call('SET', k, v, 'EX', 1)\n",
		"%include \"lib/x\"\nredis.pcall(\"client\", 'setname', {1, (2)}, [[\n",
		"local t = {redis.call('INCRBY', k,\n  v)} -- c\n%inlcude 'y'\n",
		"redis.call('SET', k, 'a,b', ",
		"\xff\xfe%arg é\r\n\t",
	} {
		f.Add(s)
	}
	root := f.TempDir()
	os.MkdirAll(filepath.Join(root, "lib"), 0o755)
	os.WriteFile(filepath.Join(root, "lib", "x.lua"), []byte("%pragma once\nlocal function h(a) return a end\n"), 0o644)
	f.Fuzz(func(t *testing.T, text string) {
		s := New(io.Discard, Options{})
		ctx := context.Background()
		raw := func(v any) json.RawMessage { j, _ := json.Marshal(v); return j }
		if _, err := s.initialize(ctx, raw(map[string]any{"rootUri": pathURI(root)})); err != nil {
			t.Fatal(err)
		}
		uri := pathURI(filepath.Join(root, "f.lua"))
		s.didOpen(ctx, raw(map[string]any{"textDocument": map[string]any{"uri": uri, "version": 1, "text": text}}))
		lines := strings.Split(text, "\n")
		for ln := 0; ln <= len(lines); ln++ {
			n := 0
			if ln < len(lines) {
				n = len(lines[ln])
			}
			for _, col := range []int{0, n / 2, n, n + 3} {
				at := raw(map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": ln, "character": col}})
				for name, h := range map[string]handler{
					"hover": (*Server).hover, "definition": (*Server).definition,
					"completion": (*Server).completion, "signatureHelp": (*Server).signatureHelp,
				} {
					if _, err := h(s, ctx, at); err != nil {
						t.Fatalf("%s at %d:%d of %q: %v", name, ln, col, text, err)
					}
				}
				p := map[string]any{"line": ln, "character": col}
				if _, err := s.codeAction(ctx, raw(map[string]any{"textDocument": map[string]any{"uri": uri}, "range": map[string]any{"start": p, "end": p}})); err != nil {
					t.Fatalf("codeAction at %d:%d of %q: %v", ln, col, text, err)
				}
			}
		}
		if _, err := s.documentSymbol(ctx, raw(map[string]any{"textDocument": map[string]any{"uri": uri}})); err != nil {
			t.Fatalf("documentSymbol of %q: %v", text, err)
		}
	})
}
