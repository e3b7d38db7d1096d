// Package cli holds the redis-lua command line (see cmd/redis-lua): render,
// inspect, ls, run, exec, check, load and conformance.
package cli
