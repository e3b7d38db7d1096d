package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/redislua/redislua/redistest"
	"github.com/redislua/redislua/vet/commands"
)

// TestCommandTableMatchesRedis: the redis-7.0 table of vet/commands (the
// linter's default target) is what the real redis-server answers to
// COMMAND, COMMAND DOCS and commands.GlobalsScript: the same commands
// and subcommands with the same arity, flags, key positions, since and
// argument names, and the same Lua globals and fields. Regenerate it
// with go run ./vet/commands/gen (see vet/commands).
func TestCommandTableMatchesRedis(t *testing.T) {
	srv := redistest.Real(t)
	ctx := context.Background()
	rdb := srv.Client(t)
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
	live, err := commands.FromReplies("live", "redis", "", info, docs, globals)
	if err != nil {
		t.Fatal(err)
	}
	table := commands.Default()
	if v, _ := rdb.Info(ctx, "server").Result(); !strings.Contains(v, "redis_version:"+table.Version()+"\r\n") {
		t.Skipf("the server is not redis %s", table.Version())
	}
	compare(t, live, table)
}

func compare(t *testing.T, live, table *commands.Table) {
	t.Helper()
	all := func(tb *commands.Table) []*commands.Command {
		var out []*commands.Command
		for _, c := range tb.Commands() {
			out = append(out, c)
			out = append(out, c.Subcommands()...)
		}
		return out
	}
	liveAll, tableAll := all(live), all(table)
	if len(liveAll) != len(tableAll) {
		t.Errorf("the table has %d commands and subcommands, the server %d", len(tableAll), len(liveAll))
	}
	for _, c := range liveAll {
		d := table.Command(c.Name())
		if d == nil {
			t.Errorf("the table lacks %s", c.Name())
			continue
		}
		f1, l1, s1 := c.Keys()
		f2, l2, s2 := d.Keys()
		if c.Arity() != d.Arity() || !slices.Equal(c.Flags(), d.Flags()) || f1 != f2 || l1 != l2 || s1 != s2 || c.Since() != d.Since() || len(c.Args()) != len(d.Args()) {
			t.Errorf("%s differs: server arity %d flags %v keys %d %d %d since %s; table %d %v %d %d %d %s", c.Name(), c.Arity(), c.Flags(), f1, l1, s1, c.Since(), d.Arity(), d.Flags(), f2, l2, s2, d.Since())
		}
	}
	if !slices.Equal(live.Globals(), table.Globals()) {
		t.Errorf("globals: server %v, table %v", live.Globals(), table.Globals())
	}
	for _, g := range live.Globals() {
		if !slices.Equal(live.Fields(g), table.Fields(g)) {
			t.Errorf("fields of %s: server %v, table %v", g, live.Fields(g), table.Fields(g))
		}
	}
}
