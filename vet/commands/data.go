package commands

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/redislua/redislua/directive"
	"github.com/redislua/redislua/vet/commands/internal/tabledata"
)

// DefaultTarget is the target when none is configured: the oldest Redis
// the project supports, Debian's redis-server 7.0.15 that CI runs.
const DefaultTarget = "redis-7.0"

//go:embed tables.jsonl
var tablesData []byte

var (
	loadOnce sync.Once
	tables   []*Table
	byName   map[string]*Table
	loadErr  error
)

func load() {
	raw, err := tabledata.Decode(tablesData)
	if err != nil {
		loadErr = fmt.Errorf("commands: tables.jsonl: %w", err)
		return
	}
	byName = map[string]*Table{}
	for _, r := range raw {
		t := build(r.Name, r.Server, r.Version, r.Cmds, r.Globals)
		tables = append(tables, t)
		byName[t.name] = t
	}
}

// Targets returns the names of the tables this package holds, Redis's
// then Valkey's, each by version: redis-7.0, redis-7.2...
func Targets() []string {
	loadOnce.Do(load)
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.name
	}
	return out
}

// Lookup returns a target's table; an unknown name is an error that
// lists the known ones (with a suggestion).
func Lookup(target string) (*Table, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	if t, ok := byName[strings.ToLower(target)]; ok {
		return t, nil
	}
	names := Targets()
	msg := fmt.Sprintf("unknown target %q", target)
	if hint := directive.Suggest(target, names); hint != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", hint)
	}
	return nil, fmt.Errorf("%s; known targets: %s", msg, strings.Join(names, ", "))
}

// Default returns the table of DefaultTarget.
func Default() *Table {
	t, err := Lookup(DefaultTarget)
	if err != nil {
		panic(err)
	}
	return t
}

// Availability is a target that has a command, and the version its
// server says added it.
type Availability struct {
	Target string
	Since  string
}

// Where lists the targets whose tables have a command or subcommand
// ("hexpire", "client|no-touch"), in the order of Targets.
func Where(name string) []Availability {
	loadOnce.Do(load)
	var out []Availability
	for _, t := range tables {
		if c := t.Command(name); c != nil {
			out = append(out, Availability{t.name, c.since})
		}
	}
	return out
}
