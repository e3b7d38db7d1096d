package lint_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/lint"
	"golang.org/x/tools/txtar"
)

// construct is one script of testdata/constructs.txtar.
type construct struct {
	name  string
	code  string // the error check reports, "" for a control
	at    string // FILE:LINE of that error, when given
	redis string // what Redis's error says
}

var headRE = regexp.MustCompile(`^--! (?:ok|(\w+)(?:@(\S+))? "([^"]*)")$`)

func readConstructs(t *testing.T) (fstest.MapFS, []construct) {
	ar, err := txtar.ParseFile("testdata/constructs.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var cs []construct
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		if strings.HasPrefix(f.Name, "lib/") {
			continue
		}
		first, _, _ := strings.Cut(string(f.Data), "\n")
		m := headRE.FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("%s: first line %q", f.Name, first)
		}
		cs = append(cs, construct{name: strings.TrimSuffix(f.Name, ".lua"), code: m[1], at: m[2], redis: m[3]})
	}
	return fsys, cs
}

// TestConstructs: every construct Redis 7.0.15 refuses is an error of
// check on the default target (of the code its first line names, and
// no other error); every control is none.
func TestConstructs(t *testing.T) {
	fsys, cs := readConstructs(t)
	l := resolve.New(fsys)
	errorsN := 0
	for _, c := range cs {
		s, err := l.Load(c.name)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var errs []string
		found := false
		for _, f := range lint.Lint(s) {
			if f.Severity != lint.Error {
				continue
			}
			errs = append(errs, f.String())
			if f.Code == c.code && (c.at == "" || c.at == fmt.Sprintf("%s:%d", f.Pos.File, f.Pos.Line)) {
				found = true
			}
		}
		switch {
		case c.code == "" && len(errs) > 0:
			t.Errorf("%s (a control): %v", c.name, errs)
		case c.code != "" && (!found || len(errs) != 1):
			t.Errorf("%s: want one error %s %s, got %v", c.name, c.code, c.at, errs)
		case c.code != "":
			errorsN++
		}
	}
	if errorsN < 47 {
		t.Errorf("%d constructs reported, want the 47 of the issue", errorsN)
	}
}

// TestServerGlobal: Valkey's server (an alias of redis) is a global
// under a Valkey target, its calls checked like redis.call; under Redis
// it is an error.
func TestServerGlobal(t *testing.T) {
	s, err := resolve.New(nil).Parse("m", "local v = server.call('GET', 'k')\nreturn server.call('GETT', v)\n")
	if err != nil {
		t.Fatal(err)
	}
	valkey, err := commands.Lookup("valkey-8.0")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.LintWith(s, lint.Options{Target: valkey}) {
		got = append(got, f.Code)
	}
	if strings.Join(got, " ") != "RL108 RL201" {
		t.Errorf("valkey-8.0: %v", got)
	}
	got = nil
	for _, f := range lint.Lint(s) {
		got = append(got, f.Code)
	}
	if strings.Join(got, " ") != "W113 W113" {
		t.Errorf("redis-7.0: %v", got)
	}
}

// TestAlsoTargets: a command or global another target lacks is a
// warning (RL207); a command newer than the target an error (RL205).
func TestAlsoTargets(t *testing.T) {
	s, err := resolve.New(nil).Parse("m", "%key h\nredis.call('HEXPIRE', h, 10, 'FIELDS', 1, 'f')\nreturn redis.call('GETSET', h, 1)\n")
	if err != nil {
		t.Fatal(err)
	}
	r74, _ := commands.Lookup("redis-7.4")
	r70, _ := commands.Lookup("redis-7.0")
	var got []string
	for _, f := range lint.LintWith(s, lint.Options{Target: r74, Also: []*commands.Table{r70}}) {
		got = append(got, fmt.Sprintf("%d %s %v", f.Pos.Line, f.Code, f.Severity == lint.Error))
	}
	if want := "2 RL207 false, 3 RL206 false"; strings.Join(got, ", ") != want {
		t.Errorf("redis-7.4 also redis-7.0: %v, want %s", got, want)
	}
	got = nil
	for _, f := range lint.Lint(s) {
		got = append(got, f.Code+" "+f.Message)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "RL205 HEXPIRE is not in redis-7.0: redis-7.4 has it (since 7.4.0)") || !strings.Contains(got[1], "GETSET is deprecated since 6.2.0; replaced by SET with the !GET argument") {
		t.Errorf("redis-7.0: %q", got)
	}
}

// TestAlsoOption: an option another target's grammar lacks is a
// warning (RL207); tables made from replies as a live server gives them.
func TestAlsoOption(t *testing.T) {
	info := []any{[]any{"set", int64(-3), []any{"write"}, int64(1), int64(1), int64(1)}}
	docs := func(tokens ...string) any {
		var alts []any
		for _, tok := range tokens {
			alts = append(alts, []any{"name", strings.ToLower(tok), "type", "pure-token", "token", tok})
		}
		return []any{"set", []any{"since", "1.0.0", "arguments", []any{
			[]any{"name", "key", "type", "key", "key_spec_index", int64(0)},
			[]any{"name", "value", "type", "string"},
			[]any{"name", "condition", "type", "oneof", "flags", []any{"optional"}, "arguments", alts},
		}}}
	}
	newer, err := commands.FromReplies("new-1.1", "redis", "1.1.0", info, docs("NX", "XX", "IFEQ"), "redis table\nredis.call function")
	if err != nil {
		t.Fatal(err)
	}
	older, err := commands.FromReplies("old-1.0", "redis", "1.0.0", info, docs("NX", "XX"), "redis table\nredis.call function")
	if err != nil {
		t.Fatal(err)
	}
	s, err := resolve.New(nil).Parse("m", "%key k\nreturn redis.call('SET', k, 'v', 'IFEQ')\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.LintWith(s, lint.Options{Target: newer, Also: []*commands.Table{older}}) {
		got = append(got, f.String())
	}
	if want := "m.lua:2:34: warning: SET's option IFEQ is not in old-1.0, which the scripts must also run on (RL207)"; strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	got = nil
	for _, f := range lint.LintWith(s, lint.Options{Target: older}) {
		got = append(got, f.String())
	}
	if want := "m.lua:2:34: error: SET has no option IFEQ here: Redis refuses it (syntax error) (RL208)"; strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// TestPipeName: a name with | (how tables key subcommands) is unknown to
// Redis, and reported so, not as newer than the target.
func TestPipeName(t *testing.T) {
	s, err := resolve.New(nil).Parse("m", "return redis.call('client|id')\n")
	if err != nil {
		t.Fatal(err)
	}
	fs := lint.Lint(s)
	if len(fs) != 1 || fs[0].Code != "RL201" {
		t.Errorf("findings = %v", fs)
	}
}
