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
// Measured on two cores (internal/bench, BENCHMARKS.md): against
// go-redis's default options 1.7× the throughput at 64 goroutines and
// 1.4× at 256, the same at 1 and 16; against rueidis 1.18× at 64 and
// 1.22× at 256. The price is the tail: p99 twice rueidis's at 64, where
// go-redis's defaults stay within 1.2× of it at 0.7× the throughput.
// Below some 32 goroutines auto-pipelining does not pay: a plain client
// was 1.4× faster at 16. The figures are those of one machine; the
// options are go-redis's (experimental there), so tune them like any
// other.
func AutoPipelineOptions() *redis.AutoPipelineOptions {
	return &redis.AutoPipelineOptions{
		Unordered:            true,
		MaxConcurrentBatches: 4,
		MaxBatchSize:         16,
		MaxBatchBytes:        128 << 10, // go-redis's default
	}
}
