// Package scripts holds scripts that another package calls.
package scripts

import (
	"embed"
	"io/fs"

	"github.com/redislua/redislua/resolve"
)

//go:embed lua
var luaFS embed.FS

func must[T any](v T, err error) T { return v }

var loader = resolve.New(must(fs.Sub(luaFS, "lua")))

// Add is exported: its signature reaches importers as a fact.
var Add = must(loader.Load("add")) // want Add:"script add"
