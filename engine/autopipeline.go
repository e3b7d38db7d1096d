package engine

import "github.com/redis/go-redis/v9"

// AutoPipelineOptions returns go-redis auto-pipelining options tuned for
// engine calls from many goroutines: a client made with them, whose
// AutoPipeline() is given to New, coalesces concurrent calls into
// pipelines of at most 16 commands, up to 4 of them in flight at once.
//
//	rdb := redis.NewClient(&redis.Options{Addr: addr, AutoPipelineOptions: engine.AutoPipelineOptions()})
//	ap, err := rdb.AutoPipeline()
//	...
//	e := engine.New(ap)
//
// Batches then complete in any order (Unordered), which engine calls do
// not mind: each Run waits for its own reply, so the calls of one
// goroutine still run in the order it makes them, and go-redis's blocking
// face keeps that order for its other commands too.
//
// These options buy throughput from many goroutines at the price of the
// tail, and below some 32 goroutines auto-pipelining does not pay (a
// plain client is faster): the figures, beside go-redis's defaults and
// rueidis, are in BENCHMARKS.md, "Beside rueidis". They are one
// machine's; the options are go-redis's (experimental there), so tune
// them like any other.
func AutoPipelineOptions() *redis.AutoPipelineOptions {
	return &redis.AutoPipelineOptions{
		Unordered:            true,
		MaxConcurrentBatches: 4,
		MaxBatchSize:         16,
		MaxBatchBytes:        128 << 10, // go-redis's default
	}
}
