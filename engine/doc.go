// Package engine runs loaded scripts on go-redis clients, pipelines and
// transactions: EVALSHA without ever surfacing NOSCRIPT, never executing a
// call twice, typed values in and out, and Redis errors turned into
// tracebacks that point at the real file and line.
package engine
