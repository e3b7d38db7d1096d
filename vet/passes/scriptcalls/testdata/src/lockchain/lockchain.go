// Package lockchain reaches package locks' loader through lockuser.
package lockchain

import (
	"context"

	"github.com/redislua/redislua/engine"
	"lockuser"
)

func use(ctx context.Context, e *engine.Engine) {
	lockuser.Locks.Load("lock_relase")                        // want `no script "lock_relase" in the embedded tree lua of package "locks"; did you mean "lock_release"\?`
	e.Run(ctx, lockuser.Release, map[string]any{"lock": "k"}) // want `script lock_release needs "token"`
}
