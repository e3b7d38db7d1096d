// Package tabledata is the form of the command tables on disk and in
// replies: the records the generator writes and package commands reads.
package tabledata

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Cmd is one command or subcommand as the data file holds it.
type Cmd struct {
	Name       string    `json:"name"`
	Arity      int       `json:"arity"`
	Flags      []string  `json:"flags,omitempty"`
	Keys       [3]int    `json:"keys"`
	Specs      []KeySpec `json:"specs,omitempty"`
	Group      string    `json:"group,omitempty"`
	Since      string    `json:"since,omitempty"`
	DocFlags   []string  `json:"doc_flags,omitempty"`
	Deprecated string    `json:"deprecated_since,omitempty"`
	ReplacedBy string    `json:"replaced_by,omitempty"`
	Args       []Arg     `json:"args,omitempty"`
}

type KeySpec struct {
	Flags []string `json:"flags,omitempty"`
	Begin string   `json:"begin"`
	Find  string   `json:"find"`
}

type Arg struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Token      string   `json:"token,omitempty"`
	Display    string   `json:"display,omitempty"`
	Flags      []string `json:"flags,omitempty"`
	Since      string   `json:"since,omitempty"`
	Deprecated string   `json:"deprecated_since,omitempty"`
	KeySpec    *int     `json:"key_spec,omitempty"`
	Args       []Arg    `json:"args,omitempty"`
}

// asMap reads a RESP map: a RESP3 map or a RESP2 array of pairs.
func asMap(v any) (map[string]any, error) {
	out := map[string]any{}
	switch x := v.(type) {
	case map[string]any:
		return x, nil
	case map[any]any:
		for k, v := range x {
			out[asString(k)] = v
		}
	case []any:
		if len(x)%2 != 0 {
			return nil, fmt.Errorf("a map of %d elements", len(x))
		}
		for i := 0; i < len(x); i += 2 {
			out[asString(x[i])] = x[i+1]
		}
	case nil:
	default:
		return nil, fmt.Errorf("%T where a map was expected", v)
	}
	return out, nil
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func asInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int:
		return x
	}
	n, _ := strconv.Atoi(asString(v))
	return n
}

// asStrings reads an array or a RESP3 set of strings.
func asStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, asString(e))
		}
	case map[any]bool:
		for e := range x {
			out = append(out, asString(e))
		}
		sort.Strings(out)
	case map[any]any:
		for e := range x {
			out = append(out, asString(e))
		}
		sort.Strings(out)
	case []string:
		out = append(out, x...)
	}
	return out
}

func FromReplies(info, docs any) ([]Cmd, error) {
	docMap, err := asMap(docs)
	if err != nil {
		return nil, fmt.Errorf("COMMAND DOCS: %w", err)
	}
	entries, ok := info.([]any)
	if !ok {
		return nil, fmt.Errorf("COMMAND: %T where an array was expected", info)
	}
	var out []Cmd
	var add func(e any, docs map[string]any) error
	add = func(e any, docs map[string]any) error {
		f, ok := e.([]any)
		if !ok || len(f) < 6 {
			return fmt.Errorf("COMMAND: an entry %v", e)
		}
		c := Cmd{
			Name:  strings.ToLower(asString(f[0])),
			Arity: asInt(f[1]),
			Flags: asStrings(f[2]),
			Keys:  [3]int{asInt(f[3]), asInt(f[4]), asInt(f[5])},
		}
		if len(f) > 8 {
			for _, s := range asList(f[8]) {
				k, err := keySpec(s)
				if err != nil {
					return fmt.Errorf("COMMAND %s: %w", c.Name, err)
				}
				c.Specs = append(c.Specs, k)
			}
		}
		// COMMAND DOCS names a subcommand "client|setname" within its
		// command's subcommands.
		d, err := asMap(docs[c.Name])
		if err != nil {
			return fmt.Errorf("COMMAND DOCS %s: %w", c.Name, err)
		}
		c.Group = asString(d["group"])
		c.Since = asString(d["since"])
		c.DocFlags = asStrings(d["doc_flags"])
		c.Deprecated = asString(d["deprecated_since"])
		c.ReplacedBy = asString(d["replaced_by"])
		for _, a := range asList(d["arguments"]) {
			ra, err := arg(a)
			if err != nil {
				return fmt.Errorf("COMMAND DOCS %s: %w", c.Name, err)
			}
			c.Args = append(c.Args, ra)
		}
		out = append(out, c)
		if len(f) > 9 {
			subDocs, err := asMap(d["subcommands"])
			if err != nil {
				return fmt.Errorf("COMMAND DOCS %s: %w", c.Name, err)
			}
			for _, s := range asList(f[9]) {
				if err := add(s, subDocs); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, e := range entries {
		if err := add(e, docMap); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func keySpec(v any) (KeySpec, error) {
	m, err := asMap(v)
	if err != nil {
		return KeySpec{}, err
	}
	k := KeySpec{Flags: asStrings(m["flags"]), Begin: "unknown", Find: "unknown"}
	bs, _ := asMap(m["begin_search"])
	spec, _ := asMap(bs["spec"])
	switch asString(bs["type"]) {
	case "index":
		k.Begin = fmt.Sprintf("index %d", asInt(spec["index"]))
	case "keyword":
		k.Begin = fmt.Sprintf("keyword %s %d", asString(spec["keyword"]), asInt(spec["startfrom"]))
	}
	fk, _ := asMap(m["find_keys"])
	spec, _ = asMap(fk["spec"])
	switch asString(fk["type"]) {
	case "range":
		k.Find = fmt.Sprintf("range %d %d %d", asInt(spec["lastkey"]), asInt(spec["keystep"]), asInt(spec["limit"]))
	case "keynum":
		k.Find = fmt.Sprintf("keynum %d %d %d", asInt(spec["keynumidx"]), asInt(spec["firstkey"]), asInt(spec["keystep"]))
	}
	return k, nil
}

func arg(v any) (Arg, error) {
	m, err := asMap(v)
	if err != nil {
		return Arg{}, err
	}
	a := Arg{
		Name:       asString(m["name"]),
		Type:       asString(m["type"]),
		Token:      asString(m["token"]),
		Display:    asString(m["display_text"]),
		Flags:      asStrings(m["flags"]),
		Since:      asString(m["since"]),
		Deprecated: asString(m["deprecated_since"]),
	}
	if a.Display == a.Name {
		a.Display = ""
	}
	if ks, ok := m["key_spec_index"]; ok {
		n := asInt(ks)
		a.KeySpec = &n
	}
	for _, c := range asList(m["arguments"]) {
		ca, err := arg(c)
		if err != nil {
			return Arg{}, err
		}
		a.Args = append(a.Args, ca)
	}
	return a, nil
}

// ParseGlobals reads GlobalsScript's reply: "name type" lines, without
// Redis's own error handler (__redis__err__handler).
func ParseGlobals(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line == "" || strings.HasPrefix(line, "__") {
			continue
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}
