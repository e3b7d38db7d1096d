package commands_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/redislua/redislua/vet/commands"
)

func TestTargets(t *testing.T) {
	got := commands.Targets()
	for _, want := range []string{"redis-7.0", "redis-7.2", "redis-7.4", "valkey-8.0"} {
		if !slices.Contains(got, want) {
			t.Errorf("Targets() = %v, lacks %s", got, want)
		}
	}
	if got[0] != commands.DefaultTarget {
		t.Errorf("first target %s, want the default %s", got[0], commands.DefaultTarget)
	}
	if _, err := commands.Lookup("redis-7.1"); err == nil || !strings.Contains(err.Error(), "known targets: redis-7.0") {
		t.Errorf("Lookup(redis-7.1) = %v", err)
	}
}

func TestRedis70(t *testing.T) {
	tb := commands.Default()
	if tb.Server() != "redis" || tb.Version() != "7.0.15" {
		t.Errorf("default: %s %s", tb.Server(), tb.Version())
	}
	set := tb.Command("SET")
	if set == nil || set.Arity() != -3 || !set.Has("write") || !set.Has("denyoom") || set.Since() != "1.0.0" || set.Group() != "string" {
		t.Fatalf("SET = %+v", set)
	}
	if f, l, s := set.Keys(); f != 1 || l != 1 || s != 1 {
		t.Errorf("SET keys %d %d %d", f, l, s)
	}
	if !set.Accepts(3) || set.Accepts(2) {
		t.Errorf("SET arity")
	}
	args := set.Args()
	if len(args) < 4 || args[0].Type() != commands.TypeKey || args[0].KeySpec() != 0 || args[2].Type() != commands.TypeOneOf || !args[2].Optional() {
		t.Fatalf("SET args %v", args)
	}
	if a := args[2].Args(); a[0].Token() != "NX" || a[0].Type() != commands.TypePureToken {
		t.Errorf("SET condition %v", a)
	}
	if blpop := tb.Command("blpop"); blpop == nil || !blpop.Has("noscript") || !blpop.Has("blocking") {
		t.Errorf("BLPOP = %+v", blpop)
	}
	client := tb.Command("client")
	setname := client.Subcommand("SETNAME")
	if setname == nil || setname != tb.Command("client|setname") || setname.Parent() != client || setname.Arity() != 3 || setname.Display() != "CLIENT SETNAME" {
		t.Errorf("CLIENT SETNAME = %+v", setname)
	}
	if since, repl, ok := tb.Command("getset").Deprecated(); !ok || since != "6.2.0" || !strings.Contains(repl, "SET") {
		t.Errorf("GETSET deprecated: %q %q %v", since, repl, ok)
	}
	if _, _, ok := set.Deprecated(); ok {
		t.Error("SET deprecated")
	}
	if tb.Command("hexpire") != nil {
		t.Error("HEXPIRE in 7.0")
	}
	if typ, ok := tb.Global("redis"); !ok || typ != "table" {
		t.Errorf("global redis: %q %v", typ, ok)
	}
	if _, ok := tb.Global("server"); ok {
		t.Error("global server in Redis")
	}
	if _, ok := tb.Field("redis", "setresp"); !ok {
		t.Error("redis.setresp missing")
	}
	if _, ok := tb.Global("KEYS"); !ok {
		t.Error("KEYS missing")
	}
	if spec := tb.Command("xread").KeySpecs(); len(spec) != 1 || spec[0].BeginSearch() != "keyword STREAMS 1" || spec[0].FindKeys() != "range -1 1 2" {
		t.Errorf("XREAD key specs %+v", spec)
	}
}

func TestWhere(t *testing.T) {
	w := commands.Where("HEXPIRE")
	if len(w) == 0 || w[0].Target != "redis-7.4" || w[0].Since != "7.4.0" {
		t.Errorf("Where(HEXPIRE) = %v", w)
	}
}

// TestReadOnly: what the accessors return is a copy.
func TestReadOnly(t *testing.T) {
	c := commands.Default().Command("set")
	c.Flags()[0] = "changed"
	c.Args()[0] = nil
	if c.Flags()[0] == "changed" || c.Args()[0] == nil {
		t.Error("the table changed through an accessor")
	}
}

func TestValkeyServerGlobal(t *testing.T) {
	tb, err := commands.Lookup("valkey-8.0")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tb.Global("server"); !ok {
		t.Error("valkey-8.0 has no global server")
	}
}

func TestSyntax(t *testing.T) {
	tb := commands.Default()
	for name, want := range map[string]string{
		"set":            "SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
		"get":            "GET key",
		"del":            "DEL key [key ...]",
		"client|setname": "CLIENT SETNAME connection-name",
		"lmove":          "LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>",
	} {
		if got := tb.Command(name).Syntax(); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// TestConcurrentLookup: tables are built once, whichever goroutine asks
// first (run with -race).
func TestConcurrentLookup(t *testing.T) {
	done := make(chan *commands.Table)
	for range 8 {
		go func() {
			commands.Targets()
			tb, _ := commands.Lookup("valkey-8.0")
			commands.Where("get")
			done <- tb
		}()
	}
	first := <-done
	for range 7 {
		if tb := <-done; tb != first {
			t.Error("two tables for one target")
		}
	}
}

// TestPositional: the leading plain values of a grammar, the part the
// linter checks by position and the language server marks by position.
func TestPositional(t *testing.T) {
	tb := commands.Default()
	for name, want := range map[string]int{"set": 2, "incrby": 2, "del": 0, "get": 1, "zadd": 1} {
		if got := tb.Command(name).Positional(); got != want {
			t.Errorf("%s: Positional() = %d, want %d", name, got, want)
		}
	}
	if got := tb.Command("client").Subcommand("setname").Positional(); got != 1 {
		t.Errorf("client setname: %d", got)
	}
}
