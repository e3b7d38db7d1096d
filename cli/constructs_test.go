package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/resolve"
	"github.com/redislua/redislua/vet/commands"
	"github.com/redislua/redislua/vet/lint"
	"golang.org/x/tools/txtar"
)

var constructHead = regexp.MustCompile(`^--! (?:ok|(\w+)(?:@(\S+))? "([^"]*)")$`)

// TestConstructsOnRedis runs every script of
// vet/lint/testdata/constructs.txtar on the real redis-server: each one
// check reports as an error, Redis refuses with the error its first line
// names; each control, Redis runs. (vet/lint's TestConstructs checks
// that check reports the one and not the other.)
func TestConstructsOnRedis(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	file := filepath.Join(filepath.Dir(here), "..", "vet", "lint", "testdata", "constructs.txtar")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skip("the vet module's sources are not beside this one:", err)
	}
	ar := txtar.Parse(data)
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	// The constructs and their errors are redis-7.0's, the default
	// target and CI's server; Valkey and newer Redis word their errors
	// otherwise and run some (Valkey 8 allows BLPOP and WAIT).
	if v := serverVersion(t, rdb); v != "redis 7.0" {
		t.Skipf("%s is not Redis 7.0, the constructs' server", v)
	}
	l := resolve.New(fsys)
	n := 0
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "lib/") {
			continue
		}
		first, _, _ := strings.Cut(string(f.Data), "\n")
		m := constructHead.FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("%s: first line %q", f.Name, first)
		}
		s, err := l.Load(strings.TrimSuffix(f.Name, ".lua"))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		rdb.FlushDB(ctx)
		_, err = rdb.Eval(ctx, s.Source(), nil).Result()
		switch {
		case m[1] == "" && err != nil && err.Error() != "redis: nil":
			t.Errorf("%s (a control): Redis refused it: %v", f.Name, err)
		case m[1] != "" && (err == nil || !strings.Contains(err.Error(), m[3])):
			t.Errorf("%s: Redis answered %v, want an error with %q", f.Name, err, m[3])
		case m[1] != "":
			n++
		}
	}
	if n < 47 {
		t.Errorf("Redis refused %d constructs, want 47", n)
	}
}

// TestNoscriptRefused: every command and subcommand the redis-7.0 table
// flags noscript (RL204), the real redis-server refuses from a script,
// called with as many arguments as its arity asks.
func TestNoscriptRefused(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	table := commands.Default()
	if v, _ := rdb.Info(context.Background(), "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	noscriptRefused(t, rdb, table)
}

// noscriptRefused calls every noscript command of table from a script
// on rdb and expects Redis's refusal.
func noscriptRefused(t *testing.T, rdb *redis.Client, table *commands.Table) {
	t.Helper()
	ctx := context.Background()
	n := 0
	for _, c := range table.Commands() {
		for _, cmd := range append([]*commands.Command{c}, c.Subcommands()...) {
			if !cmd.Has("noscript") {
				continue
			}
			words := strings.Fields(cmd.Display())
			for len(words) < max(cmd.Arity(), -cmd.Arity()) {
				words = append(words, "x")
			}
			args := make([]any, len(words))
			for i, w := range words {
				args[i] = w
			}
			err := rdb.Eval(ctx, "return redis.pcall(unpack(ARGV))", nil, args...).Err()
			if err == nil || !strings.Contains(err.Error(), "not allowed from script") {
				t.Errorf("%s: %s: the server answered %v", table.Name(), cmd.Display(), err)
			}
			n++
		}
	}
	t.Logf("%s: %d noscript commands refused", table.Name(), n)
	if n < 50 {
		t.Errorf("%s: only %d noscript commands", table.Name(), n)
	}
}

// TestTablesMatchServers checks the other targets' tables against
// servers already running (built with build-server, see
// vet/commands/manifest.txt), named in REDISLUA_TABLE_SERVERS as
// target=host:port,...: the same commands, arity, flags, keys and
// globals as the server answers, and every noscript command refused.
func TestTablesMatchServers(t *testing.T) {
	list := os.Getenv("REDISLUA_TABLE_SERVERS")
	if list == "" {
		t.Skip("REDISLUA_TABLE_SERVERS is not set")
	}
	ctx := context.Background()
	for _, one := range strings.Split(list, ",") {
		name, addr, _ := strings.Cut(one, "=")
		t.Run(name, func(t *testing.T) {
			table, err := commands.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			rdb := redis.NewClient(&redis.Options{Addr: addr})
			defer rdb.Close()
			info, err := rdb.Do(ctx, "COMMAND").Result()
			if err != nil {
				t.Fatal(err)
			}
			docs, err := rdb.Do(ctx, "COMMAND", "DOCS").Result()
			if err != nil {
				t.Fatal(err)
			}
			globals, err := rdb.Eval(ctx, commands.GlobalsScript, nil).Text()
			if err != nil {
				t.Fatal(err)
			}
			live, err := commands.FromReplies(name, table.Server(), "", info, docs, globals)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, live, table)
			noscriptRefused(t, rdb, table)
			oneOfConflicts(t, rdb, table)
			grammarErrorsRefused(t, rdb, table)
		})
	}
}

