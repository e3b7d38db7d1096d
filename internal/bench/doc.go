// Package bench measures the engine beside peer libraries that the
// released modules do not depend on (rueidis): a module under internal/,
// never released, so that its dependencies stay out of every consumer's
// module graph. `task bench-peers` runs it; BENCHMARKS.md has the figures.
package bench
