package lsp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestDefinition: %include path → the file; %key/%arg name in the body
// → its directive; a name an included file defines → its line there.
func TestDefinition(t *testing.T) {
	root := tree(t, scripts)
	c := start(t, root, Options{})
	c.open("a.lua", "")
	for _, tc := range []struct {
		line, col int
		want      string // "file line:col-line:col", "" for none
	}{
		{3, 12, "lib/x.lua 1:1-1:1"},  // %include "lib/x"
		{3, 1, "lib/x.lua 1:1-1:1"},   // anywhere on the line
		{4, 33, "a.lua 1:6-1:13"},     // counter → %key counter
		{4, 42, "a.lua 2:6-2:10"},     // step → %arg step
		{6, 9, "lib/x.lua 2:16-2:22"}, // helper → local function helper
		{6, 16, "a.lua 1:6-1:13"},
		{5, 3, ""},   // redis: a global
		{99, 1, ""},  // past the end
		{4, 200, ""}, // past the line's end
	} {
		var locs []Location
		c.result("textDocument/definition", pos("a.lua", c, tc.line, tc.col), &locs)
		got := ""
		if len(locs) > 0 {
			got = strings.TrimPrefix(locs[0].URI, pathURI(root)+"/") + " " + posString(locs[0].Range)
		}
		if got != tc.want {
			t.Errorf("definition at %d:%d = %q, want %q", tc.line, tc.col, got, tc.want)
		}
	}
}

// TestDefinitionScopes: a name resolves by Lua's scopes (the linter's),
// not to the nearest line that defines it: a parameter shadowing a
// local, a loop variable, the local after the function; when the
// script does not parse, the text still answers.
func TestDefinitionScopes(t *testing.T) {
	root := tree(t, map[string]string{
		"s.lua":   "local n = 1\nlocal function f(n)\n  return n + 1\nend\nfor n = 1, 2 do\n  f(n)\nend\nreturn f(n)\n",
		"bad.lua": "local n = 1\nreturn n +\n",
	})
	c := start(t, root, Options{})
	c.open("s.lua", "")
	c.open("bad.lua", "")
	for _, tc := range []struct {
		file      string
		line, col int
		want      string
	}{
		{"s.lua", 3, 10, "s.lua 2:18-2:19"},  // n in f → the parameter
		{"s.lua", 6, 5, "s.lua 5:5-5:6"},     // n in the loop → the loop variable
		{"s.lua", 6, 3, "s.lua 2:16-2:17"},   // f
		{"s.lua", 8, 10, "s.lua 1:7-1:8"},    // n after → the first local
		{"bad.lua", 2, 8, "bad.lua 1:7-1:8"}, // does not parse: the text
	} {
		var locs []Location
		c.result("textDocument/definition", pos(tc.file, c, tc.line, tc.col), &locs)
		got := ""
		if len(locs) > 0 {
			got = strings.TrimPrefix(locs[0].URI, pathURI(root)+"/") + " " + posString(locs[0].Range)
		}
		if got != tc.want {
			t.Errorf("definition at %s %d:%d = %q, want %q", tc.file, tc.line, tc.col, got, tc.want)
		}
	}
}

