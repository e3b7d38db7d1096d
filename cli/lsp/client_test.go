package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClient drives a Server over pipes as an editor would.
type testClient struct {
	t    *testing.T
	root string
	in   *io.PipeWriter
	w    *writer
	done chan error

	mu      sync.Mutex
	id      int
	waiting map[int]chan *message
	diags   map[string][]Diagnostic // the last publish of each URI
	pubs    int
	changed chan struct{}
}

// tree writes files (slash paths → text) under a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// start runs a server on the workspace folder root and initializes it.
func start(t *testing.T, root string, opts Options) *testClient {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &testClient{t: t, root: root, in: inW, w: &writer{w: inW}, done: make(chan error, 1),
		waiting: map[int]chan *message{}, diags: map[string][]Diagnostic{}, changed: make(chan struct{}, 1)}
	srv := New(outW, opts)
	go func() {
		err := srv.Run(context.Background(), inR)
		outW.Close()
		c.done <- err
	}()
	go func() {
		r := bufio.NewReader(outR)
		for {
			m, err := readMessage(r)
			if err != nil {
				return
			}
			c.mu.Lock()
			switch {
			case m.Method == "textDocument/publishDiagnostics":
				var p publishDiagnosticsParams
				json.Unmarshal(m.Params, &p)
				c.diags[p.URI] = p.Diagnostics
				c.pubs++
				select {
				case c.changed <- struct{}{}:
				default:
				}
			case m.Method == "" && m.ID != nil:
				var id int
				json.Unmarshal(*m.ID, &id)
				if ch := c.waiting[id]; ch != nil {
					ch <- m
				}
			}
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("the server did not end when its input closed")
		}
	})
	res := c.call("initialize", map[string]any{"rootUri": pathURI(root), "capabilities": map[string]any{}})
	if res.Error != nil {
		t.Fatalf("initialize: %v", res.Error)
	}
	c.notify("initialized", map[string]any{})
	return c
}

func (c *testClient) notify(method string, params any) {
	c.w.write(notification{JSONRPC: "2.0", Method: method, Params: params})
}

// call sends a request and waits for its response.
func (c *testClient) call(method string, params any) *message {
	c.t.Helper()
	c.mu.Lock()
	c.id++
	id := c.id
	ch := make(chan *message, 1)
	c.waiting[id] = ch
	c.mu.Unlock()
	c.w.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatalf("%s: no answer in 10 s", method)
		return nil
	}
}

// result calls and decodes the result into v (a pointer).
func (c *testClient) result(method string, params any, v any) {
	c.t.Helper()
	m := c.call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: %v", method, m.Error)
	}
	if err := json.Unmarshal(m.Result, v); err != nil {
		c.t.Fatalf("%s: %v in %s", method, err, m.Result)
	}
}

func (c *testClient) uri(name string) string {
	return pathURI(filepath.Join(c.root, filepath.FromSlash(name)))
}

// open opens a file of the tree with text (its disk text when text is
// the empty string and the file exists).
func (c *testClient) open(name, text string) {
	if text == "" {
		b, _ := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(name)))
		text = string(b)
	}
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(name), "languageId": "lua", "version": 1, "text": text}})
}

func (c *testClient) change(name string, version int, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(name), "version": version},
		"contentChanges": []map[string]any{{"text": text}},
	})
}

// diagnostics waits until the last publish for a file satisfies ok, and
// returns it.
func (c *testClient) diagnostics(name string, ok func([]Diagnostic) bool) []Diagnostic {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		ds, have := c.diags[c.uri(name)]
		c.mu.Unlock()
		if have && ok(ds) {
			return ds
		}
		select {
		case <-c.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("diagnostics of %s: not as wanted in 10 s; last %s", name, show(ds))
		}
	}
}

// show is a compact form of diagnostics: "line:col-line:col sev code message".
func show(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("\n  " + diagString(d))
	}
	return b.String()
}

func diagString(d Diagnostic) string {
	sev := map[int]string{1: "error", 2: "warning", 3: "info"}[d.Severity]
	parts := []string{posString(d.Range), sev}
	if d.Code != "" {
		parts = append(parts, d.Code)
	}
	return strings.Join(append(parts, d.Message), " ")
}

func posString(r Range) string {
	return itoa(r.Start.Line+1) + ":" + itoa(r.Start.Character+1) + "-" + itoa(r.End.Line+1) + ":" + itoa(r.End.Character+1)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// has reports whether some diagnostic's string contains each of parts.
func has(ds []Diagnostic, parts ...string) bool {
	for _, d := range ds {
		s := diagString(d)
		all := true
		for _, p := range parts {
			if !strings.Contains(s, p) {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

func pos(name string, c *testClient, line, col int) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}, "position": map[string]any{"line": line - 1, "character": col - 1}}
}

func must(tb testing.TB, err error) {
	if err != nil {
		tb.Fatal(err)
	}
}

func mkdirAll(p string) error        { return os.MkdirAll(p, 0o755) }
func writeFile(p, text string) error { return os.WriteFile(p, []byte(text), 0o644) }
