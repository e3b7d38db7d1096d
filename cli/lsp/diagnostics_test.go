package lsp

import (
	"strings"
	"testing"
)

var scripts = map[string]string{
	"lib/x.lua": "%pragma once\nlocal function helper(k)\n  return redis.call('GETT', k)\nend\nlocal limit = 10\n",
	"a.lua":     "%key counter\n%arg step integer\n%include \"lib/x\"\nlocal n = redis.call('INCRBY', counter, step)\nredis.call('SET', counter)\nreturn helper(counter)\n",
	"bad.lua":   "%key k\n%arg n intger\n%arg n string\n%include \"nope\"\nreturn redis.call('GET', k) +\n",
	"c1.lua":    "%include \"c2\"\nreturn 1\n",
	"c2.lua":    "%include \"c1\"\n",
	"v.lua":     "return server.call('GET', KEYS[1])\n",
}

// TestDiagnostics: what each open document shows, as check reports it,
// with ranges; findings of an included file on that file and summed up
// on the %include line.
func TestDiagnostics(t *testing.T) {
	root := tree(t, scripts)
	for _, tc := range []struct {
		name string
		file string   // the file whose diagnostics are read
		want []string // each a substring of one diagnostic's "range severity code message"
		not  []string
	}{
		{"a.lua", "a.lua", []string{
			"3:10-3:17 error 1 error in lib/x.lua: unknown command GETT",
			"4:7-4:8 warning W211 unused variable n",
			"5:12-5:17 error RL203 SET takes at least 2 arguments",
		}, nil},
		// The included file shows its own findings, found in a.lua's context.
		{"a.lua", "lib/x.lua", []string{"3:21-3:27 error RL201 unknown command GETT (did you mean GET?)"}, []string{"helper"}},
		{"bad.lua", "bad.lua", []string{
			"2:8-2:14 error type unknown type \"intger\"; did you mean integer?",
			"4:1-4:9 error not_found script \"nope\" not found",
			"5:1-5:30 error E011 syntax error",
		}, nil},
		{"c1.lua", "c1.lua", []string{"1:10-1:14 error 1 error in c2.lua: include cycle"}, nil},
		{"v.lua", "v.lua", []string{"error W113", "server"}, nil},
	} {
		t.Run(tc.name+"/"+tc.file, func(t *testing.T) {
			c := start(t, root, Options{})
			c.open(tc.name, "")
			ds := c.diagnostics(tc.file, func(ds []Diagnostic) bool { return len(ds) > 0 })
			for _, w := range tc.want {
				if !has(ds, w) {
					t.Errorf("no %q in%s", w, show(ds))
				}
			}
			for _, w := range tc.not {
				if has(ds, w) {
					t.Errorf("%q in%s", w, show(ds))
				}
			}
		})
	}
}

// TestDiagnosticsAsYouType: the document's text counts, not the disk's;
// a fix clears the diagnostic, the included file's too.
func TestDiagnosticsAsYouType(t *testing.T) {
	root := tree(t, scripts)
	c := start(t, root, Options{})
	c.open("a.lua", "")
	c.diagnostics("a.lua", func(ds []Diagnostic) bool { return has(ds, "RL203") })
	fixed := strings.Replace(scripts["a.lua"], "redis.call('SET', counter)", "redis.call('SET', counter, n)", 1)
	c.change("a.lua", 2, fixed)
	ds := c.diagnostics("a.lua", func(ds []Diagnostic) bool { return !has(ds, "RL203") })
	if has(ds, "W211") {
		t.Errorf("n is used now:%s", show(ds))
	}
	// Fix the include in its own open document: both clear.
	c.open("lib/x.lua", strings.Replace(scripts["lib/x.lua"], "GETT", "GET", 1))
	c.diagnostics("lib/x.lua", func(ds []Diagnostic) bool { return len(ds) == 0 })
	c.diagnostics("a.lua", func(ds []Diagnostic) bool { return !has(ds, "lib/x.lua") })
	// An unsaved new directive error.
	c.change("a.lua", 3, "%arg step intger\n"+fixed)
	c.diagnostics("a.lua", func(ds []Diagnostic) bool { return has(ds, "1:11-1:17 error type") })
}

// TestDiagnosticsConfiguration: redislua.json's rules, target and dir
// hold as for check; Options override them.
func TestDiagnosticsConfiguration(t *testing.T) {
	files := map[string]string{
		"redislua.json": `{"dir": "scripts", "disable": ["W211"], "target": "valkey-8.0"}`,
		"scripts/a.lua": "local unused = 1\nreturn server.call('GET', KEYS[1])\n",
	}
	root := tree(t, files)
	c := start(t, root, Options{})
	c.open("scripts/a.lua", "")
	ds := c.diagnostics("scripts/a.lua", func([]Diagnostic) bool { return true })
	if len(ds) != 0 {
		t.Errorf("valkey-8.0 has server, W211 is disabled:%s", show(ds))
	}
	c = start(t, root, Options{Target: "redis-7.0"})
	c.open("scripts/a.lua", "")
	c.diagnostics("scripts/a.lua", func(ds []Diagnostic) bool { return has(ds, "2:8", "W113") && !has(ds, "W211") })
}

// TestDiagnosticsLarge: a document over MaxLint gets its directive
// errors and a note, quickly.
func TestDiagnosticsLarge(t *testing.T) {
	root := tree(t, map[string]string{"big.lua": ""})
	c := start(t, root, Options{})
	text := "%arg n intger\n" + strings.Repeat("local x = 1 -- padding padding padding padding padding\n", 10<<20/56)
	c.open("big.lua", text)
	c.diagnostics("big.lua", func(ds []Diagnostic) bool {
		return has(ds, "1:8-1:14 error syntax") && has(ds, "info", "not linted")
	})
}
