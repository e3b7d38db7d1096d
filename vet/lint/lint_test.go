package lint_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/internal/wanttest"
	"github.com/redislua/redislua/vet/lint"
)

// TestRules lints every script of testdata/lua and compares the findings
// with the files' want comments: every finding is wanted, every want is
// found.
func TestRules(t *testing.T) {
	fsys := os.DirFS("testdata/lua")
	all, err := resolve.New(fsys).LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var diags []wanttest.Diag
	for _, s := range lint.Entries(all) {
		for _, f := range lint.Lint(s) {
			d := wanttest.Diag{File: f.Pos.File, Line: f.Pos.Line, Message: f.Code + " " + f.Message}
			if key := fmt.Sprint(d); !seen[key] {
				seen[key] = true
				diags = append(diags, d)
			}
		}
	}
	ws := wanttest.Read(fsys)
	for _, p := range wanttest.Check(ws, diags) {
		t.Error(p)
	}
	if len(lint.Entries(all)) != len(all)-1 {
		t.Errorf("Entries = %d of %d scripts, want all but lib/helpers", len(lint.Entries(all)), len(all))
	}
	if len(ws) < 12 {
		t.Errorf("only %d want comments", len(ws))
	}
}

func TestFindingFormat(t *testing.T) {
	s, _ := resolve.New(os.DirFS("testdata/lua")).Load("uses_lib")
	fs := lint.Lint(s)
	if len(fs) != 1 {
		t.Fatalf("findings = %v", fs)
	}
	if got := fs[0].String(); got != "lib/helpers.lua:3:10: error: read of global missing_global, which Redis does not provide (W113)" {
		t.Errorf("String() = %q", got)
	}
	if fs[0].Severity != lint.Error || fs[0].Line != 3 {
		t.Errorf("finding = %+v", fs[0])
	}
}

// TestRepeatedIncludeReportedOnce: a file included 2^12 times renders
// its global assignment 2^12 times; Lint reports it once, where it is
// written (it returned one finding per rendering).
func TestRepeatedIncludeReportedOnce(t *testing.T) {
	fsys := fstest.MapFS{"f0.lua": {Data: []byte("a = 1")}}
	for i := 1; i <= 12; i++ {
		fsys[fmt.Sprintf("f%d.lua", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("%%include \"f%d\"\n%%include \"f%d\"", i-1, i-1))}
	}
	s, err := resolve.New(fsys).Load("f12")
	if err != nil {
		t.Fatal(err)
	}
	fs := lint.Lint(s)
	if len(fs) != 1 || fs[0].String() != "f0.lua:1:1: error: assignment to global a: Redis refuses globals (use local) (W111)" {
		t.Errorf("findings = %d: %v", len(fs), fs[:min(len(fs), 3)])
	}
}

// TestManyLocalsLinear: linting a script of n %arg lines (n locals in
// one scope, each read once) is linear in n: 10× the locals may take at
// most 40× the time, best of three each (a scan per lookup took 100×:
// 16 s for 100,000).
func TestManyLocalsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("lints 100,000 locals")
	}
	script := func(n int) *resolve.Script {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%%arg a%d\n", i)
		}
		b.WriteString("return {")
		for i := range n {
			fmt.Fprintf(&b, "a%d,", i)
		}
		b.WriteString("}\n")
		s, err := resolve.New(nil).Parse("m", b.String())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	best := func(s *resolve.Script) time.Duration {
		d := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			// Lua 5.1 refuses more than 200 locals (E012, once).
			if fs := lint.Lint(s); len(fs) != 1 || fs[0].Code != "E012" {
				t.Fatalf("findings: %v", fs[:min(len(fs), 2)])
			}
			d = min(d, time.Since(start))
		}
		return d
	}
	small, large := best(script(10000)), best(script(100000))
	t.Logf("10,000 locals: %v; 100,000: %v (%.1f×)", small, large, float64(large)/float64(small))
	if large > 40*small {
		t.Errorf("10× the locals took %.1f× the time: not linear", float64(large)/float64(small))
	}
}

// TestEveryOccurrence: a name that is wrong twice on one line is
// reported twice, each at its own column (only the last was).
func TestEveryOccurrence(t *testing.T) {
	s, err := resolve.New(nil).Parse("m", "x = 1 x = 2\nlocal y = nope + nope\nreturn {y, redis.cal, redis.cal}")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.Lint(s) {
		got = append(got, fmt.Sprintf("%d:%d %s", f.Pos.Line, f.Pos.Col, f.Code))
	}
	want := "1:1 W111, 1:7 W111, 2:18 W113, 2:11 W113, 3:18 W143, 3:29 W143"
	if strings.Join(got, ", ") != want {
		t.Errorf("findings at\n%s\nwant\n%s", strings.Join(got, ", "), want)
	}
}

// TestSyntaxAtEOF: a script that ends too soon is reported at its last
// line without gopher-lua's padding ("d at EOF:   syntax error").
func TestSyntaxAtEOF(t *testing.T) {
	fsys := fstest.MapFS{"d.lua": {Data: []byte("local x = 1\nreturn (x\n\n")}}
	s, err := resolve.New(fsys).Load("d")
	if err != nil {
		t.Fatal(err)
	}
	fs := lint.Lint(s)
	if len(fs) != 1 || fs[0].String() != "d.lua:2: error: syntax error at the end of the script (unfinished statement or expression) (E011)" {
		t.Errorf("findings = %v", fs)
	}
}
