package engine

import (
	"context"
	"testing"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/resolve"
)

// TestCallSize keeps a Call in the 352-byte size class: every call
// allocates one. It holds its states as plain fields and a sync.Once
// (the sixth session packed them into bits and an out-of-line struct to
// reach 288 bytes, for a pipeline figure that moved inside its noise;
// BENCHMARKS.md, seventh session).
func TestCallSize(t *testing.T) {
	if n := unsafe.Sizeof(Call{}); n > 352 {
		t.Errorf("a Call is %d bytes, over the 352-byte size class", n)
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

// TestValuesAllocs: a call whose values are a map literal or an
// Ordered allocates no more than go-redis's own EvalSha of the same
// script with the same values (the engine hides nothing from the
// compiler's escape analysis: a call's values escape as go-redis's do).
func TestValuesAllocs(t *testing.T) {
	e, p := offlineEngine(t)
	ctx := context.Background()
	s, err := resolve.New(nil).Parse("q", "%key k\n%arg n integer\nreturn redis.call('INCRBY', k, n)")
	if err != nil {
		t.Fatal(err)
	}
	goRedis := testing.AllocsPerRun(1000, func() { p.EvalSha(ctx, s.SHA1(), []string{"key"}, 7) })
	for _, tt := range []struct {
		name  string
		queue func()
	}{
		{"map", func() { e.Queue(ctx, p, s, map[string]any{"k": "key", "n": 7}) }},
		{"ordered", func() { e.Queue(ctx, p, s, Ordered{"key", 7}) }},
	} {
		if n := testing.AllocsPerRun(1000, tt.queue); n > goRedis {
			t.Errorf("%s: %.2f allocations per queued call, go-redis's EvalSha %.2f", tt.name, n, goRedis)
		}
	}
}