// TestHover: parameters and commands, from the target's table.
func TestHover(t *testing.T) {
	root := tree(t, map[string]string{
		"h.lua": "%key counter\n%arg step integer\n%arg name\nredis.call('INCRBY', counter, step)\nredis.pcall(\"client\", 'setname', name)\nredis.call('GETT', counter)\n",
	})
	for _, tc := range []struct {
		opts      Options
		line, col int
		want      []string // substrings; nil for no hover
	}{
		{Options{}, 1, 7, []string{"**%key** `counter` = `KEYS[1]`"}},
		{Options{}, 2, 2, []string{"**%arg** `step` from `ARGV[1]`: integer"}},
		{Options{}, 4, 32, []string{"`step`", "integer"}},
		{Options{}, 3, 7, []string{"`name`", "untyped"}},
		{Options{}, 4, 14, []string{"**INCRBY** (redis-7.0)", "INCRBY key increment", "arity 3: exactly 2 arguments", "write", "since: 1.0.0", "group: string"}},
		{Options{}, 4, 12, []string{"**INCRBY**"}}, // on the quote
		{Options{}, 5, 15, []string{"**CLIENT**", "subcommands:", "SETNAME"}},
		{Options{}, 5, 26, []string{"**CLIENT SETNAME**", "CLIENT SETNAME connection-name", "noscript"}},
		{Options{Target: "redis-7.4"}, 4, 14, []string{"(redis-7.4)"}},
		{Options{}, 6, 14, nil}, // unknown command
		{Options{Summary: func(_ context.Context, cmd string) string { return "server says " + cmd }}, 5, 26, []string{"**CLIENT SETNAME**", "server says client|setname *(the server's own summary)*"}},
		{Options{Summary: func(context.Context, string) string { return "" }}, 4, 14, []string{"**INCRBY**"}},
		{Options{}, 4, 1, nil}, // redis
		{Options{}, 50, 1, nil},
	} {
		c := start(t, root, tc.opts)
		c.open("h.lua", "")
		m := c.call("textDocument/hover", pos("h.lua", c, tc.line, tc.col))
		if m.Error != nil {
			t.Fatalf("hover %d:%d: %v", tc.line, tc.col, m.Error)
		}
		var h *Hover
		json.Unmarshal(m.Result, &h)
		if tc.want == nil {
			if h != nil {
				t.Errorf("hover %d:%d = %q, want none", tc.line, tc.col, h.Contents.Value)
			}
			continue
		}
		if h == nil {
			t.Errorf("hover %d:%d: none, want %q", tc.line, tc.col, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(h.Contents.Value, w) {
				t.Errorf("hover %d:%d = %q, want %q in it", tc.line, tc.col, h.Contents.Value, w)
			}
		}
	}
}

// TestCompletion: command names in redis.call('…, subcommands, %arg
// types, %include paths, declared names.
func TestCompletion(t *testing.T) {
	root := tree(t, map[string]string{
		"lib/x.lua":     "local function helper() end\nlocal limit = 5\n",
		"lib/y.lua":     "return 1\n",
		"sub/other.lua": "return 1\n",
	})
	for _, tc := range []struct {
		text     string // the cursor is at its end, on its last line
		want     []string
		not      []string
		wantEdit string // "label:line:col-line:col" of the first item
	}{
		{"redis.call('HS", []string{"HSET", "HSCAN", "HSETNX"}, []string{"SET", "SUBSCRIBE"}, "HSCAN 1:13-1:15"},
		{"redis.call('hs", []string{"hset"}, []string{"HSET"}, ""},
		{"redis.pcall( \"", []string{"GET", "ZADD"}, []string{"MULTI", "EVAL", "SUBSCRIBE"}, ""},
		{"redis.call('CLIENT', 'SETN", []string{"SETNAME"}, []string{"GETNAME"}, ""},
		{"redis.call('object', '", []string{"encoding", "freq"}, nil, ""},
		{"%arg n ", []string{"integer", "int", "string", "dict", "list", "boolean", "number"}, []string{"untyped"}, ""},
		{"%arg n in", []string{"integer", "int"}, []string{"string"}, "int 1:8-1:10"},
		{"%include \"", []string{"lib/x", "lib/y", "sub/other"}, []string{"c"}, ""},
		{"%include 'lib/", []string{"lib/x"}, nil, ""},
		{"%key counter\n%arg step\n%include \"lib/x\"\nlocal total = 1\nreturn he", []string{"helper"}, []string{"counter"}, ""},
		{"%key counter\n%arg step\n%include \"lib/x\"\nlocal total = 1\nreturn ", []string{"counter", "step", "helper", "limit", "total", "redis", "cjson", "KEYS"}, nil, ""},
		{"return redis.", []string{"call", "pcall", "sha1hex"}, []string{"redis"}, ""},
	} {
		c := start(t, root, Options{})
		c.open("c.lua", tc.text)
		lines := strings.Split(tc.text, "\n")
		last := lines[len(lines)-1]
		var list CompletionList
		c.result("textDocument/completion", pos("c.lua", c, len(lines), len(last)+1), &list)
		labels := map[string]bool{}
		for _, it := range list.Items {
			labels[it.Label] = true
		}
		for _, w := range tc.want {
			if !labels[w] {
				t.Errorf("%q: no %s among %d items", tc.text, w, len(list.Items))
			}
		}
		for _, w := range tc.not {
			if labels[w] {
				t.Errorf("%q: %s offered", tc.text, w)
			}
		}
		if tc.wantEdit != "" && len(list.Items) > 0 {
			it := list.Items[0]
			if got := it.Label + " " + posString(it.TextEdit.Range); got != tc.wantEdit {
				t.Errorf("%q: first item %q, want %q", tc.text, got, tc.wantEdit)
			}
		}
	}
}

// TestDocumentSymbols: the directives and the functions.
func TestDocumentSymbols(t *testing.T) {
	root := tree(t, scripts)
	c := start(t, root, Options{})
	c.open("lib/x.lua", "%key k\n%arg n int\n%include \"a\"\nlocal function helper(k)\nend\nfunction g() end\n%return integer\n")
	var syms []DocumentSymbol
	c.result("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("lib/x.lua")}}, &syms)
	var got []string
	for _, s := range syms {
		got = append(got, s.Name+"@"+itoa(s.SelectionRange.Start.Line+1))
	}
	want := "k@1 n@2 a@3 helper@4 g@6 %return integer@7"
	if strings.Join(got, " ") != want {
		t.Errorf("symbols = %q, want %q", strings.Join(got, " "), want)
	}
}

// TestPositionsUTF16: columns are UTF-16 code units.
func TestPositionsUTF16(t *testing.T) {
	root := tree(t, nil)
	c := start(t, root, Options{})
	// "é" is 2 bytes and 1 unit, "𝄞" 4 bytes and 2 units.
	c.open("u.lua", "%key k\nlocal s = 'é𝄞' .. k\nreturn s\n")
	var locs []Location
	c.result("textDocument/definition", pos("u.lua", c, 2, 20), &locs) // on k
	if len(locs) != 1 || posString(locs[0].Range) != "1:6-1:7" {
		t.Fatalf("definition of k = %+v", locs)
	}
	var h *Hover
	c.result("textDocument/hover", pos("u.lua", c, 2, 20), &h)
	if h == nil || posString(*h.Range) != "2:20-2:21" {
		t.Errorf("hover range = %+v", h)
	}
}
