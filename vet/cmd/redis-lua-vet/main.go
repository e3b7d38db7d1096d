// Command redis-lua-vet checks Go packages that use redislua scripts.
//
// As a vet tool:
//
//	go vet -vettool=$(which redis-lua-vet) ./...
//
// or standalone:
//
//	redis-lua-vet ./...
//
// It runs the analyzers luaembed (embedded scripts and the Lua linter),
// luacalls (named values of engine calls) and luaraw (directives sent to
// go-redis unrendered).
package main

import (
	"github.com/redislua/redislua/vet/passes/embedscripts"
	"github.com/redislua/redislua/vet/passes/rawdirectives"
	"github.com/redislua/redislua/vet/passes/scriptcalls"
	"golang.org/x/tools/go/analysis/multichecker"
)

func main() {
	multichecker.Main(embedscripts.Analyzer, scriptcalls.Analyzer, rawdirectives.Analyzer)
}
