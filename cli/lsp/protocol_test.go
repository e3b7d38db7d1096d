package lsp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func frame(body string) string {
	return "Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body
}

// TestReadMessage: the framing, and what bad input does: a bad body is
// an answerable parse error, a bad header ends the stream.
func TestReadMessage(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		method   string
		parseErr bool // a JSON-RPC parse error (the stream goes on)
		framing  bool // errFraming (the stream ends)
		eof      bool
	}{
		{"request", frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`), "initialize", false, false, false},
		{"content type too", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(`{"jsonrpc":"2.0","method":"exit"}`), "exit", false, false, false},
		{"lower case header, LF only", "content-length: 33\n\n" + `{"jsonrpc":"2.0","method":"exit"}`, "exit", false, false, false},
		{"not JSON", frame(`{"jsonrpc":`), "", true, false, false},
		{"clean end", "", "", false, false, true},
		{"no length", "\r\n{}", "", false, true, false},
		{"bad length", "Content-Length: x\r\n\r\n", "", false, true, false},
		{"negative length", "Content-Length: -1\r\n\r\n", "", false, true, false},
		{"huge length", "Content-Length: 99999999999\r\n\r\n", "", false, true, false},
		{"short body", "Content-Length: 10\r\n\r\n{}", "", false, true, false},
		{"header without colon", "Content-Length 10\r\n\r\n", "", false, true, false},
		{"cut in the header", "Content-Len", "", false, true, false},
	} {
		m, err := readMessage(bufio.NewReader(strings.NewReader(tc.in)))
		var re *rpcError
		switch {
		case tc.eof:
			if err != io.EOF {
				t.Errorf("%s: err %v, want EOF", tc.name, err)
			}
		case tc.parseErr:
			if !errors.As(err, &re) || re.Code != codeParseError {
				t.Errorf("%s: err %v, want a parse error", tc.name, err)
			}
		case tc.framing:
			if !errors.Is(err, errFraming) {
				t.Errorf("%s: err %v, want a framing error", tc.name, err)
			}
		default:
			if err != nil || m.Method != tc.method {
				t.Errorf("%s: %+v, %v", tc.name, m, err)
			}
		}
	}
}

// TestWriter: a response always has result (null too), framed.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := &writer{w: &b}
	w.write(response{JSONRPC: "2.0", ID: []byte("7"), Result: nil})
	want := frame(`{"jsonrpc":"2.0","id":7,"result":null}`)
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestLifecycle: requests before initialize, unknown methods, a parse
// error, a panic-free answer to nonsense params, shutdown then exit
// (nil), exit alone (ErrNoShutdown), the end of the input (nil).
func TestLifecycle(t *testing.T) {
	run := func(in string) (string, error) {
		var out bytes.Buffer
		err := New(&out, Options{}).Run(context.Background(), strings.NewReader(in))
		return out.String(), err
	}
	init := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file:///nonexistent"}}`)
	for _, tc := range []struct {
		name, in string
		want     []string
		err      error
	}{
		{"before initialize", frame(`{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}`), []string{`"code":-32002`}, nil},
		{"shutdown, exit", init + frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","method":"exit"}`) + frame(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`),
			[]string{`"capabilities"`, `"id":2,"result":null`}, nil},
		{"exit without shutdown", init + frame(`{"jsonrpc":"2.0","method":"exit"}`), nil, ErrNoShutdown},
		{"input ends", init, []string{`"capabilities"`}, nil},
		{"unknown method", init + frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/rename","params":{}}`), []string{`"id":2,"error":{"code":-32601`}, nil},
		{"parse error", init + frame(`{nope`), []string{`"id":null,"error":{"code":-32700`}, nil},
		{"bad params", init + frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":[1]}`), []string{`"id":2,"error":{"code":-32602`}, nil},
		{"unknown document", init + frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.lua"},"position":{"line":0,"character":0}}}`), []string{`"id":2,"result":null`}, nil},
		{"after shutdown", init + frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{}}`), []string{`"id":3,"error":{"code":-32600`}, nil},
		{"bad framing", init + "Content-Length: x\r\n\r\n", []string{`"capabilities"`}, errFraming},
	} {
		out, err := run(tc.in)
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %s in %s", tc.name, w, out)
			}
		}
	}
}

// TestCancelledEnds: a cancelled context ends Run while it waits for
// input (Ctrl-C).
func TestCancelledEnds(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(io.Discard, Options{}).Run(ctx, r) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end")
	}
}

// TestDocumentEdits: incremental changes apply too, in UTF-16 columns.
func TestDocumentEdits(t *testing.T) {
	d := newDocument("u", "/u.lua", 1, "local s = 'é'\nreturn s\n")
	d.applyChange(&Range{Position{0, 11}, Position{0, 12}}, "ü𝄞")
	d.applyChange(&Range{Position{1, 7}, Position{1, 8}}, "s .. s")
	d.applyChange(&Range{Position{9, 0}, Position{9, 3}}, "-- end")
	if want := "local s = 'ü𝄞'\nreturn s .. s\n-- end"; d.text != want {
		t.Errorf("text %q, want %q", d.text, want)
	}
	if got := utf16Col("é𝄞x", len("é𝄞")); got != 3 {
		t.Errorf("utf16Col = %d", got)
	}
	if got := byteCol("é𝄞x", 3); got != len("é𝄞") {
		t.Errorf("byteCol = %d", got)
	}
	for _, tc := range []struct{ from, name, want string }{
		{"a", "lib/x", "lib/x"}, {"sub/a", "x", "sub/x"}, {"sub/a", "/x", "x"}, {"sub/a", "../x", "x"}, {"a", `lib\x`, "lib/x"},
	} {
		if got, _ := includeName(tc.from, tc.name); got != tc.want {
			t.Errorf("includeName(%q, %q) = %q, want %q", tc.from, tc.name, got, tc.want)
		}
	}
	if _, ok := includeName("a", "../x"); ok {
		t.Error("../x from the root resolved")
	}
}
