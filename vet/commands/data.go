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
	// The header (the targets' names) is read at the first call of
	// anything; the records at the first table asked for.
	loadOnce    sync.Once
	recordsOnce sync.Once
	entries     []*entry
	byName      map[string]*entry
	loadErr     error
)

// entry is one target: its records and its table, built at its first
// use.
type entry struct {
	name  string
	raw   tabledata.Table
	once  sync.Once
	table *Table
}

func (e *entry) get() (*Table, error) {
	recordsOnce.Do(loadRecords)
	if loadErr != nil {
		return nil, loadErr
	}
	e.once.Do(func() {
		r := e.raw
		e.table = build(r.Name, r.Server, r.Version, r.Cmds, r.Globals)
		e.raw = tabledata.Table{}
	})
	return e.table, nil
}

func load() {
	targets, err := tabledata.Header(tablesData)
	if err != nil {
		loadErr = fmt.Errorf("commands: tables.jsonl: %w", err)
		return
	}
	byName = map[string]*entry{}
	for _, t := range targets {
		e := &entry{name: t.Name}
		entries = append(entries, e)
		byName[t.Name] = e
	}
}

func loadRecords() {
	loadOnce.Do(load)
	if loadErr != nil {
		return
	}
	raw, err := tabledata.Decode(tablesData)
	if err != nil {
		loadErr = fmt.Errorf("commands: tables.jsonl: %w", err)
		return
	}
	for _, r := range raw {
		if e := byName[r.Name]; e != nil {
			e.raw = r
		}
	}
}

// Targets returns the names of the tables this package holds, Redis's
// then Valkey's, each by version: redis-7.0, redis-7.2...
func Targets() []string {
	loadOnce.Do(load)
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.name
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
	if e, ok := byName[strings.ToLower(target)]; ok {
		return e.get()
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
	for _, e := range entries {
		t, err := e.get()
		if err != nil {
			return nil
		}
		if c := t.Command(name); c != nil {
			out = append(out, Availability{t.name, c.since})
		}
	}
	return out
}
