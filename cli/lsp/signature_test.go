package lsp

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSignatureHelp: inside redis.call/pcall with a literal command
// name, the command's (or subcommand's) syntax with the argument under
// the cursor marked; nothing on the name itself, inside a nested call,
// or for a name that is not a literal.
func TestSignatureHelp(t *testing.T) {
	doc := strings.Join([]string{
		"%key k",
		"%arg v",
		"redis.call('SET', k, v, 'EX', 10)",
		`redis.pcall("client", 'setname', v)`,
		"redis.call('DEL', k, k)",
		"redis.call('GET', tostring(k))",
		"local t = {redis.call('INCRBY', k,",
		"  v)}",
		"redis.call(cmd, k)",
		"-- redis.call('GET', k)",
		"redis.call('SET', k, 'a,b', ",
	}, "\n") + "\n"
	root := tree(t, map[string]string{"s.lua": doc})
	c := start(t, root, Options{})
	c.open("s.lua", "")
	for _, tc := range []struct {
		line, col int
		label     string // a part of the signature; "" for no help
		active    string // the marked parameter; "" for none
	}{
		{3, 19, "SET key value [NX | XX]", "key"},
		{3, 22, "SET key value", "value"},
		{3, 31, "SET key value", "[EX seconds | PX milliseconds"},
		{3, 14, "", ""}, // on the name
		{3, 34, "", ""}, // after the call
		{4, 34, "CLIENT SETNAME connection-name", "connection-name"},
		{4, 25, "", ""}, // on the subcommand
		{5, 22, "DEL key [key ...]", "key [key ...]"},
		{6, 28, "", ""}, // inside tostring(…)
		{8, 3, "INCRBY key increment", "increment"},
		{9, 17, "", ""},               // no literal name
		{11, 29, "SET key value", ""}, // an option not yet written: none marked
		{10, 22, "", ""},              // in a comment
	} {
		m := c.call("textDocument/signatureHelp", pos("s.lua", c, tc.line, tc.col))
		if m.Error != nil {
			t.Fatalf("%d:%d: %v", tc.line, tc.col, m.Error)
		}
		var h *SignatureHelp
		if err := json.Unmarshal(m.Result, &h); err != nil {
			t.Fatal(err)
		}
		if tc.label == "" {
			if h != nil {
				t.Errorf("%d:%d: %+v, want none", tc.line, tc.col, h)
			}
			continue
		}
		if h == nil || len(h.Signatures) != 1 {
			t.Errorf("%d:%d: %+v, want %q", tc.line, tc.col, h, tc.label)
			continue
		}
		sig := h.Signatures[0]
		if !strings.Contains(sig.Label, tc.label) {
			t.Errorf("%d:%d: label %q, want %q in it", tc.line, tc.col, sig.Label, tc.label)
		}
		active := ""
		if h.ActiveParameter < len(sig.Parameters) {
			p := sig.Parameters[h.ActiveParameter].Label
			active = sig.Label[p[0]:p[1]]
		}
		if !strings.HasPrefix(active, tc.active) || (tc.active == "") != (active == "") {
			t.Errorf("%d:%d: active %q, want %q", tc.line, tc.col, active, tc.active)
		}
	}
}