// oneOfPair is a call with two options of one one-of group.
type oneOfPair struct {
	cmd   string
	words []string
}

// oneOfPairs lists, for every command the scripts may call, every pair
// of options of each one-of group check judges (the optional groups
// after the leading positional arguments), with plain values for the
// rest.
func oneOfPairs(table *commands.Table) []oneOfPair {
	simple := func(t commands.ArgType) bool {
		return t != commands.TypeOneOf && t != commands.TypeBlock && t != commands.TypePureToken
	}
	dummy := func(a *commands.Arg) string {
		switch a.Type() {
		case commands.TypeKey:
			return "pair:k"
		case commands.TypeInteger, commands.TypeDouble, commands.TypeUnixTime:
			return "1"
		}
		return "x"
	}
	values := func(a *commands.Arg) ([]string, bool) {
		switch {
		case a.Type() == commands.TypePureToken:
			return nil, true
		case simple(a.Type()):
			return []string{dummy(a)}, true
		case a.Type() == commands.TypeBlock:
			var out []string
			for _, k := range a.Args() {
				if !simple(k.Type()) || k.Optional() || k.Multiple() || k.Token() != "" {
					return nil, false
				}
				out = append(out, dummy(k))
			}
			return out, true
		}
		return nil, false
	}
	var out []oneOfPair
	for _, c := range table.Commands() {
		for _, cmd := range append([]*commands.Command{c}, c.Subcommands()...) {
			if cmd.Has("noscript") {
				continue
			}
			g := cmd.Args()
			lead := strings.Fields(cmd.Display())
			i := 0
			for ; i < len(g); i++ {
				a := g[i]
				if a.Optional() || a.Multiple() || a.Token() != "" || !simple(a.Type()) {
					break
				}
				lead = append(lead, dummy(a))
			}
			for ; i < len(g) && g[i].Optional(); i++ {
				o := g[i]
				if o.Type() != commands.TypeOneOf || o.Token() != "" || o.Multiple() {
					continue
				}
				alts := o.Args()
				for x := range alts {
					for y := range alts {
						vx, ok1 := values(alts[x])
						vy, ok2 := values(alts[y])
						if x == y || !ok1 || !ok2 || alts[x].Token() == "" || alts[y].Token() == "" {
							continue
						}
						words := append(slices.Clone(lead), alts[x].Token())
						words = append(append(append(words, vx...), alts[y].Token()), vy...)
						out = append(out, oneOfPair{cmd.Name(), words})
					}
				}
			}
		}
	}
	return out
}

