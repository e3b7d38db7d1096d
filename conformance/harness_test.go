package conformance

import (
	"context"
	"strings"
	"testing"
	"time"
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
		{"Message names a fragment.\n-- lua/main.lua --\n%key k\n%key k\n-- error.json --\n{\"kind\":\"duplicate\",\"names\":[\"k\",\"main.lua:3\"]}\n", "fail", `does not name "main.lua:3"`},
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
		"C.\n-- bounds.json --\n{\"seconds\": 0}\n",             // no time
		"C.\n-- bounds.json --\n{\"seconds\": 1, \"mib\": 2}\n", // misspelt field
	} {
		if _, err := ParseCase("bad", []byte(bad)); err == nil {
			t.Errorf("ParseCase accepted %q", bad)
		}
	}
	// Checks: want or matches, exactly one; matches a regular expression.
	for bad, msg := range map[string]string{
		`[{"check": [{"cmd": ["GET", "k"]}]}]`:                                "bad: section run.json: run 1, check 1: give want or matches, not both or neither",
		`[{}, {"check": [{"cmd": ["GET", "k"], "want": 1, "matches": "x"}]}]`: "bad: section run.json: run 2, check 1: give want or matches, not both or neither",
		`[{"check": [{"cmd": ["INFO"], "matches": "a("}]}]`:                   "bad: section run.json: run 1, check 1: matches: error parsing regexp: missing closing ): `a(`",
		`[{"sent": [{"commands": []}]}]`:                                      "bad: section run.json: run 1, sent 1: no commands",
		`[{"sent": [{"commands": ["EVAL"]}]}]`:                                "bad: section run.json: run 1, sent 1: command \"EVAL\": want it in lower case, a subcommand as script|load",
		`[{"sent": [{"commands": ["eval"], "min": 2, "max": 1}]}]`:            "bad: section run.json: run 1, sent 1: max 1 below min 2",
	} {
		_, err := ParseCase("bad", []byte("C.\n-- run.json --\n"+bad+"\n"))
		if err == nil || err.Error() != msg {
			t.Errorf("run.json %s: %v\nwant %s", bad, err, msg)
		}
	}
}

// TestServeBounds: every request is bounded; one over a bound gets a
// protocol error (id null when it cannot be read) and the runner goes on
// with the next line, in order.
func TestServeBounds(t *testing.T) {
	l := Limits{Line: 260, Files: 100, Repeat: 5}
	ok := `{"id":9,"op":"load","files":{"main.lua":"return 1"},"name":"main"}`
	in := strings.Join([]string{
		`{"id":1,"op":"load","files":{"main.lua":"` + strings.Repeat("-", 300) + `"},"name":"main"}`,
		`{"id":2,"op":"load","files":{"main.lua":"` + strings.Repeat("-", 150) + `"},"name":"main"}`,
		`{"id":3,"op":"run","files":{"main.lua":"return 1"},"name":"main","repeat":1000000000}`,
		`{"id":4,"op":"run","files":{"main.lua":"return 1"},"name":"main","repeat":-1}`,
		`{"id":5,"op":`,
		`not json`,
		``,
		ok,
	}, "\n")
	var out strings.Builder
	runner := NewBuiltin()
	defer runner.Close()
	if err := l.Serve(context.Background(), strings.NewReader(in), &out, runner); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"id":null,"ok":false,"error":{"kind":"protocol","message":"request line over the limit of 260 bytes: skipped"}}`,
		`{"id":2,"ok":false,"error":{"kind":"protocol","message":"files of 158 bytes, over the limit of 100"}}`,
		`{"id":3,"ok":false,"error":{"kind":"protocol","message":"repeat 1000000000: want 0 to 5"}}`,
		`{"id":4,"ok":false,"error":{"kind":"protocol","message":"repeat -1: want 0 to 5"}}`,
		`{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: unexpected end of JSON input"}}`,
		`{"id":null,"ok":false,"error":{"kind":"protocol","message":"bad request: invalid character 'o' in literal null (expecting 'u')"}}`,
		`{"id":9,"ok":true,"render":"return 1"}`,
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d responses, want %d:\n%s", len(got), len(want), out.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("response %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if DefaultLimits.Repeat < 1000 || DefaultLimits.Line < 32<<20 || DefaultLimits.Files < 16<<20 {
		t.Errorf("DefaultLimits = %+v: too small for the suite", DefaultLimits)
	}
}

// TestNames: a fragment is named when it occurs whole, whatever quotes
// or punctuation surround it.
func TestNames(t *testing.T) {
	for _, tc := range []struct {
		message, frag string
		want          bool
	}{
		{`unknown name "cuont": did you mean "count"?`, "count", true},
		{`unknown name 'cuont', did you mean count`, "count", true},
		{"did you mean `count`?", "count", true},
		{`counter is missing`, "count", false},
		{`account is missing`, "count", false},
		{`account, then count`, "count", true},
		{`v[1][1]: integer 9007199254740993 is beyond ±2^53`, "v[1][1]", true},
		{`v[1][1] is refused`, "v[1]", true},
		{`w[1] is refused`, "v[1]", false},
		{`av[1] is refused`, "v[1]", false},
		{`did you mean %include?`, "%include", true},
		{`did you mean %includes?`, "%include", false},
		{`include cycle: main -> b -> main`, "main -> b -> main", true},
		{`include cycle: amain -> b -> main`, "main -> b -> main", false},
		{`first at main.lua:12`, "main.lua:1", false},
		{`first at main.lua:1.`, "main.lua:1", true},
		{`the limit of 640`, "64", false},
		{`the limit of 64.`, "64", true},
		{`clé_é manquante`, "clé", false},
		{`« clé » manquante`, "clé", true},
		{`anything`, "", true},
	} {
		if got := Names(tc.message, tc.frag); got != tc.want {
			t.Errorf("Names(%q, %q) = %v, want %v", tc.message, tc.frag, got, tc.want)
		}
	}
	if frag, ok := NamesAll("k is missing", []string{"k", "n"}); ok || frag != `"n"` {
		t.Errorf("NamesAll = %s, %v", frag, ok)
	}
}

// slowRunner answers after its delay, whatever its context says.
type slowRunner struct{ delay time.Duration }

func (r slowRunner) Do(ctx context.Context, req Request) Response {
	time.Sleep(r.delay)
	return Response{OK: true}
}
func (slowRunner) Close() error { return nil }

// TestRequestBounded: a runner in this process that does not answer
// within the case's bounds fails the case, however its answer would
// have read.
func TestRequestBounded(t *testing.T) {
	c, err := ParseCase("t", []byte("Slow.\n-- lua/main.lua --\nreturn 1\n-- bounds.json --\n{\"seconds\": 0.1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Bounds == nil || c.Bounds.Time != 100*time.Millisecond {
		t.Fatalf("bounds %+v", c.Bounds)
	}
	o := RunCase(context.Background(), c, slowRunner{2 * time.Second}, &Backend{Name: "embedded"})
	if o.Status != "fail" || o.Message != "load request: no response within 100ms" {
		t.Errorf("%s %q", o.Status, o.Message)
	}
	if o := RunCase(context.Background(), c, slowRunner{0}, &Backend{Name: "embedded"}); o.Status != "pass" {
		t.Errorf("%s %q", o.Status, o.Message)
	}
}
