package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// tree200 is a tree of 200 scripts, each including two of 10 helpers.
func tree200(tb testing.TB) (string, map[string]string) {
	files := map[string]string{}
	for i := range 10 {
		files[fmt.Sprintf("lib/h%d.lua", i)] = fmt.Sprintf("%%pragma once\nlocal function helper%d(k)\n  return redis.call('GET', k)\nend\n", i)
	}
	for i := range 200 {
		files[fmt.Sprintf("s%03d.lua", i)] = fmt.Sprintf("%%key counter\n%%arg step integer\n%%include \"lib/h%d\"\n%%include \"lib/h%d\"\nlocal n = redis.call('INCRBY', counter, step)\nredis.call('EXPIRE', counter, 60)\nreturn helper%d(counter) .. n\n", i%10, (i+1)%10, i%10)
	}
	dir := tb.TempDir()
	writeTree(tb, dir, files)
	return dir, files
}

func writeTree(tb testing.TB, dir string, files map[string]string) {
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(tb, mkdirAll(filepath.Dir(p)))
		must(tb, writeFile(p, text))
	}
}

// BenchmarkRequests200: the answers on a tree of 200 scripts, after the
// first (a helper open, so its diagnostics lint the 20 scripts that
// include it): the bound is 50 ms a request.
//
//	go test -run - -bench Requests200 ./cli/lsp
func BenchmarkRequests200(b *testing.B) {
	root, files := tree200(b)
	s := New(io.Discard, Options{})
	ctx := context.Background()
	raw := func(v any) json.RawMessage { j, _ := json.Marshal(v); return j }
	if _, err := s.initialize(ctx, raw(map[string]any{"rootUri": pathURI(root)})); err != nil {
		b.Fatal(err)
	}
	at := func(name string, line, col int) json.RawMessage {
		return raw(map[string]any{"textDocument": map[string]any{"uri": pathURI(filepath.Join(root, name))}, "position": map[string]any{"line": line, "character": col}})
	}
	open := func(name string) {
		s.didOpen(ctx, raw(map[string]any{"textDocument": map[string]any{"uri": pathURI(filepath.Join(root, name)), "version": 1, "text": files[name]}}))
	}
	open("s007.lua")
	open("lib/h3.lua")
	s.publishAll(s.current())
	for _, tc := range []struct {
		name string
		do   func()
	}{
		{"hover-command", func() { s.hover(ctx, at("s007.lua", 4, 24)) }},
		{"hover-arg", func() { s.hover(ctx, at("s007.lua", 4, 42)) }},
		{"definition-include-name", func() { s.definition(ctx, at("s007.lua", 6, 9)) }},
		{"completion-command", func() { s.completion(ctx, at("s007.lua", 5, 14)) }},
		{"completion-names", func() { s.completion(ctx, at("s007.lua", 6, 7)) }},
		{"signature-help", func() { s.signatureHelp(ctx, at("s007.lua", 4, 42)) }},
		{"diagnostics-after-change", func() {
			s.didChange(ctx, raw(map[string]any{"textDocument": map[string]any{"uri": pathURI(filepath.Join(root, "lib/h3.lua")), "version": 2},
				"contentChanges": []map[string]any{{"text": strings.Replace(files["lib/h3.lua"], "GET", "GETT", 1)}}}))
			s.publishAll(s.current())
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tc.do()
			for b.Loop() {
				tc.do()
			}
		})
	}
}