// TestOneOfConflicts: every pair of options of a one-of group, on the
// real redis-server: where check reports a conflict (RL208), Redis
// refuses the call; where Redis takes it, check reports no error. A
// call holds plain values and leaves out what follows the options (the
// members of ZADD and GEOADD, HEXPIRE's FIELDS): for those, the pairs
// were also run whole (testdata/constructs.txtar has ZADD NX XX).
func TestOneOfConflicts(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	table := commands.Default()
	if v, _ := rdb.Info(context.Background(), "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	oneOfConflicts(t, rdb, table)
}

func oneOfConflicts(t *testing.T, rdb *redis.Client, table *commands.Table) {
	t.Helper()
	ctx := context.Background()
	reported, accepted := 0, 0
	for _, p := range oneOfPairs(table) {
		quoted := make([]string, len(p.words))
		args := make([]any, len(p.words))
		for i, w := range p.words {
			quoted[i], args[i] = "'"+w+"'", w
		}
		s, err := resolve.New(nil).Parse("m", "return redis.pcall("+strings.Join(quoted, ", ")+")\n")
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		for _, f := range lint.LintWith(s, lint.Options{Target: table}) {
			if f.Severity == lint.Error {
				errs = append(errs, f.String())
			}
		}
		rdb.FlushDB(ctx)
		err = rdb.Eval(ctx, "return redis.pcall(unpack(ARGV))", nil, args...).Err()
		refused := err != nil && err != redis.Nil
		if !refused {
			accepted++
		}
		switch {
		case !refused && len(errs) > 0:
			t.Errorf("%s: %s takes %v; check reports %v", table.Name(), strings.Join(p.words, " "), err, errs)
		case len(errs) > 0:
			reported++
		}
	}
	t.Logf("%s: %d one-of pairs check reports (all refused), %d the server takes (none reported)", table.Name(), reported, accepted)
	if reported < 50 {
		t.Errorf("%s: only %d conflicts reported", table.Name(), reported)
	}
}

// TestGrammarErrorsRefused: for every command scripts may call, a word
// that is no option where only options may follow, an option without
// its value, and a word that is no number for each integer argument
// check reads: where check reports
// an error (RL208, RL209), the real redis-server refuses the call.
func TestGrammarErrorsRefused(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	table := commands.Default()
	if v, _ := rdb.Info(context.Background(), "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	grammarErrorsRefused(t, rdb, table)
}

func grammarErrorsRefused(t *testing.T, rdb *redis.Client, table *commands.Table) {
	t.Helper()
	ctx := context.Background()
	simple := func(t commands.ArgType) bool {
		return t != commands.TypeOneOf && t != commands.TypeBlock && t != commands.TypePureToken
	}
	dummy := func(a *commands.Arg) string {
		switch a.Type() {
		case commands.TypeKey:
			return "grammar:k"
		case commands.TypeInteger, commands.TypeDouble, commands.TypeUnixTime:
			return "1"
		}
		return "x"
	}
	var calls [][]string
	for _, c := range table.Commands() {
		for _, cmd := range append([]*commands.Command{c}, c.Subcommands()...) {
			if cmd.Has("noscript") {
				continue
			}
			g := cmd.Args()
			lead := strings.Fields(cmd.Display())
			i := 0
			for ; i < len(g); i++ {
				a := g[i]
				if a.Optional() || a.Multiple() || a.Token() != "" || !simple(a.Type()) {
					break
				}
				if a.Type() == commands.TypeInteger || a.Type() == commands.TypeUnixTime {
					bad := append(slices.Clone(lead), "abc")
					for _, b := range g[i+1:] {
						if b.Optional() || b.Multiple() || b.Token() != "" || !simple(b.Type()) {
							break
						}
						bad = append(bad, dummy(b))
					}
					calls = append(calls, bad)
				}
				lead = append(lead, dummy(a))
			}
			closed := true
			for _, a := range g[i:] {
				if !a.Optional() {
					closed = false
				}
				if a.Token() != "" && simple(a.Type()) && (a.Type() == commands.TypeInteger || a.Type() == commands.TypeUnixTime) {
					calls = append(calls, append(slices.Clone(lead), a.Token(), "abc"))
				}
			}
			if closed && i < len(g) {
				calls = append(calls, append(slices.Clone(lead), "NOSUCHOPTION"))
			}
			// An option without its value, last.
			for _, a := range g[i:] {
				if !a.Optional() {
					break
				}
				opts := []*commands.Arg{a}
				if a.Type() == commands.TypeOneOf && a.Token() == "" {
					opts = a.Args()
				}
				for _, o := range opts {
					if o.Token() != "" && o.Type() != commands.TypePureToken {
						calls = append(calls, append(slices.Clone(lead), o.Token()))
					}
				}
			}
		}
	}
	reported := 0
	for _, words := range calls {
		quoted := make([]string, len(words))
		args := make([]any, len(words))
		for i, w := range words {
			quoted[i], args[i] = "'"+w+"'", w
		}
		s, err := resolve.New(nil).Parse("m", "return redis.pcall("+strings.Join(quoted, ", ")+")\n")
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		for _, f := range lint.LintWith(s, lint.Options{Target: table}) {
			if f.Severity == lint.Error {
				errs = append(errs, f.String())
			}
		}
		if len(errs) == 0 {
			continue
		}
		reported++
		if !refusedWithSomeKey(ctx, rdb, args) {
			t.Errorf("%s: %s: the server takes it; check reports %v", table.Name(), strings.Join(words, " "), errs)
		}
	}
	t.Logf("%s: %d of %d calls reported, all refused", table.Name(), reported, len(calls))
	if reported < 30 {
		t.Errorf("%s: only %d calls reported", table.Name(), reported)
	}
}

// refusedWithSomeKey reports whether the server refuses a call (its key
// grammar:k missing, or holding a value of some type: commands such as
// HSCAN and LINDEX read their arguments only when the key exists) with
// an error other than WRONGTYPE.
func refusedWithSomeKey(ctx context.Context, rdb *redis.Client, args []any) bool {
	setups := [][]any{nil, {"SET", "grammar:k", "v"}, {"RPUSH", "grammar:k", "v"}, {"SADD", "grammar:k", "v"}, {"HSET", "grammar:k", "f", "v"}, {"ZADD", "grammar:k", "1", "v"}}
	for _, setup := range setups {
		rdb.FlushDB(ctx)
		if setup != nil {
			rdb.Do(ctx, setup...)
		}
		err := rdb.Eval(ctx, "return redis.pcall(unpack(ARGV))", nil, args...).Err()
		if err != nil && err != redis.Nil && !strings.HasPrefix(err.Error(), "WRONGTYPE") {
			return true
		}
	}
	return false
}

// TestArityRefused: every command and subcommand scripts may call, with
// one word too few (and one too many for a fixed arity): check reports
// RL203 and the real redis-server refuses the call.
func TestArityRefused(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	table := commands.Default()
	if v, _ := rdb.Info(ctx, "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	n := 0
	for _, c := range table.Commands() {
		for _, cmd := range append([]*commands.Command{c}, c.Subcommands()...) {
			words := strings.Fields(cmd.Display())
			a := cmd.Arity()
			var tries []int
			if need := max(a, -a) - 1; need >= len(words) {
				tries = append(tries, need)
			}
			if a > 0 && len(cmd.Subcommands()) == 0 {
				tries = append(tries, a+1)
			}
			for _, count := range tries {
				w := slices.Clone(words)
				for len(w) < count {
					w = append(w, "x")
				}
				quoted := make([]string, len(w))
				args := make([]any, len(w))
				for i, x := range w {
					quoted[i], args[i] = "'"+x+"'", x
				}
				s, err := resolve.New(nil).Parse("m", "return redis.pcall("+strings.Join(quoted, ", ")+")\n")
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, f := range lint.Lint(s) {
					found = found || f.Code == "RL203"
				}
				err = rdb.Eval(ctx, "return redis.pcall(unpack(ARGV))", nil, args...).Err()
				if !found || err == nil || !strings.Contains(err.Error(), "Wrong number of args") {
					t.Errorf("%s: check RL203 %v, the server answered %v", strings.Join(w, " "), found, err)
				}
				n++
			}
		}
	}
	t.Logf("%d calls of a wrong arity, all reported and refused", n)
}
