package tabledata

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Target names one table and where it came from.
type Target struct {
	Name    string `json:"name"`    // redis-7.0
	Server  string `json:"server"`  // redis, valkey
	Version string `json:"version"` // what the server reported: 7.0.15
}

// Table is one target's records, decoded.
type Table struct {
	Target
	Cmds    []Cmd
	Globals []string // "name type" lines
}

// record is one line of the file after the header: a command or a Lua
// global, and the targets (indices into the header's) that have it
// exactly so.
type record struct {
	In  []int  `json:"in"`
	Cmd *Cmd   `json:"cmd,omitempty"`
	Lua string `json:"lua,omitempty"`
}

type header struct {
	Targets []Target `json:"targets"`
}

// Header reads the targets of a data file (its first line) alone.
func Header(data []byte) ([]Target, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if len(line) == 0 {
		return nil, nil
	}
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	return h.Targets, nil
}

// Decode reads a data file: a header line with the targets, then one
// record per line.
func Decode(data []byte) ([]Table, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	if !sc.Scan() {
		return nil, nil
	}
	var h header
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	tables := make([]Table, len(h.Targets))
	for i, t := range h.Targets {
		tables[i].Target = t
	}
	for n := 2; sc.Scan(); n++ {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		for _, i := range r.In {
			if i < 0 || i >= len(tables) {
				return nil, fmt.Errorf("line %d: target %d", n, i)
			}
			if r.Cmd != nil {
				tables[i].Cmds = append(tables[i].Cmds, *r.Cmd)
			} else {
				tables[i].Globals = append(tables[i].Globals, r.Lua)
			}
		}
	}
	return tables, sc.Err()
}

// Encode writes tables as one file: each distinct command record (and
// each global line) once, with the targets that have it. Targets are
// ordered by server then version; records by name.
func Encode(tables []Table) ([]byte, error) {
	tables = slices.Clone(tables)
	sort.Slice(tables, func(i, j int) bool {
		a, b := tables[i], tables[j]
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		return VersionLess(a.Version, b.Version)
	})
	type entry struct {
		key  string // the record's JSON, for sorting by name and then content
		name string
		in   []int
		cmd  *Cmd
		lua  string
	}
	byJSON := map[string]*entry{}
	for i, t := range tables {
		for _, c := range t.Cmds {
			b, err := json.Marshal(c)
			if err != nil {
				return nil, err
			}
			e := byJSON[string(b)]
			if e == nil {
				c := c
				e = &entry{key: string(b), name: "c " + c.Name, cmd: &c}
				byJSON[string(b)] = e
			}
			e.in = append(e.in, i)
		}
		for _, g := range t.Globals {
			k := "lua " + g
			e := byJSON[k]
			if e == nil {
				e = &entry{key: k, name: "l " + g, lua: g}
				byJSON[k] = e
			}
			e.in = append(e.in, i)
		}
	}
	entries := make([]*entry, 0, len(byJSON))
	for _, e := range byJSON {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].name != entries[j].name {
			return entries[i].name < entries[j].name
		}
		return entries[i].key < entries[j].key
	})
	var buf bytes.Buffer
	h := header{}
	for _, t := range tables {
		h.Targets = append(h.Targets, t.Target)
	}
	b, _ := json.Marshal(h)
	buf.Write(b)
	buf.WriteByte('\n')
	for _, e := range entries {
		b, err := json.Marshal(record{In: e.in, Cmd: e.cmd, Lua: e.lua})
		if err != nil {
			return nil, err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// VersionLess compares dotted versions numerically (7.2.10 > 7.2.9).
func VersionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		var x, y int
		fmt.Sscan(as[i], &x)
		fmt.Sscan(bs[i], &y)
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}
