// Package vet holds the go/analysis analyzers of redislua, the
// redis-lua-vet vettool and the Lua linter used by `redis-lua check`.
package vet
