package bench

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
)

// batcher is a prototype, measured here and nowhere used: engine calls
// from many goroutines coalesced into pipelines of a plain go-redis
// client, the caller that finds a free slot flushing the calls queued
// behind it (no hand-off to a flusher goroutine), one completion channel
// per batch. At-most-once is the engine's pipeline hook's, as for any
// queued call. Not handled: the callers' contexts (a batch runs under
// context.Background), a cap on a batch's size.
type batcher struct {
	e       *engine.Engine
	rdb     *redis.Client
	max     int // batches in flight
	mu      sync.Mutex
	pending *batch
	running int
}

type batch struct {
	scripts []*resolve.Script
	values  []engine.Values
	calls   []*engine.Call
	done    chan struct{}
}

func newBatcher(rdb *redis.Client, max int) *batcher {
	return &batcher{e: engine.New(rdb), rdb: rdb, max: max}
}

// Run queues the call in the pending batch and waits for its result,
// flushing the batch itself when fewer than max are in flight.
func (b *batcher) Run(ctx context.Context, s *resolve.Script, values engine.Values) *engine.Call {
	b.mu.Lock()
	p := b.pending
	if p == nil {
		p = &batch{done: make(chan struct{})}
		b.pending = p
	}
	i := len(p.scripts)
	p.scripts = append(p.scripts, s)
	p.values = append(p.values, values)
	if b.running < b.max {
		b.running++
		b.pending = nil
		b.mu.Unlock()
		b.flush(p)
	} else {
		b.mu.Unlock()
		<-p.done
	}
	return p.calls[i]
}

// flush runs batch p, then whatever queued meanwhile, until nothing is
// pending; the next batch runs on a goroutine of its own so that this
// caller gets its reply at once.
func (b *batcher) flush(p *batch) {
	ctx := context.Background()
	pipe := b.rdb.Pipeline()
	p.calls = make([]*engine.Call, len(p.scripts))
	for i, s := range p.scripts {
		p.calls[i] = b.e.Queue(ctx, pipe, s, p.values[i])
	}
	_, _ = pipe.Exec(ctx)
	close(p.done)
	b.mu.Lock()
	next := b.pending
	if next == nil {
		b.running--
		b.mu.Unlock()
		return
	}
	b.pending = nil
	b.mu.Unlock()
	go b.flush(next)
}
