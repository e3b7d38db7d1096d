package engine

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// TestCallSize keeps a Call in the 288-byte size class: every call
// allocates one, and BenchmarkPipeline100 pays for each byte (the
// sixth session brought it down from 320: the variant a bit of the
// marker, the result's state bits of its word, a decode error kept in
// the result).
func TestCallSize(t *testing.T) {
	if n := unsafe.Sizeof(Call{}); n > 288 {
		t.Errorf("a Call is %d bytes, over the 288-byte size class", n)
	}
}

// TestQueueAllocs: queuing a call costs one allocation, the Call (the
// pipeline's own slice growth aside), for plain and no-writes scripts:
// the command name, the marker and the counts are boxed without
// allocating.
func TestQueueAllocs(t *testing.T) {
	e, p := offlineEngine(t)
	ctx := context.Background()
	for _, src := range []string{
		"%key k\n%arg n integer\nreturn redis.call('INCRBY', k, n)",
		"#!lua flags=no-writes\n%key k\n%arg n integer\nreturn redis.call('GET', k)",
	} {
		s, err := resolve.New(nil).Parse("q", src)
		if err != nil {
			t.Fatal(err)
		}
		values := map[string]any{"k": "key", "n": 7}
		if n := testing.AllocsPerRun(1000, func() { e.Queue(ctx, p, s, values) }); n > 1.05 {
			t.Errorf("%q: %.2f allocations per queued call, want 1", src[:12], n)
		}
	}
}

// offlineEngine is an engine on a client that is never dialled, as if
// its server ran #! scripts (Redis 7: no question asked), and a
// pipeline of it that is never executed: for counting what queuing
// costs.
func offlineEngine(t *testing.T) (*Engine, redis.Pipeliner) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { rdb.Close() })
	e := New(rdb)
	e.shebang.Store(1)
	return e, rdb.Pipeline()
}

// TestValuesStayOnStack: a map literal written at the call does not
// escape, so it costs the caller nothing on the heap (see hide): queuing
// such a call allocates the Call only. An Ordered literal's own box stays
// on the stack too; its array does not (it is what the values point to,
// which hide keeps escaping for structs' sake): two allocations.
func TestValuesStayOnStack(t *testing.T) {
	e, p := offlineEngine(t)
	ctx := context.Background()
	s, err := resolve.New(nil).Parse("q", "%key k\n%arg n integer\nreturn redis.call('INCRBY', k, n)")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		queue func()
		want  float64
	}{
		{"map", func() { e.Queue(ctx, p, s, map[string]any{"k": "key", "n": 7}) }, 1},
		{"ordered", func() { e.Queue(ctx, p, s, Ordered{"key", 7}) }, 2},
	} {
		if n := testing.AllocsPerRun(1000, tt.queue); n > tt.want+0.05 {
			t.Errorf("%s: %.2f allocations per queued call, want %.0f: the values escaped", tt.name, n, tt.want)
		}
	}
}

// TestReaderStaysInFrame: the reader that holds pointers hidden from
// the escape analysis (see hide) lives in bind's frame, where a
// growing stack moves them; on the heap they would go stale. A stale
// read cannot be provoked reliably at run time, so this asks the
// compiler (go build -gcflags=-m) where it put the reader and the map
// iterator.
func TestReaderStaysInFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	var seen bool
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "./bind.go:") {
			continue
		}
		seen = true
		if strings.HasSuffix(line, "moved to heap: r") || strings.Contains(line, "MapIter{...} escapes to heap") {
			t.Errorf("a holder of hidden pointers is on the heap: %s", line)
		}
	}
	if !seen {
		t.Fatalf("no diagnostics for bind.go in:\n%s", out)
	}
}
