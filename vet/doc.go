// Package vet holds redislua's static checks: the Lua linter (package
// lint, also behind `redis-lua check`), the table of Redis and Valkey
// commands it checks calls against (package commands), the project
// configuration (package config, redislua.json), the go/analysis analyzers
// luaembed (passes/embedscripts), luacalls (passes/scriptcalls) and
// luaraw (passes/rawdirectives), and the redis-lua-vet command that runs
// them as `go vet -vettool=$(which redis-lua-vet) ./...` or standalone.
package vet
