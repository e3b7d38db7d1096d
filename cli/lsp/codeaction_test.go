package lsp

import (
	"testing"
)

// TestCodeActions: the quick fix of a near miss under the cursor
// replaces the word with the suggestion; none elsewhere, none for a
// finding without one.
func TestCodeActions(t *testing.T) {
	root := tree(t, map[string]string{
		"q.lua": "%key k\nredis.call('GETT', k)\nredis.call(\"client\", 'setnamex', 'n')\nreturn redis.call('ZZZZZZZZ', k)\n",
	})
	c := start(t, root, Options{})
	c.open("q.lua", "")
	at := func(line, col int) []CodeAction {
		p := pos("q.lua", c, line, col)
		r := p["position"]
		p["range"] = map[string]any{"start": r, "end": r}
		p["context"] = map[string]any{"diagnostics": []any{}}
		delete(p, "position")
		var out []CodeAction
		c.result("textDocument/codeAction", p, &out)
		return out
	}
	for _, tc := range []struct {
		line, col int
		want      string // the edit: "range text"; "" for no action
	}{
		{2, 14, "2:12-2:18 'GET'"},
		{2, 12, "2:12-2:18 'GET'"}, // at the quote
		{3, 25, "3:22-3:32 'setname'"},
		{4, 21, ""}, // no near miss
		{1, 2, ""},
	} {
		acts := at(tc.line, tc.col)
		got := ""
		if len(acts) > 0 {
			e := acts[0].Edit.Changes[c.uri("q.lua")]
			if len(acts) != 1 || len(e) != 1 || acts[0].Kind != "quickfix" || len(acts[0].Diagnostics) != 1 {
				t.Errorf("%d:%d: %+v", tc.line, tc.col, acts)
				continue
			}
			got = posString(e[0].Range) + " " + e[0].NewText
		}
		if got != tc.want {
			t.Errorf("%d:%d: %q, want %q", tc.line, tc.col, got, tc.want)
		}
	}
}
