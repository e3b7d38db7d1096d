// Package lockuser loads scripts through the loaders of package locks.
package lockuser

import (
	"context"
	"fmt"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/resolve"
	"locks"
)

func must[T any](v T, err error) T { return v }

func names(ctx context.Context, e *engine.Engine, suffix string) {
	// The misspelt name of issue 29, through the other package's loader.
	locks.Loader.Load("lock_relase")       // want `no script "lock_relase" in the embedded tree lua of package "locks"; did you mean "lock_release"\?`
	must(locks.Loader.Load("lock_aquire")) // want `no script "lock_aquire" in the embedded tree lua of package "locks"; did you mean "lock_acquire"\?`

	// Method values: a local one, and the other package's variable.
	load := locks.Loader.Load
	load("lock_relase")       // want `no script "lock_relase" in the embedded tree lua of package "locks"; did you mean "lock_release"\?`
	locks.Load("lock_relase") // want `no script "lock_relase" in the embedded tree lua of package "locks"; did you mean "lock_release"\?`

	// Found: names as resolve cleans them, an included file, a script
	// whose include is missing (luaembed reports it in package locks).
	locks.Loader.Load("./lock_release")
	locks.Loader.Load("lib/owned")
	locks.Loader.Load("broken")

	// Not reported: names built at run time, loaders the analyzer cannot
	// resolve, a loader returned from a function, a loader held by a field
	// of another package's struct.
	locks.Loader.Load("lock_" + suffix)
	locks.Loader.Load(fmt.Sprint("lock_relase"))
	locks.Disk.Load("lock_relase")
	locks.Dynamic.Load("lock_relase")
	locks.Loaders().Load("lock_relase")
	locks.Default.Loader.Load("lock_relase")
	own := locks.Set{Loader: must(resolve.OpenDir("lua"))}
	own.Loader.Load("mine")
	var l *resolve.Loader
	l.Load("lock_relase")

	// A script loaded there is checked here.
	e.Run(ctx, must(locks.Loader.Load("lock_release")), map[string]any{"lock": "k", "tokn": "t"}) // want `script lock_release has no parameter "tokn"; did you mean "token"\?` `script lock_release needs "token"`
	acquire := must(load("lock_acquire"))
	e.Run(ctx, acquire, map[string]any{"lock": "k", "token": "t", "ttl": "soon"}) // want `arg ttl of script lock_acquire is integer: a string never encodes to it`
}

// A copy of the other package's loader, exported again, and a script
// loaded from it, exported too.
var Locks = locks.Loader // want Locks:"loader locks/lua: broken lib/owned lock_acquire lock_release"

var Release = must(Locks.Load("lock_release")) // want Release:"script lock_release"

var Missing = must(Locks.Load("lock_relase")) // want `no script "lock_relase" in the embedded tree lua of package "locks"; did you mean "lock_release"\?`
