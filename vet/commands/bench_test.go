package commands

import (
	"sync"
	"testing"
)

// BenchmarkLoad: decoding tables.jsonl and building the default
// target's table, what the first Lookup costs a process.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		loadOnce, recordsOnce, entries, byName, loadErr = sync.Once{}, sync.Once{}, nil, nil, nil
		if _, err := Lookup(DefaultTarget); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAll: every target's table.
func BenchmarkLoadAll(b *testing.B) {
	for b.Loop() {
		loadOnce, recordsOnce, entries, byName, loadErr = sync.Once{}, sync.Once{}, nil, nil, nil
		Where("get")
	}
}
