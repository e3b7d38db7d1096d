package tabledata

import (
	"reflect"
	"testing"
)

// TestRoundTrip: Encode writes each record once for the targets that
// share it, in server and version order, and Decode gives the tables
// back.
func TestRoundTrip(t *testing.T) {
	get := Cmd{Name: "get", Arity: 2, Flags: []string{"readonly", "fast"}, Keys: [3]int{1, 1, 1}, Since: "1.0.0"}
	in := []Table{
		{Target: Target{Name: "valkey-8.0", Server: "valkey", Version: "8.0.1"}, Cmds: []Cmd{get}, Globals: []string{"redis table", "server table"}},
		{Target: Target{Name: "redis-7.10", Server: "redis", Version: "7.10.0"}, Cmds: []Cmd{get, {Name: "hexpire", Arity: -6, Since: "7.4.0"}}, Globals: []string{"redis table"}},
		{Target: Target{Name: "redis-7.2", Server: "redis", Version: "7.2.6"}, Cmds: []Cmd{get}, Globals: []string{"redis table"}},
	}
	data, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"targets":[{"name":"redis-7.2","server":"redis","version":"7.2.6"},{"name":"redis-7.10","server":"redis","version":"7.10.0"},{"name":"valkey-8.0","server":"valkey","version":"8.0.1"}]}
{"in":[0,1,2],"cmd":{"name":"get","arity":2,"flags":["readonly","fast"],"keys":[1,1,1],"since":"1.0.0"}}
{"in":[1],"cmd":{"name":"hexpire","arity":-6,"keys":[0,0,0],"since":"7.4.0"}}
{"in":[0,1,2],"lua":"redis table"}
{"in":[2],"lua":"server table"}
`
	if string(data) != want {
		t.Errorf("Encode:\n%s\nwant\n%s", data, want)
	}
	out, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || !reflect.DeepEqual(out[2], in[0]) || !reflect.DeepEqual(out[1], in[1]) || !reflect.DeepEqual(out[0], in[2]) {
		t.Errorf("Decode = %+v", out)
	}
}

// TestFromRepliesRESP2: the flat arrays of a RESP2 reply (what the
// generator reads) and the maps of RESP3 (go-redis's default) give the
// same records.
func TestFromRepliesRESP2(t *testing.T) {
	info := []any{[]any{"set", int64(-3), []any{"write", "denyoom"}, int64(1), int64(1), int64(1), []any{"@write"}, []any{},
		[]any{[]any{"notes", "prose", "flags", []any{"RW"}, "begin_search", []any{"type", "index", "spec", []any{"index", int64(1)}}, "find_keys", []any{"type", "range", "spec", []any{"lastkey", int64(0), "keystep", int64(1), "limit", int64(0)}}}},
		[]any{}}}
	docs2 := []any{"set", []any{"summary", "prose", "since", "1.0.0", "group", "string", "complexity", "O(1)", "arguments", []any{
		[]any{"name", "key", "type", "key", "key_spec_index", int64(0)},
		[]any{"name", "condition", "type", "oneof", "flags", []any{"optional"}, "arguments", []any{[]any{"name", "nx", "type", "pure-token", "token", "NX"}}},
	}}}
	docs3 := map[any]any{"set": map[any]any{"summary": "prose", "since": "1.0.0", "group": "string", "arguments": []any{
		map[any]any{"name": "key", "type": "key", "key_spec_index": int64(0)},
		map[any]any{"name": "condition", "type": "oneof", "flags": map[any]bool{"optional": true}, "arguments": []any{map[any]any{"name": "nx", "type": "pure-token", "token": "NX"}}},
	}}}
	a, err := FromReplies(info, docs2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FromReplies(info, docs3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("RESP2 %+v\nRESP3 %+v", a, b)
	}
	zero := 0
	want := []Cmd{{Name: "set", Arity: -3, Flags: []string{"write", "denyoom"}, Keys: [3]int{1, 1, 1}, Group: "string", Since: "1.0.0",
		Specs: []KeySpec{{Flags: []string{"RW"}, Begin: "index 1", Find: "range 0 1 0"}},
		Args:  []Arg{{Name: "key", Type: "key", KeySpec: &zero}, {Name: "condition", Type: "oneof", Flags: []string{"optional"}, Args: []Arg{{Name: "nx", Type: "pure-token", Token: "NX"}}}}}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("FromReplies = %+v\nwant %+v", a, want)
	}
}
