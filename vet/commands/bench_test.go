package commands

import "testing"

// BenchmarkLoad: decoding tables.jsonl into every target's table, what
// the first Lookup costs a process.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		tables, byName, loadErr = nil, nil, nil
		load()
	}
	if loadErr != nil {
		b.Fatal(loadErr)
	}
}
