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

var loader = resolve.New(must(fs.Sub(luaFS, "lua"))) // want loader:"loader scripts/lua: add"

// Add is exported: its signature reaches importers as a fact.
var Add = must(loader.Load("add")) // want Add:"script add"

// A name the embedded tree does not hold.
var Missing = must(loader.Load("ad")) // want `no script "ad" in the embedded tree lua; did you mean "add"\?`

// A helper around fs.Sub.
func scriptFS() fs.FS {
	sub, err := fs.Sub(luaFS, "lua")
	if err != nil {
		panic(err)
	}
	return sub
}

var helped = resolve.New(scriptFS()) // want helped:"loader scripts/lua: add"

// Helped comes through the helper: its signature is known.
var Helped = must(helped.Load("add")) // want Helped:"script add"

var Typo = must(helped.Load("addd")) // want `no script "addd" in the embedded tree lua; did you mean "add"\?`
