package conformance

import (
	"context"
	"strings"
	"testing"
)

// TestHarnessFails checks that the harness catches what is wrong: a case
// that cannot fail proves nothing.
func TestHarnessFails(t *testing.T) {
	runner := NewBuiltin()
	defer runner.Close()
	b := &Backend{Name: "embedded"}
	for _, tc := range []struct {
		txtar, status, message string
	}{
		{"Wrong render.\n-- lua/main.lua --\n%key k\n-- render.lua --\nlocal k = KEYS[2]\n", "fail", "first difference at line 1\n- \"local k = KEYS[2]\"\n+ \"local k = KEYS[1]\""},
		{"Wrong signature.\n-- lua/main.lua --\n%arg n int\n-- signature.json --\n{\"keys\":[],\"args\":[{\"name\":\"n\",\"type\":\"number\"}],\"return\":null}\n", "fail", "signature"},
		{"Wrong error kind.\n-- lua/main.lua --\n%key\n-- error.json --\n{\"kind\":\"type\"}\n", "fail", `error kind "syntax", want "type"`},
		{"Wrong error line.\n-- lua/main.lua --\n\n%key\n-- error.json --\n{\"kind\":\"syntax\",\"line\":1}\n", "fail", "error on line 2, want 1"},
		{"Unexpected success.\n-- lua/main.lua --\nreturn 1\n-- error.json --\n{\"kind\":\"syntax\"}\n", "fail", "load succeeded"},
		{"Wrong frames.\n-- lua/main.lua --\n%include \"a\"\n-- lua/a.lua --\nx()\n-- lines.json --\n[{\"line\":1,\"frames\":[[\"main\",1]]}]\n", "fail", `line 1 maps to [["main",1],["a",1]]`},
		{"Other backend.\n-- lua/main.lua --\nreturn 1\n-- backends --\nredis\n", "skip", "for redis"},
		{"Right.\n-- lua/main.lua --\n%key k\n-- render.lua --\nlocal k = KEYS[1]\n", "pass", ""},
	} {
		c, err := ParseCase("t", []byte(tc.txtar))
		if err != nil {
			t.Fatal(err)
		}
		o := RunCase(context.Background(), c, runner, b)
		if o.Status != tc.status || !strings.Contains(o.Message, tc.message) {
			t.Errorf("%q: %s %q, want %s %q", c.Comment, o.Status, o.Message, tc.status, tc.message)
		}
	}
}

func TestParseCaseErrors(t *testing.T) {
	for _, bad := range []string{
		"-- lua/main.lua --\nreturn 1\n",                        // no comment
		"C.\n-- signature.json --\n{\"keys\":[],\"extra\":1}\n", // unknown field
		"C.\n-- surprise --\nx\n",                               // unknown section
		"C.\n-- run.json --\n[{\"args\":{}, \"wnat\": 1}]\n",    // misspelt field
	} {
		if _, err := ParseCase("bad", []byte(bad)); err == nil {
			t.Errorf("ParseCase accepted %q", bad)
		}
	}
}
