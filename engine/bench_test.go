package engine_test

import (
	"context"
	"testing"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/engine/redistest"
)

// BenchmarkCall measures SPEC §9's first figure: one call through the
// engine beside the same EVALSHA through go-redis, same client, same
// script, same values.
func BenchmarkCall(b *testing.B) {
	srv := redistest.New(b)
	c := srv.Client(b)
	e := engine.New(c)
	ctx := context.Background()
	s := load(b, "incr")
	c.ScriptLoad(ctx, s.Source())
	values := map[string]any{"counter": "bench"}
	keys := []string{"bench"}
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Run(ctx, s, values).Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goredis", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.EvalSha(ctx, s.SHA1(), keys).Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPipeline10k measures 10,000 calls in one pipeline.
func BenchmarkPipeline10k(b *testing.B) {
	srv := redistest.New(b)
	c := srv.Client(b)
	e := engine.New(c)
	ctx := context.Background()
	s := load(b, "incr")
	c.ScriptLoad(ctx, s.Source())
	values := map[string]any{"counter": "bench"}
	keys := []string{"bench"}
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := c.Pipeline()
			for range 10_000 {
				e.Queue(ctx, p, s, values)
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goredis", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := c.Pipeline()
			for range 10_000 {
				p.EvalSha(ctx, s.SHA1(), keys)
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
