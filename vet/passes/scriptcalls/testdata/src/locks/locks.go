// Package locks holds loaders that other packages load scripts from.
package locks

import (
	"embed"
	"io/fs"
	"os"

	"github.com/redislua/redislua/resolve"
)

//go:embed lua
var luaFS embed.FS

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Loader is built through a generic helper around fs.Sub: its fact
// carries the tree to the packages that import it.
var Loader = resolve.New(must(fs.Sub(luaFS, "lua"))) // want Loader:"loader locks/lua: broken lib/owned lock_acquire lock_release"

// Load is the loader's Load method as a value.
var Load = Loader.Load // want Load:"loader locks/lua: broken lib/owned lock_acquire lock_release"

// Set holds a loader in a field: fields carry no loader fact, since an
// importing package may fill one with a loader of its own.
type Set struct {
	Loader *resolve.Loader
}

var Default = Set{Loader: resolve.New(must(fs.Sub(luaFS, "lua")))}

// Loaders the analyzer cannot resolve: a directory read at run time, a
// file system that is not embedded. They carry no fact.
var (
	Disk    = must(resolve.OpenDir("lua"))
	Dynamic = resolve.New(os.DirFS("lua"))
)

// Loaders returns a loader: loaders returned from functions are not
// followed.
func Loaders() *resolve.Loader { return Loader }
